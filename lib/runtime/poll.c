/* poll.c - status checks with retries, and polling with bounded backoff. */
#include "config.h"

#include <sys/stat.h>

#include <lhost/journal.h>
#include <lhost/log.h>
#include <lhost/poll.h>

#include "journal_private.h"

gboolean lh_dir_present(const char *path)
{
    struct stat st;

    return path != NULL && stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

gboolean lh_sleep_within(lh_deadline deadline, gint64 ms)
{
    gint64 slept = lh_deadline_clamp_ms(deadline, ms);

    if (slept > 0) {
        g_usleep((gulong)slept * 1000);
    }
    return !lh_deadline_passed(deadline);
}

gboolean lh_poll(lh_op *op, lh_deadline deadline, gint64 max_sleep_ms, lh_poll_fn step,
                 gpointer data)
{
    gint64 sleep_ms = MIN(LH_POLL_FIRST_SLEEP_MS, max_sleep_ms);

    for (;;) {
        gint64 remaining;

        /* Once the deadline has passed no check can run (lh_run starts nothing):
         * the caller reports the last one that did. */
        if (lh_deadline_passed(deadline)) {
            return FALSE;
        }
        if (step(op, data)) {
            return TRUE;
        }
        remaining = lh_deadline_remaining_ms(deadline);
        if (remaining == 0) {
            return FALSE;
        }
        g_usleep((gulong)MIN(sleep_ms, remaining) * 1000);
        /* A check started at the deadline would be killed at once and replace the
         * last real answer, which the caller reports, with "timed out". */
        if (lh_deadline_passed(deadline)) {
            return FALSE;
        }
        sleep_ms = MIN(sleep_ms * 2, max_sleep_ms);
    }
}

static const char *command_name(const lh_status_cmd *cmd)
{
    if (cmd->label != NULL) {
        return cmd->label;
    }
    return cmd->map->command != NULL ? cmd->map->command : cmd->argv[0];
}

/* The verdict for a run that did not exit normally: no return code to map. */
static lh_verdict abnormal_verdict(const lh_run_result *run, lh_context context)
{
    lh_decision decision = run->end == LH_RUN_NOT_STARTED ? LH_DECIDE_NOT_HERE
                                                          : LH_DECIDE_FAILED;
    lh_verdict v = lh_decision_verdict(decision, context);

    v.documented = FALSE;
    v.meaning = run->end == LH_RUN_NOT_STARTED ? "the command is not installed here"
                                               : "the command did not finish";
    return v;
}

/* Runs the command once and records what it means. */
static void run_once(lh_op *op, const lh_status_cmd *cmd, lh_context context,
                     lh_status *status)
{
    lh_run_result run = LH_RUN_RESULT_INIT;
    lh_deadline limit = op->deadline;
    g_autofree char *how = NULL;
    gboolean shared_present = cmd->shared_dir == NULL || lh_dir_present(cmd->shared_dir);

    if (cmd->run_timeout_ms > 0) {
        limit = lh_deadline_min(limit, lh_deadline_in_ms(cmd->run_timeout_ms));
    }
    lh_run(cmd->argv,
           &(lh_run_options){.envp = cmd->envp != NULL ? cmd->envp : op->envp,
                             .deadline = limit},
           &run);
    status->runs++;
    status->end = run.end;
    status->rc = run.end == LH_RUN_EXITED ? run.exit_code : -1;
    status->verdict = run.end == LH_RUN_EXITED
                          ? lh_codemap_decide(cmd->map, run.exit_code, context, shared_present)
                          : abnormal_verdict(&run, context);
    how = lh_run_describe(&run);
    g_free(status->summary);
    status->summary = g_strdup_printf("%s %s (%s%s)", command_name(cmd), how,
                                      status->verdict.meaning,
                                      shared_present ? "" : "; shared directory absent here");
    lh_debug("%s: %s, decision %s", lh_context_name(context), status->summary,
             lh_decision_name(status->verdict.decision));
    lh_run_result_release(&run);
}

/* The journal's "decision" record (lhost/journal.h): what this run of the check
 * decided, and the OCF code once it has settled. */
static void journal_decision(const lh_status_cmd *cmd, lh_context context,
                             const lh_status *status)
{
    char run[24], rc[24];
    const lh_verdict *v = &status->verdict;

    if (!lh_journal_recording()) {
        return;
    }
    lh_journal_note("decision", "check", command_name(cmd), "context", lh_context_name(context),
                    "run", lh__journal_int(run, status->runs),
                    "rc", status->end == LH_RUN_EXITED ? lh__journal_int(rc, status->rc) : NULL,
                    "decision", lh_decision_name(v->decision),
                    "ocf", v->settled ? lh_ocf_code_name((int)v->code) : NULL, NULL);
}

void lh_status_check(lh_op *op, const lh_status_cmd *cmd, lh_context context,
                     lh_status *status)
{
    gboolean may_retry = context == LH_CONTEXT_MONITOR || context == LH_CONTEXT_PROBE;

    for (;;) {
        run_once(op, cmd, context, status);
        /* Under the cluster run_once's debug line says it all: no argv text to build. */
        if (op->interactive) {
            g_autofree char *shown = lh_argv_to_string(cmd->argv);

            lh_op_explain(op, "ran %s: %s -> %s", shown, status->summary,
                          lh_decision_name(status->verdict.decision));
        }
        if (status->verdict.decision != LH_DECIDE_RETRY || !may_retry) {
            journal_decision(cmd, context, status);
            return;
        }
        if (status->runs > cmd->retries) {
            break;
        }
        journal_decision(cmd, context, status); /* a retry follows, time permitting */
        lh_op_explain(op, "retrying in %" G_GINT64_FORMAT " ms (retry %d of %d)",
                      cmd->retry_interval_ms, status->runs, cmd->retries);
        if (!lh_sleep_within(op->deadline, cmd->retry_interval_ms)) {
            break;
        }
    }
    /* Out of retries (or of time): a transient error that lasts is a failure. */
    status->verdict.settled = TRUE;
    status->verdict.code = LH_OCF_ERR_GENERIC;
    {
        char *summary = g_strdup_printf("%s, still after %d run%s", status->summary,
                                        status->runs, status->runs == 1 ? "" : "s");

        g_free(status->summary);
        status->summary = summary;
    }
    journal_decision(cmd, context, status);
}

void lh_status_release(lh_status *status)
{
    g_clear_pointer(&status->summary, g_free);
}
