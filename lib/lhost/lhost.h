/* lhost/lhost.h - the logical host engine: a definition's members run in order.
 *
 * lh_lhost_open() loads a definition (lhost/lhdef.h), reads every member agent's
 * meta-data (lhost/agentinfo.h) and validates the whole: unknown agents, missing
 * required or unknown parameters (against each member's own meta-data), duplicate
 * members, members out of the disk -> ip -> base -> manager order, a shared
 * directory off the shared disk, and a shared directory or disk that another
 * definition in the same directory also claims. Nothing runs unless that list of
 * problems is empty.
 *
 * Then each operation runs the members' OCF agents one at a time, through the
 * project's runner, with the environment pacemaker-execd gives an agent
 * (OCF_ROOT, OCF_RESOURCE_INSTANCE "<lhost>-<member>", OCF_RESKEY_<param>,
 * OCF_RESKEY_CRM_meta_timeout, OCF_RESKEY_CRM_meta_interval), each under its own
 * deadline (the definition's op.<action>.timeout, else the agent's meta-data, else
 * 20 s):
 *   start    members in order; when one fails, it and every member started before it
 *            are stopped in reverse, and the result names the member and its reason;
 *   stop     members in reverse; a member that fails to stop does not keep the
 *            others running;
 *   monitor  every member (recurring: the members' monitor intervals), one answer;
 *   kill     members in reverse, each stop bounded by kill-timeout (the agents' own
 *            forced termination happens inside it); failures do not stop the rest;
 *   status   every member probed (interval 0), for display.
 * The result is an OCF code (lhost/ocf.h) with a reason, as an agent's would be.
 */
#ifndef LHOST_LHOST_H
#define LHOST_LHOST_H

#include <glib.h>

#include <lhost/agentinfo.h>
#include <lhost/lhdef.h>
#include <lhost/ocf.h>

G_BEGIN_DECLS

/* What one member's agent did for one action. */
typedef struct lh_member_outcome {
    const lh_member *member;
    const char *action;
    lh_ocf_code code;
    char *reason; /* its ocf-exit-reason, or how the agent ended; may be NULL */
    gint64 elapsed_ms;
} lh_member_outcome;

typedef struct lh_lhost lh_lhost;

/* Called before (@done NULL) and after each member action. */
typedef void (*lh_lhost_progress_fn)(const lh_lhost *lhost, guint index, const char *action,
                                     const lh_member_outcome *done, gpointer data);

struct lh_lhost {
    lh_def *def;
    char *ocf_root;
    char **envp;        /* the environment members start from (OCF_* of ours removed) */
    GPtrArray *infos;   /* lh_agent_info * per member; NULL where unreadable */
    lh_lhost_progress_fn progress;
    gpointer progress_data;
};

/* Loads @path, reads the members' meta-data from @ocf_root, validates. Problems
 * go to @problems ("FILE:LINE: text"). @envp is copied (NULL: the environment). */
lh_lhost *lh_lhost_open(const char *path, const char *ocf_root, char *const *envp,
                        GPtrArray *problems);
void lh_lhost_free(lh_lhost *lhost);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(lh_lhost, lh_lhost_free)

/* The definition's own checks against meta-data and sibling definitions (run by
 * lh_lhost_open; exposed for tests). */
void lh_lhost_validate(lh_lhost *lhost, GPtrArray *problems);

/* A member's timeout and interval for @action: the override, else meta-data, else
 * the fallback (20 s; a monitor interval of 10 s). */
gint64 lh_lhost_timeout_ms(const lh_lhost *lhost, guint index, const char *action);
gint64 lh_lhost_interval_ms(const lh_lhost *lhost, guint index, const char *action);

lh_result lh_lhost_start(lh_lhost *lhost);
lh_result lh_lhost_stop(lh_lhost *lhost);
lh_result lh_lhost_kill(lh_lhost *lhost);
/* @outcomes (may be NULL) receives one lh_member_outcome per member, in order;
 * release them with lh_member_outcome_release. @probe: interval 0, as status does. */
lh_result lh_lhost_monitor(lh_lhost *lhost, gboolean probe, GArray *outcomes);

void lh_member_outcome_release(lh_member_outcome *outcome);

/* One member action, as the operations above run it (exposed for tests). */
lh_member_outcome lh_lhost_run_member(lh_lhost *lhost, guint index, const char *action,
                                      gint64 timeout_ms, gint64 interval_ms);

G_END_DECLS

#endif
