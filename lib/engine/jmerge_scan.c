/* jmerge_scan.c - merging nodes' journals, the validating pass over each file: the
 * prior's summary, and each input's SEQ range, counts and damage (see jmerge.c).
 *
 * Every file is read once here, one at a time, streaming: what is kept of it is a
 * jm_file. Inside a file each SEQ must be the one before plus one; the messages of
 * what breaks that are kept until the end of the file, which says whether they
 * count: a merged file given as an input holds several nodes' series and is an
 * error of its own.
 */
#include "config.h"

#include <string.h>

#include "jmerge_private.h"

/* Messages of the rules broken inside one file, kept until its end. */
#define BROKEN_KEPT 16

/* A record of no node: the summary of a merged file. */
static gboolean is_summary(const lh_jrecord *rec)
{
    return strcmp(rec->node, LH_JMERGE_NODE) == 0;
}

static gboolean is_summary_line(const lh_jline *line)
{
    return strcmp(line->node->str, LH_JMERGE_NODE) == 0;
}

/* ---- the prior ---------------------------------------------------------------------- */

/* One summary record of the prior: its node's held SEQ. FALSE when it has none. */
static gboolean prior_summary(lh_jmerge *m, const lh_jrecord *rec)
{
    const char *node = lh_jrecord_get(rec, "node");
    const char *held = lh_jrecord_get(rec, "held");
    guint64 value;

    if (node == NULL || held == NULL
        || !g_ascii_string_to_unsigned(held, 10, 0, G_MAXUINT64, &value, NULL)) {
        return FALSE;
    }
    g_hash_table_replace(m->prior_held, g_strdup(node), g_memdup2(&value, sizeof value));
    return TRUE;
}

/* Reads the prior's summary: the highest SEQ it holds of each node. A prior must
 * read whole (no damage: what it holds is what the next merge relies on) and end
 * with its merge record. */
void lh__jmerge_read_prior(lh_jmerge *m, const char *path)
{
    g_autoptr(lh_jreader) reader = NULL;
    lh_jrecord rec = LH_JRECORD_INIT;
    g_autofree char *why = NULL;
    gboolean ends_merged = FALSE;
    goffset at = 0;
    lh_jread r;

    m->prior_name = g_path_get_basename(path);
    if ((reader = lh_jreader_open(path, &why)) == NULL) {
        lh__jmerge_problem(m, LH_JMERGE_IO, "%s: cannot read it: %s", path, why);
        return;
    }
    while ((r = lh_jreader_next(reader, &rec, &at, &why)) == LH_JREAD_RECORD) {
        ends_merged = is_summary(&rec) && strcmp(rec.kind, "merge") == 0;
        if (ends_merged) {
            m->prior_time_us = rec.time_us;
        }
        if (is_summary(&rec) && strcmp(rec.kind, "summary") == 0 && !prior_summary(m, &rec)) {
            lh__jmerge_problem(m, LH_JMERGE_VIOLATION,
                               "%s:%" G_GOFFSET_FORMAT ": a summary without node= and held=: "
                               "not a merged file",
                               path, at);
        }
    }
    lh_jrecord_release(&rec);
    if (r == LH_JREAD_ERROR) {
        lh__jmerge_problem(m, LH_JMERGE_IO, "%s: %s", path, why);
    } else if (r != LH_JREAD_END) {
        lh__jmerge_problem(m, LH_JMERGE_VIOLATION,
                           "%s:%" G_GOFFSET_FORMAT ": %s: a prior must be a whole merged file",
                           path, at, r == LH_JREAD_TORN ? "torn last line" : why);
    } else if (!ends_merged) {
        lh__jmerge_problem(m, LH_JMERGE_VIOLATION,
                           "%s: not a merged file (it does not end with a merge record); "
                           "--prior takes the output of an earlier lhost journal merge",
                           path);
    }
}

/* ---- one input file --------------------------------------------------------------- */

/* Where one file's reading stands: the record before, and any damage since. */
typedef struct scan {
    guint64 prev;   /* SEQ of the record before */
    goffset damage; /* the first damaged line since that record, or -1 */
    guint64 held;   /* what the prior holds of this file's node */
} scan;

G_GNUC_PRINTF(2, 3)
static void file_broken(jm_file *f, const char *fmt, ...)
{
    f->violations++;
    if (f->broken->len < BROKEN_KEPT) {
        va_list ap;

        va_start(ap, fmt);
        g_ptr_array_add(f->broken, g_strdup_vprintf(fmt, ap));
        va_end(ap);
    }
}

/* SEQ @seq at @at follows the record before: the same number again, a smaller one,
 * or numbers missing are broken rules; missing numbers after damaged lines are
 * not (they are counted: the merge is then INCOMPLETE). Numbers the prior holds
 * are nobody's concern any more. */
static void check_step(lh_jmerge *m, jm_file *f, scan *s, guint64 seq, goffset at)
{
    guint64 lo = MAX(s->prev + 1, s->held + 1);

    if (seq == s->prev) {
        file_broken(f, "node %s: %s:%" G_GOFFSET_FORMAT ": SEQ %" G_GUINT64_FORMAT
                       " repeated (a repeat)",
                    f->node, f->path, at, seq);
    } else if (seq < s->prev) {
        file_broken(f, "node %s: %s:%" G_GOFFSET_FORMAT ": SEQ %" G_GUINT64_FORMAT
                       " after %" G_GUINT64_FORMAT " (an inversion)",
                    f->node, f->path, at, seq, s->prev);
    } else if (seq > lo && s->damage >= 0) {
        f->missing += seq - lo;
        lh__jmerge_problem(m, LH_JMERGE_INCOMPLETE,
                           "node %s: %s: SEQ %" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT
                           " missing where damaged lines were skipped (%s:%" G_GOFFSET_FORMAT
                           "): the merge is INCOMPLETE",
                           f->node, f->path, lo, seq - 1, f->path, s->damage);
    } else if (seq > lo) {
        file_broken(f, "node %s: %s:%" G_GOFFSET_FORMAT ": SEQ %" G_GUINT64_FORMAT
                       "..%" G_GUINT64_FORMAT " missing (a gap between SEQ %" G_GUINT64_FORMAT
                       " and %" G_GUINT64_FORMAT ")",
                    f->node, f->path, at, lo, seq - 1, s->prev, seq);
    }
}

static void first_record(lh_jmerge *m, jm_file *f, scan *s, const lh_jline *line)
{
    const guint64 *held = g_hash_table_lookup(m->prior_held, line->node->str);

    f->node = g_strdup(line->node->str);
    f->first = line->seq;
    f->damage_before_first = s->damage;
    s->held = held != NULL ? *held : 0;
}

/* What is kept of a record the merge will write: its SEQ and TIME bounds, and how
 * late it is (how far its TIME is behind a TIME before it in the file). */
static void include_record(lh_jmerge *m, jm_file *f, const lh_jline *line)
{
    if (f->included == 0) {
        f->first_included = line->seq;
        f->time_min = f->time_max = line->time_us;
    }
    f->included++;
    f->late_us = MAX(f->late_us, f->time_max - line->time_us);
    f->time_min = MIN(f->time_min, line->time_us);
    f->time_max = MAX(f->time_max, line->time_us);
    m->newest_us = MAX(m->newest_us, line->time_us);
}

static void scan_record(lh_jmerge *m, jm_file *f, scan *s, const lh_jline *line)
{
    if (f->node == NULL) {
        first_record(m, f, s, line);
    } else if (strcmp(line->node->str, f->node) != 0) {
        /* A second node: a merged file, or a broken one; either way, not a series. */
        if (f->other_node == NULL) {
            f->other_node = g_strdup(line->node->str);
        }
        f->merged = f->merged || is_summary_line(line);
        return;
    }
    f->merged = f->merged || is_summary_line(line);
    f->records++;
    f->last = line->seq;
    f->closed = line->kind_len == 6 && memcmp(line->kind, "rotate", 6) == 0;
    if (line->seq > s->held) {
        include_record(m, f, line);
    }
    s->prev = line->seq;
    s->damage = -1;
}

static void scan_damage(lh_jmerge *m, jm_file *f, scan *s, goffset at, const char *why)
{
    jm_damage d = {at, g_strdup(why)};

    lh__jmerge_problem(m, LH_JMERGE_INCOMPLETE, "%s:%" G_GOFFSET_FORMAT ": damaged line skipped: %s",
                       f->path, at, why);
    f->damaged++;
    if (f->listed->len < LH_JMERGE_DAMAGED_LISTED) {
        g_array_append_val(f->listed, d);
    } else {
        g_free(d.why);
    }
    if (s->damage < 0) {
        s->damage = at;
    }
}

/* What the end of the file says of the messages kept while reading it. */
static void file_verdict(lh_jmerge *m, jm_file *f)
{
    if (f->merged) {
        lh__jmerge_problem(m, LH_JMERGE_VIOLATION,
                           "%s: a merged file (it holds summary records): give it with --prior, "
                           "at most one",
                           f->path);
        return;
    }
    if (f->other_node != NULL) {
        lh__jmerge_problem(m, LH_JMERGE_VIOLATION,
                           "%s: holds records of two nodes (%s and %s): a journal file is one "
                           "node's",
                           f->path, f->node, f->other_node);
        return;
    }
    for (guint i = 0; i < f->broken->len; i++) {
        lh__jmerge_problem(m, LH_JMERGE_VIOLATION, "%s", (const char *)g_ptr_array_index(f->broken, i));
    }
    if (f->violations > f->broken->len) {
        lh__jmerge_problem(m, LH_JMERGE_VIOLATION, "%s: and %" G_GUINT64_FORMAT " more such errors",
                           f->path, f->violations - f->broken->len);
    }
    g_ptr_array_set_size(f->broken, 0);
}

void lh__jmerge_scan_file(lh_jmerge *m, jm_file *f)
{
    g_autoptr(lh_jreader) reader = NULL;
    g_autofree char *why = NULL;
    g_autoptr(GString) node = g_string_new(NULL);
    lh_jline line = {.node = node};
    scan s = {0, -1, 0};
    goffset at = 0;

    if ((reader = lh_jreader_open(f->path, &why)) == NULL) {
        lh__jmerge_problem(m, LH_JMERGE_IO, "%s: cannot read it: %s", f->path, why);
        return;
    }
    for (;;) {
        g_autofree char *what = NULL;
        lh_jread r = lh_jreader_next_line(reader, &line, &at, &what);

        if (r == LH_JREAD_RECORD) {
            if (f->node != NULL && strcmp(node->str, f->node) == 0 && f->records > 0) {
                check_step(m, f, &s, line.seq, at);
            }
            scan_record(m, f, &s, &line);
        } else if (r == LH_JREAD_DAMAGED) {
            scan_damage(m, f, &s, at, what != NULL ? what : "damaged");
        } else if (r == LH_JREAD_TORN) {
            lh__jmerge_problem(m, LH_JMERGE_INCOMPLETE,
                               "%s:%" G_GOFFSET_FORMAT ": torn last line (no newline) skipped",
                               f->path, at);
            f->torn_at = at;
            s.damage = s.damage < 0 ? at : s.damage;
        } else {
            if (r == LH_JREAD_ERROR) {
                lh__jmerge_problem(m, LH_JMERGE_IO, "%s: %s", f->path, what);
            }
            break;
        }
    }
    f->damage_after_last = f->records > 0 ? s.damage : -1;
    file_verdict(m, f);
}
