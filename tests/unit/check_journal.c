/* check_journal.c - lhost/journal.h: the record, the reader and the writer.
 *
 * The record: what is formatted parses back the same, whatever bytes its values hold;
 * every shape of damage is refused with a reason; the CRC and the time are the
 * documented ones. The reader: damaged lines are skipped with their offset, a torn
 * tail is reported as such. The writer, in a private directory per test
 * (LHOST_JOURNAL_DIR): sequence numbers that never repeat, across processes and with
 * DIR/seq lost, damaged or stale; rotation at the size with its rotate record;
 * pruning to LHOST_JOURNAL_FILES; and every failure (a directory that cannot be
 * written, a full disk, a lock held too long, a planted link) ends the action's
 * journal quietly, with one warning per process and nothing torn left behind.
 */
#include "config.h"

#include <dirent.h>
#include <sched.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include <lhost/journal.h>
#include <lhost/log.h>
#include <lhost/ocf.h>
#include <lhost/poll.h>
#include <lhost/run.h>

#include "check_common.h"

#define TIME_1 G_GINT64_CONSTANT(1796282248123456) /* 2026-12-03T07:17:28.123456Z */

/* ---- helpers: records -------------------------------------------------------------- */

/* @body with its " crc=..." as the writer computes it: a line whose only fault is the
 * one the test put in its body. */
static char *with_crc(const char *body)
{
    return g_strdup_printf("%s crc=%08x", body, lh_crc32(body, strlen(body)));
}

static gboolean parses(const char *line, lh_jrecord *rec, char **why)
{
    return lh_jrecord_parse(line, strlen(line), rec, why);
}

/* A record with @n pairs key_i=values[i]. */
static void make_record(lh_jrecord *rec, const char *node, const char *const *values, gsize n)
{
    lh_jrecord_init(rec, 42, TIME_1, node, "command");
    for (gsize i = 0; i < n; i++) {
        lh_jrecord_add(rec, i % 2 == 0 ? "value" : "other_value", values[i]);
    }
}

static void assert_same_record(const lh_jrecord *a, const lh_jrecord *b)
{
    ck_assert_uint_eq(a->seq, b->seq);
    ck_assert_int_eq(a->time_us, b->time_us);
    ck_assert_str_eq(a->node, b->node);
    ck_assert_str_eq(a->kind, b->kind);
    ck_assert_uint_eq(a->keys->len, b->keys->len);
    for (guint i = 0; i < a->keys->len; i++) {
        ck_assert_str_eq(g_ptr_array_index(a->keys, i), g_ptr_array_index(b->keys, i));
        ck_assert_msg(strcmp(g_ptr_array_index(a->values, i), g_ptr_array_index(b->values, i)) == 0,
                      "value %u differs", i);
    }
}

/* ---- CRC-32 and time --------------------------------------------------------------- */

START_TEST(crc32_known_vectors)
{
    static const char fox[] = "The quick brown fox jumps over the lazy dog";

    ck_assert_uint_eq(lh_crc32("123456789", 9), 0xcbf43926U);
    ck_assert_uint_eq(lh_crc32("", 0), 0);
    ck_assert_uint_eq(lh_crc32("a", 1), 0xe8b7be43U);
    ck_assert_uint_eq(lh_crc32(fox, strlen(fox)), 0x414fa339U);
    /* Binary data: the table covers every byte value. */
    {
        guchar all[256];

        for (int i = 0; i < 256; i++) {
            all[i] = (guchar)i;
        }
        ck_assert_uint_eq(lh_crc32(all, sizeof(all)), 0x29058c73U);
    }
}
END_TEST

START_TEST(time_format_and_parse)
{
    static const struct {
        gint64 us;
        const char *text;
    } known[] = {
        {0, "1970-01-01T00:00:00.000000Z"},
        {TIME_1, "2026-12-03T07:17:28.123456Z"},
        {G_GINT64_CONSTANT(1709251199999999), "2024-02-29T23:59:59.999999Z"},
        {-1, "1969-12-31T23:59:59.999999Z"},
        {G_GINT64_CONSTANT(951782400000000), "2000-02-29T00:00:00.000000Z"},
        {G_GINT64_CONSTANT(-62167219200000000), "0000-01-01T00:00:00.000000Z"},
        {G_GINT64_CONSTANT(253402300799999999), "9999-12-31T23:59:59.999999Z"},
    };
    char buf[LH_JOURNAL_TIME_LEN + 1];
    gint64 back = 0;

    for (gsize i = 0; i < G_N_ELEMENTS(known); i++) {
        lh_journal_time_format(known[i].us, buf);
        ck_assert_str_eq(buf, known[i].text);
        ck_assert_msg(lh_journal_time_parse(known[i].text, &back), "%s", known[i].text);
        ck_assert_int_eq(back, known[i].us);
    }
    /* Out of range: clamped to the years that have four digits. */
    lh_journal_time_format(G_MAXINT64, buf);
    ck_assert_str_eq(buf, "9999-12-31T23:59:59.999999Z");
    lh_journal_time_format(G_MININT64, buf);
    ck_assert_str_eq(buf, "0000-01-01T00:00:00.000000Z");
    /* Round trips over a spread of times, each microsecond kept. */
    for (gint64 us = -G_GINT64_CONSTANT(4000000000000000); us < G_GINT64_CONSTANT(8000000000000000);
         us += G_GINT64_CONSTANT(7777777777777)) {
        lh_journal_time_format(us, buf);
        ck_assert_int_eq(strlen(buf), LH_JOURNAL_TIME_LEN);
        ck_assert(lh_journal_time_parse(buf, &back));
        ck_assert_int_eq(back, us);
    }
}
END_TEST

START_TEST(time_parse_refuses_other_shapes)
{
    static const char *const bad[] = {
        "",
        "2026-12-03T07:17:28.123456",      /* no Z */
        "2026-12-03T07:17:28.123456ZZ",    /* one byte too many */
        "2026-12-03t07:17:28.123456Z",     /* lower-case t */
        "2026-12-03 07:17:28.123456Z",     /* a space */
        "2026-12-03T07:17:28,123456Z",     /* a comma */
        "2026-12-03T07:17:28.12345Z",      /* five digits of fraction */
        "2026-13-03T07:17:28.123456Z",     /* month 13 */
        "2026-00-03T07:17:28.123456Z",     /* month 0 */
        "2026-12-00T07:17:28.123456Z",     /* day 0 */
        "2026-11-31T07:17:28.123456Z",     /* November 31st */
        "2023-02-29T07:17:28.123456Z",     /* not a leap year */
        "2100-02-29T07:17:28.123456Z",     /* a century, not a leap year */
        "2026-12-03T24:00:00.000000Z",     /* hour 24 */
        "2026-12-03T07:60:28.123456Z",     /* minute 60 */
        "2026-12-03T07:17:60.123456Z",     /* no leap seconds */
        "2026-12-03T07:17:2x.123456Z",     /* not a digit */
        "+026-12-03T07:17:28.123456Z",     /* a sign */
    };
    gint64 back = 0;

    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        ck_assert_msg(!lh_journal_time_parse(bad[i], &back), "'%s' parsed", bad[i]);
    }
    ck_assert(!lh_journal_time_parse(NULL, &back));
}
END_TEST

/* ---- the record ---------------------------------------------------------------------- */

START_TEST(record_format_shape)
{
    lh_jrecord rec = LH_JRECORD_INIT;
    g_autofree char *line = NULL;
    g_autofree char *expected_body = NULL;

    lh_jrecord_init(&rec, 7, TIME_1, "node-1", "result");
    lh_jrecord_add(&rec, "ocf", "OCF_SUCCESS");
    lh_jrecord_add(&rec, "reason", "a b=c%d\n");
    lh_jrecord_add(&rec, "empty", "");
    line = lh_jrecord_format(&rec);
    expected_body = g_strdup("LHJ1 7 2026-12-03T07:17:28.123456Z node-1 result ocf=OCF_SUCCESS "
                             "reason=a%20b%3Dc%25d%0A empty=");
    {
        g_autofree char *expected = with_crc(expected_body);
        g_autofree char *with_nl = g_strconcat(expected, "\n", NULL);

        ck_assert_str_eq(line, with_nl);
    }
    ck_assert_str_eq(lh_jrecord_get(&rec, "reason"), "a b=c%d\n");
    ck_assert_ptr_null(lh_jrecord_get(&rec, "absent"));
    lh_jrecord_release(&rec);
    lh_jrecord_release(&rec); /* twice is fine */
    ck_assert_ptr_null(rec.keys);
}
END_TEST

/* Values of every kind of byte come back as they went in. */
START_TEST(record_round_trip_hostile_values)
{
    GString *big = g_string_new(NULL);
    char all[256];
    lh_jrecord rec = LH_JRECORD_INIT, back = LH_JRECORD_INIT;
    g_autofree char *line = NULL;
    g_autofree char *why = NULL;
    const char *values[] = {
        "", " ", "a b", "\n", "\r\n", "%", "%41", "%%", "=", "a=b", "key=value crc=00000000",
        "\x01\x7f\xff", "\xc3\x28", "\xed\xa0\x80", "\xf4\x90\x80\x80", "caf\xc3\xa9", "\t\v\f",
        " leading", "trailing ", "LHJ1 1 2026-12-03T07:17:28.123456Z n begin crc=12345678\n",
        all + 1, NULL,
    };
    gsize n = G_N_ELEMENTS(values) - 1;

    for (int i = 0; i < 255; i++) {
        all[i] = (char)(i + 1);
    }
    all[255] = '\0';
    /* 64 KiB of every byte but NUL, as one value */
    while (big->len < 64 * 1024) {
        g_string_append(big, all + 1);
    }
    values[n++] = big->str;
    make_record(&rec, "node 1 %=\xff", values, n);
    line = lh_jrecord_format(&rec);
    /* One line: the only newline ends it, and the only spaces separate fields. */
    ck_assert_ptr_eq(strchr(line, '\n'), line + strlen(line) - 1);
    ck_assert_int_eq(lh_test_count(line, " "), 5 + (int)n);
    for (const char *p = line; *p != '\n'; p++) {
        ck_assert_msg((guchar)*p >= 0x20 && (guchar)*p <= 0x7e, "byte 0x%02x in the line",
                      (guchar)*p);
    }
    ck_assert_msg(lh_jrecord_parse(line, strlen(line) - 1, &back, &why), "damaged: %s", why);
    assert_same_record(&rec, &back);
    /* Parsing again into a record that holds one releases it first. */
    ck_assert(lh_jrecord_parse(line, strlen(line) - 1, &back, NULL));
    assert_same_record(&rec, &back);
    lh_jrecord_release(&rec);
    lh_jrecord_release(&back);
    g_string_free(big, TRUE);
}
END_TEST

START_TEST(record_no_pairs_and_repeated_keys)
{
    lh_jrecord rec = LH_JRECORD_INIT, back = LH_JRECORD_INIT;
    g_autofree char *line = NULL;

    lh_jrecord_init(&rec, G_MAXUINT64, 0, "n", "a-kind");
    line = lh_jrecord_format(&rec);
    ck_assert(lh_jrecord_parse(line, strlen(line) - 1, &back, NULL));
    assert_same_record(&rec, &back);
    g_free(line);
    lh_jrecord_add(&rec, "arg", "1");
    lh_jrecord_add(&rec, "arg", "2");
    line = lh_jrecord_format(&rec);
    ck_assert(lh_jrecord_parse(line, strlen(line) - 1, &back, NULL));
    assert_same_record(&rec, &back);
    ck_assert_str_eq(lh_jrecord_get(&back, "arg"), "1");
    lh_jrecord_release(&rec);
    lh_jrecord_release(&back);
}
END_TEST

/* Every malformed shape is damaged, with a reason that says what; the line's crc is
 * right (with_crc) unless the crc is what the case is about, so the shape is what is
 * refused. */
START_TEST(record_damaged_shapes)
{
    static const struct {
        const char *body; /* NULL: use line as it is */
        const char *line;
        const char *reason;
    } cases[] = {
        {NULL, "", "no crc"},
        {NULL, "LHJ1 5 2026-12-03T07:17:28.123456Z node begin", "no crc"},
        {NULL, "LHJ1 5 2026-12-03T07:17:28.123456Z node begin crc=1234567", "no crc"},
        {NULL, "LHJ1 5 2026-12-03T07:17:28.123456Z node begin crc=ABCDEF12", "no crc"},
        {NULL, "LHJ1 5 2026-12-03T07:17:28.123456Z node begin crc=0000000g", "no crc"},
        {NULL, "LHJ1 5 2026-12-03T07:17:28.123456Z node begin crc=00000000", "crc mismatch"},
        {NULL, "LHJ1 5 2026-12-03T07:17:28.123456Z node begin a=1\tb crc=00000000", "byte 0x09"},
        {NULL, "LHJ1 5 2026-12-03T07:17:28.123456Z node begin a=\xff crc=00000000", "byte 0xff"},
        {NULL, "LHJ1 5 2026-12-03T07:17:28.123456Z node begin crc=00000000\r", "byte 0x0d"},
        {"LHJ2 5 2026-12-03T07:17:28.123456Z node begin", NULL, "not an LHJ1"},
        {"lhj1 5 2026-12-03T07:17:28.123456Z node begin", NULL, "not an LHJ1"},
        {"LHJ1 0 2026-12-03T07:17:28.123456Z node begin", NULL, "bad sequence number"},
        {"LHJ1 05 2026-12-03T07:17:28.123456Z node begin", NULL, "bad sequence number"},
        {"LHJ1 -5 2026-12-03T07:17:28.123456Z node begin", NULL, "bad sequence number"},
        {"LHJ1 5a 2026-12-03T07:17:28.123456Z node begin", NULL, "bad sequence number"},
        {"LHJ1 18446744073709551616 2026-12-03T07:17:28.123456Z node begin", NULL,
         "bad sequence number"},
        {"LHJ1 5 2026-13-03T07:17:28.123456Z node begin", NULL, "bad time"},
        {"LHJ1 5 2026-12-03T07:17:28Z node begin", NULL, "bad time"},
        {"LHJ1 5 2026-12-03 07:17:28.123456Z node begin", NULL, "bad time"},
        {"LHJ1 5 2026-12-03T07:17:28.123456Z no%4 begin", NULL, "node name"},
        {"LHJ1 5 2026-12-03T07:17:28.123456Z no%41de begin", NULL, "node name"},
        {"LHJ1 5 2026-12-03T07:17:28.123456Z no%0ade begin", NULL, "node name"},
        {"LHJ1 5 2026-12-03T07:17:28.123456Z no=de begin", NULL, "node name"},
        {"LHJ1 5 2026-12-03T07:17:28.123456Z node Begin", NULL, "bad kind"},
        {"LHJ1 5 2026-12-03T07:17:28.123456Z node be_gin", NULL, "bad kind"},
        {"LHJ1 5 2026-12-03T07:17:28.123456Z node", NULL, "fewer than five fields"},
        {"LHJ1 5 2026-12-03T07:17:28.123456Z", NULL, "fewer than five fields"},
        {"LHJ1 5 2026-12-03T07:17:28.123456Z node begin  a=1", NULL, "empty field"},
        {"LHJ1 5 2026-12-03T07:17:28.123456Z node begin a=1 ", NULL, "empty field"},
        {" LHJ1 5 2026-12-03T07:17:28.123456Z node begin", NULL, "empty field"},
        {"LHJ1  5 2026-12-03T07:17:28.123456Z node begin", NULL, "empty field"},
        {"", NULL, "empty field"},
        {"LHJ1 5 2026-12-03T07:17:28.123456Z node begin novalue", NULL, "not KEY=VALUE"},
        {"LHJ1 5 2026-12-03T07:17:28.123456Z node begin Key=v", NULL, "not KEY=VALUE"},
        {"LHJ1 5 2026-12-03T07:17:28.123456Z node begin k3y=v", NULL, "not KEY=VALUE"},
        {"LHJ1 5 2026-12-03T07:17:28.123456Z node begin =v", NULL, "not KEY=VALUE"},
        {"LHJ1 5 2026-12-03T07:17:28.123456Z node begin crc=12345678", NULL, "not KEY=VALUE"},
        {"LHJ1 5 2026-12-03T07:17:28.123456Z node begin a=b=c", NULL, "value of a"},
        {"LHJ1 5 2026-12-03T07:17:28.123456Z node begin a=%zz", NULL, "value of a"},
        {"LHJ1 5 2026-12-03T07:17:28.123456Z node begin a=%2", NULL, "value of a"},
        {"LHJ1 5 2026-12-03T07:17:28.123456Z node begin a=%2f", NULL, "value of a"},
        {"LHJ1 5 2026-12-03T07:17:28.123456Z node begin a=%41", NULL, "needs no escape"},
        {"LHJ1 5 2026-12-03T07:17:28.123456Z node begin a=%00", NULL, "NUL"},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *line = cases[i].body != NULL ? with_crc(cases[i].body)
                                                      : g_strdup(cases[i].line);
        lh_jrecord rec = LH_JRECORD_INIT;
        char *why = NULL;

        ck_assert_msg(!parses(line, &rec, &why), "case %zu parsed: '%s'", i, line);
        ck_assert_msg(why != NULL && strstr(why, cases[i].reason) != NULL,
                      "case %zu ('%s'): reason '%s', not '%s'", i, line, why ? why : "(none)",
                      cases[i].reason);
        ck_assert_ptr_null(rec.keys); /* left released */
        ck_assert_ptr_null(rec.node);
        g_free(why);
        /* Without a place for the reason, the same answer. */
        ck_assert(!parses(line, &rec, NULL));
    }
}
END_TEST

/* A valid line with one byte changed anywhere is damaged. */
START_TEST(record_any_flipped_byte_is_damaged)
{
    lh_jrecord rec = LH_JRECORD_INIT;
    g_autofree char *line = NULL;
    gsize len;

    lh_jrecord_init(&rec, 123, TIME_1, "node-1", "decision");
    lh_jrecord_add(&rec, "check", "jbs_spmd_status");
    lh_jrecord_add(&rec, "rc", "0");
    line = lh_jrecord_format(&rec);
    lh_jrecord_release(&rec);
    len = strlen(line) - 1;
    for (gsize i = 0; i < len; i++) {
        char saved = line[i];

        line[i] = saved == 'x' ? 'y' : 'x';
        ck_assert_msg(!lh_jrecord_parse(line, len, &rec, NULL), "byte %zu changed: parsed", i);
        line[i] = saved;
    }
    ck_assert(lh_jrecord_parse(line, len, &rec, NULL));
    lh_jrecord_release(&rec);
}
END_TEST

START_TEST(record_argv_join_split)
{
    const char *argv[] = {"/opt/jp1base/bin/jbs_spmd_status", "-h", "lh A", "", "%", "=",
                          "a\nb", "\xff", NULL};
    g_autofree char *joined = lh_journal_argv_join(argv);
    g_auto(GStrv) back = lh_journal_argv_split(joined);
    g_auto(GStrv) one = NULL;

    ck_assert_str_eq(joined, "/opt/jp1base/bin/jbs_spmd_status -h lh%20A  %25 %3D a%0Ab %FF");
    ck_assert_ptr_nonnull(back);
    ck_assert_uint_eq(g_strv_length(back), G_N_ELEMENTS(argv) - 1);
    for (gsize i = 0; argv[i] != NULL; i++) {
        ck_assert_str_eq(back[i], argv[i]);
    }
    one = lh_journal_argv_split("");
    ck_assert_uint_eq(g_strv_length(one), 1);
    ck_assert_str_eq(one[0], "");
    ck_assert_ptr_null(lh_journal_argv_split("bad%zz"));
    ck_assert_ptr_null(lh_journal_argv_split("a=b"));
}
END_TEST

/* ---- the reader --------------------------------------------------------------------- */

static char *valid_line(guint64 seq, const char *kind)
{
    lh_jrecord rec = LH_JRECORD_INIT;
    char *line;

    lh_jrecord_init(&rec, seq, TIME_1, "node-1", kind);
    lh_jrecord_add(&rec, "n", "v");
    line = lh_jrecord_format(&rec);
    lh_jrecord_release(&rec);
    return line;
}

static void expect_next(lh_jreader *reader, lh_jread want, goffset want_offset,
                        guint64 want_seq, const char *want_why)
{
    lh_jrecord rec = LH_JRECORD_INIT;
    goffset offset = -1;
    char *why = NULL;
    lh_jread got = lh_jreader_next(reader, &rec, &offset, &why);

    ck_assert_msg(got == want, "got %d, not %d (%s)", got, want, why ? why : "");
    if (want != LH_JREAD_END) {
        ck_assert_int_eq(offset, want_offset);
    }
    if (want == LH_JREAD_RECORD) {
        ck_assert_uint_eq(rec.seq, want_seq);
    }
    if (want_why != NULL) {
        ck_assert_msg(why != NULL && strstr(why, want_why) != NULL, "why '%s', not '%s'",
                      why ? why : "(none)", want_why);
    } else if (want != LH_JREAD_DAMAGED && want != LH_JREAD_ERROR) {
        ck_assert_ptr_null(why);
    }
    g_free(why);
    lh_jrecord_release(&rec);
}

START_TEST(reader_damaged_torn_and_end)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = g_build_filename(dir, "j.lhj", NULL);
    g_autofree char *a = valid_line(1, "begin");
    g_autofree char *b = valid_line(2, "result");
    g_autofree char *c = valid_line(3, "begin");
    g_autofree char *text = NULL;
    char *why = NULL;
    lh_jreader *reader;
    gsize off_b, off_c, off_torn;

    /* a, a damaged copy of b, c, a torn tail */
    text = g_strdup_printf("%s%.*sX\n%sLHJ1 4 2026", a, (int)strlen(b) - 2, b, c);
    off_b = strlen(a);
    off_c = off_b + strlen(b);
    off_torn = off_c + strlen(c);
    lh_test_write_file(path, text, 0600);
    reader = lh_jreader_open(path, &why);
    ck_assert_ptr_nonnull(reader);
    expect_next(reader, LH_JREAD_RECORD, 0, 1, NULL);
    expect_next(reader, LH_JREAD_DAMAGED, (goffset)off_b, 0, "crc");
    expect_next(reader, LH_JREAD_RECORD, (goffset)off_c, 3, NULL);
    expect_next(reader, LH_JREAD_TORN, (goffset)off_torn, 0, NULL);
    expect_next(reader, LH_JREAD_END, 0, 0, NULL);
    expect_next(reader, LH_JREAD_END, 0, 0, NULL);
    lh_jreader_free(reader);
    lh_jreader_free(NULL);
}
END_TEST

START_TEST(reader_long_lines)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = g_build_filename(dir, "j.lhj", NULL);
    g_autofree char *a = valid_line(1, "begin");
    g_autofree char *longest = g_strnfill(LH_JOURNAL_LINE_MAX + 1, 'x');
    GString *text = g_string_new(a);
    char *why = NULL;
    lh_jreader *reader;
    gsize off_long, off_after, off_torn;

    off_long = text->len;
    g_string_append_printf(text, "%s\n", longest);
    off_after = text->len;
    g_string_append(text, a);
    off_torn = text->len;
    g_string_append(text, longest); /* a long torn tail */
    lh_test_write_file(path, text->str, 0600);
    reader = lh_jreader_open(path, &why);
    ck_assert_ptr_nonnull(reader);
    expect_next(reader, LH_JREAD_RECORD, 0, 1, NULL);
    expect_next(reader, LH_JREAD_DAMAGED, (goffset)off_long, 0, "longer than");
    expect_next(reader, LH_JREAD_RECORD, (goffset)off_after, 1, NULL);
    expect_next(reader, LH_JREAD_TORN, (goffset)off_torn, 0, NULL);
    expect_next(reader, LH_JREAD_END, 0, 0, NULL);
    lh_jreader_free(reader);
    g_string_free(text, TRUE);
}
END_TEST

START_TEST(reader_open_problems)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *missing = g_build_filename(dir, "missing.lhj", NULL);
    g_autofree char *empty = g_build_filename(dir, "empty.lhj", NULL);
    char *why = NULL;
    lh_jreader *reader;

    ck_assert_ptr_null(lh_jreader_open(missing, &why));
    ck_assert_ptr_nonnull(strstr(why, "No such file"));
    g_clear_pointer(&why, g_free);
    ck_assert_ptr_null(lh_jreader_open(dir, &why));
    ck_assert_ptr_nonnull(strstr(why, "not a regular file"));
    g_clear_pointer(&why, g_free);
    lh_test_write_file(empty, "", 0600);
    reader = lh_jreader_open(empty, &why);
    ck_assert_ptr_nonnull(reader);
    expect_next(reader, LH_JREAD_END, 0, 0, NULL);
    lh_jreader_free(reader);
}
END_TEST

/* ---- helpers: the writer ---------------------------------------------------------- */

typedef struct world {
    char *base;
    char *dir; /* LHOST_JOURNAL_DIR */
    char *log; /* HA_LOGFILE */
} world;

/* A journal directory of the test's own (not made yet) and a log file to read the
 * warnings in. */
static void world_init(world *w)
{
    w->base = lh_test_tmpdir();
    w->dir = g_build_filename(w->base, "var", "journal", NULL);
    w->log = g_build_filename(w->base, "ha.log", NULL);
    g_setenv("LHOST_JOURNAL_DIR", w->dir, TRUE);
    g_unsetenv("LHOST_JOURNAL_FILES");
    g_unsetenv("LHOST_JOURNAL_FILE_SIZE");
    g_unsetenv("OCF_RESKEY_CRM_meta_on_node");
    g_setenv("HA_LOGFACILITY", "none", TRUE);
    g_setenv("HA_LOGFILE", w->log, TRUE);
    lh_log_open("journaltest(rsc_demo)", FALSE);
}

static void world_release(world *w)
{
    lh_log_close();
    lh_test_rmtree(w->base);
    g_free(w->base);
    g_free(w->dir);
    g_free(w->log);
}

/* The journal's warnings in the log. */
static int warnings(const world *w)
{
    g_autofree char *text = lh_test_read_file(w->log);

    return text != NULL ? lh_test_count(text, "WARNING: journal: ") : 0;
}

/* One action of three records: begin, a decision, the result. */
static void action(const char *name, const char *detail)
{
    lh_journal_begin("demo", "rsc_demo", name);
    lh_journal_note("decision", "check", "fake_status", "detail", detail, NULL);
    lh_journal_end(LH_OCF_SUCCESS, NULL, 1);
}

/* What a journal directory holds, read back with the reader. */
typedef struct view {
    GPtrArray *files;   /* names, oldest first */
    GPtrArray *records; /* lh_jrecord *, in file order */
    GArray *file_of;    /* guint per record: its file's index */
    int damaged;
    int torn;
} view;

static void free_record(gpointer rec)
{
    lh_jrecord_release(rec);
    g_free(rec);
}

static gint compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void read_file_into(view *v, const char *path, guint index)
{
    char *why = NULL;
    lh_jreader *reader = lh_jreader_open(path, &why);
    lh_jrecord rec = LH_JRECORD_INIT;
    lh_jread got;

    ck_assert_msg(reader != NULL, "%s", why);
    while ((got = lh_jreader_next(reader, &rec, NULL, &why)) != LH_JREAD_END) {
        ck_assert_msg(got != LH_JREAD_ERROR, "%s", why);
        if (got == LH_JREAD_RECORD) {
            lh_jrecord *copy = g_new(lh_jrecord, 1);

            *copy = rec;
            rec = (lh_jrecord)LH_JRECORD_INIT;
            g_ptr_array_add(v->records, copy);
            g_array_append_val(v->file_of, index);
        }
        v->damaged += got == LH_JREAD_DAMAGED;
        v->torn += got == LH_JREAD_TORN;
        g_clear_pointer(&why, g_free);
    }
    lh_jreader_free(reader);
}

static void view_load(view *v, const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    v->files = g_ptr_array_new_with_free_func(g_free);
    v->records = g_ptr_array_new_with_free_func(free_record);
    v->file_of = g_array_new(FALSE, FALSE, sizeof(guint));
    v->damaged = v->torn = 0;
    ck_assert_msg(d != NULL, "cannot read %s", dir);
    while ((e = readdir(d)) != NULL) {
        if (g_str_has_prefix(e->d_name, "journal-") && g_str_has_suffix(e->d_name, ".lhj")) {
            g_ptr_array_add(v->files, g_strdup(e->d_name));
        }
    }
    closedir(d);
    g_ptr_array_sort(v->files, compare_names);
    for (guint i = 0; i < v->files->len; i++) {
        g_autofree char *path = g_build_filename(dir, g_ptr_array_index(v->files, i), NULL);

        read_file_into(v, path, i);
    }
}

static void view_release(view *v)
{
    g_ptr_array_unref(v->files);
    g_ptr_array_unref(v->records);
    g_array_unref(v->file_of);
}

static lh_jrecord *record_at(const view *v, guint i)
{
    return g_ptr_array_index(v->records, i);
}

/* In file order, SEQs increase strictly: none repeats, none goes back. */
static void assert_seqs_increase(const view *v)
{
    for (guint i = 1; i < v->records->len; i++) {
        ck_assert_msg(record_at(v, i)->seq > record_at(v, i - 1)->seq,
                      "record %u: seq %" G_GUINT64_FORMAT " after %" G_GUINT64_FORMAT, i,
                      record_at(v, i)->seq, record_at(v, i - 1)->seq);
    }
}

static guint count_kind(const view *v, const char *kind)
{
    guint n = 0;

    for (guint i = 0; i < v->records->len; i++) {
        n += strcmp(record_at(v, i)->kind, kind) == 0;
    }
    return n;
}

static char *path_in(const world *w, const char *name)
{
    return g_build_filename(w->dir, name, NULL);
}

static mode_t mode_of(const char *path)
{
    struct stat st;

    ck_assert_msg(lstat(path, &st) == 0, "%s: %s", path, g_strerror(errno));
    return st.st_mode & 07777;
}

/* ---- the writer ------------------------------------------------------------------------ */

START_TEST(writer_action_records)
{
    world w;
    view v;
    char host[256] = "";
    g_autofree char *seq = NULL;
    g_autofree char *parent = NULL;
    g_autofree char *file = NULL;

    world_init(&w);
    ck_assert(!lh_journal_recording());
    lh_journal_note("decision", "check", "before begin", NULL); /* nothing */
    lh_journal_end(LH_OCF_SUCCESS, NULL, 0);                    /* nothing */
    ck_assert(!g_file_test(w.dir, G_FILE_TEST_EXISTS));

    lh_journal_begin("demo", "rsc_demo", "monitor");
    ck_assert(lh_journal_recording());
    ck_assert_str_eq(lh_journal_dir(), w.dir);
    lh_journal_begin("other", "rsc_other", "stop"); /* idempotent: ends nothing */
    lh_journal_note("decision", "check", "fake_status", "context", "monitor", "rc", NULL,
                    "decision", "stopped", NULL);
    lh_journal_end(LH_OCF_NOT_RUNNING, "it is not running", 12);
    ck_assert(!lh_journal_recording());
    ck_assert_str_eq(lh_journal_dir(), w.dir); /* still, until the next begin */
    lh_journal_note("decision", "check", "after end", NULL); /* nothing */

    /* Made with its parents, owner-only. */
    parent = g_path_get_dirname(w.dir);
    ck_assert_int_eq(mode_of(parent), 0700);
    ck_assert_int_eq(mode_of(w.dir), 0700);
    file = path_in(&w, "journal-00000000000000000001.lhj");
    ck_assert_int_eq(mode_of(file), 0600);
    seq = path_in(&w, "seq");
    ck_assert_int_eq(mode_of(seq), 0600);
    {
        g_autofree char *text = lh_test_read_file(seq);

        ck_assert_str_eq(text, "00000000000000000004 journal-00000000000000000001.lhj\n");
    }
    view_load(&v, w.dir);
    ck_assert_int_eq(v.damaged + v.torn, 0);
    ck_assert_uint_eq(v.records->len, 3);
    gethostname(host, sizeof(host) - 1);
    for (guint i = 0; i < 3; i++) {
        ck_assert_uint_eq(record_at(&v, i)->seq, i + 1);
        ck_assert_str_eq(record_at(&v, i)->node, host);
    }
    ck_assert_str_eq(record_at(&v, 0)->kind, "begin");
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, 0), "agent"), "demo");
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, 0), "resource"), "rsc_demo");
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, 0), "action"), "monitor");
    {
        g_autofree char *pid = g_strdup_printf("%d", (int)getpid());

        ck_assert_str_eq(lh_jrecord_get(record_at(&v, 0), "pid"), pid);
    }
    ck_assert_str_eq(record_at(&v, 1)->kind, "decision");
    ck_assert_ptr_null(lh_jrecord_get(record_at(&v, 1), "rc")); /* NULL value: left out */
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, 1), "decision"), "stopped");
    ck_assert_str_eq(record_at(&v, 2)->kind, "result");
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, 2), "ocf"), "OCF_NOT_RUNNING");
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, 2), "code"), "7");
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, 2), "reason"), "it is not running");
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, 2), "ms"), "12");
    /* Times are when each was noted: in order, and now-ish. */
    ck_assert_int_le(record_at(&v, 0)->time_us, record_at(&v, 2)->time_us);
    ck_assert_int_le(g_get_real_time() - record_at(&v, 0)->time_us, 60 * G_USEC_PER_SEC);
    view_release(&v);
    ck_assert_int_eq(warnings(&w), 0);
    world_release(&w);
}
END_TEST

START_TEST(writer_node_name_and_off)
{
    world w;
    view v;

    world_init(&w);
    g_setenv("OCF_RESKEY_CRM_meta_on_node", "node 1=%", TRUE);
    action("monitor", "x");
    view_load(&v, w.dir);
    ck_assert_uint_eq(v.records->len, 3);
    ck_assert_str_eq(record_at(&v, 0)->node, "node 1=%");
    view_release(&v);

    lh_test_rmtree(w.dir);
    g_setenv("LHOST_JOURNAL_DIR", "off", TRUE);
    lh_journal_begin("demo", "rsc_demo", "monitor");
    ck_assert(!lh_journal_recording());
    ck_assert_ptr_null(lh_journal_dir());
    lh_journal_note("decision", "check", "x", NULL);
    lh_journal_end(LH_OCF_SUCCESS, NULL, 0);
    ck_assert(!g_file_test(w.dir, G_FILE_TEST_EXISTS));
    ck_assert_int_eq(warnings(&w), 0);
    world_release(&w);
}
END_TEST

/* Values that would make a line longer than the reader takes are cut, the longest
 * first; every key stays, and the record says truncated=yes. */
START_TEST(writer_cuts_what_a_line_cannot_hold)
{
    world w;
    view v;
    g_autofree char *huge = g_strnfill(100 * 1024, '\n'); /* escaped: 300 KiB */
    g_autofree char *a = g_strnfill(50 * 1024, 'a');
    g_autofree char *b = g_strnfill(30 * 1024, 'b');
    const char *got;

    world_init(&w);
    lh_journal_begin("demo", "rsc_demo", "monitor");
    lh_journal_note("command", "argv", huge, "end", "exited", NULL);
    lh_journal_note("decision", "first", a, "second", b, "third", "c", NULL);
    lh_journal_end(LH_OCF_SUCCESS, huge, 1);
    view_load(&v, w.dir);
    ck_assert_int_eq(v.damaged + v.torn, 0);
    ck_assert_uint_eq(v.records->len, 4);
    got = lh_jrecord_get(record_at(&v, 1), "argv");
    ck_assert_uint_gt(strlen(got), 20000); /* all the room there is: 3 bytes each */
    ck_assert_uint_lt(strlen(got), LH_JOURNAL_LINE_MAX / 3);
    ck_assert_int_eq(strspn(got, "\n"), strlen(got));
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, 1), "end"), "exited");
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, 1), "truncated"), "yes");
    /* the longest cut, the shorter ones whole */
    got = lh_jrecord_get(record_at(&v, 2), "first");
    ck_assert_uint_gt(strlen(got), 30 * 1024);
    ck_assert_uint_lt(strlen(got), 50 * 1024);
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, 2), "second"), b);
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, 2), "third"), "c");
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, 2), "truncated"), "yes");
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, 3), "ocf"), "OCF_SUCCESS");
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, 3), "ms"), "1");
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, 3), "truncated"), "yes");
    ck_assert_ptr_null(lh_jrecord_get(record_at(&v, 0), "truncated"));
    view_release(&v);
    world_release(&w);
}
END_TEST

/* run.c notes every command it runs, however it ended. */
START_TEST(writer_command_records)
{
    static char *const envp[] = {(char *)LH_TEST_PATH, NULL};
    const char *exits[] = {"/bin/sh", "-c", "exit 3", "a b", NULL};
    const char *killed[] = {"/bin/sh", "-c", "kill -9 $$", NULL};
    const char *hangs[] = {"/bin/sleep", "10", NULL};
    const char *missing[] = {"/nonexistent/status", NULL};
    lh_run_result r = LH_RUN_RESULT_INIT;
    world w;
    view v;
    g_auto(GStrv) argv = NULL;

    world_init(&w);
    lh_journal_begin("demo", "rsc_demo", "monitor");
    lh_run(exits, &(lh_run_options){.envp = envp, .deadline = lh_deadline_in_ms(5000)}, &r);
    lh_run_result_release(&r);
    lh_run(killed, &(lh_run_options){.envp = envp, .deadline = lh_deadline_in_ms(5000)}, &r);
    lh_run_result_release(&r);
    lh_run(hangs, &(lh_run_options){.envp = envp, .deadline = lh_deadline_in_ms(100),
                                     .grace_ms = 100}, &r);
    lh_run_result_release(&r);
    lh_run(missing, &(lh_run_options){.envp = envp, .deadline = lh_deadline_in_ms(5000)}, &r);
    lh_run_result_release(&r);
    lh_run(exits, &(lh_run_options){.envp = envp, .deadline = lh_deadline_in_ms(0)}, &r);
    lh_run_result_release(&r);
    lh_journal_end(LH_OCF_SUCCESS, NULL, 1);

    view_load(&v, w.dir);
    ck_assert_uint_eq(v.records->len, 7);
    ck_assert_uint_eq(count_kind(&v, "command"), 5);
    argv = lh_journal_argv_split(lh_jrecord_get(record_at(&v, 1), "argv"));
    ck_assert_uint_eq(g_strv_length(argv), 4);
    ck_assert_str_eq(argv[2], "exit 3");
    ck_assert_str_eq(argv[3], "a b");
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, 1), "end"), "exited");
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, 1), "rc"), "3");
    ck_assert_ptr_nonnull(lh_jrecord_get(record_at(&v, 1), "pid"));
    ck_assert_ptr_nonnull(lh_jrecord_get(record_at(&v, 1), "ms"));
    ck_assert_ptr_null(lh_jrecord_get(record_at(&v, 1), "signal"));

    ck_assert_str_eq(lh_jrecord_get(record_at(&v, 2), "end"), "signalled");
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, 2), "signal"), "9");
    ck_assert_ptr_null(lh_jrecord_get(record_at(&v, 2), "rc"));

    ck_assert_str_eq(lh_jrecord_get(record_at(&v, 3), "end"), "timed-out");
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, 3), "signal"), "15");
    ck_assert_ptr_nonnull(lh_jrecord_get(record_at(&v, 3), "pid"));
    ck_assert_ptr_null(lh_jrecord_get(record_at(&v, 3), "rc"));

    ck_assert_str_eq(lh_jrecord_get(record_at(&v, 4), "end"), "not-started");
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, 4), "error"), g_strerror(ENOENT));
    ck_assert_ptr_null(lh_jrecord_get(record_at(&v, 4), "pid"));

    ck_assert_str_eq(lh_jrecord_get(record_at(&v, 5), "end"), "timed-out");
    ck_assert_ptr_nonnull(strstr(lh_jrecord_get(record_at(&v, 5), "error"), "deadline"));
    ck_assert_ptr_null(lh_jrecord_get(record_at(&v, 5), "pid"));
    view_release(&v);
    world_release(&w);
}
END_TEST

static const lh_code demo_codes[] = {
    {.rc = 0, .meaning = "running", .decision = LH_DECIDE_RUNNING},
    {.rc = 12, .meaning = "retriable error", .decision = LH_DECIDE_RETRY},
};
static const lh_codemap demo_map = {"demo_status", demo_codes, G_N_ELEMENTS(demo_codes), NULL};
static const lh_action demo_actions[] = {{NULL, NULL, 0, 0}};
static const lh_agent demo_agent = {.name = "demo", .actions = demo_actions};

/* poll.c notes every decision, and the OCF code once the check settles. */
START_TEST(writer_decision_records)
{
    static char *const envp[] = {(char *)LH_TEST_PATH, NULL};
    const char *retry[] = {"/bin/sh", "-c", "exit 12", NULL};
    const char *running[] = {"/bin/sh", "-c", "exit 0", NULL};
    lh_op op = {.agent = &demo_agent, .action = "monitor", .resource = "rsc_demo",
                .deadline = lh_deadline_in_ms(10000), .interval_ms = 10000, .envp = (char **)envp};
    lh_status_cmd cmd = {.argv = retry, .map = &demo_map, .retries = 1, .retry_interval_ms = 1};
    lh_status status = LH_STATUS_INIT;
    world w;
    view v;
    guint decision[3], n = 0;

    world_init(&w);
    lh_journal_begin("demo", "rsc_demo", "monitor");
    lh_status_check(&op, &cmd, LH_CONTEXT_MONITOR, &status);
    lh_status_release(&status);
    cmd.argv = running;
    cmd.label = "the demo service";
    lh_status_check(&op, &cmd, LH_CONTEXT_PROBE, &status);
    lh_status_release(&status);
    lh_journal_end(LH_OCF_SUCCESS, NULL, 1);

    view_load(&v, w.dir);
    for (guint i = 0; i < v.records->len; i++) {
        if (strcmp(record_at(&v, i)->kind, "decision") == 0) {
            ck_assert_uint_lt(n, 3);
            decision[n++] = i;
            /* each decision follows the command it was taken from */
            ck_assert_str_eq(record_at(&v, i - 1)->kind, "command");
        }
    }
    ck_assert_uint_eq(n, 3);
    /* retried once: the first run decided to retry (nothing settled), the second too,
     * and out of retries that settled as a failure */
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, decision[0]), "check"), "demo_status");
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, decision[0]), "context"), "monitor");
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, decision[0]), "run"), "1");
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, decision[0]), "rc"), "12");
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, decision[0]), "decision"), "retry");
    ck_assert_ptr_null(lh_jrecord_get(record_at(&v, decision[0]), "ocf"));
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, decision[1]), "run"), "2");
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, decision[1]), "ocf"), "OCF_ERR_GENERIC");
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, decision[2]), "check"), "the demo service");
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, decision[2]), "context"), "probe");
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, decision[2]), "decision"), "running");
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, decision[2]), "ocf"), "OCF_SUCCESS");
    view_release(&v);
    world_release(&w);
}
END_TEST

/* Processes writing at once: every SEQ once, each action's records together. */
START_TEST(writer_seq_across_processes)
{
    enum { CHILDREN = 4, ACTIONS = 25 };
    world w;
    view v;
    pid_t pids[CHILDREN];

    world_init(&w);
    for (int c = 0; c < CHILDREN; c++) {
        pids[c] = fork();
        ck_assert_int_ge(pids[c], 0);
        if (pids[c] == 0) {
            for (int i = 0; i < ACTIONS; i++) {
                action("monitor", "x");
            }
            _exit(0);
        }
    }
    for (int c = 0; c < CHILDREN; c++) {
        int status = 0;

        ck_assert_int_eq(waitpid(pids[c], &status, 0), pids[c]);
        ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    view_load(&v, w.dir);
    ck_assert_int_eq(v.damaged + v.torn, 0);
    ck_assert_uint_eq(v.records->len, CHILDREN * ACTIONS * 3);
    assert_seqs_increase(&v);
    for (guint i = 0; i < v.records->len; i += 3) {
        const char *pid = lh_jrecord_get(record_at(&v, i), "pid");

        ck_assert_str_eq(record_at(&v, i)->kind, "begin");
        ck_assert_str_eq(record_at(&v, i + 2)->kind, "result");
        ck_assert_uint_eq(record_at(&v, i + 2)->seq, record_at(&v, i)->seq + 2);
        ck_assert_ptr_nonnull(pid);
    }
    ck_assert_uint_eq(record_at(&v, v.records->len - 1)->seq, CHILDREN * ACTIONS * 3);
    view_release(&v);
    ck_assert_int_eq(warnings(&w), 0);
    world_release(&w);
}
END_TEST

/* DIR/seq lost, damaged, stale (an older copy) or naming a file that is gone: the
 * numbers go on past what the files hold, never repeating. */
START_TEST(writer_seq_lost_damaged_or_stale)
{
    world w;
    view v;
    g_autofree char *seq = NULL;

    world_init(&w);
    seq = path_in(&w, "seq");
    action("start", "1");
    action("monitor", "2");
    ck_assert_int_eq(unlink(seq), 0); /* lost */
    action("monitor", "3");
    lh_test_write_file(seq, "garbage\n", 0600); /* damaged */
    action("monitor", "4");
    lh_test_write_file(seq, "", 0600); /* empty */
    action("monitor", "5");
    /* stale: an older, valid copy */
    lh_test_write_file(seq, "00000000000000000001 journal-00000000000000000001.lhj\n", 0600);
    action("monitor", "6");
    /* a file that is gone */
    lh_test_write_file(seq, "00000000000000000002 journal-00000000000000000099.lhj\n", 0600);
    action("monitor", "7");
    view_load(&v, w.dir);
    ck_assert_int_eq(v.damaged + v.torn, 0);
    ck_assert_uint_eq(v.files->len, 1);
    ck_assert_uint_eq(v.records->len, 7 * 3);
    assert_seqs_increase(&v);
    ck_assert_uint_eq(record_at(&v, v.records->len - 1)->seq, 21);
    view_release(&v);
    {
        g_autofree char *text = lh_test_read_file(seq);

        ck_assert_str_eq(text, "00000000000000000022 journal-00000000000000000001.lhj\n");
    }
    ck_assert_int_eq(warnings(&w), 0);
    world_release(&w);
}
END_TEST

/* Rotation at the size: each closed file ends with a rotate record naming the next,
 * whose name is its first SEQ; none is larger than the size but for that record. */
START_TEST(writer_rotation)
{
    world w;
    view v;
    g_autofree char *detail = g_strnfill(300, 'd');
    guint rotates;

    world_init(&w);
    g_setenv("LHOST_JOURNAL_FILE_SIZE", "4096", TRUE);
    for (int i = 0; i < 40; i++) {
        action("monitor", detail);
    }
    view_load(&v, w.dir);
    ck_assert_int_eq(v.damaged + v.torn, 0);
    ck_assert_uint_ge(v.files->len, 3);
    assert_seqs_increase(&v);
    rotates = count_kind(&v, "rotate");
    ck_assert_uint_eq(rotates, v.files->len - 1);
    ck_assert_uint_eq(v.records->len, 40 * 3 + rotates);
    for (guint i = 0; i < v.records->len; i++) {
        lh_jrecord *rec = record_at(&v, i);
        guint file = g_array_index(v.file_of, guint, i);

        if (i > 0) { /* no gap, rotate records included */
            ck_assert_uint_eq(rec->seq, record_at(&v, i - 1)->seq + 1);
        }
        if (i == 0 || g_array_index(v.file_of, guint, i - 1) != file) {
            g_autofree char *name = g_strdup_printf("journal-%020" G_GUINT64_FORMAT ".lhj",
                                                    rec->seq);

            ck_assert_str_eq(g_ptr_array_index(v.files, file), name); /* named by its first */
        }
        if (strcmp(rec->kind, "rotate") == 0) {
            g_autofree char *path = path_in(&w, g_ptr_array_index(v.files, file));
            struct stat st;

            /* the last of its file, naming the next one */
            ck_assert_uint_eq(g_array_index(v.file_of, guint, i + 1), file + 1);
            ck_assert_str_eq(lh_jrecord_get(rec, "next"), g_ptr_array_index(v.files, file + 1));
            ck_assert_int_eq(stat(path, &st), 0);
            ck_assert_int_le(st.st_size, 4096 + 160);
            ck_assert_int_gt(st.st_size, 4096 - 3 * 400); /* full: no room for an action */
        }
    }
    ck_assert_str_ne(record_at(&v, v.records->len - 1)->kind, "rotate");
    view_release(&v);
    ck_assert_int_eq(warnings(&w), 0);
    world_release(&w);
}
END_TEST

START_TEST(writer_pruning_keeps_the_newest)
{
    world w;
    view v;
    g_autofree char *detail = g_strnfill(1000, 'd');
    g_autofree char *seq_path = NULL;
    g_autofree char *seq_text = NULL;

    world_init(&w);
    g_setenv("LHOST_JOURNAL_FILE_SIZE", "4096", TRUE);
    g_setenv("LHOST_JOURNAL_FILES", "3", TRUE);
    for (int i = 0; i < 30; i++) { /* about two actions a file: fifteen files */
        action("monitor", detail);
    }
    view_load(&v, w.dir);
    ck_assert_int_eq(v.damaged + v.torn, 0);
    ck_assert_uint_eq(v.files->len, 3);
    assert_seqs_increase(&v);
    /* The newest three: the last action is in the last, and they follow each other. */
    ck_assert_str_eq(record_at(&v, v.records->len - 1)->kind, "result");
    seq_path = path_in(&w, "seq");
    seq_text = lh_test_read_file(seq_path);
    ck_assert_ptr_nonnull(strstr(seq_text, g_ptr_array_index(v.files, 2)));
    for (guint i = 0; i < v.records->len; i++) {
        if (strcmp(record_at(&v, i)->kind, "rotate") == 0) {
            ck_assert_str_eq(lh_jrecord_get(record_at(&v, i), "next"),
                             g_ptr_array_index(v.files, g_array_index(v.file_of, guint, i) + 1));
        }
    }
    view_release(&v);
    world_release(&w);
}
END_TEST

/* Values that do not parse: the defaults, one warning per variable. */
START_TEST(writer_bad_settings_use_the_defaults)
{
    world w;
    view v;
    g_autofree char *log = NULL;

    world_init(&w);
    g_setenv("LHOST_JOURNAL_FILES", "1", TRUE);
    g_setenv("LHOST_JOURNAL_FILE_SIZE", "4k", TRUE);
    for (int i = 0; i < 3; i++) {
        action("monitor", "x");
    }
    log = lh_test_read_file(w.log);
    ck_assert_int_eq(warnings(&w), 2);
    ck_assert_ptr_nonnull(strstr(log, "LHOST_JOURNAL_FILES='1'"));
    ck_assert_ptr_nonnull(strstr(log, "LHOST_JOURNAL_FILE_SIZE='4k'"));
    view_load(&v, w.dir);
    ck_assert_uint_eq(v.records->len, 9);
    ck_assert_uint_eq(v.files->len, 1);
    view_release(&v);
    /* A relative directory is refused for the default (not written to here). */
    g_setenv("LHOST_JOURNAL_DIR", "relative/journal", TRUE);
    lh_journal_begin("demo", "rsc_demo", "monitor");
    ck_assert_str_eq(lh_journal_dir(), LH_JOURNAL_DEFAULT_DIR);
    ck_assert_int_eq(warnings(&w), 3);
    world_release(&w); /* the process ends without lh_journal_end */
}
END_TEST

/* Nothing can be written: the action goes on, one warning, nothing left behind. */
static void assert_quietly_dropped(world *w, const char *warning)
{
    g_autofree char *log = NULL;
    gint64 started = lh_test_now_ms();

    action("start", "1");
    action("monitor", "2");
    ck_assert_int_lt(lh_test_now_ms() - started, 2000);
    ck_assert_int_eq(warnings(w), 1);
    log = lh_test_read_file(w->log);
    ck_assert_msg(strstr(log, warning) != NULL, "no '%s' in: %s", warning, log);
}

START_TEST(writer_directory_cannot_be_made)
{
    world w;
    g_autofree char *file = NULL;
    g_autofree char *under = NULL;

    world_init(&w);
    file = g_build_filename(w.base, "a-file", NULL);
    under = g_build_filename(file, "journal", NULL);
    lh_test_write_file(file, "x", 0600);
    g_setenv("LHOST_JOURNAL_DIR", under, TRUE);
    assert_quietly_dropped(&w, "Not a directory");
    world_release(&w);
}
END_TEST

/* A read-only file system (as root, in a mount namespace of the test's own). */
START_TEST(writer_directory_read_only)
{
    world w;

    world_init(&w);
    if (geteuid() != 0 || unshare(CLONE_NEWNS) != 0
        || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
        printf("# SKIP writer_directory_read_only: no mount namespace (not root?)\n");
        world_release(&w);
        return;
    }
    ck_assert_int_eq(g_mkdir_with_parents(w.dir, 0700), 0);
    ck_assert_int_eq(mount("lhost-ro", w.dir, "tmpfs", MS_RDONLY, "size=64k,mode=0700"), 0);
    assert_quietly_dropped(&w, "Read-only file system");
    umount(w.dir);
    world_release(&w);
}
END_TEST

/* Each case in a process of its own: the warning is once per process. */
START_TEST(writer_refuses_a_linked_directory)
{
    world w;
    g_autofree char *real = NULL;
    g_autofree char *parent = NULL;
    g_autoptr(GDir) d = NULL;

    world_init(&w);
    real = g_build_filename(w.base, "real", NULL);
    parent = g_path_get_dirname(w.dir);
    ck_assert_int_eq(g_mkdir_with_parents(real, 0700), 0);
    ck_assert_int_eq(g_mkdir_with_parents(parent, 0700), 0);
    ck_assert_int_eq(symlink(real, w.dir), 0);
    assert_quietly_dropped(&w, "it is a symbolic link");
    d = g_dir_open(real, 0, NULL);
    ck_assert_ptr_nonnull(d);
    ck_assert_ptr_null(g_dir_read_name(d)); /* nothing written through the link */
    world_release(&w);
}
END_TEST

START_TEST(writer_refuses_a_shared_directory)
{
    world w;

    world_init(&w);
    ck_assert_int_eq(g_mkdir_with_parents(w.dir, 0700), 0);
    ck_assert_int_eq(chmod(w.dir, 0777), 0);
    assert_quietly_dropped(&w, "writable by no one else");
    world_release(&w);
}
END_TEST

/* DIR/seq, the newest journal file or DIR/.lock planted as a link to a victim, or the
 * newest journal file as a hard link to it: refused, the victim untouched. */
static void assert_planted_refused(const char *name, gboolean hard, const char *warning)
{
    world w;
    g_autofree char *victim = NULL;
    g_autofree char *planted = NULL;
    g_autofree char *text = NULL;

    world_init(&w);
    victim = g_build_filename(w.base, "victim", NULL);
    lh_test_write_file(victim, "precious\n", 0600);
    ck_assert_int_eq(g_mkdir_with_parents(w.dir, 0700), 0);
    planted = path_in(&w, name);
    ck_assert_int_eq(hard ? link(victim, planted) : symlink(victim, planted), 0);
    assert_quietly_dropped(&w, warning);
    text = lh_test_read_file(victim);
    ck_assert_str_eq(text, "precious\n");
    world_release(&w);
}

START_TEST(writer_refuses_a_planted_seq)
{
    assert_planted_refused("seq", FALSE, "seq: Too many levels of symbolic links");
}
END_TEST

START_TEST(writer_refuses_a_planted_lock)
{
    assert_planted_refused(".lock", FALSE, ".lock: Too many levels of symbolic links");
}
END_TEST

START_TEST(writer_refuses_a_planted_journal_file)
{
    assert_planted_refused("journal-00000000000000000009.lhj", FALSE, "it is a symbolic link");
}
END_TEST

START_TEST(writer_refuses_a_hard_linked_journal_file)
{
    assert_planted_refused("journal-00000000000000000009.lhj", TRUE, "Operation not permitted");
}
END_TEST

/* Someone holds DIR/.lock past LH_JOURNAL_LOCK_WAIT_MS: the action waits that long at
 * most, its records are dropped with one warning; once the lock is free, writing goes on. */
START_TEST(writer_lock_held_too_long)
{
    world w;
    view v;
    g_autofree char *lock = NULL;
    gint64 started, took;
    int fd;

    world_init(&w);
    action("start", "1");
    lock = path_in(&w, ".lock");
    fd = open(lock, O_RDONLY | O_CLOEXEC);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(flock(fd, LOCK_EX), 0); /* another open file: a conflict */
    started = lh_test_now_ms();
    action("monitor", "2");
    took = lh_test_now_ms() - started;
    ck_assert_int_ge(took, LH_JOURNAL_LOCK_WAIT_MS - 10);
    ck_assert_int_lt(took, LH_JOURNAL_LOCK_WAIT_MS + 500);
    action("monitor", "3");
    ck_assert_int_eq(warnings(&w), 1);
    {
        g_autofree char *log = lh_test_read_file(w.log);

        ck_assert_ptr_nonnull(strstr(log, "held by another process"));
    }
    close(fd);
    action("stop", "4");
    view_load(&v, w.dir);
    ck_assert_uint_eq(v.records->len, 6); /* the first and the last action */
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, 3), "action"), "stop");
    ck_assert_uint_eq(record_at(&v, 3)->seq, 4); /* nothing skipped for what was dropped */
    view_release(&v);
    world_release(&w);
}
END_TEST

/* A torn tail (a writer killed mid-line): the reader says so; the next writer ends it
 * with a newline, so it reads as one damaged line, and starts its records after it. */
START_TEST(writer_after_a_torn_tail)
{
    world w;
    view v;
    g_autofree char *file = NULL;
    g_autofree char *text = NULL;
    lh_jreader *reader;
    char *why = NULL;
    FILE *f;

    world_init(&w);
    action("start", "1");
    file = path_in(&w, "journal-00000000000000000001.lhj");
    f = fopen(file, "a");
    ck_assert_ptr_nonnull(f);
    fputs("LHJ1 4 2026-12-03T07:17:28.1", f); /* no newline */
    fclose(f);
    view_load(&v, w.dir);
    ck_assert_int_eq(v.torn, 1);
    view_release(&v);

    action("monitor", "2");
    text = lh_test_read_file(file);
    ck_assert_ptr_nonnull(strstr(text, "LHJ1 4 2026-12-03T07:17:28.1\nLHJ1 "));
    reader = lh_jreader_open(file, &why);
    ck_assert_ptr_nonnull(reader);
    for (int i = 1; i <= 6; i++) {
        g_autofree char *needle = g_strdup_printf("\nLHJ1 %d 2026", i);
        const char *torn_end = strstr(text, "28.1\n") + 4;
        const char *at = i == 1 ? text - 1 : strstr(i < 4 ? text : torn_end, needle);

        if (i == 4) { /* the torn line, ended: damaged; the numbers go on past its 4 */
            expect_next(reader, LH_JREAD_DAMAGED, (goffset)(strstr(text, "LHJ1 4 ") - text), 0,
                        NULL);
        }
        ck_assert_msg(at != NULL, "no record %d", i);
        expect_next(reader, LH_JREAD_RECORD, (goffset)(at + 1 - text), (guint64)i, NULL);
    }
    expect_next(reader, LH_JREAD_END, 0, 0, NULL);
    lh_jreader_free(reader);
    ck_assert_int_eq(warnings(&w), 0);
    world_release(&w);
}
END_TEST

/* Fills the file system of @dir (what fits in its last blocks stays). */
static void fill_up(const char *dir)
{
    g_autofree char *path = g_build_filename(dir, "filler", NULL);
    char block[4096];
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

    ck_assert_int_ge(fd, 0);
    memset(block, 'f', sizeof(block));
    while (write(fd, block, sizeof(block)) > 0) {
    }
    while (write(fd, block, 1) > 0) {
    }
    close(fd);
}

/* An action whose records take more than any block has room for. */
static void big_action(const char *name)
{
    g_autofree char *big = g_strnfill(6000, 'b');

    lh_journal_begin("demo", "rsc_demo", name);
    lh_journal_note("decision", "detail", big, NULL);
    lh_journal_end(LH_OCF_SUCCESS, NULL, 1);
}

/* A tmpfs of 64 KiB as the journal directory, in a mount namespace of the test's own
 * (root): FALSE, with a SKIP line, where there is none. */
static gboolean mount_tiny_tmpfs(world *w, const char *test)
{
    if (geteuid() != 0 || unshare(CLONE_NEWNS) != 0
        || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
        printf("# SKIP %s: no mount namespace (not root?)\n", test);
        return FALSE;
    }
    ck_assert_int_eq(g_mkdir_with_parents(w->dir, 0700), 0);
    ck_assert_int_eq(mount("lhost-full", w->dir, "tmpfs", 0, "size=64k,mode=0700"), 0);
    return TRUE;
}

/* A full disk: the action goes on, one warning, and a short write is taken back: no
 * torn record, and no number skipped. */
START_TEST(writer_full_disk)
{
    world w;
    view v;
    g_autofree char *filler = NULL;
    g_autofree char *log = NULL;

    world_init(&w);
    if (!mount_tiny_tmpfs(&w, "writer_full_disk")) {
        world_release(&w);
        return;
    }
    action("start", "1");
    fill_up(w.dir);
    big_action("monitor");
    big_action("monitor");
    ck_assert_int_eq(warnings(&w), 1);
    log = lh_test_read_file(w.log);
    ck_assert_msg(strstr(log, "No space left on device") != NULL, "log: %s", log);
    view_load(&v, w.dir);
    ck_assert_int_eq(v.damaged + v.torn, 0);
    ck_assert_uint_eq(v.records->len, 3);
    view_release(&v);
    /* Room again: writing goes on, without repeating a number. */
    filler = g_build_filename(w.dir, "filler", NULL);
    ck_assert_int_eq(unlink(filler), 0);
    action("stop", "3");
    view_load(&v, w.dir);
    ck_assert_int_eq(v.damaged + v.torn, 0);
    ck_assert_uint_eq(v.records->len, 6);
    for (guint i = 0; i < 6; i++) { /* no gap where records were dropped */
        ck_assert_uint_eq(record_at(&v, i)->seq, i + 1);
    }
    view_release(&v);
    ck_assert_int_eq(warnings(&w), 1);
    umount(w.dir);
    world_release(&w);
}
END_TEST

/* The disk full in the middle of a rotation: the rotate record fits in the old file's
 * last block, the new file gets none, so the records meant for it are dropped. Once
 * there is room, the next records go to the new file, numbered on from the rotate
 * record: no number skipped or repeated. */
START_TEST(writer_full_disk_at_rotation)
{
    world w;
    view v;
    g_autofree char *detail = g_strnfill(300, 'd');
    g_autofree char *filler = NULL;
    g_autofree char *first = NULL;
    struct stat st;
    gint64 one;
    guint rotate = 0, n;

    world_init(&w);
    if (!mount_tiny_tmpfs(&w, "writer_full_disk_at_rotation")) {
        world_release(&w);
        return;
    }
    /* 5000: the file's last block keeps room for the rotate record */
    g_setenv("LHOST_JOURNAL_FILE_SIZE", "5000", TRUE);
    first = path_in(&w, "journal-00000000000000000001.lhj");
    action("monitor", detail);
    ck_assert_int_eq(stat(first, &st), 0);
    one = st.st_size;
    /* until the next action, no shorter than the first (its numbers have as many digits
     * or more), rotates */
    for (n = 1; n < 20 && st.st_size + one <= 5000; n++) {
        action("monitor", detail);
        ck_assert_int_eq(stat(first, &st), 0);
    }
    fill_up(w.dir);
    action("monitor", detail);
    ck_assert_int_eq(warnings(&w), 1);
    filler = g_build_filename(w.dir, "filler", NULL);
    ck_assert_int_eq(unlink(filler), 0);
    action("stop", detail);
    view_load(&v, w.dir);
    ck_assert_int_eq(v.damaged + v.torn, 0);
    ck_assert_uint_eq(v.files->len, 2);
    ck_assert_uint_eq(v.records->len, (n + 1) * 3 + 1);
    for (guint i = 0; i < v.records->len; i++) {
        ck_assert_uint_eq(record_at(&v, i)->seq, i + 1);
        if (strcmp(record_at(&v, i)->kind, "rotate") == 0) {
            rotate = i;
        }
    }
    ck_assert_uint_eq(rotate, n * 3);
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, rotate), "next"),
                     g_ptr_array_index(v.files, 1));
    ck_assert_str_eq(lh_jrecord_get(record_at(&v, rotate + 1), "action"), "stop");
    view_release(&v);
    umount(w.dir);
    world_release(&w);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("journal");

    add_tcase(s, crc32_known_vectors);
    add_tcase(s, time_format_and_parse);
    add_tcase(s, time_parse_refuses_other_shapes);
    add_tcase(s, record_format_shape);
    add_tcase(s, record_round_trip_hostile_values);
    add_tcase(s, record_no_pairs_and_repeated_keys);
    add_tcase(s, record_damaged_shapes);
    add_tcase(s, record_any_flipped_byte_is_damaged);
    add_tcase(s, record_argv_join_split);
    add_tcase(s, reader_damaged_torn_and_end);
    add_tcase(s, reader_long_lines);
    add_tcase(s, reader_open_problems);
    add_tcase(s, writer_action_records);
    add_tcase(s, writer_node_name_and_off);
    add_tcase(s, writer_cuts_what_a_line_cannot_hold);
    add_tcase(s, writer_command_records);
    add_tcase(s, writer_decision_records);
    add_tcase_timeout(s, writer_seq_across_processes, 30);
    add_tcase(s, writer_seq_lost_damaged_or_stale);
    add_tcase(s, writer_rotation);
    add_tcase(s, writer_pruning_keeps_the_newest);
    add_tcase(s, writer_bad_settings_use_the_defaults);
    add_tcase(s, writer_directory_cannot_be_made);
    add_tcase(s, writer_directory_read_only);
    add_tcase(s, writer_refuses_a_linked_directory);
    add_tcase(s, writer_refuses_a_shared_directory);
    add_tcase(s, writer_refuses_a_planted_seq);
    add_tcase(s, writer_refuses_a_planted_lock);
    add_tcase(s, writer_refuses_a_planted_journal_file);
    add_tcase(s, writer_refuses_a_hard_linked_journal_file);
    add_tcase(s, writer_lock_held_too_long);
    add_tcase(s, writer_after_a_torn_tail);
    add_tcase(s, writer_full_disk);
    add_tcase(s, writer_full_disk_at_rotation);
    return lh_test_run_suite(s);
}
