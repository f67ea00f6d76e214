/* fuzz_journal.c - the journal's parser and reader (lib/runtime/jrecord.c, jreader.c), the
 * records as text and JSON (lib/engine/jshow.c), and a merge of what was read
 * (lib/engine/jmerge*.c).
 *
 * Input: one byte of mode, then the bytes of a journal file. With mode bit 0 set,
 * every line that ends in " crc=XXXXXXXX" gets its right crc first, so that the
 * fuzzer explores what lies behind the crc check as well as the check. The file is
 * written to a scratch directory and read with lh_jreader, line by line alongside
 * an oracle that splits the bytes on '\n' itself.
 * Asserts, beyond no crash and no leak:
 *   - each line is reported at its own byte offset, and once: a record exactly when
 *     lh_jrecord_parse() takes the line (at most LH_JOURNAL_LINE_MAX bytes), else
 *     damaged with a reason; a damaged line never yields a record; a last line
 *     without its newline is a torn tail; then the end;
 *   - a record read is the record parsed; formatted, it gives the line back byte
 *     for byte (the format is canonical), and that line parses to the same record;
 *   - lh_jrecord_text() is one line; lh_jrecord_json() is one line of JSON that
 *     reads back as the record (values not UTF-8 with U+FFFD for each bad byte);
 *   - merging the file alone never asks for usage, and when it writes, everything
 *     it writes parses and ends with its merge record.
 */
#include "config.h"

#include <lhost/jmerge.h>

#include "fuzz.h"

static char *path;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fz_quiet_logs();
    path = g_build_filename(fz_scratch_dir(), "journal-00000000000000000001.lhj", NULL);
    return 0;
}

/* ---- the input ----------------------------------------------------------------------------- */

/* @text with the crc of every line that ends in " crc=" and eight bytes put right. */
static void fix_crcs(GByteArray *text)
{
    gsize start = 0;

    while (start < text->len) {
        guint8 *nl = memchr(text->data + start, '\n', text->len - start);
        gsize end = nl != NULL ? (gsize)(nl - text->data) : text->len;

        if (end - start >= 13 && memcmp(text->data + end - 13, " crc=", 5) == 0) {
            char hex[9];

            g_snprintf(hex, sizeof hex, "%08x", lh_crc32(text->data + start, end - start - 13));
            memcpy(text->data + end - 8, hex, 8);
        }
        start = end + 1;
    }
}

/* ---- records ------------------------------------------------------------------------------- */

static void assert_same_record(const lh_jrecord *a, const lh_jrecord *b)
{
    FZ_ASSERT(a->seq == b->seq && a->time_us == b->time_us, "SEQ or TIME differ");
    FZ_ASSERT(strcmp(a->node, b->node) == 0 && strcmp(a->kind, b->kind) == 0,
              "NODE or KIND differ: '%s' '%s' / '%s' '%s'", a->node, a->kind, b->node, b->kind);
    FZ_ASSERT(a->keys->len == b->keys->len && a->values->len == a->keys->len
                  && b->values->len == b->keys->len,
              "%u keys against %u", a->keys->len, b->keys->len);
    for (guint i = 0; i < a->keys->len; i++) {
        FZ_ASSERT(strcmp(g_ptr_array_index(a->keys, i), g_ptr_array_index(b->keys, i)) == 0
                      && strcmp(g_ptr_array_index(a->values, i), g_ptr_array_index(b->values, i))
                             == 0,
                  "field %u differs", i);
    }
}

/* Formatted, @rec is @line again (and its newline); that parses to @rec. */
static void assert_round_trip(const lh_jrecord *rec, const char *line, gsize len)
{
    g_autofree char *again = lh_jrecord_format(rec);
    lh_jrecord back = LH_JRECORD_INIT;
    g_autofree char *why = NULL;

    FZ_ASSERT(strlen(again) == len + 1 && memcmp(again, line, len) == 0 && again[len] == '\n',
              "formatted, the record is not its line: '%.*s' / '%s'", (int)len, line, again);
    FZ_ASSERT(lh_jrecord_parse(again, len, &back, &why), "the formatted line is damaged: %s", why);
    assert_same_record(rec, &back);
    lh_jrecord_release(&back);
}

/* ---- JSON, read back ------------------------------------------------------------------------- */

/* A JSON reader for what lh_jrecord_json() writes (RFC 8259, less what it never
 * writes: surrogate pairs, numbers other than unsigned integers, literals). */
typedef struct json {
    const char *at;
} json;

static gboolean json_is(json *j, char c)
{
    if (*j->at != c) {
        return FALSE;
    }
    j->at++;
    return TRUE;
}

static gboolean json_escape(json *j, GString *out)
{
    static const char plain[] = "\"\\/bfnrt", meant[] = "\"\\/\b\f\n\r\t";
    const char *which = *j->at != '\0' ? strchr(plain, *j->at) : NULL;
    gunichar c = 0;

    if (which != NULL) {
        g_string_append_c(out, meant[which - plain]);
        j->at++;
        return TRUE;
    }
    if (!json_is(j, 'u')) {
        return FALSE;
    }
    for (int i = 0; i < 4; i++, j->at++) {
        if (!g_ascii_isxdigit(*j->at)) {
            return FALSE;
        }
        c = c * 16 + (gunichar)g_ascii_xdigit_value(*j->at);
    }
    if (c >= 0xd800 && c <= 0xdfff) {
        return FALSE;
    }
    g_string_append_unichar(out, c);
    return TRUE;
}

/* A string, decoded into @out (NULL: skipped). */
static gboolean json_string(json *j, GString *out)
{
    g_autoptr(GString) text = g_string_new(NULL);

    if (!json_is(j, '"')) {
        return FALSE;
    }
    while (!json_is(j, '"')) {
        if ((guchar)*j->at < 0x20) {
            return FALSE; /* a control character, or the end */
        }
        if (json_is(j, '\\')) {
            if (!json_escape(j, text)) {
                return FALSE;
            }
        } else {
            g_string_append_c(text, *j->at++);
        }
    }
    if (out != NULL) {
        g_string_assign(out, text->str);
    }
    return g_utf8_validate(text->str, (gssize)text->len, NULL);
}

/* "key": and the key. */
static gboolean json_key(json *j, const char *expected, GString *key)
{
    return json_string(j, key) && (expected == NULL || strcmp(key->str, expected) == 0)
           && json_is(j, ':');
}

/* What a value of the record reads as in JSON: not UTF-8 made U+FFFD, byte by byte. */
static char *as_json_reads(const char *value)
{
    return g_utf8_make_valid(value, -1);
}

/* The values of @key in @rec, from @from on, against a JSON string or array. */
static gboolean json_values(json *j, const lh_jrecord *rec, guint from)
{
    g_autoptr(GString) got = g_string_new(NULL);
    const char *key = g_ptr_array_index(rec->keys, from);
    gboolean array = json_is(j, '[');
    guint n = 0;

    for (guint i = from; i < rec->keys->len; i++) {
        g_autofree char *want = NULL;

        if (strcmp(g_ptr_array_index(rec->keys, i), key) != 0) {
            continue;
        }
        want = as_json_reads(g_ptr_array_index(rec->values, i));
        if ((n++ > 0 && (!array || !json_is(j, ','))) || !json_string(j, got)
            || strcmp(got->str, want) != 0) {
            return FALSE;
        }
    }
    return array ? n > 1 && json_is(j, ']') : n == 1;
}

static gboolean key_before(const lh_jrecord *rec, guint index)
{
    for (guint i = 0; i < index; i++) {
        if (strcmp(g_ptr_array_index(rec->keys, i), g_ptr_array_index(rec->keys, index)) == 0) {
            return TRUE;
        }
    }
    return FALSE;
}

static gboolean json_fields(json *j, const lh_jrecord *rec)
{
    g_autoptr(GString) key = g_string_new(NULL);
    gboolean first = TRUE;

    if (!json_is(j, '{')) {
        return FALSE;
    }
    for (guint i = 0; i < rec->keys->len; i++) {
        if (key_before(rec, i)) {
            continue;
        }
        if ((!first && !json_is(j, ',')) || !json_key(j, g_ptr_array_index(rec->keys, i), key)
            || !json_values(j, rec, i)) {
            return FALSE;
        }
        first = FALSE;
    }
    return json_is(j, '}');
}

/* The JSON line reads back as @rec: SEQ, TIME, NODE, KIND and every field. */
static gboolean json_reads_as(const char *text, const lh_jrecord *rec)
{
    json j = {text};
    g_autoptr(GString) key = g_string_new(NULL);
    g_autoptr(GString) value = g_string_new(NULL);
    g_autofree char *node = as_json_reads(rec->node);
    char time[LH_JOURNAL_TIME_LEN + 1];
    g_autofree char *seq = g_strdup_printf("%" G_GUINT64_FORMAT ",", rec->seq);

    lh_journal_time_format(rec->time_us, time);
    if (!json_is(&j, '{') || !json_key(&j, "seq", key) || !g_str_has_prefix(j.at, seq)) {
        return FALSE;
    }
    j.at += strlen(seq);
    return json_key(&j, "time", key) && json_string(&j, value) && strcmp(value->str, time) == 0
           && json_is(&j, ',') && json_key(&j, "node", key) && json_string(&j, value)
           && strcmp(value->str, node) == 0 && json_is(&j, ',') && json_key(&j, "kind", key)
           && json_string(&j, value) && strcmp(value->str, rec->kind) == 0 && json_is(&j, ',')
           && json_key(&j, "fields", key) && json_fields(&j, rec) && json_is(&j, '}')
           && strcmp(j.at, "\n") == 0;
}

static void assert_shown(const lh_jrecord *rec)
{
    g_autofree char *text = lh_jrecord_text(rec);
    g_autofree char *json = lh_jrecord_json(rec);
    gsize tlen = strlen(text);

    FZ_ASSERT(tlen > 0 && text[tlen - 1] == '\n' && strchr(text, '\n') == text + tlen - 1,
              "the text is not one line: %s", text);
    FZ_ASSERT(json_reads_as(json, rec), "the JSON does not read back as the record: %s", json);
}

/* ---- reading ------------------------------------------------------------------------------- */

/* The line at @at of @text (@size bytes) against what the reader said of it; the
 * offset of the next line. */
static gsize check_line(const char *text, gsize size, gsize at, lh_jread r, const lh_jrecord *rec,
                        const char *why)
{
    const char *line = text + at;
    const char *nl = memchr(line, '\n', size - at);
    gsize len = nl != NULL ? (gsize)(nl - line) : size - at;
    lh_jrecord parsed = LH_JRECORD_INIT;
    gboolean valid;

    if (nl == NULL) {
        FZ_ASSERT(r == LH_JREAD_TORN, "a last line without its newline read as %d", r);
        return size;
    }
    valid = len <= LH_JOURNAL_LINE_MAX && lh_jrecord_parse(line, len, &parsed, NULL);
    if (r == LH_JREAD_RECORD) {
        FZ_ASSERT(valid, "the reader gave a record of a damaged line at %zu", at);
        assert_same_record(rec, &parsed);
        assert_round_trip(rec, line, len);
        assert_shown(rec);
    } else {
        FZ_ASSERT(r == LH_JREAD_DAMAGED && !valid && why != NULL,
                  "line at %zu: read as %d, parses: %d", at, r, valid);
    }
    lh_jrecord_release(&parsed);
    return at + len + 1;
}

static void check_reader(const char *text, gsize size)
{
    g_autofree char *why = NULL;
    g_autoptr(lh_jreader) reader = lh_jreader_open(path, &why);
    lh_jrecord rec = LH_JRECORD_INIT;
    gsize expected = 0;

    FZ_ASSERT(reader != NULL, "cannot open the file: %s", why);
    for (;;) {
        g_autofree char *what = NULL;
        goffset at = -1;
        lh_jread r = lh_jreader_next(reader, &rec, &at, &what);

        if (r == LH_JREAD_END) {
            FZ_ASSERT(expected == size, "the end at %zu of %zu bytes", expected, size);
            break;
        }
        FZ_ASSERT(r != LH_JREAD_ERROR, "an I/O error: %s", what);
        FZ_ASSERT(at == (goffset)expected, "a line at %" G_GOFFSET_FORMAT ", expected at %zu", at,
                  expected);
        expected = check_line(text, size, expected, r, &rec, what);
    }
    lh_jrecord_release(&rec);
}

/* ---- merging ------------------------------------------------------------------------------- */

static void assert_merge_output(const char *out, gsize size)
{
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);
    lh_jrecord rec = LH_JRECORD_INIT;
    guint n = g_strv_length(lines);

    FZ_ASSERT(size > 0 && out[size - 1] == '\n' && strlen(out) == size, "a merge wrote no lines");
    for (guint i = 0; i + 1 < n; i++) {
        g_autofree char *why = NULL;

        FZ_ASSERT(lh_jrecord_parse(lines[i], strlen(lines[i]), &rec, &why),
                  "the merge wrote a damaged line: %s: %s", why, lines[i]);
    }
    FZ_ASSERT(strcmp(rec.kind, "merge") == 0 && strcmp(rec.node, LH_JMERGE_NODE) == 0,
              "the merge does not end with its merge record");
    lh_jrecord_release(&rec);
}

static void check_merge(void)
{
    g_autoptr(lh_jmerge) merge = lh_jmerge_new(NULL, NULL);
    char *out = NULL;
    size_t size = 0;
    FILE *stream = open_memstream(&out, &size);
    lh_jmerge_code code;

    lh_jmerge_add_input(merge, path);
    code = lh_jmerge_run(merge, NULL, stream);
    fclose(stream);
    FZ_ASSERT(code != LH_JMERGE_USAGE && code <= LH_JMERGE_IO, "merge code %d", code);
    if (code <= LH_JMERGE_INCOMPLETE) {
        assert_merge_output(out, size);
    } else {
        FZ_ASSERT(size == 0, "a failed merge wrote %zu bytes", size);
    }
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GByteArray) text = g_byte_array_new();
    g_autoptr(GError) error = NULL;
    guint8 mode = size > 0 ? data[0] : 0;

    g_byte_array_append(text, data + (size > 0), (guint)(size - (size > 0)));
    if (mode & 1) {
        fix_crcs(text);
    }
    FZ_ASSERT(g_file_set_contents(path, (const char *)text->data, (gssize)text->len, &error),
              "cannot write %s: %s", path, error->message);
    check_reader((const char *)text->data, text->len);
    check_merge();
    return 0;
}
