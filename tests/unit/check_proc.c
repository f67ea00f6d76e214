/* check_proc.c - lhost/proc.h: the processes of one installation.
 *
 * Real processes first: /bin/sleep, hard-linked (or copied, across file systems)
 * into the test's directories under the name "netman", run by fork and exec; the
 * same program from another directory must not be taken for ours, nor a zombie, nor
 * a process that has exited. Then a crafted proc root (directories of stat, cmdline
 * and exe links, as the kernel shows them) for what real processes cannot easily be
 * made to show: a comm full of ')' and spaces, an executable replaced by an upgrade
 * (" (deleted)"), a comm the kernel cut to 15 bytes, a pid that vanished mid-scan.
 * By name and arguments (lh_proc_find_named): real processes run under a name past
 * 15 bytes with arguments of their own, then a crafted proc root.
 */
#include "config.h"

#include <signal.h>
#include <sys/wait.h>

#include <lhost/proc.h>

#include "check_common.h"

static const char *const netman_only[] = {"netman", NULL};

/* @dir/@name: /bin/sleep under another name (the caller frees the path). */
static char *install_as(const char *dir, const char *name)
{
    char *path = g_build_filename(dir, name, NULL);
    char *sleep_path = realpath("/bin/sleep", NULL);

    ck_assert_msg(sleep_path != NULL, "no /bin/sleep: %s", g_strerror(errno));
    if (link(sleep_path, path) != 0) {
        g_autofree char *binary = NULL;
        gsize len = 0;

        /* another file system (EXDEV): a copy is as good */
        ck_assert(g_file_get_contents(sleep_path, &binary, &len, NULL));
        ck_assert(g_file_set_contents(path, binary, (gssize)len, NULL));
        ck_assert_int_eq(chmod(path, 0755), 0);
    }
    free(sleep_path);
    return path;
}

static char *install_netman(const char *dir)
{
    return install_as(dir, "netman");
}

/* What /proc/PID/exe names, or NULL. */
static char *exe_of(pid_t pid)
{
    g_autofree char *link = g_strdup_printf("/proc/%d/exe", (int)pid);

    return g_file_read_link(link, NULL);
}

/* Runs @path with @argv (argv[0] included); returns once the child runs it. */
static pid_t spawn_argv(const char *path, const char *const *argv)
{
    gint64 until = lh_test_now_ms() + 5000;
    pid_t pid = fork();

    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        execv(path, (char *const *)argv);
        _exit(127);
    }
    for (;;) {
        g_autofree char *exe = exe_of(pid);

        if (exe != NULL && strcmp(exe, path) == 0) {
            return pid;
        }
        ck_assert_msg(lh_test_now_ms() < until, "%s did not start", path);
        g_usleep(5 * 1000);
    }
}

/* Runs @path with argv[1] @arg; returns once the child runs it (exec done). */
static pid_t spawn(const char *path, const char *arg)
{
    const char *const argv[] = {"netman", arg, NULL};

    return spawn_argv(path, argv);
}

/* Waits for the child @pid; its wait status. */
static int reap(pid_t pid)
{
    int status = 0;

    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    return status;
}

static void kill_and_reap(pid_t pid)
{
    kill(pid, SIGKILL);
    reap(pid);
}

/* Field 22 of /proc/PID/stat, read here on its own. */
static guint64 start_time_of(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int)pid);
    g_autofree char *text = lh_test_read_file(path);
    g_auto(GStrv) fields = NULL;

    ck_assert_ptr_nonnull(text);
    fields = g_strsplit(strrchr(text, ')') + 2, " ", -1); /* [0] is field 3 */
    ck_assert_uint_ge(g_strv_length(fields), 20);
    return g_ascii_strtoull(fields[19], NULL, 10);
}

START_TEST(found_by_its_directory)
{
    g_autofree char *mine = lh_test_tmpdir(), *other = lh_test_tmpdir();
    g_autofree char *mine_path = install_netman(mine), *other_path = install_netman(other);
    g_autofree char *slashed = g_strconcat(mine, "//", NULL);
    pid_t ours = spawn(mine_path, "30"), theirs = spawn(other_path, "31");
    g_autoptr(GPtrArray) procs = lh_proc_find_in_dir(NULL, mine, netman_only);
    const lh_proc *proc;

    ck_assert_uint_eq(procs->len, 1);
    proc = g_ptr_array_index(procs, 0);
    ck_assert_int_eq(proc->pid, ours);
    ck_assert_str_eq(proc->name, "netman");
    ck_assert_str_eq(proc->arg1, "30");
    ck_assert_uint_eq(proc->start_time, start_time_of(ours));
    ck_assert_uint_gt(proc->start_time, 0);
    ck_assert_ptr_eq(lh_proc_by_name(procs, "netman"), proc);
    ck_assert_ptr_null(lh_proc_by_name(procs, "sleep"));
    {
        /* a trailing slash, any name: the same; another name: none */
        static const char *const other_names[] = {"iwsd", NULL};
        g_autoptr(GPtrArray) slash = lh_proc_find_in_dir(NULL, slashed, netman_only);
        g_autoptr(GPtrArray) any = lh_proc_find_in_dir(NULL, mine, NULL);
        g_autoptr(GPtrArray) none = lh_proc_find_in_dir(NULL, mine, other_names);
        g_autoptr(GPtrArray) theirs_found = lh_proc_find_in_dir("/proc", other, netman_only);

        ck_assert_uint_eq(slash->len, 1);
        ck_assert_uint_eq(any->len, 1);
        ck_assert_int_eq(((lh_proc *)g_ptr_array_index(any, 0))->pid, ours);
        ck_assert_uint_eq(none->len, 0);
        ck_assert_uint_eq(theirs_found->len, 1);
        ck_assert_int_eq(((lh_proc *)g_ptr_array_index(theirs_found, 0))->pid, theirs);
    }
    kill_and_reap(ours);
    kill_and_reap(theirs);
}
END_TEST

START_TEST(sorted_by_pid_and_nothing_in_an_empty_dir)
{
    g_autofree char *dir = lh_test_tmpdir(), *empty = lh_test_tmpdir();
    g_autofree char *path = install_netman(dir);
    pid_t pids[3];
    g_autoptr(GPtrArray) procs = NULL;
    g_autoptr(GPtrArray) none = lh_proc_find_in_dir(NULL, empty, NULL);

    for (gsize i = 0; i < G_N_ELEMENTS(pids); i++) {
        pids[i] = spawn(path, "30");
    }
    procs = lh_proc_find_in_dir(NULL, dir, netman_only);
    ck_assert_uint_eq(procs->len, G_N_ELEMENTS(pids));
    for (guint i = 1; i < procs->len; i++) {
        ck_assert_int_lt(((lh_proc *)g_ptr_array_index(procs, i - 1))->pid,
                         ((lh_proc *)g_ptr_array_index(procs, i))->pid);
    }
    ck_assert_uint_eq(none->len, 0);
    for (gsize i = 0; i < G_N_ELEMENTS(pids); i++) {
        kill_and_reap(pids[i]);
    }
}
END_TEST

/* Killed but not yet waited for: a zombie, which runs nothing. */
START_TEST(a_zombie_is_not_found)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = install_netman(dir);
    pid_t pid = spawn(path, "30");
    g_autoptr(GPtrArray) before = lh_proc_find_in_dir(NULL, dir, netman_only);
    g_autoptr(GPtrArray) after = NULL;

    ck_assert_uint_eq(before->len, 1);
    ck_assert_int_eq(kill(pid, SIGKILL), 0);
    ck_assert(lh_test_wait_gone(pid, 5000)); /* gone: a zombie, not reaped yet */
    after = lh_proc_find_in_dir(NULL, dir, netman_only);
    ck_assert_uint_eq(after->len, 0);
    ck_assert(!lh_proc_alive(NULL, g_ptr_array_index(before, 0)));
    reap(pid);
}
END_TEST

START_TEST(alive_until_it_exits)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = install_netman(dir);
    pid_t pid = spawn(path, "30");
    g_autoptr(GPtrArray) procs = lh_proc_find_in_dir(NULL, dir, netman_only);
    lh_proc *proc;
    lh_proc reused;

    ck_assert_uint_eq(procs->len, 1);
    proc = g_ptr_array_index(procs, 0);
    ck_assert(lh_proc_alive(NULL, proc));
    /* the same pid started at another time: another process */
    reused = *proc;
    reused.start_time++;
    ck_assert(!lh_proc_alive(NULL, &reused));
    kill_and_reap(pid);
    ck_assert(!lh_proc_alive(NULL, proc));
    ck_assert(!lh_proc_alive(NULL, NULL));
}
END_TEST

START_TEST(signal_reaches_only_the_living)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = install_netman(dir);
    pid_t gone = spawn(path, "30"), running = spawn(path, "31");
    g_autoptr(GPtrArray) procs = lh_proc_find_in_dir(NULL, dir, netman_only);
    g_autoptr(GPtrArray) empty = g_ptr_array_new();
    int status;

    ck_assert_uint_eq(procs->len, 2);
    kill_and_reap(gone);
    ck_assert_uint_eq(lh_proc_signal(NULL, procs, SIGTERM), 1);
    status = reap(running);
    ck_assert(WIFSIGNALED(status));
    ck_assert_int_eq(WTERMSIG(status), SIGTERM);
    ck_assert_uint_eq(lh_proc_signal(NULL, procs, SIGTERM), 0);
    ck_assert_uint_eq(lh_proc_signal(NULL, empty, SIGTERM), 0);
}
END_TEST

/* ---- a crafted proc root -------------------------------------------------------- */

/* PROC/@pid/ with stat (@comm, @state, @start), cmdline (@cmdline_len bytes) and exe
 * (a symlink to @exe; none when NULL). */
static void fake_process(const char *proc, int pid, const char *comm, char state,
                         const char *start, const char *exe, const char *cmdline,
                         gsize cmdline_len)
{
    g_autofree char *dir = g_strdup_printf("%s/%d", proc, pid);
    g_autofree char *stat_path = g_build_filename(dir, "stat", NULL);
    g_autofree char *cmdline_path = g_build_filename(dir, "cmdline", NULL);
    g_autofree char *exe_path = g_build_filename(dir, "exe", NULL);
    /* fields 4-21, then 22 (the start time), then some of the rest */
    g_autofree char *stat_line = g_strdup_printf(
        "%d (%s) %c 1 %d %d 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 %s 2256896 130 "
        "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n",
        pid, comm, state, pid, pid, start);

    ck_assert_int_eq(g_mkdir_with_parents(dir, 0755), 0);
    lh_test_write_file(stat_path, stat_line, 0644);
    ck_assert(g_file_set_contents(cmdline_path, cmdline, (gssize)cmdline_len, NULL));
    if (exe != NULL) {
        ck_assert_int_eq(symlink(exe, exe_path), 0);
    }
}

typedef struct fake_root {
    char *proc; /* the proc root */
    char *dir;  /* the installation's directory */
} fake_root;

static void fake_root_init(fake_root *f)
{
    g_autofree char *base = lh_test_tmpdir();
    g_autofree char *replaced = NULL, *other = NULL, *nested = NULL, *odd = NULL, *longer = NULL;

    f->proc = g_build_filename(base, "proc", NULL);
    f->dir = g_build_filename(base, "opt", "iws", "bin", NULL);
    ck_assert_int_eq(g_mkdir_with_parents(f->dir, 0755), 0);
    ck_assert_int_eq(g_mkdir_with_parents(f->proc, 0755), 0);
    odd = g_build_filename(f->dir, "a) b) c)", NULL);
    replaced = g_strconcat(f->dir, "/netman (deleted)", NULL);
    other = g_build_filename(base, "opt", "iws2", "bin", "netman", NULL);
    nested = g_build_filename(f->dir, "sub", "netman", NULL);
    longer = g_build_filename(f->dir, "averyveryverylongname", NULL);

    /* found */
    fake_process(f->proc, 4242, "a) b) c)", 'S', "123456789", odd, "x\0--flag\0y\0", 11);
    fake_process(f->proc, 4243, "netman", 'R', "7", replaced, "netman\0", 7);
    fake_process(f->proc, 4247, "averyveryverylo", 'S', "8", longer, "", 0);
    /* not found: a zombie, another install, a subdirectory, a comm not the exe's, an
     * exe not to be read, a pid gone but for its directory, a name cut wrong */
    fake_process(f->proc, 4244, "netman", 'Z', "9", replaced, "", 0);
    fake_process(f->proc, 4245, "netman", 'S', "10", other, "netman\0", 7);
    fake_process(f->proc, 4246, "netman", 'S', "11", nested, "netman\0", 7);
    fake_process(f->proc, 4248, "bash", 'S', "12", replaced, "netman\0", 7);
    fake_process(f->proc, 4249, "netman", 'S', "13", NULL, "netman\0", 7);
    fake_process(f->proc, 4250, "averyveryverylon", 'S', "14", longer, "", 0);
    {
        g_autofree char *vanished = g_build_filename(f->proc, "4251", NULL);
        g_autofree char *self = g_build_filename(f->proc, "self", NULL);

        ck_assert_int_eq(g_mkdir_with_parents(vanished, 0755), 0);
        ck_assert_int_eq(g_mkdir_with_parents(self, 0755), 0);
    }
}

static void fake_root_release(fake_root *f)
{
    g_free(f->proc);
    g_free(f->dir);
}

START_TEST(fake_root_crafted_stat_lines)
{
    fake_root f;
    g_autoptr(GPtrArray) all = NULL;
    const lh_proc *odd, *replaced, *longer;

    fake_root_init(&f);
    all = lh_proc_find_in_dir(f.proc, f.dir, NULL);
    ck_assert_uint_eq(all->len, 3);
    odd = g_ptr_array_index(all, 0);
    replaced = g_ptr_array_index(all, 1);
    longer = g_ptr_array_index(all, 2);

    ck_assert_int_eq(odd->pid, 4242);
    ck_assert_str_eq(odd->name, "a) b) c)");
    ck_assert_uint_eq(odd->start_time, 123456789);
    ck_assert_str_eq(odd->arg1, "--flag");

    ck_assert_int_eq(replaced->pid, 4243);
    ck_assert_str_eq(replaced->name, "netman");
    ck_assert_uint_eq(replaced->start_time, 7);
    ck_assert_ptr_null(replaced->arg1);

    ck_assert_int_eq(longer->pid, 4247);
    ck_assert_str_eq(longer->name, "averyveryverylongname");
    ck_assert_ptr_null(longer->arg1);

    ck_assert_ptr_eq(lh_proc_by_name(all, "netman"), replaced);
    ck_assert(lh_proc_alive(f.proc, odd));
    fake_root_release(&f);
}
END_TEST

START_TEST(fake_root_names_and_liveness)
{
    static const char *const long_only[] = {"averyveryverylongname", NULL};
    static const char *const cut_only[] = {"averyveryverylo", NULL};
    fake_root f;
    g_autoptr(GPtrArray) netman = NULL, longer = NULL, cut = NULL;
    g_autofree char *slashed = NULL;
    lh_proc zombie = {4244, NULL, 9, NULL};
    lh_proc missing = {4251, NULL, 0, NULL};
    lh_proc reused = {4243, NULL, 6, NULL};

    fake_root_init(&f);
    slashed = g_strconcat(f.dir, "/", NULL);
    netman = lh_proc_find_in_dir(f.proc, slashed, netman_only);
    ck_assert_uint_eq(netman->len, 1);
    ck_assert_int_eq(((lh_proc *)g_ptr_array_index(netman, 0))->pid, 4243);
    /* a name past 15 bytes: the kernel's cut comm matches it, the exe names it whole */
    longer = lh_proc_find_in_dir(f.proc, f.dir, long_only);
    ck_assert_uint_eq(longer->len, 1);
    ck_assert_int_eq(((lh_proc *)g_ptr_array_index(longer, 0))->pid, 4247);
    cut = lh_proc_find_in_dir(f.proc, f.dir, cut_only); /* not the exe's name */
    ck_assert_uint_eq(cut->len, 0);

    ck_assert(lh_proc_alive(f.proc, g_ptr_array_index(netman, 0)));
    ck_assert(!lh_proc_alive(f.proc, &zombie));
    ck_assert(!lh_proc_alive(f.proc, &missing));
    ck_assert(!lh_proc_alive(f.proc, &reused));
    fake_root_release(&f);
}
END_TEST

/* ---- by name and arguments ------------------------------------------------------- */

/* The pids of @procs, "1 2 3", for messages and comparisons. */
static char *pids_of(GPtrArray *procs)
{
    GString *text = g_string_new(NULL);

    for (guint i = 0; i < procs->len; i++) {
        g_string_append_printf(text, "%s%d", i > 0 ? " " : "",
                               ((lh_proc *)g_ptr_array_index(procs, i))->pid);
    }
    return g_string_free(text, FALSE);
}

static void assert_named(const char *proc_root, const char *name, const char *const *args,
                         const char *expected)
{
    g_autoptr(GPtrArray) procs = lh_proc_find_named(proc_root, name, args);
    g_autofree char *pids = pids_of(procs);

    ck_assert_msg(strcmp(pids, expected) == 0, "%s: found '%s', expected '%s'", name, pids,
                  expected);
}

/* A name past 15 bytes (the kernel's comm is its first 15), with this test's pid in
 * those: a run of the suite from another build at the same time has its own. */
START_TEST(named_real_processes)
{
    g_autofree char *long_name = g_strdup_printf("s%d_of_a_unit_test", (int)getpid());
    g_autofree char *cut = g_strndup(long_name, 15), *cut_short = g_strndup(long_name, 14);
    static const char *const first[] = {"30", "1", NULL};
    static const char *const any_30[] = {"30", NULL};
    static const char *const longer[] = {"30", "1", "x", NULL};
    static const char *const second_only[] = {"1", NULL};
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = install_as(dir, long_name);
    g_autofree char *other_path = install_as(dir, "other_of_a_unit_test");
    const char *argv_a[] = {long_name, "30", "1", NULL};
    const char *argv_b[] = {long_name, "30", "2", NULL};
    const char *argv_c[] = {"other_of_a_unit_test", "30", "1", NULL};
    pid_t a = spawn_argv(path, argv_a), b = spawn_argv(path, argv_b);
    pid_t c = spawn_argv(other_path, argv_c);
    g_autoptr(GPtrArray) found = lh_proc_find_named(NULL, long_name, first);
    g_autofree char *a_pid = g_strdup_printf("%d", (int)a);
    g_autofree char *both = g_strdup_printf("%d %d", (int)MIN(a, b), (int)MAX(a, b));
    const lh_proc *proc;

    ck_assert_uint_eq(found->len, 1);
    proc = g_ptr_array_index(found, 0);
    ck_assert_int_eq(proc->pid, a);
    ck_assert_str_eq(proc->name, long_name);
    ck_assert_str_eq(proc->arg1, "30");
    ck_assert_uint_eq(proc->start_time, start_time_of(a));
    ck_assert(lh_proc_alive(NULL, proc));
    /* a prefix of the arguments; any; none that long; argv[2] is not argv[1] */
    assert_named(NULL, long_name, any_30, both);
    assert_named(NULL, long_name, NULL, both);
    assert_named(NULL, long_name, longer, "");
    assert_named(NULL, long_name, second_only, "");
    /* what the kernel keeps of the name is all there is to compare */
    assert_named(NULL, cut, first, a_pid);
    assert_named(NULL, cut_short, first, "");
    /* killed, not yet reaped: a zombie is no process of the product */
    ck_assert_int_eq(kill(a, SIGKILL), 0);
    ck_assert(lh_test_wait_gone(a, 5000));
    assert_named(NULL, long_name, first, "");
    reap(a);
    ck_assert(!lh_proc_alive(NULL, proc));
    kill_and_reap(b);
    kill_and_reap(c);
}
END_TEST

START_TEST(named_in_a_fake_root)
{
    static const char *const lh_a[] = {"-h", "lhA", NULL};
    static const char *const dash_h[] = {"-h", NULL};
    g_autofree char *base = lh_test_tmpdir();
    g_autofree char *proc = g_build_filename(base, "proc", NULL);
    g_autofree char *vanished = g_build_filename(proc, "5010", NULL);
    g_autoptr(GPtrArray) found = NULL;
    const lh_proc *first;

    /* found for lhA: the exact argv, and one with more arguments after it */
    fake_process(proc, 5001, "jbs_spmd", 'S', "101", NULL, "jbs_spmd\0-h\0lhA\0", 16);
    fake_process(proc, 5006, "jbs_spmd", 'R', "106", NULL, "jbs_spmd\0-h\0lhA\0-x\0", 19);
    /* another logical host; a zombie; a kernel thread (no cmdline); argv too short,
     * without its last NUL; another comm; another product's daemon of lhA */
    fake_process(proc, 5002, "jbs_spmd", 'S', "102", NULL, "jbs_spmd\0-h\0lhB\0", 16);
    fake_process(proc, 5003, "jbs_spmd", 'Z', "103", NULL, "", 0);
    fake_process(proc, 5004, "jbs_spmd", 'S', "104", NULL, "", 0);
    fake_process(proc, 5005, "jbs_spmd", 'S', "105", NULL, "jbs_spmd\0-h", 11);
    fake_process(proc, 5007, "jbs_spmdx", 'S', "107", NULL, "jbs_spmd\0-h\0lhA\0", 16);
    fake_process(proc, 5008, "jajs_schd", 'S', "108", NULL,
                 "jajs_schd\0-h\0lhA\0-F\0AJSROOT1\0", 30);
    /* a comm of spaces and parentheses, an argv whose last NUL was overwritten */
    fake_process(proc, 5009, "a) b (c", 'S', "109", NULL, "x\0-h\0lhA", 9);
    ck_assert_int_eq(g_mkdir_with_parents(vanished, 0755), 0);

    found = lh_proc_find_named(proc, "jbs_spmd", lh_a);
    ck_assert_uint_eq(found->len, 2);
    first = g_ptr_array_index(found, 0);
    ck_assert_int_eq(first->pid, 5001);
    ck_assert_str_eq(first->name, "jbs_spmd");
    ck_assert_str_eq(first->arg1, "-h");
    ck_assert_uint_eq(first->start_time, 101);
    ck_assert_int_eq(((lh_proc *)g_ptr_array_index(found, 1))->pid, 5006);
    ck_assert_uint_eq(((lh_proc *)g_ptr_array_index(found, 1))->start_time, 106);
    assert_named(proc, "jbs_spmd", dash_h, "5001 5002 5005 5006");
    assert_named(proc, "jbs_spmd", NULL, "5001 5002 5005 5006");
    assert_named(proc, "jajs_schd", lh_a, "5008");
    assert_named(proc, "a) b (c", lh_a, "5009");
    assert_named(proc, "jco_spmd", NULL, "");
}
END_TEST

/* PROC/@pid/ns/pid, a symlink to @ns as the kernel shows it ("pid:[INODE]"). */
static void fake_pid_ns(const char *proc, const char *pid, const char *ns)
{
    g_autofree char *dir = g_strdup_printf("%s/%s/ns", proc, pid);
    g_autofree char *link = g_build_filename(dir, "pid", NULL);

    ck_assert_int_eq(g_mkdir_with_parents(dir, 0755), 0);
    ck_assert_int_eq(symlink(ns, link), 0);
}

/* From the host, /proc shows the processes of every container (and every node of the
 * test lab) too: one in another pid namespace is not this node's. */
START_TEST(named_only_in_our_pid_namespace)
{
    static const char *const lh_a[] = {"-h", "lhA", NULL};
    g_autofree char *base = lh_test_tmpdir();
    g_autofree char *proc = g_build_filename(base, "proc", NULL);

    fake_process(proc, 6001, "jbs_spmd", 'S', "1", NULL, "jbs_spmd\0-h\0lhA\0", 16);
    fake_process(proc, 6002, "jbs_spmd", 'S', "2", NULL, "jbs_spmd\0-h\0lhA\0", 16);
    fake_process(proc, 6003, "jbs_spmd", 'S', "3", NULL, "jbs_spmd\0-h\0lhA\0", 16);
    fake_pid_ns(proc, "6001", "pid:[4026531836]");
    fake_pid_ns(proc, "6002", "pid:[4026532999]"); /* another namespace */
    /* 6003: no namespace to read (not ours to see): taken as ours */
    assert_named(proc, "jbs_spmd", lh_a, "6001 6002 6003"); /* our own unknown: all */
    fake_pid_ns(proc, "self", "pid:[4026531836]");
    assert_named(proc, "jbs_spmd", lh_a, "6001 6003");
}
END_TEST

START_TEST(no_proc_root_no_processes)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *nowhere = g_build_filename(dir, "none", NULL);
    g_autoptr(GPtrArray) procs = lh_proc_find_in_dir(nowhere, "/usr/bin", NULL);
    g_autoptr(GPtrArray) named = lh_proc_find_named(nowhere, "jbs_spmd", NULL);
    lh_proc proc = {1, NULL, 1, NULL};

    ck_assert_ptr_nonnull(procs);
    ck_assert_uint_eq(procs->len, 0);
    ck_assert_ptr_nonnull(named);
    ck_assert_uint_eq(named->len, 0);
    ck_assert(!lh_proc_alive(nowhere, &proc));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("proc");

    add_tcase(s, found_by_its_directory);
    add_tcase(s, sorted_by_pid_and_nothing_in_an_empty_dir);
    add_tcase(s, a_zombie_is_not_found);
    add_tcase(s, alive_until_it_exits);
    add_tcase(s, signal_reaches_only_the_living);
    add_tcase(s, fake_root_crafted_stat_lines);
    add_tcase(s, fake_root_names_and_liveness);
    add_tcase(s, named_real_processes);
    add_tcase(s, named_in_a_fake_root);
    add_tcase(s, named_only_in_our_pid_namespace);
    add_tcase(s, no_proc_root_no_processes);
    return lh_test_run_suite(s);
}
