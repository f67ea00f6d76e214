/* proc.c - the processes of one installation, by executable path (lhost/proc.h).
 *
 * One pass over PROC_ROOT/<pid>/: stat first (comm, state and start time: cheap, and
 * it rules out most processes by name), then the exe link and the cmdline of those
 * left, then stat once more, so that a pid that ended and was reused (or a process
 * that exec'd something else) between the reads is not taken for the one read first.
 * Whatever cannot be read is a process that ended, or one not ours to see: skipped.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include <lhost/proc.h>

#define PROC_ROOT "/proc"
/* The kernel keeps this much of a name as comm (TASK_COMM_LEN, less its NUL). */
#define COMM_MAX 15
#define DELETED_SUFFIX " (deleted)"
/* The fields of /proc/PID/stat that are read, numbered as in proc(5). */
#define STAT_STATE 3
#define STAT_STARTTIME 22

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
    g_autofree char *rest = NULL;
    g_auto(GStrv) fields = NULL;

    if (open == NULL || close == NULL || close < open) {
        return FALSE;
    }
    rest = g_strstrip(g_strdup(close + 1));
    fields = g_strsplit(rest, " ", -1);
    /* fields[0] is field 3 (the state) */
    if (g_strv_length(fields) < STAT_STARTTIME - STAT_STATE + 1 || strlen(fields[0]) != 1
        || !g_ascii_string_to_unsigned(fields[STAT_STARTTIME - STAT_STATE], 10, 0, G_MAXUINT64,
                                       &st->start_time, NULL)) {
        return FALSE;
    }
    st->state = fields[0][0];
    st->comm = g_strndup(open + 1, (gsize)(close - open - 1));
    return TRUE;
}

static gboolean read_stat(const char *proc_root, int pid, proc_stat *st)
{
    g_autofree char *path = g_strdup_printf("%s/%d/stat", proc_root, pid);
    g_autofree char *text = NULL;

    return g_file_get_contents(path, &text, NULL, NULL) && parse_stat(text, st);
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

static gboolean comm_in(const char *comm, const char *const *names)
{
    if (names == NULL) {
        return TRUE;
    }
    for (gsize i = 0; names[i] != NULL; i++) {
        if (comm_is(comm, names[i])) {
            return TRUE;
        }
    }
    return FALSE;
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
    g_autofree char *link = g_strdup_printf("%s/%d/exe", proc_root, pid);
    g_autofree char *exe = g_file_read_link(link, NULL);

    if (exe == NULL) {
        return NULL; /* ended, or not ours to see (EACCES) */
    }
    if (g_str_has_suffix(exe, DELETED_SUFFIX)) {
        exe[strlen(exe) - strlen(DELETED_SUFFIX)] = '\0';
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

void lh_proc_free(lh_proc *proc)
{
    if (proc == NULL) {
        return;
    }
    g_free(proc->name);
    g_free(proc->arg1);
    g_free(proc);
}

/* The process @pid when it is one of ours (see lh_proc_find_in_dir), or NULL. */
static lh_proc *proc_read(const char *proc_root, int pid, const char *const *dirs,
                          const char *const *names)
{
    proc_stat before = {NULL, 0, 0}, after = {NULL, 0, 0};
    g_autofree char *name = NULL, *arg1 = NULL;
    lh_proc *proc = NULL;

    if (!read_stat(proc_root, pid, &before) || !is_running(&before)
        || !comm_in(before.comm, names)) {
        goto done;
    }
    name = exe_name(proc_root, pid, dirs);
    if (name == NULL || !comm_is(before.comm, name)
        || (names != NULL && !g_strv_contains(names, name))) {
        goto done;
    }
    /* the same process still: not ended, not another one under the same pid */
    if (!read_arg1(proc_root, pid, &arg1) || !read_stat(proc_root, pid, &after)
        || !is_running(&after) || after.start_time != before.start_time
        || strcmp(after.comm, before.comm) != 0) {
        goto done;
    }
    proc = g_new0(lh_proc, 1);
    proc->pid = pid;
    proc->name = g_steal_pointer(&name);
    proc->start_time = before.start_time;
    proc->arg1 = g_steal_pointer(&arg1);
done:
    proc_stat_release(&before);
    proc_stat_release(&after);
    return proc;
}

static gint compare_pid(gconstpointer a, gconstpointer b)
{
    const lh_proc *pa = *(const lh_proc *const *)a;
    const lh_proc *pb = *(const lh_proc *const *)b;

    return (pa->pid > pb->pid) - (pa->pid < pb->pid);
}

GPtrArray *lh_proc_find_in_dir(const char *proc_root, const char *dir,
                               const char *const *names)
{
    GPtrArray *procs = g_ptr_array_new_with_free_func((GDestroyNotify)lh_proc_free);
    const char *root = root_or_default(proc_root);
    g_autofree char *trimmed = dir_trimmed(dir);
    g_autofree char *real = real_dir(dir);
    /* the directory as given, and as the kernel names it (through any symlink) */
    const char *dirs[] = {trimmed, real, NULL};
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
        proc = proc_read(root, (int)pid, dirs, names);
        if (proc != NULL) {
            g_ptr_array_add(procs, proc);
        }
    }
    g_dir_close(entries);
    g_ptr_array_sort(procs, compare_pid);
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
