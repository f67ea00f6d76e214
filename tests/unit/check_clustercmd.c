/* check_clustercmd.c - lhost/clustercmd.h: start, stop and monitor of a product
 * driven by cluster commands (the JP1 contract).
 *
 * The product is four /bin/sh scripts written at test time into a private directory,
 * playing start, stop, forced termination and status commands. Files in that
 * directory drive them:
 *   running         the product runs (start creates it, stop and kill remove it)
 *   log             every command appends "<command> <logical host>"
 *   start.rc        the start command's exit code (default 0)
 *   start.delay     start returns at once, the product runs 300 ms later
 *   stop.rc         the stop command's exit code (default 0)
 *   stop.sticky, kill.sticky   that command leaves the product running
 *   stop.hang       the stop command hangs
 *   status.codes    the status command's codes, one per run (default: 0 when
 *                   running, 8 when not)
 * so each test says what the product does and checks what the agent concludes and
 * which commands it ran, in which order.
 */
#include "config.h"

#include <lhost/clustercmd.h>

#include "check_common.h"

#define SLACK_MS 400

static char *const test_envp[] = {(char *)LH_TEST_PATH, NULL};

static const lh_action minimal_actions[] = {{NULL, NULL, 0, 0}};
static const lh_agent minimal_agent = {.name = "clustertest", .actions = minimal_actions};

static const lh_code demo_codes[] = {
    {.rc = 0, .meaning = "all running", .decision = LH_DECIDE_RUNNING},
    {.rc = 1, .meaning = "error", .decision = LH_DECIDE_FAILED,
     .if_shared_absent = LH_DECIDE_STOPPED},
    {.rc = 3, .meaning = "stopped normally", .decision = LH_DECIDE_FAILED,
     .when_stopping = LH_DECIDE_STOPPED},
    {.rc = 4, .meaning = "some processes stopped", .decision = LH_DECIDE_PARTIAL},
    {.rc = 5, .meaning = "not set up on this node", .decision = LH_DECIDE_NOT_HERE},
    {.rc = 8, .meaning = "all stopped", .decision = LH_DECIDE_STOPPED},
    {.rc = 12, .meaning = "retriable error", .decision = LH_DECIDE_RETRY},
};

static const lh_codemap demo_map = {"demo_status", demo_codes, G_N_ELEMENTS(demo_codes), NULL};
static const lh_codemap demo_db_map = {"demo_db_status", demo_codes, G_N_ELEMENTS(demo_codes), NULL};

/* Reads the Nth code (N = runs so far, counted in <name>.runs) of <name>.codes. */
#define CODES_FROM_FILE(name)                                                   \
    "if [ -f \"$d/" name ".codes\" ]; then\n"                                   \
    "  n=0\n"                                                                   \
    "  if [ -f \"$d/" name ".runs\" ]; then\n"                                  \
    "    while read -r l; do n=$((n + 1)); done < \"$d/" name ".runs\"\n"      \
    "  fi\n"                                                                    \
    "  echo run >> \"$d/" name ".runs\"\n"                                      \
    "  read -r codes < \"$d/" name ".codes\"\n"                                 \
    "  i=0\n"                                                                   \
    "  for c in $codes; do rc=$c; [ $i -eq $n ] && break; i=$((i + 1)); done\n" \
    "  exit $rc\n"                                                              \
    "fi\n"

static const char status_body[] =
    "d=${0%/*}\n"
    "echo \"status $1\" >> \"$d/log\"\n"
    CODES_FROM_FILE("status")
    "[ -f \"$d/running\" ] && exit 0\n"
    "exit 8\n";

static const char db_status_body[] =
    "d=${0%/*}\n"
    "echo \"db_status $1\" >> \"$d/log\"\n"
    CODES_FROM_FILE("db_status")
    "exit 0\n";

static const char start_body[] =
    "d=${0%/*}\n"
    "echo \"start $1\" >> \"$d/log\"\n"
    "rc=0\n"
    "[ -f \"$d/start.rc\" ] && read -r rc < \"$d/start.rc\"\n"
    "if [ -f \"$d/start.delay\" ]; then\n"
    "  (sleep 0.3; : > \"$d/running\") > /dev/null 2>&1 &\n"
    "elif [ \"$rc\" = 0 ]; then\n"
    "  : > \"$d/running\"\n"
    "fi\n"
    "exit $rc\n";

static const char stop_body[] =
    "d=${0%/*}\n"
    "echo \"stop $1\" >> \"$d/log\"\n"
    "[ -f \"$d/stop.hang\" ] && exec sleep 1000\n"
    "[ -f \"$d/stop.sticky\" ] || rm -f \"$d/running\"\n"
    "rc=0\n"
    "[ -f \"$d/stop.rc\" ] && read -r rc < \"$d/stop.rc\"\n"
    "exit $rc\n";

static const char kill_body[] =
    "d=${0%/*}\n"
    "echo \"kill $1\" >> \"$d/log\"\n"
    "[ -f \"$d/kill.sticky\" ] || rm -f \"$d/running\"\n"
    "exit 0\n";

typedef struct fixture {
    char *dir;
    char *shared;
    char *start, *stop, *kill, *status, *db_status;
    const char *status_argv[3];
    const char *db_status_argv[3];
    lh_status_cmd status_cmds[2];
    lh_clustercmd product;
    lh_op op;
} fixture;

static void fixture_init(fixture *f, gint64 deadline_ms)
{
    memset(f, 0, sizeof(*f));
    f->dir = lh_test_tmpdir();
    f->shared = g_build_filename(f->dir, "shared", NULL);
    ck_assert_int_eq(mkdir(f->shared, 0755), 0);
    f->start = lh_test_write_script(f->dir, "start_cmd", start_body);
    f->stop = lh_test_write_script(f->dir, "stop_cmd", stop_body);
    f->kill = lh_test_write_script(f->dir, "kill_cmd", kill_body);
    f->status = lh_test_write_script(f->dir, "status_cmd", status_body);
    f->db_status = lh_test_write_script(f->dir, "db_status_cmd", db_status_body);
    f->status_argv[0] = f->status;
    f->status_argv[1] = "lhA";
    f->db_status_argv[0] = f->db_status;
    f->db_status_argv[1] = "lhA";
    f->status_cmds[0] = (lh_status_cmd){.argv = f->status_argv, .map = &demo_map, .retries = 1,
                                        .retry_interval_ms = 50, .run_timeout_ms = 2000,
                                        .shared_dir = f->shared};
    f->status_cmds[1] = (lh_status_cmd){.argv = f->db_status_argv, .map = &demo_db_map,
                                        .retries = 0, .run_timeout_ms = 2000,
                                        .shared_dir = f->shared};
    f->product = (lh_clustercmd){
        .product = "Demo",
        .logical_host = "lhA",
        .shared_dir = f->shared,
        .start_cmd = f->start,
        .stop_cmd = f->stop,
        .kill_cmd = f->kill,
        .status = f->status_cmds,
        .n_status = 1,
        .command_timeout_ms = 0,
    };
    f->op = (lh_op){
        .agent = &minimal_agent,
        .action = "monitor",
        .resource = "rsc_demo",
        .deadline = lh_deadline_in_ms(deadline_ms),
        .interval_ms = 10000,
        .probe = FALSE,
        .interactive = FALSE,
        .envp = (char **)test_envp,
    };
}

static void fixture_release(fixture *f)
{
    lh_test_rmtree(f->dir);
    g_free(f->dir);
    g_free(f->shared);
    g_free(f->start);
    g_free(f->stop);
    g_free(f->kill);
    g_free(f->status);
    g_free(f->db_status);
}

/* Creates (or, with NULL, removes) the driving file @name. */
static void fixture_set(const fixture *f, const char *name, const char *content)
{
    g_autofree char *path = g_build_filename(f->dir, name, NULL);

    if (content == NULL) {
        unlink(path);
    } else {
        lh_test_write_file(path, content, 0644);
    }
}

static gboolean fixture_running(const fixture *f)
{
    g_autofree char *path = g_build_filename(f->dir, "running", NULL);

    return g_file_test(path, G_FILE_TEST_EXISTS);
}

/* The commands run so far, one "<command> <host>" per line. */
static char *fixture_log(const fixture *f)
{
    g_autofree char *path = g_build_filename(f->dir, "log", NULL);
    char *text = lh_test_read_file(path);

    return text != NULL ? text : g_strdup("");
}

static int fixture_count(const fixture *f, const char *line)
{
    g_autofree char *log = fixture_log(f);

    return lh_test_count_lines(log, line);
}

/* The line number (from 0) of the first @line in the log, -1 when absent. */
static int fixture_first(const fixture *f, const char *line)
{
    g_autofree char *log = fixture_log(f);
    g_auto(GStrv) lines = g_strsplit(log, "\n", -1);

    for (int i = 0; lines[i] != NULL; i++) {
        if (strcmp(lines[i], line) == 0) {
            return i;
        }
    }
    return -1;
}

static void set_action(fixture *f, const char *action, gboolean probe)
{
    f->op.action = action;
    f->op.probe = probe;
    f->op.interval_ms = probe || strcmp(action, "monitor") != 0 ? 0 : 10000;
}

static void assert_result(lh_result *r, lh_ocf_code code)
{
    ck_assert_msg(r->code == code, "%s (%s), expected %s", lh_ocf_code_name(r->code),
                  r->reason ? r->reason : "no reason", lh_ocf_code_name(code));
}

/* ---- monitor ---------------------------------------------------------------------- */

START_TEST(monitor_running)
{
    fixture f;
    lh_result r;

    fixture_init(&f, 5000);
    fixture_set(&f, "running", "");
    r = lh_clustercmd_monitor(&f.op, &f.product);
    assert_result(&r, LH_OCF_SUCCESS);
    ck_assert_ptr_null(r.reason);
    ck_assert_int_eq(fixture_count(&f, "status lhA"), 1);
    lh_result_clear(&r);
    fixture_release(&f);
}
END_TEST

START_TEST(monitor_stopped_and_probe)
{
    fixture f;
    lh_result r;

    fixture_init(&f, 5000);
    r = lh_clustercmd_monitor(&f.op, &f.product);
    assert_result(&r, LH_OCF_NOT_RUNNING);
    /* A recurring monitor finding it stopped says so. */
    ck_assert_ptr_nonnull(r.reason);
    ck_assert_ptr_nonnull(strstr(r.reason, "lhA"));
    lh_result_clear(&r);

    /* A probe on a node that does not run it: routine, nothing to alarm anyone. */
    set_action(&f, "monitor", TRUE);
    r = lh_clustercmd_monitor(&f.op, &f.product);
    assert_result(&r, LH_OCF_NOT_RUNNING);
    ck_assert_ptr_null(r.reason);
    lh_result_clear(&r);
    /* Monitoring never starts or stops anything. */
    ck_assert_int_eq(fixture_count(&f, "start lhA"), 0);
    ck_assert_int_eq(fixture_count(&f, "stop lhA"), 0);
    ck_assert_int_eq(fixture_count(&f, "kill lhA"), 0);
    fixture_release(&f);
}
END_TEST

START_TEST(monitor_partial_is_a_failure_with_a_reason)
{
    fixture f;
    lh_result r;

    fixture_init(&f, 5000);
    fixture_set(&f, "status.codes", "4\n");
    r = lh_clustercmd_monitor(&f.op, &f.product);
    assert_result(&r, LH_OCF_ERR_GENERIC);
    ck_assert_ptr_nonnull(r.reason);
    ck_assert_ptr_nonnull(strstr(r.reason, "Demo"));
    ck_assert_ptr_nonnull(strstr(r.reason, "lhA"));
    ck_assert_ptr_nonnull(strstr(r.reason, "some processes stopped"));
    lh_result_clear(&r);
    fixture_release(&f);
}
END_TEST

START_TEST(monitor_retries_a_transient_answer)
{
    fixture f;
    lh_result r;

    fixture_init(&f, 5000);
    fixture_set(&f, "status.codes", "12 0\n");
    r = lh_clustercmd_monitor(&f.op, &f.product);
    assert_result(&r, LH_OCF_SUCCESS);
    ck_assert_int_eq(fixture_count(&f, "status lhA"), 2);
    lh_result_clear(&r);
    fixture_release(&f);
}
END_TEST

START_TEST(monitor_missing_status_command)
{
    fixture f;
    lh_result r;

    fixture_init(&f, 5000);
    f.status_argv[0] = "/nonexistent/lhost/status_cmd";
    r = lh_clustercmd_monitor(&f.op, &f.product);
    assert_result(&r, LH_OCF_ERR_INSTALLED);
    ck_assert_ptr_nonnull(r.reason);
    lh_result_clear(&r);
    set_action(&f, "monitor", TRUE);
    r = lh_clustercmd_monitor(&f.op, &f.product);
    assert_result(&r, LH_OCF_NOT_RUNNING);
    lh_result_clear(&r);
    fixture_release(&f);
}
END_TEST

START_TEST(monitor_passive_node)
{
    fixture f;
    lh_result r;

    fixture_init(&f, 5000);
    fixture_set(&f, "status.codes", "1\n");
    /* With the shared disk here, rc 1 is an error... */
    r = lh_clustercmd_monitor(&f.op, &f.product);
    assert_result(&r, LH_OCF_ERR_GENERIC);
    lh_result_clear(&r);
    /* ... on the node without it, the product is simply not running here. */
    ck_assert_int_eq(rmdir(f.shared), 0);
    set_action(&f, "monitor", TRUE);
    r = lh_clustercmd_monitor(&f.op, &f.product);
    assert_result(&r, LH_OCF_NOT_RUNNING);
    lh_result_clear(&r);
    fixture_release(&f);
}
END_TEST

START_TEST(monitor_every_status_command_must_agree)
{
    fixture f;
    lh_result r;

    fixture_init(&f, 5000);
    f.product.n_status = 2;
    fixture_set(&f, "running", "");
    fixture_set(&f, "db_status.codes", "0 8 8\n");
    r = lh_clustercmd_monitor(&f.op, &f.product);
    assert_result(&r, LH_OCF_SUCCESS);
    lh_result_clear(&r);

    /* The second says stopped after the first said running: the product runs here,
     * broken (clustercmd.h), and the reason says which command said so. */
    r = lh_clustercmd_monitor(&f.op, &f.product);
    assert_result(&r, LH_OCF_ERR_GENERIC);
    ck_assert_ptr_nonnull(r.reason);
    ck_assert_ptr_nonnull(strstr(r.reason, "demo_db_status"));
    ck_assert_ptr_nonnull(strstr(r.reason, "while the product runs on this node"));
    lh_result_clear(&r);

    /* In a probe too: "not running" would let the cluster start a second copy. */
    set_action(&f, "monitor", TRUE);
    r = lh_clustercmd_monitor(&f.op, &f.product);
    assert_result(&r, LH_OCF_ERR_GENERIC);
    ck_assert_ptr_nonnull(strstr(r.reason, "while the product runs on this node"));
    lh_result_clear(&r);

    /* The first says stopped: the product is not running, the second is not even
     * asked. */
    set_action(&f, "monitor", FALSE);
    fixture_set(&f, "running", NULL);
    r = lh_clustercmd_monitor(&f.op, &f.product);
    assert_result(&r, LH_OCF_NOT_RUNNING);
    ck_assert_ptr_nonnull(strstr(r.reason, "demo_status"));
    ck_assert_ptr_null(strstr(r.reason, "demo_db_status"));
    ck_assert_ptr_null(strstr(r.reason, "while the product runs"));
    ck_assert_int_eq(fixture_count(&f, "db_status lhA"), 3);
    lh_result_clear(&r);
    fixture_release(&f);
}
END_TEST

/* clustercmd.h: the first status command says whether anything runs here; a later
 * one runs only after it said "running". A probe's "not installed here" from that
 * later one must not read "not running", or the cluster would start a second copy
 * elsewhere. */
START_TEST(monitor_probe_not_here_from_a_health_check_is_a_failure)
{
    fixture f;
    lh_result r;

    fixture_init(&f, 5000);
    f.product.n_status = 2;
    set_action(&f, "monitor", TRUE);
    fixture_set(&f, "running", "");
    /* The health check's code map says "not set up on this node"... */
    fixture_set(&f, "db_status.codes", "5\n");
    r = lh_clustercmd_monitor(&f.op, &f.product);
    assert_result(&r, LH_OCF_ERR_GENERIC);
    ck_assert_ptr_nonnull(r.reason);
    ck_assert_msg(strstr(r.reason, "while the product runs on this node") != NULL, "%s",
                  r.reason);
    ck_assert_ptr_nonnull(strstr(r.reason, "demo_db_status"));
    ck_assert_ptr_nonnull(strstr(r.reason, "not set up on this node"));
    ck_assert_ptr_nonnull(strstr(r.reason, "lhA"));
    lh_result_clear(&r);

    /* ... or the health check is not installed at all. */
    f.db_status_argv[0] = "/nonexistent/lhost/db_status_cmd";
    r = lh_clustercmd_monitor(&f.op, &f.product);
    assert_result(&r, LH_OCF_ERR_GENERIC);
    ck_assert_ptr_nonnull(r.reason);
    ck_assert_msg(strstr(r.reason, "while the product runs on this node") != NULL, "%s",
                  r.reason);
    lh_result_clear(&r);
    ck_assert_int_eq(fixture_count(&f, "status lhA"), 2);
    fixture_release(&f);
}
END_TEST

START_TEST(monitor_probe_not_here_from_the_first_check_is_not_running)
{
    fixture f;
    lh_result r;

    fixture_init(&f, 5000);
    f.product.n_status = 2;
    set_action(&f, "monitor", TRUE);
    fixture_set(&f, "status.codes", "5\n");
    r = lh_clustercmd_monitor(&f.op, &f.product);
    assert_result(&r, LH_OCF_NOT_RUNNING);
    ck_assert_ptr_null(r.reason);
    lh_result_clear(&r);

    f.status_argv[0] = "/nonexistent/lhost/status_cmd";
    r = lh_clustercmd_monitor(&f.op, &f.product);
    assert_result(&r, LH_OCF_NOT_RUNNING);
    ck_assert_ptr_null(r.reason);
    lh_result_clear(&r);
    /* The health check never ran. */
    ck_assert_int_eq(fixture_count(&f, "db_status lhA"), 0);
    fixture_release(&f);
}
END_TEST

START_TEST(monitor_recurring_not_here_stays_not_installed)
{
    fixture f;
    lh_result r;

    fixture_init(&f, 5000);
    f.product.n_status = 2;
    fixture_set(&f, "running", "");
    /* From the health check of a running product... */
    fixture_set(&f, "db_status.codes", "5\n");
    r = lh_clustercmd_monitor(&f.op, &f.product);
    assert_result(&r, LH_OCF_ERR_INSTALLED);
    ck_assert_ptr_nonnull(r.reason);
    ck_assert_ptr_nonnull(strstr(r.reason, "demo_db_status"));
    ck_assert_ptr_null(strstr(r.reason, "while the product runs"));
    lh_result_clear(&r);

    /* ... and from the first check. */
    fixture_set(&f, "status.codes", "5\n");
    r = lh_clustercmd_monitor(&f.op, &f.product);
    assert_result(&r, LH_OCF_ERR_INSTALLED);
    ck_assert_ptr_null(strstr(r.reason, "while the product runs"));
    lh_result_clear(&r);
    fixture_release(&f);
}
END_TEST

/* ---- lh_clustercmd_check --------------------------------------------------------- */

START_TEST(check_returns_the_deciding_index)
{
    fixture f;
    lh_status st = LH_STATUS_INIT;

    fixture_init(&f, 5000);
    f.product.n_status = 2;
    fixture_set(&f, "db_status.codes", "8 0\n");

    /* The first says stopped: it decided. */
    ck_assert_uint_eq(lh_clustercmd_check(&f.op, &f.product, LH_CONTEXT_MONITOR, &st), 0);
    ck_assert_int_eq(st.verdict.decision, LH_DECIDE_STOPPED);
    ck_assert_ptr_nonnull(strstr(st.summary, "demo_status"));
    ck_assert_int_eq(fixture_count(&f, "db_status lhA"), 0);

    /* The first says running, the second stopped: the second decided. */
    fixture_set(&f, "running", "");
    ck_assert_uint_eq(lh_clustercmd_check(&f.op, &f.product, LH_CONTEXT_MONITOR, &st), 1);
    ck_assert_int_eq(st.verdict.decision, LH_DECIDE_STOPPED);
    ck_assert_ptr_nonnull(strstr(st.summary, "demo_db_status"));

    /* Both say running: the last gave the status. */
    ck_assert_uint_eq(lh_clustercmd_check(&f.op, &f.product, LH_CONTEXT_MONITOR, &st), 1);
    ck_assert_int_eq(st.verdict.code, LH_OCF_SUCCESS);
    ck_assert_ptr_nonnull(strstr(st.summary, "demo_db_status"));

    /* One status command: always that one. */
    f.product.n_status = 1;
    ck_assert_uint_eq(lh_clustercmd_check(&f.op, &f.product, LH_CONTEXT_MONITOR, &st), 0);
    ck_assert_int_eq(st.verdict.code, LH_OCF_SUCCESS);
    fixture_set(&f, "running", NULL);
    ck_assert_uint_eq(lh_clustercmd_check(&f.op, &f.product, LH_CONTEXT_MONITOR, &st), 0);
    ck_assert_int_eq(st.verdict.code, LH_OCF_NOT_RUNNING);
    lh_status_release(&st);
    fixture_release(&f);
}
END_TEST

/* ---- start ----------------------------------------------------------------------- */

START_TEST(start_runs_the_start_command_then_checks)
{
    fixture f;
    lh_result r;

    fixture_init(&f, 5000);
    set_action(&f, "start", FALSE);
    r = lh_clustercmd_start(&f.op, &f.product);
    assert_result(&r, LH_OCF_SUCCESS);
    ck_assert(fixture_running(&f));
    ck_assert_int_eq(fixture_count(&f, "start lhA"), 1);
    /* Checked before (idempotence) and after (the start command proves nothing). */
    ck_assert_int_lt(fixture_first(&f, "status lhA"), fixture_first(&f, "start lhA"));
    ck_assert_int_ge(fixture_count(&f, "status lhA"), 2);
    ck_assert_int_eq(fixture_count(&f, "stop lhA"), 0);
    ck_assert_int_eq(fixture_count(&f, "kill lhA"), 0);
    lh_result_clear(&r);
    fixture_release(&f);
}
END_TEST

START_TEST(start_when_already_running_does_nothing)
{
    fixture f;
    lh_result r;

    fixture_init(&f, 5000);
    set_action(&f, "start", FALSE);
    fixture_set(&f, "running", "");
    r = lh_clustercmd_start(&f.op, &f.product);
    assert_result(&r, LH_OCF_SUCCESS);
    ck_assert_int_eq(fixture_count(&f, "start lhA"), 0);
    lh_result_clear(&r);
    fixture_release(&f);
}
END_TEST

START_TEST(start_waits_until_running)
{
    fixture f;
    lh_result r;
    gint64 started = lh_test_now_ms(), elapsed;

    fixture_init(&f, 5000);
    set_action(&f, "start", FALSE);
    fixture_set(&f, "start.delay", "");
    r = lh_clustercmd_start(&f.op, &f.product);
    elapsed = lh_test_now_ms() - started;
    assert_result(&r, LH_OCF_SUCCESS);
    ck_assert_int_ge(elapsed, 300);
    ck_assert_int_le(elapsed, 300 + 1000 + SLACK_MS);
    ck_assert_int_ge(fixture_count(&f, "status lhA"), 3);
    ck_assert_int_eq(fixture_count(&f, "start lhA"), 1);
    lh_result_clear(&r);
    fixture_release(&f);
}
END_TEST

START_TEST(start_keeps_polling_through_transient_answers)
{
    fixture f;
    lh_result r;

    fixture_init(&f, 5000);
    set_action(&f, "start", FALSE);
    /* Stopped before the start command, then retriable errors, then running. */
    fixture_set(&f, "status.codes", "8 12 12 4 0\n");
    r = lh_clustercmd_start(&f.op, &f.product);
    assert_result(&r, LH_OCF_SUCCESS);
    ck_assert_int_eq(fixture_count(&f, "status lhA"), 5);
    lh_result_clear(&r);
    fixture_release(&f);
}
END_TEST

START_TEST(start_without_the_shared_directory)
{
    fixture f;
    lh_result r;

    fixture_init(&f, 5000);
    set_action(&f, "start", FALSE);
    ck_assert_int_eq(rmdir(f.shared), 0);
    r = lh_clustercmd_start(&f.op, &f.product);
    ck_assert_int_ne(r.code, LH_OCF_SUCCESS);
    ck_assert_ptr_nonnull(r.reason);
    ck_assert_ptr_nonnull(strstr(r.reason, f.shared));
    /* Nothing was run on a node without the shared disk. */
    ck_assert_int_eq(fixture_count(&f, "start lhA"), 0);
    lh_result_clear(&r);
    fixture_release(&f);
}
END_TEST

START_TEST(start_argument_error_is_a_hard_error)
{
    fixture f;
    lh_result r;

    fixture_init(&f, 5000);
    set_action(&f, "start", FALSE);
    fixture_set(&f, "start.rc", "1\n");
    r = lh_clustercmd_start(&f.op, &f.product);
    /* The logical host is unknown here: try another node. */
    assert_result(&r, LH_OCF_ERR_INSTALLED);
    ck_assert_ptr_nonnull(strstr(r.reason, "lhA"));
    lh_result_clear(&r);
    fixture_release(&f);
}
END_TEST

START_TEST(start_missing_start_command)
{
    fixture f;
    lh_result r;

    fixture_init(&f, 5000);
    set_action(&f, "start", FALSE);
    f.product.start_cmd = "/nonexistent/lhost/start_cmd";
    r = lh_clustercmd_start(&f.op, &f.product);
    assert_result(&r, LH_OCF_ERR_INSTALLED);
    lh_result_clear(&r);
    fixture_release(&f);
}
END_TEST

START_TEST(start_that_never_comes_up_fails_in_time)
{
    fixture f;
    lh_result r;
    gint64 started = lh_test_now_ms(), elapsed;

    fixture_init(&f, 1500);
    set_action(&f, "start", FALSE);
    fixture_set(&f, "status.codes", "8\n");
    r = lh_clustercmd_start(&f.op, &f.product);
    elapsed = lh_test_now_ms() - started;
    assert_result(&r, LH_OCF_ERR_GENERIC);
    ck_assert_ptr_nonnull(r.reason);
    ck_assert_ptr_nonnull(strstr(r.reason, "all stopped")); /* the last check's answer */
    ck_assert_int_le(elapsed, 1500 + SLACK_MS);
    lh_result_clear(&r);
    fixture_release(&f);
}
END_TEST

/* ---- stop ------------------------------------------------------------------------- */

START_TEST(stop_runs_stop_then_kill_then_checks)
{
    fixture f;
    lh_result r;

    fixture_init(&f, 5000);
    set_action(&f, "stop", FALSE);
    fixture_set(&f, "running", "");
    r = lh_clustercmd_stop(&f.op, &f.product);
    assert_result(&r, LH_OCF_SUCCESS);
    ck_assert(!fixture_running(&f));
    ck_assert_int_eq(fixture_count(&f, "stop lhA"), 1);
    /* The forced termination always follows the stop command. */
    ck_assert_int_ge(fixture_count(&f, "kill lhA"), 1);
    ck_assert_int_lt(fixture_first(&f, "stop lhA"), fixture_first(&f, "kill lhA"));
    ck_assert_int_eq(fixture_count(&f, "start lhA"), 0);
    lh_result_clear(&r);
    fixture_release(&f);
}
END_TEST

START_TEST(stop_when_not_running_still_forces)
{
    fixture f;
    lh_result r;

    fixture_init(&f, 5000);
    set_action(&f, "stop", FALSE);
    r = lh_clustercmd_stop(&f.op, &f.product);
    assert_result(&r, LH_OCF_SUCCESS);
    ck_assert_int_eq(fixture_count(&f, "stop lhA"), 0);
    ck_assert_int_ge(fixture_count(&f, "kill lhA"), 1);
    lh_result_clear(&r);
    fixture_release(&f);
}
END_TEST

START_TEST(stop_forced_termination_finishes_the_job)
{
    fixture f;
    lh_result r;

    fixture_init(&f, 5000);
    set_action(&f, "stop", FALSE);
    fixture_set(&f, "running", "");
    fixture_set(&f, "stop.sticky", "");
    r = lh_clustercmd_stop(&f.op, &f.product);
    assert_result(&r, LH_OCF_SUCCESS);
    ck_assert(!fixture_running(&f));
    lh_result_clear(&r);
    fixture_release(&f);
}
END_TEST

START_TEST(stop_that_cannot_stop_fails_in_time)
{
    fixture f;
    lh_result r;
    gint64 started = lh_test_now_ms(), elapsed;

    fixture_init(&f, 1500);
    set_action(&f, "stop", FALSE);
    fixture_set(&f, "running", "");
    fixture_set(&f, "stop.sticky", "");
    fixture_set(&f, "kill.sticky", "");
    r = lh_clustercmd_stop(&f.op, &f.product);
    elapsed = lh_test_now_ms() - started;
    assert_result(&r, LH_OCF_ERR_GENERIC);
    ck_assert_ptr_nonnull(r.reason);
    ck_assert_ptr_nonnull(strstr(r.reason, "lhA"));
    ck_assert_int_le(elapsed, 1500 + SLACK_MS);
    /* It kept forcing while it had time. */
    ck_assert_int_ge(fixture_count(&f, "kill lhA"), 2);
    lh_result_clear(&r);
    fixture_release(&f);
}
END_TEST

START_TEST(stop_with_a_hanging_stop_command)
{
    fixture f;
    lh_result r;
    gint64 started = lh_test_now_ms(), elapsed;

    fixture_init(&f, 3000);
    set_action(&f, "stop", FALSE);
    fixture_set(&f, "running", "");
    fixture_set(&f, "stop.hang", "");
    r = lh_clustercmd_stop(&f.op, &f.product);
    elapsed = lh_test_now_ms() - started;
    /* The stop command gets a share of the time; the forced termination and the
     * check get the rest, and succeed. */
    assert_result(&r, LH_OCF_SUCCESS);
    ck_assert_int_le(elapsed, 3000 + SLACK_MS);
    ck_assert_int_ge(fixture_count(&f, "kill lhA"), 1);
    lh_result_clear(&r);
    fixture_release(&f);
}
END_TEST

START_TEST(stop_accepts_a_stopped_normally_code)
{
    fixture f;
    lh_result r;

    fixture_init(&f, 5000);
    /* rc 3 "stopped normally": a failure to a monitor, the goal of a stop. */
    fixture_set(&f, "status.codes", "3\n");
    r = lh_clustercmd_monitor(&f.op, &f.product);
    assert_result(&r, LH_OCF_ERR_GENERIC);
    lh_result_clear(&r);
    set_action(&f, "stop", FALSE);
    r = lh_clustercmd_stop(&f.op, &f.product);
    assert_result(&r, LH_OCF_SUCCESS);
    lh_result_clear(&r);
    fixture_release(&f);
}
END_TEST

START_TEST(stop_on_the_passive_node)
{
    fixture f;
    lh_result r;

    fixture_init(&f, 5000);
    set_action(&f, "stop", FALSE);
    fixture_set(&f, "status.codes", "1\n");
    ck_assert_int_eq(rmdir(f.shared), 0);
    r = lh_clustercmd_stop(&f.op, &f.product);
    assert_result(&r, LH_OCF_SUCCESS);
    lh_result_clear(&r);
    fixture_release(&f);
}
END_TEST

/* The stop command's argument error (rc 1) where the first check saw nothing running:
 * this node does not know the logical host, nothing can run under it, the stop is
 * done at once (a failed stop would get the node fenced). */
START_TEST(stop_argument_error_for_an_unknown_host_succeeds_at_once)
{
    /* failed, retriable, undocumented: none says anything runs. */
    static const char *const first_codes[] = {"1", "12", "77"};

    for (gsize i = 0; i < G_N_ELEMENTS(first_codes); i++) {
        fixture f;
        lh_result r;
        g_autofree char *codes = g_strconcat(first_codes[i], "\n", NULL);
        gint64 started = lh_test_now_ms(), elapsed;

        fixture_init(&f, 3000);
        set_action(&f, "stop", FALSE);
        fixture_set(&f, "status.codes", codes);
        fixture_set(&f, "stop.rc", "1\n");
        r = lh_clustercmd_stop(&f.op, &f.product);
        elapsed = lh_test_now_ms() - started;
        ck_assert_msg(r.code == LH_OCF_SUCCESS, "first check rc %s: %s (%s)", first_codes[i],
                      lh_ocf_code_name(r.code), r.reason ? r.reason : "no reason");
        ck_assert_ptr_null(r.reason);
        /* No verification, no waiting for the deadline. */
        ck_assert_int_lt(elapsed, 1000);
        ck_assert_int_eq(fixture_count(&f, "status lhA"), 1);
        /* The stop command ran, and the forced termination after it all the same. */
        ck_assert_int_eq(fixture_count(&f, "stop lhA"), 1);
        ck_assert_int_eq(fixture_count(&f, "kill lhA"), 1);
        ck_assert_int_lt(fixture_first(&f, "stop lhA"), fixture_first(&f, "kill lhA"));
        lh_result_clear(&r);
        fixture_release(&f);
    }
}
END_TEST

/* The same argument error after the first check saw the product (or part of it)
 * running proves nothing: the stop verifies as always, and fails if it stays up. */
START_TEST(stop_argument_error_of_a_running_product_still_verifies)
{
    static const char *const first_codes[] = {NULL /* running */, "4\n" /* partial */};

    for (gsize i = 0; i < G_N_ELEMENTS(first_codes); i++) {
        fixture f;
        lh_result r;

        fixture_init(&f, 1500);
        set_action(&f, "stop", FALSE);
        fixture_set(&f, "running", "");
        fixture_set(&f, "status.codes", first_codes[i]);
        fixture_set(&f, "stop.rc", "1\n");
        fixture_set(&f, "stop.sticky", "");
        fixture_set(&f, "kill.sticky", "");
        r = lh_clustercmd_stop(&f.op, &f.product);
        ck_assert_msg(r.code == LH_OCF_ERR_GENERIC, "case %zu: %s (%s)", (size_t)i,
                      lh_ocf_code_name(r.code), r.reason ? r.reason : "no reason");
        ck_assert_ptr_nonnull(r.reason);
        ck_assert_ptr_nonnull(strstr(r.reason, "still not stopped"));
        /* It kept forcing and checking while it had time. */
        ck_assert_int_ge(fixture_count(&f, "kill lhA"), 2);
        ck_assert_int_ge(fixture_count(&f, "status lhA"), 2);
        lh_result_clear(&r);
        fixture_release(&f);
    }

    /* A product that does stop despite the rc 1: success, after verifying. */
    {
        fixture f;
        lh_result r;

        fixture_init(&f, 5000);
        set_action(&f, "stop", FALSE);
        fixture_set(&f, "running", "");
        fixture_set(&f, "stop.rc", "1\n");
        r = lh_clustercmd_stop(&f.op, &f.product);
        assert_result(&r, LH_OCF_SUCCESS);
        ck_assert(!fixture_running(&f));
        ck_assert_int_eq(fixture_count(&f, "status lhA"), 2);
        lh_result_clear(&r);
        fixture_release(&f);
    }
}
END_TEST

/* Only rc 1 says the host is unknown: another failure of the stop command, after a
 * check that saw no running product but no stopped one either, verifies as always. */
START_TEST(stop_other_stop_failures_still_verify)
{
    fixture f;
    lh_result r;

    fixture_init(&f, 1500);
    set_action(&f, "stop", FALSE);
    fixture_set(&f, "status.codes", "1\n");
    fixture_set(&f, "stop.rc", "2\n");
    r = lh_clustercmd_stop(&f.op, &f.product);
    assert_result(&r, LH_OCF_ERR_GENERIC);
    ck_assert_ptr_nonnull(strstr(r.reason, "still not stopped"));
    ck_assert_int_ge(fixture_count(&f, "status lhA"), 2);
    lh_result_clear(&r);
    fixture_release(&f);
}
END_TEST

/* ---- lh_require_executable ---------------------------------------------------------- */

START_TEST(require_executable)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *script = lh_test_write_script(dir, "ok", "exit 0\n");
    g_autofree char *plain = g_build_filename(dir, "plain", NULL);
    g_autofree char *missing = g_build_filename(dir, "missing", NULL);
    lh_result r;

    lh_test_write_file(plain, "data", 0644);
    r = lh_require_executable("start_cmd", script);
    assert_result(&r, LH_OCF_SUCCESS);
    ck_assert_ptr_null(r.reason);

    r = lh_require_executable("start_cmd", missing);
    assert_result(&r, LH_OCF_ERR_INSTALLED);
    ck_assert_ptr_nonnull(strstr(r.reason, "start_cmd"));
    ck_assert_ptr_nonnull(strstr(r.reason, missing));
    lh_result_clear(&r);

    r = lh_require_executable("stop_cmd", plain);
    assert_result(&r, LH_OCF_ERR_INSTALLED);
    ck_assert_ptr_nonnull(strstr(r.reason, plain));
    lh_result_clear(&r);

    r = lh_require_executable("kill_cmd", dir);
    assert_result(&r, LH_OCF_ERR_INSTALLED);
    lh_result_clear(&r);
    lh_test_rmtree(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("clustercmd");

    add_tcase(s, monitor_running);
    add_tcase(s, monitor_stopped_and_probe);
    add_tcase(s, monitor_partial_is_a_failure_with_a_reason);
    add_tcase(s, monitor_retries_a_transient_answer);
    add_tcase(s, monitor_missing_status_command);
    add_tcase(s, monitor_passive_node);
    add_tcase(s, monitor_every_status_command_must_agree);
    add_tcase(s, monitor_probe_not_here_from_a_health_check_is_a_failure);
    add_tcase(s, monitor_probe_not_here_from_the_first_check_is_not_running);
    add_tcase(s, monitor_recurring_not_here_stays_not_installed);
    add_tcase(s, check_returns_the_deciding_index);
    add_tcase(s, start_runs_the_start_command_then_checks);
    add_tcase(s, start_when_already_running_does_nothing);
    add_tcase(s, start_waits_until_running);
    add_tcase(s, start_keeps_polling_through_transient_answers);
    add_tcase(s, start_without_the_shared_directory);
    add_tcase(s, start_argument_error_is_a_hard_error);
    add_tcase(s, start_missing_start_command);
    add_tcase(s, start_that_never_comes_up_fails_in_time);
    add_tcase(s, stop_runs_stop_then_kill_then_checks);
    add_tcase(s, stop_when_not_running_still_forces);
    add_tcase(s, stop_forced_termination_finishes_the_job);
    add_tcase(s, stop_that_cannot_stop_fails_in_time);
    add_tcase(s, stop_with_a_hanging_stop_command);
    add_tcase(s, stop_accepts_a_stopped_normally_code);
    add_tcase(s, stop_on_the_passive_node);
    add_tcase(s, stop_argument_error_for_an_unknown_host_succeeds_at_once);
    add_tcase_timeout(s, stop_argument_error_of_a_running_product_still_verifies, 20);
    add_tcase(s, stop_other_stop_failures_still_verify);
    add_tcase(s, require_executable);
    return lh_test_run_suite(s);
}
