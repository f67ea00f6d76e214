/* lhost/deadline.h - the one clock every wait in an action is measured against.
 *
 * Pacemaker gives an operation OCF_RESKEY_CRM_meta_timeout milliseconds and then
 * SIGKILLs the agent's whole process group without warning. An agent that waits
 * until that moment dies silently; one that stops a little earlier can still say
 * why it failed. So the deadline of an action is its timeout minus a margin kept
 * for reporting, measured on the monotonic clock (wall-clock jumps change nothing).
 *
 * Usage: lh_deadline d = lh_deadline_for_operation(getenv(...), 20, &note);
 *        ... while (!lh_deadline_passed(d)) { ... sleep(lh_deadline_clamp_ms(d, 500)) }
 */
#ifndef LHOST_DEADLINE_H
#define LHOST_DEADLINE_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct lh_deadline {
    gint64 at_us; /* g_get_monotonic_time() scale; G_MAXINT64: never */
} lh_deadline;

#define LH_DEADLINE_NEVER ((lh_deadline){G_MAXINT64})

lh_deadline lh_deadline_in_ms(gint64 ms);
gint64 lh_deadline_remaining_ms(lh_deadline deadline); /* 0 once passed */
gboolean lh_deadline_passed(lh_deadline deadline);
/* The sooner of two deadlines. */
lh_deadline lh_deadline_min(lh_deadline a, lh_deadline b);
/* @wish_ms, but never past the deadline: what a sleep may last. */
gint64 lh_deadline_clamp_ms(lh_deadline deadline, gint64 wish_ms);

/* The margin kept out of a timeout: a tenth, at least LH_DEADLINE_MARGIN_MIN_MS and
 * at most 2 s, and never more than half the timeout. The floor holds what may still
 * happen after the deadline: the one command running then gets SIGTERM, and up to
 * its grace period (LH_RUN_GRACE_DEFAULT_MS, 500 ms) before SIGKILL; then 250 ms to
 * report. No command starts once the deadline has passed (lhost/run.h). */
#define LH_DEADLINE_MARGIN_MIN_MS 750
gint64 lh_deadline_margin_ms(gint64 timeout_ms);

/* The operation's deadline from the value of OCF_RESKEY_CRM_meta_timeout
 * (milliseconds; NULL when run by hand) or, when that is absent or unusable,
 * from @default_s. An unusable value is described in *note (caller frees; NULL
 * when there is nothing to say). */
lh_deadline lh_deadline_for_operation(const char *meta_timeout_ms, guint default_s,
                                      char **note);

G_END_DECLS

#endif
