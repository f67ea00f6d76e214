/* jrecord.c - the journal's record (format, parse, CRC-32, time) and its reader.
 *
 * The writer (journal.c) is on every monitor's path: formatting here is done by
 * hand, byte by byte, with no printf and a CRC table written out, so that a record
 * costs a few thousand instructions. Parsing is strict: a line either is exactly
 * what lh_jrecord_format() would write for some record, or it is damaged.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <lhost/journal.h>

#include "journal_private.h"

/* " crc=" and eight hex digits end every line. */
#define CRC_SUFFIX " crc="
#define CRC_SUFFIX_LEN 13

/* CRC-32, IEEE 802.3 (reflected polynomial 0xedb88320), as zlib's crc32(). */
static const guint32 crc_table[256] = {
    0x00000000U, 0x77073096U, 0xee0e612cU, 0x990951baU, 0x076dc419U, 0x706af48fU,
    0xe963a535U, 0x9e6495a3U, 0x0edb8832U, 0x79dcb8a4U, 0xe0d5e91eU, 0x97d2d988U,
    0x09b64c2bU, 0x7eb17cbdU, 0xe7b82d07U, 0x90bf1d91U, 0x1db71064U, 0x6ab020f2U,
    0xf3b97148U, 0x84be41deU, 0x1adad47dU, 0x6ddde4ebU, 0xf4d4b551U, 0x83d385c7U,
    0x136c9856U, 0x646ba8c0U, 0xfd62f97aU, 0x8a65c9ecU, 0x14015c4fU, 0x63066cd9U,
    0xfa0f3d63U, 0x8d080df5U, 0x3b6e20c8U, 0x4c69105eU, 0xd56041e4U, 0xa2677172U,
    0x3c03e4d1U, 0x4b04d447U, 0xd20d85fdU, 0xa50ab56bU, 0x35b5a8faU, 0x42b2986cU,
    0xdbbbc9d6U, 0xacbcf940U, 0x32d86ce3U, 0x45df5c75U, 0xdcd60dcfU, 0xabd13d59U,
    0x26d930acU, 0x51de003aU, 0xc8d75180U, 0xbfd06116U, 0x21b4f4b5U, 0x56b3c423U,
    0xcfba9599U, 0xb8bda50fU, 0x2802b89eU, 0x5f058808U, 0xc60cd9b2U, 0xb10be924U,
    0x2f6f7c87U, 0x58684c11U, 0xc1611dabU, 0xb6662d3dU, 0x76dc4190U, 0x01db7106U,
    0x98d220bcU, 0xefd5102aU, 0x71b18589U, 0x06b6b51fU, 0x9fbfe4a5U, 0xe8b8d433U,
    0x7807c9a2U, 0x0f00f934U, 0x9609a88eU, 0xe10e9818U, 0x7f6a0dbbU, 0x086d3d2dU,
    0x91646c97U, 0xe6635c01U, 0x6b6b51f4U, 0x1c6c6162U, 0x856530d8U, 0xf262004eU,
    0x6c0695edU, 0x1b01a57bU, 0x8208f4c1U, 0xf50fc457U, 0x65b0d9c6U, 0x12b7e950U,
    0x8bbeb8eaU, 0xfcb9887cU, 0x62dd1ddfU, 0x15da2d49U, 0x8cd37cf3U, 0xfbd44c65U,
    0x4db26158U, 0x3ab551ceU, 0xa3bc0074U, 0xd4bb30e2U, 0x4adfa541U, 0x3dd895d7U,
    0xa4d1c46dU, 0xd3d6f4fbU, 0x4369e96aU, 0x346ed9fcU, 0xad678846U, 0xda60b8d0U,
    0x44042d73U, 0x33031de5U, 0xaa0a4c5fU, 0xdd0d7cc9U, 0x5005713cU, 0x270241aaU,
    0xbe0b1010U, 0xc90c2086U, 0x5768b525U, 0x206f85b3U, 0xb966d409U, 0xce61e49fU,
    0x5edef90eU, 0x29d9c998U, 0xb0d09822U, 0xc7d7a8b4U, 0x59b33d17U, 0x2eb40d81U,
    0xb7bd5c3bU, 0xc0ba6cadU, 0xedb88320U, 0x9abfb3b6U, 0x03b6e20cU, 0x74b1d29aU,
    0xead54739U, 0x9dd277afU, 0x04db2615U, 0x73dc1683U, 0xe3630b12U, 0x94643b84U,
    0x0d6d6a3eU, 0x7a6a5aa8U, 0xe40ecf0bU, 0x9309ff9dU, 0x0a00ae27U, 0x7d079eb1U,
    0xf00f9344U, 0x8708a3d2U, 0x1e01f268U, 0x6906c2feU, 0xf762575dU, 0x806567cbU,
    0x196c3671U, 0x6e6b06e7U, 0xfed41b76U, 0x89d32be0U, 0x10da7a5aU, 0x67dd4accU,
    0xf9b9df6fU, 0x8ebeeff9U, 0x17b7be43U, 0x60b08ed5U, 0xd6d6a3e8U, 0xa1d1937eU,
    0x38d8c2c4U, 0x4fdff252U, 0xd1bb67f1U, 0xa6bc5767U, 0x3fb506ddU, 0x48b2364bU,
    0xd80d2bdaU, 0xaf0a1b4cU, 0x36034af6U, 0x41047a60U, 0xdf60efc3U, 0xa867df55U,
    0x316e8eefU, 0x4669be79U, 0xcb61b38cU, 0xbc66831aU, 0x256fd2a0U, 0x5268e236U,
    0xcc0c7795U, 0xbb0b4703U, 0x220216b9U, 0x5505262fU, 0xc5ba3bbeU, 0xb2bd0b28U,
    0x2bb45a92U, 0x5cb36a04U, 0xc2d7ffa7U, 0xb5d0cf31U, 0x2cd99e8bU, 0x5bdeae1dU,
    0x9b64c2b0U, 0xec63f226U, 0x756aa39cU, 0x026d930aU, 0x9c0906a9U, 0xeb0e363fU,
    0x72076785U, 0x05005713U, 0x95bf4a82U, 0xe2b87a14U, 0x7bb12baeU, 0x0cb61b38U,
    0x92d28e9bU, 0xe5d5be0dU, 0x7cdcefb7U, 0x0bdbdf21U, 0x86d3d2d4U, 0xf1d4e242U,
    0x68ddb3f8U, 0x1fda836eU, 0x81be16cdU, 0xf6b9265bU, 0x6fb077e1U, 0x18b74777U,
    0x88085ae6U, 0xff0f6a70U, 0x66063bcaU, 0x11010b5cU, 0x8f659effU, 0xf862ae69U,
    0x616bffd3U, 0x166ccf45U, 0xa00ae278U, 0xd70dd2eeU, 0x4e048354U, 0x3903b3c2U,
    0xa7672661U, 0xd06016f7U, 0x4969474dU, 0x3e6e77dbU, 0xaed16a4aU, 0xd9d65adcU,
    0x40df0b66U, 0x37d83bf0U, 0xa9bcae53U, 0xdebb9ec5U, 0x47b2cf7fU, 0x30b5ffe9U,
    0xbdbdf21cU, 0xcabac28aU, 0x53b39330U, 0x24b4a3a6U, 0xbad03605U, 0xcdd70693U,
    0x54de5729U, 0x23d967bfU, 0xb3667a2eU, 0xc4614ab8U, 0x5d681b02U, 0x2a6f2b94U,
    0xb40bbe37U, 0xc30c8ea1U, 0x5a05df1bU, 0x2d02ef8dU,
};

guint32 lh_crc32(const void *data, gsize len)
{
    const guchar *p = data;
    guint32 crc = 0xffffffffU;

    for (gsize i = 0; i < len; i++) {
        crc = crc_table[(crc ^ p[i]) & 0xffU] ^ (crc >> 8);
    }
    return crc ^ 0xffffffffU;
}

/* The same CRC eight bytes at a step (slicing-by-8): the merge checks every line of
 * every file twice, where the byte loop above was a third of its time. Its tables
 * are built from crc_table at first use: the writer, on every monitor's path, never
 * pays for them. */
static guint32 crc_slices[8][256];

static void crc_slices_init(void)
{
    static gsize done = 0;

    if (g_once_init_enter(&done)) {
        for (int i = 0; i < 256; i++) {
            crc_slices[0][i] = crc_table[i];
            for (int k = 1; k < 8; k++) {
                guint32 prev = crc_slices[k - 1][i];

                crc_slices[k][i] = (prev >> 8) ^ crc_table[prev & 0xffU];
            }
        }
        g_once_init_leave(&done, 1);
    }
}

/* Four bytes as a little-endian number, whatever the machine's order. */
static guint32 le32(const guchar *p)
{
    return (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 | (guint32)p[3] << 24;
}

static guint32 crc32_sliced(const guchar *p, gsize len)
{
    const guint32(*t)[256] = crc_slices;
    guint32 crc = 0xffffffffU;

    crc_slices_init();
    for (; len >= 8; p += 8, len -= 8) {
        guint32 lo = crc ^ le32(p), hi = le32(p + 4);

        crc = t[7][lo & 0xffU] ^ t[6][(lo >> 8) & 0xffU] ^ t[5][(lo >> 16) & 0xffU]
              ^ t[4][lo >> 24] ^ t[3][hi & 0xffU] ^ t[2][(hi >> 8) & 0xffU]
              ^ t[1][(hi >> 16) & 0xffU] ^ t[0][hi >> 24];
    }
    for (; len > 0; p++, len--) {
        crc = t[0][(crc ^ *p) & 0xffU] ^ (crc >> 8);
    }
    return crc ^ 0xffffffffU;
}

/* ---- time ------------------------------------------------------------------- */

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
static gboolean parse_time(const char *text, gint64 *time_us)
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
           && parse_time(text, time_us);
}

/* ---- escaping ---------------------------------------------------------------- */

static gboolean needs_escape(guchar c)
{
    return c < 0x21 || c > 0x7e || c == '%' || c == '=';
}

/* Appends @value escaped, with no limit: room for the worst case first, then one pass
 * straight into the string (a monitor escapes about a kilobyte). */
static void escape_all(GString *out, const char *value)
{
    static const char hex[] = "0123456789ABCDEF";
    gsize at = out->len;
    char *q;

    g_string_set_size(out, at + 3 * strlen(value));
    q = out->str + at;
    for (const guchar *p = (const guchar *)value; *p != '\0'; p++) {
        if (needs_escape(*p)) {
            *q++ = '%';
            *q++ = hex[*p >> 4];
            *q++ = hex[*p & 0xfU];
        } else {
            *q++ = (char)*p;
        }
    }
    g_string_truncate(out, (gsize)(q - out->str));
}

gsize lh__journal_escaped_len(const char *value)
{
    gsize len = 0;

    for (const guchar *p = (const guchar *)value; *p != '\0'; p++) {
        len += needs_escape(*p) ? 3 : 1;
    }
    return len;
}

gboolean lh__journal_escape(GString *out, const char *value, gsize limit)
{
    gsize len = strlen(value);

    if (out->len + 3 * len <= limit) {
        escape_all(out, value); /* the common case: no byte-by-byte limit to check */
        return TRUE;
    }
    for (const char *p = value; *p != '\0'; p++) {
        char one[2] = {*p, '\0'};

        if (out->len + (needs_escape((guchar)*p) ? 3 : 1) > limit) {
            return FALSE;
        }
        escape_all(out, one);
    }
    return TRUE;
}

static void append_escaped(GString *out, const char *value)
{
    escape_all(out, value);
}

static int upper_hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Checks @len bytes of escaped text and appends what they stand for to @out (unless
 * it is NULL: only the check). NULL when they are what append_escaped() writes,
 * else what is wrong with them (static text). */
static const char *unescape_to(GString *out, const char *text, gsize len)
{
    for (gsize i = 0; i < len; i++) {
        guchar c = (guchar)text[i];

        if (c == '%') {
            int hi = i + 2 < len ? upper_hex_value(text[i + 1]) : -1;

            if (hi < 0 || upper_hex_value(text[i + 2]) < 0) {
                return "a % not followed by two upper-case hex digits";
            }
            c = (guchar)(hi * 16 + upper_hex_value(text[i + 2]));
            if (!needs_escape(c) || c == '\0') {
                return c == '\0' ? "an escaped NUL byte" : "a byte escaped that needs no escape";
            }
            i += 2;
        } else if (needs_escape(c)) {
            return "a byte that should have been escaped";
        }
        if (out != NULL) {
            g_string_append_c(out, (char)c);
        }
    }
    return NULL;
}

/* @len bytes of escaped text back to what they stand for (the caller's to free), or
 * NULL with *problem (static text) when they are not what append_escaped() writes. */
static char *unescape(const char *text, gsize len, const char **problem)
{
    GString *out = g_string_sized_new(len);

    *problem = unescape_to(out, text, len);
    if (*problem != NULL) {
        g_string_free(out, TRUE);
        return NULL;
    }
    return g_string_free(out, FALSE);
}

/* ---- the record ---------------------------------------------------------------- */

/* [a-z]+ with @extra too ('-' in a kind, '_' in a key). */
static gboolean all_in(const char *text, gsize len, char extra)
{
    if (len == 0) {
        return FALSE;
    }
    for (gsize i = 0; i < len; i++) {
        if ((text[i] < 'a' || text[i] > 'z') && text[i] != extra) {
            return FALSE;
        }
    }
    return TRUE;
}

#define KIND_ALPHABET '-'
#define KEY_ALPHABET '_'

gboolean lh__journal_is_name(const char *text, gboolean key)
{
    return text != NULL && all_in(text, strlen(text), key ? KEY_ALPHABET : KIND_ALPHABET);
}

void lh_jrecord_init(lh_jrecord *rec, guint64 seq, gint64 time_us, const char *node,
                     const char *kind)
{
    rec->seq = seq;
    rec->time_us = time_us;
    /* A field is never empty: an empty name would make the line unreadable. */
    rec->node = g_strdup(node != NULL && *node != '\0' ? node : "unknown");
    rec->kind = g_strdup(kind);
    rec->keys = g_ptr_array_new_with_free_func(g_free);
    rec->values = g_ptr_array_new_with_free_func(g_free);
    g_warn_if_fail(kind != NULL && all_in(kind, strlen(kind), KIND_ALPHABET));
}

void lh_jrecord_release(lh_jrecord *rec)
{
    g_clear_pointer(&rec->node, g_free);
    g_clear_pointer(&rec->kind, g_free);
    if (rec->keys != NULL) {
        g_ptr_array_unref(rec->keys);
        g_ptr_array_unref(rec->values);
    }
    rec->keys = NULL;
    rec->values = NULL;
    rec->seq = 0;
    rec->time_us = 0;
}

void lh_jrecord_add(lh_jrecord *rec, const char *key, const char *value)
{
    g_return_if_fail(key != NULL && all_in(key, strlen(key), KEY_ALPHABET));
    g_return_if_fail(strcmp(key, "crc") != 0 && value != NULL && rec->keys != NULL);
    g_ptr_array_add(rec->keys, g_strdup(key));
    g_ptr_array_add(rec->values, g_strdup(value));
}

const char *lh_jrecord_get(const lh_jrecord *rec, const char *key)
{
    for (guint i = 0; rec->keys != NULL && i < rec->keys->len; i++) {
        if (strcmp(g_ptr_array_index(rec->keys, i), key) == 0) {
            return g_ptr_array_index(rec->values, i);
        }
    }
    return NULL;
}

const char *lh__journal_int(char buf[24], gint64 value)
{
    guint64 magnitude = value < 0 ? -(guint64)value : (guint64)value;
    char *p = buf + 23;

    *p = '\0';
    do {
        *--p = (char)('0' + magnitude % 10);
        magnitude /= 10;
    } while (magnitude > 0);
    if (value < 0) {
        *--p = '-';
    }
    return p;
}

static void append_u64(GString *out, guint64 value)
{
    char digits[20];
    int n = 0;

    do {
        digits[sizeof(digits) - 1 - n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value > 0);
    g_string_append_len(out, digits + sizeof(digits) - n, n);
}

void lh__journal_line(GString *out, guint64 seq, gint64 time_us, const char *node,
                      const char *rest, gsize rest_len)
{
    static const char hex[] = "0123456789abcdef";
    gsize start = out->len;
    char stamp[LH_JOURNAL_TIME_LEN + 1];
    char crc_text[CRC_SUFFIX_LEN + 1] = CRC_SUFFIX "00000000\n";
    guint32 crc;

    g_string_append_len(out, LH_JOURNAL_MAGIC " ", 5);
    append_u64(out, seq);
    lh_journal_time_format(time_us, stamp);
    g_string_append_c(out, ' ');
    g_string_append_len(out, stamp, LH_JOURNAL_TIME_LEN);
    g_string_append_c(out, ' ');
    g_string_append(out, node);
    g_string_append_c(out, ' ');
    g_string_append_len(out, rest, (gssize)rest_len);
    crc = lh_crc32(out->str + start, out->len - start);
    for (int i = 0; i < 8; i++) {
        crc_text[5 + i] = hex[(crc >> (28 - 4 * i)) & 0xfU];
    }
    g_string_append_len(out, crc_text, CRC_SUFFIX_LEN + 1);
}

char *lh_jrecord_format(const lh_jrecord *rec)
{
    GString *line = g_string_sized_new(256);
    g_autoptr(GString) node = g_string_new(NULL);
    g_autoptr(GString) rest = g_string_new(rec->kind);

    append_escaped(node, rec->node);
    for (guint i = 0; rec->keys != NULL && i < rec->keys->len; i++) {
        g_string_append_c(rest, ' ');
        g_string_append(rest, g_ptr_array_index(rec->keys, i));
        g_string_append_c(rest, '=');
        append_escaped(rest, g_ptr_array_index(rec->values, i));
    }
    lh__journal_line(line, rec->seq, rec->time_us, node->str, rest->str, rest->len);
    return g_string_free(line, FALSE);
}

/* Walks the space-separated fields of a line's body. */
typedef struct cursor {
    const char *p; /* NULL once past the last field */
    const char *end;
} cursor;

/* The next field: 1, 0 past the last one, -1 for an empty field (two spaces in a
 * row, or one at the start or the end). */
static int next_field(cursor *c, const char **field, gsize *len)
{
    const char *space;

    if (c->p == NULL) {
        return 0;
    }
    space = memchr(c->p, ' ', (size_t)(c->end - c->p));
    *field = c->p;
    *len = (gsize)((space != NULL ? space : c->end) - c->p);
    c->p = space != NULL ? space + 1 : NULL;
    return *len == 0 ? -1 : 1;
}

static gboolean parse_seq(const char *text, gsize len, guint64 *seq)
{
    guint64 value = 0;

    if (len > 20 || text[0] == '0') {
        return FALSE;
    }
    for (gsize i = 0; i < len; i++) {
        guint64 digit = (guint64)(text[i] - '0');

        if (!g_ascii_isdigit(text[i]) || value > (G_MAXUINT64 - digit) / 10) {
            return FALSE;
        }
        value = value * 10 + digit;
    }
    *seq = value;
    return TRUE;
}

/* The " crc=xxxxxxxx" at the end of @line, lower-case hex; FALSE when absent. */
static gboolean parse_crc(const char *line, gsize len, guint32 *crc)
{
    const char *hex = line + len - 8;

    if (len < CRC_SUFFIX_LEN || memcmp(line + len - CRC_SUFFIX_LEN, CRC_SUFFIX, 5) != 0) {
        return FALSE;
    }
    *crc = 0;
    for (int i = 0; i < 8; i++) {
        int v = g_ascii_isdigit(hex[i]) ? hex[i] - '0'
                : hex[i] >= 'a' && hex[i] <= 'f' ? hex[i] - 'a' + 10
                                                 : -1;

        if (v < 0) {
            return FALSE;
        }
        *crc = (*crc << 4) | (guint32)v;
    }
    return TRUE;
}

/* The first byte of @line outside 0x20..0x7e, or -1. */
static gssize find_unprintable(const char *line, gsize len)
{
    for (gsize i = 0; i < len; i++) {
        if ((guchar)line[i] < 0x20 || (guchar)line[i] > 0x7e) {
            return (gssize)i;
        }
    }
    return -1;
}

/* The length of KEY in a KEY=VALUE field, or 0 when the field is not one ("crc" is
 * no KEY: it ends the line). */
static gsize pair_key_len(const char *field, gsize len)
{
    const char *equals = memchr(field, '=', len);
    gsize key_len = equals != NULL ? (gsize)(equals - field) : 0;

    if (equals == NULL || !all_in(field, key_len, KEY_ALPHABET)
        || (key_len == 3 && memcmp(field, "crc", 3) == 0)) {
        return 0;
    }
    return key_len;
}

/* One KEY=VALUE field into @rec. */
static gboolean parse_pair(const char *field, gsize len, lh_jrecord *rec, char **why)
{
    gsize key_len = pair_key_len(field, len);
    const char *problem = NULL;
    char *value;

    if (key_len == 0) {
        *why = g_strdup_printf("'%.*s' is not KEY=VALUE", (int)MIN(len, 40), field);
        return FALSE;
    }
    value = unescape(field + key_len + 1, len - key_len - 1, &problem);
    if (value == NULL) {
        *why = g_strdup_printf("the value of %.*s: %s", (int)key_len, field, problem);
        return FALSE;
    }
    g_ptr_array_add(rec->keys, g_strndup(field, key_len));
    g_ptr_array_add(rec->values, value);
    return TRUE;
}

/* The five fields every record starts with. */
static gboolean parse_head(cursor *c, lh_jrecord *rec, char **why)
{
    const char *f[5];
    gsize n[5];
    const char *problem = NULL;

    for (int i = 0; i < 5; i++) {
        int got = next_field(c, &f[i], &n[i]);

        if (got != 1) {
            *why = g_strdup(got < 0 ? "an empty field (two spaces in a row, or a space at an end)"
                                    : "fewer than five fields before crc=");
            return FALSE;
        }
    }
    if (n[0] != 4 || memcmp(f[0], LH_JOURNAL_MAGIC, 4) != 0) {
        *why = g_strdup("not an " LH_JOURNAL_MAGIC " record");
    } else if (!parse_seq(f[1], n[1], &rec->seq) || rec->seq == 0) {
        *why = g_strdup_printf("bad sequence number '%.*s'", (int)MIN(n[1], 24), f[1]);
    } else if (n[2] != LH_JOURNAL_TIME_LEN || !parse_time(f[2], &rec->time_us)) {
        *why = g_strdup_printf("bad time '%.*s'", (int)MIN(n[2], 32), f[2]);
    } else if ((rec->node = unescape(f[3], n[3], &problem)) == NULL) {
        *why = g_strdup_printf("the node name: %s", problem);
    } else if (!all_in(f[4], n[4], KIND_ALPHABET)) {
        *why = g_strdup_printf("bad kind '%.*s'", (int)MIN(n[4], 32), f[4]);
    } else {
        rec->kind = g_strndup(f[4], n[4]);
        return TRUE;
    }
    return FALSE;
}

static gboolean parse_line(const char *line, gsize len, lh_jrecord *rec, char **why)
{
    gssize bad = find_unprintable(line, len);
    guint32 crc = 0, computed;
    cursor c = {line, line + (len >= CRC_SUFFIX_LEN ? len - CRC_SUFFIX_LEN : 0)};
    const char *field;
    gsize flen;
    int got;

    if (bad >= 0) {
        *why = g_strdup_printf("byte 0x%02x at column %" G_GSSIZE_FORMAT, (guchar)line[bad],
                               bad + 1);
        return FALSE;
    }
    if (!parse_crc(line, len, &crc)) {
        *why = g_strdup("no crc=XXXXXXXX (8 lower-case hex digits) at its end");
        return FALSE;
    }
    rec->keys = g_ptr_array_new_with_free_func(g_free);
    rec->values = g_ptr_array_new_with_free_func(g_free);
    if (!parse_head(&c, rec, why)) {
        return FALSE;
    }
    while ((got = next_field(&c, &field, &flen)) == 1) {
        if (!parse_pair(field, flen, rec, why)) {
            return FALSE;
        }
    }
    if (got < 0) {
        *why = g_strdup("an empty field (two spaces in a row, or a space at an end)");
        return FALSE;
    }
    computed = lh_crc32(line, len - CRC_SUFFIX_LEN);
    if (computed != crc) {
        *why = g_strdup_printf("crc mismatch: the line says %08x, its bytes give %08x", crc,
                               computed);
        return FALSE;
    }
    return TRUE;
}

gboolean lh_jrecord_parse(const char *line, gsize len, lh_jrecord *rec, char **why)
{
    char *problem = NULL;

    lh_jrecord_release(rec);
    if (!parse_line(line, len, rec, &problem)) {
        lh_jrecord_release(rec);
        if (why != NULL) {
            *why = problem;
        } else {
            g_free(problem);
        }
        return FALSE;
    }
    if (why != NULL) {
        *why = NULL;
    }
    return TRUE;
}

/* parse_head()'s checks, with no message and no copy but the node's (the merge
 * reads every line twice: building records was most of its time). */
static gboolean head_ok(cursor *c, lh_jline *out)
{
    const char *f[5];
    gsize n[5];

    for (int i = 0; i < 5; i++) {
        if (next_field(c, &f[i], &n[i]) != 1) {
            return FALSE;
        }
    }
    g_string_truncate(out->node, 0);
    out->kind = f[4];
    out->kind_len = n[4];
    return n[0] == 4 && memcmp(f[0], LH_JOURNAL_MAGIC, 4) == 0 && parse_seq(f[1], n[1], &out->seq)
           && out->seq != 0 && n[2] == LH_JOURNAL_TIME_LEN && parse_time(f[2], &out->time_us)
           && unescape_to(out->node, f[3], n[3]) == NULL && all_in(f[4], n[4], KIND_ALPHABET);
}

gboolean lh_jline_parse(const char *line, gsize len, lh_jline *out)
{
    guint32 crc = 0;
    cursor c = {line, line + (len >= CRC_SUFFIX_LEN ? len - CRC_SUFFIX_LEN : 0)};
    const char *field;
    gsize flen;
    int got;

    /* No find_unprintable(): every byte but the spaces between fields is checked by
     * its field's own rule, and none of them takes a byte outside 0x21..0x7e. */
    if (!parse_crc(line, len, &crc) || !head_ok(&c, out)) {
        return FALSE;
    }
    while ((got = next_field(&c, &field, &flen)) == 1) {
        gsize key_len = pair_key_len(field, flen);

        if (key_len == 0 || unescape_to(NULL, field + key_len + 1, flen - key_len - 1) != NULL) {
            return FALSE;
        }
    }
    return got == 0 && crc32_sliced((const guchar *)line, len - CRC_SUFFIX_LEN) == crc;
}

gboolean lh__journal_peek(const char *line, gsize len, guint64 *seq, gboolean *rotate)
{
    guint32 crc = 0;
    cursor c = {line, line + (len >= CRC_SUFFIX_LEN ? len - CRC_SUFFIX_LEN : 0)};
    const char *f[5];
    gsize n[5];

    if (!parse_crc(line, len, &crc) || lh_crc32(line, len - CRC_SUFFIX_LEN) != crc) {
        return FALSE;
    }
    for (int i = 0; i < 5; i++) {
        if (next_field(&c, &f[i], &n[i]) != 1) {
            return FALSE;
        }
    }
    if (n[0] != 4 || memcmp(f[0], LH_JOURNAL_MAGIC, 4) != 0 || !parse_seq(f[1], n[1], seq)) {
        return FALSE;
    }
    *rotate = n[4] == 6 && memcmp(f[4], "rotate", 6) == 0;
    return TRUE;
}

/* ---- argv --------------------------------------------------------------------- */

char *lh_journal_argv_join(const char *const *argv)
{
    GString *out = g_string_new(NULL);

    for (gsize i = 0; argv[i] != NULL; i++) {
        if (i > 0) {
            g_string_append_c(out, ' ');
        }
        append_escaped(out, argv[i]);
    }
    return g_string_free(out, FALSE);
}

char **lh_journal_argv_split(const char *joined)
{
    g_auto(GStrv) words = g_strsplit(joined, " ", -1);
    GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);

    if (words[0] == NULL) { /* "": one empty argument (an argv is never empty) */
        g_ptr_array_add(argv, g_strdup(""));
    }
    for (gsize i = 0; words[i] != NULL; i++) {
        const char *problem = NULL;
        char *arg = unescape(words[i], strlen(words[i]), &problem);

        if (arg == NULL) {
            g_ptr_array_unref(argv);
            return NULL;
        }
        g_ptr_array_add(argv, arg);
    }
    g_ptr_array_add(argv, NULL);
    g_ptr_array_set_free_func(argv, NULL);
    return (char **)g_ptr_array_free(argv, FALSE);
}

/* ---- the reader ----------------------------------------------------------------- */

#define READ_CHUNK 16384

struct lh_jreader {
    int fd;
    char *path;
    char *buf;        /* BUF_SIZE bytes: a longest line, its newline and a chunk */
    gsize start, end; /* the bytes read but not yet returned: buf[start, end) */
    goffset offset;   /* the file offset of buf[start] */
    gboolean eof;
    gboolean done;    /* nothing more to return */
};

#define BUF_SIZE (LH_JOURNAL_LINE_MAX + 1 + READ_CHUNK)

lh_jreader *lh__jreader_open_fd(int fd, const char *name)
{
    lh_jreader *reader = g_new0(lh_jreader, 1);

    reader->fd = fd;
    reader->path = g_strdup(name);
    reader->buf = g_malloc(BUF_SIZE);
    return reader;
}

lh_jreader *lh_jreader_open(const char *path, char **why)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

    if (fd < 0) {
        *why = g_strdup_printf("cannot open %s: %s", path, g_strerror(errno));
        return NULL;
    }
    /* A FIFO or a device would block or never end. */
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        *why = g_strdup_printf("cannot read %s: not a regular file", path);
        close(fd);
        return NULL;
    }
    return lh__jreader_open_fd(fd, path);
}

void lh_jreader_free(lh_jreader *reader)
{
    if (reader == NULL) {
        return;
    }
    close(reader->fd);
    g_free(reader->path);
    g_free(reader->buf);
    g_free(reader);
}

/* Reads more after what is buffered: 1, 0 at the end of the file, -1 on error. */
static int fill(lh_jreader *r)
{
    ssize_t n;

    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    do {
        n = read(r->fd, r->buf + r->end, BUF_SIZE - r->end);
    } while (n < 0 && errno == EINTR);
    if (n > 0) {
        r->end += (gsize)n;
    } else if (n == 0) {
        r->eof = TRUE;
    }
    return n > 0 ? 1 : n == 0 ? 0 : -1;
}

static void consume(lh_jreader *r, gsize n)
{
    r->start += n;
    r->offset += (goffset)n;
}

static lh_jread read_error(lh_jreader *r, char **why)
{
    r->done = TRUE;
    *why = g_strdup_printf("cannot read %s: %s", r->path, g_strerror(errno));
    return LH_JREAD_ERROR;
}

/* A line longer than LH_JOURNAL_LINE_MAX starts at r->offset: skips it whole. */
static lh_jread skip_long_line(lh_jreader *r, goffset *offset, char **why)
{
    *offset = r->offset;
    for (;;) {
        const char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);

        if (nl != NULL) {
            consume(r, (gsize)(nl - (r->buf + r->start)) + 1);
            *why = g_strdup_printf("a line longer than %d bytes", LH_JOURNAL_LINE_MAX);
            return LH_JREAD_DAMAGED;
        }
        consume(r, r->end - r->start);
        if (r->eof) {
            r->done = TRUE;
            return LH_JREAD_TORN;
        }
        if (fill(r) < 0) {
            return read_error(r, why);
        }
    }
}

/* Parses a line (@len bytes, without its newline) into what the caller reads into:
 * FALSE with *why when it is damaged. */
typedef gboolean (*parse_fn)(const char *line, gsize len, gpointer into, char **why);

static gboolean parse_record(const char *line, gsize len, gpointer into, char **why)
{
    lh_jrecord parsed = LH_JRECORD_INIT;

    if (!lh_jrecord_parse(line, len, &parsed, why)) {
        return FALSE;
    }
    lh_jrecord_release(into);
    *(lh_jrecord *)into = parsed;
    return TRUE;
}

/* The light parse; a damaged line (rare) is parsed again in full for what is wrong
 * with it, so that both readers give the same words. */
static gboolean parse_jline(const char *line, gsize len, gpointer into, char **why)
{
    lh_jline *out = into;
    lh_jrecord rec = LH_JRECORD_INIT;

    if (lh_jline_parse(line, len, out)) {
        out->text = line;
        out->len = len + 1;
        return TRUE;
    }
    if (lh_jrecord_parse(line, len, &rec, why)) { /* both take the same lines */
        g_warn_if_reached();
        lh_jrecord_release(&rec);
        *why = g_strdup("damaged");
    }
    return FALSE;
}

/* The next line, its newline included, is buf[start, nl]. */
static lh_jread take_line(lh_jreader *r, const char *nl, parse_fn parse, gpointer into,
                          goffset *offset, char **why)
{
    const char *line = r->buf + r->start;
    gsize len = (gsize)(nl - line);
    lh_jread got = LH_JREAD_RECORD;

    *offset = r->offset;
    if (len > LH_JOURNAL_LINE_MAX) {
        *why = g_strdup_printf("a line longer than %d bytes", LH_JOURNAL_LINE_MAX);
        got = LH_JREAD_DAMAGED;
    } else if (!parse(line, len, into, why)) {
        got = LH_JREAD_DAMAGED;
    }
    consume(r, len + 1);
    return got;
}

static lh_jread next_line(lh_jreader *r, parse_fn parse, gpointer into, goffset *offset,
                          char **why)
{
    for (;;) {
        const char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);

        if (nl != NULL) {
            return take_line(r, nl, parse, into, offset, why);
        }
        if (r->end - r->start > LH_JOURNAL_LINE_MAX) {
            return skip_long_line(r, offset, why);
        }
        if (r->eof) {
            r->done = TRUE;
            *offset = r->offset;
            return r->end > r->start ? LH_JREAD_TORN : LH_JREAD_END;
        }
        if (fill(r) < 0) {
            return read_error(r, why);
        }
    }
}

static lh_jread next(lh_jreader *reader, parse_fn parse, gpointer into, goffset *offset,
                     char **why)
{
    goffset at = 0;
    char *problem = NULL;
    lh_jread got = LH_JREAD_END;

    if (!reader->done) {
        got = next_line(reader, parse, into, &at, &problem);
    }
    if (offset != NULL) {
        *offset = at;
    }
    if (why != NULL) {
        *why = problem;
    } else {
        g_free(problem);
    }
    return got;
}

lh_jread lh_jreader_next(lh_jreader *reader, lh_jrecord *rec, goffset *offset, char **why)
{
    return next(reader, parse_record, rec, offset, why);
}

lh_jread lh_jreader_next_line(lh_jreader *reader, lh_jline *line, goffset *offset, char **why)
{
    return next(reader, parse_jline, line, offset, why);
}
