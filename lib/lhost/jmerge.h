/* lhost/jmerge.h - several nodes' journals (lhost/journal.h) as one cluster-wide
 * timeline, and journal records as text or JSON for people and tools.
 *
 * Merging follows CA IDMS's MERGE ARCHIVE (lhost-journal(5) has the rules):
 *
 *   g_autoptr(lh_jmerge) m = lh_jmerge_new(report, data);
 *   lh_jmerge_add_prior(m, "cluster-0001.lhj");   (at most one earlier merge)
 *   lh_jmerge_add_input(m, "a/journal-...1.lhj"); (every node's files, any order)
 *   code = lh_jmerge_run(m, "cluster-0002.lhj", NULL);
 *
 * lh_jmerge_run() reads every input twice, streaming: first to validate (each
 * node's files must form one unbroken SEQ series, continuing the prior when there
 * is one), then, only when nothing broke a rule, to write the records in their
 * total order (TIME, then NODE, then SEQ) followed by the summary records. What it
 * keeps in memory is per file and per node, never per record, but for a node's
 * records held back to be put in TIME order (its actions overlap; see
 * LH_JMERGE_WINDOW). Nothing is written when a rule is broken: the output file is
 * made as OUTPUT.tmp and renamed over OUTPUT at the end. The same inputs, given in
 * any order, give the same output, byte for byte.
 *
 * Every problem (a damaged line skipped, a gap, an unreadable file) goes to
 * @report as one line of text, as it is found; the messages name the file, and
 * the byte offset or the node and SEQ numbers concerned.
 */
#ifndef LHOST_JMERGE_H
#define LHOST_JMERGE_H

#include <glib.h>
#include <stdio.h>

#include <lhost/journal.h>

G_BEGIN_DECLS

/* What a merge ends with; also the exit codes of `lhost journal merge`. */
typedef enum lh_jmerge_code {
    LH_JMERGE_COMPLETE = 0,   /* merged; every node's series reaches its open file */
    LH_JMERGE_INCOMPLETE = 1, /* merged; the summary says which node falls short */
    LH_JMERGE_USAGE = 2,      /* (the command line's: never returned by this module) */
    LH_JMERGE_VIOLATION = 3,  /* a rule broken (a gap, a repeat, two priors...): nothing written */
    LH_JMERGE_IO = 4,         /* an input unreadable, the output unwritable: nothing written */
} lh_jmerge_code;

/* The node name summary records carry: they are no node's. Their SEQ numbers them
 * 1, 2, 3... after the records, a series of their own. */
#define LH_JMERGE_NODE "-"
/* Records of one node held back at most to put them in TIME order (lhost-journal(5)):
 * the actions of one node overlap, and each writes its records at its end. */
#define LH_JMERGE_WINDOW 65536
/* Damaged lines listed in the output per file (all of them are counted). */
#define LH_JMERGE_DAMAGED_LISTED 16

typedef void (*lh_jmerge_report_fn)(const char *message, gpointer data);

typedef struct lh_jmerge lh_jmerge;

/* @report (may be NULL: problems are then only counted) gets each problem. */
lh_jmerge *lh_jmerge_new(lh_jmerge_report_fn report, gpointer data);
void lh_jmerge_free(lh_jmerge *merge);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(lh_jmerge, lh_jmerge_free)

/* A node's journal file (copied path). */
void lh_jmerge_add_input(lh_jmerge *merge, const char *path);
/* An earlier merged file to continue; a second one makes the merge a violation. */
void lh_jmerge_add_prior(lh_jmerge *merge, const char *path);

/* Validates, then writes to @output (a path; NULL: to @stream, which must then be
 * given; written to only after validation). Runs once per lh_jmerge. */
lh_jmerge_code lh_jmerge_run(lh_jmerge *merge, const char *output, FILE *stream);

/* ---- records for people and tools ------------------------------------------------ */

/* "TIME NODE SEQ KIND key=value ..." and a newline; a value that is empty or holds
 * a byte outside 0x21..0x7e, '"' or '\\' is quoted as a C string (g_strescape).
 * The caller frees. */
char *lh_jrecord_text(const lh_jrecord *rec);
/* One JSON object and a newline: {"seq":N,"time":"...","node":"...","kind":"...",
 * "fields":{"key":"value",...}}; a key given more than once has an array of its
 * values, in line order. Bytes that are not UTF-8 become U+FFFD. The caller frees. */
char *lh_jrecord_json(const lh_jrecord *rec);

/* Which records `lhost journal show` prints: those of actions on @resource (an
 * action is its node's records from its begin to its result, which only the begin
 * names), from @since_us to @until_us, both included. Records must come in their
 * node's SEQ order or in a merge's TIME order: an action's begin comes first in
 * both. */
typedef struct lh_jfilter {
    const char *resource; /* borrowed; NULL: any */
    gint64 since_us;      /* G_MININT64: no bound */
    gint64 until_us;      /* G_MAXINT64: no bound */
    GHashTable *actions;  /* (private) node -> the actions under way */
} lh_jfilter;

#define LH_JFILTER_INIT {NULL, G_MININT64, G_MAXINT64, NULL}

gboolean lh_jfilter_match(lh_jfilter *filter, const lh_jrecord *rec);
void lh_jfilter_release(lh_jfilter *filter);

/* The journal files of @dir (journal-NNN.lhj), oldest first, as paths; NULL with
 * *why (the caller frees both) when the directory cannot be read. */
GPtrArray *lh_journal_files(const char *dir, char **why);

/* "2026-12-03T07:17:28.123456Z", "2026-12-03T07:17:28Z", "2026-12-03 07:17",
 * "2026-12-03": ISO 8601, UTC unless it names a zone. FALSE when it does not parse. */
gboolean lh_journal_time_parse_loose(const char *text, gint64 *time_us);

G_END_DECLS

#endif
