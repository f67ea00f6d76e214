/* watcher.c - the records directory, its records and their processes' pidfds.
 *
 * The state is a table: record path -> the record as read and one pidfd per process.
 * Every change comes from the kernel, none from polling: inotify on the directory
 * (a record written, renamed into place, removed or renamed away) and the pidfds
 * (a process ended). A record is replaced whole when it is written again, so the
 * processes of an earlier start are forgotten with it.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <qb/qblog.h>

#include <lhost/proc.h>
#include <lhost/watcher.h>
#include <lhost/watchrec.h>

typedef struct watched_record watched_record;

typedef struct watched_proc {
    lh_watcher *watcher;
    watched_record *record;
    const lh_proc *proc; /* borrowed from record->rec */
    int pidfd;           /* -1 once the death was handled */
} watched_proc;

struct watched_record {
    char *path;
    lh_watchrec *rec;
    GPtrArray *procs; /* watched_proc * */
    gboolean reported;
};

struct lh_watcher {
    qb_loop_t *loop;
    char *dir;
    int inotify_fd;
    GHashTable *records; /* path -> watched_record * */
    lh_watcher_report_fn report;
    void *data;
    lh_watcher_stats stats;
    gboolean failed;
};

/* What inotify tells about the directory: a record in place, a record gone. */
#define WATCH_ARRIVED (IN_CLOSE_WRITE | IN_MOVED_TO)
#define WATCH_LEFT (IN_DELETE | IN_MOVED_FROM)
#define WATCH_EVENTS (WATCH_ARRIVED | WATCH_LEFT | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

static void proc_unwatch(watched_proc *wp)
{
    if (wp->pidfd >= 0) {
        qb_loop_poll_del(wp->watcher->loop, wp->pidfd);
        close(wp->pidfd);
        wp->pidfd = -1;
        wp->watcher->stats.procs--;
    }
}

static void proc_free(gpointer data)
{
    watched_proc *wp = data;

    proc_unwatch(wp);
    g_free(wp);
}

static void record_free(gpointer data)
{
    watched_record *wr = data;

    g_ptr_array_unref(wr->procs); /* closes the pidfds first */
    lh_watchrec_free(wr->rec);
    g_free(wr->path);
    g_free(wr);
}

/* A recorded process ended (or was gone already): claim the failure, report once. */
static void proc_died(watched_proc *wp)
{
    lh_watcher *w = wp->watcher;
    watched_record *wr = wp->record;
    const lh_proc *p = wp->proc;

    w->stats.deaths++;
    proc_unwatch(wp);
    if (wr->reported || !lh_watchrec_claim(wr->path, p->pid, p->start_time)) {
        w->stats.unclaimed++;
        qb_log(LOG_DEBUG, "%s on %s: %s (pid %d) ended, but %s no longer names it: an action "
               "of the resource runs or ran, nothing reported", wr->rec->resource, wr->rec->node,
               p->name, p->pid, wr->path);
        return;
    }
    wr->reported = TRUE;
    w->stats.reports++;
    qb_log(LOG_NOTICE, "%s on %s: %s (pid %d) died: reporting the failure", wr->rec->resource,
           wr->rec->node, p->name, p->pid);
    w->report(&(lh_watcher_failure){wr->path, wr->rec->agent, wr->rec->resource, wr->rec->node,
                                    p->name, p->pid, p->start_time},
              w->data);
}

/* The pidfd is readable: its process has ended. Returning -1 makes the loop drop
 * the entry (the descriptor was closed here: calling qb_loop_poll_del on the entry
 * being dispatched would be undone by the loop when this returns). */
static int32_t proc_ready(int32_t fd, int32_t revents, void *data)
{
    watched_proc *wp = data;
    guint64 start = 0;
    gboolean alive = lh_proc_start_time(NULL, wp->proc->pid, &start) &&
                     start == wp->proc->start_time;

    close(fd);
    wp->pidfd = -1;
    wp->watcher->stats.procs--;
    if (alive) {
        /* A pidfd is readable only once its process has exited: anything else is no
         * death to report (a false failure costs a recovery), only one to stop
         * trusting this descriptor for. */
        qb_log(LOG_ERR, "pid %d (%s): pidfd event 0x%x while it still runs: no longer watched",
               wp->proc->pid, wp->proc->name, (unsigned)revents);
        return -1;
    }
    proc_died(wp);
    return -1;
}

/* A pidfd first, then the start time: if the pid was reused in between, the pidfd
 * names the newcomer and its start time differs, so the product is dead either way. */
static gboolean proc_watch(watched_proc *wp)
{
    lh_watcher *w = wp->watcher;
    guint64 start = 0;
    int fd = (int)syscall(SYS_pidfd_open, wp->proc->pid, 0);

    if (fd < 0) {
        return FALSE; /* ESRCH: gone; anything else cannot be watched either */
    }
    if (qb_loop_poll_add(w->loop, QB_LOOP_HIGH, fd, POLLIN, wp, proc_ready) != 0) {
        qb_log(LOG_ERR, "cannot watch pid %d: no room in the loop", wp->proc->pid);
        close(fd);
        return TRUE; /* not a death: just not watched */
    }
    wp->pidfd = fd;
    w->stats.procs++;
    return lh_proc_start_time(NULL, wp->proc->pid, &start) && start == wp->proc->start_time;
}

static watched_record *record_new(lh_watcher *w, const char *path, lh_watchrec *rec)
{
    watched_record *wr = g_new0(watched_record, 1);

    wr->path = g_strdup(path);
    wr->rec = rec;
    wr->procs = g_ptr_array_new_with_free_func(proc_free);
    for (guint i = 0; i < rec->procs->len; i++) {
        watched_proc *wp = g_new0(watched_proc, 1);

        *wp = (watched_proc){w, wr, g_ptr_array_index(rec->procs, i), -1};
        g_ptr_array_add(wr->procs, wp);
    }
    return wr;
}

/* (Re)reads the record at @path: it replaces what was held for it, pidfds and all. */
static void watcher_load(lh_watcher *w, const char *path)
{
    g_autoptr(GError) error = NULL;
    lh_watchrec *rec = lh_watchrec_read(path, &error);
    watched_record *wr;

    if (rec == NULL) { /* gone again already, or not a record: hold nothing for it */
        qb_log(LOG_DEBUG, "%s: not read: %s", path, error->message);
        g_hash_table_remove(w->records, path);
        return;
    }
    wr = record_new(w, path, rec);
    g_hash_table_replace(w->records, g_strdup(path), wr);
    w->stats.loads++;
    qb_log(LOG_INFO, "%s on %s: watching %u process(es) of %s", rec->resource, rec->node,
           rec->procs->len, path);
    for (guint i = 0; i < wr->procs->len; i++) {
        watched_proc *wp = g_ptr_array_index(wr->procs, i);

        if (!proc_watch(wp)) {
            proc_died(wp);
        }
    }
}

static void watcher_drop(lh_watcher *w, const char *path)
{
    if (g_hash_table_remove(w->records, path)) {
        qb_log(LOG_INFO, "%s: removed, no longer watched", path);
    }
}

/* Reads every record in the directory and forgets those no longer there: at start,
 * and when inotify lost events (its queue overflowed). */
static gboolean watcher_scan(lh_watcher *w, GError **error)
{
    g_autoptr(GDir) dir = g_dir_open(w->dir, 0, error);
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    const char *name;
    GHashTableIter iter;
    gpointer key;

    if (dir == NULL) {
        return FALSE;
    }
    while ((name = g_dir_read_name(dir)) != NULL) {
        if (lh_watchrec_is_record_name(name)) {
            char *path = g_build_filename(w->dir, name, NULL);

            g_hash_table_add(seen, path);
            watcher_load(w, path);
        }
    }
    g_hash_table_iter_init(&iter, w->records);
    while (g_hash_table_iter_next(&iter, &key, NULL)) {
        if (!g_hash_table_contains(seen, key)) {
            g_hash_table_iter_remove(&iter);
        }
    }
    return TRUE;
}

static void watcher_event(lh_watcher *w, const struct inotify_event *ev)
{
    g_autofree char *path = NULL;

    if (ev->mask & IN_Q_OVERFLOW) {
        w->stats.rescans++;
        qb_log(LOG_WARNING, "%s: inotify queue overflow: reading every record again", w->dir);
        watcher_scan(w, NULL);
        return;
    }
    if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
        qb_log(LOG_ERR, "%s: the records directory went away: stopping", w->dir);
        w->failed = TRUE;
        qb_loop_stop(w->loop);
        return;
    }
    if (ev->len == 0 || !lh_watchrec_is_record_name(ev->name)) {
        return; /* PATH.tmp, PATH.failed, state files */
    }
    path = g_build_filename(w->dir, ev->name, NULL);
    if (ev->mask & WATCH_ARRIVED) {
        watcher_load(w, path);
    } else if (ev->mask & WATCH_LEFT) {
        watcher_drop(w, path);
    }
}

static int32_t inotify_ready(int32_t fd, int32_t revents, void *data)
{
    lh_watcher *w = data;
    char buf[64 * (sizeof(struct inotify_event) + NAME_MAX + 1)]
        __attribute__((aligned(__alignof__(struct inotify_event))));
    ssize_t n;

    (void)revents;
    while ((n = read(fd, buf, sizeof(buf))) > 0 && !w->failed) {
        for (char *at = buf; at < buf + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)(void *)at;

            watcher_event(w, ev);
            at += sizeof(struct inotify_event) + ev->len;
        }
    }
    return 0;
}

static gboolean watcher_open_inotify(lh_watcher *w, GError **error)
{
    w->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w->inotify_fd < 0 || inotify_add_watch(w->inotify_fd, w->dir, WATCH_EVENTS) < 0) {
        int saved = errno;

        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved),
                    "cannot watch %s with inotify: %s", w->dir, g_strerror(saved));
        return FALSE;
    }
    if (qb_loop_poll_add(w->loop, QB_LOOP_MED, w->inotify_fd, POLLIN, w, inotify_ready) != 0) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_FAILED, "cannot add inotify to the loop");
        return FALSE;
    }
    return TRUE;
}

lh_watcher *lh_watcher_new(qb_loop_t *loop, const char *dir, lh_watcher_report_fn report,
                           void *data, GError **error)
{
    lh_watcher *w = g_new0(lh_watcher, 1);

    w->loop = loop;
    w->dir = g_strdup(dir);
    w->inotify_fd = -1;
    w->records = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, record_free);
    w->report = report;
    w->data = data;
    if (g_mkdir_with_parents(dir, 0755) != 0) {
        int saved = errno;

        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(saved), "cannot create %s: %s",
                    dir, g_strerror(saved));
        lh_watcher_free(w);
        return NULL;
    }
    /* inotify first: a record written during the scan is then seen twice, never
     * missed. */
    if (!watcher_open_inotify(w, error) || !watcher_scan(w, error)) {
        lh_watcher_free(w);
        return NULL;
    }
    return w;
}

void lh_watcher_free(lh_watcher *watcher)
{
    if (watcher == NULL) {
        return;
    }
    g_hash_table_destroy(watcher->records);
    if (watcher->inotify_fd >= 0) {
        qb_loop_poll_del(watcher->loop, watcher->inotify_fd);
        close(watcher->inotify_fd);
    }
    g_free(watcher->dir);
    g_free(watcher);
}

void lh_watcher_get_stats(const lh_watcher *watcher, lh_watcher_stats *stats)
{
    *stats = watcher->stats;
    stats->records = g_hash_table_size(watcher->records);
}

gboolean lh_watcher_failed(const lh_watcher *watcher)
{
    return watcher->failed;
}
