/* deadline.c - monotonic deadlines for agent operations. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include <lhost/deadline.h>

lh_deadline lh_deadline_in_ms(gint64 ms)
{
    gint64 now = g_get_monotonic_time();

    if (ms < 0) {
        ms = 0;
    }
    if (ms > (G_MAXINT64 - now) / 1000) {
        return LH_DEADLINE_NEVER;
    }
    return (lh_deadline){now + ms * 1000};
}

gint64 lh_deadline_remaining_ms(lh_deadline deadline)
{
    gint64 now;

    if (deadline.at_us == G_MAXINT64) {
        return G_MAXINT64 / 1000;
    }
    now = g_get_monotonic_time();
    /* Round up, so that "1 µs left" is not reported as "passed". */
    return deadline.at_us > now ? (deadline.at_us - now + 999) / 1000 : 0;
}

gboolean lh_deadline_passed(lh_deadline deadline)
{
    return deadline.at_us != G_MAXINT64 && g_get_monotonic_time() >= deadline.at_us;
}

lh_deadline lh_deadline_min(lh_deadline a, lh_deadline b)
{
    return a.at_us <= b.at_us ? a : b;
}

gint64 lh_deadline_clamp_ms(lh_deadline deadline, gint64 wish_ms)
{
    return MAX(0, MIN(wish_ms, lh_deadline_remaining_ms(deadline)));
}

gint64 lh_deadline_margin_ms(gint64 timeout_ms)
{
    gint64 margin = CLAMP(timeout_ms / 10, LH_DEADLINE_MARGIN_MIN_MS, 2000);

    return MIN(margin, timeout_ms / 2);
}

/* Parses a strictly positive millisecond count; FALSE for anything else. */
static gboolean parse_timeout_ms(const char *text, gint64 *ms)
{
    char *end = NULL;
    gint64 value;

    errno = 0;
    value = g_ascii_strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || value <= 0) {
        return FALSE;
    }
    *ms = value;
    return TRUE;
}

lh_deadline lh_deadline_for_operation(const char *meta_timeout_ms, guint default_s,
                                      char **note)
{
    gint64 timeout_ms = (gint64)default_s * 1000;

    *note = NULL;
    if (meta_timeout_ms != NULL && *meta_timeout_ms != '\0'
        && !parse_timeout_ms(meta_timeout_ms, &timeout_ms)) {
        timeout_ms = (gint64)default_s * 1000;
        *note = g_strdup_printf("ignoring OCF_RESKEY_CRM_meta_timeout='%s' (not a positive "
                                "number of milliseconds); using the default %u s",
                                meta_timeout_ms, default_s);
    }
    return lh_deadline_in_ms(timeout_ms - lh_deadline_margin_ms(timeout_ms));
}
