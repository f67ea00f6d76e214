/* jp1base - OCF resource agent for Hitachi JP1/Base on a logical host.
 *
 * "Running" means: jbs_spmd_status -h LOGICAL_HOST returns 0 (all JP1/Base processes
 * of the logical host are up). Start runs jbs_start.cluster, whose return code proves
 * nothing, then polls the status command; stop runs jbs_stop.cluster, then always
 * jbs_killall.cluster, then verifies; monitor maps the status command's return code
 * through the table below (PRODUCTS.md section 1). The product logic is the library's
 * (lhost/clustercmd.h); this file is the JP1/Base contract as data.
 */
#include "config.h"

#include <stddef.h>
#include <time.h>

#include <lhost/clustercmd.h>
#include <lhost/codemap.h>
#include <lhost/log.h>
#include <lhost/ocf.h>
#include <lhost/state.h>

typedef struct jp1base_config {
    const char *logical_host;
    const char *shared_dir;
    const char *start_cmd;
    const char *stop_cmd;
    const char *kill_cmd;
    const char *status_cmd;
    int status_timeout;
    int status_retries;
    int status_retry_interval;
} jp1base_config;

#define FIELD(f) offsetof(jp1base_config, f)

static const lh_param jp1base_params[] = {
    {"logical_host", LH_PARAM_STRING, LH_PARAM_REQUIRED | LH_PARAM_UNIQUE, NULL, NULL, 0, 0,
     lh_check_host_name, FIELD(logical_host), "JP1 logical host name",
     "The logical host whose JP1/Base this resource runs, as given to the JP1 cluster "
     "commands (jbs_start.cluster LOGICAL_HOST, jbs_spmd_status -h LOGICAL_HOST)."},
    {"shared_dir", LH_PARAM_STRING, LH_PARAM_REQUIRED | LH_PARAM_UNIQUE, NULL, NULL, 0, 0,
     lh_check_absolute_path, FIELD(shared_dir), "shared directory of the logical host",
     "The logical host's shared directory on the shared disk (for example /shdsk/lhA). "
     "It exists only on the node that holds the shared disk: where it is absent, the "
     "status command's rc 1 means 'not running here', never a failure, and start refuses."},
    {"start_cmd", LH_PARAM_STRING, 0, "/etc/opt/jp1base/jbs_start.cluster", NULL, 0, 0,
     lh_check_absolute_path, FIELD(start_cmd), "start command",
     "JP1/Base's cluster start command, run as START_CMD LOGICAL_HOST."},
    {"stop_cmd", LH_PARAM_STRING, 0, "/etc/opt/jp1base/jbs_stop.cluster", NULL, 0, 0,
     lh_check_absolute_path, FIELD(stop_cmd), "stop command",
     "JP1/Base's cluster stop command, run as STOP_CMD LOGICAL_HOST."},
    {"kill_cmd", LH_PARAM_STRING, 0, "/etc/opt/jp1base/jbs_killall.cluster", NULL, 0, 0,
     lh_check_absolute_path, FIELD(kill_cmd), "forced termination command",
     "JP1/Base's forced termination command, run as KILL_CMD LOGICAL_HOST after every "
     "stop command, as Hitachi recommends."},
    {"status_cmd", LH_PARAM_STRING, 0, "/opt/jp1base/bin/jbs_spmd_status", NULL, 0, 0,
     lh_check_absolute_path, FIELD(status_cmd), "status command",
     "JP1/Base's operation monitoring command, run as STATUS_CMD -h LOGICAL_HOST -t "
     "STATUS_TIMEOUT."},
    {"status_timeout", LH_PARAM_INTEGER, 0, "5", NULL, 0, 32767, NULL, FIELD(status_timeout),
     "status command timeout (s)",
     "The status command's own timeout (its -t option), in seconds. The default 5 is "
     "Hitachi's field practice; the command's own default is 60."},
    {"status_retries", LH_PARAM_INTEGER, 0, "2", NULL, 0, 100, NULL, FIELD(status_retries),
     "retries of a retriable status",
     "How many more times a monitor runs the status command while it returns 12 "
     "(retriable error) before reporting a failure."},
    {"status_retry_interval", LH_PARAM_INTEGER, 0, "1", NULL, 0, 3600, NULL,
     FIELD(status_retry_interval), "seconds between retries",
     "Seconds between two runs of the status command after it returned 12."},
};

/* jbs_spmd_status return codes (PRODUCTS.md section 1). */
static const lh_code jbs_spmd_status_codes[] = {
    {0, "all processes running", LH_DECIDE_RUNNING, LH_DECIDE_NONE},
    {1, "error", LH_DECIDE_FAILED, LH_DECIDE_STOPPED},
    {4, "some processes stopped", LH_DECIDE_PARTIAL, LH_DECIDE_NONE},
    {8, "all processes stopped", LH_DECIDE_STOPPED, LH_DECIDE_NONE},
    {12, "retriable error", LH_DECIDE_RETRY, LH_DECIDE_NONE},
};

static const lh_codemap jbs_spmd_status_map = {
    "jbs_spmd_status", jbs_spmd_status_codes, G_N_ELEMENTS(jbs_spmd_status_codes)};

static const lh_codemap *const jp1base_codemaps[] = {&jbs_spmd_status_map, NULL};

/* JP1/Base as the library drives it. Initialised in place: it points into itself. */
typedef struct jp1base_product {
    char timeout[16];
    const char *status_argv[6];
    lh_status_cmd status;
    lh_clustercmd cmd;
} jp1base_product;

static void jp1base_product_init(jp1base_product *p, const jp1base_config *c)
{
    g_snprintf(p->timeout, sizeof(p->timeout), "%d", c->status_timeout);
    p->status_argv[0] = c->status_cmd;
    p->status_argv[1] = "-h";
    p->status_argv[2] = c->logical_host;
    p->status_argv[3] = "-t";
    p->status_argv[4] = p->timeout;
    p->status_argv[5] = NULL;
    p->status = (lh_status_cmd){
        .argv = p->status_argv,
        .map = &jbs_spmd_status_map,
        .retries = c->status_retries,
        .retry_interval_ms = (gint64)c->status_retry_interval * 1000,
        /* The command's own -t, plus time for it to report that it timed out. */
        .run_timeout_ms = (gint64)c->status_timeout * 1000 + 2000,
        .shared_dir = c->shared_dir,
    };
    p->cmd = (lh_clustercmd){
        .product = "JP1/Base",
        .logical_host = c->logical_host,
        .shared_dir = c->shared_dir,
        .start_cmd = c->start_cmd,
        .stop_cmd = c->stop_cmd,
        .kill_cmd = c->kill_cmd,
        .status = &p->status,
        .n_status = 1,
    };
}

static lh_result jp1base_validate(lh_op *op, const void *config)
{
    const jp1base_config *c = config;
    const char *const commands[][2] = {{"start_cmd", c->start_cmd}, {"stop_cmd", c->stop_cmd},
                                       {"kill_cmd", c->kill_cmd}, {"status_cmd", c->status_cmd}};

    for (gsize i = 0; i < G_N_ELEMENTS(commands); i++) {
        lh_result r = lh_require_executable(commands[i][0], commands[i][1]);

        if (r.code != LH_OCF_SUCCESS) {
            return r;
        }
    }
    return LH_RESULT_OK;
}

/* By hand, the last start or stop this node recorded, for context. */
static void jp1base_explain_history(lh_op *op)
{
    g_autoptr(lh_state) state = NULL;
    const char *last;

    if (!op->interactive) {
        return; /* the cluster's monitors stay cheap: no file access */
    }
    state = lh_state_load(NULL, op->agent->name, op->resource);
    last = lh_state_get(state, "last_start");
    if (last != NULL) {
        lh_op_explain(op, "last start recorded on this node: %s", last);
    }
}

static void jp1base_record(lh_op *op, const char *key, gint64 started_us, lh_ocf_code code)
{
    g_autoptr(lh_state) state = lh_state_load(NULL, op->agent->name, op->resource);
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    g_autofree char *when = g_date_time_format(now, "%Y-%m-%d %H:%M:%S");
    g_autofree char *value = g_strdup_printf(
        "%s, %s after %" G_GINT64_FORMAT " ms", when, lh_ocf_code_name(code),
        (g_get_monotonic_time() - started_us) / 1000);
    g_autofree char *why = NULL;

    lh_state_set(state, key, value);
    if (!lh_state_save(state, &why)) {
        lh_warn("cannot record the %s: %s", key, why); /* informative only */
    }
}

static lh_result jp1base_monitor(lh_op *op, const void *config)
{
    jp1base_product product;

    jp1base_product_init(&product, config);
    jp1base_explain_history(op);
    return lh_clustercmd_monitor(op, &product.cmd);
}

static lh_result jp1base_start(lh_op *op, const void *config)
{
    gint64 started = g_get_monotonic_time();
    jp1base_product product;
    lh_result result;

    jp1base_product_init(&product, config);
    result = lh_clustercmd_start(op, &product.cmd);
    jp1base_record(op, "last_start", started, result.code);
    return result;
}

static lh_result jp1base_stop(lh_op *op, const void *config)
{
    gint64 started = g_get_monotonic_time();
    jp1base_product product;
    lh_result result;

    jp1base_product_init(&product, config);
    result = lh_clustercmd_stop(op, &product.cmd);
    jp1base_record(op, "last_stop", started, result.code);
    return result;
}

static const lh_action jp1base_actions[] = {
    {"start", jp1base_start, 180, 0},
    {"stop", jp1base_stop, 180, 0},
    {"monitor", jp1base_monitor, 60, 30},
    {NULL, NULL, 0, 0},
};

static const lh_agent jp1base_agent = {
    .name = "jp1base",
    .version = PACKAGE_VERSION,
    .shortdesc = "JP1/Base on a logical host",
    .longdesc =
        "Runs Hitachi JP1/Base for one logical host through its cluster commands. Start "
        "runs jbs_start.cluster and then polls jbs_spmd_status until all processes run, "
        "since the start command returns 0 even when start-up is still going on. Stop runs "
        "jbs_stop.cluster, then always jbs_killall.cluster, and verifies that nothing of the "
        "logical host is left. Monitor maps jbs_spmd_status's return code to an OCF code, "
        "retrying the retriable code 12. Start the logical host's shared disk and logical "
        "IP before JP1/Base, and JP1/IM - Manager after it.",
    .params = jp1base_params,
    .n_params = G_N_ELEMENTS(jp1base_params),
    .config_size = sizeof(jp1base_config),
    .actions = jp1base_actions,
    .validate = jp1base_validate,
    .codemaps = jp1base_codemaps,
    .man_notes = NULL,
};

int main(int argc, char **argv)
{
    return lh_agent_main(&jp1base_agent, argc, argv);
}
