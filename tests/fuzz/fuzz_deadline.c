/* fuzz_deadline.c - an operation's deadline from OCF_RESKEY_CRM_meta_timeout
 * (lib/runtime/deadline.c), and the deadline arithmetic every wait relies on.
 *
 * Input: four bytes of the agent's default timeout in seconds, eight of a number
 * of milliseconds for the arithmetic, then the text of OCF_RESKEY_CRM_meta_timeout
 * (none when empty).
 * Asserts, beyond no crash (UBSan traps any overflow):
 *   - the text is used exactly when it is a positive number of milliseconds (as
 *     strtoll reads one, nothing after it); otherwise the default is, with a note
 *     that quotes the text (none for an unset or empty value);
 *   - the deadline is the timeout less deadline.h's margin (a tenth, at least
 *     250 ms, at most 2 s, never more than half), within the time the call took,
 *     or never when that is past the clock's range;
 *   - for any number of milliseconds: a deadline in that many is passed at once
 *     when it is not positive, and a clamped wish is never negative nor more
 *     than wished or left.
 */
#include "config.h"

#include <errno.h>

#include <lhost/deadline.h>

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fz_quiet_logs();
    return 0;
}

static gboolean usable(const char *text, gint64 *ms)
{
    char *end = NULL;

    errno = 0;
    *ms = strtoll(text, &end, 10);
    return errno == 0 && end != text && *end == '\0' && *ms > 0;
}

static void check_operation(const char *text, guint default_s)
{
    gint64 timeout_ms = (gint64)default_s * 1000;
    gboolean given = text != NULL && *text != '\0';
    gboolean used = given && usable(text, &timeout_ms);
    g_autofree char *note = NULL;
    gint64 margin, expected, left, before = g_get_monotonic_time();
    lh_deadline d;

    if (given && !used) {
        timeout_ms = (gint64)default_s * 1000;
    }
    d = lh_deadline_for_operation(text, default_s, &note);
    FZ_ASSERT((note == NULL) == (!given || used), "'%s': note '%s'", text ? text : "(unset)",
              note ? note : "(none)");
    FZ_ASSERT(note == NULL || strstr(note, text) != NULL, "the note does not quote '%s'", text);
    margin = lh_deadline_margin_ms(timeout_ms);
    /* deadline.h: a tenth, at least 750 ms (a killed command's grace and the report),
     * at most 2 s, and never over half the timeout. */
    FZ_ASSERT(margin == MIN(CLAMP(timeout_ms / 10, 750, 2000), timeout_ms / 2),
              "margin %" G_GINT64_FORMAT " of %" G_GINT64_FORMAT, margin, timeout_ms);
    expected = timeout_ms - margin;
    left = lh_deadline_remaining_ms(d);
    if (d.at_us == G_MAXINT64) {
        FZ_ASSERT(expected > (G_MAXINT64 - before) / 1000 - 1000,
                  "%" G_GINT64_FORMAT " ms made a deadline that never passes", expected);
    } else {
        gint64 took_ms = (g_get_monotonic_time() - before) / 1000 + 1;

        FZ_ASSERT(left <= expected && left >= expected - took_ms,
                  "%" G_GINT64_FORMAT " ms left of %" G_GINT64_FORMAT, left, expected);
    }
}

static void check_arithmetic(gint64 ms)
{
    lh_deadline d = lh_deadline_in_ms(ms);
    gint64 clamped = lh_deadline_clamp_ms(d, ms);

    FZ_ASSERT(ms > 0 || lh_deadline_passed(d), "a deadline in %" G_GINT64_FORMAT " ms", ms);
    FZ_ASSERT(clamped >= 0 && clamped <= MAX(ms, 0), "clamped %" G_GINT64_FORMAT " to %"
              G_GINT64_FORMAT, ms, clamped);
    FZ_ASSERT(lh_deadline_min(d, LH_DEADLINE_NEVER).at_us == d.at_us, "min with never");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = {data, size, 0};
    guint default_s = fz_u32(&in);
    guint64 high = fz_u32(&in);
    gint64 ms = (gint64)(high << 32 | fz_u32(&in));
    g_autofree char *text = fz_text(in.data + in.at, in.size - in.at);

    check_operation(text[0] != '\0' ? text : NULL, default_s);
    check_operation(text, default_s % 3600);
    check_arithmetic(ms);
    return 0;
}
