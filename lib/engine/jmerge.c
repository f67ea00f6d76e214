/* jmerge.c - merging nodes' journals, the validating pass (see lhost/jmerge.h and
 * lhost-journal(5)); jmerge_write.c writes once this pass found nothing wrong.
 *
 * Every file is read once here, one at a time, streaming: what is kept of it is its
 * SEQ range and counts (jm_file). The rules are checked in two places: inside a
 * file as its records go by (each SEQ the one before plus one), and between the
 * files of a node once all are read and sorted by their first SEQ. A gap is
 * excused only where damaged lines were skipped: they may have held the numbers.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "jmerge_private.h"

/* Messages of the rules broken inside one file, kept until the end of the file
 * says whether they count (not for a merged file given as an input). */
#define BROKEN_KEPT 16

/* ---- the objects ---------------------------------------------------------------- */

static void damage_release(gpointer data)
{
    g_free(((jm_damage *)data)->why);
}

static jm_file *file_new(const char *path)
{
    jm_file *f = g_new0(jm_file, 1);

    f->path = g_strdup(path);
    f->name = g_path_get_basename(path);
    f->listed = g_array_new(FALSE, FALSE, sizeof(jm_damage));
    g_array_set_clear_func(f->listed, damage_release);
    f->torn_at = f->damage_before_first = f->damage_after_last = -1;
    f->broken = g_ptr_array_new_with_free_func(g_free);
    return f;
}

static void file_free(gpointer data)
{
    jm_file *f = data;

    g_free(f->path);
    g_free(f->name);
    g_free(f->node);
    g_free(f->other_node);
    g_array_unref(f->listed);
    g_ptr_array_unref(f->broken);
    g_free(f);
}

static jm_node *node_new(const char *name)
{
    jm_node *n = g_new0(jm_node, 1);

    n->name = g_strdup(name);
    n->files = g_ptr_array_new();
    return n;
}

static void node_free(gpointer data)
{
    jm_node *n = data;

    g_free(n->name);
    g_ptr_array_unref(n->files);
    g_clear_pointer(&n->held_back, g_sequence_free);
    g_clear_pointer(&n->reader, lh_jreader_free);
    lh_jrecord_release(&n->head);
    g_free(n);
}

lh_jmerge *lh_jmerge_new(lh_jmerge_report_fn report, gpointer data)
{
    lh_jmerge *m = g_new0(lh_jmerge, 1);

    m->report = report;
    m->report_data = data;
    m->inputs = g_ptr_array_new_with_free_func(file_free);
    m->priors = g_ptr_array_new_with_free_func(g_free);
    m->nodes = g_ptr_array_new_with_free_func(node_free);
    m->orphans = g_ptr_array_new();
    m->prior_held = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    return m;
}

void lh_jmerge_free(lh_jmerge *m)
{
    if (m == NULL) {
        return;
    }
    g_ptr_array_unref(m->nodes);
    g_ptr_array_unref(m->orphans);
    g_ptr_array_unref(m->inputs);
    g_ptr_array_unref(m->priors);
    g_hash_table_unref(m->prior_held);
    g_free(m->prior_name);
    g_free(m);
}

void lh_jmerge_add_input(lh_jmerge *m, const char *path)
{
    g_ptr_array_add(m->inputs, file_new(path));
}

void lh_jmerge_add_prior(lh_jmerge *m, const char *path)
{
    g_ptr_array_add(m->priors, g_strdup(path));
}

void lh__jmerge_problem(lh_jmerge *m, lh_jmerge_code code, const char *fmt, ...)
{
    g_autofree char *message = NULL;
    va_list ap;

    va_start(ap, fmt);
    message = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (m->report != NULL) {
        m->report(message, m->report_data);
    }
    m->code = MAX(m->code, code);
}

/* A record of no node: the summary of a merged file. */
static gboolean is_summary(const lh_jrecord *rec)
{
    return strcmp(rec->node, LH_JMERGE_NODE) == 0;
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
static void read_prior(lh_jmerge *m, const char *path)
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
    va_list ap;

    f->violations++;
    if (f->broken->len < BROKEN_KEPT) {
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

static void first_record(lh_jmerge *m, jm_file *f, scan *s, const lh_jrecord *rec)
{
    const guint64 *held = g_hash_table_lookup(m->prior_held, rec->node);

    f->node = g_strdup(rec->node);
    f->first = rec->seq;
    f->damage_before_first = s->damage;
    s->held = held != NULL ? *held : 0;
}

/* What is kept of a record the merge will write: its SEQ and TIME bounds, and how
 * late it is (how far its TIME is behind a TIME before it in the file). */
static void include_record(lh_jmerge *m, jm_file *f, const lh_jrecord *rec)
{
    if (f->included == 0) {
        f->first_included = rec->seq;
        f->time_min = f->time_max = rec->time_us;
    }
    f->included++;
    f->late_us = MAX(f->late_us, f->time_max - rec->time_us);
    f->time_min = MIN(f->time_min, rec->time_us);
    f->time_max = MAX(f->time_max, rec->time_us);
    m->newest_us = MAX(m->newest_us, rec->time_us);
}

static void scan_record(lh_jmerge *m, jm_file *f, scan *s, const lh_jrecord *rec)
{
    if (f->node == NULL) {
        first_record(m, f, s, rec);
    } else if (strcmp(rec->node, f->node) != 0) {
        /* A second node: a merged file, or a broken one; either way, not a series. */
        if (f->other_node == NULL) {
            f->other_node = g_strdup(rec->node);
        }
        f->merged = f->merged || is_summary(rec);
        return;
    }
    f->merged = f->merged || is_summary(rec);
    f->records++;
    f->last = rec->seq;
    f->closed = strcmp(rec->kind, "rotate") == 0;
    if (rec->seq > s->held) {
        include_record(m, f, rec);
    }
    s->prev = rec->seq;
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

static void scan_file(lh_jmerge *m, jm_file *f)
{
    g_autoptr(lh_jreader) reader = NULL;
    g_autofree char *why = NULL;
    lh_jrecord rec = LH_JRECORD_INIT;
    scan s = {0, -1, 0};
    goffset at = 0;
    lh_jread r;

    if ((reader = lh_jreader_open(f->path, &why)) == NULL) {
        lh__jmerge_problem(m, LH_JMERGE_IO, "%s: cannot read it: %s", f->path, why);
        return;
    }
    for (;;) {
        g_autofree char *what = NULL;

        r = lh_jreader_next(reader, &rec, &at, &what);
        if (r == LH_JREAD_RECORD) {
            if (f->node != NULL && strcmp(rec.node, f->node) == 0 && f->records > 0) {
                check_step(m, f, &s, rec.seq, at);
            }
            scan_record(m, f, &s, &rec);
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
    lh_jrecord_release(&rec);
    f->damage_after_last = f->records > 0 ? s.damage : -1;
    file_verdict(m, f);
}

/* ---- the nodes' series ----------------------------------------------------------- */

static gint by_name(gconstpointer a, gconstpointer b)
{
    return strcmp((*(const jm_node *const *)a)->name, (*(const jm_node *const *)b)->name);
}

/* By first SEQ; the path orders files that start alike, for the messages' sake. */
static gint by_first_seq(gconstpointer a, gconstpointer b)
{
    const jm_file *x = *(const jm_file *const *)a, *y = *(const jm_file *const *)b;

    if (x->first != y->first) {
        return x->first < y->first ? -1 : 1;
    }
    return strcmp(x->path, y->path);
}

static gint by_path(gconstpointer a, gconstpointer b)
{
    return strcmp((*(const jm_file *const *)a)->path, (*(const jm_file *const *)b)->path);
}

static jm_node *node_of(lh_jmerge *m, GHashTable *index, const char *name)
{
    jm_node *n = g_hash_table_lookup(index, name);
    const guint64 *held = g_hash_table_lookup(m->prior_held, name);

    if (n == NULL) {
        n = node_new(name);
        n->in_prior = held != NULL;
        n->held = held != NULL ? *held : 0;
        g_hash_table_insert(index, n->name, n);
        g_ptr_array_add(m->nodes, n);
    }
    return n;
}

/* Every node with files, and every node the prior knows (it may have none now). */
static void group_by_node(lh_jmerge *m)
{
    g_autoptr(GHashTable) index = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTableIter iter;
    gpointer name;

    for (guint i = 0; i < m->inputs->len; i++) {
        jm_file *f = g_ptr_array_index(m->inputs, i);

        if (f->node == NULL) {
            g_ptr_array_add(m->orphans, f);
        } else {
            g_ptr_array_add(node_of(m, index, f->node)->files, f);
        }
    }
    g_hash_table_iter_init(&iter, m->prior_held);
    while (g_hash_table_iter_next(&iter, &name, NULL)) {
        node_of(m, index, name);
    }
    g_ptr_array_sort(m->nodes, by_name);
    g_ptr_array_sort(m->orphans, by_path);
    for (guint i = 0; i < m->nodes->len; i++) {
        g_ptr_array_sort(((jm_node *)g_ptr_array_index(m->nodes, i))->files, by_first_seq);
    }
}

/* The numbers from @lo to @hi are missing before @f (after @p, NULL for the first
 * file): excused where either side skipped damaged lines, else a gap. */
static void check_missing(lh_jmerge *m, jm_node *n, const jm_file *p, jm_file *f, guint64 lo,
                          guint64 hi)
{
    const jm_file *damaged = p != NULL && p->damage_after_last >= 0 ? p : f;
    goffset at = damaged == p ? p->damage_after_last : f->damage_before_first;

    if (at >= 0) {
        f->missing += hi - lo + 1;
        lh__jmerge_problem(m, LH_JMERGE_INCOMPLETE,
                           "node %s: SEQ %" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT
                           " missing before %s, where damaged lines were skipped (%s:%" G_GOFFSET_FORMAT
                           "): the merge is INCOMPLETE",
                           n->name, lo, hi, f->path, damaged->path, at);
    } else if (p == NULL) {
        lh__jmerge_problem(m, LH_JMERGE_VIOLATION,
                           "node %s: %s starts at SEQ %" G_GUINT64_FORMAT ": SEQ %" G_GUINT64_FORMAT
                           "..%" G_GUINT64_FORMAT " missing after the prior's last (%" G_GUINT64_FORMAT
                           ", %s) (a gap)",
                           n->name, f->path, f->first, lo, hi, n->held, m->prior_name);
    } else {
        lh__jmerge_problem(m, LH_JMERGE_VIOLATION,
                           "node %s: SEQ %" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT
                           " missing between %s (last %" G_GUINT64_FORMAT ") and %s (first %" G_GUINT64_FORMAT
                           ") (a gap)",
                           n->name, lo, hi, p->path, p->last, f->path, f->first);
    }
}

/* How late a record of @n gets: behind the newest TIME before it, in its own file
 * or in the files before (each file's own lateness, and its oldest TIME against
 * the newest of the files before). */
static void node_lateness(jm_node *n)
{
    gboolean some = FALSE;
    gint64 newest = 0;

    for (guint i = 0; i < n->files->len; i++) {
        const jm_file *f = g_ptr_array_index(n->files, i);

        if (f->included == 0) {
            continue;
        }
        n->late_us = MAX(n->late_us, f->late_us);
        if (some) {
            n->late_us = MAX(n->late_us, newest - f->time_min);
        }
        newest = some ? MAX(newest, f->time_max) : f->time_max;
        some = TRUE;
    }
}

/* Between files: each starts where the one before ended, plus one. The first may
 * start anywhere (older files are pruned), unless the prior says where. "The one
 * before" is the one that reached furthest: a file inside another is a repeat,
 * not a gap after it. */
static void check_node(lh_jmerge *m, jm_node *n)
{
    const jm_file *furthest = NULL;

    node_lateness(n);
    for (guint i = 0; i < n->files->len; i++) {
        jm_file *f = g_ptr_array_index(n->files, i);
        guint64 lo = MAX(furthest != NULL ? furthest->last + 1 : 0, n->held + 1);

        if (furthest != NULL && f->first <= furthest->last) {
            lh__jmerge_problem(m, LH_JMERGE_VIOLATION,
                               "node %s: SEQ %" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT
                               " repeated: in %s and in %s (a repeat)",
                               n->name, f->first, MIN(furthest->last, f->last), furthest->path,
                               f->path);
        } else if ((furthest != NULL || n->in_prior) && f->first > lo) {
            check_missing(m, n, furthest, f, lo, f->first - 1);
        }
        if (furthest == NULL || f->last > furthest->last) {
            furthest = f;
        }
        if (f->included > 0) {
            n->first = n->records == 0 ? f->first_included : n->first;
            n->last = MAX(n->last, f->last);
            n->records += f->included;
        }
    }
}

lh_jmerge_code lh__jmerge_node_status(const jm_node *n, char **why)
{
    const jm_file *newest = n->files->len > 0 ? g_ptr_array_index(n->files, n->files->len - 1) : NULL;
    g_autoptr(GString) text = g_string_new(NULL);
    guint64 damaged = 0, torn = 0, missing = 0;

    for (guint i = 0; i < n->files->len; i++) {
        const jm_file *f = g_ptr_array_index(n->files, i);

        damaged += f->damaged;
        torn += f->torn_at >= 0;
        missing += f->missing;
    }
    if (newest == NULL) {
        g_string_append(text, ",no-input");
    } else if (newest->closed) {
        g_string_append(text, ",last-file-closed");
    }
    g_string_append(text, damaged > 0 ? ",damaged" : "");
    g_string_append(text, torn > 0 ? ",torn" : "");
    g_string_append(text, missing > 0 ? ",missing" : "");
    if (text->len == 0) {
        *why = g_strdup("reaches-open-file");
        return LH_JMERGE_COMPLETE;
    }
    *why = g_strdup(text->str + 1);
    return LH_JMERGE_INCOMPLETE;
}

/* ---- the whole -------------------------------------------------------------------- */

/* The first pass: the worst code so far (COMPLETE or INCOMPLETE when it may write). */
static lh_jmerge_code validate(lh_jmerge *m)
{
    if (m->priors->len > 1) {
        lh__jmerge_problem(m, LH_JMERGE_VIOLATION,
                           "%u earlier merged files (--prior %s, --prior %s%s): at most one",
                           m->priors->len, (const char *)g_ptr_array_index(m->priors, 0),
                           (const char *)g_ptr_array_index(m->priors, 1),
                           m->priors->len > 2 ? ", ..." : "");
    } else if (m->priors->len == 1) {
        read_prior(m, g_ptr_array_index(m->priors, 0));
    }
    /* In path order: the messages are the same whatever the order given. */
    g_ptr_array_sort(m->inputs, by_path);
    for (guint i = 0; i < m->inputs->len; i++) {
        scan_file(m, g_ptr_array_index(m->inputs, i));
    }
    group_by_node(m);
    for (guint i = 0; i < m->nodes->len; i++) {
        jm_node *n = g_ptr_array_index(m->nodes, i);
        g_autofree char *why = NULL;

        check_node(m, n);
        if (lh__jmerge_node_status(n, &why) != LH_JMERGE_COMPLETE) {
            lh__jmerge_problem(m, LH_JMERGE_INCOMPLETE, "node %s: INCOMPLETE (%s)", n->name, why);
        }
    }
    for (guint i = 0; i < m->orphans->len; i++) {
        const jm_file *f = g_ptr_array_index(m->orphans, i);

        /* (damage is reported as it is found; an empty file by this) */
        lh__jmerge_problem(m, LH_JMERGE_INCOMPLETE,
                           "%s: holds no valid record: it counts for no node, and the merge is "
                           "INCOMPLETE",
                           f->path);
    }
    if (m->newest_us == 0) {
        m->newest_us = m->prior_time_us;
    }
    return m->code;
}

static lh_jmerge_code write_file(lh_jmerge *m, const char *output)
{
    g_autofree char *tmp = g_strconcat(output, ".tmp", NULL);
    lh_jmerge_code code;
    FILE *out = NULL;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);

    if (fd < 0 || (out = fdopen(fd, "w")) == NULL) {
        lh__jmerge_problem(m, LH_JMERGE_IO, "%s: cannot write it: %s", tmp, g_strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        return m->code;
    }
    code = lh__jmerge_write(m, out);
    if (code < LH_JMERGE_VIOLATION && (fflush(out) != 0 || fsync(fd) != 0)) {
        lh__jmerge_problem(m, LH_JMERGE_IO, "%s: cannot write it: %s", tmp, g_strerror(errno));
    }
    if (fclose(out) != 0 && m->code < LH_JMERGE_VIOLATION) {
        lh__jmerge_problem(m, LH_JMERGE_IO, "%s: cannot write it: %s", tmp, g_strerror(errno));
    }
    if (m->code < LH_JMERGE_VIOLATION && rename(tmp, output) != 0) {
        lh__jmerge_problem(m, LH_JMERGE_IO, "%s: cannot rename it to %s: %s", tmp, output,
                           g_strerror(errno));
    }
    if (m->code >= LH_JMERGE_VIOLATION) {
        unlink(tmp);
    }
    return m->code;
}

lh_jmerge_code lh_jmerge_run(lh_jmerge *m, const char *output, FILE *stream)
{
    g_return_val_if_fail(!m->ran && (output != NULL || stream != NULL), LH_JMERGE_USAGE);
    m->ran = TRUE;
    if (validate(m) >= LH_JMERGE_VIOLATION) {
        return m->code;
    }
    if (output != NULL) {
        return write_file(m, output);
    }
    lh__jmerge_write(m, stream);
    if ((fflush(stream) != 0 || ferror(stream)) && m->code < LH_JMERGE_VIOLATION) {
        lh__jmerge_problem(m, LH_JMERGE_IO, "cannot write the merge: %s", g_strerror(errno));
    }
    return m->code;
}
