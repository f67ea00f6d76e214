/* lhost/run.h - the one command runner of the project.
 *
 * Every vendor command goes through lh_run(): an argv (never a shell), an explicit
 * environment, bounded capture of stdout and stderr, and a deadline. The child is
 * the leader of its own process group; when the deadline passes the whole group gets
 * SIGTERM, a grace period, then SIGKILL, so nothing it started inside the group is
 * left behind. Daemons the command starts leave the group (setsid), as real product
 * daemons do, and survive: killing an agent never kills the product.
 *
 * The result keeps how the command ended (exited, signalled, timed out, could not
 * start) apart from what it returned (the exit code): a status command that timed
 * out has no return code, and none is invented.
 *
 *   lh_run_result res = LH_RUN_RESULT_INIT;
 *   lh_run(argv, &(lh_run_options){ .envp = envp, .deadline = d }, &res);
 *   if (res.end == LH_RUN_EXITED && res.exit_code == 0) ...
 *   lh_run_result_release(&res);
 */
#ifndef LHOST_RUN_H
#define LHOST_RUN_H

#include <glib.h>

#include <lhost/deadline.h>

G_BEGIN_DECLS

typedef enum lh_run_end {
    LH_RUN_EXITED,      /* exit_code is valid */
    LH_RUN_SIGNALLED,   /* term_signal ended it */
    LH_RUN_TIMED_OUT,   /* the deadline passed; its group was killed, or it was
                         * never started (start_errno ETIME) because the deadline
                         * had passed already */
    LH_RUN_NOT_STARTED, /* start_errno says why */
} lh_run_end;

typedef struct lh_run_options {
    char *const *envp;     /* NULL: an empty environment */
    lh_deadline deadline;  /* LH_DEADLINE_NEVER is allowed but discouraged */
    gsize capture_max;     /* bytes kept per stream; 0: LH_RUN_CAPTURE_DEFAULT */
    gint64 grace_ms;       /* SIGTERM -> SIGKILL; 0: LH_RUN_GRACE_DEFAULT_MS */
} lh_run_options;

#define LH_RUN_CAPTURE_DEFAULT ((gsize)64 * 1024)
#define LH_RUN_GRACE_DEFAULT_MS 500

typedef struct lh_run_result {
    lh_run_end end;
    int exit_code;     /* LH_RUN_EXITED */
    int term_signal;   /* LH_RUN_SIGNALLED */
    int start_errno;   /* LH_RUN_NOT_STARTED; ETIME with LH_RUN_TIMED_OUT */
    GString *out;      /* captured stdout (at most capture_max bytes) */
    GString *err;      /* captured stderr (at most capture_max bytes) */
    gsize out_dropped; /* bytes read past the bound and discarded */
    gsize err_dropped;
    gint64 elapsed_ms;
} lh_run_result;

#define LH_RUN_RESULT_INIT {LH_RUN_NOT_STARTED, -1, 0, 0, NULL, NULL, 0, 0, 0}

/* Runs argv[0] (a path, or a name found on the PATH of @opts->envp) and waits
 * for it within the deadline; with the deadline already passed it starts nothing
 * (a command killed at once would still take its grace period, past the caller's
 * time). Never fails: every outcome is in @result, which the
 * caller releases. */
void lh_run(const char *const *argv, const lh_run_options *opts, lh_run_result *result);
void lh_run_result_release(lh_run_result *result);

/* "returned 4", "was killed by signal 9 (Killed)", "timed out after 5000 ms",
 * "could not start: No such file or directory" (the caller's to free). */
char *lh_run_describe(const lh_run_result *result);

/* TRUE when it exited with code 0. */
gboolean lh_run_succeeded(const lh_run_result *result);

/* "/usr/bin/foo -h lhA" for messages; quoting is only for the reader. */
char *lh_argv_to_string(const char *const *argv);

G_END_DECLS

#endif
