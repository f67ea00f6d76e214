/* check_watcher.c - lhost/watcher.h: recorded processes' deaths reported once.
 *
 * Real processes (/bin/sleep children, killed with SIGKILL), real records written
 * with lh_watchrec_write() into the test's directory, a real qb_loop, and a fake
 * report callback that keeps what it was told: no crm_resource. The loop runs until
 * what the test waits for has happened (the watcher's own counters), bounded by
 * generous limits; nothing is asserted about timing. The reporter is then checked
 * against small scripts standing in for crm_resource.
 */
#include "config.h"

#include <signal.h>
#include <sys/wait.h>

#include <qb/qbloop.h>

#include <lhost/proc.h>
#include <lhost/watcher.h>
#include <lhost/watchrec.h>

#include "check_common.h"

#define WAIT_MS 5000 /* what the kernel tells at once, waited for generously */

typedef struct fixture {
    qb_loop_t *loop;
    lh_watcher *watcher;
    GPtrArray *reports; /* "RESOURCE NODE NAME PID" */
    char *dir;
} fixture;

static void fake_report(const lh_watcher_failure *f, void *data)
{
    fixture *fx = data;

    g_ptr_array_add(fx->reports,
                    g_strdup_printf("%s %s %s %d", f->resource, f->node, f->proc_name, f->pid));
}

static void fixture_init(fixture *fx)
{
    fx->loop = qb_loop_create();
    fx->reports = g_ptr_array_new_with_free_func(g_free);
    fx->dir = lh_test_tmpdir();
}

static void watcher_start(fixture *fx)
{
    g_autoptr(GError) error = NULL;

    fx->watcher = lh_watcher_new(fx->loop, fx->dir, fake_report, fx, &error);
    ck_assert_msg(fx->watcher != NULL, "lh_watcher_new: %s", error ? error->message : "?");
}

static void watcher_stop(fixture *fx)
{
    g_clear_pointer(&fx->watcher, lh_watcher_free);
}

static void fixture_release(fixture *fx)
{
    watcher_stop(fx);
    qb_loop_destroy(fx->loop);
    g_ptr_array_unref(fx->reports);
    g_free(fx->dir);
}

static lh_watcher_stats stats_of(const fixture *fx)
{
    lh_watcher_stats st;

    lh_watcher_get_stats(fx->watcher, &st);
    return st;
}

/* ---- running the loop until something happened ------------------------------- */

typedef gboolean (*condition)(const fixture *fx, guint n);

typedef struct waiting {
    fixture *fx;
    condition done;
    guint n;
    gint64 until_ms;
} waiting;

static void check_tick(void *data)
{
    waiting *w = data;
    qb_loop_timer_handle h;

    if (w->done(w->fx, w->n) || lh_test_now_ms() >= w->until_ms) {
        qb_loop_stop(w->fx->loop);
        return;
    }
    qb_loop_timer_add(w->fx->loop, QB_LOOP_LOW, 5 * 1000000ULL, w, check_tick, &h);
}

/* Runs the loop until @done(fx, n) holds (TRUE) or WAIT_MS passed (FALSE). */
static gboolean run_until(fixture *fx, condition done, guint n)
{
    waiting w = {fx, done, n, lh_test_now_ms() + WAIT_MS};
    qb_loop_timer_handle h;

    qb_loop_timer_add(fx->loop, QB_LOOP_LOW, 1000000ULL, &w, check_tick, &h);
    qb_loop_run(fx->loop);
    return done(fx, n);
}

static gboolean reports_at_least(const fixture *fx, guint n)
{
    return fx->reports->len >= n;
}

static gboolean deaths_at_least(const fixture *fx, guint n)
{
    return stats_of(fx).deaths >= n;
}

static gboolean procs_held(const fixture *fx, guint n)
{
    return stats_of(fx).procs == n;
}

static gboolean loads_at_least(const fixture *fx, guint n)
{
    return stats_of(fx).loads >= n;
}

/* ---- processes and records --------------------------------------------------- */

static lh_proc *sleeper(void)
{
    lh_proc *p = g_new0(lh_proc, 1);
    pid_t pid = fork();
    gint64 until = lh_test_now_ms() + WAIT_MS;

    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        execl("/bin/sleep", "sleep", "60", (char *)NULL);
        _exit(127);
    }
    p->pid = pid;
    p->name = g_strdup("sleep");
    /* its start time once it runs sleep: the same before and after exec */
    while (!lh_proc_start_time(NULL, pid, &p->start_time)) {
        ck_assert(lh_test_now_ms() < until);
        g_usleep(1000);
    }
    return p;
}

/* SIGKILL, and reaped: the pid may be anyone's afterwards. */
static void kill_now(const lh_proc *p)
{
    ck_assert_int_eq(kill(p->pid, SIGKILL), 0);
    ck_assert_int_eq(waitpid(p->pid, NULL, 0), p->pid);
}

static char *write_record(const char *dir, const char *resource, const char *node,
                          const lh_proc *const *procs)
{
    g_autoptr(lh_watchrec) rec = lh_watchrec_new("test", resource, node);
    g_autoptr(GError) error = NULL;
    char *path = lh_watchrec_path(dir, "test", resource);

    for (; *procs != NULL; procs++) {
        lh_proc *copy = g_new0(lh_proc, 1);

        *copy = (lh_proc){(*procs)->pid, g_strdup((*procs)->name), (*procs)->start_time, NULL};
        g_ptr_array_add(rec->procs, copy);
    }
    ck_assert_msg(lh_watchrec_write(path, rec, &error), "%s", error ? error->message : "?");
    return path;
}

static char *report_line(const char *resource, const char *node, const lh_proc *p)
{
    return g_strdup_printf("%s %s %s %d", resource, node, p->name, p->pid);
}

/* ---- the tests ------------------------------------------------------------------ */

START_TEST(a_killed_process_is_reported_once)
{
    fixture fx = {0};
    g_autoptr(lh_proc) a = sleeper();
    g_autofree char *path = NULL;
    g_autofree char *failed = NULL;
    g_autofree char *want = report_line("lhA-base", "node1", a);

    fixture_init(&fx);
    path = write_record(fx.dir, "lhA-base", "node1", (const lh_proc *const[]){a, NULL});
    failed = g_strconcat(path, ".failed", NULL);
    watcher_start(&fx);
    ck_assert_uint_eq(stats_of(&fx).procs, 1);
    ck_assert_uint_eq(fx.reports->len, 0);

    kill_now(a);
    ck_assert(run_until(&fx, reports_at_least, 1));
    ck_assert_str_eq(g_ptr_array_index(fx.reports, 0), want);
    ck_assert_msg(g_file_test(failed, G_FILE_TEST_EXISTS), "no %s", failed);
    ck_assert(!g_file_test(path, G_FILE_TEST_EXISTS));
    ck_assert(run_until(&fx, procs_held, 0));
    ck_assert_uint_eq(fx.reports->len, 1);
    fixture_release(&fx);
}
END_TEST

START_TEST(two_deaths_of_one_record_are_one_report)
{
    fixture fx = {0};
    g_autoptr(lh_proc) a = sleeper();
    g_autoptr(lh_proc) b = sleeper();

    fixture_init(&fx);
    g_free(write_record(fx.dir, "lhA-ajs", "node2", (const lh_proc *const[]){a, b, NULL}));
    watcher_start(&fx);
    kill_now(a);
    kill_now(b);
    ck_assert(run_until(&fx, deaths_at_least, 2));
    ck_assert_uint_eq(fx.reports->len, 1);
    ck_assert_uint_eq(stats_of(&fx).unclaimed, 1);
    fixture_release(&fx);
}
END_TEST

START_TEST(a_record_removed_before_the_kill_is_not_reported)
{
    fixture fx = {0};
    g_autoptr(lh_proc) a = sleeper();
    g_autofree char *path = NULL;

    fixture_init(&fx);
    path = write_record(fx.dir, "lhA-base", "node1", (const lh_proc *const[]){a, NULL});
    watcher_start(&fx);
    lh_watchrec_remove(path); /* a stop begins */
    kill_now(a);              /* and ends the product */
    /* whichever the watcher hears first, the removal or the death, it lets go */
    ck_assert(run_until(&fx, procs_held, 0));
    ck_assert_uint_eq(fx.reports->len, 0);
    fixture_release(&fx);
}
END_TEST

START_TEST(a_record_written_later_is_watched)
{
    fixture fx = {0};
    g_autoptr(lh_proc) a = sleeper();
    g_autofree char *want = report_line("lhB-im", "node3", a);

    fixture_init(&fx);
    watcher_start(&fx);
    ck_assert_uint_eq(stats_of(&fx).records, 0);
    g_free(write_record(fx.dir, "lhB-im", "node3", (const lh_proc *const[]){a, NULL}));
    ck_assert(run_until(&fx, procs_held, 1));
    ck_assert_uint_eq(stats_of(&fx).records, 1);
    kill_now(a);
    ck_assert(run_until(&fx, reports_at_least, 1));
    ck_assert_str_eq(g_ptr_array_index(fx.reports, 0), want);
    fixture_release(&fx);
}
END_TEST

START_TEST(a_rewritten_record_forgets_the_old_pids)
{
    fixture fx = {0};
    g_autoptr(lh_proc) old = sleeper();
    g_autoptr(lh_proc) now = sleeper();
    g_autofree char *want = report_line("lhA-base", "node1", now);

    fixture_init(&fx);
    g_free(write_record(fx.dir, "lhA-base", "node1", (const lh_proc *const[]){old, NULL}));
    watcher_start(&fx);
    g_free(write_record(fx.dir, "lhA-base", "node1", (const lh_proc *const[]){now, NULL}));
    ck_assert(run_until(&fx, loads_at_least, 2));
    kill_now(old); /* the earlier start's process: no longer held */
    kill_now(now);
    ck_assert(run_until(&fx, reports_at_least, 1));
    ck_assert_str_eq(g_ptr_array_index(fx.reports, 0), want);
    ck_assert_uint_eq(stats_of(&fx).deaths, 1);
    fixture_release(&fx);
}
END_TEST

START_TEST(a_wrong_start_time_or_a_gone_pid_is_a_death)
{
    fixture fx = {0};
    g_autoptr(lh_proc) reused = sleeper(); /* the pid of the product, now someone else */
    g_autoptr(lh_proc) gone = sleeper();

    fixture_init(&fx);
    reused->start_time += 1;
    g_free(write_record(fx.dir, "lhA-base", "node1", (const lh_proc *const[]){reused, NULL}));
    kill_now(gone);
    g_free(write_record(fx.dir, "lhA-im", "node1", (const lh_proc *const[]){gone, NULL}));
    watcher_start(&fx); /* both found dead while reading */
    ck_assert_uint_eq(fx.reports->len, 2);
    ck_assert_uint_eq(stats_of(&fx).procs, 0);
    ck_assert(!lh_test_process_gone(reused->pid)); /* the newcomer is left alone */
    kill(reused->pid, SIGKILL);
    fixture_release(&fx);
}
END_TEST

START_TEST(a_restarted_watcher_reports_nothing_twice)
{
    fixture fx = {0};
    g_autoptr(lh_proc) a = sleeper();
    g_autoptr(lh_proc) b = sleeper();
    g_autofree char *want_b = report_line("lhB-base", "node1", b);

    fixture_init(&fx);
    g_free(write_record(fx.dir, "lhA-base", "node1", (const lh_proc *const[]){a, NULL}));
    g_free(write_record(fx.dir, "lhB-base", "node1", (const lh_proc *const[]){b, NULL}));
    watcher_start(&fx);
    kill_now(a);
    ck_assert(run_until(&fx, reports_at_least, 1));
    watcher_stop(&fx);
    kill_now(b); /* dies while no watcher runs */

    watcher_start(&fx); /* a's death was claimed; b's is found at start */
    ck_assert_uint_eq(fx.reports->len, 2);
    ck_assert_str_eq(g_ptr_array_index(fx.reports, 1), want_b);
    watcher_stop(&fx);
    watcher_start(&fx);
    ck_assert_uint_eq(stats_of(&fx).records, 0);
    ck_assert_uint_eq(fx.reports->len, 2);
    fixture_release(&fx);
}
END_TEST

/* More events than the kernel queues (max_queued_events): the queue overflows, and a
 * record written meanwhile, whose own event is lost, is found by reading the whole
 * directory again. */
START_TEST(an_overflowed_queue_is_a_rescan)
{
    fixture fx = {0};
    g_autoptr(lh_proc) a = sleeper();
    g_autofree char *limit_text = lh_test_read_file("/proc/sys/fs/inotify/max_queued_events");
    guint64 limit = 0;
    g_autofree char *x = NULL;
    g_autofree char *y = NULL;

    if (limit_text == NULL || !g_ascii_string_to_unsigned(g_strstrip(limit_text), 10, 1, 200000,
                                                          &limit, NULL)) {
        return; /* a limit too large to reach here: nothing to check */
    }
    fixture_init(&fx);
    watcher_start(&fx);
    x = g_build_filename(fx.dir, "junk-x", NULL);
    y = g_build_filename(fx.dir, "junk-y", NULL);
    lh_test_write_file(x, "", 0644);
    for (guint64 i = 0; i <= limit / 2; i++) { /* two events a rename */
        ck_assert_int_eq(rename((i % 2) ? y : x, (i % 2) ? x : y), 0);
    }
    g_free(write_record(fx.dir, "lhA-base", "node1", (const lh_proc *const[]){a, NULL}));
    ck_assert(run_until(&fx, procs_held, 1));
    ck_assert_uint_ge(stats_of(&fx).rescans, 1);
    kill_now(a);
    ck_assert(run_until(&fx, reports_at_least, 1));
    fixture_release(&fx);
}
END_TEST

START_TEST(other_files_are_ignored)
{
    fixture fx = {0};
    g_autofree char *tmp = NULL;

    fixture_init(&fx);
    tmp = g_build_filename(fx.dir, "lhost-test-x.watch.tmp", NULL);
    lh_test_write_file(tmp, "# lhost watch record 1\nresource x\nnode n\nproc 1 1 init\n", 0644);
    g_free(tmp);
    tmp = g_build_filename(fx.dir, "lhost-test-y.state", NULL);
    lh_test_write_file(tmp, "garbage\n", 0644);
    g_free(tmp);
    tmp = g_build_filename(fx.dir, "lhost-test-z.watch", NULL);
    lh_test_write_file(tmp, "not a record\n", 0644);
    watcher_start(&fx);
    ck_assert_uint_eq(stats_of(&fx).records, 0);
    ck_assert_uint_eq(fx.reports->len, 0);
    fixture_release(&fx);
}
END_TEST

/* ---- the reporter ------------------------------------------------------------- */

typedef struct done_record {
    qb_loop_t *loop;
    char *how;
    int exit_code;
    char *output;
} done_record;

static void reporter_done(const lh_watcher_failure *f, const char *how, int exit_code,
                          const char *output, void *data)
{
    done_record *d = data;

    (void)f;
    d->how = g_strdup(how);
    d->exit_code = exit_code;
    d->output = g_strdup(output);
    qb_loop_stop(d->loop);
}

static void report_with(const char *tool, guint timeout_ms, done_record *d)
{
    g_autoptr(lh_reporter) r = NULL;
    const lh_watcher_failure f = {"/x/lhost-a-r.watch", "a", "lhA base", "node-1", "spmd", 42, 7};

    d->loop = qb_loop_create();
    r = lh_reporter_new(d->loop, tool, timeout_ms, reporter_done, d);
    lh_reporter_report(&f, r);
    if (d->how == NULL) {
        qb_loop_run(d->loop);
    }
    qb_loop_destroy(d->loop);
}

START_TEST(the_reporter_runs_crm_resource_fail)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *out = g_build_filename(dir, "argv", NULL);
    g_autofree char *body = g_strdup_printf("for a; do printf '[%%s]' \"$a\"; done >'%s'\n"
                                            "echo 'Error: no such resource' >&2\n"
                                            "echo 'second line'\n"
                                            "exit 3\n", out);
    g_autofree char *tool = lh_test_write_script(dir, "crm_resource", body);
    g_autofree char *got = NULL;
    done_record d = {0};

    report_with(tool, 20000, &d);
    ck_assert_str_eq(d.how, "exited");
    ck_assert_int_eq(d.exit_code, 3);
    got = lh_test_read_file(out);
    ck_assert_str_eq(got, "[--fail][--resource][lhA base][--node][node-1]");
    ck_assert_str_eq(d.output, "Error: no such resource second line");
    g_free(d.how);
    g_free(d.output);
}
END_TEST

START_TEST(a_hanging_report_is_killed)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *tool = lh_test_write_script(dir, "crm_resource", "exec sleep 60\n");
    done_record d = {0};

    report_with(tool, 200, &d);
    ck_assert_str_eq(d.how, "timed out after 200 ms");
    ck_assert_int_eq(d.exit_code, -1);
    g_free(d.how);
    g_free(d.output);
}
END_TEST

START_TEST(a_missing_tool_is_said)
{
    done_record d = {0};

    report_with("/nonexistent/crm_resource", 1000, &d);
    ck_assert_msg(g_str_has_prefix(d.how, "could not start"), "%s", d.how);
    g_free(d.how);
    g_free(d.output);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("watcher");

    add_tcase_timeout(s, a_killed_process_is_reported_once, 20);
    add_tcase_timeout(s, two_deaths_of_one_record_are_one_report, 20);
    add_tcase_timeout(s, a_record_removed_before_the_kill_is_not_reported, 20);
    add_tcase_timeout(s, a_record_written_later_is_watched, 20);
    add_tcase_timeout(s, a_rewritten_record_forgets_the_old_pids, 20);
    add_tcase_timeout(s, a_wrong_start_time_or_a_gone_pid_is_a_death, 20);
    add_tcase_timeout(s, a_restarted_watcher_reports_nothing_twice, 20);
    add_tcase_timeout(s, an_overflowed_queue_is_a_rescan, 30);
    add_tcase(s, other_files_are_ignored);
    add_tcase_timeout(s, the_reporter_runs_crm_resource_fail, 20);
    add_tcase_timeout(s, a_hanging_report_is_killed, 20);
    add_tcase(s, a_missing_tool_is_said);
    return lh_test_run_suite(s);
}
