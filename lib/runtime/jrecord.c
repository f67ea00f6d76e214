/* jrecord.c - the journal's record: escaping, format, parse and the light parse.
 * (The CRC is in jcrc.c, the time in jtime.c, the reader in jreader.c.)
 *
 * The writer (journal.c) is on every monitor's path: formatting here is done by
 * hand, byte by byte, with no printf and a CRC table written out, so that a record
 * costs a few thousand instructions. Parsing is strict: a line either is exactly
 * what lh_jrecord_format() would write for some record, or it is damaged.
 */
#include "config.h"

#include <string.h>

#include <lhost/journal.h>

#include "journal_private.h"

/* " crc=" and eight hex digits end every line. */
#define CRC_SUFFIX " crc="
#define CRC_SUFFIX_LEN 13

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
    } else if (n[2] != LH_JOURNAL_TIME_LEN || !lh__journal_parse_time(f[2], &rec->time_us)) {
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
           && out->seq != 0 && n[2] == LH_JOURNAL_TIME_LEN && lh__journal_parse_time(f[2], &out->time_us)
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
    return got == 0 && lh__journal_crc_sliced((const guchar *)line, len - CRC_SUFFIX_LEN) == crc;
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
