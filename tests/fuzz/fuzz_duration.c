/* fuzz_duration.c - Pacemaker durations: lh_duration_parse_ms() (lib/engine/lhdef.c), which
 * reads a definition's timeouts and every agent's meta-data, and
 * lh_duration_format() (lib/engine/cib.c), which writes the CIB's.
 *
 * Input: the text of a duration.
 * Asserts, beyond no crash: the text parses exactly when it is what lhdef.h
 * documents (digits, at most 2^31 - 1, then no unit or one of s, sec, ms, msec, m,
 * min, h, hr in any case; in all at most 2^31 - 1 seconds), to the number times
 * its unit, else -1; and every
 * parsed duration round-trips: formatted, it parses back to the same milliseconds,
 * and formatting that again gives the same text.
 */
#include "config.h"

#include <lhost/cib.h>
#include <lhost/lhdef.h>

#include "fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fz_quiet_logs();
    return 0;
}

/* lhdef.h's definition, independently of lhdef.c. */
static gint64 expected_ms(const char *text)
{
    static const struct {
        const char *unit;
        gint64 ms;
    } units[] = {{"", 1000}, {"s", 1000},     {"sec", 1000}, {"ms", 1},       {"msec", 1},
                 {"m", 60000}, {"min", 60000}, {"h", 3600000}, {"hr", 3600000}};
    gint64 number = 0;
    const char *p = text;

    if (!g_ascii_isdigit(*p)) {
        return -1;
    }
    for (; g_ascii_isdigit(*p); p++) {
        number = number * 10 + (*p - '0');
        if (number > G_MAXINT32) {
            return -1;
        }
    }
    for (gsize i = 0; i < G_N_ELEMENTS(units); i++) {
        if (g_ascii_strcasecmp(p, units[i].unit) == 0) {
            return number * units[i].ms <= G_MAXINT32 * G_GINT64_CONSTANT(1000)
                       ? number * units[i].ms
                       : -1;
        }
    }
    return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *text = fz_text(data, size);
    gint64 ms = lh_duration_parse_ms(text);
    gint64 expected = expected_ms(text);
    g_autofree char *formatted = NULL;
    g_autofree char *again = NULL;

    FZ_ASSERT(ms == expected, "'%s' parsed as %" G_GINT64_FORMAT ", not %" G_GINT64_FORMAT,
              text, ms, expected);
    FZ_ASSERT(lh_duration_parse_ms(NULL) == -1, "NULL is a duration");
    if (ms < 0) {
        return 0;
    }
    formatted = lh_duration_format(ms);
    FZ_ASSERT(lh_duration_parse_ms(formatted) == ms,
              "%" G_GINT64_FORMAT " ms formatted as '%s' reads back as %" G_GINT64_FORMAT, ms,
              formatted, lh_duration_parse_ms(formatted));
    again = lh_duration_format(lh_duration_parse_ms(formatted));
    FZ_ASSERT(strcmp(again, formatted) == 0, "'%s' formats again as '%s'", formatted, again);
    return 0;
}
