/* clustercmd.c - start, stop and monitor of products driven by cluster commands. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lhost/clustercmd.h>
#include <lhost/log.h>

/* Of what is left of a stop, the share the stop command may use: the rest is kept
 * for the forced termination and the verification, which must always get to run. */
#define STOP_COMMAND_SHARE 0.6

/* Of a stop, the share the first check ("is anything running?") may use: a status
 * command that hangs must not eat the time of the stop command and the forced
 * termination. A check that gives no answer in time counts as "running". */
#define STOP_CHECK_SHARE 0.3

lh_result lh_require_executable(const char *what, const char *path)
{
    struct stat st;

    if (stat(path, &st) != 0) {
        return lh_result_new(LH_OCF_ERR_INSTALLED, "%s %s: %s", what, path, g_strerror(errno));
    }
    if (!S_ISREG(st.st_mode) || access(path, X_OK) != 0) {
        return lh_result_new(LH_OCF_ERR_INSTALLED, "%s %s is not an executable file", what,
                             path);
    }
    return LH_RESULT_OK;
}

static gboolean verdict_is_done(const lh_verdict *v)
{
    return v->settled && v->code == LH_OCF_SUCCESS;
}

size_t lh_clustercmd_check(lh_op *op, const lh_clustercmd *product, lh_context context,
                           lh_status *status)
{
    size_t i;

    for (i = 0; i < product->n_status; i++) {
        lh_status_release(status);
        *status = (lh_status)LH_STATUS_INIT;
        lh_status_check(op, &product->status[i], context, status);
        if (!verdict_is_done(&status->verdict)) {
            return i;
        }
    }
    return i > 0 ? i - 1 : 0;
}

/* "Not running" (stopped, or not installed here in a probe) from a health check that
 * ran because the first check saw the product running: it runs here, broken, and
 * saying "not running" would let the cluster start it on a second node. */
static void health_check_of_running_product(lh_status *status)
{
    char *summary = g_strdup_printf("%s, while the product runs on this node", status->summary);

    status->verdict.code = LH_OCF_ERR_GENERIC;
    g_free(status->summary);
    status->summary = summary;
}

/* Runs CMD LOGICAL_HOST until @limit; says in @how how it ended (caller frees). */
static lh_run_result run_command(lh_op *op, const lh_clustercmd *product, const char *cmd,
                                 lh_deadline limit, char **how)
{
    const char *argv[] = {cmd, product->logical_host, NULL};
    lh_run_result run = LH_RUN_RESULT_INIT;
    g_autofree char *shown = lh_argv_to_string(argv);

    if (product->command_timeout_ms > 0) {
        limit = lh_deadline_min(limit, lh_deadline_in_ms(product->command_timeout_ms));
    }
    lh_run(argv, &(lh_run_options){.envp = op->envp, .deadline = limit}, &run);
    *how = lh_run_describe(&run);
    lh_info("%s %s", shown, *how);
    lh_op_explain(op, "ran %s: %s", shown, *how);
    return run;
}

/* Stop and forced termination prove nothing by their return codes either: only the
 * verification afterwards decides, so what they returned is logged and dropped, but
 * for the one code that means something: 1, an argument error. Returns the exit
 * code, or -1 when the command did not exit. */
static int run_unchecked(lh_op *op, const lh_clustercmd *product, const char *cmd,
                         lh_deadline limit)
{
    g_autofree char *how = NULL;
    lh_run_result run = run_command(op, product, cmd, limit, &how);
    int rc = run.end == LH_RUN_EXITED ? run.exit_code : -1;

    lh_run_result_release(&run);
    return rc;
}

/* ---- monitor ------------------------------------------------------------- */

/* By hand, the tables every decision comes from, as the man page prints them. */
static void explain_codemaps(const lh_op *op, const lh_clustercmd *product)
{
    if (!op->interactive) {
        return;
    }
    for (size_t i = 0; i < product->n_status; i++) {
        g_autofree char *table = lh_codemap_table(product->status[i].map, FALSE);

        fprintf(stderr, "%s return codes, and what each context does with them:\n%s",
                product->status[i].map->command, table);
    }
}

lh_result lh_clustercmd_monitor(lh_op *op, const lh_clustercmd *product)
{
    lh_status status = LH_STATUS_INIT;
    lh_result result;
    size_t which = lh_clustercmd_check(op, product,
                                       op->probe ? LH_CONTEXT_PROBE : LH_CONTEXT_MONITOR, &status);

    if (which > 0 && status.verdict.code == LH_OCF_NOT_RUNNING) {
        health_check_of_running_product(&status);
    }
    explain_codemaps(op, product);
    lh_op_explain(op, "decision: %s", lh_decision_name(status.verdict.decision));
    if (status.verdict.code == LH_OCF_SUCCESS
        || (status.verdict.code == LH_OCF_NOT_RUNNING && op->probe)) {
        /* A probe on a passive node is routine: no exit reason to alarm anyone. */
        result = lh_result_new(status.verdict.code, NULL);
    } else {
        result = lh_result_new(status.verdict.code, "%s on %s: %s", product->product,
                               product->logical_host, status.summary);
    }
    lh_status_release(&status);
    return result;
}

/* ---- start --------------------------------------------------------------- */

typedef struct start_poll {
    const lh_clustercmd *product;
    lh_status status;
} start_poll;

static gboolean start_step(lh_op *op, gpointer data)
{
    start_poll *poll = data;

    lh_clustercmd_check(op, poll->product, LH_CONTEXT_START, &poll->status);
    return poll->status.verdict.settled;
}

/* The start command's return proves nothing but an argument error (rc 1). */
static lh_result run_start_command(lh_op *op, const lh_clustercmd *product)
{
    g_autofree char *how = NULL;
    lh_run_result run = run_command(op, product, product->start_cmd, op->deadline, &how);
    lh_result result = LH_RESULT_OK;

    if (run.end == LH_RUN_NOT_STARTED) {
        result = lh_result_new(LH_OCF_ERR_INSTALLED, "%s %s", product->start_cmd, how);
    } else if (run.end == LH_RUN_EXITED && run.exit_code == 1) {
        /* Our parameters validated, so this node does not know the logical host:
         * a hard error here lets the cluster try a node where it is set up. */
        result = lh_result_new(LH_OCF_ERR_INSTALLED,
                               "%s rejected logical host '%s' (argument error, rc 1): is it "
                               "set up on this node?",
                               product->start_cmd, product->logical_host);
    }
    lh_run_result_release(&run);
    return result;
}

lh_result lh_clustercmd_start(lh_op *op, const lh_clustercmd *product)
{
    start_poll poll = {product, LH_STATUS_INIT};
    lh_result result;

    if (!lh_dir_present(product->shared_dir)) {
        return lh_result_new(LH_OCF_ERR_GENERIC,
                             "shared directory %s of logical host %s is not present on this "
                             "node: the shared disk must be mounted before %s starts",
                             product->shared_dir, product->logical_host, product->product);
    }
    lh_clustercmd_check(op, product, LH_CONTEXT_START, &poll.status);
    if (verdict_is_done(&poll.status.verdict)) {
        lh_status_release(&poll.status);
        return lh_result_new(LH_OCF_SUCCESS, NULL); /* already running: idempotent */
    }
    result = run_start_command(op, product);
    if (result.code != LH_OCF_SUCCESS) {
        lh_status_release(&poll.status);
        return result;
    }
    if (lh_poll(op, op->deadline, LH_POLL_MAX_SLEEP_MS, start_step, &poll)) {
        result = poll.status.verdict.code == LH_OCF_SUCCESS
                     ? lh_result_new(LH_OCF_SUCCESS, NULL)
                     : lh_result_new(poll.status.verdict.code, "%s", poll.status.summary);
    } else {
        result = lh_result_new(LH_OCF_ERR_GENERIC,
                               "%s on %s did not reach running before the start deadline; last "
                               "check: %s",
                               product->product, product->logical_host, poll.status.summary);
    }
    lh_status_release(&poll.status);
    return result;
}

/* ---- stop ---------------------------------------------------------------- */

typedef struct stop_poll {
    const lh_clustercmd *product;
    lh_status status;
    int rounds;
} stop_poll;

/* Verify; whatever survives gets the forced termination again. */
static gboolean stop_step(lh_op *op, gpointer data)
{
    stop_poll *poll = data;

    if (poll->rounds++ > 0) {
        run_unchecked(op, poll->product, poll->product->kill_cmd, op->deadline);
    }
    lh_clustercmd_check(op, poll->product, LH_CONTEXT_STOP, &poll->status);
    return poll->status.verdict.settled;
}

/* Returns the stop command's exit code (-1: not run, or it did not exit). */
static int run_stop_commands(lh_op *op, const lh_clustercmd *product, gboolean running)
{
    int stop_rc = -1;

    if (running) {
        lh_deadline share = lh_deadline_in_ms(
            (gint64)((double)lh_deadline_remaining_ms(op->deadline) * STOP_COMMAND_SHARE));

        stop_rc = run_unchecked(op, product, product->stop_cmd, share);
    }
    /* Always, as Hitachi recommends: leftovers must not break the next start. */
    run_unchecked(op, product, product->kill_cmd, op->deadline);
    return stop_rc;
}

/* Our parameters validated, so a stop command's argument error (rc 1) says that this
 * node's installation does not know the logical host. Nothing can run under a name
 * the product does not know, so the stop has nothing to do, provided the status
 * command did not see anything running either: failing the stop would only get the
 * node fenced. */
static gboolean host_unknown(const lh_status *first, int stop_rc)
{
    lh_decision seen = first->verdict.decision;

    return stop_rc == 1 && seen != LH_DECIDE_RUNNING && seen != LH_DECIDE_PARTIAL;
}

lh_result lh_clustercmd_stop(lh_op *op, const lh_clustercmd *product)
{
    stop_poll poll = {product, LH_STATUS_INIT, 0};
    lh_op first = *op;
    lh_result result;
    gboolean running;

    first.deadline = lh_deadline_in_ms(
        (gint64)((double)lh_deadline_remaining_ms(op->deadline) * STOP_CHECK_SHARE));
    lh_clustercmd_check(&first, product, LH_CONTEXT_STOP, &poll.status);
    running = !verdict_is_done(&poll.status.verdict);
    if (host_unknown(&poll.status, run_stop_commands(op, product, running))) {
        lh_warn("%s rejected logical host '%s' (argument error, rc 1) and %s: nothing of "
                "%s can run under it on this node, so it is stopped",
                product->stop_cmd, product->logical_host, poll.status.summary,
                product->product);
        lh_op_explain(op, "the product does not know logical host %s here: stopped",
                      product->logical_host);
        lh_status_release(&poll.status);
        return lh_result_new(LH_OCF_SUCCESS, NULL);
    }
    if (lh_poll(op, op->deadline, LH_POLL_MAX_SLEEP_MS, stop_step, &poll)
        && poll.status.verdict.code == LH_OCF_SUCCESS) {
        result = lh_result_new(LH_OCF_SUCCESS, NULL);
    } else {
        result = lh_result_new(LH_OCF_ERR_GENERIC,
                               "%s on %s is still not stopped after stop and forced "
                               "termination: %s",
                               product->product, product->logical_host, poll.status.summary);
    }
    lh_status_release(&poll.status);
    return result;
}
