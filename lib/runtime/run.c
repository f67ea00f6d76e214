/* run.c - run one command: no shell, bounded capture, deadline, group kill.
 *
 * posix_spawn (a vfork-style clone in glibc) keeps the agent cheap: a monitor's
 * whole budget is about three times the status command's own cost, and fork() of a
 * process holding glib would be dearer. The child is made the leader of a new
 * process group, its signal mask and dispositions reset, stdin bound to /dev/null,
 * stdout/stderr to pipes, every other descriptor closed.
 *
 * Waiting uses poll() on both pipes and a pidfd, so the wait ends exactly when the
 * child exits or the deadline passes. Output is read only until the child exits: a
 * daemon it left behind may hold the pipe open forever, and must not hold us.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lhost/inflight.h>
#include <lhost/journal.h>
#include <lhost/run.h>

#include "journal_private.h"

typedef struct child {
    pid_t pid;
    int pidfd;   /* -1 when the kernel has no pidfd_open */
    int out_fd;  /* -1 once at end of file */
    int err_fd;
} child;

static char *const empty_env[] = {NULL};

/* A command still running at its deadline may take the grace period to go: the
 * operation keeps that, and time to report, out of its timeout. */
G_STATIC_ASSERT(LH_RUN_GRACE_DEFAULT_MS + 250 <= LH_DEADLINE_MARGIN_MIN_MS);

/* Sets up the spawn attributes: own process group, clean signal state. */
static void init_spawn_attr(posix_spawnattr_t *attr)
{
    sigset_t none, all;

    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_init(attr);
    posix_spawnattr_setpgroup(attr, 0);
    posix_spawnattr_setsigmask(attr, &none);
    posix_spawnattr_setsigdefault(attr, &all);
    posix_spawnattr_setflags(attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK
                                       | POSIX_SPAWN_SETSIGDEF);
}

static void init_file_actions(posix_spawn_file_actions_t *actions, int out_w, int err_w)
{
    posix_spawn_file_actions_init(actions);
    posix_spawn_file_actions_addopen(actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(actions, out_w, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(actions, err_w, STDERR_FILENO);
    /* Descriptors Pacemaker or the agent left open must not leak to products. */
    posix_spawn_file_actions_addclosefrom_np(actions, STDERR_FILENO + 1);
}

static void close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

/* argv[0] itself when it has a '/', else its first executable match on the PATH of
 * the command's own environment (not the agent's, which posix_spawnp would use). */
static char *find_program(const char *name, char *const *envp)
{
    const char *search = NULL;
    g_auto(GStrv) dirs = NULL;

    if (strchr(name, '/') != NULL) {
        return g_strdup(name);
    }
    for (gsize i = 0; envp[i] != NULL && search == NULL; i++) {
        if (g_str_has_prefix(envp[i], "PATH=")) {
            search = envp[i] + 5;
        }
    }
    dirs = g_strsplit(search != NULL ? search : "/usr/bin:/bin", ":", -1);
    for (gsize i = 0; dirs[i] != NULL; i++) {
        char *candidate = g_build_filename(*dirs[i] ? dirs[i] : ".", name, NULL);

        if (access(candidate, X_OK) == 0) {
            return candidate;
        }
        g_free(candidate);
    }
    return NULL;
}

/* Starts the child; 0, or the errno that kept it from starting. */
static int spawn_child(const char *const *argv, char *const *envp, child *c)
{
    int out_pipe[2], err_pipe[2], rc;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_t actions;

    if (pipe2(out_pipe, O_CLOEXEC) != 0) {
        return errno;
    }
    if (pipe2(err_pipe, O_CLOEXEC) != 0) {
        rc = errno;
        close(out_pipe[0]);
        close(out_pipe[1]);
        return rc;
    }
    init_spawn_attr(&attr);
    init_file_actions(&actions, out_pipe[1], err_pipe[1]);
    {
        g_autofree char *path = find_program(argv[0], envp);

        rc = path == NULL ? ENOENT
                          : posix_spawn(&c->pid, path, &actions, &attr, (char *const *)argv, envp);
    }
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    close(out_pipe[1]);
    close(err_pipe[1]);
    c->out_fd = out_pipe[0];
    c->err_fd = err_pipe[0];
    if (rc != 0) {
        close_fd(&c->out_fd);
        close_fd(&c->err_fd);
        return rc;
    }
    c->pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
    return 0;
}

/* Appends what one read gives, up to the bound; the rest is counted and dropped.
 * Returns FALSE at end of file or on error (the descriptor is then closed). */
static gboolean read_some(int *fd, GString *into, gsize *dropped, gsize max)
{
    char buf[16384];
    ssize_t n;

    do {
        n = read(*fd, buf, sizeof(buf));
    } while (n < 0 && errno == EINTR);
    if (n <= 0) {
        if (n == 0 || errno != EAGAIN) {
            close_fd(fd);
        }
        return FALSE;
    }
    if (into->len < max) {
        gsize keep = MIN((gsize)n, max - into->len);

        g_string_append_len(into, buf, (gssize)keep);
        *dropped += (gsize)n - keep;
    } else {
        *dropped += (gsize)n;
    }
    return TRUE;
}

/* TRUE once the child has exited; it is left unreaped (WNOWAIT), so that its
 * process group id cannot be reused before we are done signalling the group. */
static gboolean child_exited(const child *c)
{
    siginfo_t info;

    memset(&info, 0, sizeof(info));
    while (waitid(P_PID, (id_t)c->pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
        if (errno != EINTR) {
            return TRUE; /* ECHILD: nothing left to wait for */
        }
    }
    return info.si_pid == c->pid;
}

/* Reads once from each pipe that poll() reported readable, hung up or in error. */
static void read_ready(child *c, const struct pollfd *fds, nfds_t n, lh_run_result *r, gsize max)
{
    for (nfds_t i = 0; i < n; i++) {
        if ((fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) {
            continue;
        }
        if (fds[i].fd == c->out_fd) {
            read_some(&c->out_fd, r->out, &r->out_dropped, max);
        } else if (fds[i].fd == c->err_fd) {
            read_some(&c->err_fd, r->err, &r->err_dropped, max);
        }
    }
}

/* Waits for the child's exit or @limit, reading output meanwhile. TRUE: exited. */
static gboolean wait_child(child *c, lh_deadline limit, lh_run_result *r, gsize max)
{
    for (;;) {
        struct pollfd fds[3];
        nfds_t n = 0;
        gint64 wait_ms;

        if (child_exited(c)) {
            return TRUE;
        }
        wait_ms = lh_deadline_remaining_ms(limit);
        if (wait_ms == 0) {
            return FALSE;
        }
        if (c->out_fd >= 0) {
            fds[n++] = (struct pollfd){.fd = c->out_fd, .events = POLLIN};
        }
        if (c->err_fd >= 0) {
            fds[n++] = (struct pollfd){.fd = c->err_fd, .events = POLLIN};
        }
        if (c->pidfd >= 0) {
            fds[n++] = (struct pollfd){.fd = c->pidfd, .events = POLLIN};
        } else {
            wait_ms = MIN(wait_ms, 20); /* no pidfd: notice the exit by polling */
        }
        if (poll(fds, n, (int)MIN(wait_ms, G_MAXINT)) < 0 && errno != EINTR) {
            g_usleep(1000);
        }
        read_ready(c, fds, n, r, max);
    }
}

/* Reads what is already in the pipes, without waiting for end of file, and at most
 * DRAIN_MAX_READS reads per pipe: a daemon the command left behind may keep writing. */
#define DRAIN_MAX_READS 64

static void drain_one(int *fd, GString *into, gsize *dropped, gsize max)
{
    if (*fd < 0) {
        return;
    }
    fcntl(*fd, F_SETFL, O_NONBLOCK);
    for (int i = 0; i < DRAIN_MAX_READS && read_some(fd, into, dropped, max); i++) {
    }
}

static void drain(child *c, lh_run_result *r, gsize max)
{
    drain_one(&c->out_fd, r->out, &r->out_dropped, max);
    drain_one(&c->err_fd, r->err, &r->err_dropped, max);
}

/* The deadline has passed: SIGTERM to the group, a grace period, SIGKILL. */
static void kill_group(child *c, gint64 grace_ms, lh_run_result *r, gsize max)
{
    kill(-c->pid, SIGTERM);
    wait_child(c, lh_deadline_in_ms(grace_ms), r, max);
    /* Even if the leader is gone, what it started in its group is not. The leader is
     * not reaped yet, so the group id still belongs to it. */
    kill(-c->pid, SIGKILL);
}

static void reap(child *c, lh_run_result *r, gboolean timed_out)
{
    int status = 0;

    while (waitpid(c->pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (timed_out) {
        r->end = LH_RUN_TIMED_OUT;
        r->term_signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    } else if (WIFEXITED(status)) {
        r->end = LH_RUN_EXITED;
        r->exit_code = WEXITSTATUS(status);
    } else {
        r->end = LH_RUN_SIGNALLED;
        r->term_signal = WTERMSIG(status);
    }
}

static const char *const end_names[] = {
    [LH_RUN_EXITED] = "exited",
    [LH_RUN_SIGNALLED] = "signalled",
    [LH_RUN_TIMED_OUT] = "timed-out",
    [LH_RUN_NOT_STARTED] = "not-started",
};

/* The journal's "command" record (lhost/journal.h): how the command ended, not what
 * its return code means (poll.c notes the decision). */
static void journal_command(const char *const *argv, const lh_run_result *r, pid_t pid)
{
    char pid_text[24], rc[24], sig[24], ms[24];
    g_autofree char *joined = NULL;
    const char *error = NULL;
    gboolean started = TRUE;

    if (!lh_journal_recording()) {
        return; /* no argv to join */
    }
    joined = lh_journal_argv_join(argv);
    if (r->end == LH_RUN_NOT_STARTED) {
        error = g_strerror(r->start_errno);
        started = FALSE;
    } else if (r->end == LH_RUN_TIMED_OUT && r->start_errno == ETIME) {
        error = "not run: the deadline had passed";
        started = FALSE;
    }
    lh_journal_note("command", "argv", joined, "end", end_names[r->end],
                    "pid", started ? lh__journal_int(pid_text, pid) : NULL,
                    "rc", r->end == LH_RUN_EXITED ? lh__journal_int(rc, r->exit_code) : NULL,
                    "signal", r->term_signal != 0 ? lh__journal_int(sig, r->term_signal) : NULL,
                    "error", error, "ms", lh__journal_int(ms, r->elapsed_ms), NULL);
}

void lh_run(const char *const *argv, const lh_run_options *opts, lh_run_result *result)
{
    gsize max = opts->capture_max ? opts->capture_max : LH_RUN_CAPTURE_DEFAULT;
    gint64 grace_ms = opts->grace_ms ? opts->grace_ms : LH_RUN_GRACE_DEFAULT_MS;
    gint64 started = g_get_monotonic_time();
    child c = {-1, -1, -1, -1};
    gboolean exited;
    int rc;

    *result = (lh_run_result)LH_RUN_RESULT_INIT;
    result->out = g_string_new(NULL);
    result->err = g_string_new(NULL);
    if (lh_deadline_passed(opts->deadline)) {
        /* Started now it would get SIGTERM at once and might use its whole grace
         * period: past the deadline, and past the time the caller has. */
        result->end = LH_RUN_TIMED_OUT;
        result->start_errno = ETIME;
        goto done;
    }
    rc = spawn_child(argv, opts->envp ? opts->envp : empty_env, &c);
    if (rc != 0) {
        result->start_errno = rc;
        goto done;
    }
    /* Recorded before the wait: an agent killed now leaves a trace of its command. */
    lh_inflight_add(c.pid, argv[0]);
    exited = wait_child(&c, opts->deadline, result, max);
    if (!exited) {
        kill_group(&c, grace_ms, result, max);
    }
    drain(&c, result, max);
    reap(&c, result, !exited);
    lh_inflight_remove(c.pid);
    close_fd(&c.out_fd);
    close_fd(&c.err_fd);
    close_fd(&c.pidfd);
    result->elapsed_ms = (g_get_monotonic_time() - started) / 1000;
done:
    journal_command(argv, result, c.pid);
}

void lh_run_result_release(lh_run_result *result)
{
    if (result->out != NULL) {
        g_string_free(result->out, TRUE);
    }
    if (result->err != NULL) {
        g_string_free(result->err, TRUE);
    }
    *result = (lh_run_result)LH_RUN_RESULT_INIT;
}

gboolean lh_run_succeeded(const lh_run_result *result)
{
    return result->end == LH_RUN_EXITED && result->exit_code == 0;
}

char *lh_run_describe(const lh_run_result *result)
{
    switch (result->end) {
    case LH_RUN_EXITED:
        return g_strdup_printf("returned %d", result->exit_code);
    case LH_RUN_SIGNALLED:
        return g_strdup_printf("was killed by signal %d (%s)", result->term_signal,
                               g_strsignal(result->term_signal));
    case LH_RUN_TIMED_OUT:
        if (result->start_errno == ETIME) {
            return g_strdup("was not run: the deadline had passed");
        }
        return g_strdup_printf("timed out after %" G_GINT64_FORMAT " ms and was killed",
                               result->elapsed_ms);
    case LH_RUN_NOT_STARTED:
    default:
        return g_strdup_printf("could not start: %s", g_strerror(result->start_errno));
    }
}

char *lh_argv_to_string(const char *const *argv)
{
    GString *text = g_string_new(NULL);

    for (gsize i = 0; argv[i] != NULL; i++) {
        if (i > 0) {
            g_string_append_c(text, ' ');
        }
        if (*argv[i] == '\0' || strpbrk(argv[i], " \t\n'\"\\$`;&|<>*?") != NULL) {
            g_autofree char *quoted = g_shell_quote(argv[i]);

            g_string_append(text, quoted);
        } else {
            g_string_append(text, argv[i]);
        }
    }
    return g_string_free(text, FALSE);
}
