/* jp1base - OCF resource agent for Hitachi JP1/Base on a logical host.
 *
 * "Running" means: jbs_spmd_status -h LOGICAL_HOST returns 0 (all JP1/Base processes
 * of the logical host are up) and, when use_event_service is on, jevstat LOGICAL_HOST
 * returns 0 too (jbs_spmd_status does not cover the event service). Start runs jbs_start.cluster, whose return code proves
 * nothing, then polls the status command; stop runs jbs_stop.cluster, then always
 * jbs_killall.cluster, then verifies; monitor maps the status command's return code
 * through its table (agents/jp1.c, from PRODUCTS.md section 1). The logic is the
 * library's (lhost/clustercmd.h); this file is the JP1/Base contract as data.
 */
#include "config.h"

#include <lhost/clustercmd.h>
#include <lhost/ocf.h>

#include "jp1.h"

typedef struct jp1base_config {
    jp1_common common;
    gboolean use_event_service;
    const char *event_status_cmd;
} jp1base_config;

#define FIELD(f) offsetof(jp1base_config, f)

static const lh_param jp1base_params[] = {
    JP1_COMMON_PARAMS(jp1base_config, "JP1/Base", "/etc/opt/jp1base/jbs_start.cluster",
                      "/etc/opt/jp1base/jbs_stop.cluster", "/etc/opt/jp1base/jbs_killall.cluster",
                      "/opt/jp1base/bin/jbs_spmd_status"),
    {"use_event_service", LH_PARAM_BOOLEAN, 0, "false", NULL, 0, 0, NULL, FIELD(use_event_service),
     "check the event service too",
     "Whether the event service of the logical host must run too: then jevstat must say "
     "'running' at start and in every monitor, with the same retries as the status command. "
     "jbs_spmd_status does not cover the event service."},
    {"event_status_cmd", LH_PARAM_STRING, 0, "/opt/jp1base/bin/jevstat", NULL, 0, 0,
     lh_check_absolute_path, FIELD(event_status_cmd), "event service status command",
     "The event service status command, run as EVENT_STATUS_CMD LOGICAL_HOST -t "
     "STATUS_TIMEOUT (use_event_service only)."},
};

static const lh_codemap *const jp1base_codemaps[] = {&jbs_spmd_status_map, &jevstat_map, NULL};

/* JP1/Base as the library drives it. Initialised in place: it points into itself. */
typedef struct jp1base_product {
    jp1_spmd_check status;
    const char *event_argv[5];
    lh_status_cmd checks[2]; /* jbs_spmd_status, then jevstat when use_event_service */
    lh_clustercmd cmd;
} jp1base_product;

static void jp1base_product_init(jp1base_product *p, const jp1base_config *c)
{
    jp1_spmd_check_init(&p->status, &jbs_spmd_status_map, c->common.status_cmd, &c->common);
    /* jevstat takes the logical host as an operand, not as -h (BASE0265). */
    p->event_argv[0] = c->event_status_cmd;
    p->event_argv[1] = c->common.logical_host;
    p->event_argv[2] = "-t";
    p->event_argv[3] = p->status.timeout;
    p->event_argv[4] = NULL;
    p->checks[0] = p->status.cmd;
    p->checks[1] = p->status.cmd;
    p->checks[1].argv = p->event_argv;
    p->checks[1].map = &jevstat_map;
    p->cmd = jp1_clustercmd("JP1/Base", &c->common, p->checks, c->use_event_service ? 2 : 1);
}

static lh_result jp1base_validate(lh_op *op, const void *config)
{
    const jp1base_config *c = config;
    lh_result r = jp1_require_commands(&c->common);

    if (r.code == LH_OCF_SUCCESS && c->use_event_service) {
        r = lh_require_executable("event_status_cmd", c->event_status_cmd);
    }
    return r;
}

static lh_result jp1base_monitor(lh_op *op, const void *config)
{
    jp1base_product product;

    jp1base_product_init(&product, config);
    return jp1_monitor(op, &product.cmd);
}

static lh_result jp1base_start(lh_op *op, const void *config)
{
    jp1base_product product;

    jp1base_product_init(&product, config);
    return jp1_start(op, &product.cmd, NULL, NULL);
}

static lh_result jp1base_stop(lh_op *op, const void *config)
{
    jp1base_product product;

    jp1base_product_init(&product, config);
    return jp1_stop(op, &product.cmd);
}

/* The watcher's process: the parent jbs_spmd of this logical host. Its death ends
 * JP1/Base; a child that dies leaves it running and is the monitor's to find
 * (jbs_spmd_status 4), as is the event service (jevstat). */
static GPtrArray *jp1base_watched(lh_op *op, const void *config)
{
    const jp1base_config *c = config;

    (void)op;
    return jp1_watched_parent("jbs_spmd", &c->common);
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
        "retrying the retriable code 12; with use_event_service, jevstat likewise. Start the logical host's shared disk and logical "
        "IP before JP1/Base, and JP1/IM - Manager (ocf:lhost:jp1im) after it.",
    .params = jp1base_params,
    .n_params = G_N_ELEMENTS(jp1base_params),
    .config_size = sizeof(jp1base_config),
    .actions = jp1base_actions,
    .validate = jp1base_validate,
    .codemaps = jp1base_codemaps,
    .watched = jp1base_watched,
};

int main(int argc, char **argv)
{
    return lh_agent_main(&jp1base_agent, argc, argv);
}
