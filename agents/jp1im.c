/* jp1im - OCF resource agent for Hitachi JP1/IM - Manager on a logical host.
 *
 * "Running" means: jco_spmd_status -h LOGICAL_HOST returns 0 and, when the IM
 * database is used (use_imdb), jimdbstatus -h LOGICAL_HOST returns 0 too. Start
 * refuses unless the shared directory is here and JP1/Base of the same logical host
 * runs (the documented order), then runs jco_start.cluster and polls both status
 * commands; stop runs jco_stop.cluster, then always jco_killall.cluster, then
 * verifies. Both return-code tables (PRODUCTS.md section 1) are below.
 */
#include "config.h"

#include <lhost/clustercmd.h>
#include <lhost/ocf.h>

#include "jp1.h"

typedef struct jp1im_config {
    jp1_common common;
    gboolean use_imdb;
    const char *dbstatus_cmd;
    int dbstatus_retries;
    int dbstatus_retry_interval;
    const char *base_status_cmd;
} jp1im_config;

#define FIELD(f) offsetof(jp1im_config, f)

static const lh_param jp1im_params[] = {
    JP1_COMMON_PARAMS(jp1im_config, "JP1/IM - Manager", "/etc/opt/jp1cons/jco_start.cluster",
                      "/etc/opt/jp1cons/jco_stop.cluster", "/etc/opt/jp1cons/jco_killall.cluster",
                      "/opt/jp1cons/bin/jco_spmd_status"),
    {"use_imdb", LH_PARAM_BOOLEAN, 0, "false", NULL, 0, 0, NULL, FIELD(use_imdb),
     "the IM database is used",
     "Whether JP1/IM - Manager of this logical host uses the IM database. Then jimdbstatus "
     "must say 'running' too, at start and in every monitor."},
    {"dbstatus_cmd", LH_PARAM_STRING, 0, "/opt/jp1cons/bin/jimdbstatus", NULL, 0, 0,
     lh_check_absolute_path, FIELD(dbstatus_cmd), "IM database status command",
     "The IM database status command, run as DBSTATUS_CMD -h LOGICAL_HOST (use_imdb only)."},
    {"dbstatus_retries", LH_PARAM_INTEGER, 0, "3", NULL, 0, 100, NULL, FIELD(dbstatus_retries),
     "retries of a transient database status",
     "How many more times a monitor runs jimdbstatus while it returns 1 (ended abnormally) "
     "or 4 (start or stop under way) before reporting a failure."},
    {"dbstatus_retry_interval", LH_PARAM_INTEGER, 0, "2", NULL, 0, 3600, NULL,
     FIELD(dbstatus_retry_interval), "seconds between database status retries",
     "Seconds between two runs of jimdbstatus after a transient answer."},
    {"base_status_cmd", LH_PARAM_STRING, 0, "/opt/jp1base/bin/jbs_spmd_status", NULL, 0, 0,
     lh_check_absolute_path, FIELD(base_status_cmd), "JP1/Base status command",
     "JP1/Base's status command, run at start to check that JP1/Base of the same logical "
     "host is running: JP1/IM - Manager starts only after it."},
};

/* jimdbstatus return codes (PRODUCTS.md section 1). 8 and 12 say the database is
 * stopped: a failure for a running manager, but what a stop is waiting for. 20 is
 * this node's installation, so no restart here can help. */
static const lh_code jimdbstatus_codes[] = {
    {0, "running", LH_DECIDE_RUNNING, LH_DECIDE_NONE, LH_DECIDE_NONE},
    {1, "the command ended abnormally", LH_DECIDE_RETRY, LH_DECIDE_STOPPED, LH_DECIDE_NONE},
    {4, "start or stop under way", LH_DECIDE_RETRY, LH_DECIDE_NONE, LH_DECIDE_NONE},
    {8, "stopped, restart interrupted, or unstable", LH_DECIDE_FAILOVER, LH_DECIDE_NONE,
     LH_DECIDE_STOPPED},
    {12, "stopped normally", LH_DECIDE_FAILOVER, LH_DECIDE_NONE, LH_DECIDE_STOPPED},
    {16, "only the service-control program runs", LH_DECIDE_FAILOVER, LH_DECIDE_NONE,
     LH_DECIDE_NONE},
    {20, "the installed database is not set up", LH_DECIDE_NOT_HERE, LH_DECIDE_NONE,
     LH_DECIDE_NONE},
};

static const lh_codemap jimdbstatus_map = {"jimdbstatus", jimdbstatus_codes,
                                           G_N_ELEMENTS(jimdbstatus_codes), NULL};

static const lh_codemap *const jp1im_codemaps[] = {&jco_spmd_status_map, &jimdbstatus_map, NULL};

/* JP1/IM - Manager as the library drives it. Initialised in place. */
typedef struct jp1im_product {
    jp1_spmd_check manager;
    const char *db_argv[4];
    lh_status_cmd checks[2]; /* jco_spmd_status, then jimdbstatus when use_imdb */
    lh_clustercmd cmd;
} jp1im_product;

static void jp1im_product_init(jp1im_product *p, const jp1im_config *c)
{
    jp1_spmd_check_init(&p->manager, &jco_spmd_status_map, c->common.status_cmd, &c->common);
    p->db_argv[0] = c->dbstatus_cmd;
    p->db_argv[1] = "-h";
    p->db_argv[2] = c->common.logical_host;
    p->db_argv[3] = NULL;
    p->checks[0] = p->manager.cmd;
    p->checks[1] = (lh_status_cmd){
        .argv = p->db_argv,
        .map = &jimdbstatus_map,
        .retries = c->dbstatus_retries,
        .retry_interval_ms = (gint64)c->dbstatus_retry_interval * 1000,
        .run_timeout_ms = p->manager.cmd.run_timeout_ms,
        .shared_dir = c->common.shared_dir,
    };
    p->cmd = jp1_clustercmd("JP1/IM - Manager", &c->common, p->checks, c->use_imdb ? 2 : 1);
}

static lh_result jp1im_validate(lh_op *op, const void *config)
{
    const jp1im_config *c = config;
    lh_result r = jp1_require_commands(&c->common);

    if (r.code == LH_OCF_SUCCESS) {
        r = lh_require_executable("base_status_cmd", c->base_status_cmd);
    }
    if (r.code == LH_OCF_SUCCESS && c->use_imdb) {
        r = lh_require_executable("dbstatus_cmd", c->dbstatus_cmd);
    }
    return r;
}

static lh_result jp1im_monitor(lh_op *op, const void *config)
{
    jp1im_product product;

    jp1im_product_init(&product, config);
    return jp1_monitor(op, &product.cmd);
}

/* The documented order: JP1/Base of the same logical host runs before JP1/IM. */
static lh_result jp1im_start(lh_op *op, const void *config)
{
    const jp1im_config *c = config;
    jp1im_product product;
    jp1_spmd_check base;

    jp1im_product_init(&product, c);
    jp1_spmd_check_init(&base, &jbs_spmd_status_map, c->base_status_cmd, &c->common);
    return jp1_start(op, &product.cmd, &base, "JP1/Base");
}

static lh_result jp1im_stop(lh_op *op, const void *config)
{
    jp1im_product product;

    jp1im_product_init(&product, config);
    return jp1_stop(op, &product.cmd);
}

/* The watcher's process: the parent jco_spmd of this logical host. Its death ends
 * JP1/IM - Manager; a child or the IM database that dies is the monitor's to find
 * (jco_spmd_status 4, jimdbstatus). */
static GPtrArray *jp1im_watched(lh_op *op, const void *config)
{
    const jp1im_config *c = config;

    (void)op;
    return jp1_watched_parent("jco_spmd", &c->common);
}

static const lh_action jp1im_actions[] = {
    {"start", jp1im_start, 300, 0},
    {"stop", jp1im_stop, 180, 0},
    {"monitor", jp1im_monitor, 90, 60},
    {NULL, NULL, 0, 0},
};

/* What the man page adds to the generated sections: the logical host's order and
 * the Pacemaker settings that realise "restart on the same server before failover". */
static const char jp1im_man_notes[] =
    ".SH LOGICAL HOST ORDER\n"
    "A logical host starts as shared disk, logical IP, JP1/Base (\\fBocf:lhost:jp1base\\fR), "
    "then JP1/IM \\- Manager, and stops in reverse. Put the four in one Pacemaker group, "
    "which orders and colocates them. jp1im refuses to start while JP1/Base of the same "
    "logical host is not running, and while the shared directory is absent.\n"
    ".SH RESTART BEFORE FAILOVER\n"
    "JP1's manuals leave restarts to the cluster software (JP1's own process restart stays "
    "off). A monitor failure (OCF_ERR_GENERIC) makes Pacemaker stop and start the manager "
    "on the same node, and what depends on it, until the resource has failed "
    "\\fBmigration\\-threshold\\fR times there; the next failure moves the whole group to "
    "another node. \\fBfailure\\-timeout\\fR forgets old failures, so that a node becomes "
    "eligible again. For example:\n"
    ".PP\n.nf\n"
    "pcs resource meta lhA\\-im migration\\-threshold=3 failure\\-timeout=10min\n"
    ".fi\n"
    ".PP\n"
    "jimdbstatus 20 (the database is not set up) is answered with OCF_ERR_INSTALLED: a hard "
    "error, so Pacemaker bans the resource from this node at once and recovers it elsewhere, "
    "without the restarts in place that cannot help an installation problem. "
    "OCF_ERR_CONFIGURED would stop the resource on every node, and OCF_ERR_GENERIC would be "
    "retried here first. A probe is the exception: jimdbstatus runs only once "
    "jco_spmd_status said 0, so JP1/IM - Manager runs on this node, without its database. "
    "The library's rule for \"not installed here\" in a probe (not running) would hide a "
    "running manager from the cluster, which could then start a second one elsewhere; the "
    "probe reports OCF_ERR_GENERIC instead, Pacemaker stops the manager here, and the next "
    "start here gets OCF_ERR_INSTALLED.\n"
    ".SH EXAMPLE\n.nf\n"
    "pcs resource create lhA\\-base ocf:lhost:jp1base logical_host=lhA shared_dir=/shdsk/lhA "
    "\\-\\-group lhA\n"
    "pcs resource create lhA\\-im ocf:lhost:jp1im logical_host=lhA shared_dir=/shdsk/lhA "
    "use_imdb=true \\-\\-group lhA\n"
    ".fi\n";

static const lh_agent jp1im_agent = {
    .name = "jp1im",
    .version = PACKAGE_VERSION,
    .shortdesc = "JP1/IM - Manager on a logical host",
    .longdesc =
        "Runs Hitachi JP1/IM - Manager, with its optional IM database, for one logical host "
        "through its cluster commands. Start requires the logical host's shared directory and "
        "a running JP1/Base of the same logical host, runs jco_start.cluster and polls "
        "jco_spmd_status (and jimdbstatus) until everything runs. Stop runs jco_stop.cluster, "
        "then always jco_killall.cluster, and verifies. Monitor maps both commands' return "
        "codes to OCF codes: jco_spmd_status 12 and jimdbstatus 1 and 4 are retried, "
        "jimdbstatus 8, 12 and 16 are failures, 20 is an installation problem of this node.",
    .params = jp1im_params,
    .n_params = G_N_ELEMENTS(jp1im_params),
    .config_size = sizeof(jp1im_config),
    .actions = jp1im_actions,
    .validate = jp1im_validate,
    .codemaps = jp1im_codemaps,
    .man_notes = jp1im_man_notes,
    .watched = jp1im_watched,
};

int main(int argc, char **argv)
{
    return lh_agent_main(&jp1im_agent, argc, argv);
}
