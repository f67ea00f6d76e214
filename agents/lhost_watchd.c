/* lhost-watchd - the per-node watcher: reports the death of a recorded product
 * process to Pacemaker at once, instead of at the next monitor.
 *
 *   lhost-watchd [--dir DIR] [--crm-resource PATH] [--pidfile FILE]
 *                [--blackbox FILE] [--foreground] [--debug]
 *
 * The work is lib/watcher's (lhost/watcher.h); this file is the daemon around it:
 * options, logging (libqb's, with its blackbox), signals, the pidfile and
 * daemonizing. It is ready once the records are read and inotify is set up: only
 * then does it write its pidfile (PID START_TIME, the pair that identifies it), and
 * only then does the parent of a daemonizing start exit 0, so that ocf:lhost:watch's
 * start knows it watches. SIGTERM or SIGINT: it removes its pidfile and exits 0.
 * SIGUSR1: the blackbox is written to its file (qb-blackbox FILE reads it), as it is
 * after each failure reported and on a fatal error.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <qb/qblog.h>
#include <qb/qbloop.h>

#include <lhost/log.h>
#include <lhost/proc.h>
#include <lhost/watcher.h>
#include <lhost/watchrec.h>

#include "agents/watch-paths.h" /* LH_CRM_RESOURCE (agents/local.mk) */
#define WATCHD_DEFAULT_BLACKBOX "/var/lib/lhost/lhost-watchd.blackbox"
/* crm_resource --fail answers within a second on a healthy cluster; a CIB that does
 * not answer must not keep a report (and its process) forever. */
#define WATCHD_REPORT_TIMEOUT_MS 30000U

typedef struct watchd_options {
    char *dir;
    char *crm_resource;
    char *pidfile;
    char *blackbox;
    gboolean foreground;
    gboolean debug;
} watchd_options;

typedef struct watchd {
    const watchd_options *opt;
    qb_loop_t *loop;
    lh_watcher *watcher;
    lh_reporter *reporter;
} watchd;

static gboolean watchd_parse(watchd_options *o, int *argc, char ***argv)
{
    const GOptionEntry entries[] = {
        {"dir", 0, 0, G_OPTION_ARG_FILENAME, &o->dir, "the records directory", "DIR"},
        {"crm-resource", 0, 0, G_OPTION_ARG_FILENAME, &o->crm_resource,
         "the crm_resource that reports failures", "PATH"},
        {"pidfile", 0, 0, G_OPTION_ARG_FILENAME, &o->pidfile, "written once watching", "FILE"},
        {"blackbox", 0, 0, G_OPTION_ARG_FILENAME, &o->blackbox, "where the blackbox is dumped",
         "FILE"},
        {"foreground", 0, 0, G_OPTION_ARG_NONE, &o->foreground, "do not daemonize; log to stderr",
         NULL},
        {"debug", 0, 0, G_OPTION_ARG_NONE, &o->debug, "log debug messages", NULL},
        G_OPTION_ENTRY_NULL,
    };
    g_autoptr(GOptionContext) ctx = g_option_context_new("- report recorded processes' deaths");
    g_autoptr(GError) error = NULL;

    g_option_context_add_main_entries(ctx, entries, NULL);
    if (!g_option_context_parse(ctx, argc, argv, &error) || *argc > 1) {
        fprintf(stderr, "lhost-watchd: %s\n", error != NULL ? error->message : "extra arguments");
        return FALSE;
    }
    if (o->dir == NULL) {
        o->dir = g_strdup(lh_watchrec_dir(NULL));
    }
    if (o->crm_resource == NULL) {
        o->crm_resource = g_strdup(LH_CRM_RESOURCE);
    }
    if (o->blackbox == NULL) {
        o->blackbox = g_strdup(WATCHD_DEFAULT_BLACKBOX);
    }
    o->debug = o->debug || g_strcmp0(g_getenv("HA_debug"), "1") == 0;
    return TRUE;
}

/* syslog (HA_LOGFACILITY, as the agents), stderr in the foreground, HA_LOGFILE when
 * set (as resource-agents' ocf_log), and the blackbox: everything, debug included,
 * in memory, written out when something went wrong. */
static void watchd_log_open(const watchd_options *o)
{
    int facility = lh_log_env_facility();
    int level = o->debug ? LOG_DEBUG : LOG_INFO;
    const char *logfile = g_getenv("HA_LOGFILE");

    qb_log_init("lhost-watchd", facility >= 0 ? facility : LOG_DAEMON, level);
    qb_log_ctl(QB_LOG_SYSLOG, QB_LOG_CONF_ENABLED, facility >= 0);
    qb_log_filter_ctl(QB_LOG_SYSLOG, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", level);
    if (o->foreground) {
        qb_log_filter_ctl(QB_LOG_STDERR, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", level);
        qb_log_ctl(QB_LOG_STDERR, QB_LOG_CONF_ENABLED, QB_TRUE);
    }
    if (logfile != NULL && *logfile != '\0') {
        int t = qb_log_file_open(logfile);

        if (t >= 0) {
            qb_log_filter_ctl(t, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", level);
            qb_log_format_set(t, "%t lhost-watchd[%P]: %p: %b");
            qb_log_ctl(t, QB_LOG_CONF_ENABLED, QB_TRUE);
        }
    }
    qb_log_filter_ctl(QB_LOG_BLACKBOX, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", LOG_DEBUG);
    qb_log_ctl(QB_LOG_BLACKBOX, QB_LOG_CONF_SIZE, 256 * 1024);
    qb_log_ctl(QB_LOG_BLACKBOX, QB_LOG_CONF_ENABLED, QB_TRUE);
}

static void watchd_blackbox(const watchd_options *o, const char *why)
{
    g_autofree char *dir = g_path_get_dirname(o->blackbox);
    ssize_t written;

    g_mkdir_with_parents(dir, 0750);
    written = qb_log_blackbox_write_to_file(o->blackbox);
    qb_log(written < 0 ? LOG_WARNING : LOG_INFO, "blackbox (%s) %s %s", why,
           written < 0 ? "could not be written to" : "written to", o->blackbox);
}

/* 500 watched logical hosts hold 500 pidfds and more: take all the kernel allows. */
static void watchd_raise_nofile(void)
{
    struct rlimit lim;

    if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_NOFILE, &lim);
    }
}

/* PID START_TIME, written whole (FILE.tmp, then rename): a reader never sees half. */
static gboolean watchd_write_pidfile(const char *path, GError **error)
{
    guint64 start = 0;
    g_autofree char *text = NULL;

    if (path == NULL) {
        return TRUE;
    }
    lh_proc_start_time(NULL, getpid(), &start);
    text = g_strdup_printf("%d %" G_GUINT64_FORMAT "\n", (int)getpid(), start);
    return g_file_set_contents_full(path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

/* Removes the pidfile only while it still names this process. */
static void watchd_remove_pidfile(const char *path)
{
    g_autofree char *text = NULL;
    g_autofree char *mine = g_strdup_printf("%d ", (int)getpid());

    if (path != NULL && g_file_get_contents(path, &text, NULL, NULL) &&
        g_str_has_prefix(text, mine)) {
        unlink(path);
    }
}

static void watchd_reported(const lh_watcher_failure *f, const char *how, int exit_code,
                            const char *output, void *data)
{
    watchd *d = data;

    if (exit_code == 0) {
        qb_log(LOG_NOTICE, "%s on %s: %s (pid %d) died: failure reported to Pacemaker "
               "(crm_resource exit code 0)", f->resource, f->node, f->proc_name, f->pid);
    } else {
        qb_log(LOG_ERR, "%s on %s: %s (pid %d) died: reporting the failure to Pacemaker "
               "failed: crm_resource %s (exit code %d)%s%s; the next monitor will find it",
               f->resource, f->node, f->proc_name, f->pid, how, exit_code,
               *output != '\0' ? ": " : "", output);
    }
    watchd_blackbox(d->opt, "failure reported");
}

static int32_t watchd_on_stop(int32_t sig, void *data)
{
    watchd *d = data;

    qb_log(LOG_INFO, "signal %d: stopping", sig);
    qb_loop_stop(d->loop);
    return 0;
}

static int32_t watchd_on_usr1(int32_t sig, void *data)
{
    watchd *d = data;

    (void)sig;
    watchd_blackbox(d->opt, "SIGUSR1");
    return 0;
}

static void watchd_signals(watchd *d)
{
    qb_loop_signal_handle h;

    qb_loop_signal_add(d->loop, QB_LOOP_HIGH, SIGTERM, d, watchd_on_stop, &h);
    qb_loop_signal_add(d->loop, QB_LOOP_HIGH, SIGINT, d, watchd_on_stop, &h);
    qb_loop_signal_add(d->loop, QB_LOOP_HIGH, SIGUSR1, d, watchd_on_usr1, &h);
}

/* Without --foreground: the parent waits for the child to be ready (a byte on a
 * pipe; end of file without it means the child failed) and exits with that. The
 * child's stderr stays the caller's until then, so a start error reaches the agent. */
static int watchd_daemonize(int *ready_fd)
{
    int fds[2];
    pid_t pid;
    char byte = 0;

    if (pipe2(fds, O_CLOEXEC) != 0 || (pid = fork()) < 0) {
        fprintf(stderr, "lhost-watchd: cannot daemonize: %s\n", g_strerror(errno));
        return 1;
    }
    if (pid > 0) {
        close(fds[1]);
        while (read(fds[0], &byte, 1) < 0 && errno == EINTR) {
        }
        _exit(byte == 'R' ? 0 : 1);
    }
    close(fds[0]);
    setsid();
    umask(022);
    if (chdir("/") != 0) {
        /* nothing depends on the working directory: it only must not hold a mount */
    }
    *ready_fd = fds[1];
    return -1;
}

/* Ready: tell the waiting parent, and leave the caller's terminal and pipes. */
static void watchd_detach(int ready_fd)
{
    int null;

    if (ready_fd < 0) {
        return;
    }
    null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        close(null);
    }
    if (write(ready_fd, "R", 1) != 1) {
        qb_log(LOG_WARNING, "cannot tell the starting process that the watcher is ready");
    }
    close(ready_fd);
}

static int watchd_run(const watchd_options *o, int ready_fd)
{
    watchd d = {o, qb_loop_create(), NULL, NULL};
    g_autoptr(GError) error = NULL;
    lh_watcher_stats st;
    int rc = 0;

    d.reporter = lh_reporter_new(d.loop, o->crm_resource, WATCHD_REPORT_TIMEOUT_MS,
                                 watchd_reported, &d);
    d.watcher = lh_watcher_new(d.loop, o->dir, lh_reporter_report, d.reporter, &error);
    if (d.watcher == NULL || !watchd_write_pidfile(o->pidfile, &error)) {
        /* stderr is still the starting agent's: it gives this as its exit reason */
        qb_log(LOG_ERR, "cannot watch: %s", error->message);
        fprintf(stderr, "lhost-watchd: %s\n", error->message);
        watchd_blackbox(o, "start failed");
        rc = 1;
        goto done;
    }
    watchd_signals(&d);
    lh_watcher_get_stats(d.watcher, &st);
    qb_log(LOG_INFO, "watching %s: %u record(s), %u process(es); reporting with %s", o->dir,
           st.records, st.procs, o->crm_resource);
    watchd_detach(ready_fd);
    qb_loop_run(d.loop);
    if (lh_watcher_failed(d.watcher)) {
        /* The pidfile stays, naming a dead watcher: the monitor reports a failure,
         * not a clean stop. */
        watchd_blackbox(o, "fatal error");
        rc = 1;
    } else {
        watchd_remove_pidfile(o->pidfile);
    }
done:
    lh_watcher_free(d.watcher);
    lh_reporter_free(d.reporter);
    qb_loop_destroy(d.loop);
    qb_log_fini();
    return rc;
}

int main(int argc, char **argv)
{
    watchd_options o = {0};
    int ready_fd = -1, rc;

    if (!watchd_parse(&o, &argc, &argv)) {
        return 2;
    }
    if (!o.foreground && (rc = watchd_daemonize(&ready_fd)) >= 0) {
        return rc;
    }
    watchd_raise_nofile();
    watchd_log_open(&o);
    rc = watchd_run(&o, ready_fd);
    g_free(o.dir);
    g_free(o.crm_resource);
    g_free(o.pidfile);
    g_free(o.blackbox);
    return rc;
}
