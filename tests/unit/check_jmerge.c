/* check_jmerge.c - lhost/jmerge.h: merging nodes' journals, and records as text
 * and JSON.
 *
 * Journal files are written here with lh_jrecord_format() (and, for damage, bytes
 * of the test's own), one directory per node as each node keeps its own, then
 * merged through the API. What a user relies on: the same inputs in any order give
 * the same bytes; records come in TIME order, ties by NODE then SEQ; a gap, an
 * inversion or a repeat is an error that names the node, the file and the numbers,
 * and nothing is written; a damaged line or a torn tail is reported with its file
 * and offset, skipped, listed in the output, and makes the merge INCOMPLETE; a
 * prior merge is continued without repeating what it holds; COMPLETE means every
 * node's series reaches its open file; memory does not grow with the records.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/wait.h>

#include <lhost/jmerge.h>

#include "check_common.h"
#include "check_journal_fixture.h"

/* ---- writing journals ------------------------------------------------------------------- */

/* SEQ @first..@last of @node, SEQ n at T0 + n s + @shift_us. */
static void add_series(GString *text, const char *node, guint64 first, guint64 last,
                       gint64 shift_us)
{
    for (guint64 seq = first; seq <= last; seq++) {
        g_autofree char *n = g_strdup_printf("%" G_GUINT64_FORMAT, seq);

        add_record(text, seq, T0 + (gint64)seq * SEC + shift_us, node, "decision", "check",
                   "jbs_spmd_status", "run", n, NULL);
    }
}

static char *journal_name(guint64 first)
{
    return g_strdup_printf("journal-%020" G_GUINT64_FORMAT ".lhj", first);
}


/* @node's file of SEQ @first..@last (a rotate record last when @closed), under
 * @dir/@sub/, records at T0 + SEQ s + @shift_us. The path (caller frees). */
static char *node_file_in(const char *dir, const char *sub, const char *node, guint64 first,
                          guint64 last, gboolean closed, gint64 shift_us)
{
    g_autoptr(GString) text = g_string_new(NULL);
    g_autofree char *name = journal_name(first);

    add_series(text, node, first, closed ? last - 1 : last, shift_us);
    if (closed) {
        g_autofree char *next = journal_name(last + 1);

        add_record(text, last, T0 + (gint64)last * SEC + shift_us, node, "rotate", "next",
                   next, NULL);
    }
    return put_journal(dir, sub, name, text);
}

/* The same under @dir/@node/, as a node keeps them. */
static char *node_file(const char *dir, const char *node, guint64 first, guint64 last,
                       gboolean closed, gint64 shift_us)
{
    return node_file_in(dir, node, node, first, last, closed, shift_us);
}

/* ---- merging ----------------------------------------------------------------------------- */

static void collect(const char *message, gpointer data)
{
    g_string_append_printf(data, "%s\n", message);
}

typedef struct merged {
    lh_jmerge_code code;
    char *out;      /* the output's bytes, NULL when there is none */
    char *messages; /* one a line */
} merged;

static void merged_release(merged *r)
{
    g_free(r->out);
    g_free(r->messages);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(merged, merged_release)

/* Merges @inputs (NULL-ended) continuing @priors (NULL-ended, or NULL) into
 * @dir/merged.lhj. */
static merged merge_into(const char *dir, const char *const *inputs, const char *const *priors)
{
    GString *messages = g_string_new(NULL);
    g_autoptr(lh_jmerge) m = lh_jmerge_new(collect, messages);
    g_autofree char *out = g_build_filename(dir, "merged.lhj", NULL);
    merged r = {0, NULL, NULL};

    for (gsize i = 0; inputs[i] != NULL; i++) {
        lh_jmerge_add_input(m, inputs[i]);
    }
    for (gsize i = 0; priors != NULL && priors[i] != NULL; i++) {
        lh_jmerge_add_prior(m, priors[i]);
    }
    unlink(out);
    r.code = lh_jmerge_run(m, out, NULL);
    r.out = lh_test_read_file(out);
    r.messages = g_string_free(messages, FALSE);
    return r;
}

static merged merge(const char *dir, const char *const *inputs)
{
    return merge_into(dir, inputs, NULL);
}

/* The records of @text (the caller unrefs; each an lh_jrecord *). */
static GPtrArray *records_of(const char *text)
{
    g_auto(GStrv) lines = NULL;
    GPtrArray *records = g_ptr_array_new();

    ck_assert_msg(text != NULL, "the merge wrote nothing");
    lines = g_strsplit(text, "\n", -1);

    for (gsize i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++) {
        lh_jrecord *rec = g_new0(lh_jrecord, 1);
        g_autofree char *why = NULL;

        ck_assert_msg(lh_jrecord_parse(lines[i], strlen(lines[i]), rec, &why),
                      "output line %zu does not parse (%s): %s", i + 1, why, lines[i]);
        g_ptr_array_add(records, rec);
    }
    return records;
}

static void records_free(GPtrArray *records)
{
    for (guint i = 0; i < records->len; i++) {
        lh_jrecord_release(g_ptr_array_index(records, i));
        g_free(g_ptr_array_index(records, i));
    }
    g_ptr_array_unref(records);
}

/* The value of @key in the summary record of @kind (for "summary" and "file", the
 * one whose node= is @node; NULL: the first). NULL when there is none. */
static char *summary_value(const char *text, const char *kind, const char *node, const char *key)
{
    GPtrArray *records = records_of(text);
    char *value = NULL;

    for (guint i = 0; i < records->len && value == NULL; i++) {
        const lh_jrecord *rec = g_ptr_array_index(records, i);

        if (strcmp(rec->node, LH_JMERGE_NODE) == 0 && strcmp(rec->kind, kind) == 0
            && (node == NULL || g_strcmp0(lh_jrecord_get(rec, "node"), node) == 0)) {
            value = g_strdup(lh_jrecord_get(rec, key));
        }
    }
    records_free(records);
    return value;
}

/* How many summary records of @kind @text holds. */
static guint count_summaries(const char *text, const char *kind)
{
    GPtrArray *records = records_of(text);
    guint count = 0;

    for (guint i = 0; i < records->len; i++) {
        const lh_jrecord *rec = g_ptr_array_index(records, i);

        count += strcmp(rec->node, LH_JMERGE_NODE) == 0 && strcmp(rec->kind, kind) == 0;
    }
    records_free(records);
    return count;
}

static void assert_summary(const char *text, const char *kind, const char *node, const char *key,
                           const char *expected)
{
    g_autofree char *value = summary_value(text, kind, node, key);

    ck_assert_msg(g_strcmp0(value, expected) == 0, "%s %s: %s=%s, expected %s", kind,
                  node ? node : "", key, value ? value : "(none)", expected);
}

/* "node:seq node:seq ..." of the nodes' records, in output order. */
static char *order_of(const char *text)
{
    GPtrArray *records = records_of(text);
    GString *order = g_string_new(NULL);

    for (guint i = 0; i < records->len; i++) {
        const lh_jrecord *rec = g_ptr_array_index(records, i);

        if (strcmp(rec->node, LH_JMERGE_NODE) != 0) {
            g_string_append_printf(order, "%s%s:%" G_GUINT64_FORMAT, order->len ? " " : "",
                                   rec->node, rec->seq);
        }
    }
    records_free(records);
    return g_string_free(order, FALSE);
}

static void assert_has(const char *text, const char *needle)
{
    ck_assert_msg(text != NULL && strstr(text, needle) != NULL, "'%s' not in:\n%s", needle,
                  text ? text : "(nothing)");
}

/* Nothing was written: no output, no temporary file. */
static void assert_nothing_written(const char *dir, const merged *r)
{
    g_autofree char *tmp = g_build_filename(dir, "merged.lhj.tmp", NULL);

    ck_assert_msg(r->out == NULL, "an output was written:\n%s", r->out);
    ck_assert(!g_file_test(tmp, G_FILE_TEST_EXISTS));
}

/* ---- order -------------------------------------------------------------------------------- */

/* Three nodes, two files each, times interleaved with ties across nodes. The
 * directories sort the other way round from the node names. */
static GPtrArray *three_nodes(const char *dir)
{
    GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);

    g_ptr_array_add(paths, node_file_in(dir, "2", "nodeb", 1, 4, TRUE, 0));
    g_ptr_array_add(paths, node_file_in(dir, "2", "nodeb", 5, 7, FALSE, 0));
    g_ptr_array_add(paths, node_file_in(dir, "3", "nodea", 3, 5, TRUE, 0));
    g_ptr_array_add(paths, node_file_in(dir, "3", "nodea", 6, 9, FALSE, 0));
    g_ptr_array_add(paths, node_file_in(dir, "1", "nodec", 10, 11, TRUE, -SEC / 2));
    g_ptr_array_add(paths, node_file_in(dir, "1", "nodec", 12, 20, FALSE, -SEC / 2));
    g_ptr_array_add(paths, NULL);
    return paths;
}

START_TEST(merge_any_input_order_gives_the_same_bytes)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autoptr(GPtrArray) paths = three_nodes(dir);
    g_auto(merged) first = merge(dir, (const char *const *)paths->pdata);
    g_autoptr(GRand) rand = g_rand_new_with_seed(17);
    guint n = paths->len - 1;

    ck_assert_int_eq(first.code, LH_JMERGE_COMPLETE);
    ck_assert_ptr_nonnull(first.out);
    for (int round = 0; round < 40; round++) {
        /* A Fisher-Yates shuffle of the inputs (the NULL stays last). */
        for (guint i = n - 1; i > 0; i--) {
            guint j = (guint)g_rand_int_range(rand, 0, (gint32)i + 1);
            gpointer swap = paths->pdata[i];

            paths->pdata[i] = paths->pdata[j];
            paths->pdata[j] = swap;
        }
        {
            g_auto(merged) again = merge(dir, (const char *const *)paths->pdata);

            ck_assert_int_eq(again.code, LH_JMERGE_COMPLETE);
            ck_assert_str_eq(again.out, first.out);
        }
    }
}
END_TEST

START_TEST(merge_to_a_stream_gives_the_same_bytes)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autoptr(GPtrArray) paths = three_nodes(dir);
    g_auto(merged) to_file = merge(dir, (const char *const *)paths->pdata);
    g_autoptr(lh_jmerge) m = lh_jmerge_new(NULL, NULL);
    char *bytes = NULL;
    size_t size = 0;
    FILE *stream = open_memstream(&bytes, &size);

    for (guint i = 0; i + 1 < paths->len; i++) {
        lh_jmerge_add_input(m, g_ptr_array_index(paths, i));
    }
    ck_assert_int_eq(lh_jmerge_run(m, NULL, stream), LH_JMERGE_COMPLETE);
    fclose(stream);
    ck_assert_str_eq(bytes, to_file.out);
    free(bytes);
}
END_TEST

/* A node's files in SEQ order whatever their names: copies may be renamed. */
START_TEST(merge_takes_a_nodes_files_by_first_seq_not_by_name)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autoptr(GString) one = g_string_new(NULL);
    g_autoptr(GString) two = g_string_new(NULL);
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;

    add_series(one, "nodea", 1, 3, 0);
    add_series(two, "nodea", 4, 5, 0);
    b = put_journal(dir, "x", "b-first.lhj", one);
    a = put_journal(dir, "x", "a-second.lhj", two);
    {
        const char *inputs[] = {a, b, NULL};
        g_auto(merged) r = merge(dir, inputs);
        g_autofree char *order = order_of(r.out);

        ck_assert_int_eq(r.code, LH_JMERGE_COMPLETE);
        ck_assert_str_eq(order, "nodea:1 nodea:2 nodea:3 nodea:4 nodea:5");
        assert_summary(r.out, "summary", "nodea", "first", "1");
    }
}
END_TEST

/* TIME first; equal TIMEs by NODE name (nodea before nodeb), then SEQ. */
START_TEST(merge_orders_by_time_then_node_then_seq)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autoptr(GPtrArray) paths = three_nodes(dir);
    g_auto(merged) r = merge(dir, (const char *const *)paths->pdata);
    g_autofree char *order = order_of(r.out);

    /* nodea and nodeb share times (SEQ n at T0 + n s); nodec is half a second early. */
    ck_assert_str_eq(order, "nodeb:1 nodeb:2 nodea:3 nodeb:3 nodea:4 nodeb:4 nodea:5 nodeb:5 "
                            "nodea:6 nodeb:6 nodea:7 nodeb:7 nodea:8 nodea:9 nodec:10 nodec:11 "
                            "nodec:12 nodec:13 nodec:14 nodec:15 nodec:16 nodec:17 nodec:18 "
                            "nodec:19 nodec:20");
}
END_TEST

/* Equal TIMEs within one node keep SEQ order. */
START_TEST(merge_keeps_seq_order_for_equal_times_of_a_node)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autoptr(GString) text = g_string_new(NULL);
    g_autofree char *a = NULL;
    g_autofree char *order = NULL;

    add_record(text, 7, T0, "nodea", "begin", NULL);
    add_record(text, 8, T0, "nodea", "command", NULL);
    add_record(text, 9, T0, "nodea", "result", NULL);
    a = put_journal(dir, "nodea", "journal-00000000000000000007.lhj", text);
    {
        const char *inputs[] = {a, NULL};
        g_auto(merged) r = merge(dir, inputs);

        order = order_of(r.out);
        ck_assert_str_eq(order, "nodea:7 nodea:8 nodea:9");
    }
}
END_TEST

/* A node's actions overlap: each writes its records at its end, so its SEQ order is
 * not its TIME order. The merge gives TIME order all the same. */
START_TEST(merge_orders_overlapping_actions_of_a_node_by_time)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autoptr(GString) text = g_string_new(NULL);
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;
    g_autofree char *order = NULL;

    /* A short monitor (SEQ 1-3, 10..12 s) ends before a long start (SEQ 4-6, 5..20 s). */
    add_record(text, 1, T0 + 10 * SEC, "nodea", "begin", "resource", "mon", NULL);
    add_record(text, 2, T0 + 11 * SEC, "nodea", "command", NULL);
    add_record(text, 3, T0 + 12 * SEC, "nodea", "result", NULL);
    add_record(text, 4, T0 + 5 * SEC, "nodea", "begin", "resource", "start", NULL);
    add_record(text, 5, T0 + 15 * SEC, "nodea", "command", NULL);
    add_record(text, 6, T0 + 20 * SEC, "nodea", "result", NULL);
    a = put_journal(dir, "nodea", "journal-00000000000000000001.lhj", text);
    g_string_truncate(text, 0);
    add_record(text, 1, T0 + 7 * SEC, "nodeb", "begin", NULL);
    add_record(text, 2, T0 + 13 * SEC, "nodeb", "result", NULL);
    b = put_journal(dir, "nodeb", "journal-00000000000000000001.lhj", text);
    {
        const char *inputs[] = {b, a, NULL};
        g_auto(merged) r = merge(dir, inputs);

        ck_assert_int_eq(r.code, LH_JMERGE_COMPLETE);
        order = order_of(r.out);
        ck_assert_str_eq(order, "nodea:4 nodeb:1 nodea:1 nodea:2 nodea:3 nodeb:2 nodea:5 nodea:6");
    }
}
END_TEST

/* ---- the summary, COMPLETE and INCOMPLETE ------------------------------------------------ */

START_TEST(merge_summary_gives_each_node_its_range)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autoptr(GPtrArray) paths = three_nodes(dir);
    g_auto(merged) r = merge(dir, (const char *const *)paths->pdata);
    g_autoptr(GPtrArray) records = records_of(r.out);
    const lh_jrecord *last = g_ptr_array_index(records, records->len - 1);

    assert_summary(r.out, "summary", "nodea", "first", "3");
    assert_summary(r.out, "summary", "nodea", "last", "9");
    assert_summary(r.out, "summary", "nodea", "records", "7");
    assert_summary(r.out, "summary", "nodea", "files", "2");
    assert_summary(r.out, "summary", "nodec", "first", "10");
    assert_summary(r.out, "summary", "nodec", "last", "20");
    assert_summary(r.out, "summary", "nodec", "status", "COMPLETE");
    assert_summary(r.out, "file", "nodeb", "file", "journal-00000000000000000001.lhj");
    assert_summary(r.out, "merge", NULL, "status", "COMPLETE");
    assert_summary(r.out, "merge", NULL, "nodes", "3");
    assert_summary(r.out, "merge", NULL, "inputs", "6");
    assert_summary(r.out, "merge", NULL, "records", "25");
    ck_assert_uint_eq(count_summaries(r.out, "summary"), 3);
    ck_assert_uint_eq(count_summaries(r.out, "file"), 6);
    ck_assert_uint_eq(count_summaries(r.out, "merge"), 1);
    /* Nodes by name, each followed by its files by first SEQ. */
    {
        g_autoptr(GString) trail = g_string_new(NULL);

        for (guint i = 0; i < records->len; i++) {
            const lh_jrecord *rec = g_ptr_array_index(records, i);

            if (strcmp(rec->node, LH_JMERGE_NODE) == 0) {
                g_string_append_printf(trail, "%s:%s:%s ", rec->kind,
                                       lh_jrecord_get(rec, "node") ? lh_jrecord_get(rec, "node") : "",
                                       lh_jrecord_get(rec, "first") ? lh_jrecord_get(rec, "first") : "");
            }
        }
        ck_assert_str_eq(trail->str, "summary:nodea:3 file:nodea:3 file:nodea:6 summary:nodeb:1 "
                                     "file:nodeb:1 file:nodeb:5 summary:nodec:10 file:nodec:10 "
                                     "file:nodec:12 merge:: ");
    }
    /* The last record is the merge's, of no node, at the newest record's TIME. */
    ck_assert_str_eq(last->kind, "merge");
    ck_assert_str_eq(last->node, LH_JMERGE_NODE);
    ck_assert_int_eq(last->time_us, T0 + 20 * SEC - SEC / 2);
    records_free(g_steal_pointer(&records));
}
END_TEST

START_TEST(merge_whose_last_file_is_closed_is_incomplete)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *a1 = node_file(dir, "nodea", 1, 5, TRUE, 0);
    g_autofree char *b1 = node_file(dir, "nodeb", 1, 5, FALSE, 0);
    const char *inputs[] = {a1, b1, NULL};
    g_auto(merged) r = merge(dir, inputs);

    ck_assert_int_eq(r.code, LH_JMERGE_INCOMPLETE);
    ck_assert_ptr_nonnull(r.out);
    assert_summary(r.out, "summary", "nodea", "status", "INCOMPLETE");
    assert_summary(r.out, "summary", "nodea", "why", "last-file-closed");
    assert_summary(r.out, "summary", "nodeb", "status", "COMPLETE");
    assert_summary(r.out, "merge", NULL, "status", "INCOMPLETE");
    assert_has(r.messages, "node nodea: INCOMPLETE (last-file-closed)");
}
END_TEST

START_TEST(merge_reaching_every_open_file_is_complete)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *a1 = node_file(dir, "nodea", 1, 5, TRUE, 0);
    g_autofree char *a2 = node_file(dir, "nodea", 6, 6, FALSE, 0);
    const char *inputs[] = {a2, a1, NULL};
    g_auto(merged) r = merge(dir, inputs);

    ck_assert_int_eq(r.code, LH_JMERGE_COMPLETE);
    ck_assert_str_eq(r.messages, "");
    assert_summary(r.out, "summary", "nodea", "why", "reaches-open-file");
    assert_summary(r.out, "summary", "nodea", "closed", "no");
}
END_TEST

/* ---- rules broken: nothing written --------------------------------------------------- */

START_TEST(merge_gap_between_files_is_an_error)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *a1 = node_file(dir, "nodea", 1, 5, TRUE, 0);
    g_autofree char *a2 = node_file(dir, "nodea", 8, 10, FALSE, 0);
    const char *inputs[] = {a2, a1, NULL};
    g_auto(merged) r = merge(dir, inputs);
    g_autofree char *expected = g_strdup_printf("node nodea: SEQ 6..7 missing between %s (last 5) "
                                                "and %s (first 8) (a gap)",
                                                a1, a2);

    ck_assert_int_eq(r.code, LH_JMERGE_VIOLATION);
    assert_has(r.messages, expected);
    assert_nothing_written(dir, &r);
}
END_TEST

START_TEST(merge_gap_within_a_file_is_an_error)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autoptr(GString) text = g_string_new(NULL);
    g_autofree char *a = NULL;
    g_autofree char *expected = NULL;

    add_series(text, "nodea", 1, 2, 0);
    add_series(text, "nodea", 5, 6, 0);
    a = put_journal(dir, "nodea", "journal-00000000000000000001.lhj", text);
    expected = g_strdup_printf("node nodea: %s:%zu: SEQ 3..4 missing (a gap between SEQ 2 and 5)",
                               a, strlen(text->str) / 2);
    {
        const char *inputs[] = {a, NULL};
        g_auto(merged) r = merge(dir, inputs);

        ck_assert_int_eq(r.code, LH_JMERGE_VIOLATION);
        assert_has(r.messages, expected);
        assert_nothing_written(dir, &r);
    }
}
END_TEST

START_TEST(merge_inversion_is_an_error)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autoptr(GString) text = g_string_new(NULL);
    g_autofree char *a = NULL;

    add_series(text, "nodea", 1, 3, 0);
    add_series(text, "nodea", 2, 2, 0);
    a = put_journal(dir, "nodea", "journal-00000000000000000001.lhj", text);
    {
        const char *inputs[] = {a, NULL};
        g_auto(merged) r = merge(dir, inputs);

        ck_assert_int_eq(r.code, LH_JMERGE_VIOLATION);
        assert_has(r.messages, "node nodea: ");
        assert_has(r.messages, a);
        assert_has(r.messages, ": SEQ 2 after 3 (an inversion)");
        assert_nothing_written(dir, &r);
    }
}
END_TEST

START_TEST(merge_repeat_within_a_file_is_an_error)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autoptr(GString) text = g_string_new(NULL);
    g_autofree char *a = NULL;

    add_series(text, "nodea", 1, 3, 0);
    add_series(text, "nodea", 3, 4, 0);
    a = put_journal(dir, "nodea", "journal-00000000000000000001.lhj", text);
    {
        const char *inputs[] = {a, NULL};
        g_auto(merged) r = merge(dir, inputs);

        ck_assert_int_eq(r.code, LH_JMERGE_VIOLATION);
        assert_has(r.messages, ": SEQ 3 repeated (a repeat)");
        assert_has(r.messages, a);
        assert_nothing_written(dir, &r);
    }
}
END_TEST

START_TEST(merge_files_that_overlap_are_a_repeat)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *a1 = node_file(dir, "nodea", 1, 5, TRUE, 0);
    g_autofree char *a2 = node_file(dir, "nodea", 4, 9, FALSE, 0);
    const char *inputs[] = {a1, a2, NULL};
    g_auto(merged) r = merge(dir, inputs);
    g_autofree char *expected =
        g_strdup_printf("node nodea: SEQ 4..5 repeated: in %s and in %s (a repeat)", a1, a2);

    ck_assert_int_eq(r.code, LH_JMERGE_VIOLATION);
    assert_has(r.messages, expected);
    assert_nothing_written(dir, &r);
}
END_TEST

/* A file inside another is a repeat, and what follows both is no gap. */
START_TEST(merge_file_inside_another_is_a_repeat_not_a_gap)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *a1 = node_file(dir, "nodea", 1, 10, TRUE, 0);
    g_autofree char *a2 = node_file_in(dir, "copy", "nodea", 3, 5, FALSE, 0);
    g_autofree char *a3 = node_file(dir, "nodea", 11, 12, FALSE, 0);
    const char *inputs[] = {a1, a2, a3, NULL};
    g_auto(merged) r = merge(dir, inputs);
    g_autofree char *expected =
        g_strdup_printf("node nodea: SEQ 3..5 repeated: in %s and in %s (a repeat)\n", a1, a2);

    ck_assert_int_eq(r.code, LH_JMERGE_VIOLATION);
    ck_assert_str_eq(r.messages, expected);
    assert_nothing_written(dir, &r);
}
END_TEST

START_TEST(merge_same_file_twice_is_a_repeat)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *a1 = node_file(dir, "nodea", 1, 5, FALSE, 0);
    const char *inputs[] = {a1, a1, NULL};
    g_auto(merged) r = merge(dir, inputs);

    ck_assert_int_eq(r.code, LH_JMERGE_VIOLATION);
    assert_has(r.messages, "node nodea: SEQ 1..5 repeated");
    assert_nothing_written(dir, &r);
}
END_TEST

START_TEST(merge_file_of_two_nodes_is_an_error)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autoptr(GString) text = g_string_new(NULL);
    g_autofree char *a = NULL;

    add_series(text, "nodea", 1, 2, 0);
    add_series(text, "nodeb", 3, 4, 0);
    a = put_journal(dir, "nodea", "journal-00000000000000000001.lhj", text);
    {
        const char *inputs[] = {a, NULL};
        g_auto(merged) r = merge(dir, inputs);

        ck_assert_int_eq(r.code, LH_JMERGE_VIOLATION);
        assert_has(r.messages, "holds records of two nodes (nodea and nodeb)");
        assert_nothing_written(dir, &r);
    }
}
END_TEST

/* A failed merge leaves an earlier output as it was. */
START_TEST(merge_error_leaves_the_output_untouched)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *a1 = node_file(dir, "nodea", 1, 5, TRUE, 0);
    g_autofree char *a2 = node_file(dir, "nodea", 7, 9, FALSE, 0);
    g_autofree char *out = g_build_filename(dir, "out.lhj", NULL);
    g_autofree char *tmp = g_strconcat(out, ".tmp", NULL);
    g_autoptr(lh_jmerge) m = lh_jmerge_new(NULL, NULL);
    g_autofree char *after = NULL;

    lh_test_write_file(out, "what was there\n", 0600);
    lh_jmerge_add_input(m, a1);
    lh_jmerge_add_input(m, a2);
    ck_assert_int_eq(lh_jmerge_run(m, out, NULL), LH_JMERGE_VIOLATION);
    after = lh_test_read_file(out);
    ck_assert_str_eq(after, "what was there\n");
    ck_assert(!g_file_test(tmp, G_FILE_TEST_EXISTS));
}
END_TEST

/* ---- damage ------------------------------------------------------------------------------ */

/* nodea SEQ 1..6 with SEQ 3's line damaged (a flipped byte: its crc no longer
 * matches); *offset: where that line starts. */
static char *damaged_file(const char *dir, gsize *offset)
{
    g_autoptr(GString) text = g_string_new(NULL);

    add_series(text, "nodea", 1, 2, 0);
    *offset = text->len;
    add_series(text, "nodea", 3, 3, 0);
    text->str[*offset + 8] ^= 0x01;
    add_series(text, "nodea", 4, 6, 0);
    return put_journal(dir, "nodea", "journal-00000000000000000001.lhj", text);
}

START_TEST(merge_skips_a_damaged_line_with_its_file_and_offset)
{
    g_autofree char *dir = lh_test_tmpdir();
    gsize offset;
    g_autofree char *a = damaged_file(dir, &offset);
    g_autofree char *b = node_file(dir, "nodeb", 1, 3, FALSE, 0);
    const char *inputs[] = {a, b, NULL};
    g_auto(merged) r = merge(dir, inputs);
    g_autofree char *where = g_strdup_printf("%s:%zu: damaged line skipped", a, offset);
    g_autofree char *gap = g_strdup_printf("SEQ 3..3 missing where damaged lines were skipped "
                                           "(%s:%zu): the merge is INCOMPLETE",
                                           a, offset);
    g_autofree char *at = g_strdup_printf("%zu", offset);
    g_autofree char *order = order_of(r.out);

    ck_assert_int_eq(r.code, LH_JMERGE_INCOMPLETE);
    assert_has(r.messages, where);
    assert_has(r.messages, gap);
    /* Skipped, the rest merged, and listed in the output with its offset. */
    ck_assert_str_eq(order, "nodea:1 nodeb:1 nodea:2 nodeb:2 nodeb:3 nodea:4 nodea:5 nodea:6");
    assert_summary(r.out, "damaged", "nodea", "offset", at);
    assert_summary(r.out, "damaged", "nodea", "file", "journal-00000000000000000001.lhj");
    assert_summary(r.out, "summary", "nodea", "damaged", "1");
    assert_summary(r.out, "summary", "nodea", "status", "INCOMPLETE");
    assert_summary(r.out, "summary", "nodea", "why", "damaged,missing");
    assert_summary(r.out, "summary", "nodeb", "status", "COMPLETE");
    assert_summary(r.out, "merge", NULL, "status", "INCOMPLETE");
    assert_summary(r.out, "merge", NULL, "damaged", "1");
}
END_TEST

/* A gap where no damaged line was skipped stays an error, damage elsewhere or not. */
START_TEST(merge_gap_away_from_the_damage_is_an_error)
{
    g_autofree char *dir = lh_test_tmpdir();
    gsize offset;
    g_autofree char *a = damaged_file(dir, &offset);
    g_autofree char *a2 = node_file(dir, "nodea", 9, 10, FALSE, 0);
    const char *inputs[] = {a, a2, NULL};
    g_auto(merged) r = merge(dir, inputs);

    ck_assert_int_eq(r.code, LH_JMERGE_VIOLATION);
    assert_has(r.messages, "node nodea: SEQ 7..8 missing between");
    assert_nothing_written(dir, &r);
}
END_TEST

/* Damage at the end of one file excuses a gap before the next. */
START_TEST(merge_gap_after_damage_at_a_file_end_is_excused)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autoptr(GString) text = g_string_new(NULL);
    g_autofree char *a1 = NULL;
    g_autofree char *a2 = node_file(dir, "nodea", 5, 6, FALSE, 0);
    g_autofree char *expected = NULL;

    add_series(text, "nodea", 1, 3, 0);
    g_string_append(text, "LHJ1 4 this is no record\n");
    a1 = put_journal(dir, "nodea", "journal-00000000000000000001.lhj", text);
    expected = g_strdup_printf("node nodea: SEQ 4..4 missing before %s, where damaged lines were "
                               "skipped (%s:%zu)",
                               a2, a1, text->len - strlen("LHJ1 4 this is no record\n"));
    {
        const char *inputs[] = {a1, a2, NULL};
        g_auto(merged) r = merge(dir, inputs);

        ck_assert_int_eq(r.code, LH_JMERGE_INCOMPLETE);
        assert_has(r.messages, expected);
        ck_assert_ptr_nonnull(r.out);
    }
}
END_TEST

START_TEST(merge_torn_tail_is_skipped_and_incomplete)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autoptr(GString) text = g_string_new(NULL);
    g_autofree char *a = NULL;
    g_autofree char *expected = NULL;
    g_autofree char *at = NULL;
    gsize torn;

    add_series(text, "nodea", 1, 3, 0);
    torn = text->len;
    g_string_append(text, "LHJ1 4 2026-12-03T07:00:04.000000Z nodea dec");
    a = put_journal(dir, "nodea", "journal-00000000000000000001.lhj", text);
    expected = g_strdup_printf("%s:%zu: torn last line (no newline) skipped", a, torn);
    at = g_strdup_printf("%zu", torn);
    {
        const char *inputs[] = {a, NULL};
        g_auto(merged) r = merge(dir, inputs);
        g_autofree char *order = order_of(r.out);

        ck_assert_int_eq(r.code, LH_JMERGE_INCOMPLETE);
        assert_has(r.messages, expected);
        ck_assert_str_eq(order, "nodea:1 nodea:2 nodea:3");
        assert_summary(r.out, "file", "nodea", "torn", at);
        assert_summary(r.out, "summary", "nodea", "why", "torn");
        assert_summary(r.out, "merge", NULL, "torn", "1");
    }
}
END_TEST

START_TEST(merge_file_without_a_record_counts_for_no_node)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autoptr(GString) text = g_string_new("not a journal at all\n");
    g_autofree char *junk = put_journal(dir, "x", "junk.lhj", text);
    g_autofree char *b = node_file(dir, "nodeb", 1, 3, FALSE, 0);
    const char *inputs[] = {junk, b, NULL};
    g_auto(merged) r = merge(dir, inputs);

    ck_assert_int_eq(r.code, LH_JMERGE_INCOMPLETE);
    assert_has(r.messages, "junk.lhj:0: damaged line skipped");
    assert_summary(r.out, "file", LH_JMERGE_NODE, "file", "junk.lhj");
    assert_summary(r.out, "merge", NULL, "unattributed", "1");
    assert_summary(r.out, "merge", NULL, "status", "INCOMPLETE");
}
END_TEST

/* ---- continuing a prior merge ------------------------------------------------------------ */

/* merged.lhj of nodea 1..5 and nodeb 1..3, moved to @dir/prior.lhj (its path). */
static char *prior_merge(const char *dir)
{
    g_autofree char *a1 = node_file(dir, "nodea", 1, 5, TRUE, 0);
    g_autofree char *b1 = node_file(dir, "nodeb", 1, 3, FALSE, 0);
    const char *inputs[] = {a1, b1, NULL};
    g_auto(merged) r = merge(dir, inputs);
    g_autofree char *from = g_build_filename(dir, "merged.lhj", NULL);
    char *prior = g_build_filename(dir, "prior.lhj", NULL);

    ck_assert_int_le(r.code, LH_JMERGE_INCOMPLETE);
    ck_assert_int_eq(rename(from, prior), 0);
    return prior;
}

START_TEST(merge_continues_a_prior_without_repeating_it)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *prior = prior_merge(dir);
    /* The node files again, grown: nodea's first file is in the prior whole. */
    g_autofree char *a1 = g_build_filename(dir, "nodea", "journal-00000000000000000001.lhj", NULL);
    g_autofree char *a2 = node_file(dir, "nodea", 6, 8, FALSE, 0);
    g_autofree char *b1 = node_file(dir, "nodeb", 1, 6, FALSE, 0);
    const char *inputs[] = {b1, a2, a1, NULL};
    const char *priors[] = {prior, NULL};
    g_auto(merged) r = merge_into(dir, inputs, priors);
    g_autofree char *order = order_of(r.out);

    ck_assert_int_eq(r.code, LH_JMERGE_COMPLETE);
    ck_assert_str_eq(order, "nodeb:4 nodeb:5 nodea:6 nodeb:6 nodea:7 nodea:8");
    assert_summary(r.out, "summary", "nodea", "first", "6");
    assert_summary(r.out, "summary", "nodea", "held", "8");
    assert_summary(r.out, "summary", "nodeb", "first", "4");
    assert_summary(r.out, "merge", NULL, "prior", "prior.lhj");
}
END_TEST

START_TEST(merge_gap_after_the_prior_is_an_error)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *prior = prior_merge(dir);
    g_autofree char *a3 = node_file(dir, "nodea", 8, 9, FALSE, 0);
    g_autofree char *b1 = node_file(dir, "nodeb", 1, 4, FALSE, 0);
    const char *inputs[] = {a3, b1, NULL};
    const char *priors[] = {prior, NULL};
    g_auto(merged) r = merge_into(dir, inputs, priors);
    g_autofree char *expected = g_strdup_printf("node nodea: %s starts at SEQ 8: SEQ 6..7 missing "
                                                "after the prior's last (5, prior.lhj) (a gap)",
                                                a3);

    ck_assert_int_eq(r.code, LH_JMERGE_VIOLATION);
    assert_has(r.messages, expected);
    assert_nothing_written(dir, &r);
}
END_TEST

/* A node the prior knows and no input has now: the merge cannot be COMPLETE. */
START_TEST(merge_node_of_the_prior_without_input_is_incomplete)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *prior = prior_merge(dir);
    g_autofree char *b1 = node_file(dir, "nodeb", 1, 4, FALSE, 0);
    const char *inputs[] = {b1, NULL};
    const char *priors[] = {prior, NULL};
    g_auto(merged) r = merge_into(dir, inputs, priors);

    ck_assert_int_eq(r.code, LH_JMERGE_INCOMPLETE);
    assert_summary(r.out, "summary", "nodea", "why", "no-input");
    assert_summary(r.out, "summary", "nodea", "held", "5");
    assert_summary(r.out, "summary", "nodea", "first", "-");
}
END_TEST

START_TEST(merge_two_priors_is_an_error)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *prior = prior_merge(dir);
    g_autofree char *b1 = node_file(dir, "nodeb", 1, 4, FALSE, 0);
    const char *inputs[] = {b1, NULL};
    const char *priors[] = {prior, prior, NULL};
    g_auto(merged) r = merge_into(dir, inputs, priors);

    ck_assert_int_eq(r.code, LH_JMERGE_VIOLATION);
    assert_has(r.messages, "2 earlier merged files");
    assert_has(r.messages, "at most one");
    assert_nothing_written(dir, &r);
}
END_TEST

START_TEST(merge_prior_that_is_no_merged_file_is_an_error)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *a1 = node_file(dir, "nodea", 1, 5, FALSE, 0);
    g_autofree char *b1 = node_file(dir, "nodeb", 1, 4, FALSE, 0);
    const char *inputs[] = {b1, NULL};
    const char *priors[] = {a1, NULL};
    g_auto(merged) r = merge_into(dir, inputs, priors);
    g_autofree char *expected = g_strdup_printf("%s: not a merged file", a1);

    ck_assert_int_eq(r.code, LH_JMERGE_VIOLATION);
    assert_has(r.messages, expected);
    assert_nothing_written(dir, &r);
}
END_TEST

START_TEST(merge_damaged_prior_is_an_error)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *prior = prior_merge(dir);
    g_autofree char *text = lh_test_read_file(prior);
    g_autofree char *b1 = node_file(dir, "nodeb", 1, 4, FALSE, 0);
    const char *inputs[] = {b1, NULL};
    const char *priors[] = {prior, NULL};

    ck_assert_ptr_nonnull(text);
    text[10] = text[10] == 'x' ? 'y' : 'x';
    lh_test_write_file(prior, text, 0600);
    {
        g_auto(merged) r = merge_into(dir, inputs, priors);

        ck_assert_int_eq(r.code, LH_JMERGE_VIOLATION);
        assert_has(r.messages, "a prior must be a whole merged file");
        assert_nothing_written(dir, &r);
    }
}
END_TEST

START_TEST(merge_merged_file_as_an_input_is_an_error)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *prior = prior_merge(dir);
    g_autofree char *b1 = node_file(dir, "nodeb", 1, 4, FALSE, 0);
    const char *inputs[] = {b1, prior, NULL};
    g_auto(merged) r = merge(dir, inputs);

    ck_assert_int_eq(r.code, LH_JMERGE_VIOLATION);
    assert_has(r.messages, "a merged file (it holds summary records): give it with --prior");
    assert_nothing_written(dir, &r);
}
END_TEST

/* ---- I/O ----------------------------------------------------------------------------------- */

START_TEST(merge_unreadable_input_is_an_io_error)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *missing = g_build_filename(dir, "nowhere.lhj", NULL);
    g_autofree char *b1 = node_file(dir, "nodeb", 1, 4, FALSE, 0);
    const char *inputs[] = {b1, missing, NULL};
    g_auto(merged) r = merge(dir, inputs);

    ck_assert_int_eq(r.code, LH_JMERGE_IO);
    assert_has(r.messages, missing);
    assert_nothing_written(dir, &r);
}
END_TEST

START_TEST(merge_unwritable_output_is_an_io_error)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *b1 = node_file(dir, "nodeb", 1, 4, FALSE, 0);
    g_autofree char *out = g_build_filename(dir, "no", "such", "dir", "out.lhj", NULL);
    GString *messages = g_string_new(NULL);
    g_autoptr(lh_jmerge) m = lh_jmerge_new(collect, messages);

    lh_jmerge_add_input(m, b1);
    ck_assert_int_eq(lh_jmerge_run(m, out, NULL), LH_JMERGE_IO);
    assert_has(messages->str, "out.lhj.tmp: cannot write it");
    g_string_free(messages, TRUE);
}
END_TEST

/* ---- memory --------------------------------------------------------------------------------- */

/* @nodes nodes of @files_per_node files, @records in all, written streaming. Actions
 * of three records overlap: every other one is noted 2 s earlier than its SEQ says. */
static GPtrArray *many_files(const char *dir, guint nodes, guint files_per_node, guint64 records)
{
    GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
    guint64 per_file = records / nodes / files_per_node;

    for (guint n = 0; n < nodes; n++) {
        g_autofree char *node = g_strdup_printf("node%02u", n);

        for (guint f = 0; f < files_per_node; f++) {
            guint64 first = 1 + f * per_file;
            g_autofree char *name = journal_name(first);
            g_autofree char *sub = g_build_filename(dir, node, NULL);
            char *path = g_build_filename(sub, name, NULL);
            FILE *out;

            ck_assert_int_eq(g_mkdir_with_parents(sub, 0700), 0);
            out = fopen(path, "w");
            for (guint64 seq = first; seq < first + per_file; seq++) {
                g_autoptr(GString) line = g_string_new(NULL);
                gint64 t = T0 + (gint64)seq * SEC / 10 - ((seq / 3) % 2) * 2 * SEC;

                add_record(line, seq, t, node, "command", "argv",
                           "/opt/jp1base/bin/jbs_spmd_status -h lhA", "end", "exited", "rc", "0",
                           "ms", "12", NULL);
                fputs(line->str, out);
            }
            ck_assert_int_eq(fclose(out), 0);
            g_ptr_array_add(paths, path);
        }
    }
    return paths;
}

/* Peak RSS (KiB) of a child process that merges @paths to /dev/null. */
static long merge_peak_kib(GPtrArray *paths)
{
    struct rusage usage;
    int status;
    pid_t pid = fork();

    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        lh_jmerge *m = lh_jmerge_new(NULL, NULL);
        FILE *null = fopen("/dev/null", "w");
        lh_jmerge_code code;

        for (guint i = 0; i < paths->len; i++) {
            lh_jmerge_add_input(m, g_ptr_array_index(paths, i));
        }
        code = lh_jmerge_run(m, NULL, null);
        _exit(code == LH_JMERGE_COMPLETE ? 0 : 10 + (int)code);
    }
    ck_assert_int_eq(wait4(pid, &status, 0, &usage), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the merge ended %d", status);
    return usage.ru_maxrss;
}

/* 64 files (8 nodes of 8): 20 times the records cost no more memory (within a
 * generous margin for the allocator). The figures go to the test log. */
START_TEST(merge_memory_does_not_grow_with_the_records)
{
    g_autofree char *small_dir = lh_test_tmpdir();
    g_autofree char *big_dir = lh_test_tmpdir();
    g_autoptr(GPtrArray) small = many_files(small_dir, 8, 8, 10000);
    g_autoptr(GPtrArray) big = NULL;
    long small_kib = merge_peak_kib(small);
    long big_kib;

    lh_test_rmtree(small_dir);
    big = many_files(big_dir, 8, 8, 200000);
    big_kib = merge_peak_kib(big);
    printf("merge of 64 files: peak RSS %ld KiB for 10000 records, %ld KiB for 200000\n",
           small_kib, big_kib);
#if defined(__SANITIZE_ADDRESS__)
    /* ASan's quarantine keeps freed memory: the figures say nothing then. */
    return;
#endif
    ck_assert_msg(big_kib <= small_kib + small_kib / 4 + 1024,
                  "peak RSS %ld KiB for 200000 records, %ld KiB for 10000", big_kib, small_kib);
}
END_TEST

/* ---- records as text and JSON ------------------------------------------------------------- */

START_TEST(jrecord_text_quotes_what_is_not_one_word)
{
    lh_jrecord rec = LH_JRECORD_INIT;
    g_autofree char *text = NULL;

    lh_jrecord_init(&rec, 42, T0 + 123456, "node a", "command");
    lh_jrecord_add(&rec, "argv", "/bin/x -h lhA");
    lh_jrecord_add(&rec, "rc", "0");
    lh_jrecord_add(&rec, "reason", "");
    lh_jrecord_add(&rec, "error", "say \"no\"\n");
    text = lh_jrecord_text(&rec);
    ck_assert_str_eq(text, "2026-12-03T07:00:00.123456Z \"node a\" 42 command "
                           "argv=\"/bin/x -h lhA\" rc=0 reason=\"\" error=\"say \\\"no\\\"\\n\"\n");
    lh_jrecord_release(&rec);
}
END_TEST

START_TEST(jrecord_json_escapes_and_groups_repeated_keys)
{
    lh_jrecord rec = LH_JRECORD_INIT;
    g_autofree char *json = NULL;

    lh_jrecord_init(&rec, 7, T0, "n\"1", "decision");
    lh_jrecord_add(&rec, "check", "a\\b\x01");
    lh_jrecord_add(&rec, "note", "one");
    lh_jrecord_add(&rec, "bytes", "\xff\xc3\xa9");
    lh_jrecord_add(&rec, "note", "two");
    json = lh_jrecord_json(&rec);
    ck_assert_str_eq(json, "{\"seq\":7,\"time\":\"2026-12-03T07:00:00.000000Z\",\"node\":\"n\\\"1\","
                           "\"kind\":\"decision\",\"fields\":{\"check\":\"a\\\\b\\u0001\","
                           "\"note\":[\"one\",\"two\"],\"bytes\":\"\xef\xbf\xbd\xc3\xa9\"}}\n");
    lh_jrecord_release(&rec);
}
END_TEST

START_TEST(journal_time_parse_loose_takes_what_people_write)
{
    gint64 t = 0;

    ck_assert(lh_journal_time_parse_loose("2026-12-03T07:00:00.000001Z", &t));
    ck_assert_int_eq(t, T0 + 1);
    ck_assert(lh_journal_time_parse_loose("2026-12-03T07:00:00Z", &t));
    ck_assert_int_eq(t, T0);
    ck_assert(lh_journal_time_parse_loose("2026-12-03 07:00:05", &t));
    ck_assert_int_eq(t, T0 + 5 * SEC);
    ck_assert(lh_journal_time_parse_loose("2026-12-03 07:00", &t));
    ck_assert_int_eq(t, T0);
    ck_assert(lh_journal_time_parse_loose("2026-12-03T07:01+01:00", &t));
    ck_assert_int_eq(t, T0 - (gint64)59 * 60 * SEC);
    ck_assert(lh_journal_time_parse_loose("2026-12-03", &t));
    ck_assert_int_eq(t, T0 - (gint64)7 * 3600 * SEC);
    ck_assert(lh_journal_time_parse_loose("2026-12-03T09:00:00+02:00", &t));
    ck_assert_int_eq(t, T0);
    ck_assert(!lh_journal_time_parse_loose("yesterday", &t));
    ck_assert(!lh_journal_time_parse_loose("", &t));
}
END_TEST

START_TEST(journal_files_lists_journal_files_oldest_first)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autoptr(GPtrArray) files = NULL;
    g_autofree char *why = NULL;
    const char *names[] = {"journal-00000000000000000120.lhj", "journal-00000000000000000007.lhj",
                           "journal-7.lhj", "seq", ".lock", "journal-00000000000000000120.lhj.x"};

    for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *path = g_build_filename(dir, names[i], NULL);

        lh_test_write_file(path, "", 0600);
    }
    files = lh_journal_files(dir, &why);
    ck_assert_ptr_nonnull(files);
    ck_assert_uint_eq(files->len, 2);
    ck_assert(g_str_has_suffix(g_ptr_array_index(files, 0), "/journal-00000000000000000007.lhj"));
    ck_assert(g_str_has_suffix(g_ptr_array_index(files, 1), "/journal-00000000000000000120.lhj"));
    g_ptr_array_unref(g_steal_pointer(&files));
    ck_assert_ptr_null(lh_journal_files("/nonexistent/journal", &why));
    ck_assert_ptr_nonnull(why);
}
END_TEST

/* Actions are runs of SEQ from begin to result; only the begin names the resource.
 * Records of two nodes, and in TIME order where actions overlap, are followed. */
START_TEST(jfilter_follows_actions_by_resource_and_time)
{
    g_autoptr(GString) text = g_string_new(NULL);
    lh_jfilter filter = LH_JFILTER_INIT;
    GPtrArray *records;
    g_autoptr(GString) kept = g_string_new(NULL);

    /* nodea's long start (SEQ 4-6) began before its monitor (SEQ 1-3): TIME order. */
    add_record(text, 4, T0 + 5 * SEC, "nodea", "begin", "resource", "base", NULL);
    add_record(text, 1, T0 + 6 * SEC, "nodeb", "begin", "resource", "base", NULL);
    add_record(text, 1, T0 + 10 * SEC, "nodea", "begin", "resource", "im", NULL);
    add_record(text, 2, T0 + 11 * SEC, "nodea", "command", NULL);
    add_record(text, 2, T0 + 11 * SEC, "nodeb", "result", NULL);
    add_record(text, 3, T0 + 12 * SEC, "nodea", "result", NULL);
    add_record(text, 5, T0 + 15 * SEC, "nodea", "command", NULL);
    add_record(text, 6, T0 + 20 * SEC, "nodea", "result", NULL);
    records = records_of(text->str);
    filter.resource = "base";
    filter.since_us = T0 + 6 * SEC;
    for (guint i = 0; i < records->len; i++) {
        const lh_jrecord *rec = g_ptr_array_index(records, i);

        if (lh_jfilter_match(&filter, rec)) {
            g_string_append_printf(kept, "%s:%" G_GUINT64_FORMAT " ", rec->node, rec->seq);
        }
    }
    ck_assert_str_eq(kept->str, "nodeb:1 nodeb:2 nodea:5 nodea:6 ");
    lh_jfilter_release(&filter);
    records_free(records);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("jmerge");

    add_tcase(s, merge_any_input_order_gives_the_same_bytes);
    add_tcase(s, merge_to_a_stream_gives_the_same_bytes);
    add_tcase(s, merge_takes_a_nodes_files_by_first_seq_not_by_name);
    add_tcase(s, merge_orders_by_time_then_node_then_seq);
    add_tcase(s, merge_keeps_seq_order_for_equal_times_of_a_node);
    add_tcase(s, merge_orders_overlapping_actions_of_a_node_by_time);
    add_tcase(s, merge_summary_gives_each_node_its_range);
    add_tcase(s, merge_whose_last_file_is_closed_is_incomplete);
    add_tcase(s, merge_reaching_every_open_file_is_complete);
    add_tcase(s, merge_gap_between_files_is_an_error);
    add_tcase(s, merge_gap_within_a_file_is_an_error);
    add_tcase(s, merge_inversion_is_an_error);
    add_tcase(s, merge_repeat_within_a_file_is_an_error);
    add_tcase(s, merge_files_that_overlap_are_a_repeat);
    add_tcase(s, merge_file_inside_another_is_a_repeat_not_a_gap);
    add_tcase(s, merge_same_file_twice_is_a_repeat);
    add_tcase(s, merge_file_of_two_nodes_is_an_error);
    add_tcase(s, merge_error_leaves_the_output_untouched);
    add_tcase(s, merge_skips_a_damaged_line_with_its_file_and_offset);
    add_tcase(s, merge_gap_away_from_the_damage_is_an_error);
    add_tcase(s, merge_gap_after_damage_at_a_file_end_is_excused);
    add_tcase(s, merge_torn_tail_is_skipped_and_incomplete);
    add_tcase(s, merge_file_without_a_record_counts_for_no_node);
    add_tcase(s, merge_continues_a_prior_without_repeating_it);
    add_tcase(s, merge_gap_after_the_prior_is_an_error);
    add_tcase(s, merge_node_of_the_prior_without_input_is_incomplete);
    add_tcase(s, merge_two_priors_is_an_error);
    add_tcase(s, merge_prior_that_is_no_merged_file_is_an_error);
    add_tcase(s, merge_damaged_prior_is_an_error);
    add_tcase(s, merge_merged_file_as_an_input_is_an_error);
    add_tcase(s, merge_unreadable_input_is_an_io_error);
    add_tcase(s, merge_unwritable_output_is_an_io_error);
    add_tcase_timeout(s, merge_memory_does_not_grow_with_the_records, 120);
    add_tcase(s, jrecord_text_quotes_what_is_not_one_word);
    add_tcase(s, jrecord_json_escapes_and_groups_repeated_keys);
    add_tcase(s, journal_time_parse_loose_takes_what_people_write);
    add_tcase(s, journal_files_lists_journal_files_oldest_first);
    add_tcase(s, jfilter_follows_actions_by_resource_and_time);
    return lh_test_run_suite(s);
}
