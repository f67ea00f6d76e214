/* lhost_journal.c - `lhost journal merge`, `lhost journal show` and `lhost timeline`
 * (lhost-journal(5)).
 *
 *   lhost journal merge [--prior MERGED] [-o OUT] FILE...
 *   lhost journal show [--json] [--resource RSC] [--since TIME] [--until TIME] [FILE...]
 *   lhost timeline MERGED [-o FILE.svg]
 *
 * merge writes the cluster-wide timeline of several nodes' journals (lhost/jmerge.h
 * does the work); show prints records, this node's own journal when no FILE is
 * given. Both report problems on stderr, one a line, and exit with lh_jmerge_code:
 * 0 done (merge: COMPLETE), 1 done but INCOMPLETE or with damaged lines skipped,
 * 2 bad usage, 3 a merge rule broken (nothing written), 4 an I/O error. timeline
 * draws a merge as SVG (lhost/jtimeline.h): 0 drawn, 2 bad usage, 3 not a merged
 * journal, 4 an I/O error.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lhost/jmerge.h>
#include <lhost/jtimeline.h>

#include "lhost_journal.h"

static const char usage[] =
    "usage: lhost journal merge [--prior MERGED] [-o OUT] FILE...\n"
    "       lhost journal show [--json] [--resource RSC] [--since TIME] [--until TIME] "
    "[FILE...]\n";

/* Parses @entries off @argv; FALSE (the message printed) on a usage error. */
static gboolean parse(int *argc, char ***argv, const char *params, const char *summary,
                      const GOptionEntry *entries)
{
    g_autoptr(GOptionContext) context = g_option_context_new(params);
    g_autoptr(GError) error = NULL;

    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_summary(context, summary);
    g_option_context_set_description(context, "Exit codes and formats: lhost-journal(5).");
    if (!g_option_context_parse(context, argc, argv, &error)) {
        fprintf(stderr, "lhost journal: %s\n%s", error->message, usage);
        return FALSE;
    }
    return TRUE;
}

/* ---- merge ------------------------------------------------------------------------ */

static void report(const char *message, gpointer data)
{
    fprintf(stderr, "lhost journal merge: %s\n", message);
}

static const char *outcome(lh_jmerge_code code)
{
    switch (code) {
    case LH_JMERGE_COMPLETE:
        return "COMPLETE";
    case LH_JMERGE_INCOMPLETE:
        return "INCOMPLETE (see above and the summary records)";
    default:
        return "nothing was written";
    }
}

static int journal_merge(int argc, char **argv)
{
    g_auto(GStrv) priors = NULL;
    g_autofree char *output = NULL;
    const GOptionEntry entries[] = {
        {"prior", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &priors,
         "The earlier merge to continue (at most one)", "MERGED"},
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
         "Write to OUT (made as OUT.tmp, then renamed) instead of standard output", "OUT"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    g_autoptr(lh_jmerge) merge = NULL;
    lh_jmerge_code code;

    if (!parse(&argc, &argv, "FILE...",
               "Merge several nodes' journals into one timeline, in TIME order.", entries)) {
        return LH_JMERGE_USAGE;
    }
    if (argc < 2) {
        fprintf(stderr, "lhost journal merge: no FILE to merge\n%s", usage);
        return LH_JMERGE_USAGE;
    }
    merge = lh_jmerge_new(report, NULL);
    for (gsize i = 0; priors != NULL && priors[i] != NULL; i++) {
        lh_jmerge_add_prior(merge, priors[i]);
    }
    for (int i = 1; i < argc; i++) {
        lh_jmerge_add_input(merge, argv[i]);
    }
    code = lh_jmerge_run(merge, output, stdout);
    if (code != LH_JMERGE_COMPLETE || output != NULL) {
        fprintf(stderr, "lhost journal merge: %s%s%s\n", outcome(code),
                output != NULL && code <= LH_JMERGE_INCOMPLETE ? ": " : "",
                output != NULL && code <= LH_JMERGE_INCOMPLETE ? output : "");
    }
    return code;
}

/* ---- show ----------------------------------------------------------------------------- */

typedef struct show {
    lh_jfilter filter;
    gboolean json;
    int code; /* the worst so far */
} show;

static void show_problem(show *s, int code, const char *path, goffset at, const char *what)
{
    if (at >= 0) {
        fprintf(stderr, "lhost journal show: %s:%" G_GOFFSET_FORMAT ": %s\n", path, at, what);
    } else {
        fprintf(stderr, "lhost journal show: %s: %s\n", path, what);
    }
    s->code = MAX(s->code, code);
}

static void show_file(show *s, const char *path)
{
    g_autofree char *why = NULL;
    g_autoptr(lh_jreader) reader = lh_jreader_open(path, &why);
    lh_jrecord rec = LH_JRECORD_INIT;
    goffset at = 0;
    lh_jread r;

    if (reader == NULL) {
        show_problem(s, LH_JMERGE_IO, path, -1, why);
        return;
    }
    while ((r = lh_jreader_next(reader, &rec, &at, &why)) != LH_JREAD_END) {
        if (r == LH_JREAD_RECORD && lh_jfilter_match(&s->filter, &rec)) {
            g_autofree char *line = s->json ? lh_jrecord_json(&rec) : lh_jrecord_text(&rec);

            fputs(line, stdout);
        } else if (r == LH_JREAD_DAMAGED) {
            g_autofree char *what = g_strdup_printf("damaged line skipped: %s", why);

            show_problem(s, LH_JMERGE_INCOMPLETE, path, at, what);
        } else if (r == LH_JREAD_TORN) {
            show_problem(s, LH_JMERGE_INCOMPLETE, path, at, "torn last line (no newline) skipped");
        } else if (r == LH_JREAD_ERROR) {
            show_problem(s, LH_JMERGE_IO, path, -1, why);
        }
        g_clear_pointer(&why, g_free);
    }
    lh_jrecord_release(&rec);
}

/* This node's journal files, oldest first; NULL (said why) when there are none to read. */
static GPtrArray *own_files(show *s)
{
    const char *dir = g_getenv("LHOST_JOURNAL_DIR");
    g_autofree char *why = NULL;
    GPtrArray *files;

    if (dir == NULL || *dir == '\0') {
        dir = LH_JOURNAL_DEFAULT_DIR;
    }
    if (strcmp(dir, "off") == 0) {
        show_problem(s, LH_JMERGE_IO, "LHOST_JOURNAL_DIR=off", -1, "this node keeps no journal");
        return NULL;
    }
    if ((files = lh_journal_files(dir, &why)) == NULL) {
        show_problem(s, LH_JMERGE_IO, dir, -1, why);
    }
    return files;
}

static gboolean parse_time(const char *option, const char *text, gint64 *time_us)
{
    if (text != NULL && !lh_journal_time_parse_loose(text, time_us)) {
        fprintf(stderr, "lhost journal show: %s %s: not a time (2026-12-03T07:17:28Z, "
                        "2026-12-03 07:17:28, 2026-12-03; UTC unless it says)\n",
                option, text);
        return FALSE;
    }
    return TRUE;
}

static int journal_show(int argc, char **argv)
{
    show s = {LH_JFILTER_INIT, FALSE, LH_JMERGE_COMPLETE};
    g_autofree char *resource = NULL;
    g_autofree char *since = NULL;
    g_autofree char *until = NULL;
    const GOptionEntry entries[] = {
        {"json", 0, 0, G_OPTION_ARG_NONE, &s.json, "One JSON object per line", NULL},
        {"resource", 'r', 0, G_OPTION_ARG_STRING, &resource,
         "Only the actions on RSC (as their begin record names it)", "RSC"},
        {"since", 0, 0, G_OPTION_ARG_STRING, &since, "Records at or after TIME", "TIME"},
        {"until", 0, 0, G_OPTION_ARG_STRING, &until, "Records at or before TIME", "TIME"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    g_autoptr(GPtrArray) files = NULL;

    if (!parse(&argc, &argv, "[FILE...]",
               "Show journal records: FILE's, or this node's ($LHOST_JOURNAL_DIR).", entries)
        || !parse_time("--since", since, &s.filter.since_us)
        || !parse_time("--until", until, &s.filter.until_us)) {
        return LH_JMERGE_USAGE;
    }
    s.filter.resource = resource;
    if (argc > 1) {
        files = g_ptr_array_new_with_free_func(g_free);
        for (int i = 1; i < argc; i++) {
            g_ptr_array_add(files, g_strdup(argv[i]));
        }
    } else {
        files = own_files(&s);
    }
    for (guint i = 0; files != NULL && i < files->len; i++) {
        show_file(&s, g_ptr_array_index(files, i));
    }
    lh_jfilter_release(&s.filter);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "lhost journal show: cannot write to standard output\n");
        s.code = LH_JMERGE_IO;
    }
    return s.code;
}

/* ---- timeline ------------------------------------------------------------------------------ */

static void timeline_problem(const char *message, gpointer data)
{
    fprintf(stderr, "lhost timeline: %s\n", message);
}

int lhost_timeline_main(int argc, char **argv)
{
    static const char timeline_usage[] = "usage: lhost timeline MERGED [-o FILE.svg]\n";
    g_autofree char *output = NULL;
    g_autofree char *why = NULL;
    const GOptionEntry entries[] = {
        {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
         "Write to FILE.svg (made as FILE.svg.tmp, then renamed) instead of standard output",
         "FILE.svg"},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    g_autoptr(GOptionContext) context = g_option_context_new("MERGED");
    g_autoptr(GError) error = NULL;
    lh_jtimeline_code code;

    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_summary(context, "Draw a merged journal (lhost journal merge) as an "
                                          "SVG timeline: nodes as lanes, a row per resource.");
    g_option_context_set_description(context, "Exit codes and the picture: lhost-journal(5).");
    if (!g_option_context_parse(context, &argc, &argv, &error)) {
        fprintf(stderr, "lhost timeline: %s\n%s", error->message, timeline_usage);
        return LH_JTIMELINE_USAGE;
    }
    if (argc != 2) {
        fprintf(stderr, "lhost timeline: %s\n%s", argc < 2 ? "no MERGED file" : "one MERGED file only",
                timeline_usage);
        return LH_JTIMELINE_USAGE;
    }
    code = lh_jtimeline_write(argv[1], output, stdout, timeline_problem, NULL, &why);
    if (why != NULL) {
        fprintf(stderr, "lhost timeline: %s\n", why);
    }
    return code;
}

/* ---- the command ---------------------------------------------------------------------- */

int lhost_journal_main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "merge") == 0) {
        return journal_merge(argc - 1, argv + 1);
    }
    if (argc >= 2 && strcmp(argv[1], "show") == 0) {
        return journal_show(argc - 1, argv + 1);
    }
    fputs(usage, stderr);
    return LH_JMERGE_USAGE;
}
