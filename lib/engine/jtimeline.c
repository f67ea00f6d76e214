/* jtimeline.c - a merged journal drawn as SVG (lhost/jtimeline.h): two streaming
 * passes, the first for the layout (nodes, their resources, the time span), the
 * second drawing each action when its result comes, and the state between actions.
 * jtimeline_svg.c writes the SVG, element by element, as it is drawn.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lhost/jmerge.h>
#include <lhost/jtimeline.h>

#include "jtimeline_private.h"

/* ---- the model ------------------------------------------------------------------- */

static void row_free(gpointer p)
{
    jt_row *r = p;

    g_free(r->resource);
    g_free(r->label);
    g_free(r->shown);
    g_free(r);
}

static void run_free(gpointer p)
{
    jt_run *a = p;

    g_free(a->agent);
    g_free(a->resource);
    g_free(a->name);
    g_free(a);
}

static void lane_free(gpointer p)
{
    jt_lane *l = p;

    g_free(l->node);
    g_hash_table_unref(l->rows);
    g_ptr_array_unref(l->order);
    g_list_free_full(l->open, run_free);
    g_free(l);
}

static jt_lane *lane_get(jt_timeline *tl, const char *node)
{
    jt_lane *l = g_hash_table_lookup(tl->lanes, node);

    if (l == NULL) {
        l = g_new0(jt_lane, 1);
        l->node = g_strdup(node);
        l->rows = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, row_free);
        l->order = g_ptr_array_new();
        g_hash_table_insert(tl->lanes, l->node, l);
        g_ptr_array_add(tl->order, l);
    }
    return l;
}

static void row_add(jt_lane *l, const char *resource)
{
    jt_row *r;

    if (g_hash_table_contains(l->rows, resource)) {
        return;
    }
    r = g_new0(jt_row, 1);
    r->resource = g_strdup(resource);
    g_hash_table_insert(l->rows, r->resource, r);
    g_ptr_array_add(l->order, r);
}

/* ---- reading ----------------------------------------------------------------------- */

typedef void (*record_fn)(jt_timeline *tl, const lh_jrecord *rec);

/* Every record of the file to @fn; damaged lines reported. FALSE with *why on an
 * I/O error. */
static gboolean read_all(jt_timeline *tl, record_fn fn, char **why)
{
    g_autoptr(lh_jreader) reader = lh_jreader_open(tl->path, why);
    lh_jrecord rec = LH_JRECORD_INIT;
    g_autofree char *problem = NULL;
    goffset at = 0;
    lh_jread r;
    gboolean ok = TRUE;

    if (reader == NULL) {
        return FALSE;
    }
    while ((r = lh_jreader_next(reader, &rec, &at, &problem)) != LH_JREAD_END) {
        if (r == LH_JREAD_RECORD) {
            fn(tl, &rec);
        } else if (r == LH_JREAD_ERROR) {
            *why = g_strdup_printf("%s: %s", tl->path, problem);
            ok = FALSE;
        } else if (tl->report != NULL) {
            g_autofree char *message = g_strdup_printf(
                "%s:%" G_GOFFSET_FORMAT ": %s skipped%s%s", tl->path, at,
                r == LH_JREAD_TORN ? "torn last line" : "damaged line", problem ? ": " : "",
                problem ? problem : "");

            tl->report(message, tl->data);
        }
        g_clear_pointer(&problem, g_free);
    }
    lh_jrecord_release(&rec);
    return ok;
}

static void survey(jt_timeline *tl, const lh_jrecord *rec)
{
    const char *resource;

    if (strcmp(rec->node, LH_JMERGE_NODE) == 0) {
        if (strcmp(rec->kind, "merge") == 0) {
            tl->merged = TRUE;
            g_free(tl->status);
            tl->status = g_strdup(lh_jrecord_get(rec, "status"));
        }
        return;
    }
    tl->first_us = MIN(tl->first_us, rec->time_us);
    tl->last_us = MAX(tl->last_us, rec->time_us);
    resource = lh_jrecord_get(rec, "resource");
    if (strcmp(rec->kind, "begin") == 0 && resource != NULL) {
        row_add(lane_get(tl, rec->node), resource);
    } else {
        lane_get(tl, rec->node);
    }
}

/* ---- layout -------------------------------------------------------------------------- */

static gint by_node(gconstpointer a, gconstpointer b)
{
    return strcmp((*(jt_lane *const *)a)->node, (*(jt_lane *const *)b)->node);
}

static gint by_resource(gconstpointer a, gconstpointer b)
{
    return strcmp((*(jt_row *const *)a)->resource, (*(jt_row *const *)b)->resource);
}

/* The time axis: the span of the records with a little room on either side (half a
 * second at least), ticks every 0.1, 0.2 or 0.5 s, or every 1, 2, 5, 10, 15 or 30 s,
 * min or h, or whole days: the shortest step that gives at most MAX_TICKS. */
static void choose_ticks(jt_timeline *tl)
{
    static const gint64 steps_ms[] = {100, 200, 500, 1000, 2000, 5000, 10000, 15000, 30000,
                                      60000, 120000, 300000, 600000, 900000, 1800000,
                                      3600000, 7200000, 10800000, 21600000, 43200000, 86400000};
    gint64 span, pad, step = (gint64)86400 * G_USEC_PER_SEC;

    if (tl->first_us > tl->last_us) { /* no record of any node */
        tl->first_us = tl->last_us = 0;
    }
    span = tl->last_us - tl->first_us;
    pad = span < 500000 ? (500000 - span) / 2 : span / 50;
    tl->t0_us = tl->first_us - pad;
    tl->t1_us = tl->last_us + pad;
    for (gsize i = 0; i < G_N_ELEMENTS(steps_ms); i++) {
        if ((tl->t1_us - tl->t0_us) <= steps_ms[i] * 1000 * MAX_TICKS) {
            step = steps_ms[i] * 1000;
            break;
        }
    }
    while ((tl->t1_us - tl->t0_us) > step * MAX_TICKS) {
        step += (gint64)86400 * G_USEC_PER_SEC;
    }
    tl->step_us = step;
}

static double layout(jt_timeline *tl)
{
    double y = HEAD_H;

    g_ptr_array_sort(tl->order, by_node);
    for (guint i = 0; i < tl->order->len; i++) {
        jt_lane *l = g_ptr_array_index(tl->order, i);

        g_ptr_array_sort(l->order, by_resource);
        l->y = y;
        l->height = 2 * LANE_PAD + ROW_H * MAX(l->order->len, 1);
        for (guint j = 0; j < l->order->len; j++) {
            ((jt_row *)g_ptr_array_index(l->order, j))->y = y + LANE_PAD + ROW_H * j;
        }
        y += l->height;
    }
    choose_ticks(tl);
    return y;
}


/* The action of @l under way that @rec (not a begin) belongs to: the one with the
 * highest begin SEQ below its own. */
static GList *owner(jt_lane *l, guint64 seq)
{
    GList *best = NULL;

    for (GList *i = l->open; i != NULL; i = i->next) {
        const jt_run *a = i->data;

        if (a->seq < seq && (best == NULL || a->seq > ((jt_run *)best->data)->seq)) {
            best = i;
        }
    }
    return best;
}

static void draw(jt_timeline *tl, const lh_jrecord *rec)
{
    jt_lane *l = g_hash_table_lookup(tl->lanes, rec->node);
    const char *resource = lh_jrecord_get(rec, "resource");
    GList *link;

    if (l == NULL) {
        return;
    }
    if (strcmp(rec->kind, "begin") == 0 && resource != NULL) {
        jt_run *a = g_new0(jt_run, 1);
        jt_row *r = g_hash_table_lookup(l->rows, resource);

        a->seq = rec->seq;
        a->begin_us = rec->time_us;
        a->agent = g_strdup(lh_jrecord_get(rec, "agent"));
        a->resource = g_strdup(resource);
        a->name = g_strdup(lh_jrecord_get(rec, "action") ? lh_jrecord_get(rec, "action") : "?");
        l->open = g_list_prepend(l->open, a);
        if (r != NULL) {
            lh__jtimeline_band(tl, l, r, rec->time_us);
        }
    } else if (strcmp(rec->kind, "result") == 0 && (link = owner(l, rec->seq)) != NULL) {
        jt_run *a = link->data;
        jt_row *r = g_hash_table_lookup(l->rows, a->resource);

        if (r != NULL) {
            lh__jtimeline_bar(tl, l, r, a, rec);
        }
        l->open = g_list_delete_link(l->open, link);
        run_free(a);
    }
    lh__jtimeline_flush(tl);
}

/* ---- the run -------------------------------------------------------------------------------- */

static lh_jtimeline_code draw_all(jt_timeline *tl, char **why)
{
    double bottom = layout(tl);

    lh__jtimeline_head(tl, bottom + 40);
    lh__jtimeline_lanes(tl, bottom);
    lh__jtimeline_ticks(tl, bottom);
    if (!read_all(tl, draw, why)) {
        return LH_JTIMELINE_IO;
    }
    for (guint i = 0; i < tl->order->len; i++) {
        jt_lane *l = g_ptr_array_index(tl->order, i);

        for (guint j = 0; j < l->order->len; j++) {
            lh__jtimeline_band(tl, l, g_ptr_array_index(l->order, j), tl->last_us);
        }
    }
    g_string_append(tl->buf, "</svg>\n");
    lh__jtimeline_flush(tl);
    if (fflush(tl->out) != 0 || ferror(tl->out)) {
        *why = g_strdup_printf("cannot write the picture: %s", g_strerror(errno));
        return LH_JTIMELINE_IO;
    }
    return LH_JTIMELINE_OK;
}

static lh_jtimeline_code draw_to_file(jt_timeline *tl, const char *output, char **why)
{
    g_autofree char *tmp = g_strconcat(output, ".tmp", NULL);
    lh_jtimeline_code code;

    tl->out = fopen(tmp, "we");
    if (tl->out == NULL) {
        *why = g_strdup_printf("%s: cannot write it: %s", tmp, g_strerror(errno));
        return LH_JTIMELINE_IO;
    }
    code = draw_all(tl, why);
    if (fclose(tl->out) != 0 && code == LH_JTIMELINE_OK) {
        *why = g_strdup_printf("%s: cannot write it: %s", tmp, g_strerror(errno));
        code = LH_JTIMELINE_IO;
    }
    if (code == LH_JTIMELINE_OK && rename(tmp, output) != 0) {
        *why = g_strdup_printf("%s: cannot rename it to %s: %s", tmp, output, g_strerror(errno));
        code = LH_JTIMELINE_IO;
    }
    if (code != LH_JTIMELINE_OK) {
        unlink(tmp);
    }
    return code;
}

lh_jtimeline_code lh_jtimeline_write(const char *merged, const char *output, FILE *stream,
                                     lh_jtimeline_report_fn report, gpointer data, char **why)
{
    jt_timeline tl = {merged, report, data, NULL, NULL, G_MAXINT64, G_MININT64, 0, 0, 0,
                   NULL, FALSE, stream, NULL};
    char *problem = NULL;
    lh_jtimeline_code code;

    tl.lanes = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, lane_free);
    tl.order = g_ptr_array_new();
    tl.buf = g_string_sized_new(4096);
    if (!read_all(&tl, survey, &problem)) {
        code = LH_JTIMELINE_IO;
    } else if (!tl.merged) {
        problem = g_strdup_printf("%s: not a merged journal (no merge record): "
                                  "lhost journal merge makes one", merged);
        code = LH_JTIMELINE_NOT_MERGED;
    } else if (output != NULL) {
        code = draw_to_file(&tl, output, &problem);
    } else {
        code = draw_all(&tl, &problem);
    }
    if (why != NULL) {
        *why = problem;
    } else {
        g_free(problem);
    }
    g_string_free(tl.buf, TRUE);
    g_ptr_array_unref(tl.order);
    g_hash_table_unref(tl.lanes);
    g_free(tl.status);
    return code;
}
