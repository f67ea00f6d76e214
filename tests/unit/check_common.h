/* check_common.h - what every lhost unit suite shares.
 *
 * A suite is a file of START_TEST functions and a main() of three lines:
 *
 *   Suite *s = suite_create("run");
 *   add_tcase(s, run_exit_code);          (one TCase per test: a crash names it)
 *   add_tcase_timeout(s, run_slow, 20);   (seconds, for the tests that wait)
 *   return lh_test_run_suite(s);
 *
 * Tests run in Check's fork mode (the default, CK_FORK unset): each test is its own
 * process, so a crash is reported against the test, and what a test changes in its
 * environment, descriptors or working directory dies with it. The suite prints
 * Check's normal summary and exits 0 when everything passed, 1 otherwise (automake's
 * test driver reads that).
 *
 * The helpers build fixtures at run time: private temporary directories, small
 * files, /bin/sh scripts with the executable bit, and the checks the process tests
 * need (the monotonic clock in ms, whether a process is gone). Every test gets a
 * directory of its own, made and removed by the runner's process around the test
 * (an unchecked fixture), so nothing is left in $TMPDIR even when a failed assertion
 * or a crash ends the test before its own clean-up.
 * Everything here is static inline: a suite uses what it needs, unused helpers cost
 * nothing and warn about nothing.
 */
#ifndef LHOST_CHECK_COMMON_H
#define LHOST_CHECK_COMMON_H

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

/* Check's own default (4 s) is short for the tests that wait for deadlines. */
#define LH_TEST_TIMEOUT_S 10

/* An environment for the commands the tests run: a PATH, nothing else. */
#define LH_TEST_PATH "PATH=/usr/local/bin:/usr/bin:/bin"

static inline void lh_test__make_base(void);
static inline void lh_test__remove_base(void);

/* Adds @test as a test case of its own, named after the test, with a timeout. */
static inline void lh_test_add_tcase(Suite *suite, const TTest *test, int timeout_s)
{
    TCase *tcase = tcase_create(test->name);

    tcase_add_unchecked_fixture(tcase, lh_test__make_base, lh_test__remove_base);
    tcase_set_timeout(tcase, timeout_s > 0 ? timeout_s : LH_TEST_TIMEOUT_S);
    tcase_add_test(tcase, test);
    suite_add_tcase(suite, tcase);
}

#define add_tcase(suite, test) lh_test_add_tcase((suite), (test), 0)
#define add_tcase_timeout(suite, test, timeout_s) lh_test_add_tcase((suite), (test), (timeout_s))

/* Runs the suite (verbosity from CK_VERBOSITY, normal by default); the exit status. */
static inline int lh_test_run_suite(Suite *suite)
{
    SRunner *runner = srunner_create(suite);
    int failed;

    srunner_run_all(runner, CK_ENV);
    failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* ---- time and processes ---------------------------------------------------- */

static inline gint64 lh_test_now_ms(void)
{
    return g_get_monotonic_time() / 1000;
}

/* TRUE when @pid no longer runs: no such process, or a zombie nobody reaped yet
 * (PID 1 of a container may reap lazily; a zombie runs nothing). */
static inline gboolean lh_test_process_gone(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int)pid);
    g_autofree char *stat_text = NULL;
    const char *state;

    if (!g_file_get_contents(path, &stat_text, NULL, NULL)) {
        return TRUE;
    }
    /* "pid (comm) S ...": comm may hold anything, the state follows the last ')'. */
    state = strrchr(stat_text, ')');
    if (state == NULL || state[1] == '\0') {
        return FALSE;
    }
    return state[2] == 'Z' || state[2] == 'X';
}

/* Waits up to @within_ms for @pid to be gone (a SIGKILL is delivered at once, but
 * the process still has to be scheduled to die); TRUE once it is. */
static inline gboolean lh_test_wait_gone(pid_t pid, gint64 within_ms)
{
    gint64 until = lh_test_now_ms() + within_ms;

    while (!lh_test_process_gone(pid)) {
        if (lh_test_now_ms() >= until) {
            return FALSE;
        }
        g_usleep(10 * 1000);
    }
    return TRUE;
}

/* ---- files and directories ------------------------------------------------- */

static inline int lh_test__rm_entry(const char *path, const struct stat *st, int type,
                                    struct FTW *ftw)
{
    /* A test may have taken permissions away: give them back to remove the tree. */
    if (type == FTW_DP) {
        chmod(path, 0700);
        rmdir(path);
    } else {
        unlink(path);
    }
    return 0;
}

static inline void lh_test_rmtree(const char *dir)
{
    if (dir != NULL) {
        nftw(dir, lh_test__rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    }
}

/* The directory of the running test, made before it starts and removed after it
 * ends, by the test runner's process: whatever the test leaves behind, even when an
 * assertion or a crash ends it early, goes with it. */
static inline char **lh_test__base(void)
{
    static char *base;

    return &base;
}

static inline void lh_test__make_base(void)
{
    const char *tmp = getenv("TMPDIR");
    char *base = g_build_filename(tmp != NULL && *tmp != '\0' ? tmp : "/tmp",
                                  "lhost-unit-XXXXXX", NULL);

    if (mkdtemp(base) == NULL) {
        g_free(base);
        base = NULL;
    }
    *lh_test__base() = base;
}

static inline void lh_test__remove_base(void)
{
    char **base = lh_test__base();

    lh_test_rmtree(*base);
    g_clear_pointer(base, g_free);
}

/* A new private directory for the test (the caller frees the path). It is removed
 * with the test's own directory at the latest; lh_test_rmtree() removes it earlier. */
static inline char *lh_test_tmpdir(void)
{
    const char *base = *lh_test__base();
    char *dir = g_build_filename(base != NULL ? base : "/tmp", "lhost-unit-XXXXXX", NULL);

    ck_assert_msg(mkdtemp(dir) != NULL, "cannot create %s: %s", dir, g_strerror(errno));
    return dir;
}

/* Writes @text to @path with @mode (the file is created or replaced). */
static inline void lh_test_write_file(const char *path, const char *text, mode_t mode)
{
    g_autoptr(GError) error = NULL;

    ck_assert_msg(g_file_set_contents(path, text, -1, &error), "cannot write %s: %s", path,
                  error != NULL ? error->message : "?");
    ck_assert_msg(chmod(path, mode) == 0, "cannot chmod %s: %s", path, g_strerror(errno));
}

/* The content of @path, or NULL when it cannot be read (the caller frees). */
static inline char *lh_test_read_file(const char *path)
{
    char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL)) {
        return NULL;
    }
    return text;
}

/* Writes the /bin/sh script @body as @dir/@name, executable; its path (caller frees). */
static inline char *lh_test_write_script(const char *dir, const char *name, const char *body)
{
    char *path = g_build_filename(dir, name, NULL);
    g_autofree char *text = g_strconcat("#!/bin/sh\n", body, NULL);

    lh_test_write_file(path, text, 0755);
    return path;
}

/* Waits up to @within_ms for @path to hold a complete line; its content, or NULL. */
static inline char *lh_test_wait_for_line(const char *path, gint64 within_ms)
{
    gint64 until = lh_test_now_ms() + within_ms;

    for (;;) {
        char *text = lh_test_read_file(path);

        if (text != NULL && strchr(text, '\n') != NULL) {
            return text;
        }
        g_free(text);
        if (lh_test_now_ms() >= until) {
            return NULL;
        }
        g_usleep(10 * 1000);
    }
}

/* The number of lines of @text equal to @line. */
static inline int lh_test_count_lines(const char *text, const char *line)
{
    g_auto(GStrv) lines = g_strsplit(text != NULL ? text : "", "\n", -1);
    int count = 0;

    for (gsize i = 0; lines[i] != NULL; i++) {
        count += strcmp(lines[i], line) == 0;
    }
    return count;
}

/* The number of non-overlapping occurrences of @needle in @text. */
static inline int lh_test_count(const char *text, const char *needle)
{
    size_t step = strlen(needle), len = strlen(text);
    int count = 0;

    for (size_t at = 0; step > 0 && at + step <= len;) {
        if (memcmp(text + at, needle, step) == 0) {
            count++;
            at += step;
        } else {
            at++;
        }
    }
    return count;
}

#endif
