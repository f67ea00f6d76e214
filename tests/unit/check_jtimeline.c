/* check_jtimeline.c - lhost/jtimeline.h: a merged journal drawn as SVG.
 *
 * Two nodes' journals are written here with lh_jrecord_format(), merged with
 * lhost/jmerge.h as `lhost journal merge` would, and drawn; the SVG is parsed back
 * with libxml2 and read with XPath. What an admin relies on: the picture is
 * well-formed XML whatever the names hold; one lane per node, one row per resource;
 * a bar per action in its outcome's colour with a tooltip saying what, how it ended,
 * why and how long; the state between actions; failures marked; time ticks; a file
 * that is not a merge, or unreadable, or an output that cannot be written is an
 * error that leaves nothing behind.
 */
#include "config.h"

#include <sys/resource.h>
#include <sys/wait.h>

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <lhost/jmerge.h>
#include <lhost/jtimeline.h>
#include <lhost/ocf.h>

#include "check_common.h"
#include "check_journal_fixture.h"

/* One action of @node: its begin (SEQ @seq at @begin_us) and its result (SEQ
 * @seq + 1 at @end_us), with @code and @reason (may be NULL). */
static void add_action(GString *text, guint64 seq, gint64 begin_us, gint64 end_us,
                       const char *node, const char *agent, const char *resource,
                       const char *action, int code, const char *reason)
{
    char code_text[16], ms[24];

    g_snprintf(code_text, sizeof(code_text), "%d", code);
    g_snprintf(ms, sizeof(ms), "%" G_GINT64_FORMAT, (end_us - begin_us) / 1000);
    add_record(text, seq, begin_us, node, "begin", "agent", agent, "resource", resource,
               "action", action, "pid", "100", NULL);
    add_record(text, seq + 1, end_us, node, "result", "ocf", lh_ocf_code_name(code), "code",
               code_text, "reason", reason, "ms", ms, NULL);
}

/* @text as @dir/@node/journal-...1.lhj (the directory made); the path (caller frees). */
static char *put(const char *dir, const char *node, const GString *text)
{
    return put_journal(dir, node, "journal-00000000000000000001.lhj", text);
}

/* @dir/merged.lhj: a merge of two nodes' journals.
 *   n1: rA start 1..2 s ok; rB start 3..4 s failed ("cannot start"); rA stop 6..7 s ok
 *   n2: lhX start 1.5..6 s ok (lhost, overlapping what follows: written last, SEQ 5-7)
 *       rA monitor 2..2.5 s not running; rA start 3..5 s degraded (190) */
static char *cluster(const char *dir)
{
    g_autoptr(GString) n1 = g_string_new(NULL);
    g_autoptr(GString) n2 = g_string_new(NULL);
    g_autofree char *p1 = NULL, *p2 = NULL;
    g_autoptr(lh_jmerge) m = lh_jmerge_new(NULL, NULL);
    char *out = g_build_filename(dir, "merged.lhj", NULL);

    add_action(n1, 1, T0 + 1 * SEC, T0 + 2 * SEC, "n1", "jp1base", "rA", "start", 0, NULL);
    add_action(n1, 3, T0 + 3 * SEC, T0 + 4 * SEC, "n1", "jp1im", "rB", "start", 1, "cannot start");
    add_action(n1, 5, T0 + 6 * SEC, T0 + 7 * SEC, "n1", "jp1base", "rA", "stop", 0, NULL);
    add_action(n2, 1, T0 + 2 * SEC, T0 + 5 * SEC / 2, "n2", "jp1base", "rA", "monitor", 7, NULL);
    add_action(n2, 3, T0 + 3 * SEC, T0 + 5 * SEC, "n2", "jp1base", "rA", "start", 190, NULL);
    add_record(n2, 5, T0 + 3 * SEC / 2, "n2", "begin", "agent", "lhost", "resource", "lhX",
               "action", "start", "pid", "99", NULL);
    add_record(n2, 6, T0 + 11 * SEC / 2, "n2", "member", "member", "m", NULL);
    add_record(n2, 7, T0 + 6 * SEC, "n2", "result", "ocf", "OCF_SUCCESS", "code", "0", "ms",
               "4500", NULL);
    p1 = put(dir, "n1", n1);
    p2 = put(dir, "n2", n2);
    lh_jmerge_add_input(m, p1);
    lh_jmerge_add_input(m, p2);
    ck_assert_int_eq(lh_jmerge_run(m, out, NULL), LH_JMERGE_COMPLETE);
    return out;
}

/* ---- reading the SVG back ------------------------------------------------------------- */

typedef struct svg {
    xmlDoc *doc;
    xmlXPathContext *xpath;
} svg;

static void svg_release(svg *s)
{
    g_clear_pointer(&s->xpath, xmlXPathFreeContext);
    g_clear_pointer(&s->doc, xmlFreeDoc);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(svg, svg_release)

static svg svg_read(const char *path)
{
    svg s = {NULL, NULL};

    s.doc = xmlReadFile(path, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    ck_assert_msg(s.doc != NULL, "%s is not well-formed XML", path);
    ck_assert_str_eq((const char *)xmlDocGetRootElement(s.doc)->name, "svg");
    s.xpath = xmlXPathNewContext(s.doc);
    xmlXPathRegisterNs(s.xpath, BAD_CAST "s", BAD_CAST "http://www.w3.org/2000/svg");
    return s;
}

/* The nodes @expr selects (the caller frees). */
static xmlXPathObject *select_nodes(svg *s, const char *expr)
{
    xmlXPathObject *o = xmlXPathEvalExpression(BAD_CAST expr, s->xpath);

    ck_assert_msg(o != NULL && o->type == XPATH_NODESET, "bad XPath %s", expr);
    return o;
}

static int count(svg *s, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static int count(svg *s, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *expr = NULL;
    xmlXPathObject *o;
    int n;

    va_start(ap, fmt);
    expr = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    o = select_nodes(s, expr);
    n = o->nodesetval != NULL ? o->nodesetval->nodeNr : 0;
    xmlXPathFreeObject(o);
    return n;
}

/* The text content of what @expr selects, joined with '|' (the caller frees). */
static char *texts(svg *s, const char *expr)
{
    xmlXPathObject *o = select_nodes(s, expr);
    GString *all = g_string_new(NULL);

    for (int i = 0; o->nodesetval != NULL && i < o->nodesetval->nodeNr; i++) {
        xmlChar *t = xmlNodeGetContent(o->nodesetval->nodeTab[i]);

        g_string_append_printf(all, "%s%s", i ? "|" : "", (const char *)t);
        xmlFree(t);
    }
    xmlXPathFreeObject(o);
    return g_string_free(all, FALSE);
}

static char *draw(const char *dir, const char *merged, lh_jtimeline_code expected)
{
    char *out = g_build_filename(dir, "t.svg", NULL);
    g_autofree char *why = NULL;

    ck_assert_int_eq(lh_jtimeline_write(merged, out, NULL, NULL, NULL, &why), expected);
    return out;
}

#define ACTION(node, rsc) "//s:g[@class='action'][@data-node='" node "'][@data-resource='" rsc "']"

/* ---- the tests -------------------------------------------------------------------------- */

START_TEST(timeline_has_a_lane_per_node_and_a_row_per_resource)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *merged = cluster(dir);
    g_autofree char *out = draw(dir, merged, LH_JTIMELINE_OK);
    g_auto(svg) s = svg_read(out);
    g_autofree char *lanes = texts(&s, "//s:g[@class='lane']/@data-node");
    g_autofree char *n1 = texts(&s, "//s:g[@class='lane'][@data-node='n1']/s:g[@class='row']/@data-resource");
    g_autofree char *n2 = texts(&s, "//s:g[@class='lane'][@data-node='n2']/s:g[@class='row']/@data-resource");
    g_autofree char *names = texts(&s, "//s:g[@class='lane']/s:text[@class='node']/text()");

    ck_assert_str_eq(lanes, "n1|n2");
    ck_assert_str_eq(names, "n1|n2");
    ck_assert_str_eq(n1, "rA|rB");
    ck_assert_str_eq(n2, "lhX|rA");
    ck_assert_int_eq(count(&s, "//s:g[@class='row']/s:text[text()='rA']"), 2);
}
END_TEST

START_TEST(timeline_draws_each_action_in_its_outcomes_colour)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *merged = cluster(dir);
    g_autofree char *out = draw(dir, merged, LH_JTIMELINE_OK);
    g_auto(svg) s = svg_read(out);
    g_autofree char *n1a = texts(&s, ACTION("n1", "rA") "/s:rect/@class");
    g_autofree char *n1b = texts(&s, ACTION("n1", "rB") "/s:rect/@class");
    g_autofree char *n2a = texts(&s, ACTION("n2", "rA") "/s:rect/@class");
    g_autofree char *n2x = texts(&s, ACTION("n2", "lhX") "/s:rect/@class");

    ck_assert_int_eq(count(&s, "//s:g[@class='action']"), 6);
    ck_assert_str_eq(n1a, "bar ok|bar ok");
    ck_assert_str_eq(n1b, "bar failed");
    ck_assert_str_eq(n2a, "bar notrunning|bar other");
    ck_assert_str_eq(n2x, "bar ok");
    /* Time left to right: 1000 px for the 6 s of records and 2% on either side (0.12 s),
     * from x = 316 (the columns of names): 1 s is 160.3 px. */
    ck_assert_int_eq(count(&s, ACTION("n1", "rA") "/s:rect[@width > 160 and @width < 160.5]"), 2);
    ck_assert_int_eq(count(&s, ACTION("n1", "rA") "/s:rect[@x > 335 and @x < 335.4]"), 1);
}
END_TEST

START_TEST(timeline_bar_titles_say_what_how_why_and_how_long)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *merged = cluster(dir);
    g_autofree char *out = draw(dir, merged, LH_JTIMELINE_OK);
    g_auto(svg) s = svg_read(out);
    g_autofree char *failed = texts(&s, ACTION("n1", "rB") "/s:rect/s:title");
    g_autofree char *degraded = texts(&s, ACTION("n2", "rA") "/s:rect[@class='bar other']/s:title");
    g_autofree char *lhost = texts(&s, ACTION("n2", "lhX") "/s:rect/s:title");

    ck_assert_str_eq(failed, "start of rB on n1 (jp1im)\nOCF_ERR_GENERIC (1): cannot start\n"
                             "07:00:03.000 to 07:00:04.000 UTC, 1000 ms");
    ck_assert_str_eq(degraded, "start of rA on n2 (jp1base)\nOCF_DEGRADED (190)\n"
                               "07:00:03.000 to 07:00:05.000 UTC, 2000 ms");
    /* Its member record in between belongs to it, not to the actions it overlaps. */
    ck_assert_str_eq(lhost, "start of lhX on n2 (lhost)\nOCF_SUCCESS (0)\n"
                            "07:00:01.500 to 07:00:06.000 UTC, 4500 ms");
}
END_TEST

START_TEST(timeline_names_actions_marks_failures_and_shows_state_between)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *merged = cluster(dir);
    g_autofree char *out = draw(dir, merged, LH_JTIMELINE_OK);
    g_auto(svg) s = svg_read(out);
    g_autofree char *inside = texts(&s, ACTION("n1", "rA") "/s:text[@class='in']");
    g_autofree char *n1a = texts(&s, "//s:rect[@data-node='n1'][@data-resource='rA']/@class");
    g_autofree char *n1b = texts(&s, "//s:rect[@data-node='n1'][@data-resource='rB']/@class");
    g_autofree char *n2a = texts(&s, "//s:rect[@data-node='n2'][@data-resource='rA']/@class");

    ck_assert_str_eq(inside, "start|stop");
    ck_assert_int_eq(count(&s, "//s:g[@class='action']/s:text[@class='mark']"), 1);
    ck_assert_int_eq(count(&s, ACTION("n1", "rB") "/s:text[@class='mark' and .='\u2715']"), 1);
    /* running from its start to its stop; stopped after it (at the end: nothing). */
    ck_assert_str_eq(n1a, "band running");
    ck_assert_str_eq(n1b, "band failedstate");
    /* stopped (a monitor's 7) up to the start; degraded is running, to the end. */
    ck_assert_str_eq(n2a, "band stopped|band running");
}
END_TEST

START_TEST(timeline_has_time_ticks_and_a_key)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *merged = cluster(dir);
    g_autofree char *out = draw(dir, merged, LH_JTIMELINE_OK);
    g_auto(svg) s = svg_read(out);
    g_autofree char *top = texts(&s, "//s:g[@class='ticks']/s:text[1]");
    g_autofree char *key = texts(&s, "//s:g[@class='key']/s:text");

    ck_assert_str_eq(top, "07:00:01|07:00:02|07:00:03|07:00:04|07:00:05|07:00:06|07:00:07");
    ck_assert_int_eq(count(&s, "//s:g[@class='ticks']/s:text[.='2026-12-03 UTC']"), 1);
    ck_assert_msg(strstr(key, "success|not running|failure|") != NULL, "%s", key);
    ck_assert_int_eq(count(&s, "//s:text[@class='title'][contains(., '2 nodes')]"), 1);
}
END_TEST

/* A result lost to a damaged line leaves its begin under way: the next action's
 * result is still its own begin's (the highest SEQ below it), not the older one's. */
START_TEST(timeline_matches_a_result_past_a_begin_whose_result_was_lost)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autoptr(GString) text = g_string_new(NULL);
    g_autofree char *path = NULL;
    g_autoptr(lh_jmerge) m = lh_jmerge_new(NULL, NULL);
    g_autofree char *merged = g_build_filename(dir, "merged.lhj", NULL);
    g_autofree char *out = NULL;
    char *crc;

    add_action(text, 1, T0 + 1 * SEC, T0 + 2 * SEC, "n1", "jp1base", "rA", "start", 0, NULL);
    crc = strstr(strstr(text->str, " result "), " crc=") + 5;
    *crc = *crc == '0' ? '1' : '0'; /* SEQ 2, the result, damaged */
    add_action(text, 3, T0 + 3 * SEC, T0 + 4 * SEC, "n1", "jp1base", "rA", "monitor", 7, NULL);
    path = put(dir, "n1", text);
    lh_jmerge_add_input(m, path);
    ck_assert_int_eq(lh_jmerge_run(m, merged, NULL), LH_JMERGE_INCOMPLETE);
    out = draw(dir, merged, LH_JTIMELINE_OK);
    {
        g_auto(svg) s = svg_read(out);
        g_autofree char *title = texts(&s, ACTION("n1", "rA") "/s:rect/s:title");

        ck_assert_str_eq(title, "monitor of rA on n1 (jp1base)\nOCF_NOT_RUNNING (7)\n"
                                "07:00:03.000 to 07:00:04.000 UTC, 1000 ms");
    }
}
END_TEST

START_TEST(timeline_is_well_formed_whatever_the_names_hold)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autoptr(GString) text = g_string_new(NULL);
    g_autofree char *path = NULL;
    g_autoptr(lh_jmerge) m = lh_jmerge_new(NULL, NULL);
    g_autofree char *merged = g_build_filename(dir, "merged.lhj", NULL);
    g_autofree char *out = NULL;

    add_action(text, 1, T0, T0 + SEC, "<n&\"1'>", "a]]>b", "r\x01\xff<", "st\x1b" "art", 1,
               "why </title> & \"\x02\xc3\x28");
    path = put(dir, "n", text);
    lh_jmerge_add_input(m, path);
    ck_assert_int_eq(lh_jmerge_run(m, merged, NULL), LH_JMERGE_COMPLETE);
    out = draw(dir, merged, LH_JTIMELINE_OK);
    {
        g_auto(svg) s = svg_read(out);
        g_autofree char *lane = texts(&s, "//s:g[@class='lane']/@data-node");

        ck_assert_str_eq(lane, "<n&\"1'>");
        ck_assert_int_eq(count(&s, "//s:g[@class='action']"), 1);
    }
}
END_TEST

/* Names longer than their column are cut with an ellipsis in the picture (the
 * tooltip and data attributes keep them whole). One character too many, in plain
 * ASCII, is the tight case: the 3-byte ellipsis takes the place of two bytes. */
START_TEST(timeline_cuts_long_names_with_an_ellipsis)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autoptr(GString) text = g_string_new(NULL);
    g_autofree char *path = NULL;
    g_autoptr(lh_jmerge) m = lh_jmerge_new(NULL, NULL);
    g_autofree char *merged = g_build_filename(dir, "merged.lhj", NULL);
    g_autofree char *out = NULL;

    add_action(text, 1, T0, T0 + SEC, "node-0123456789a", "jp1base",
               "resource-0123456789abcdefghi", "start", 0, NULL);
    path = put(dir, "node-0123456789a", text);
    lh_jmerge_add_input(m, path);
    ck_assert_int_eq(lh_jmerge_run(m, merged, NULL), LH_JMERGE_COMPLETE);
    out = draw(dir, merged, LH_JTIMELINE_OK);
    {
        g_auto(svg) s = svg_read(out);

        ck_assert_int_eq(count(&s, "//s:text[text()='node-012345678\u2026']"), 1);
        ck_assert_int_eq(count(&s, "//s:text[text()='resource-0123456789abcdefg\u2026']"), 1);
    }
}
END_TEST

START_TEST(timeline_of_what_is_no_merge_is_refused)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autoptr(GString) text = g_string_new(NULL);
    g_autofree char *node_file = NULL;
    g_autofree char *out = g_build_filename(dir, "t.svg", NULL);
    g_autofree char *why = NULL;

    add_action(text, 1, T0, T0 + SEC, "n1", "jp1base", "rA", "start", 0, NULL);
    node_file = put(dir, "n1", text);
    ck_assert_int_eq(lh_jtimeline_write(node_file, out, NULL, NULL, NULL, &why),
                     LH_JTIMELINE_NOT_MERGED);
    ck_assert_msg(strstr(why, "not a merged journal") != NULL, "%s", why);
    ck_assert(!g_file_test(out, G_FILE_TEST_EXISTS));
}
END_TEST

START_TEST(timeline_io_errors_leave_nothing)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *merged = cluster(dir);
    g_autofree char *missing = g_build_filename(dir, "nowhere.lhj", NULL);
    g_autofree char *out = g_build_filename(dir, "t.svg", NULL);
    g_autofree char *bad_out = g_build_filename(dir, "no", "dir", "t.svg", NULL);
    g_autofree char *why = NULL;
    g_autofree char *why2 = NULL;
    g_autofree char *tmp = g_strconcat(out, ".tmp", NULL);

    ck_assert_int_eq(lh_jtimeline_write(missing, out, NULL, NULL, NULL, &why), LH_JTIMELINE_IO);
    ck_assert(why != NULL);
    ck_assert(!g_file_test(out, G_FILE_TEST_EXISTS) && !g_file_test(tmp, G_FILE_TEST_EXISTS));
    ck_assert_int_eq(lh_jtimeline_write(merged, bad_out, NULL, NULL, NULL, &why2), LH_JTIMELINE_IO);
    ck_assert(why2 != NULL);
}
END_TEST

START_TEST(timeline_to_a_stream_is_the_same_svg)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *merged = cluster(dir);
    g_autofree char *out = draw(dir, merged, LH_JTIMELINE_OK);
    g_autofree char *streamed = g_build_filename(dir, "s.svg", NULL);
    FILE *f = fopen(streamed, "w");
    g_autofree char *a = NULL, *b = NULL;

    ck_assert_int_eq(lh_jtimeline_write(merged, NULL, f, NULL, NULL, NULL), LH_JTIMELINE_OK);
    ck_assert_int_eq(fclose(f), 0);
    a = lh_test_read_file(out);
    b = lh_test_read_file(streamed);
    ck_assert_str_eq(a, b);
}
END_TEST

/* ---- memory --------------------------------------------------------------------------------- */

/* A merged file of @actions actions (begin, a command, result) over 4 nodes of 5
 * resources, written streaming, its merge record last. */
static char *many_actions(const char *dir, guint64 actions)
{
    char *path = g_build_filename(dir, "many.lhj", NULL);
    FILE *out = fopen(path, "w");
    g_autoptr(GString) line = g_string_new(NULL);

    ck_assert(out != NULL);
    for (guint64 i = 0; i < actions; i++) {
        char node[8], rsc[8];
        guint64 seq = 1 + (i / 4) * 3;
        gint64 t = T0 + (gint64)i * SEC / 10;

        g_snprintf(node, sizeof(node), "node%u", (guint)(i % 4));
        g_snprintf(rsc, sizeof(rsc), "r%u", (guint)((i / 4) % 5));
        g_string_truncate(line, 0);
        add_record(line, seq, t, node, "begin", "agent", "jp1base", "resource", rsc, "action",
                   i % 7 ? "monitor" : "start", "pid", "1", NULL);
        add_record(line, seq + 1, t + SEC / 40, node, "command", "argv", "/bin/true", "end",
                   "exited", "rc", "0", "ms", "1", NULL);
        add_record(line, seq + 2, t + SEC / 20, node, "result", "ocf", "OCF_SUCCESS", "code",
                   i % 11 ? "0" : "1", "ms", "50", NULL);
        fputs(line->str, out);
    }
    g_string_truncate(line, 0);
    add_record(line, 1, T0 + (gint64)actions * SEC / 10, LH_JMERGE_NODE, "merge", "status",
               "COMPLETE", NULL);
    fputs(line->str, out);
    ck_assert_int_eq(fclose(out), 0);
    return path;
}

/* Peak RSS (KiB) of a child process that draws @merged to /dev/null. */
static long timeline_peak_kib(const char *merged)
{
    struct rusage usage;
    int status;
    pid_t pid = fork();

    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        FILE *null = fopen("/dev/null", "w");

        _exit(lh_jtimeline_write(merged, NULL, null, NULL, NULL, NULL) == LH_JTIMELINE_OK ? 0 : 1);
    }
    ck_assert_int_eq(wait4(pid, &status, 0, &usage), pid);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the drawing ended %d", status);
    return usage.ru_maxrss;
}

/* 20 times the actions cost no more memory (within a margin for the allocator): what
 * is kept is per node and resource. The figures go to the test log. */
START_TEST(timeline_memory_does_not_grow_with_the_records)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *small = many_actions(dir, 5000);
    g_autofree char *big = NULL;
    long small_kib = timeline_peak_kib(small);
    long big_kib;

    unlink(small);
    big = many_actions(dir, 100000);
    big_kib = timeline_peak_kib(big);
    printf("timeline: peak RSS %ld KiB for 5000 actions, %ld KiB for 100000\n", small_kib,
           big_kib);
#if defined(__SANITIZE_ADDRESS__)
    /* ASan's quarantine keeps freed memory: the figures say nothing then. */
    return;
#endif
    ck_assert_msg(big_kib <= small_kib + small_kib / 4 + 1024,
                  "peak RSS %ld KiB for 100000 actions, %ld KiB for 5000", big_kib, small_kib);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("jtimeline");

    add_tcase(s, timeline_has_a_lane_per_node_and_a_row_per_resource);
    add_tcase(s, timeline_draws_each_action_in_its_outcomes_colour);
    add_tcase(s, timeline_bar_titles_say_what_how_why_and_how_long);
    add_tcase(s, timeline_names_actions_marks_failures_and_shows_state_between);
    add_tcase(s, timeline_has_time_ticks_and_a_key);
    add_tcase(s, timeline_matches_a_result_past_a_begin_whose_result_was_lost);
    add_tcase(s, timeline_is_well_formed_whatever_the_names_hold);
    add_tcase(s, timeline_cuts_long_names_with_an_ellipsis);
    add_tcase(s, timeline_of_what_is_no_merge_is_refused);
    add_tcase(s, timeline_io_errors_leave_nothing);
    add_tcase(s, timeline_to_a_stream_is_the_same_svg);
    add_tcase_timeout(s, timeline_memory_does_not_grow_with_the_records, 120);
    return lh_test_run_suite(s);
}
