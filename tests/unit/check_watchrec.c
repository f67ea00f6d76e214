/* check_watchrec.c - lhost/watchrec.h: the processes the watcher holds for a resource.
 *
 * The record as a file (names, a round trip, what is no record), the watcher's claim
 * (once, and never for a record an action removed or rewrote), and the runtime's side
 * through lh_agent_main() in the test's own process (each test is a fork): a small
 * agent whose "product" is a real child process; the record appears after a start
 * under Pacemaker only, is gone before a stop's action runs, a monitor leaves it, and
 * an admin's action by hand gives it back.
 */
#include "config.h"

#include <signal.h>
#include <sys/wait.h>

#include <lhost/ocf.h>
#include <lhost/watchrec.h>

#include "check_common.h"

static lh_proc *make_proc(int pid, guint64 start, const char *name)
{
    lh_proc *p = g_new0(lh_proc, 1);

    p->pid = pid;
    p->start_time = start;
    p->name = g_strdup(name);
    return p;
}

static char *record_in(const char *dir)
{
    return lh_watchrec_path(dir, "jp1base", "lhA-base");
}

static void write_two_procs(const char *path)
{
    g_autoptr(lh_watchrec) rec = lh_watchrec_new("jp1base", "lhA-base", "node1");
    g_autoptr(GError) error = NULL;

    g_ptr_array_add(rec->procs, make_proc(4242, 1234567, "jbs_spmd"));
    g_ptr_array_add(rec->procs, make_proc(4243, 1234570, "jevservice"));
    ck_assert_msg(lh_watchrec_write(path, rec, &error), "%s", error ? error->message : "");
}

START_TEST(names_of_records)
{
    g_autofree char *path = lh_watchrec_path("/d", "jp1base", "lh A/../x");

    ck_assert_str_eq(path, "/d/lhost-jp1base-lh_A_.._x.watch");
    ck_assert(lh_watchrec_is_record_name("lhost-jp1base-lhA.watch"));
    ck_assert(!lh_watchrec_is_record_name("lhost-jp1base-lhA.watch.tmp"));
    ck_assert(!lh_watchrec_is_record_name("lhost-jp1base-lhA.watch.failed"));
    ck_assert(!lh_watchrec_is_record_name("lhost-jp1base-lhA.inflight"));
    ck_assert(!lh_watchrec_is_record_name("lhost-.watch"));
    g_setenv("HA_RSCTMP", "/run/x", TRUE);
    ck_assert_str_eq(lh_watchrec_dir(NULL), "/run/x");
    ck_assert_str_eq(lh_watchrec_dir("/other"), "/other");
    g_unsetenv("HA_RSCTMP");
    ck_assert_str_eq(lh_watchrec_dir(""), "/run/resource-agents");
}
END_TEST

START_TEST(written_then_read)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = record_in(dir);
    g_autofree char *tmp = g_strdup_printf("%s.tmp", path);
    g_autoptr(GError) error = NULL;
    g_autoptr(lh_watchrec) rec = NULL;
    const lh_proc *p;

    write_two_procs(path);
    ck_assert(!g_file_test(tmp, G_FILE_TEST_EXISTS));
    rec = lh_watchrec_read(path, &error);
    ck_assert_msg(rec != NULL, "%s", error ? error->message : "");
    ck_assert_str_eq(rec->agent, "jp1base");
    ck_assert_str_eq(rec->resource, "lhA-base");
    ck_assert_str_eq(rec->node, "node1");
    ck_assert_uint_eq(rec->procs->len, 2);
    p = rec->procs->pdata[1];
    ck_assert_int_eq(p->pid, 4243);
    ck_assert(p->start_time == 1234570);
    ck_assert_str_eq(p->name, "jevservice");
}
END_TEST

/* A node name with a newline in it stays one line: the record cannot be made to
 * name another resource. */
START_TEST(values_stay_on_their_line)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = record_in(dir);
    g_autoptr(lh_watchrec) rec = lh_watchrec_new("a", "r", "node1\nresource other");
    g_autoptr(lh_watchrec) back = NULL;

    g_ptr_array_add(rec->procs, make_proc(7, 8, "x"));
    ck_assert(lh_watchrec_write(path, rec, NULL));
    back = lh_watchrec_read(path, NULL);
    ck_assert_ptr_nonnull(back);
    ck_assert_str_eq(back->resource, "r");
    ck_assert_str_eq(back->node, "node1_resource other");
}
END_TEST

START_TEST(what_is_no_record)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = record_in(dir);
    static const char *const bad[] = {
        "",
        "agent x\nresource r\nnode n\n",
        "# lhost watch record 1\nagent x\nnode n\n",
        "# lhost watch record 1\nresource r\nnode n\nproc 12 x name\n",
        "# lhost watch record 1\nresource r\nnode n\nproc 0 1 name\n",
        "# lhost watch record 1\nresource r\nnode n\nsomething else\n",
    };
    g_autoptr(GError) missing = NULL;

    ck_assert_ptr_null(lh_watchrec_read(path, &missing));
    ck_assert_ptr_nonnull(missing);
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autoptr(GError) error = NULL;

        lh_test_write_file(path, bad[i], 0644);
        ck_assert_msg(lh_watchrec_read(path, &error) == NULL, "accepted: %s", bad[i]);
        ck_assert_ptr_nonnull(error);
    }
}
END_TEST

START_TEST(a_death_is_claimed_once)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = record_in(dir);
    g_autofree char *failed = g_strdup_printf("%s.failed", path);

    write_two_procs(path);
    ck_assert(!lh_watchrec_claim(path, 4242, 999)); /* the pid reused by another */
    ck_assert(!lh_watchrec_claim(path, 4244, 1234567));
    ck_assert(g_file_test(path, G_FILE_TEST_EXISTS));
    ck_assert(lh_watchrec_claim(path, 4243, 1234570));
    ck_assert(!g_file_test(path, G_FILE_TEST_EXISTS));
    ck_assert(g_file_test(failed, G_FILE_TEST_EXISTS));
    /* The other process of the same record, or a restarted watcher: nothing more. */
    ck_assert(!lh_watchrec_claim(path, 4242, 1234567));
    ck_assert(!lh_watchrec_claim(path, 4243, 1234570));
    lh_watchrec_remove(path);
    ck_assert(!g_file_test(failed, G_FILE_TEST_EXISTS));
}
END_TEST

START_TEST(a_removed_record_is_no_failure)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = record_in(dir);
    g_autofree char *node = NULL;
    g_autofree char *none = NULL;

    write_two_procs(path);
    g_setenv("HA_RSCTMP", dir, TRUE);
    node = lh_watchrec_before_action("jp1base", "lhA-base");
    ck_assert_str_eq(node, "node1"); /* the node it named, for an action by hand */
    ck_assert(!g_file_test(path, G_FILE_TEST_EXISTS));
    ck_assert(!lh_watchrec_claim(path, 4242, 1234567));
    none = lh_watchrec_before_action("jp1base", "lhA-base");
    ck_assert_ptr_null(none);
}
END_TEST

START_TEST(after_action_records_under_pacemaker_only)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = record_in(dir);
    g_autoptr(GPtrArray) none = g_ptr_array_new();
    g_autoptr(GPtrArray) procs = g_ptr_array_new_with_free_func((GDestroyNotify)lh_proc_free);
    g_autoptr(lh_watchrec) rec = NULL;

    g_setenv("HA_RSCTMP", dir, TRUE);
    g_ptr_array_add(procs, make_proc(4242, 1234567, "jbs_spmd"));
    lh_watchrec_after_action("jp1base", "lhA-base", NULL, procs);
    ck_assert(!g_file_test(path, G_FILE_TEST_EXISTS));
    lh_watchrec_after_action("jp1base", "lhA-base", "node2", none);
    ck_assert(!g_file_test(path, G_FILE_TEST_EXISTS));
    lh_watchrec_after_action("jp1base", "lhA-base", "node2", procs);
    rec = lh_watchrec_read(path, NULL);
    ck_assert_ptr_nonnull(rec);
    ck_assert_str_eq(rec->node, "node2");
    ck_assert_uint_eq(rec->procs->len, 1);
}
END_TEST

/* ---- through lh_agent_main() -------------------------------------------------- */

typedef struct demo_config {
    int unused;
} demo_config;

static pid_t product;          /* the demo agent's "product": a real child */
static gboolean record_at_stop; /* whether the record existed when stop ran */

static char *demo_record(void)
{
    return lh_watchrec_path(NULL, "demo", "rsc_demo");
}

static lh_result demo_start(lh_op *op, const void *config)
{
    product = fork();
    if (product == 0) {
        execl("/bin/sleep", "sleep", "30", (char *)NULL);
        _exit(127);
    }
    g_usleep(50 * 1000); /* exec'd: its start time is its own */
    return LH_RESULT_OK;
}

static lh_result demo_stop(lh_op *op, const void *config)
{
    g_autofree char *path = demo_record();

    record_at_stop = g_file_test(path, G_FILE_TEST_EXISTS);
    return LH_RESULT_OK;
}

static lh_result demo_monitor(lh_op *op, const void *config)
{
    return LH_RESULT_OK;
}

static GPtrArray *demo_watched(lh_op *op, const void *config)
{
    GPtrArray *procs = g_ptr_array_new_with_free_func((GDestroyNotify)lh_proc_free);
    guint64 start = 0;

    ck_assert(lh_proc_start_time(NULL, product, &start));
    g_ptr_array_add(procs, make_proc(product, start, "sleep"));
    return procs;
}

static const lh_action demo_actions[] = {
    {"start", demo_start, 20, 0},
    {"stop", demo_stop, 20, 0},
    {"monitor", demo_monitor, 20, 10},
    {"quiesce", demo_monitor, 20, 0}, /* an admin's action that changes no process */
    {NULL, NULL, 0, 0},
};

static const lh_agent demo_agent = {
    .name = "demo",
    .version = "1",
    .shortdesc = "demo",
    .longdesc = "demo",
    .params = NULL,
    .n_params = 0,
    .config_size = sizeof(demo_config),
    .actions = demo_actions,
    .watched = demo_watched,
};

static int run_demo(const char *action)
{
    char *argv[] = {(char *)"demo", (char *)action, NULL};

    return lh_agent_main(&demo_agent, 2, argv);
}

static void demo_env(const char *dir)
{
    g_setenv("HA_RSCTMP", dir, TRUE);
    g_setenv("LHOST_JOURNAL_DIR", "off", TRUE);
    g_setenv("OCF_RESOURCE_INSTANCE", "rsc_demo", TRUE);
    g_setenv("OCF_RESKEY_CRM_meta_on_node", "node1", TRUE);
    g_setenv("OCF_RESKEY_CRM_meta_interval", "10000", TRUE);
}

START_TEST(agent_records_after_start_and_removes_before_stop)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = NULL;
    g_autoptr(lh_watchrec) rec = NULL;
    const lh_proc *p;
    guint64 start = 0;

    demo_env(dir);
    path = demo_record();
    ck_assert_int_eq(run_demo("start"), 0);
    rec = lh_watchrec_read(path, NULL);
    ck_assert_ptr_nonnull(rec);
    ck_assert_str_eq(rec->resource, "rsc_demo");
    ck_assert_str_eq(rec->node, "node1");
    ck_assert_uint_eq(rec->procs->len, 1);
    p = rec->procs->pdata[0];
    ck_assert_int_eq(p->pid, product);
    ck_assert(lh_proc_start_time(NULL, product, &start) && p->start_time == start);

    ck_assert_int_eq(run_demo("monitor"), 0); /* a monitor leaves it */
    ck_assert(g_file_test(path, G_FILE_TEST_EXISTS));
    record_at_stop = TRUE;
    ck_assert_int_eq(run_demo("stop"), 0);
    ck_assert_msg(!record_at_stop, "the record still existed when stop acted");
    ck_assert(!g_file_test(path, G_FILE_TEST_EXISTS));
    kill(product, SIGKILL);
    waitpid(product, NULL, 0);
}
END_TEST

START_TEST(agent_by_hand_records_nothing)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = NULL;

    demo_env(dir);
    g_unsetenv("OCF_RESKEY_CRM_meta_on_node");
    path = demo_record();
    ck_assert_int_eq(run_demo("start"), 0);
    ck_assert(!g_file_test(path, G_FILE_TEST_EXISTS));
    kill(product, SIGKILL);
    waitpid(product, NULL, 0);
}
END_TEST

/* An admin's action by hand on a watched resource removes the record while it runs
 * and gives it back, for the node it named, once it succeeded. */
START_TEST(agent_by_hand_keeps_the_watching)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = NULL;
    g_autoptr(lh_watchrec) rec = NULL;

    demo_env(dir);
    path = demo_record();
    ck_assert_int_eq(run_demo("start"), 0);
    ck_assert(g_file_test(path, G_FILE_TEST_EXISTS));
    g_unsetenv("OCF_RESKEY_CRM_meta_on_node");
    ck_assert_int_eq(run_demo("quiesce"), 0);
    rec = lh_watchrec_read(path, NULL);
    ck_assert_ptr_nonnull(rec);
    ck_assert_str_eq(rec->node, "node1");
    ck_assert_uint_eq(rec->procs->len, 1);
    ck_assert_int_eq(run_demo("stop"), 0); /* by hand too: gone */
    ck_assert(!g_file_test(path, G_FILE_TEST_EXISTS));
    kill(product, SIGKILL);
    waitpid(product, NULL, 0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("watchrec");

    add_tcase(s, names_of_records);
    add_tcase(s, written_then_read);
    add_tcase(s, values_stay_on_their_line);
    add_tcase(s, what_is_no_record);
    add_tcase(s, a_death_is_claimed_once);
    add_tcase(s, a_removed_record_is_no_failure);
    add_tcase(s, after_action_records_under_pacemaker_only);
    add_tcase(s, agent_records_after_start_and_removes_before_stop);
    add_tcase(s, agent_by_hand_records_nothing);
    add_tcase(s, agent_by_hand_keeps_the_watching);
    return lh_test_run_suite(s);
}
