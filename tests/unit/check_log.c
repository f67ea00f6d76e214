/* check_log.c - lhost/log.h: logging in resource-agents' conventions.
 *
 * Syslog itself is not observed here (a test must not depend on, or write into, the
 * host's journal): the tests turn it off with HA_LOGFACILITY=none and check the copy
 * on stderr that a person running the agent by hand gets, with stderr redirected to a
 * file inside the test's own process.
 */
#include "config.h"

#include <syslog.h>

#include <lhost/log.h>

#include "check_common.h"

/* ---- capturing stderr ------------------------------------------------------------ */

typedef struct capture {
    char *path;
    int saved_fd;
} capture;

static void capture_begin(capture *c)
{
    g_autofree char *dir = lh_test_tmpdir();
    int fd;

    c->path = g_build_filename(dir, "stderr", NULL);
    fflush(stderr);
    c->saved_fd = dup(STDERR_FILENO);
    fd = open(c->path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(dup2(fd, STDERR_FILENO), STDERR_FILENO);
    close(fd);
}

/* Ends the capture; what was written to stderr meanwhile (caller frees). */
static char *capture_end(capture *c)
{
    char *text;

    fflush(stderr);
    dup2(c->saved_fd, STDERR_FILENO);
    close(c->saved_fd);
    text = lh_test_read_file(c->path);
    ck_assert_ptr_nonnull(text);
    g_free(c->path);
    return text;
}

/* Opens the log with syslog off and the given HA_debug (NULL: unset). */
static void open_without_syslog(const char *tag, gboolean to_stderr, const char *ha_debug)
{
    g_setenv("HA_LOGFACILITY", "none", TRUE);
    if (ha_debug != NULL) {
        g_setenv("HA_debug", ha_debug, TRUE);
    } else {
        g_unsetenv("HA_debug");
    }
    lh_log_open(tag, to_stderr);
}

/* The line of @text that contains @needle, or NULL (caller frees). */
static char *line_with(const char *text, const char *needle)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

    for (gsize i = 0; lines[i] != NULL; i++) {
        if (strstr(lines[i], needle) != NULL) {
            return g_strdup(lines[i]);
        }
    }
    return NULL;
}

/* ---- facilities --------------------------------------------------------------------- */

START_TEST(log_facility_names)
{
    static const struct {
        const char *name;
        int facility;
    } known[] = {
        {"daemon", LOG_DAEMON}, {"user", LOG_USER},     {"local0", LOG_LOCAL0},
        {"local1", LOG_LOCAL1}, {"local2", LOG_LOCAL2}, {"local3", LOG_LOCAL3},
        {"local4", LOG_LOCAL4}, {"local5", LOG_LOCAL5}, {"local6", LOG_LOCAL6},
        {"local7", LOG_LOCAL7}, {"auth", LOG_AUTH},     {"authpriv", LOG_AUTHPRIV},
        {"syslog", LOG_SYSLOG},
    };
    static const char *const unknown[] = {
        "none", "", "local8", "daemons", "dae", "local", " daemon", "daemon ", "16",
    };

    for (gsize i = 0; i < G_N_ELEMENTS(known); i++) {
        ck_assert_msg(lh_log_facility(known[i].name) == known[i].facility, "%s: %d, expected %d",
                      known[i].name, lh_log_facility(known[i].name), known[i].facility);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(unknown); i++) {
        ck_assert_msg(lh_log_facility(unknown[i]) == -1, "'%s' is a facility", unknown[i]);
    }
    ck_assert_int_eq(lh_log_facility(NULL), -1);
}
END_TEST

/* ---- the copy on stderr ----------------------------------------------------------- */

START_TEST(log_warning_goes_to_stderr_with_the_tag)
{
    capture c;
    g_autofree char *text = NULL;
    g_autofree char *line = NULL;

    open_without_syslog("demo(rsc_demo)", TRUE, NULL);
    capture_begin(&c);
    lh_warn("cannot record the %s: %s", "last_start", "disk full");
    text = capture_end(&c);
    lh_log_close();
    line = line_with(text, "cannot record the last_start: disk full");
    ck_assert_msg(line != NULL, "the warning is not on stderr: '%s'", text);
    ck_assert_msg(strstr(line, "demo(rsc_demo)") != NULL, "no tag in '%s'", line);
    /* One message, one line. */
    ck_assert_int_eq(lh_test_count(text, "\n"), 1);
}
END_TEST

START_TEST(log_message_is_not_a_format)
{
    capture c;
    g_autofree char *text = NULL;

    open_without_syslog("demo(rsc_demo)", TRUE, NULL);
    capture_begin(&c);
    lh_warn("%s", "100%s done, %n%d");
    text = capture_end(&c);
    lh_log_close();
    ck_assert_ptr_nonnull(strstr(text, "100%s done, %n%d"));
}
END_TEST

START_TEST(log_stderr_off_writes_nothing)
{
    capture c;
    g_autofree char *text = NULL;

    open_without_syslog("demo(rsc_demo)", FALSE, "1");
    capture_begin(&c);
    lh_err("an error");
    lh_warn("a warning");
    lh_info("some information");
    lh_debug("a debug line");
    text = capture_end(&c);
    lh_log_close();
    ck_assert_str_eq(text, "");
}
END_TEST

START_TEST(log_debug_only_with_ha_debug)
{
    static const struct {
        const char *ha_debug;
        gboolean shown;
    } cases[] = {
        {NULL, FALSE}, {"0", FALSE}, {"", FALSE}, {"false", FALSE}, {"1", TRUE},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        capture c;
        g_autofree char *text = NULL;

        open_without_syslog("demo(rsc_demo)", TRUE, cases[i].ha_debug);
        capture_begin(&c);
        lh_debug("checking %s", "the status");
        lh_warn("a warning");
        text = capture_end(&c);
        lh_log_close();
        ck_assert_msg((strstr(text, "checking the status") != NULL) == cases[i].shown,
                      "HA_debug=%s: debug line %s",
                      cases[i].ha_debug ? cases[i].ha_debug : "(unset)",
                      cases[i].shown ? "missing" : "shown");
        /* Other lines do not depend on HA_debug. */
        ck_assert_ptr_nonnull(strstr(text, "a warning"));
    }
}
END_TEST

START_TEST(log_debug_line_has_the_tag)
{
    capture c;
    g_autofree char *text = NULL;
    g_autofree char *line = NULL;

    open_without_syslog("jp1base(rsc_jp1base)", TRUE, "1");
    capture_begin(&c);
    lh_debug("probe: %d", 8);
    text = capture_end(&c);
    lh_log_close();
    line = line_with(text, "probe: 8");
    ck_assert_ptr_nonnull(line);
    ck_assert_ptr_nonnull(strstr(line, "jp1base(rsc_jp1base)"));
}
END_TEST

START_TEST(log_reopen_changes_the_tag)
{
    capture c;
    g_autofree char *text = NULL;

    open_without_syslog("first(rsc_a)", TRUE, NULL);
    open_without_syslog("second(rsc_b)", TRUE, NULL);
    capture_begin(&c);
    lh_warn("after reopening");
    text = capture_end(&c);
    lh_log_close();
    ck_assert_ptr_nonnull(strstr(text, "second(rsc_b)"));
    ck_assert_ptr_null(strstr(text, "first(rsc_a)"));
}
END_TEST

START_TEST(log_before_open_and_after_close_is_harmless)
{
    /* A library function may log before the agent opened the log, or after. */
    g_unsetenv("HA_LOGFACILITY");
    lh_err("before open");
    lh_warn("before open");
    open_without_syslog("demo(rsc_demo)", FALSE, "1");
    lh_log_close();
    lh_log_close();
    lh_warn("after close");
    lh_debug("after close");
}
END_TEST

START_TEST(log_unknown_facility_turns_syslog_off)
{
    capture c;
    g_autofree char *text = NULL;

    /* A bogus HA_LOGFACILITY is no reason to fail: no syslog, the rest unchanged. */
    g_setenv("HA_LOGFACILITY", "no-such-facility", TRUE);
    g_unsetenv("HA_debug");
    lh_log_open("demo(rsc_demo)", TRUE);
    capture_begin(&c);
    lh_warn("unknown facility");
    text = capture_end(&c);
    lh_log_close();
    ck_assert_ptr_nonnull(strstr(text, "unknown facility"));
}
END_TEST

/* ---- HA_LOGFILE ------------------------------------------------------------------ */

/* Every message (debug only with HA_debug) is appended to HA_LOGFILE, one line each,
 * tagged, after what was there: as ocf_log does, so that an agent of ours and a
 * resource-agents agent log into one file in the order things happened. */
START_TEST(log_file_gets_every_line_appended)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = g_build_filename(dir, "ha.log", NULL);
    g_autofree char *text = NULL;
    g_autofree char *line = NULL;

    ck_assert(g_file_set_contents(path, "an earlier line\n", -1, NULL));
    g_setenv("HA_LOGFILE", path, TRUE);
    open_without_syslog("demo(rsc_demo)", FALSE, NULL);
    lh_info("started %s", "it");
    lh_err("an error");
    lh_debug("not without HA_debug");
    lh_log_close();
    g_unsetenv("HA_LOGFILE");
    text = lh_test_read_file(path);
    ck_assert_ptr_nonnull(text);
    ck_assert_int_eq(lh_test_count(text, "\n"), 3);
    ck_assert(g_str_has_prefix(text, "an earlier line\n"));
    line = line_with(text, "started it");
    ck_assert_ptr_nonnull(line);
    ck_assert_ptr_nonnull(strstr(line, "demo(rsc_demo)["));
    ck_assert_ptr_nonnull(strstr(line, "INFO: started it"));
    ck_assert_ptr_nonnull(strstr(text, "ERROR: an error\n"));
}
END_TEST

START_TEST(log_file_empty_means_none)
{
    g_setenv("HA_LOGFILE", "", TRUE);
    open_without_syslog("demo(rsc_demo)", FALSE, NULL);
    lh_info("nowhere to go"); /* must neither crash nor create a file named "" */
    lh_log_close();
    g_unsetenv("HA_LOGFILE");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("log");

    add_tcase(s, log_facility_names);
    add_tcase(s, log_warning_goes_to_stderr_with_the_tag);
    add_tcase(s, log_message_is_not_a_format);
    add_tcase(s, log_stderr_off_writes_nothing);
    add_tcase(s, log_debug_only_with_ha_debug);
    add_tcase(s, log_debug_line_has_the_tag);
    add_tcase(s, log_reopen_changes_the_tag);
    add_tcase(s, log_before_open_and_after_close_is_harmless);
    add_tcase(s, log_unknown_facility_turns_syslog_off);
    add_tcase(s, log_file_gets_every_line_appended);
    add_tcase(s, log_file_empty_means_none);
    return lh_test_run_suite(s);
}
