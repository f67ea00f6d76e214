/* lhost/poll.h - checking a status command: retries, and waiting for a decision.
 *
 * lh_status_check() runs a status command once "logically": it maps the return code
 * through the command's code map and, while the answer is a transient one (retry),
 * runs it again after the configured interval, as many times as configured and never
 * past the deadline. lh_poll() repeats a check with bounded backoff (fast at first,
 * then at most max_sleep_ms apart, never sleeping past the deadline) until the check
 * settles.
 */
#ifndef LHOST_POLL_H
#define LHOST_POLL_H

#include <glib.h>

#include <lhost/codemap.h>
#include <lhost/ocf.h>
#include <lhost/run.h>

G_BEGIN_DECLS

typedef struct lh_status_cmd {
    const char *const *argv;  /* the status command and its arguments */
    const lh_codemap *map;
    int retries;              /* extra runs for a "retry" answer */
    gint64 retry_interval_ms;
    gint64 run_timeout_ms;    /* one run's cap (0: the operation deadline only) */
    const char *shared_dir;   /* NULL: the shared-directory special case is off */
    const char *label;        /* names it in summaries ("scheduler service AJSROOT1");
                               * NULL: the code map's command name */
    char *const *envp;        /* its environment; NULL: the operation's (op->envp) */
} lh_status_cmd;

typedef struct lh_status {
    lh_verdict verdict;
    lh_run_end end;   /* how the last run ended */
    int rc;           /* its exit code when it exited, else -1 */
    int runs;         /* how many times the command ran */
    char *summary;    /* "jbs_spmd_status returned 4 (some processes stopped)" */
} lh_status;

#define LH_STATUS_INIT {{0}, LH_RUN_NOT_STARTED, -1, 0, NULL}

/* Runs @cmd in @context, retrying as configured. A command that could not start
 * decides "not here" (OCF_ERR_INSTALLED; a probe: not running); one that timed out
 * or was killed decides "failed" (in start or stop: keep trying). */
void lh_status_check(lh_op *op, const lh_status_cmd *cmd, lh_context context,
                     lh_status *status);
void lh_status_release(lh_status *status);

/* A step of lh_poll(): returns TRUE once settled. */
typedef gboolean (*lh_poll_fn)(lh_op *op, gpointer data);

#define LH_POLL_FIRST_SLEEP_MS 100
#define LH_POLL_MAX_SLEEP_MS 1000

/* Calls @step until it returns TRUE (then TRUE) or the deadline passes (FALSE);
 * no step starts once the deadline has passed, not even the first. Sleeps
 * LH_POLL_FIRST_SLEEP_MS, doubling up to @max_sleep_ms, between steps. */
gboolean lh_poll(lh_op *op, lh_deadline deadline, gint64 max_sleep_ms, lh_poll_fn step,
                 gpointer data);

/* Sleeps @ms, cut short by the deadline. FALSE when the deadline has passed. */
gboolean lh_sleep_within(lh_deadline deadline, gint64 ms);

/* TRUE when @path is an existing directory on this node (a shared disk mounted). */
gboolean lh_dir_present(const char *path);

G_END_DECLS

#endif
