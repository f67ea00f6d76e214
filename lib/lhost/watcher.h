/* lhost/watcher.h - the watcher's core: recorded processes held by pidfds, the
 * records directory followed with inotify, a death claimed and reported once.
 *
 * Only lhost-watchd links this (lib/liblhost-watcher.a, with libqb): the agents
 * write the records (lhost/watchrec.h) and never load libqb. The caller owns a
 * qb_loop; the watcher adds its descriptors to it and reports through a callback,
 * so a test drives it with a fake reporter and no crm_resource:
 *
 *   qb_loop_t *loop = qb_loop_create();
 *   lh_watcher *w = lh_watcher_new(loop, dir, my_report, my_data, &error);
 *   qb_loop_run(loop);          (my_report runs once per claimed failure)
 *   lh_watcher_free(w);
 *
 * lh_watcher_new() watches the directory first and then reads every record in it,
 * so no record written in between is missed. For each recorded process it opens a
 * pidfd and only then compares the process's start time with the recorded one: a
 * process already gone (or a pid reused since) counts as dead now. A pidfd that
 * becomes readable is a death: the watcher claims it (lh_watchrec_claim) and, when
 * the claim succeeds, calls the report callback; a refused claim means an action of
 * the resource removed or rewrote the record, and nothing is reported.
 *
 * The reporter (lh_reporter) is the daemon's report callback: it runs
 * `crm_resource --fail --resource RES --node NODE` without a shell, in the
 * background (its own pidfd in the same loop), bounded by a timeout.
 */
#ifndef LHOST_WATCHER_H
#define LHOST_WATCHER_H

#include <glib.h>
#include <qb/qbloop.h>

G_BEGIN_DECLS

/* One death claimed: borrowed by the callback for the duration of the call. */
typedef struct lh_watcher_failure {
    const char *record;    /* the record's path (now RECORD.failed) */
    const char *agent;     /* "jp1base" */
    const char *resource;  /* what crm_resource --fail names */
    const char *node;
    const char *proc_name; /* "jbs_spmd" */
    int pid;
    guint64 start_time;
} lh_watcher_failure;

typedef void (*lh_watcher_report_fn)(const lh_watcher_failure *failure, void *data);

/* What the watcher has seen since it started; for logs and tests. */
typedef struct lh_watcher_stats {
    guint records;   /* records held now */
    guint procs;     /* processes held now (their pidfds) */
    guint loads;     /* records (re)read */
    guint deaths;    /* recorded processes found dead */
    guint reports;   /* deaths claimed and reported */
    guint unclaimed; /* deaths not reported: the record was removed or changed */
    guint rescans;   /* whole-directory reads after an inotify queue overflow */
} lh_watcher_stats;

typedef struct lh_watcher lh_watcher;

/* Watches @dir (created, 0755, when missing) in @loop, reporting through @report.
 * NULL with @error set when @dir cannot be watched. */
lh_watcher *lh_watcher_new(qb_loop_t *loop, const char *dir, lh_watcher_report_fn report,
                           void *data, GError **error);
/* Closes every descriptor and removes them from the loop. NULL is allowed. */
void lh_watcher_free(lh_watcher *watcher);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(lh_watcher, lh_watcher_free)

void lh_watcher_get_stats(const lh_watcher *watcher, lh_watcher_stats *stats);
/* TRUE once the directory itself went away: the watcher stopped the loop, and its
 * owner should exit with an error (Pacemaker restarts it). */
gboolean lh_watcher_failed(const lh_watcher *watcher);

/* ---- the reporter ------------------------------------------------------------ */

/* How one report ended: @exit_code is the tool's when @how is "exited", else -1;
 * @how is "exited", "killed by signal N", "timed out" or "could not start: ...";
 * @output is what the tool wrote on stdout and stderr (its first 512 bytes, on one
 * line, "" when nothing). */
typedef void (*lh_reporter_done_fn)(const lh_watcher_failure *failure, const char *how,
                                    int exit_code, const char *output, void *data);

typedef struct lh_reporter lh_reporter;

/* Reports with @crm_resource (a path), each run ended by SIGKILL after @timeout_ms;
 * @done (may be NULL) hears how each ended. */
lh_reporter *lh_reporter_new(qb_loop_t *loop, const char *crm_resource, guint timeout_ms,
                             lh_reporter_done_fn done, void *data);
/* An lh_watcher_report_fn: @reporter is the lh_reporter. Starts the tool and
 * returns at once. */
void lh_reporter_report(const lh_watcher_failure *failure, void *reporter);
/* Runs still going get up to 3 s to end, then are killed; all are reaped. NULL is
 * allowed. */
void lh_reporter_free(lh_reporter *reporter);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(lh_reporter, lh_reporter_free)

/* The argv of one report (the caller's to free with g_strfreev). */
char **lh_reporter_argv(const char *crm_resource, const lh_watcher_failure *failure);

G_END_DECLS

#endif
