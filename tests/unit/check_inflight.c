/* check_inflight.c - lhost/inflight.h: a killed agent's commands do not outlive it.
 *
 * Real processes: a "command" is a shell leading a process group of its own with a
 * child in it, as lh_run() starts one; an "agent" is a process that recorded it and
 * was then killed. The record goes through the file beside the state, as between two
 * agent processes; lh_run() itself is checked to record and forget its command.
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <lhost/inflight.h>
#include <lhost/proc.h>
#include <lhost/run.h>

#include "check_common.h"

/* A shell leading a group of its own, with a sleeping child: its pid (= the group). */
static pid_t spawn_group(void)
{
    pid_t pid = fork();

    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        setpgid(0, 0);
        execl("/bin/sh", "sh", "-c", "sleep 30 & exec sleep 30", (char *)NULL);
        _exit(127);
    }
    setpgid(pid, pid);
    g_usleep(50 * 1000); /* its child started */
    return pid;
}

/* No live process left in group @pgid (a zombie waiting for a parent is gone). */
static gboolean group_gone(pid_t pgid)
{
    g_autoptr(GDir) proc = g_dir_open("/proc", 0, NULL);
    const char *entry;

    while (proc != NULL && (entry = g_dir_read_name(proc)) != NULL) {
        g_autofree char *path = g_strdup_printf("/proc/%s/stat", entry);
        g_autofree char *text = NULL;
        const char *close;
        char state = 0;
        int ppid = 0, pgrp = 0;

        if (!g_ascii_isdigit(*entry) || !g_file_get_contents(path, &text, NULL, NULL) ||
            (close = strrchr(text, ')')) == NULL ||
            sscanf(close + 1, " %c %d %d", &state, &ppid, &pgrp) != 3) {
            continue;
        }
        if (pgrp == pgid && state != 'Z') {
            return FALSE;
        }
    }
    return TRUE;
}

/* Waits for @pid (our child) and says how it ended. */
static int reaped_signal(pid_t pid)
{
    int status = 0;

    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

static char *record_text(void)
{
    char *text = NULL;

    if (!g_file_get_contents(lh_inflight_path(), &text, NULL, NULL)) {
        return g_strdup("");
    }
    return text;
}

START_TEST(nothing_recorded_until_opened)
{
    pid_t cmd = spawn_group();

    lh_inflight_close();
    ck_assert_ptr_null(lh_inflight_path());
    lh_inflight_add(cmd, "/bin/sh"); /* no file anywhere: nothing to check but no crash */
    ck_assert_uint_eq(lh_inflight_reap(100, NULL), 0);
    kill(-cmd, SIGKILL);
    reaped_signal(cmd);
}
END_TEST

START_TEST(added_then_removed)
{
    g_autofree char *dir = lh_test_tmpdir();
    pid_t cmd = spawn_group();
    g_autofree char *text = NULL;
    g_autofree char *expected = NULL;
    guint64 start = 0;

    lh_inflight_open(dir, "jp1base", "rsc:0/x");
    ck_assert(g_str_has_suffix(lh_inflight_path(), "/lhost-jp1base-rsc_0_x.inflight"));
    lh_inflight_add(cmd, "/opt/jp1/start\ncluster");
    ck_assert(lh_proc_start_time(NULL, cmd, &start));
    text = record_text();
    expected = g_strdup_printf("%d %" G_GUINT64_FORMAT " %d ", cmd, start, (int)getpid());
    ck_assert_msg(g_str_has_prefix(text, expected), "%s", text);
    ck_assert(g_str_has_suffix(text, " /opt/jp1/start cluster\n")); /* one line */
    lh_inflight_remove(cmd);
    ck_assert(!g_file_test(lh_inflight_path(), G_FILE_TEST_EXISTS));
    kill(-cmd, SIGKILL);
    reaped_signal(cmd);
    lh_inflight_close();
}
END_TEST

/* The agent that recorded the command is killed; the next one ends its group. */
START_TEST(a_dead_agents_group_is_ended)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autoptr(GString) report = g_string_new(NULL);
    pid_t cmd = spawn_group();
    pid_t agent = fork();
    int status;

    ck_assert_int_ge(agent, 0);
    if (agent == 0) { /* the agent: records, then is killed */
        lh_inflight_open(dir, "jp1base", "rsc");
        lh_inflight_add(cmd, "/opt/jp1/jbs_start.cluster");
        pause();
        _exit(0);
    }
    lh_inflight_open(dir, "jp1base", "rsc");
    for (int i = 0; i < 100 && !g_file_test(lh_inflight_path(), G_FILE_TEST_EXISTS); i++) {
        g_usleep(10 * 1000);
    }
    /* while its agent lives, the group is its own business */
    ck_assert_uint_eq(lh_inflight_reap(100, report), 0);
    ck_assert(!group_gone(cmd));
    kill(agent, SIGKILL);
    ck_assert_int_eq(waitpid(agent, &status, 0), agent);
    ck_assert_uint_eq(lh_inflight_reap(100, report), 1);
    ck_assert_int_eq(reaped_signal(cmd), SIGTERM);
    ck_assert(lh_test_wait_gone(cmd, 1000));
    for (int i = 0; i < 100 && !group_gone(cmd); i++) {
        g_usleep(10 * 1000); /* the shell's child, reparented, goes too */
    }
    ck_assert(group_gone(cmd));
    ck_assert_msg(strstr(report->str, "(/opt/jp1/jbs_start.cluster) left by agent") != NULL,
                  "%s", report->str);
    ck_assert(!g_file_test(lh_inflight_path(), G_FILE_TEST_EXISTS)); /* forgotten */
    lh_inflight_close();
}
END_TEST

/* A pid reused since: another process, never signalled; and lines that are no record. */
START_TEST(a_reused_pid_and_garbage_are_left_alone)
{
    g_autofree char *dir = lh_test_tmpdir();
    pid_t cmd = spawn_group();
    guint64 start = 0;
    g_autofree char *text = NULL;

    lh_inflight_open(dir, "ajs3", "rsc");
    ck_assert(lh_proc_start_time(NULL, cmd, &start));
    /* the recorded start differs: this pid is a later process; the owner (pid 2^22-1,
     * start 1) is gone */
    text = g_strdup_printf("%d %" G_GUINT64_FORMAT " 4194303 1 /bin/sh\n"
                           "garbage\n1 5 4194303 1 init\n\n",
                           cmd, start + 1);
    ck_assert(g_file_set_contents(lh_inflight_path(), text, -1, NULL));
    ck_assert_uint_eq(lh_inflight_reap(100, NULL), 0);
    ck_assert(!group_gone(cmd));
    ck_assert(!g_file_test(lh_inflight_path(), G_FILE_TEST_EXISTS));
    kill(-cmd, SIGKILL);
    ck_assert_int_eq(reaped_signal(cmd), SIGKILL);
    lh_inflight_close();
}
END_TEST

/* lh_run() records its command while it waits, and forgets it once reaped. */
START_TEST(lh_run_records_while_it_waits)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *script = g_strdup_printf("cat '%s'/lhost-x-r.inflight", dir);
    const char *argv[] = {"/bin/sh", "-c", script, NULL};
    char *const envp[] = {(char *)LH_TEST_PATH, NULL};
    lh_run_result res = LH_RUN_RESULT_INIT;

    lh_inflight_open(dir, "x", "r");
    lh_run(argv, &(lh_run_options){.envp = envp, .deadline = lh_deadline_in_ms(5000)}, &res);
    ck_assert(lh_run_succeeded(&res));
    ck_assert_msg(g_str_has_suffix(res.out->str, " /bin/sh\n"), "%s", res.out->str);
    ck_assert(!g_file_test(lh_inflight_path(), G_FILE_TEST_EXISTS));
    lh_run_result_release(&res);
    lh_inflight_close();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("inflight");

    add_tcase(s, nothing_recorded_until_opened);
    add_tcase(s, added_then_removed);
    add_tcase(s, a_dead_agents_group_is_ended);
    add_tcase(s, a_reused_pid_and_garbage_are_left_alone);
    add_tcase(s, lh_run_records_while_it_waits);
    return lh_test_run_suite(s);
}
