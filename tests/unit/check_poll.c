/* check_poll.c - lhost/poll.h: status checks with retries, polling with backoff.
 *
 * The status command is a /bin/sh script written at test time. It reads a list of
 * return codes from the file "codes" beside it and, on its Nth run, exits with the
 * Nth code (the last one once the list is used up); each run appends a line to
 * "runs", so the test counts runs and sees when they happened.
 */
#include "config.h"

#include <lhost/poll.h>

#include "check_common.h"

/* Timing tolerance (two suites may run at once on a small machine). */
#define SLACK_MS 400

static char *const test_envp[] = {(char *)LH_TEST_PATH, NULL};

static const lh_action minimal_actions[] = {{NULL, NULL, 0, 0}};
static const lh_agent minimal_agent = {.name = "polltest", .actions = minimal_actions};

static const lh_code status_codes[] = {
    {.rc = 0, .meaning = "running", .decision = LH_DECIDE_RUNNING},
    {.rc = 1, .meaning = "error", .decision = LH_DECIDE_FAILED,
     .if_shared_absent = LH_DECIDE_STOPPED},
    {.rc = 8, .meaning = "stopped", .decision = LH_DECIDE_STOPPED},
    {.rc = 12, .meaning = "retriable error", .decision = LH_DECIDE_RETRY},
};

static const lh_codemap status_map = {"fake_status", status_codes, G_N_ELEMENTS(status_codes), NULL};

#define STATUS_SCRIPT                                                            \
    "d=${0%/*}\n"                                                                \
    "n=0\n"                                                                      \
    "if [ -f \"$d/runs\" ]; then\n"                                              \
    "  while read -r line; do n=$((n + 1)); done < \"$d/runs\"\n"               \
    "fi\n"                                                                       \
    "echo \"run $n\" >> \"$d/runs\"\n"                                           \
    "read -r codes < \"$d/codes\"\n"                                             \
    "i=0\n"                                                                      \
    "for c in $codes; do\n"                                                      \
    "  rc=$c\n"                                                                  \
    "  if [ $i -eq $n ]; then break; fi\n"                                       \
    "  i=$((i + 1))\n"                                                           \
    "done\n"                                                                     \
    "exit $rc\n"

typedef struct fixture {
    char *dir;
    char *script;
    const char *argv[3];
} fixture;

/* A status command that will return @codes, one per run. */
static void fixture_init(fixture *f, const char *codes)
{
    g_autofree char *codes_file = NULL;
    g_autofree char *text = g_strconcat(codes, "\n", NULL);

    f->dir = lh_test_tmpdir();
    f->script = lh_test_write_script(f->dir, "fake_status", STATUS_SCRIPT);
    codes_file = g_build_filename(f->dir, "codes", NULL);
    lh_test_write_file(codes_file, text, 0644);
    f->argv[0] = f->script;
    f->argv[1] = "lhA";
    f->argv[2] = NULL;
}

static void fixture_release(fixture *f)
{
    lh_test_rmtree(f->dir);
    g_free(f->dir);
    g_free(f->script);
}

/* How many times the status command ran. */
static int fixture_runs(const fixture *f)
{
    g_autofree char *runs_file = g_build_filename(f->dir, "runs", NULL);
    g_autofree char *text = lh_test_read_file(runs_file);

    return text != NULL ? lh_test_count(text, "\n") : 0;
}

static lh_op make_op(const char *action, gint64 deadline_ms, gboolean probe)
{
    lh_op op = {
        .agent = &minimal_agent,
        .action = action,
        .resource = "rsc_test",
        .deadline = lh_deadline_in_ms(deadline_ms),
        .interval_ms = probe ? 0 : 10000,
        .probe = probe,
        .interactive = FALSE,
        .envp = (char **)test_envp,
    };

    return op;
}

static lh_status_cmd make_cmd(const fixture *f, int retries, gint64 interval_ms)
{
    lh_status_cmd cmd = {
        .argv = f->argv,
        .map = &status_map,
        .retries = retries,
        .retry_interval_ms = interval_ms,
        .run_timeout_ms = 0,
        .shared_dir = NULL,
    };

    return cmd;
}

/* ---- lh_status_check ------------------------------------------------------------ */

START_TEST(status_plain_answers)
{
    static const struct {
        const char *code;
        lh_ocf_code ocf;
    } cases[] = {
        {"0", LH_OCF_SUCCESS},
        {"8", LH_OCF_NOT_RUNNING},
        {"1", LH_OCF_ERR_GENERIC},
        {"77", LH_OCF_ERR_GENERIC}, /* undocumented */
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        fixture f;
        lh_op op = make_op("monitor", 10000, FALSE);
        lh_status_cmd cmd;
        lh_status st = LH_STATUS_INIT;

        fixture_init(&f, cases[i].code);
        cmd = make_cmd(&f, 2, 100);
        lh_status_check(&op, &cmd, LH_CONTEXT_MONITOR, &st);
        ck_assert_msg(st.verdict.settled, "rc %s unsettled", cases[i].code);
        ck_assert_msg(st.verdict.code == cases[i].ocf, "rc %s: %s", cases[i].code,
                      lh_ocf_code_name(st.verdict.code));
        ck_assert_int_eq(st.end, LH_RUN_EXITED);
        ck_assert_int_eq(st.rc, atoi(cases[i].code));
        ck_assert_int_eq(st.runs, 1);
        ck_assert_int_eq(fixture_runs(&f), 1);
        /* The summary names the command and says what the code means. */
        ck_assert_ptr_nonnull(st.summary);
        ck_assert_ptr_nonnull(strstr(st.summary, "fake_status"));
        ck_assert_ptr_nonnull(strstr(st.summary, st.verdict.meaning));
        lh_status_release(&st);
        ck_assert_ptr_null(st.summary);
        fixture_release(&f);
    }
}
END_TEST

START_TEST(status_retry_then_running)
{
    fixture f;
    lh_op op = make_op("monitor", 10000, FALSE);
    lh_status_cmd cmd;
    lh_status st = LH_STATUS_INIT;
    gint64 started = lh_test_now_ms(), elapsed;

    fixture_init(&f, "12 12 0");
    cmd = make_cmd(&f, 2, 200);
    lh_status_check(&op, &cmd, LH_CONTEXT_MONITOR, &st);
    elapsed = lh_test_now_ms() - started;
    ck_assert(st.verdict.settled);
    ck_assert_int_eq(st.verdict.code, LH_OCF_SUCCESS);
    ck_assert_int_eq(st.verdict.decision, LH_DECIDE_RUNNING);
    ck_assert_int_eq(st.runs, 3);
    ck_assert_int_eq(fixture_runs(&f), 3);
    ck_assert_int_eq(st.rc, 0);
    /* Two intervals were waited. */
    ck_assert_int_ge(elapsed, 2 * 200);
    ck_assert_int_le(elapsed, 2 * 200 + SLACK_MS);
    lh_status_release(&st);
    fixture_release(&f);
}
END_TEST

START_TEST(status_retries_exhausted_is_a_failure)
{
    fixture f;
    lh_op op = make_op("monitor", 10000, FALSE);
    lh_status_cmd cmd;
    lh_status st = LH_STATUS_INIT;

    fixture_init(&f, "12 12 12 12 12 0");
    cmd = make_cmd(&f, 2, 50);
    lh_status_check(&op, &cmd, LH_CONTEXT_MONITOR, &st);
    /* The first run and exactly two retries, then a failure. */
    ck_assert_int_eq(st.runs, 3);
    ck_assert_int_eq(fixture_runs(&f), 3);
    ck_assert(st.verdict.settled);
    ck_assert_int_eq(st.verdict.code, LH_OCF_ERR_GENERIC);
    ck_assert_int_eq(st.rc, 12);
    ck_assert_ptr_nonnull(strstr(st.summary, "3 run"));
    lh_status_release(&st);
    fixture_release(&f);
}
END_TEST

START_TEST(status_no_retries_configured)
{
    fixture f;
    lh_op op = make_op("monitor", 10000, TRUE);
    lh_status_cmd cmd;
    lh_status st = LH_STATUS_INIT;

    fixture_init(&f, "12 0");
    cmd = make_cmd(&f, 0, 50);
    lh_status_check(&op, &cmd, LH_CONTEXT_PROBE, &st);
    ck_assert_int_eq(st.runs, 1);
    ck_assert(st.verdict.settled);
    ck_assert_int_eq(st.verdict.code, LH_OCF_ERR_GENERIC);
    lh_status_release(&st);
    fixture_release(&f);
}
END_TEST

START_TEST(status_no_retries_in_start_and_stop)
{
    static const lh_context contexts[] = {LH_CONTEXT_START, LH_CONTEXT_STOP};

    for (gsize i = 0; i < G_N_ELEMENTS(contexts); i++) {
        fixture f;
        lh_op op = make_op(contexts[i] == LH_CONTEXT_START ? "start" : "stop", 10000, FALSE);
        lh_status_cmd cmd;
        lh_status st = LH_STATUS_INIT;

        fixture_init(&f, "12 0");
        cmd = make_cmd(&f, 5, 50);
        lh_status_check(&op, &cmd, contexts[i], &st);
        /* One run: the start or stop poll loop is the retry there. */
        ck_assert_int_eq(st.runs, 1);
        ck_assert_int_eq(fixture_runs(&f), 1);
        ck_assert_int_eq(st.verdict.decision, LH_DECIDE_RETRY);
        ck_assert(!st.verdict.settled);
        lh_status_release(&st);
        fixture_release(&f);
    }
}
END_TEST

START_TEST(status_retry_never_past_the_deadline)
{
    fixture f;
    lh_op op = make_op("monitor", 500, FALSE);
    lh_status_cmd cmd;
    lh_status st = LH_STATUS_INIT;
    gint64 started = lh_test_now_ms(), elapsed;

    fixture_init(&f, "12 12 12 0");
    /* A retry interval far longer than what the operation has left. */
    cmd = make_cmd(&f, 5, 3000);
    lh_status_check(&op, &cmd, LH_CONTEXT_MONITOR, &st);
    elapsed = lh_test_now_ms() - started;
    ck_assert_int_le(elapsed, 500 + SLACK_MS);
    ck_assert(st.verdict.settled);
    ck_assert_int_eq(st.verdict.code, LH_OCF_ERR_GENERIC);
    ck_assert_int_le(st.runs, 2);
    lh_status_release(&st);
    fixture_release(&f);
}
END_TEST

START_TEST(status_missing_command_is_not_here)
{
    const char *argv[] = {"/nonexistent/lhost/fake_status", "lhA", NULL};
    lh_status_cmd cmd = {.argv = argv, .map = &status_map, .retries = 3,
                         .retry_interval_ms = 50};
    lh_op monitor = make_op("monitor", 10000, FALSE);
    lh_op probe = make_op("monitor", 10000, TRUE);
    lh_status st = LH_STATUS_INIT;

    lh_status_check(&monitor, &cmd, LH_CONTEXT_MONITOR, &st);
    ck_assert_int_eq(st.end, LH_RUN_NOT_STARTED);
    ck_assert_int_eq(st.rc, -1);
    ck_assert_int_eq(st.runs, 1);
    ck_assert_int_eq(st.verdict.decision, LH_DECIDE_NOT_HERE);
    ck_assert(st.verdict.settled);
    ck_assert_int_eq(st.verdict.code, LH_OCF_ERR_INSTALLED);
    lh_status_release(&st);

    st = (lh_status)LH_STATUS_INIT;
    lh_status_check(&probe, &cmd, LH_CONTEXT_PROBE, &st);
    ck_assert(st.verdict.settled);
    ck_assert_int_eq(st.verdict.code, LH_OCF_NOT_RUNNING);
    lh_status_release(&st);
}
END_TEST

START_TEST(status_hanging_command_is_bounded)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *script = lh_test_write_script(dir, "hang", "exec sleep 1000\n");
    const char *argv[] = {script, NULL};
    lh_status_cmd cmd = {.argv = argv, .map = &status_map, .retries = 0,
                         .run_timeout_ms = 300};
    lh_op op = make_op("monitor", 10000, FALSE);
    lh_status st = LH_STATUS_INIT;
    gint64 started = lh_test_now_ms(), elapsed;

    lh_status_check(&op, &cmd, LH_CONTEXT_MONITOR, &st);
    elapsed = lh_test_now_ms() - started;
    ck_assert_int_eq(st.end, LH_RUN_TIMED_OUT);
    ck_assert_int_eq(st.rc, -1);
    ck_assert_int_ge(elapsed, 300);
    ck_assert_int_le(elapsed, 300 + LH_RUN_GRACE_DEFAULT_MS + SLACK_MS);
    ck_assert_int_eq(st.verdict.decision, LH_DECIDE_FAILED);
    ck_assert(st.verdict.settled);
    ck_assert_int_eq(st.verdict.code, LH_OCF_ERR_GENERIC);
    lh_status_release(&st);

    /* In a start, a hung check is one more reason to keep polling. */
    st = (lh_status)LH_STATUS_INIT;
    lh_status_check(&op, &cmd, LH_CONTEXT_START, &st);
    ck_assert_int_eq(st.end, LH_RUN_TIMED_OUT);
    ck_assert(!st.verdict.settled);
    lh_status_release(&st);
    lh_test_rmtree(dir);
}
END_TEST

START_TEST(status_shared_directory_case)
{
    fixture f;
    lh_op op = make_op("monitor", 10000, FALSE);
    lh_status_cmd cmd;
    lh_status st = LH_STATUS_INIT;
    g_autofree char *shared = NULL;
    g_autofree char *absent = NULL;

    fixture_init(&f, "1");
    shared = g_build_filename(f.dir, "shared", NULL);
    absent = g_build_filename(f.dir, "not-mounted", NULL);
    ck_assert_int_eq(mkdir(shared, 0755), 0);
    cmd = make_cmd(&f, 0, 50);

    /* rc 1 where the shared directory is: an error. */
    cmd.shared_dir = shared;
    lh_status_check(&op, &cmd, LH_CONTEXT_MONITOR, &st);
    ck_assert_int_eq(st.verdict.code, LH_OCF_ERR_GENERIC);
    lh_status_release(&st);

    /* rc 1 where it is absent: not running here, and the summary says why. */
    st = (lh_status)LH_STATUS_INIT;
    cmd.shared_dir = absent;
    lh_status_check(&op, &cmd, LH_CONTEXT_MONITOR, &st);
    ck_assert_int_eq(st.verdict.code, LH_OCF_NOT_RUNNING);
    ck_assert_ptr_nonnull(strstr(st.summary, "absent"));
    lh_status_release(&st);
    fixture_release(&f);
}
END_TEST

START_TEST(status_label_names_the_command)
{
    fixture f;
    lh_op op = make_op("monitor", 10000, FALSE);
    lh_status_cmd cmd;
    lh_status st = LH_STATUS_INIT;

    fixture_init(&f, "1");
    cmd = make_cmd(&f, 0, 50);
    cmd.label = "scheduler service AJSROOT1";
    lh_status_check(&op, &cmd, LH_CONTEXT_MONITOR, &st);
    ck_assert_int_eq(st.verdict.code, LH_OCF_ERR_GENERIC);
    /* The label says which of several checks of one command failed, in place of the
     * code map's command name. */
    ck_assert_msg(g_str_has_prefix(st.summary, "scheduler service AJSROOT1 returned 1"), "%s",
                  st.summary);
    ck_assert_msg(strstr(st.summary, "fake_status") == NULL, "%s", st.summary);
    ck_assert_ptr_nonnull(strstr(st.summary, "error"));
    lh_status_release(&st);

    /* Also in the summary of retries that ran out. */
    st = (lh_status)LH_STATUS_INIT;
    fixture_release(&f);
    fixture_init(&f, "12");
    cmd = make_cmd(&f, 1, 50);
    cmd.label = "scheduler service AJSROOT1";
    lh_status_check(&op, &cmd, LH_CONTEXT_MONITOR, &st);
    ck_assert_int_eq(st.runs, 2);
    ck_assert_msg(g_str_has_prefix(st.summary, "scheduler service AJSROOT1 returned 12"), "%s",
                  st.summary);
    ck_assert_ptr_nonnull(strstr(st.summary, "2 runs"));
    lh_status_release(&st);

    /* Without a label: the code map's command name. */
    st = (lh_status)LH_STATUS_INIT;
    cmd.label = NULL;
    lh_status_check(&op, &cmd, LH_CONTEXT_MONITOR, &st);
    ck_assert_msg(g_str_has_prefix(st.summary, "fake_status returned 12"), "%s", st.summary);
    ck_assert_ptr_null(strstr(st.summary, "AJSROOT1"));
    lh_status_release(&st);
    fixture_release(&f);
}
END_TEST

/* A status command that answers "running" only with JP1_HOSTNAME=lhA in its
 * environment, and writes what it saw of JP1_HOSTNAME and OP_ONLY to "env". */
#define ENV_STATUS_SCRIPT                                                             \
    "d=${0%/*}\n"                                                                     \
    "echo \"${JP1_HOSTNAME-unset} ${OP_ONLY-unset}\" > \"$d/env\"\n"                  \
    "[ \"${JP1_HOSTNAME-}\" = lhA ] && exit 0\n"                                      \
    "exit 8\n"

START_TEST(status_envp_of_its_own)
{
    static char *const op_envp[] = {(char *)LH_TEST_PATH, (char *)"OP_ONLY=1", NULL};
    static char *const cmd_envp[] = {(char *)LH_TEST_PATH, (char *)"JP1_HOSTNAME=lhA", NULL};
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *script = lh_test_write_script(dir, "env_status", ENV_STATUS_SCRIPT);
    g_autofree char *env_file = g_build_filename(dir, "env", NULL);
    const char *argv[] = {script, "lhA", NULL};
    lh_status_cmd cmd = {.argv = argv, .map = &status_map, .retries = 0};
    lh_op op = make_op("monitor", 10000, FALSE);
    lh_status st = LH_STATUS_INIT;
    char *seen;

    op.envp = (char **)op_envp;

    /* No environment of its own: the operation's. */
    lh_status_check(&op, &cmd, LH_CONTEXT_MONITOR, &st);
    ck_assert_int_eq(st.rc, 8);
    ck_assert_int_eq(st.verdict.code, LH_OCF_NOT_RUNNING);
    seen = lh_test_read_file(env_file);
    ck_assert_str_eq(seen, "unset 1\n");
    g_free(seen);
    lh_status_release(&st);

    /* Its own: that one alone, not added to the operation's. */
    st = (lh_status)LH_STATUS_INIT;
    cmd.envp = cmd_envp;
    lh_status_check(&op, &cmd, LH_CONTEXT_MONITOR, &st);
    ck_assert_int_eq(st.rc, 0);
    ck_assert_int_eq(st.verdict.code, LH_OCF_SUCCESS);
    seen = lh_test_read_file(env_file);
    ck_assert_str_eq(seen, "lhA unset\n");
    g_free(seen);
    lh_status_release(&st);
    lh_test_rmtree(dir);
}
END_TEST

/* ---- lh_poll ---------------------------------------------------------------------- */

typedef struct step_log {
    int calls;
    int settle_at;   /* the call that returns TRUE; 0: never */
    gint64 at_ms[64];
} step_log;

static gboolean logging_step(lh_op *op, gpointer data)
{
    step_log *log = data;

    if (log->calls < (int)G_N_ELEMENTS(log->at_ms)) {
        log->at_ms[log->calls] = lh_test_now_ms();
    }
    log->calls++;
    return log->settle_at > 0 && log->calls >= log->settle_at;
}

START_TEST(poll_settles_early)
{
    lh_op op = make_op("start", 10000, FALSE);
    step_log log = {0, 3, {0}};
    gint64 started = lh_test_now_ms(), elapsed;

    ck_assert(lh_poll(&op, lh_deadline_in_ms(5000), LH_POLL_MAX_SLEEP_MS, logging_step, &log));
    elapsed = lh_test_now_ms() - started;
    ck_assert_int_eq(log.calls, 3);
    /* The first check at once, then the documented backoff: 100 ms, 200 ms. */
    ck_assert_int_le(log.at_ms[0] - started, 50);
    ck_assert_int_ge(elapsed, LH_POLL_FIRST_SLEEP_MS * 3);
    ck_assert_int_le(elapsed, LH_POLL_FIRST_SLEEP_MS * 3 + SLACK_MS);
}
END_TEST

START_TEST(poll_settled_at_once_does_not_sleep)
{
    lh_op op = make_op("start", 10000, FALSE);
    step_log log = {0, 1, {0}};
    gint64 started = lh_test_now_ms();

    ck_assert(lh_poll(&op, lh_deadline_in_ms(5000), LH_POLL_MAX_SLEEP_MS, logging_step, &log));
    ck_assert_int_eq(log.calls, 1);
    ck_assert_int_lt(lh_test_now_ms() - started, LH_POLL_FIRST_SLEEP_MS);
}
END_TEST

START_TEST(poll_gives_up_at_the_deadline)
{
    lh_op op = make_op("stop", 10000, FALSE);
    step_log log = {0, 0, {0}};
    gint64 started = lh_test_now_ms(), elapsed;

    ck_assert(!lh_poll(&op, lh_deadline_in_ms(1000), LH_POLL_MAX_SLEEP_MS, logging_step, &log));
    elapsed = lh_test_now_ms() - started;
    ck_assert_int_ge(elapsed, 1000);
    ck_assert_int_le(elapsed, 1000 + 100);
    /* It kept checking until the last sleep before the deadline... */
    ck_assert_int_ge(log.at_ms[log.calls - 1] - started, 1000 - LH_POLL_MAX_SLEEP_MS);
    ck_assert_int_ge(log.calls, 4);
    /* ... and started no check once the deadline had passed. */
    ck_assert_int_lt(log.at_ms[log.calls - 1] - started, 1000);
}
END_TEST

START_TEST(poll_backoff_grows_to_the_cap)
{
    lh_op op = make_op("start", 10000, FALSE);
    step_log log = {0, 0, {0}};
    gint64 started = lh_test_now_ms();
    const gint64 cap = 400;

    /* Over 2 s: 0, 100, 300, 700, 1100, 1500, 1900 -> 7 calls (8 if one more at the
     * deadline). Without backoff (every 100 ms) it would be 20, at the cap 5. */
    ck_assert(!lh_poll(&op, lh_deadline_in_ms(2000), cap, logging_step, &log));
    ck_assert_msg(log.calls >= 7 && log.calls <= 9, "%d calls in 2 s", log.calls);
    ck_assert_int_le(log.at_ms[0] - started, 50);
    /* The first sleep is the documented first sleep... */
    ck_assert_int_ge(log.at_ms[1] - log.at_ms[0], LH_POLL_FIRST_SLEEP_MS);
    ck_assert_int_le(log.at_ms[1] - log.at_ms[0], LH_POLL_FIRST_SLEEP_MS + 80);
    /* ... each doubles... */
    ck_assert_int_ge(log.at_ms[2] - log.at_ms[1], 2 * LH_POLL_FIRST_SLEEP_MS);
    ck_assert_int_ge(log.at_ms[3] - log.at_ms[2], 4 * LH_POLL_FIRST_SLEEP_MS);
    /* ... up to the cap, never beyond. */
    for (int i = 1; i < log.calls; i++) {
        ck_assert_int_le(log.at_ms[i] - log.at_ms[i - 1], cap + 80);
    }
}
END_TEST

/* ---- small helpers ------------------------------------------------------------------ */

START_TEST(sleep_within_a_far_deadline)
{
    gint64 started = lh_test_now_ms(), elapsed;

    ck_assert(lh_sleep_within(lh_deadline_in_ms(5000), 150));
    elapsed = lh_test_now_ms() - started;
    ck_assert_int_ge(elapsed, 150);
    ck_assert_int_le(elapsed, 150 + 100);
    ck_assert(lh_sleep_within(LH_DEADLINE_NEVER, 10));
}
END_TEST

START_TEST(sleep_within_is_cut_by_the_deadline)
{
    gint64 started = lh_test_now_ms(), elapsed;

    ck_assert(!lh_sleep_within(lh_deadline_in_ms(150), 5000));
    elapsed = lh_test_now_ms() - started;
    ck_assert_int_ge(elapsed, 150 - 5);
    ck_assert_int_le(elapsed, 150 + 100);
    /* Already passed: no sleep at all. */
    started = lh_test_now_ms();
    ck_assert(!lh_sleep_within(lh_deadline_in_ms(0), 5000));
    ck_assert_int_le(lh_test_now_ms() - started, 20);
}
END_TEST

START_TEST(dir_present)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *file = g_build_filename(dir, "file", NULL);
    g_autofree char *link = g_build_filename(dir, "link", NULL);
    g_autofree char *dangling = g_build_filename(dir, "dangling", NULL);
    g_autofree char *missing = g_build_filename(dir, "missing", NULL);

    lh_test_write_file(file, "x", 0644);
    ck_assert_int_eq(symlink(dir, link), 0);
    ck_assert_int_eq(symlink(missing, dangling), 0);
    ck_assert(lh_dir_present(dir));
    ck_assert(lh_dir_present("/"));
    ck_assert(lh_dir_present(link)); /* a mount point reached through a link is there */
    ck_assert(!lh_dir_present(file));
    ck_assert(!lh_dir_present(missing));
    ck_assert(!lh_dir_present(dangling));
    ck_assert(!lh_dir_present(""));
    ck_assert(!lh_dir_present(NULL));
    lh_test_rmtree(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("poll");

    add_tcase(s, status_plain_answers);
    add_tcase(s, status_retry_then_running);
    add_tcase(s, status_retries_exhausted_is_a_failure);
    add_tcase(s, status_no_retries_configured);
    add_tcase(s, status_no_retries_in_start_and_stop);
    add_tcase(s, status_retry_never_past_the_deadline);
    add_tcase(s, status_missing_command_is_not_here);
    add_tcase(s, status_hanging_command_is_bounded);
    add_tcase(s, status_shared_directory_case);
    add_tcase(s, status_label_names_the_command);
    add_tcase(s, status_envp_of_its_own);
    add_tcase(s, poll_settles_early);
    add_tcase(s, poll_settled_at_once_does_not_sleep);
    add_tcase(s, poll_gives_up_at_the_deadline);
    add_tcase(s, poll_backoff_grows_to_the_cap);
    add_tcase(s, sleep_within_a_far_deadline);
    add_tcase(s, sleep_within_is_cut_by_the_deadline);
    add_tcase(s, dir_present);
    return lh_test_run_suite(s);
}
