/* report.c - telling Pacemaker: crm_resource --fail, in the background.
 *
 * The watcher must keep watching while the tool talks to the CIB (it can take
 * seconds when the cluster is busy), so each report is a child process with its
 * own pidfd in the loop and a timer that SIGKILLs its process group if it hangs.
 * argv, never a shell: the resource and node names come from files.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h> /* environ (_GNU_SOURCE) */

#include <qb/qblog.h>

#include <lhost/watcher.h>


/* What is kept of the tool's output, for the log. */
#define LH_REPORTER_OUTPUT_MAX 512
/* How long a stopping watcher lets reports under way finish. */
#define LH_REPORTER_DRAIN_MS G_GINT64_CONSTANT(3000)

struct lh_reporter {
    qb_loop_t *loop;
    char *crm_resource;
    guint timeout_ms;
    lh_reporter_done_fn done;
    void *data;
    GList *running; /* report_run * */
};

/* One run of the tool, with a copy of the failure it reports. */
typedef struct report_run {
    lh_reporter *reporter;
    pid_t pid;
    int pidfd;
    qb_loop_timer_handle timer;
    int out_fd; /* the read end of the tool's stdout and stderr, -1 when none */
    gboolean timed_out;
    char *record, *agent, *resource, *node, *proc_name;
    int proc_pid;
    guint64 start_time;
} report_run;

char **lh_reporter_argv(const char *crm_resource, const lh_watcher_failure *failure)
{
    GStrvBuilder *b = g_strv_builder_new();
    char **argv;

    g_strv_builder_add_many(b, crm_resource, "--fail", "--resource", failure->resource,
                            "--node", failure->node, NULL);
    argv = g_strv_builder_end(b);
    g_strv_builder_unref(b);
    return argv;
}

static report_run *run_new(lh_reporter *r, const lh_watcher_failure *f)
{
    report_run *run = g_new0(report_run, 1);

    run->reporter = r;
    run->pidfd = -1;
    run->out_fd = -1;
    run->record = g_strdup(f->record);
    run->agent = g_strdup(f->agent);
    run->resource = g_strdup(f->resource);
    run->node = g_strdup(f->node);
    run->proc_name = g_strdup(f->proc_name);
    run->proc_pid = f->pid;
    run->start_time = f->start_time;
    return run;
}

static void run_free(report_run *run)
{
    if (run->out_fd >= 0) {
        close(run->out_fd);
    }
    g_free(run->record);
    g_free(run->agent);
    g_free(run->resource);
    g_free(run->node);
    g_free(run->proc_name);
    g_free(run);
}

/* What the tool said, once it ended: what the pipe holds, at most LH_REPORTER_OUTPUT_MAX
 * bytes, on one line. The pipe is read only then: crm_resource --fail says a line or
 * two, far below the pipe's capacity, so it never waits for a reader. */
static char *run_output(report_run *run)
{
    char buf[LH_REPORTER_OUTPUT_MAX + 1];
    ssize_t n = run->out_fd >= 0 ? read(run->out_fd, buf, LH_REPORTER_OUTPUT_MAX) : -1;

    buf[n > 0 ? n : 0] = '\0';
    return g_strstrip(g_strdelimit(g_strdup(buf), "\r\n\t", ' '));
}

static void run_finish(report_run *run, const char *how, int exit_code)
{
    lh_reporter *r = run->reporter;
    lh_watcher_failure f = {run->record,    run->agent,    run->resource, run->node,
                            run->proc_name, run->proc_pid, run->start_time};
    g_autofree char *output = run_output(run);

    r->running = g_list_remove(r->running, run);
    if (r->done != NULL) {
        r->done(&f, how, exit_code, output, r->data);
    }
    run_free(run);
}

/* The tool ended (or was killed): reap it and say how. */
static int32_t run_ready(int32_t fd, int32_t revents, void *data)
{
    report_run *run = data;
    g_autofree char *how = NULL;
    int status = 0, exit_code = -1;

    (void)revents;
    close(fd);
    run->pidfd = -1;
    qb_loop_timer_del(run->reporter->loop, run->timer);
    while (waitpid(run->pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (run->timed_out) {
        how = g_strdup_printf("timed out after %u ms", run->reporter->timeout_ms);
    } else if (WIFEXITED(status)) {
        how = g_strdup("exited");
        exit_code = WEXITSTATUS(status);
    } else {
        how = g_strdup_printf("killed by signal %d", WTERMSIG(status));
    }
    run_finish(run, how, exit_code);
    return -1; /* the loop drops the entry; the descriptor is closed */
}

static void run_timeout(void *data)
{
    report_run *run = data;

    run->timed_out = TRUE;
    kill(-run->pid, SIGKILL); /* its group: what it started goes with it */
}

/* The child: stdin from /dev/null, stdout and stderr to a pipe read once it ended
 * (@out_fd), no other descriptor, default signal handling (the loop's handlers are
 * ours, not its), a process group of its own. */
static int spawn_tool(char **argv, pid_t *pid, int *out_fd)
{
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;
    sigset_t none, all;
    int rc, fds[2];

    if (pipe2(fds, O_CLOEXEC) != 0) {
        return errno;
    }
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
    posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                        POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setpgroup(&attr, 0);
    rc = posix_spawn(pid, argv[0], &actions, &attr, argv, environ);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    *out_fd = fds[0];
    return rc;
}

/* No pidfd for the child (no descriptor left): wait for it here, bounded by the
 * same timeout, rather than leave a failure unreported. */
static void run_wait_here(report_run *run)
{
    gint64 until = g_get_monotonic_time() + (gint64)run->reporter->timeout_ms * 1000;
    int status = 0;
    pid_t got;

    while ((got = waitpid(run->pid, &status, WNOHANG)) == 0 && g_get_monotonic_time() < until) {
        g_usleep(10000);
    }
    if (got == 0) {
        run->timed_out = TRUE;
        kill(-run->pid, SIGKILL);
        waitpid(run->pid, &status, 0);
    }
    run_finish(run, run->timed_out ? "timed out" : WIFEXITED(status) ? "exited" : "killed",
               !run->timed_out && WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

void lh_reporter_report(const lh_watcher_failure *failure, void *reporter)
{
    lh_reporter *r = reporter;
    g_auto(GStrv) argv = lh_reporter_argv(r->crm_resource, failure);
    report_run *run = run_new(r, failure);
    int rc = spawn_tool(argv, &run->pid, &run->out_fd);

    r->running = g_list_prepend(r->running, run);
    if (rc != 0) {
        g_autofree char *how = g_strdup_printf("could not start: %s", g_strerror(rc));

        run_finish(run, how, -1);
        return;
    }
    run->pidfd = (int)syscall(SYS_pidfd_open, run->pid, 0);
    if (run->pidfd < 0) {
        run_wait_here(run);
        return;
    }
    qb_loop_poll_add(r->loop, QB_LOOP_HIGH, run->pidfd, POLLIN, run, run_ready);
    qb_loop_timer_add(r->loop, QB_LOOP_HIGH, (uint64_t)r->timeout_ms * 1000000ULL, run,
                      run_timeout, &run->timer);
}

lh_reporter *lh_reporter_new(qb_loop_t *loop, const char *crm_resource, guint timeout_ms,
                             lh_reporter_done_fn done, void *data)
{
    lh_reporter *r = g_new0(lh_reporter, 1);

    r->loop = loop;
    r->crm_resource = g_strdup(crm_resource);
    r->timeout_ms = timeout_ms;
    r->done = done;
    r->data = data;
    return r;
}

/* Waits up to @until_us (monotonic) for @run's tool to end; TRUE when it did. */
static gboolean run_wait_until(report_run *run, gint64 until_us)
{
    for (;;) {
        struct pollfd p = {.fd = run->pidfd, .events = POLLIN};
        gint64 left_ms = (until_us - g_get_monotonic_time()) / 1000;

        if (left_ms <= 0) {
            return FALSE;
        }
        if (poll(&p, 1, (int)MIN(left_ms, G_MAXINT)) > 0) {
            return TRUE;
        }
    }
}

void lh_reporter_free(lh_reporter *reporter)
{
    /* A report under way is a failure already claimed: give it a moment to reach
     * Pacemaker before the watcher goes (its stop waits longer than this). */
    gint64 until_us = g_get_monotonic_time() + LH_REPORTER_DRAIN_MS * 1000;

    if (reporter == NULL) {
        return;
    }
    while (reporter->running != NULL) {
        report_run *run = reporter->running->data;

        if (!run_wait_until(run, until_us)) {
            qb_log(LOG_WARNING, "%s on %s: crm_resource still runs as the watcher stops: killed",
                   run->resource, run->node);
            kill(-run->pid, SIGKILL);
        }
        qb_loop_poll_del(reporter->loop, run->pidfd);
        close(run->pidfd);
        qb_loop_timer_del(reporter->loop, run->timer);
        waitpid(run->pid, NULL, 0);
        reporter->running = g_list_remove(reporter->running, run);
        run_free(run);
    }
    g_free(reporter->crm_resource);
    g_free(reporter);
}
