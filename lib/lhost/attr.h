/* lhost/attr.h - Pacemaker node attributes and promotion scores.
 *
 * Node attributes are how an agent tells the cluster about a node: a transient one
 * (lifetime "reboot") lives in pacemaker-attrd and goes with the node's next
 * restart; a permanent one ("forever") is in the CIB's nodes section. The module
 * runs Pacemaker's own tools, found on the PATH of op->envp, through the project's
 * runner (lhost/run.h): an argv and never a shell, the operation's deadline, so a
 * tool that hangs (a cluster that is going away) ends the wait, not the agent.
 *
 *   transient   attrd_updater -n NAME -U VALUE [-N NODE]      (-D deletes, -Q queries,
 *                                                              -Q -A: every node's)
 *   permanent   crm_attribute -t nodes [-N NODE] -n NAME -l forever -v VALUE
 *                                                              (-D deletes, -G -q queries)
 *   promotion   crm_attribute --promotion=RESOURCE -v SCORE   (-D deletes)
 *
 * The promotion score is the node attribute Pacemaker reads to choose where a
 * promotable clone is promoted (resource-agents' ocf_promotion_score; not the
 * deprecated crm_master); RESOURCE is OCF_RESOURCE_INSTANCE of op->envp, as
 * crm_attribute itself would take it, and setting a score without one is an error.
 *
 * Every function returns TRUE when the tool did what was asked, or FALSE with *why
 * (the caller's to free) saying which command failed and how: "attrd_updater -n x
 * -U 1 returned 102 (not connected to the cluster): Could not connect to attrd".
 */
#ifndef LHOST_ATTR_H
#define LHOST_ATTR_H

#include <glib.h>

#include <lhost/ocf.h>

G_BEGIN_DECLS

typedef enum lh_attr_lifetime {
    LH_ATTR_REBOOT,  /* transient: pacemaker-attrd (attrd_updater) */
    LH_ATTR_FOREVER, /* permanent: the CIB's nodes section (crm_attribute) */
} lh_attr_lifetime;

/* Sets @name to @value on @node (NULL: this node). */
gboolean lh_attr_set(const lh_op *op, const char *name, const char *value, const char *node,
                     lh_attr_lifetime lifetime, char **why);
/* Removes @name from @node (NULL: this node). attrd_updater -D sets a transient
 * attribute to the empty value, which lh_attr_get() reads back as unset. */
gboolean lh_attr_delete(const lh_op *op, const char *name, const char *node,
                        lh_attr_lifetime lifetime, char **why);
/* Reads @name of @node (NULL: this node) into *value (the caller's to free): NULL
 * when the attribute is not set (or is empty), which is no error. */
gboolean lh_attr_get(const lh_op *op, const char *name, const char *node,
                     lh_attr_lifetime lifetime, char **value, char **why);
/* Every node's value of the transient attribute @name: attrd_updater -Q -A -n NAME.
 * *values gets a table node -> value (both strings, owned by the table; the caller
 * destroys it), empty when no node has a value; nodes whose value is empty (deleted)
 * are left out. On failure *values is NULL. */
gboolean lh_attr_get_all(const lh_op *op, const char *name, GHashTable **values, char **why);

/* This instance's promotion score on this node: crm_attribute --promotion -v SCORE. */
gboolean lh_attr_set_promotion_score(const lh_op *op, int score, char **why);
/* ... and its removal (the node is then no candidate for promotion). */
gboolean lh_attr_delete_promotion_score(const lh_op *op, char **why);

G_END_DECLS

#endif
