/* check_codemap.c - lhost/codemap.h: return codes -> decisions -> what each context does.
 *
 * The expected verdicts are written out below from what codemap.h and the comments of
 * codemap.c document: monitor and probe report what they see (a probe never reports a
 * failure for what is merely not here), start keeps polling until "running" (only an
 * installation problem ends it early), stop keeps forcing until "stopped" (and what
 * cannot be installed here is not running here). A code missing from a table is a
 * failure, never passed through as an OCF code. The printed tables must list every row
 * and say, in every context, what lh_codemap_decide() decides.
 */
#include "config.h"

#include <lhost/codemap.h>
#include <lhost/ocf.h>

#include "check_common.h"

typedef struct expect {
    gboolean settled;
    lh_ocf_code code; /* when settled */
} expect;

#define SETTLED(c) {TRUE, (c)}
#define GOES_ON {FALSE, LH_OCF_ERR_GENERIC}

/* The documented verdict of each decision in each context. */
static const expect documented[][LH_CONTEXT_COUNT] = {
    [LH_DECIDE_RUNNING] = {
        [LH_CONTEXT_MONITOR] = SETTLED(LH_OCF_SUCCESS),
        [LH_CONTEXT_PROBE] = SETTLED(LH_OCF_SUCCESS),
        [LH_CONTEXT_START] = SETTLED(LH_OCF_SUCCESS),
        [LH_CONTEXT_STOP] = GOES_ON,
    },
    [LH_DECIDE_STOPPED] = {
        [LH_CONTEXT_MONITOR] = SETTLED(LH_OCF_NOT_RUNNING),
        [LH_CONTEXT_PROBE] = SETTLED(LH_OCF_NOT_RUNNING),
        [LH_CONTEXT_START] = GOES_ON,
        [LH_CONTEXT_STOP] = SETTLED(LH_OCF_SUCCESS),
    },
    [LH_DECIDE_PARTIAL] = {
        [LH_CONTEXT_MONITOR] = SETTLED(LH_OCF_ERR_GENERIC),
        [LH_CONTEXT_PROBE] = SETTLED(LH_OCF_ERR_GENERIC),
        [LH_CONTEXT_START] = GOES_ON,
        [LH_CONTEXT_STOP] = GOES_ON,
    },
    [LH_DECIDE_RETRY] = {
        [LH_CONTEXT_MONITOR] = GOES_ON,
        [LH_CONTEXT_PROBE] = GOES_ON,
        [LH_CONTEXT_START] = GOES_ON,
        [LH_CONTEXT_STOP] = GOES_ON,
    },
    [LH_DECIDE_FAILED] = {
        [LH_CONTEXT_MONITOR] = SETTLED(LH_OCF_ERR_GENERIC),
        [LH_CONTEXT_PROBE] = SETTLED(LH_OCF_ERR_GENERIC),
        [LH_CONTEXT_START] = GOES_ON,
        [LH_CONTEXT_STOP] = GOES_ON,
    },
    /* A soft failure: the cluster's migration-threshold decides restart or move. */
    [LH_DECIDE_FAILOVER] = {
        [LH_CONTEXT_MONITOR] = SETTLED(LH_OCF_ERR_GENERIC),
        [LH_CONTEXT_PROBE] = SETTLED(LH_OCF_ERR_GENERIC),
        [LH_CONTEXT_START] = GOES_ON,
        [LH_CONTEXT_STOP] = GOES_ON,
    },
    [LH_DECIDE_NOT_HERE] = {
        [LH_CONTEXT_MONITOR] = SETTLED(LH_OCF_ERR_INSTALLED),
        [LH_CONTEXT_PROBE] = SETTLED(LH_OCF_NOT_RUNNING),
        [LH_CONTEXT_START] = SETTLED(LH_OCF_ERR_INSTALLED),
        [LH_CONTEXT_STOP] = SETTLED(LH_OCF_SUCCESS),
    },
};

static const lh_decision all_decisions[] = {
    LH_DECIDE_RUNNING, LH_DECIDE_STOPPED,  LH_DECIDE_PARTIAL, LH_DECIDE_RETRY,
    LH_DECIDE_FAILED,  LH_DECIDE_FAILOVER, LH_DECIDE_NOT_HERE,
};

static const lh_context all_contexts[] = {
    LH_CONTEXT_MONITOR, LH_CONTEXT_PROBE, LH_CONTEXT_START, LH_CONTEXT_STOP,
};

/* A table with every decision, a shared-directory case and a stop-time case. It has
 * no row for 8, 9 or 190 on purpose: those would read as OCF codes if passed on. */
static const lh_code demo_codes[] = {
    {.rc = 0, .meaning = "all running", .decision = LH_DECIDE_RUNNING},
    {.rc = 1, .meaning = "error", .decision = LH_DECIDE_FAILED,
     .if_shared_absent = LH_DECIDE_STOPPED},
    {.rc = 3, .meaning = "stopped normally", .decision = LH_DECIDE_FAILED,
     .when_stopping = LH_DECIDE_STOPPED},
    {.rc = 4, .meaning = "some stopped", .decision = LH_DECIDE_PARTIAL},
    {.rc = 5, .meaning = "all stopped", .decision = LH_DECIDE_STOPPED},
    {.rc = 12, .meaning = "retriable error", .decision = LH_DECIDE_RETRY},
    {.rc = 20, .meaning = "cannot run here now", .decision = LH_DECIDE_FAILOVER},
    {.rc = 30, .meaning = "not set up on this node", .decision = LH_DECIDE_NOT_HERE},
};

static const lh_codemap demo_map = {"demo_status", demo_codes, G_N_ELEMENTS(demo_codes), NULL};

static void assert_verdict(lh_verdict v, expect e, const char *what)
{
    ck_assert_msg(v.settled == e.settled, "%s: settled %d, expected %d", what, v.settled,
                  e.settled);
    if (e.settled) {
        ck_assert_msg(v.code == e.code, "%s: %s, expected %s", what, lh_ocf_code_name(v.code),
                      lh_ocf_code_name(e.code));
    } else {
        /* Running out of time on an unsettled check is never a success. */
        ck_assert_msg(v.code != LH_OCF_SUCCESS, "%s: unsettled yet OCF_SUCCESS", what);
    }
}

/* ---- decisions in contexts ----------------------------------------------------- */

START_TEST(codemap_every_decision_in_every_context)
{
    for (gsize d = 0; d < G_N_ELEMENTS(all_decisions); d++) {
        for (gsize c = 0; c < G_N_ELEMENTS(all_contexts); c++) {
            lh_decision decision = all_decisions[d];
            lh_context context = all_contexts[c];
            lh_verdict v = lh_decision_verdict(decision, context);
            g_autofree char *what = g_strdup_printf("%s in %s", lh_decision_name(decision),
                                                    lh_context_name(context));

            ck_assert_int_eq(v.decision, decision);
            assert_verdict(v, documented[decision][context], what);
        }
    }
}
END_TEST

START_TEST(codemap_rows_decide_as_documented)
{
    for (gsize i = 0; i < G_N_ELEMENTS(demo_codes); i++) {
        const lh_code *row = &demo_codes[i];

        for (gsize c = 0; c < G_N_ELEMENTS(all_contexts); c++) {
            lh_context context = all_contexts[c];
            lh_decision decision = context == LH_CONTEXT_STOP && row->when_stopping
                                       ? row->when_stopping
                                       : row->decision;
            lh_verdict v = lh_codemap_decide(&demo_map, row->rc, context, TRUE);
            g_autofree char *what = g_strdup_printf("rc %d in %s", row->rc,
                                                    lh_context_name(context));

            ck_assert_msg(v.decision == decision, "%s: decision %s", what,
                          lh_decision_name(v.decision));
            ck_assert(v.documented);
            ck_assert_str_eq(v.meaning, row->meaning);
            assert_verdict(v, documented[decision][context], what);
        }
    }
}
END_TEST

START_TEST(codemap_shared_absent_override)
{
    lh_verdict v;

    /* rc 1 is an error where the shared directory is... */
    v = lh_codemap_decide(&demo_map, 1, LH_CONTEXT_MONITOR, TRUE);
    ck_assert_int_eq(v.decision, LH_DECIDE_FAILED);
    ck_assert_int_eq(v.code, LH_OCF_ERR_GENERIC);
    /* ... and "not running here" where it is not. */
    v = lh_codemap_decide(&demo_map, 1, LH_CONTEXT_MONITOR, FALSE);
    ck_assert_int_eq(v.decision, LH_DECIDE_STOPPED);
    ck_assert(v.settled);
    ck_assert_int_eq(v.code, LH_OCF_NOT_RUNNING);
    ck_assert(v.documented);
    v = lh_codemap_decide(&demo_map, 1, LH_CONTEXT_PROBE, FALSE);
    ck_assert_int_eq(v.code, LH_OCF_NOT_RUNNING);
    v = lh_codemap_decide(&demo_map, 1, LH_CONTEXT_STOP, FALSE);
    ck_assert(v.settled);
    ck_assert_int_eq(v.code, LH_OCF_SUCCESS);

    /* Rows without the special case decide the same either way. */
    for (gsize i = 0; i < G_N_ELEMENTS(demo_codes); i++) {
        if (demo_codes[i].if_shared_absent != LH_DECIDE_NONE) {
            continue;
        }
        for (gsize c = 0; c < G_N_ELEMENTS(all_contexts); c++) {
            lh_verdict present = lh_codemap_decide(&demo_map, demo_codes[i].rc, all_contexts[c],
                                                   TRUE);
            lh_verdict absent = lh_codemap_decide(&demo_map, demo_codes[i].rc, all_contexts[c],
                                                  FALSE);

            ck_assert_msg(present.decision == absent.decision && present.code == absent.code
                              && present.settled == absent.settled,
                          "rc %d in %s changes with the shared directory", demo_codes[i].rc,
                          lh_context_name(all_contexts[c]));
        }
    }
}
END_TEST

START_TEST(codemap_when_stopping_applies_to_stop_only)
{
    lh_verdict v;

    /* rc 3 "stopped normally": a failure for a product that should run... */
    v = lh_codemap_decide(&demo_map, 3, LH_CONTEXT_MONITOR, TRUE);
    ck_assert_int_eq(v.decision, LH_DECIDE_FAILED);
    ck_assert_int_eq(v.code, LH_OCF_ERR_GENERIC);
    v = lh_codemap_decide(&demo_map, 3, LH_CONTEXT_START, TRUE);
    ck_assert(!v.settled);
    /* ... the goal of a stop. */
    v = lh_codemap_decide(&demo_map, 3, LH_CONTEXT_STOP, TRUE);
    ck_assert_int_eq(v.decision, LH_DECIDE_STOPPED);
    ck_assert(v.settled);
    ck_assert_int_eq(v.code, LH_OCF_SUCCESS);
    /* A row without it: a failure stays a failure in a stop (force, recheck). */
    v = lh_codemap_decide(&demo_map, 1, LH_CONTEXT_STOP, TRUE);
    ck_assert_int_eq(v.decision, LH_DECIDE_FAILED);
    ck_assert(!v.settled);
}
END_TEST

START_TEST(codemap_undocumented_code_is_a_failure)
{
    static const int undocumented[] = {2, 7, 8, 9, 190, 191, 255, -1, 126, 127};

    for (gsize i = 0; i < G_N_ELEMENTS(undocumented); i++) {
        for (gsize c = 0; c < G_N_ELEMENTS(all_contexts); c++) {
            lh_context context = all_contexts[c];
            lh_verdict v = lh_codemap_decide(&demo_map, undocumented[i], context, TRUE);
            lh_verdict absent = lh_codemap_decide(&demo_map, undocumented[i], context, FALSE);
            g_autofree char *what = g_strdup_printf("undocumented rc %d in %s",
                                                    undocumented[i], lh_context_name(context));

            ck_assert_int_eq(v.decision, LH_DECIDE_FAILED);
            ck_assert(!v.documented);
            ck_assert_str_eq(v.meaning, "undocumented return code");
            assert_verdict(v, documented[LH_DECIDE_FAILED][context], what);
            /* Never the vendor's code passed through as an OCF code. */
            ck_assert_msg(v.code == LH_OCF_ERR_GENERIC, "%s became %s", what,
                          lh_ocf_code_name(v.code));
            ck_assert_int_eq(absent.decision, LH_DECIDE_FAILED);
        }
    }
}
END_TEST

START_TEST(codemap_otherwise_row_decides_every_other_code)
{
    /* A command documented only as "0 = running, anything else = not running" (JP1/AJS3's
     * scheduler-service check): every other code is a transient "not running", which a
     * stop takes as stopped and a node without the shared directory as not here. */
    static const lh_code zero[] = {{0, "running", LH_DECIDE_RUNNING, LH_DECIDE_NONE, LH_DECIDE_NONE}};
    static const lh_code other = {-1, "not running", LH_DECIDE_RETRY, LH_DECIDE_STOPPED,
                                  LH_DECIDE_STOPPED};
    const lh_codemap map = {"service_status", zero, 1, &other};
    static const int others[] = {1, 4, 8, 12, 255, -1};
    g_autofree char *table = lh_codemap_table(&map, FALSE);

    for (gsize i = 0; i < G_N_ELEMENTS(others); i++) {
        for (gsize c = 0; c < G_N_ELEMENTS(all_contexts); c++) {
            lh_context context = all_contexts[c];
            lh_verdict v = lh_codemap_decide(&map, others[i], context, TRUE);
            lh_verdict absent = lh_codemap_decide(&map, others[i], context, FALSE);
            lh_decision in_context = context == LH_CONTEXT_STOP ? LH_DECIDE_STOPPED
                                                                : LH_DECIDE_RETRY;
            g_autofree char *what = g_strdup_printf("rc %d in %s", others[i],
                                                    lh_context_name(context));

            ck_assert_int_eq(v.decision, in_context);
            ck_assert_str_eq(v.meaning, "not running");
            assert_verdict(v, documented[in_context][context], what);
            ck_assert_int_eq(absent.decision, LH_DECIDE_STOPPED);
        }
    }
    /* 0 keeps its own row, and the table names the catch-all by its meaning. */
    ck_assert_int_eq(lh_codemap_decide(&map, 0, LH_CONTEXT_MONITOR, TRUE).decision,
                     LH_DECIDE_RUNNING);
    ck_assert_ptr_nonnull(strstr(table, "any other code: not running"));
    ck_assert_ptr_null(strstr(table, "undocumented"));
}
END_TEST

START_TEST(codemap_empty_table)
{
    const lh_codemap empty = {"nothing", NULL, 0, NULL};
    lh_verdict v = lh_codemap_decide(&empty, 0, LH_CONTEXT_MONITOR, TRUE);

    /* Even 0 means nothing without a row saying so. */
    ck_assert_int_eq(v.decision, LH_DECIDE_FAILED);
    ck_assert(!v.documented);
    ck_assert_int_eq(v.code, LH_OCF_ERR_GENERIC);
}
END_TEST

START_TEST(codemap_names)
{
    static const lh_decision named[] = {
        LH_DECIDE_RUNNING, LH_DECIDE_STOPPED,  LH_DECIDE_PARTIAL,  LH_DECIDE_RETRY,
        LH_DECIDE_FAILED,  LH_DECIDE_FAILOVER, LH_DECIDE_NOT_HERE,
    };
    const char *bogus = lh_decision_name((lh_decision)99);

    ck_assert_str_eq(lh_decision_name(LH_DECIDE_RUNNING), "running");
    ck_assert_str_eq(lh_decision_name(LH_DECIDE_STOPPED), "stopped");
    ck_assert_str_eq(lh_decision_name(LH_DECIDE_PARTIAL), "partial");
    ck_assert_str_eq(lh_decision_name(LH_DECIDE_RETRY), "retry");
    ck_assert_str_eq(lh_decision_name(LH_DECIDE_FAILED), "failed");
    ck_assert_str_eq(lh_decision_name(LH_DECIDE_NOT_HERE), "not-installed-here");
    ck_assert_ptr_nonnull(bogus);
    ck_assert_ptr_nonnull(lh_decision_name((lh_decision)-1));
    for (gsize i = 0; i < G_N_ELEMENTS(named); i++) {
        ck_assert_str_ne(lh_decision_name(named[i]), bogus);
        for (gsize j = 0; j < i; j++) {
            ck_assert_str_ne(lh_decision_name(named[i]), lh_decision_name(named[j]));
        }
    }
    ck_assert_str_eq(lh_context_name(LH_CONTEXT_MONITOR), "monitor");
    ck_assert_str_eq(lh_context_name(LH_CONTEXT_PROBE), "probe");
    ck_assert_str_eq(lh_context_name(LH_CONTEXT_START), "start");
    ck_assert_str_eq(lh_context_name(LH_CONTEXT_STOP), "stop");
    ck_assert_ptr_nonnull(lh_context_name((lh_context)LH_CONTEXT_COUNT));
    ck_assert_str_ne(lh_context_name((lh_context)LH_CONTEXT_COUNT), "stop");
}
END_TEST

/* ---- the printed tables ---------------------------------------------------------- */

/* One table row as printed: its rc and meaning columns and the four context cells. */
typedef struct printed_row {
    char *rc;
    char *meaning;
    char *cells[LH_CONTEXT_COUNT];
} printed_row;

/* The cell says what the verdict does: the OCF code when settled, else the documented
 * way of going on (monitor: retry, start: keep polling, stop: force). */
static void assert_cell(const char *cell, lh_verdict v, lh_context context, const char *what)
{
    if (v.settled) {
        ck_assert_msg(strstr(cell, lh_ocf_code_name(v.code)) != NULL, "%s: cell '%s', expected %s",
                      what, cell, lh_ocf_code_name(v.code));
        return;
    }
    ck_assert_msg(strstr(cell, "OCF_SUCCESS") == NULL, "%s: unsettled cell '%s'", what, cell);
    switch (context) {
    case LH_CONTEXT_START:
        ck_assert_msg(strstr(cell, "poll") != NULL, "%s: cell '%s'", what, cell);
        break;
    case LH_CONTEXT_STOP:
        ck_assert_msg(strstr(cell, "force") != NULL, "%s: cell '%s'", what, cell);
        break;
    default:
        ck_assert_msg(strstr(cell, "retry") != NULL && strstr(cell, "OCF_ERR_GENERIC") != NULL,
                      "%s: cell '%s'", what, cell);
        break;
    }
}

/* The data rows of the tbl table, between the format line and .TE. */
static GPtrArray *roff_rows(const char *table)
{
    g_auto(GStrv) lines = g_strsplit(table, "\n", -1);
    GPtrArray *rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    gboolean in_data = FALSE, header_seen = FALSE;

    for (gsize i = 0; lines[i] != NULL; i++) {
        if (strcmp(lines[i], ".TE") == 0) {
            break;
        }
        if (!in_data) {
            in_data = g_str_has_suffix(lines[i], ".") && lines[i][0] == 'l';
            continue;
        }
        if (!header_seen) {
            header_seen = TRUE; /* the column titles */
            ck_assert_str_eq(lines[i], "rc\tmeaning\tdecision\tmonitor\tprobe\tstart\tstop");
            continue;
        }
        g_ptr_array_add(rows, g_strsplit(lines[i], "\t", -1));
    }
    ck_assert_msg(in_data && header_seen, "no tbl data in:\n%s", table);
    return rows;
}

START_TEST(codemap_roff_table_is_a_tbl_table)
{
    g_autofree char *table = lh_codemap_table(&demo_map, TRUE);

    ck_assert_msg(g_str_has_prefix(table, ".TS\n"), "starts with '%.20s'", table);
    ck_assert_msg(g_str_has_suffix(table, ".TE\n"), "does not end with .TE");
    ck_assert_int_eq(lh_test_count_lines(table, ".TS"), 1);
    ck_assert_int_eq(lh_test_count_lines(table, ".TE"), 1);
}
END_TEST

/* The table prints what lh_codemap_decide() decides, for every row and context. */
START_TEST(codemap_roff_table_matches_the_decisions)
{
    g_autofree char *table = lh_codemap_table(&demo_map, TRUE);
    g_autoptr(GPtrArray) rows = roff_rows(table);
    guint r = 0;
    int absent_rows = 0;

    for (gsize i = 0; i < G_N_ELEMENTS(demo_codes); i++) {
        absent_rows += demo_codes[i].if_shared_absent != LH_DECIDE_NONE;
    }
    /* Every row, its shared-directory variant, and the catch-all. */
    ck_assert_uint_eq(rows->len, G_N_ELEMENTS(demo_codes) + (guint)absent_rows + 1);
    for (gsize i = 0; i < G_N_ELEMENTS(demo_codes); i++) {
        const lh_code *row = &demo_codes[i];
        g_autofree char *rc = g_strdup_printf("%d", row->rc);
        int variants = row->if_shared_absent != LH_DECIDE_NONE ? 2 : 1;

        for (int variant = 0; variant < variants; variant++, r++) {
            char **fields = g_ptr_array_index(rows, r);

            ck_assert_uint_eq(g_strv_length(fields), 3 + LH_CONTEXT_COUNT);
            ck_assert_str_eq(fields[0], rc);
            ck_assert_msg(strstr(fields[1], row->meaning) != NULL, "row %s: '%s'", rc, fields[1]);
            if (variant == 1) {
                ck_assert_msg(strstr(fields[1], "shared directory absent") != NULL,
                              "row %s: '%s'", rc, fields[1]);
            }
            for (gsize c = 0; c < G_N_ELEMENTS(all_contexts); c++) {
                lh_verdict v = lh_codemap_decide(&demo_map, row->rc, all_contexts[c],
                                                 variant == 0);
                g_autofree char *what = g_strdup_printf(
                    "rc %s%s in %s", rc, variant ? " (shared absent)" : "",
                    lh_context_name(all_contexts[c]));

                assert_cell(fields[3 + c], v, all_contexts[c], what);
            }
        }
    }
    {
        char **fields = g_ptr_array_index(rows, r);

        ck_assert_str_eq(fields[0], "*");
        ck_assert_ptr_nonnull(strstr(fields[1], "undocumented"));
        for (gsize c = 0; c < G_N_ELEMENTS(all_contexts); c++) {
            lh_verdict v = lh_codemap_decide(&demo_map, 99, all_contexts[c], TRUE);

            assert_cell(fields[3 + c], v, all_contexts[c], "the catch-all");
        }
    }
}
END_TEST

START_TEST(codemap_text_table_lists_every_row)
{
    g_autofree char *table = lh_codemap_table(&demo_map, FALSE);
    g_auto(GStrv) lines = g_strsplit(table, "\n", -1);
    guint n_lines = g_strv_length(lines);
    int absent_rows = 0;
    guint line = 1; /* after the column titles */

    ck_assert_ptr_null(strstr(table, ".TS"));
    ck_assert_ptr_null(strchr(table, '\t'));
    ck_assert(g_str_has_suffix(table, "\n"));
    for (gsize i = 0; i < G_N_ELEMENTS(demo_codes); i++) {
        absent_rows += demo_codes[i].if_shared_absent != LH_DECIDE_NONE;
    }
    /* Titles, every row, the shared-directory variants, the catch-all; then "". */
    ck_assert_uint_eq(n_lines, 1 + G_N_ELEMENTS(demo_codes) + (guint)absent_rows + 1 + 1);
    for (const char *title = "rc meaning decision monitor probe start stop"; *title;) {
        g_autofree char *word = g_strndup(title, strcspn(title, " "));

        ck_assert_msg(strstr(lines[0], word) != NULL, "title '%s' missing: %s", word, lines[0]);
        title += strlen(word);
        title += *title == ' ';
    }
    for (gsize i = 0; i < G_N_ELEMENTS(demo_codes); i++, line++) {
        g_autofree char *rc = g_strdup_printf("%d", demo_codes[i].rc);
        g_autofree char *head = g_strstrip(g_strdup(lines[line]));

        ck_assert_msg(g_str_has_prefix(head, rc) && head[strlen(rc)] == ' ',
                      "line %u: '%s', expected rc %s", line, lines[line], rc);
        ck_assert_ptr_nonnull(strstr(lines[line], demo_codes[i].meaning));
        if (demo_codes[i].decision == LH_DECIDE_NOT_HERE) {
            /* Monitor and start: not installed; probe: not running. */
            ck_assert_int_eq(lh_test_count(lines[line], "OCF_ERR_INSTALLED"), 2);
            ck_assert_int_eq(lh_test_count(lines[line], "OCF_NOT_RUNNING"), 1);
        }
        if (demo_codes[i].decision == LH_DECIDE_RETRY) {
            /* Unsettled everywhere: how each context goes on. */
            ck_assert_ptr_nonnull(strstr(lines[line], "poll"));
            ck_assert_ptr_nonnull(strstr(lines[line], "force"));
            ck_assert_ptr_null(strstr(lines[line], "OCF_SUCCESS"));
        }
        if (demo_codes[i].if_shared_absent != LH_DECIDE_NONE) {
            line++;
            ck_assert_ptr_nonnull(strstr(lines[line], demo_codes[i].meaning));
            ck_assert_ptr_nonnull(strstr(lines[line], "shared directory absent"));
            ck_assert_ptr_nonnull(strstr(lines[line],
                                         lh_decision_name(demo_codes[i].if_shared_absent)));
        }
    }
    ck_assert_ptr_nonnull(strstr(lines[line], "*"));
    ck_assert_ptr_nonnull(strstr(lines[line], "undocumented"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("codemap");

    add_tcase(s, codemap_every_decision_in_every_context);
    add_tcase(s, codemap_rows_decide_as_documented);
    add_tcase(s, codemap_shared_absent_override);
    add_tcase(s, codemap_when_stopping_applies_to_stop_only);
    add_tcase(s, codemap_undocumented_code_is_a_failure);
    add_tcase(s, codemap_otherwise_row_decides_every_other_code);
    add_tcase(s, codemap_empty_table);
    add_tcase(s, codemap_names);
    add_tcase(s, codemap_roff_table_is_a_tbl_table);
    add_tcase(s, codemap_roff_table_matches_the_decisions);
    add_tcase(s, codemap_text_table_lists_every_row);
    return lh_test_run_suite(s);
}
