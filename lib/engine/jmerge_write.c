/* jmerge_write.c - merging nodes' journals, the writing pass (see lhost/jmerge.h;
 * jmerge.c validated everything first).
 *
 * A k-way merge: each node is one stream of records in SEQ order, read from its
 * files one after the other; a binary heap keeps the nodes ordered by the oldest
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

/* A record read but not yet written: its order and its line as read. A line that
 * parses is canonical (what lh_jrecord_format() writes of its record), so it is
 * copied to the output as it is, never parsed in full nor formatted again. */
typedef struct held {
    guint64 seq;
    gint64 time_us;
    gsize len;
    char text[];
} held;

static held *held_new(const lh_jline *line)
{
    held *h = g_malloc(sizeof(held) + line->len);

    h->seq = line->seq;
    h->time_us = line->time_us;
    h->len = line->len;
    memcpy(h->text, line->text, line->len);
    return h;
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
        r = lh_jreader_next_line(n->reader, &n->head, &at, &why);
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

/* ---- a binary heap: a GPtrArray, its least item first ------------------------------- */

/* (GSequence's sorted insertion builds a whole sequence for each item: it was a
 * quarter of the merge's time.) Negative when @a goes before @b. */
typedef int (*heap_order)(const void *a, const void *b);

static void heap_push(GPtrArray *heap, gpointer item, heap_order cmp)
{
    guint i = heap->len;

    g_ptr_array_add(heap, item);
    for (; i > 0 && cmp(item, heap->pdata[(i - 1) / 2]) < 0; i = (i - 1) / 2) {
        heap->pdata[i] = heap->pdata[(i - 1) / 2];
    }
    heap->pdata[i] = item;
}

/* Takes the least item out of @heap (which holds one): the caller's. */
static gpointer heap_pop(GPtrArray *heap, heap_order cmp)
{
    gpointer least = heap->pdata[0];
    gpointer last = g_ptr_array_steal_index(heap, heap->len - 1);
    guint i = 0;

    while (2 * i + 1 < heap->len) {
        guint child = 2 * i + 1;

        if (child + 1 < heap->len && cmp(heap->pdata[child + 1], heap->pdata[child]) < 0) {
            child++;
        }
        if (cmp(last, heap->pdata[child]) <= 0) {
            break;
        }
        heap->pdata[i] = heap->pdata[child];
        i = child;
    }
    if (heap->len > 0) {
        heap->pdata[i] = last;
    }
    return least;
}

/* ---- one node's records in TIME order ------------------------------------------------ */

/* TIME, then SEQ: a total order, since a node's SEQs are unique once validated. */
static int by_time_seq(const void *a, const void *b)
{
    const held *x = a, *y = b;

    if (x->time_us != y->time_us) {
        return x->time_us < y->time_us ? -1 : 1;
    }
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static const held *oldest(const jm_node *n)
{
    return n->held_back->len > 0 ? g_ptr_array_index(n->held_back, 0) : NULL;
}

/* Reads on until the oldest record held back can go: no record still to come can
 * be older, since none falls further behind the newest TIME read than the first
 * pass measured (late_us). Beyond LH_JMERGE_WINDOW records held back (a clock set
 * back by hours), the oldest goes anyway. TRUE while @n has a record to give. */
static gboolean fill(lh_jmerge *m, jm_node *n)
{
    while (!n->drained && m->code < LH_JMERGE_VIOLATION) {
        const held *first = oldest(n);
        if (first != NULL && first->time_us <= n->frontier_us - n->late_us) {
            return TRUE;
        }
        if (first != NULL && n->held_back->len >= LH_JMERGE_WINDOW) {
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
        heap_push(n->held_back, held_new(&n->head), by_time_seq);
    }
    return oldest(n) != NULL && m->code < LH_JMERGE_VIOLATION;
}

/* ---- all nodes' records ------------------------------------------------------------- */

/* The record @n offers: its oldest (a node offers only while it holds one). */
static const held *offer(const jm_node *n)
{
    return g_ptr_array_index(n->held_back, 0);
}

/* Earlier TIME first, then NODE name (unique), then SEQ (within a node, by_time_seq). */
static int by_oldest(const void *a, const void *b)
{
    const jm_node *x = a, *y = b;
    const held *rx = offer(x), *ry = offer(y);

    if (rx->time_us != ry->time_us) {
        return rx->time_us < ry->time_us ? -1 : 1;
    }
    return strcmp(x->name, y->name);
}

/* A k-way merge: each node offers its oldest record, the oldest of all is written. */
static void write_records(lh_jmerge *m, FILE *out)
{
    g_autoptr(GPtrArray) offers = g_ptr_array_new();

    for (guint i = 0; i < m->nodes->len; i++) {
        jm_node *n = g_ptr_array_index(m->nodes, i);

        n->held_back = g_ptr_array_new_with_free_func(g_free);
        n->frontier_us = G_MININT64;
        if (fill(m, n)) {
            heap_push(offers, n, by_oldest);
        }
    }
    while (offers->len > 0 && m->code < LH_JMERGE_VIOLATION) {
        jm_node *n = heap_pop(offers, by_oldest);
        held *h = heap_pop(n->held_back, by_time_seq);

        (void)fwrite(h->text, 1, h->len, out); /* errors show at the flush and close */
        g_free(h);
        if (fill(m, n)) {
            heap_push(offers, n, by_oldest);
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
    g_autofree char *line = lh_jrecord_format(rec);

    fputs(line, out);
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
