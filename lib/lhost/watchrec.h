/* lhost/watchrec.h - the product processes whose death is a failure, for the watcher.
 *
 * Pacemaker learns that a product died at the next monitor, up to a whole interval
 * late. The watcher (ocf:lhost:watch, lhost-watchd) learns it at once from the
 * kernel, and needs to know which processes to hold: each agent names them
 * (lh_agent.watched), and lh_agent_main() keeps them in a record beside the
 * resource's state (HA_RSCTMP), one file per resource:
 *
 *   DIR/lhost-AGENT-RESOURCE.watch        # lhost watch record 1
 *                                         agent jp1base
 *                                         resource lhA-base
 *                                         node node1
 *                                         proc 4242 1234567 jbs_spmd
 *
 * A process is its pid and its start time (lhost/proc.h): a pid reused by another
 * process is never taken for the product. The record exists only while no action
 * but a monitor runs on the resource: lh_agent_main() removes it *before* any other
 * action acts (so a planned stop, demote or kill is never reported as a failure) and
 * writes it again, whole (written then renamed: a reader never sees half of one),
 * once any action but a stop has succeeded under Pacemaker. By hand (no
 * OCF_RESKEY_CRM_meta_on_node) a start records nothing: there is no cluster to tell;
 * but an action by hand on a resource that had a record (an admin's quiesce) gives
 * it back, for the node it named.
 *
 * The watcher, when a recorded process dies, claims the failure with
 * lh_watchrec_claim(): it re-reads the record, and only when it still names that very
 * process renames it to RECORD.failed (kept for the admin; the next action removes
 * it) and reports. A record removed meanwhile (an action began) is no failure, and a
 * failure is claimed once: a watcher that restarts finds the .failed file, not the
 * record.
 */
#ifndef LHOST_WATCHREC_H
#define LHOST_WATCHREC_H

#include <glib.h>

#include <lhost/proc.h>

G_BEGIN_DECLS

#define LH_WATCHREC_SUFFIX ".watch"
#define LH_WATCHREC_FAILED_SUFFIX ".watch.failed"

typedef struct lh_watchrec {
    char *agent;      /* "jp1base" */
    char *resource;   /* OCF_RESOURCE_INSTANCE: what crm_resource --fail names */
    char *node;       /* the node it runs on, Pacemaker's name */
    GPtrArray *procs; /* lh_proc *: pid, start_time, name (arg1 unused) */
} lh_watchrec;

lh_watchrec *lh_watchrec_new(const char *agent, const char *resource, const char *node);
void lh_watchrec_free(lh_watchrec *rec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(lh_watchrec, lh_watchrec_free)

/* Where records are kept: @dir if set, else HA_RSCTMP, else /run/resource-agents. */
const char *lh_watchrec_dir(const char *dir);
/* DIR/lhost-AGENT-RESOURCE.watch, the two names reduced to [A-Za-z0-9._-] (as
 * lhost/inflight.h names its files). */
char *lh_watchrec_path(const char *dir, const char *agent, const char *resource);
/* TRUE for a record's file name (a basename): lhost-*.watch. */
gboolean lh_watchrec_is_record_name(const char *name);

/* Writes @rec to @path whole (PATH.tmp, then rename). */
gboolean lh_watchrec_write(const char *path, const lh_watchrec *rec, GError **error);
/* Reads @path; NULL with @error set when it is missing or not a record. */
lh_watchrec *lh_watchrec_read(const char *path, GError **error);
/* Removes @path and its .failed: the next action has begun. */
void lh_watchrec_remove(const char *path);

/* The watcher's side: @pid (started at @start_time) of the record @path died. TRUE
 * when @path still names that process and was renamed to PATH.failed: report it,
 * once. FALSE when the record is gone or changed: an action runs, or ran. */
gboolean lh_watchrec_claim(const char *path, int pid, guint64 start_time);

/* lh_agent_main()'s side, around an action of @agent on @resource. Before: removes
 * the record (for every action but monitor, meta-data and validate-all), and returns
 * the node it named (NULL: there was none), so that an action by hand that changes
 * nothing (iws quiesce) can give the record back. After a success, when @node is
 * known (Pacemaker's, else the record's from before): records @procs (lh_proc *),
 * or nothing when @procs is empty. */
char *lh_watchrec_before_action(const char *agent, const char *resource);
void lh_watchrec_after_action(const char *agent, const char *resource, const char *node,
                              GPtrArray *procs);

G_END_DECLS

#endif
