/* proc.c - the processes of one installation, by executable path (lhost/proc.h).
 *
 * One pass over PROC_ROOT/<pid>/: the exe link first (one readlink into a buffer on
 * the stack: it rules out nearly every process of the node, at the cost of a system
 * call and no allocation), then stat (comm, state and start time) and the cmdline of
 * those left, then stat once more, so that a pid that ended and was reused (or a
 * process that exec'd something else) between the reads is not taken for the one
 * read first. A monitor scans every process of the node: this is its hot loop.
 * Whatever cannot be read is a process that ended, or one not ours to see: skipped.
 *
 * By name (lh_proc_find_named): stat first (one read: comm, state, start time), the
 * cmdline only of a process of that comm, then stat once more, as above; and the pid
 * namespace of a process that matched, which must be ours when both can be read.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include <lhost/proc.h>

#define PROC_ROOT "/proc"
/* The kernel keeps this much of a name as comm (TASK_COMM_LEN, less its NUL). */
#define COMM_MAX 15
#define DELETED_SUFFIX " (deleted)"
/* The fields of /proc/PID/stat that are read, numbered as in proc(5). */
#define STAT_STATE 3
#define STAT_STARTTIME 22
/* Longer than any /proc/PID/stat line (52 numeric fields and a 64-byte comm). */
#define STAT_MAX 4095

typedef struct proc_stat {
    char *comm;
    char state;
    guint64 start_time;
} proc_stat;

static void proc_stat_release(proc_stat *st)
{
    g_free(st->comm);
    st->comm = NULL;
}

static const char *root_or_default(const char *proc_root)
{
    return proc_root != NULL ? proc_root : PROC_ROOT;
}

/* "PID (COMM) S PPID ...": COMM may hold spaces and ')' itself, so it runs from the
 * first '(' to the last ')'; the fields after it are separated by single spaces. */
static gboolean parse_stat(const char *text, proc_stat *st)
{
    const char *open = strchr(text, '(');
    const char *close = strrchr(text, ')');
    const char *field;
    char *end = NULL;

    if (open == NULL || close == NULL || close < open || close[1] != ' ' || close[2] == '\0'
        || close[3] != ' ') {
        return FALSE;
    }
    field = close + 2; /* field 3, the state: one character */
    for (int n = STAT_STATE; n < STAT_STARTTIME && field != NULL; n++) {
        field = strchr(field, ' ');
        field = field != NULL ? field + 1 : NULL;
    }
    if (field == NULL || !g_ascii_isdigit(*field)) {
        return FALSE;
    }
    errno = 0;
    st->start_time = g_ascii_strtoull(field, &end, 10);
    if (errno != 0 || (*end != ' ' && *end != '\n' && *end != '\0')) {
        return FALSE;
    }
    st->state = close[2];
    st->comm = g_strndup(open + 1, (gsize)(close - open - 1));
    return TRUE;
}

/* /proc/PID/stat is one line well under a page (COMM is at most 64 bytes even for
 * kernel threads' names): read in one read(2), without glib's file machinery. */
static gboolean read_stat(const char *proc_root, int pid, proc_stat *st)
{
    char path[PATH_MAX];
    char text[STAT_MAX + 1];
    ssize_t n;
    int fd;

    if (g_snprintf(path, sizeof(path), "%s/%d/stat", proc_root, pid) >= (gint)sizeof(path)) {
        return FALSE;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return FALSE;
    }
    n = read(fd, text, STAT_MAX);
    close(fd);
    if (n <= 0) {
        return FALSE;
    }
    text[n] = '\0';
    return parse_stat(text, st);
}

/* A zombie has exited (only its parent's wait is missing); X is a task being reaped. */
static gboolean is_running(const proc_stat *st)
{
    return st->state != 'Z' && st->state != 'X' && st->state != 'x';
}

/* TRUE when @comm is what the kernel keeps of @name. */
static gboolean comm_is(const char *comm, const char *name)
{
    return strlen(comm) == MIN(strlen(name), (gsize)COMM_MAX)
           && strncmp(comm, name, COMM_MAX) == 0;
}

/* @dir without its trailing slashes ("/" becomes ""). */
static char *dir_trimmed(const char *dir)
{
    char *copy = g_strdup(dir);
    gsize len = strlen(copy);

    while (len > 0 && copy[len - 1] == '/') {
        copy[--len] = '\0';
    }
    return copy;
}

/* @dir with its symlinks resolved, trimmed; NULL when it cannot be (gone). */
static char *real_dir(const char *dir)
{
    char *real = realpath(dir, NULL);
    char *trimmed = real != NULL ? dir_trimmed(real) : NULL;

    free(real);
    return trimmed;
}

/* The basename of @exe when it is @dir/NAME (@dir trimmed), or NULL. */
static const char *name_in(const char *exe, const char *dir)
{
    gsize len = strlen(dir);
    const char *name = exe + len + 1;

    if (strncmp(exe, dir, len) != 0 || exe[len] != '/' || *name == '\0'
        || strchr(name, '/') != NULL) {
        return NULL;
    }
    return name;
}

/* The executable's name when /proc/PID/exe is in one of @dirs (NULL-terminated,
 * trimmed), less a " (deleted)"; NULL when it is not or cannot be read. */
static char *exe_name(const char *proc_root, int pid, const char *const *dirs)
{
    char link[PATH_MAX];
    char exe[PATH_MAX];
    ssize_t len;

    if (g_snprintf(link, sizeof(link), "%s/%d/exe", proc_root, pid) >= (gint)sizeof(link)) {
        return NULL;
    }
    len = readlink(link, exe, sizeof(exe) - 1);
    if (len < 0) {
        return NULL; /* ended, a kernel thread, or not ours to see (EACCES) */
    }
    exe[len] = '\0';
    if (g_str_has_suffix(exe, DELETED_SUFFIX)) {
        exe[len - (ssize_t)strlen(DELETED_SUFFIX)] = '\0';
    }
    for (gsize i = 0; dirs[i] != NULL; i++) {
        const char *name = name_in(exe, dirs[i]);

        if (name != NULL) {
            return g_strdup(name);
        }
    }
    return NULL;
}

/* argv[1] of /proc/PID/cmdline into *arg1 (NULL without one); FALSE when unreadable. */
static gboolean read_arg1(const char *proc_root, int pid, char **arg1)
{
    g_autofree char *path = g_strdup_printf("%s/%d/cmdline", proc_root, pid);
    g_autofree char *text = NULL;
    gsize len = 0, first_end;

    *arg1 = NULL;
    if (!g_file_get_contents(path, &text, &len, NULL)) {
        return FALSE;
    }
    first_end = strnlen(text, len);
    if (first_end + 1 < len) {
        *arg1 = g_strndup(text + first_end + 1, len - first_end - 1);
    }
    return TRUE;
}

/* The arguments in /proc/PID/cmdline, argv[0] first (empty for a kernel thread or
 * a process that is ending), or NULL when unreadable. */
static GStrv read_argv(const char *proc_root, int pid)
{
    g_autofree char *path = g_strdup_printf("%s/%d/cmdline", proc_root, pid);
    g_autofree char *text = NULL;
    gsize len = 0;
    GPtrArray *argv;

    if (!g_file_get_contents(path, &text, &len, NULL)) {
        return NULL;
    }
    argv = g_ptr_array_new();
    /* NUL-separated; the last may lack its NUL (a process that rewrote its argv) */
    for (gsize at = 0; at < len;) {
        gsize n = strnlen(text + at, len - at);

        g_ptr_array_add(argv, g_strndup(text + at, n));
        at += n + 1;
    }
    g_ptr_array_add(argv, NULL);
    return (GStrv)g_ptr_array_free(argv, FALSE);
}

/* TRUE when @argv[1..] begins with @args (NULL: any); @argv has its argv[0]. */
static gboolean args_begin_with(char *const *argv, const char *const *args)
{
    if (argv[0] == NULL) {
        return FALSE; /* a kernel thread, or a process ending: no program */
    }
    for (gsize i = 0; args != NULL && args[i] != NULL; i++) {
        if (argv[i + 1] == NULL || strcmp(argv[i + 1], args[i]) != 0) {
            return FALSE;
        }
    }
    return TRUE;
}

/* TRUE when @pid is still the process read in @before: not ended, not a zombie, not
 * another one under the same pid (or one that exec'd another program). */
static gboolean still_the_same(const char *proc_root, int pid, const proc_stat *before)
{
    proc_stat after = {NULL, 0, 0};
    gboolean same = read_stat(proc_root, pid, &after) && is_running(&after) &&
                    after.start_time == before->start_time &&
                    strcmp(after.comm, before->comm) == 0;

    proc_stat_release(&after);
    return same;
}

void lh_proc_free(lh_proc *proc)
{
    if (proc == NULL) {
        return;
    }
    g_free(proc->name);
    g_free(proc->arg1);
    g_free(proc);
}

/* What a scan looks for: in directories (lh_proc_find_in_dir), or by name. */
typedef struct proc_query {
    const char *const *dirs; /* trimmed, NULL-terminated; NULL: by name */
    const char *const *names;
    const char *name;
    const char *const *args;
    char *pid_ns; /* by name: PROC_ROOT/self/ns/pid, "pid:[INODE]"; NULL: unknown */
} proc_query;

/* The pid namespace @pid is in ("pid:[INODE]"), or NULL when it cannot be read (not
 * ours to see: EACCES; a crafted proc root without it). */
static char *pid_ns_of(const char *proc_root, const char *pid)
{
    g_autofree char *path = g_strdup_printf("%s/%s/ns/pid", proc_root, pid);

    return g_file_read_link(path, NULL);
}

/* FALSE only for a process known to be in another pid namespace than ours: from the
 * host, /proc shows the processes of every container (and of every node of the test
 * lab, tests/cluster), which run a product of their own, not this node's. */
static gboolean in_our_pid_ns(const char *proc_root, int pid, const proc_query *query)
{
    g_autofree char *text = g_strdup_printf("%d", pid);
    g_autofree char *ns = query->pid_ns != NULL ? pid_ns_of(proc_root, text) : NULL;

    return ns == NULL || strcmp(ns, query->pid_ns) == 0;
}

/* The process @pid when it is one of ours (see lh_proc_find_in_dir), or NULL. */
static lh_proc *proc_read(const char *proc_root, int pid, const char *const *dirs,
                          const char *const *names)
{
    proc_stat before = {NULL, 0, 0};
    g_autofree char *name = NULL, *arg1 = NULL;
    lh_proc *proc = NULL;

    name = exe_name(proc_root, pid, dirs);
    if (name == NULL || (names != NULL && !g_strv_contains(names, name))) {
        goto done;
    }
    if (!read_stat(proc_root, pid, &before) || !is_running(&before)
        || !comm_is(before.comm, name)) {
        goto done;
    }
    if (!read_arg1(proc_root, pid, &arg1) || !still_the_same(proc_root, pid, &before)) {
        goto done;
    }
    proc = g_new0(lh_proc, 1);
    proc->pid = pid;
    proc->name = g_steal_pointer(&name);
    proc->start_time = before.start_time;
    proc->arg1 = g_steal_pointer(&arg1);
done:
    proc_stat_release(&before);
    return proc;
}

/* The process @pid when its comm is @name's, its arguments begin with @args, and it
 * runs in our pid namespace (as far as can be told). */
static lh_proc *proc_read_named(const char *proc_root, int pid, const proc_query *query)
{
    const char *name = query->name;
    proc_stat before = {NULL, 0, 0};
    g_auto(GStrv) argv = NULL;
    lh_proc *proc = NULL;

    if (!read_stat(proc_root, pid, &before) || !is_running(&before)
        || !comm_is(before.comm, name)) {
        goto done;
    }
    argv = read_argv(proc_root, pid);
    if (argv == NULL || !args_begin_with(argv, query->args)
        || !in_our_pid_ns(proc_root, pid, query) || !still_the_same(proc_root, pid, &before)) {
        goto done;
    }
    proc = g_new0(lh_proc, 1);
    proc->pid = pid;
    proc->name = g_strdup(name);
    proc->start_time = before.start_time;
    proc->arg1 = g_strdup(argv[1]);
done:
    proc_stat_release(&before);
    return proc;
}

static gint compare_pid(gconstpointer a, gconstpointer b)
{
    const lh_proc *pa = *(const lh_proc *const *)a;
    const lh_proc *pb = *(const lh_proc *const *)b;

    return (pa->pid > pb->pid) - (pa->pid < pb->pid);
}

/* Every process of @proc_root that @query finds, sorted by pid. */
static GPtrArray *scan(const char *proc_root, const proc_query *query)
{
    GPtrArray *procs = g_ptr_array_new_with_free_func((GDestroyNotify)lh_proc_free);
    const char *root = root_or_default(proc_root);
    GDir *entries = g_dir_open(root, 0, NULL);
    const char *entry;

    if (entries == NULL) {
        return procs;
    }
    while ((entry = g_dir_read_name(entries)) != NULL) {
        guint64 pid;
        lh_proc *proc;

        if (!g_ascii_string_to_unsigned(entry, 10, 1, G_MAXINT, &pid, NULL)) {
            continue; /* not a process: self, sys, meminfo ... */
        }
        proc = query->dirs != NULL ? proc_read(root, (int)pid, query->dirs, query->names)
                                   : proc_read_named(root, (int)pid, query);
        if (proc != NULL) {
            g_ptr_array_add(procs, proc);
        }
    }
    g_dir_close(entries);
    g_ptr_array_sort(procs, compare_pid);
    return procs;
}

GPtrArray *lh_proc_find_in_dir(const char *proc_root, const char *dir,
                               const char *const *names)
{
    g_autofree char *trimmed = dir_trimmed(dir);
    g_autofree char *real = real_dir(dir);
    /* the directory as given, and as the kernel names it (through any symlink) */
    const char *dirs[] = {trimmed, real, NULL};
    proc_query query = {.dirs = dirs, .names = names};

    return scan(proc_root, &query);
}

GPtrArray *lh_proc_find_named(const char *proc_root, const char *name,
                              const char *const *args)
{
    proc_query query = {.name = name, .args = args};
    GPtrArray *procs;

    query.pid_ns = pid_ns_of(root_or_default(proc_root), "self");
    procs = scan(proc_root, &query);
    g_free(query.pid_ns);
    return procs;
}

gboolean lh_proc_alive(const char *proc_root, const lh_proc *proc)
{
    proc_stat st = {NULL, 0, 0};
    gboolean alive;

    if (proc == NULL || proc->pid <= 0) {
        return FALSE;
    }
    alive = read_stat(root_or_default(proc_root), proc->pid, &st) && is_running(&st)
            && st.start_time == proc->start_time;
    proc_stat_release(&st);
    return alive;
}

const lh_proc *lh_proc_by_name(GPtrArray *procs, const char *name)
{
    for (guint i = 0; procs != NULL && i < procs->len; i++) {
        const lh_proc *proc = g_ptr_array_index(procs, i);

        if (strcmp(proc->name, name) == 0) {
            return proc;
        }
    }
    return NULL;
}

/* Between the check and the kill the pid could in principle be reused: the window
 * is one system call long, and the pid would have to come round the whole pid space
 * in it. */
guint lh_proc_signal(const char *proc_root, GPtrArray *procs, int sig)
{
    guint signalled = 0;

    for (guint i = 0; procs != NULL && i < procs->len; i++) {
        const lh_proc *proc = g_ptr_array_index(procs, i);

        if (lh_proc_alive(proc_root, proc) && kill(proc->pid, sig) == 0) {
            signalled++;
        }
    }
    return signalled;
}

gboolean lh_proc_start_time(const char *proc_root, int pid, guint64 *start_time)
{
    proc_stat st = {NULL, 0, 0};
    gboolean alive = read_stat(root_or_default(proc_root), pid, &st) && is_running(&st);

    if (alive) {
        *start_time = st.start_time;
    }
    proc_stat_release(&st);
    return alive;
}
