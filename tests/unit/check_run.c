/* check_run.c - lhost/run.h: the one command runner.
 *
 * Commands are /bin/sh scripts written at test time, or this very program run again
 * with --child MODE (then main() does what the mode says and exits: list its open
 * descriptors, print its environment, fill a pipe, leave a daemon behind...), so
 * that what the child sees is observed from inside the child.
 *
 * The promises checked: how a command ended is kept apart from its exit code; a
 * command that cannot start says why (errno); on timeout the whole process group is
 * killed, SIGTERM first, SIGKILL after the grace period; capture is bounded and the
 * child is never blocked on a full pipe; the child gets exactly the given
 * environment, /dev/null as stdin, no descriptor of ours, a clean signal state and
 * its own process group; a daemon it leaves behind does not hold lh_run.
 */
#include "config.h"

#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>

#include <lhost/run.h>

#include "check_common.h"

/* Timing tolerance for the deadline tests (two suites may run at once). */
#define SLACK_MS 400

static char *const test_envp[] = {(char *)LH_TEST_PATH, NULL};

/* ---- the child side: this program run with --child MODE ARGS... ------------- */

/* Prints the descriptors open in this process, but for the one listing them. */
static int child_fds(void)
{
    DIR *dir = opendir("/proc/self/fd");
    struct dirent *entry;

    if (dir == NULL) {
        return 3;
    }
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] != '.' && atoi(entry->d_name) != dirfd(dir)) {
            printf("%s\n", entry->d_name);
        }
    }
    closedir(dir);
    return 0;
}

static int child_env(void)
{
    for (char **e = environ; *e != NULL; e++) {
        printf("%s\n", *e);
    }
    return 0;
}

/* What stdin is: "devnull" when it is /dev/null, "eof" when a read ends at once. */
static int child_stdin(void)
{
    struct stat in, null;
    char c;

    if (fstat(STDIN_FILENO, &in) == 0 && stat("/dev/null", &null) == 0 && S_ISCHR(in.st_mode)
        && in.st_rdev == null.st_rdev) {
        printf("devnull\n");
    }
    if (read(STDIN_FILENO, &c, 1) == 0) {
        printf("eof\n");
    }
    return 0;
}

/* The signal state the child starts with. */
static int child_signals(void)
{
    sigset_t mask;
    struct sigaction term, usr1;

    sigprocmask(SIG_SETMASK, NULL, &mask);
    sigaction(SIGTERM, NULL, &term);
    sigaction(SIGUSR1, NULL, &usr1);
    printf("usr1-blocked=%d\n", sigismember(&mask, SIGUSR1));
    printf("term-default=%d\n", term.sa_handler == SIG_DFL);
    printf("usr1-default=%d\n", usr1.sa_handler == SIG_DFL);
    printf("group-leader=%d\n", getpgrp() == getpid());
    return 0;
}

/* Writes @count bytes to stdout, then a line to stderr. */
static int child_spew(const char *count_text)
{
    static char block[65536];
    gsize left = (gsize)g_ascii_strtoull(count_text, NULL, 10);

    memset(block, 'x', sizeof(block));
    while (left > 0) {
        ssize_t n = write(STDOUT_FILENO, block, MIN(left, sizeof(block)));

        if (n <= 0) {
            return 4;
        }
        left -= (gsize)n;
    }
    fprintf(stderr, "spewed %s\n", count_text);
    return 0;
}

/* Leaves a daemon behind: a grandchild in its own session that keeps stdout and
 * stderr open and writes its pid to @pid_file. With @chatty it keeps writing. */
static int child_daemon(const char *pid_file, gboolean chatty)
{
    pid_t pid = fork();

    if (pid < 0) {
        return 5;
    }
    if (pid == 0) {
        g_autofree char *text = NULL;

        setsid();
        text = g_strdup_printf("%d\n", (int)getpid());
        g_file_set_contents(pid_file, text, -1, NULL);
        for (;;) {
            if (chatty) {
                static char line[4096];

                memset(line, 'd', sizeof(line));
                if (write(STDOUT_FILENO, line, sizeof(line)) < 0) {
                    _exit(0);
                }
            } else {
                pause();
            }
        }
    }
    printf("parent done\n");
    return 0;
}

static int child_main(int argc, char **argv)
{
    const char *mode = argv[2];

    if (strcmp(mode, "fds") == 0) {
        return child_fds();
    }
    if (strcmp(mode, "env") == 0) {
        return child_env();
    }
    if (strcmp(mode, "stdin") == 0) {
        return child_stdin();
    }
    if (strcmp(mode, "signals") == 0) {
        return child_signals();
    }
    if (strcmp(mode, "spew") == 0 && argc > 3) {
        return child_spew(argv[3]);
    }
    if (strcmp(mode, "daemon") == 0 && argc > 3) {
        return child_daemon(argv[3], FALSE);
    }
    if (strcmp(mode, "chatty-daemon") == 0 && argc > 3) {
        return child_daemon(argv[3], TRUE);
    }
    return 2;
}

/* ---- helpers of the tests ---------------------------------------------------- */

/* This program's own path, to run it again as a child. */
static char *self_path(void)
{
    char *path = g_file_read_link("/proc/self/exe", NULL);

    ck_assert_ptr_nonnull(path);
    return path;
}

/* Runs this program with --child @mode [@arg] and the given options. */
static void run_child(const char *mode, const char *arg, const lh_run_options *opts,
                      lh_run_result *res)
{
    g_autofree char *self = self_path();
    const char *argv[] = {self, "--child", mode, arg, NULL};

    lh_run(argv, opts, res);
}

/* Runs the script @body (written to a fresh file in @dir) with @arg. */
static void run_script(const char *dir, const char *body, const char *arg,
                       const lh_run_options *opts, lh_run_result *res)
{
    g_autofree char *script = lh_test_write_script(dir, "cmd", body);
    const char *argv[] = {script, arg, NULL};

    lh_run(argv, opts, res);
}

static void assert_exited(const lh_run_result *res, int code)
{
    g_autofree char *how = lh_run_describe(res);

    ck_assert_msg(res->end == LH_RUN_EXITED && res->exit_code == code,
                  "expected an exit with %d, the command %s (stderr: %s)", code, how,
                  res->err != NULL ? res->err->str : "");
}

/* The pid a script wrote to @path (it may still be writing it). */
static pid_t read_pid(const char *path)
{
    g_autofree char *text = lh_test_wait_for_line(path, 3000);

    ck_assert_msg(text != NULL, "no pid written to %s", path);
    return (pid_t)atoi(text);
}

/* Fails unless @pid is gone within a moment; kills it either way (no leftovers). */
static void assert_gone(pid_t pid, const char *what)
{
    gboolean gone = lh_test_wait_gone(pid, 500);

    if (!gone) {
        kill(pid, SIGKILL);
    }
    ck_assert_msg(gone, "%s (pid %d) survives", what, (int)pid);
}

/* ---- exit codes, signals, start failures -------------------------------------- */

START_TEST(run_exit_codes_are_kept)
{
    static const int codes[] = {0, 1, 4, 8, 12, 127, 255};
    g_autofree char *dir = lh_test_tmpdir();

    for (gsize i = 0; i < G_N_ELEMENTS(codes); i++) {
        lh_run_result res = LH_RUN_RESULT_INIT;
        g_autofree char *code = g_strdup_printf("%d", codes[i]);

        run_script(dir, "exit \"$1\"\n", code,
                   &(lh_run_options){.envp = test_envp, .deadline = lh_deadline_in_ms(5000)},
                   &res);
        assert_exited(&res, codes[i]);
        ck_assert(lh_run_succeeded(&res) == (codes[i] == 0));
        lh_run_result_release(&res);
    }
    lh_test_rmtree(dir);
}
END_TEST

START_TEST(run_signalled_is_not_an_exit_code)
{
    static const int signals[] = {SIGKILL, SIGSEGV, SIGTERM};
    g_autofree char *dir = lh_test_tmpdir();

    for (gsize i = 0; i < G_N_ELEMENTS(signals); i++) {
        lh_run_result res = LH_RUN_RESULT_INIT;
        g_autofree char *sig = g_strdup_printf("%d", signals[i]);

        /* No core file: only the signal matters. */
        run_script(dir, "ulimit -c 0\nkill -s \"$(kill -l \"$1\")\" $$\nexit 3\n", sig,
                   &(lh_run_options){.envp = test_envp, .deadline = lh_deadline_in_ms(5000)},
                   &res);
        ck_assert_msg(res.end == LH_RUN_SIGNALLED, "signal %d: end %d", signals[i], res.end);
        ck_assert_int_eq(res.term_signal, signals[i]);
        ck_assert(!lh_run_succeeded(&res));
        lh_run_result_release(&res);
    }
    lh_test_rmtree(dir);
}
END_TEST

START_TEST(run_missing_command_is_not_started)
{
    const char *argv[] = {"/nonexistent/lhost/status", "-h", "lhA", NULL};
    lh_run_result res = LH_RUN_RESULT_INIT;

    lh_run(argv, &(lh_run_options){.envp = test_envp, .deadline = lh_deadline_in_ms(5000)},
           &res);
    ck_assert_int_eq(res.end, LH_RUN_NOT_STARTED);
    ck_assert_int_eq(res.start_errno, ENOENT);
    ck_assert(!lh_run_succeeded(&res));
    lh_run_result_release(&res);
}
END_TEST

START_TEST(run_not_executable_is_not_started)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = g_build_filename(dir, "not-executable", NULL);
    const char *argv[] = {path, NULL};
    const char *dir_argv[] = {dir, NULL};
    lh_run_result res = LH_RUN_RESULT_INIT;

    /* No execute bit at all: even root may not execute it. */
    lh_test_write_file(path, "#!/bin/sh\nexit 0\n", 0644);
    lh_run(argv, &(lh_run_options){.envp = test_envp, .deadline = lh_deadline_in_ms(5000)},
           &res);
    ck_assert_int_eq(res.end, LH_RUN_NOT_STARTED);
    ck_assert_int_eq(res.start_errno, EACCES);
    lh_run_result_release(&res);

    /* A directory is not a command either. */
    lh_run(dir_argv, &(lh_run_options){.envp = test_envp, .deadline = lh_deadline_in_ms(5000)},
           &res);
    ck_assert_int_eq(res.end, LH_RUN_NOT_STARTED);
    ck_assert_int_eq(res.start_errno, EACCES);
    lh_run_result_release(&res);
    lh_test_rmtree(dir);
}
END_TEST

/* run.h: argv[0] is "an absolute path, or found on the PATH of @opts->envp". */
START_TEST(run_bare_name_is_found_on_the_path_of_envp)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *script = lh_test_write_script(dir, "lhost-unit-on-envp-path", "exit 7\n");
    g_autofree char *path_var = g_strconcat("PATH=", dir, NULL);
    char *envp[] = {path_var, NULL};
    const char *argv[] = {"lhost-unit-on-envp-path", NULL};
    lh_run_result res = LH_RUN_RESULT_INIT;

    /* The test's own PATH does not lead there. */
    g_setenv("PATH", "/usr/bin:/bin", TRUE);
    lh_run(argv, &(lh_run_options){.envp = envp, .deadline = lh_deadline_in_ms(5000)}, &res);
    /* Regression (fixed): posix_spawnp() searches the PATH of the calling process (the agent's),
     * not the PATH of opts->envp as run.h promises, so the command is not found
     * (LH_RUN_NOT_STARTED, ENOENT). */
    assert_exited(&res, 7);
    lh_run_result_release(&res);
    lh_test_rmtree(dir);
}
END_TEST

/* ---- timeouts and the process group ------------------------------------------ */

START_TEST(run_timeout_kills_the_whole_group)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *pid_file = g_build_filename(dir, "background.pid", NULL);
    lh_run_result res = LH_RUN_RESULT_INIT;
    gint64 started = lh_test_now_ms();
    gint64 elapsed;
    pid_t background;

    run_script(dir,
               "sleep 1000 &\n"
               "echo $! > \"$1\"\n"
               "sleep 1000\n",
               pid_file,
               &(lh_run_options){.envp = test_envp, .deadline = lh_deadline_in_ms(500),
                                 .grace_ms = 1000},
               &res);
    elapsed = lh_test_now_ms() - started;
    ck_assert_msg(res.end == LH_RUN_TIMED_OUT, "end %d", res.end);
    ck_assert(!lh_run_succeeded(&res));
    /* Not before the deadline, and not after deadline + grace. */
    ck_assert_int_ge(elapsed, 500);
    ck_assert_int_le(elapsed, 500 + 1000 + SLACK_MS);
    ck_assert_int_ge(res.elapsed_ms, 500);
    background = read_pid(pid_file);
    assert_gone(background, "the background 'sleep 1000' of the timed-out command");
    lh_run_result_release(&res);
    lh_test_rmtree(dir);
}
END_TEST

START_TEST(run_timeout_sigkills_what_ignores_sigterm)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *pid_file = g_build_filename(dir, "background.pid", NULL);
    lh_run_result res = LH_RUN_RESULT_INIT;
    gint64 started = lh_test_now_ms();
    gint64 elapsed;
    pid_t background;

    /* trap '' TERM: SIGTERM is ignored here and in everything started from here. */
    run_script(dir,
               "trap '' TERM\n"
               "sleep 1000 &\n"
               "echo $! > \"$1\"\n"
               "while :; do sleep 1; done\n",
               pid_file,
               &(lh_run_options){.envp = test_envp, .deadline = lh_deadline_in_ms(300),
                                 .grace_ms = 400},
               &res);
    elapsed = lh_test_now_ms() - started;
    ck_assert_msg(res.end == LH_RUN_TIMED_OUT, "end %d", res.end);
    /* The grace period was given in full, then SIGKILL ended it. */
    ck_assert_int_ge(elapsed, 300 + 400);
    ck_assert_int_le(elapsed, 300 + 400 + SLACK_MS);
    background = read_pid(pid_file);
    assert_gone(background, "a SIGTERM-ignoring 'sleep 1000' after the SIGKILL of its group");
    lh_run_result_release(&res);
    lh_test_rmtree(dir);
}
END_TEST

START_TEST(run_timeout_default_grace)
{
    g_autofree char *dir = lh_test_tmpdir();
    lh_run_result res = LH_RUN_RESULT_INIT;
    gint64 started = lh_test_now_ms();
    gint64 elapsed;

    /* grace_ms 0: LH_RUN_GRACE_DEFAULT_MS. */
    run_script(dir, "trap '' TERM\nwhile :; do sleep 1; done\n", NULL,
               &(lh_run_options){.envp = test_envp, .deadline = lh_deadline_in_ms(200)}, &res);
    elapsed = lh_test_now_ms() - started;
    ck_assert_int_eq(res.end, LH_RUN_TIMED_OUT);
    ck_assert_int_ge(elapsed, 200 + LH_RUN_GRACE_DEFAULT_MS);
    ck_assert_int_le(elapsed, 200 + LH_RUN_GRACE_DEFAULT_MS + SLACK_MS);
    lh_run_result_release(&res);
    lh_test_rmtree(dir);
}
END_TEST

START_TEST(run_passed_deadline_still_runs_nothing_long)
{
    g_autofree char *dir = lh_test_tmpdir();
    lh_run_result res = LH_RUN_RESULT_INIT;
    gint64 started = lh_test_now_ms();

    /* A deadline already passed: the command cannot hang the caller. */
    run_script(dir, "sleep 1000\n", NULL,
               &(lh_run_options){.envp = test_envp, .deadline = lh_deadline_in_ms(0),
                                 .grace_ms = 200},
               &res);
    ck_assert_int_eq(res.end, LH_RUN_TIMED_OUT);
    ck_assert_int_le(lh_test_now_ms() - started, 200 + SLACK_MS);
    lh_run_result_release(&res);
    lh_test_rmtree(dir);
}
END_TEST

START_TEST(run_daemon_left_behind_does_not_hold_us)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *pid_file = g_build_filename(dir, "daemon.pid", NULL);
    lh_run_result res = LH_RUN_RESULT_INIT;
    gint64 started = lh_test_now_ms();
    gint64 elapsed;
    gboolean alive;
    pid_t daemon_pid;

    run_child("daemon", pid_file,
              &(lh_run_options){.envp = test_envp, .deadline = lh_deadline_in_ms(5000)}, &res);
    elapsed = lh_test_now_ms() - started;
    daemon_pid = read_pid(pid_file);
    /* A daemon left its group: it survives, as product daemons must. */
    alive = !lh_test_process_gone(daemon_pid);
    kill(daemon_pid, SIGKILL);
    ck_assert_msg(alive, "the daemon (pid %d) was killed", (int)daemon_pid);
    assert_exited(&res, 0);
    ck_assert_msg(elapsed < 1000, "lh_run waited %" G_GINT64_FORMAT " ms for a daemon holding "
                  "its pipe", elapsed);
    ck_assert_ptr_nonnull(strstr(res.out->str, "parent done"));
    lh_run_result_release(&res);
    lh_test_rmtree(dir);
}
END_TEST

START_TEST(run_chatty_daemon_does_not_hold_us)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *pid_file = g_build_filename(dir, "daemon.pid", NULL);
    lh_run_result res = LH_RUN_RESULT_INIT;
    gint64 started = lh_test_now_ms();
    gint64 elapsed;
    pid_t daemon_pid;

    /* The daemon keeps writing to the stdout it inherited, as fast as it can. */
    run_child("chatty-daemon", pid_file,
              &(lh_run_options){.envp = test_envp, .deadline = lh_deadline_in_ms(3000),
                                .capture_max = 1024},
              &res);
    elapsed = lh_test_now_ms() - started;
    daemon_pid = read_pid(pid_file);
    kill(daemon_pid, SIGKILL);
    assert_exited(&res, 0);
    ck_assert_msg(elapsed < 1000, "lh_run took %" G_GINT64_FORMAT " ms", elapsed);
    ck_assert_int_le(res.out->len, 1024);
    lh_run_result_release(&res);
    lh_test_rmtree(dir);
}
END_TEST

/* ---- output capture ----------------------------------------------------------- */

START_TEST(run_stdout_and_stderr_are_captured_apart)
{
    g_autofree char *dir = lh_test_tmpdir();
    lh_run_result res = LH_RUN_RESULT_INIT;

    run_script(dir, "echo \"to stdout $1\"\necho 'to stderr' >&2\necho 'more stdout'\n", "lhA",
               &(lh_run_options){.envp = test_envp, .deadline = lh_deadline_in_ms(5000)},
               &res);
    assert_exited(&res, 0);
    ck_assert_str_eq(res.out->str, "to stdout lhA\nmore stdout\n");
    ck_assert_str_eq(res.err->str, "to stderr\n");
    ck_assert_uint_eq(res.out_dropped, 0);
    ck_assert_uint_eq(res.err_dropped, 0);
    lh_run_result_release(&res);
    lh_test_rmtree(dir);
}
END_TEST

START_TEST(run_huge_output_is_bounded_and_does_not_block)
{
    const gsize total = 10 * 1024 * 1024;
    const gsize bound = 100000;
    g_autofree char *count = g_strdup_printf("%" G_GSIZE_FORMAT, total);
    lh_run_result res = LH_RUN_RESULT_INIT;

    run_child("spew", count,
              &(lh_run_options){.envp = test_envp, .deadline = lh_deadline_in_ms(8000),
                                .capture_max = bound},
              &res);
    /* It wrote everything and exited on its own: never blocked on a full pipe. */
    assert_exited(&res, 0);
    ck_assert_uint_eq(res.out->len, bound);
    ck_assert_uint_eq(res.out_dropped, total - bound);
    ck_assert_uint_eq(res.out->len + res.out_dropped, total);
    /* stderr has its own bound, untouched by stdout's excess. */
    ck_assert_str_eq(res.err->str, "spewed 10485760\n");
    ck_assert_uint_eq(res.err_dropped, 0);
    lh_run_result_release(&res);
}
END_TEST

START_TEST(run_default_capture_bound)
{
    const gsize total = 3 * LH_RUN_CAPTURE_DEFAULT;
    g_autofree char *count = g_strdup_printf("%" G_GSIZE_FORMAT, total);
    lh_run_result res = LH_RUN_RESULT_INIT;

    run_child("spew", count,
              &(lh_run_options){.envp = test_envp, .deadline = lh_deadline_in_ms(8000)}, &res);
    assert_exited(&res, 0);
    ck_assert_uint_eq(res.out->len, LH_RUN_CAPTURE_DEFAULT);
    ck_assert_uint_eq(res.out_dropped, total - LH_RUN_CAPTURE_DEFAULT);
    lh_run_result_release(&res);
}
END_TEST

START_TEST(run_output_of_a_timed_out_command_is_kept)
{
    g_autofree char *dir = lh_test_tmpdir();
    lh_run_result res = LH_RUN_RESULT_INIT;

    run_script(dir, "echo 'before the hang'\necho 'on stderr' >&2\nsleep 1000\n", NULL,
               &(lh_run_options){.envp = test_envp, .deadline = lh_deadline_in_ms(300)}, &res);
    ck_assert_int_eq(res.end, LH_RUN_TIMED_OUT);
    ck_assert_str_eq(res.out->str, "before the hang\n");
    ck_assert_str_eq(res.err->str, "on stderr\n");
    lh_run_result_release(&res);
    lh_test_rmtree(dir);
}
END_TEST

/* ---- what the child gets ------------------------------------------------------ */

START_TEST(run_environment_is_exactly_envp)
{
    char *envp[] = {(char *)"LHOST_A=1", (char *)"LHOST_B=two words", (char *)"EMPTY=", NULL};
    lh_run_result res = LH_RUN_RESULT_INIT;

    g_setenv("LHOST_PARENT_ONLY", "leaked", TRUE);
    run_child("env", NULL, &(lh_run_options){.envp = envp, .deadline = lh_deadline_in_ms(5000)},
              &res);
    assert_exited(&res, 0);
    ck_assert_str_eq(res.out->str, "LHOST_A=1\nLHOST_B=two words\nEMPTY=\n");
    lh_run_result_release(&res);
}
END_TEST

START_TEST(run_null_envp_is_an_empty_environment)
{
    lh_run_result res = LH_RUN_RESULT_INIT;

    g_setenv("LHOST_PARENT_ONLY", "leaked", TRUE);
    run_child("env", NULL, &(lh_run_options){.envp = NULL, .deadline = lh_deadline_in_ms(5000)},
              &res);
    assert_exited(&res, 0);
    ck_assert_str_eq(res.out->str, "");
    lh_run_result_release(&res);
}
END_TEST

START_TEST(run_stdin_is_dev_null)
{
    lh_run_result res = LH_RUN_RESULT_INIT;

    run_child("stdin", NULL,
              &(lh_run_options){.envp = test_envp, .deadline = lh_deadline_in_ms(5000)}, &res);
    assert_exited(&res, 0);
    ck_assert_str_eq(res.out->str, "devnull\neof\n");
    lh_run_result_release(&res);
}
END_TEST

START_TEST(run_no_descriptor_leaks_into_the_child)
{
    int plain = open("/dev/null", O_RDONLY); /* not O_CLOEXEC, on purpose */
    int high = dup2(plain, 47);
    int pipe_fds[2];
    lh_run_result res = LH_RUN_RESULT_INIT;

    ck_assert_int_ge(plain, 3);
    ck_assert_int_eq(high, 47);
    ck_assert_int_eq(pipe(pipe_fds), 0);
    run_child("fds", NULL,
              &(lh_run_options){.envp = test_envp, .deadline = lh_deadline_in_ms(5000)}, &res);
    assert_exited(&res, 0);
    /* stdin, stdout, stderr: nothing else. */
    ck_assert_str_eq(res.out->str, "0\n1\n2\n");
    lh_run_result_release(&res);
    close(plain);
    close(high);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
}
END_TEST

START_TEST(run_child_starts_with_clean_signals_in_its_own_group)
{
    sigset_t block;
    lh_run_result res = LH_RUN_RESULT_INIT;

    /* What an agent may have done to itself must not reach the product. */
    signal(SIGTERM, SIG_IGN);
    signal(SIGUSR1, SIG_IGN);
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigprocmask(SIG_BLOCK, &block, NULL);
    run_child("signals", NULL,
              &(lh_run_options){.envp = test_envp, .deadline = lh_deadline_in_ms(5000)}, &res);
    assert_exited(&res, 0);
    ck_assert_str_eq(res.out->str, "usr1-blocked=0\nterm-default=1\nusr1-default=1\n"
                                   "group-leader=1\n");
    lh_run_result_release(&res);
}
END_TEST

START_TEST(run_arguments_pass_unchanged)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *script = lh_test_write_script(dir, "args",
                                                   "for a in \"$@\"; do echo \"[$a]\"; done\n");
    const char *argv[] = {script, "two words", "", "$HOME", "`id`", "a;b", "*", NULL};
    lh_run_result res = LH_RUN_RESULT_INIT;

    /* No shell between us and the command: nothing is expanded or split. */
    lh_run(argv, &(lh_run_options){.envp = test_envp, .deadline = lh_deadline_in_ms(5000)},
           &res);
    assert_exited(&res, 0);
    ck_assert_str_eq(res.out->str, "[two words]\n[]\n[$HOME]\n[`id`]\n[a;b]\n[*]\n");
    lh_run_result_release(&res);
    lh_test_rmtree(dir);
}
END_TEST

/* ---- descriptions -------------------------------------------------------------- */

START_TEST(run_describe_texts)
{
    lh_run_result res = LH_RUN_RESULT_INIT;
    g_autofree char *killed = g_strdup_printf("was killed by signal %d (%s)", SIGKILL,
                                              g_strsignal(SIGKILL));
    g_autofree char *not_found = g_strdup_printf("could not start: %s", g_strerror(ENOENT));
    char *text;

    res.end = LH_RUN_EXITED;
    res.exit_code = 4;
    text = lh_run_describe(&res);
    ck_assert_str_eq(text, "returned 4");
    g_free(text);

    res.end = LH_RUN_SIGNALLED;
    res.term_signal = SIGKILL;
    text = lh_run_describe(&res);
    ck_assert_str_eq(text, killed);
    g_free(text);

    res.end = LH_RUN_TIMED_OUT;
    res.elapsed_ms = 5000;
    text = lh_run_describe(&res);
    ck_assert_msg(g_str_has_prefix(text, "timed out after 5000 ms"), "got '%s'", text);
    g_free(text);

    res.end = LH_RUN_NOT_STARTED;
    res.start_errno = ENOENT;
    text = lh_run_describe(&res);
    ck_assert_str_eq(text, not_found);
    g_free(text);
}
END_TEST

START_TEST(run_describe_a_real_run)
{
    const char *argv[] = {"/nonexistent/lhost/cmd", NULL};
    lh_run_result res = LH_RUN_RESULT_INIT;
    g_autofree char *text = NULL;

    lh_run(argv, &(lh_run_options){.envp = test_envp, .deadline = lh_deadline_in_ms(5000)},
           &res);
    text = lh_run_describe(&res);
    ck_assert_ptr_nonnull(strstr(text, g_strerror(ENOENT)));
    lh_run_result_release(&res);
    /* A released result is reusable and releasing twice is harmless. */
    lh_run_result_release(&res);
    ck_assert_ptr_null(res.out);
    ck_assert_ptr_null(res.err);
}
END_TEST

/* lh_argv_to_string() gives back what a shell would split into the same argv. */
static void assert_argv_round_trip(const char *const *argv)
{
    g_autofree char *text = lh_argv_to_string(argv);
    g_auto(GStrv) parsed = NULL;
    g_autoptr(GError) error = NULL;
    gsize n = 0;

    ck_assert_msg(g_shell_parse_argv(text, NULL, &parsed, &error), "'%s' does not parse: %s",
                  text, error != NULL ? error->message : "?");
    while (argv[n] != NULL) {
        n++;
    }
    ck_assert_uint_eq(g_strv_length(parsed), n);
    for (gsize i = 0; i < n; i++) {
        ck_assert_str_eq(parsed[i], argv[i]);
    }
}

START_TEST(run_argv_to_string_quotes_only_when_needed)
{
    const char *plain[] = {"/usr/bin/foo", "-h", "lhA", NULL};
    const char *spaced[] = {"/opt/jp1/bin/cmd", "two words", NULL};
    const char *empty[] = {"/bin/cmd", "", NULL};
    const char *hostile[] = {"/bin/cmd", "it's", "a\"b", "$HOME", "`x`", "a;b", "a|b", "a\\b",
                             "line\nbreak", "tab\there", "*", "?", "<in", ">out", "a&b", NULL};
    g_autofree char *plain_text = lh_argv_to_string(plain);
    g_autofree char *spaced_text = lh_argv_to_string(spaced);
    g_autofree char *empty_text = lh_argv_to_string(empty);

    ck_assert_str_eq(plain_text, "/usr/bin/foo -h lhA");
    /* Whatever the quoting style, an argument with a space stays one word... */
    ck_assert_ptr_nonnull(strstr(spaced_text, "two words"));
    ck_assert_str_ne(spaced_text, "/opt/jp1/bin/cmd two words");
    /* ... and an empty argument is still visible. */
    ck_assert_str_ne(empty_text, "/bin/cmd ");
    assert_argv_round_trip(plain);
    assert_argv_round_trip(spaced);
    assert_argv_round_trip(empty);
    assert_argv_round_trip(hostile);
}
END_TEST

int main(int argc, char **argv)
{
    Suite *s;

    if (argc > 2 && strcmp(argv[1], "--child") == 0) {
        return child_main(argc, argv);
    }
    s = suite_create("run");
    add_tcase(s, run_exit_codes_are_kept);
    add_tcase(s, run_signalled_is_not_an_exit_code);
    add_tcase(s, run_missing_command_is_not_started);
    add_tcase(s, run_not_executable_is_not_started);
    add_tcase(s, run_bare_name_is_found_on_the_path_of_envp);
    add_tcase(s, run_timeout_kills_the_whole_group);
    add_tcase(s, run_timeout_sigkills_what_ignores_sigterm);
    add_tcase(s, run_timeout_default_grace);
    add_tcase(s, run_passed_deadline_still_runs_nothing_long);
    add_tcase(s, run_daemon_left_behind_does_not_hold_us);
    add_tcase(s, run_chatty_daemon_does_not_hold_us);
    add_tcase(s, run_stdout_and_stderr_are_captured_apart);
    add_tcase_timeout(s, run_huge_output_is_bounded_and_does_not_block, 20);
    add_tcase(s, run_default_capture_bound);
    add_tcase(s, run_output_of_a_timed_out_command_is_kept);
    add_tcase(s, run_environment_is_exactly_envp);
    add_tcase(s, run_null_envp_is_an_empty_environment);
    add_tcase(s, run_stdin_is_dev_null);
    add_tcase(s, run_no_descriptor_leaks_into_the_child);
    add_tcase(s, run_child_starts_with_clean_signals_in_its_own_group);
    add_tcase(s, run_arguments_pass_unchanged);
    add_tcase(s, run_describe_texts);
    add_tcase(s, run_describe_a_real_run);
    add_tcase(s, run_argv_to_string_quotes_only_when_needed);
    return lh_test_run_suite(s);
}
