/* lhost/cib.h - a logical host as Pacemaker configuration.
 *
 * The definition becomes one <group> (Pacemaker's order and colocation in one:
 * members start in the group's order, stop in reverse, and run on one node), one
 * <primitive> per member with its parameters as instance attributes and its start,
 * stop and monitor operations (the definition's overrides, else the agent's
 * meta-data), and the policy as the group's meta attributes, which its members
 * inherit: migration-threshold, failure-timeout and, when set, resource-stickiness.
 * Ids are "<lhost>", "<lhost>-<member>", "<lhost>-<member>-<what>".
 *
 *   lhost cib lhA | cibadmin --create --scope resources --xml-pipe
 */
#ifndef LHOST_CIB_H
#define LHOST_CIB_H

#include <glib.h>

#include <lhost/lhost.h>

G_BEGIN_DECLS

/* The <group> element, formatted, with a final newline (caller frees). */
char *lh_lhost_cib(const lh_lhost *lhost);

/* "20s", "500ms", "0s": a duration the way Pacemaker writes it (caller frees). */
char *lh_duration_format(gint64 ms);

G_END_DECLS

#endif
