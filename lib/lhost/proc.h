/* lhost/proc.h - the processes of one installation, found in /proc.
 *
 * A product installed twice on a host (two instances, two versions) runs processes
 * of the same names; only the executable's path tells whose they are. A process
 * belongs to the installation in DIR when /proc/PID/exe is DIR/NAME and its comm is
 * NAME (the kernel keeps the first 15 bytes of it): never the name alone, which any
 * other copy, or a script named after it, would match too.
 *
 * A pid alone is no identity: the pid of a process that exited may be given to a new
 * one. An lh_proc keeps the start time with the pid (field 22 of /proc/PID/stat),
 * and lh_proc_alive() and lh_proc_signal() act only on the very process found:
 *
 *   static const char *const names[] = {"netman", "iwsd", NULL};
 *   g_autoptr(GPtrArray) procs = lh_proc_find_in_dir(NULL, "/opt/iws/bin", names);
 *   const lh_proc *netman = lh_proc_by_name(procs, "netman");
 *   ...
 *   lh_proc_signal(NULL, procs, SIGTERM);   (later: those that still run)
 *
 * Each function takes @proc_root, the proc file system's mount point: NULL for
 * "/proc"; the unit tests pass a directory of crafted files.
 */
#ifndef LHOST_PROC_H
#define LHOST_PROC_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct lh_proc {
    int pid;
    char *name;          /* the executable's basename, e.g. "netman" */
    guint64 start_time;  /* field 22 of /proc/PID/stat (clock ticks since boot): with
                          * pid, identifies the process (pids are reused) */
    char *arg1;          /* argv[1] from /proc/PID/cmdline, or NULL */
} lh_proc;

/* The live (not zombie) processes whose /proc/PID/exe is @dir/NAME (also with the
 * " (deleted)" the kernel appends once an upgrade replaced or removed the file) and
 * whose comm is NAME, for NAME in @names (NULL-terminated; NULL: any name). @dir may
 * end in '/'. A process that ends during the scan, or whose exe cannot be read (not
 * ours to see: EACCES), is left out. Never NULL: a GPtrArray of lh_proc *, sorted by
 * pid, that frees them with lh_proc_free (the caller's to unref). */
GPtrArray *lh_proc_find_in_dir(const char *proc_root, const char *dir,
                               const char *const *names);
void lh_proc_free(lh_proc *proc);

/* For a product whose executable tells nothing: the JP1 emulator runs every daemon
 * from one binary, argv {NAME, -h, LOGICAL_HOST}, so /proc/PID/exe cannot say whose
 * a process is, and only the name and the arguments can. The live (not zombie)
 * processes whose comm is what the kernel keeps of @name (its first 15 bytes: two
 * names alike in those are alike here) and whose argv[1], argv[2], ... are @args
 * (NULL-terminated, compared whole; more arguments may follow; NULL: any), in our
 * pid namespace (from the host, /proc shows every container's processes too; a
 * process whose namespace cannot be read is taken as ours). Cheap
 * enough for once per action, not for every monitor: it reads each process's stat,
 * and the cmdline of those of that comm only. Never NULL: lh_proc *, sorted by pid,
 * name @name, arg1 argv[1] (the caller's to unref). */
GPtrArray *lh_proc_find_named(const char *proc_root, const char *name,
                              const char *const *args);

/* The start time of @pid (field 22 of its stat), when it runs and is no zombie:
 * with the pid, what tells a process from a later one that reused its pid. */
gboolean lh_proc_start_time(const char *proc_root, int pid, guint64 *start_time);

/* TRUE when @proc still runs: the same pid, the same start time, not a zombie. */
gboolean lh_proc_alive(const char *proc_root, const lh_proc *proc);

/* The first process named @name in @procs (borrowed from it), or NULL. */
const lh_proc *lh_proc_by_name(GPtrArray *procs, const char *name);

/* Sends @sig to each process of @procs that is still the one found (lh_proc_alive);
 * the number signalled. */
guint lh_proc_signal(const char *proc_root, GPtrArray *procs, int sig);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(lh_proc, lh_proc_free)

G_END_DECLS

#endif
