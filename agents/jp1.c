/* jp1.c - the parts of the JP1 agents that are the same for every JP1 product. */
#include "config.h"

#include <lhost/log.h>
#include <lhost/proc.h>
#include <lhost/state.h>

#include "jp1.h"

/* jbs_spmd_status / jco_spmd_status return codes (PRODUCTS.md section 1). rc 1 is
 * also what a node without the shared disk answers: there it means "not here". */
static const lh_code spmd_status_codes[] = {
    {0, "all processes running", LH_DECIDE_RUNNING, LH_DECIDE_NONE, LH_DECIDE_NONE},
    {1, "error", LH_DECIDE_FAILED, LH_DECIDE_STOPPED, LH_DECIDE_NONE},
    {4, "some processes stopped", LH_DECIDE_PARTIAL, LH_DECIDE_NONE, LH_DECIDE_NONE},
    {8, "all processes stopped", LH_DECIDE_STOPPED, LH_DECIDE_NONE, LH_DECIDE_NONE},
    {12, "retriable error", LH_DECIDE_RETRY, LH_DECIDE_NONE, LH_DECIDE_NONE},
};

const lh_codemap jbs_spmd_status_map = {"jbs_spmd_status", spmd_status_codes,
                                        G_N_ELEMENTS(spmd_status_codes), NULL};
const lh_codemap jco_spmd_status_map = {"jco_spmd_status", spmd_status_codes,
                                        G_N_ELEMENTS(spmd_status_codes), NULL};
/* JP1/Base's event service status: the same family of codes (BASE0265). */
const lh_codemap jevstat_map = {"jevstat", spmd_status_codes, G_N_ELEMENTS(spmd_status_codes),
                                NULL};

void jp1_spmd_check_init(jp1_spmd_check *check, const lh_codemap *map, const char *command,
                         const jp1_common *c)
{
    g_snprintf(check->timeout, sizeof(check->timeout), "%d", c->status_timeout);
    check->argv[0] = command;
    check->argv[1] = "-h";
    check->argv[2] = c->logical_host;
    check->argv[3] = "-t";
    check->argv[4] = check->timeout;
    check->argv[5] = NULL;
    check->cmd = (lh_status_cmd){
        .argv = check->argv,
        .map = map,
        .retries = c->status_retries,
        .retry_interval_ms = (gint64)c->status_retry_interval * 1000,
        /* The command's own -t, plus time for it to report that it timed out. */
        .run_timeout_ms = (gint64)c->status_timeout * 1000 + 2000,
        .shared_dir = c->shared_dir,
    };
}

lh_clustercmd jp1_clustercmd(const char *product, const jp1_common *c,
                             const lh_status_cmd *status, size_t n)
{
    return (lh_clustercmd){
        .product = product,
        .logical_host = c->logical_host,
        .shared_dir = c->shared_dir,
        .start_cmd = c->start_cmd,
        .stop_cmd = c->stop_cmd,
        .kill_cmd = c->kill_cmd,
        .status = status,
        .n_status = n,
    };
}

lh_result jp1_require_commands(const jp1_common *c)
{
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

/* By hand, the last start recorded on this node, for context. */
static void explain_history(lh_op *op)
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

static void record(lh_op *op, const char *key, gint64 started_us, lh_ocf_code code)
{
    g_autoptr(lh_state) state = lh_state_load(NULL, op->agent->name, op->resource);
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    g_autofree char *when = g_date_time_format(now, "%Y-%m-%d %H:%M:%S");
    g_autofree char *value = g_strdup_printf("%s, %s after %" G_GINT64_FORMAT " ms", when,
                                             lh_ocf_code_name(code),
                                             (g_get_monotonic_time() - started_us) / 1000);
    g_autofree char *why = NULL;

    lh_state_set(state, key, value);
    if (!lh_state_save(state, &why)) {
        lh_warn("cannot record the %s: %s", key, why); /* informative only */
    }
}

/* The documented order: what @requires checks runs before this product starts. */
static lh_result require_running(lh_op *op, const lh_clustercmd *product,
                                 const jp1_spmd_check *requires, const char *required_product)
{
    lh_status status = LH_STATUS_INIT;
    lh_result result = LH_RESULT_OK;

    lh_status_check(op, &requires->cmd, LH_CONTEXT_MONITOR, &status);
    if (status.verdict.decision != LH_DECIDE_RUNNING) {
        /* rc 1 with the shared directory here: most often a name this node's JP1 does
         * not know, which the admin should hear about before anything else. */
        result = lh_result_new(LH_OCF_ERR_GENERIC,
                               "%s of logical host %s is not running (%s): %s starts only "
                               "after it%s",
                               required_product, product->logical_host, status.summary,
                               product->product,
                               status.rc == 1 ? "; is the logical host set up on this node?"
                                              : "");
    }
    lh_status_release(&status);
    return result;
}

lh_result jp1_start(lh_op *op, const lh_clustercmd *product, const jp1_spmd_check *requires,
                    const char *required_product)
{
    gint64 started = g_get_monotonic_time();
    lh_result result = LH_RESULT_OK;

    /* Without the shared directory the library refuses with the better reason. */
    if (requires != NULL && lh_dir_present(product->shared_dir)) {
        result = require_running(op, product, requires, required_product);
    }
    if (result.code == LH_OCF_SUCCESS) {
        result = lh_clustercmd_start(op, product);
    }
    record(op, "last_start", started, result.code);
    return result;
}

lh_result jp1_stop(lh_op *op, const lh_clustercmd *product)
{
    gint64 started = g_get_monotonic_time();
    lh_result result = lh_clustercmd_stop(op, product);

    record(op, "last_stop", started, result.code);
    return result;
}

lh_result jp1_monitor(lh_op *op, const lh_clustercmd *product)
{
    explain_history(op);
    return lh_clustercmd_monitor(op, product);
}

GPtrArray *jp1_watched_parent(const char *parent, const jp1_common *c)
{
    const char *const args[] = {"-h", c->logical_host, NULL};

    return lh_proc_find_named(NULL, parent, args);
}
