/* lhost/notify.h - the notification environment of a clone, parsed once.
 *
 * When a clone has notify=true, Pacemaker calls the agent's notify action before
 * ("pre") and after ("post") each start, stop, promote and demote of any instance,
 * and says what is happening in OCF_RESKEY_CRM_meta_notify_* variables: the type and
 * the operation, and space-separated lists of the instances (…_resource) and their
 * nodes (…_uname) that start, stop, promote, demote, are active, promoted,
 * unpromoted, inactive or available.
 *
 * lh_agent_main() parses them once for a notify action; the action finds the result
 * in op->notify (lhost/ocf.h) and never reads the environment itself:
 *
 *   if (op->notify->type == LH_NOTIFY_PRE && op->notify->operation == LH_NOTIFY_PROMOTE
 *       && g_strv_contains((const char *const *)op->notify->promote_uname, me)) ...
 *
 * Every list is a NULL-terminated vector, never NULL: a variable that is missing,
 * empty or only spaces gives an empty list, and runs of spaces (tabs, newlines)
 * separate nothing. The promoted and unpromoted lists fall back to Pacemaker's
 * deprecated names (notify_master_*, notify_slave_*) when the new ones are unset.
 */
#ifndef LHOST_NOTIFY_H
#define LHOST_NOTIFY_H

#include <glib.h>

G_BEGIN_DECLS

typedef enum lh_notify_type {
    LH_NOTIFY_TYPE_UNKNOWN, /* missing or not "pre"/"post" */
    LH_NOTIFY_PRE,
    LH_NOTIFY_POST,
} lh_notify_type;

typedef enum lh_notify_operation {
    LH_NOTIFY_OPERATION_UNKNOWN, /* missing or none of the four */
    LH_NOTIFY_START,
    LH_NOTIFY_STOP,
    LH_NOTIFY_PROMOTE,
    LH_NOTIFY_DEMOTE,
} lh_notify_operation;

typedef struct lh_notify {
    lh_notify_type type;
    lh_notify_operation operation;
    char *type_text;      /* notify_type as given ("" when missing) */
    char *operation_text; /* notify_operation as given ("" when missing) */
    /* Nodes (uname) and clone instances (resource) of each list. */
    GStrv start_uname, start_resource;
    GStrv stop_uname, stop_resource;
    GStrv promote_uname, promote_resource;
    GStrv demote_uname, demote_resource;
    GStrv active_uname, active_resource;
    GStrv promoted_uname, promoted_resource;     /* or notify_master_* */
    GStrv unpromoted_uname, unpromoted_resource; /* or notify_slave_* */
    GStrv inactive_uname, inactive_resource;
    GStrv available_uname;
    GStrv all_uname;
} lh_notify;

/* Parses the OCF_RESKEY_CRM_meta_notify_* variables of @envp (NULL-terminated
 * "NAME=value" strings). Never fails; the result is the caller's (lh_notify_free). */
lh_notify *lh_notify_parse(char *const *envp);
void lh_notify_free(lh_notify *notify);

/* "pre", "post", "start", ... for messages; "unknown" otherwise. */
const char *lh_notify_type_name(lh_notify_type type);
const char *lh_notify_operation_name(lh_notify_operation operation);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(lh_notify, lh_notify_free)

G_END_DECLS

#endif
