/* jmerge_write.c - merging nodes' journals, the writing pass (see lhost/jmerge.h;
 * jmerge.c validated everything first).
 *
 * A k-way merge: each node is one stream of records in SEQ order, read from its
 * files one after the other; a GSequence keeps the nodes ordered by the oldest
 * record each offers (TIME, then NODE name), and the oldest of all is written next.
 * A node's SEQ order is not quite its TIME order: its actions overlap, and each
 * writes its records at its end. So each node holds back the records read until
 * none still to come can be older: the first pass measured how far behind a record
 * falls (late_us), and what is held back spans no more than that, not the journal.
 *
 * The first pass saw every file; this one takes exactly what it saw: a file
 * appended to since (a node's open file) is read up to the SEQ the first pass
 * ended at, and a file that now holds fewer records is an I/O error.
 */
#include "config.h"

#include <string.h>

#include "jmerge_private.h"

/* ---- the records -------------------------------------------------------------------- */

static void write_record(FILE *out, const lh_jrecord *rec)
{
    g_autofree char *line = lh_jrecord_format(rec);

    fputs(line, out);
}

/* The file @n is reading is done: it must have given what the first pass counted. */
static gboolean file_done(lh_jmerge *m, jm_node *n, const jm_file *f)
{
    lh_jreader_free(n->reader);
    n->reader = NULL;
    n->at++;
    if (n->taken != f->included) {
        lh__jmerge_problem(m, LH_JMERGE_IO,
                           "%s: changed while it was merged (%" G_GUINT64_FORMAT " records to "
                           "include, %" G_GUINT64_FORMAT " found)",
                           f->path, f->included, n->taken);
        return FALSE;
    }
    return TRUE;
}

/* The next record of @n to write, into n->head: FALSE at the end (or on an error,
 * reported). Damaged and torn lines were reported by the first pass. */
static gboolean advance(lh_jmerge *m, jm_node *n)
{
    while (n->at < n->files->len) {
        jm_file *f = g_ptr_array_index(n->files, n->at);
        g_autofree char *why = NULL;
        goffset at = 0;
        lh_jread r;

        if (f->included == 0) {
            n->at++;
            continue;
        }
        if (n->reader == NULL) {
            if ((n->reader = lh_jreader_open(f->path, &why)) == NULL) {
                lh__jmerge_problem(m, LH_JMERGE_IO, "%s: cannot read it again: %s", f->path, why);
                return FALSE;
            }
            n->taken = 0;
        }
        r = lh_jreader_next(n->reader, &n->head, &at, &why);
        if (r == LH_JREAD_RECORD && n->head.seq <= f->last) {
            if (n->head.seq > n->held) {
                n->taken++;
                return TRUE;
            }
        } else if (r == LH_JREAD_ERROR) {
            lh__jmerge_problem(m, LH_JMERGE_IO, "%s: %s", f->path, why);
            return FALSE;
        } else if (r == LH_JREAD_END || r == LH_JREAD_RECORD) {
            /* its end, or past where the first pass ended (appended to since) */
            if (!file_done(m, n, f)) {
                return FALSE;
            }
        }
    }
    return FALSE;
}

/* ---- one node's records in TIME order ------------------------------------------------ */

static gint by_time_seq(gconstpointer a, gconstpointer b, gpointer unused)
{
    const lh_jrecord *x = a, *y = b;

    if (x->time_us != y->time_us) {
        return x->time_us < y->time_us ? -1 : 1;
    }
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void record_free(gpointer data)
{
    lh_jrecord_release(data);
    g_free(data);
}

static lh_jrecord *oldest(const jm_node *n)
{
    GSequenceIter *first = g_sequence_get_begin_iter(n->held_back);

    return g_sequence_iter_is_end(first) ? NULL : g_sequence_get(first);
}

/* Reads on until the oldest record held back can go: no record still to come can
 * be older, since none falls further behind the newest TIME read than the first
 * pass measured (late_us). Beyond LH_JMERGE_WINDOW records held back (a clock set
 * back by hours), the oldest goes anyway. TRUE while @n has a record to give. */
static gboolean fill(lh_jmerge *m, jm_node *n)
{
    while (!n->drained && m->code < LH_JMERGE_VIOLATION) {
        lh_jrecord *first = oldest(n);
        if (first != NULL && first->time_us <= n->frontier_us - n->late_us) {
            return TRUE;
        }
        if (first != NULL && g_sequence_get_length(n->held_back) >= LH_JMERGE_WINDOW) {
            if (!n->partly) {
                lh__jmerge_problem(m, LH_JMERGE_COMPLETE,
                                   "node %s: more than %d records out of TIME order (up to %.1f s "
                                   "behind): some are written in SEQ order instead",
                                   n->name, LH_JMERGE_WINDOW, (double)n->late_us / G_USEC_PER_SEC);
            }
            n->partly = TRUE;
            return TRUE;
        }
        if (!advance(m, n)) {
            n->drained = TRUE;
            break;
        }
        n->frontier_us = MAX(n->frontier_us, n->head.time_us);
        g_sequence_insert_sorted(n->held_back, g_memdup2(&n->head, sizeof n->head), by_time_seq,
                                 NULL);
        n->head = (lh_jrecord)LH_JRECORD_INIT;
    }
    return oldest(n) != NULL && m->code < LH_JMERGE_VIOLATION;
}

/* ---- all nodes' records ------------------------------------------------------------- */

/* The record @n offers: its oldest (a node offers only while it holds one). */
static const lh_jrecord *offer(const jm_node *n)
{
    return g_sequence_get(g_sequence_get_begin_iter(n->held_back));
}

/* Earlier TIME first, then NODE name, then SEQ (within a node, by_time_seq). */
static gint by_oldest(gconstpointer a, gconstpointer b, gpointer unused)
{
    const jm_node *x = a, *y = b;
    const lh_jrecord *rx = offer(x), *ry = offer(y);

    if (rx->time_us != ry->time_us) {
        return rx->time_us < ry->time_us ? -1 : 1;
    }
    return strcmp(x->name, y->name);
}

/* A k-way merge: each node offers its oldest record, the oldest of all is written. */
static void write_records(lh_jmerge *m, FILE *out)
{
    g_autoptr(GSequence) offers = g_sequence_new(NULL);

    for (guint i = 0; i < m->nodes->len; i++) {
        jm_node *n = g_ptr_array_index(m->nodes, i);

        n->held_back = g_sequence_new(record_free);
        n->frontier_us = G_MININT64;
        if (fill(m, n)) {
            g_sequence_insert_sorted(offers, n, by_oldest, NULL);
        }
    }
    while (!g_sequence_is_empty(offers) && m->code < LH_JMERGE_VIOLATION) {
        GSequenceIter *first = g_sequence_get_begin_iter(offers);
        jm_node *n = g_sequence_get(first);

        g_sequence_remove(first);
        write_record(out, offer(n));
        g_sequence_remove(g_sequence_get_begin_iter(n->held_back));
        if (fill(m, n)) {
            g_sequence_insert_sorted(offers, n, by_oldest, NULL);
        }
    }
}

/* ---- the summary -------------------------------------------------------------------- */

/* A summary record: no node's, numbered 1, 2, 3..., with the newest record's TIME
 * (never the clock's: the same inputs give the same bytes). */
static void summary_init(lh_jmerge *m, lh_jrecord *rec, const char *kind)
{
    lh_jrecord_init(rec, ++m->summary_seq, m->newest_us, LH_JMERGE_NODE, kind);
}

static void add_number(lh_jrecord *rec, const char *key, guint64 value)
{
    char text[24];

    g_snprintf(text, sizeof text, "%" G_GUINT64_FORMAT, value);
    lh_jrecord_add(rec, key, text);
}

/* A SEQ, or "-" when there is none. */
static void add_seq(lh_jrecord *rec, const char *key, guint64 seq, gboolean some)
{
    if (some) {
        add_number(rec, key, seq);
    } else {
        lh_jrecord_add(rec, key, "-");
    }
}

static void emit(FILE *out, lh_jrecord *rec)
{
    write_record(out, rec);
    lh_jrecord_release(rec);
}

/* A "file" record, then a "damaged" record for each damaged line listed. */
static void write_file_summary(lh_jmerge *m, FILE *out, const jm_file *f)
{
    lh_jrecord rec = LH_JRECORD_INIT;

    summary_init(m, &rec, "file");
    lh_jrecord_add(&rec, "node", f->node != NULL ? f->node : LH_JMERGE_NODE);
    lh_jrecord_add(&rec, "file", f->name);
    add_seq(&rec, "first", f->first, f->records > 0);
    add_seq(&rec, "last", f->last, f->records > 0);
    add_number(&rec, "records", f->records);
    add_number(&rec, "included", f->included);
    add_number(&rec, "damaged", f->damaged);
    add_seq(&rec, "torn", (guint64)f->torn_at, f->torn_at >= 0);
    lh_jrecord_add(&rec, "closed", f->closed ? "yes" : "no");
    emit(out, &rec);
    for (guint i = 0; i < f->listed->len; i++) {
        const jm_damage *d = &g_array_index(f->listed, jm_damage, i);

        summary_init(m, &rec, "damaged");
        lh_jrecord_add(&rec, "node", f->node != NULL ? f->node : LH_JMERGE_NODE);
        lh_jrecord_add(&rec, "file", f->name);
        add_number(&rec, "offset", (guint64)d->offset);
        lh_jrecord_add(&rec, "why", d->why);
        emit(out, &rec);
    }
}

typedef struct totals {
    guint64 records, damaged, torn;
} totals;

static void count_file(totals *t, const jm_file *f)
{
    t->damaged += f->damaged;
    t->torn += f->torn_at >= 0;
}

/* A node's "summary" record, then its files'. COMPLETE or INCOMPLETE. */
static lh_jmerge_code write_node_summary(lh_jmerge *m, FILE *out, const jm_node *n,
                                         totals *t)
{
    g_autofree char *why = NULL;
    lh_jmerge_code status = lh__jmerge_node_status(n, &why);
    const jm_file *newest = n->files->len > 0 ? g_ptr_array_index(n->files, n->files->len - 1) : NULL;
    lh_jrecord rec = LH_JRECORD_INIT;
    totals own = {0, 0, 0};

    for (guint i = 0; i < n->files->len; i++) {
        count_file(&own, g_ptr_array_index(n->files, i));
    }
    summary_init(m, &rec, "summary");
    lh_jrecord_add(&rec, "node", n->name);
    add_seq(&rec, "first", n->first, n->records > 0);
    add_seq(&rec, "last", n->last, n->records > 0);
    add_number(&rec, "records", n->records);
    add_number(&rec, "held", MAX(n->held, n->last));
    add_number(&rec, "files", n->files->len);
    add_number(&rec, "damaged", own.damaged);
    add_number(&rec, "torn", own.torn);
    lh_jrecord_add(&rec, "closed", newest == NULL ? "-" : newest->closed ? "yes" : "no");
    lh_jrecord_add(&rec, "status", status == LH_JMERGE_COMPLETE ? "COMPLETE" : "INCOMPLETE");
    lh_jrecord_add(&rec, "why", why);
    emit(out, &rec);
    for (guint i = 0; i < n->files->len; i++) {
        write_file_summary(m, out, g_ptr_array_index(n->files, i));
    }
    t->records += n->records;
    t->damaged += own.damaged;
    t->torn += own.torn;
    return status;
}

static lh_jmerge_code write_summary(lh_jmerge *m, FILE *out)
{
    lh_jmerge_code status = LH_JMERGE_COMPLETE;
    lh_jrecord rec = LH_JRECORD_INIT;
    totals t = {0, 0, 0};

    for (guint i = 0; i < m->nodes->len; i++) {
        lh_jmerge_code node = write_node_summary(m, out, g_ptr_array_index(m->nodes, i), &t);

        status = MAX(status, node); /* (MAX() would write it twice) */
    }
    for (guint i = 0; i < m->orphans->len; i++) {
        write_file_summary(m, out, g_ptr_array_index(m->orphans, i));
        count_file(&t, g_ptr_array_index(m->orphans, i));
        status = LH_JMERGE_INCOMPLETE;
    }
    summary_init(m, &rec, "merge");
    lh_jrecord_add(&rec, "status", status == LH_JMERGE_COMPLETE ? "COMPLETE" : "INCOMPLETE");
    add_number(&rec, "nodes", m->nodes->len);
    add_number(&rec, "inputs", m->inputs->len);
    add_number(&rec, "records", t.records);
    add_number(&rec, "damaged", t.damaged);
    add_number(&rec, "torn", t.torn);
    add_number(&rec, "unattributed", m->orphans->len);
    lh_jrecord_add(&rec, "prior", m->prior_name != NULL ? m->prior_name : "-");
    emit(out, &rec);
    return status;
}

lh_jmerge_code lh__jmerge_write(lh_jmerge *m, FILE *out)
{
    lh_jmerge_code status;

    write_records(m, out);
    if (m->code >= LH_JMERGE_VIOLATION) {
        return m->code;
    }
    status = write_summary(m, out);
    m->code = MAX(m->code, status);
    return m->code;
}
