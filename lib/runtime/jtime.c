/* jtime.c - the journal's timestamps: "2026-12-03T07:17:28.123456Z", UTC, always
 * LH_JOURNAL_TIME_LEN bytes, written and read by hand (no strftime, no TZ, no
 * timegm) so that a record costs the writer no locale or time zone lookup.
 */
#include "config.h"

#include <string.h>

#include <lhost/journal.h>

#include "journal_private.h"

#define US_PER_DAY G_GINT64_CONSTANT(86400000000)
#define TIME_MIN_US G_GINT64_CONSTANT(-62167219200000000) /* 0000-01-01T00:00:00Z */
#define TIME_MAX_US G_GINT64_CONSTANT(253402300799999999) /* 9999-12-31T23:59:59.999999Z */
#define TIME_PATTERN "dddd-dd-ddTdd:dd:dd.ddddddZ"

G_STATIC_ASSERT(sizeof(TIME_PATTERN) == LH_JOURNAL_TIME_LEN + 1);

/* Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard
 * Hinnant's days_from_civil): no timegm(), no TZ, no table. */
static gint64 days_from_civil(gint64 y, unsigned m, unsigned d)
{
    gint64 era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (gint64)doe - 719468;
}

/* The inverse (civil_from_days). */
static void civil_from_days(gint64 z, gint64 *y, unsigned *m, unsigned *d)
{
    gint64 era;
    unsigned doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = (unsigned)(z - era * 146097);
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (gint64)yoe + era * 400 + (*m <= 2);
}

static void put_digits(char *at, guint64 value, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        at[i] = (char)('0' + value % 10);
        value /= 10;
    }
}

void lh_journal_time_format(gint64 time_us, char *buf)
{
    gint64 days, in_day, year;
    unsigned month, day;
    gint64 clamped = CLAMP(time_us, TIME_MIN_US, TIME_MAX_US);

    days = clamped / US_PER_DAY;
    in_day = clamped % US_PER_DAY;
    if (in_day < 0) { /* C division truncates: before 1970, borrow a day */
        days--;
        in_day += US_PER_DAY;
    }
    civil_from_days(days, &year, &month, &day);
    memcpy(buf, TIME_PATTERN, sizeof(TIME_PATTERN));
    put_digits(buf, (guint64)year, 4);
    put_digits(buf + 5, month, 2);
    put_digits(buf + 8, day, 2);
    put_digits(buf + 11, (guint64)(in_day / G_GINT64_CONSTANT(3600000000)), 2);
    put_digits(buf + 14, (guint64)(in_day / 60000000 % 60), 2);
    put_digits(buf + 17, (guint64)(in_day / 1000000 % 60), 2);
    put_digits(buf + 20, (guint64)(in_day % 1000000), 6);
}

static unsigned get_digits(const char *at, int width)
{
    unsigned value = 0;

    for (int i = 0; i < width; i++) {
        value = value * 10 + (unsigned)(at[i] - '0');
    }
    return value;
}

static unsigned days_in_month(unsigned year, unsigned month)
{
    static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    gboolean leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

    return month == 2 && leap ? 29 : days[month - 1];
}

/* @text: exactly LH_JOURNAL_TIME_LEN bytes (not NUL-terminated). */
gboolean lh__journal_parse_time(const char *text, gint64 *time_us)
{
    unsigned year, month, day, hour, minute, second;

    for (gsize i = 0; i < LH_JOURNAL_TIME_LEN; i++) {
        if (TIME_PATTERN[i] == 'd' ? !g_ascii_isdigit(text[i]) : text[i] != TIME_PATTERN[i]) {
            return FALSE;
        }
    }
    year = get_digits(text, 4);
    month = get_digits(text + 5, 2);
    day = get_digits(text + 8, 2);
    hour = get_digits(text + 11, 2);
    minute = get_digits(text + 14, 2);
    second = get_digits(text + 17, 2);
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23
        || minute > 59 || second > 59) {
        return FALSE;
    }
    *time_us = days_from_civil(year, month, day) * US_PER_DAY
               + ((gint64)hour * 3600 + (gint64)minute * 60 + second) * 1000000
               + get_digits(text + 20, 6);
    return TRUE;
}

gboolean lh_journal_time_parse(const char *text, gint64 *time_us)
{
    return text != NULL && strnlen(text, LH_JOURNAL_TIME_LEN + 1) == LH_JOURNAL_TIME_LEN
           && lh__journal_parse_time(text, time_us);
}
