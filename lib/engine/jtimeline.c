/* jtimeline.c - a merged journal drawn as SVG (lhost/jtimeline.h): two streaming
 * passes, the first for the layout (nodes, their resources, the time span), the
 * second drawing each action when its result comes, and the state between actions.
 * The SVG is written by hand, element by element, as it is drawn.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lhost/jmerge.h>
#include <lhost/jtimeline.h>
#include <lhost/ocf.h>

/* Geometry, in SVG user units (pixels). */
#define MARGIN 16.0
#define NODE_W 120.0  /* the node names' column */
#define RSC_W 180.0   /* the resource ids' column */
#define CHART_X (MARGIN + NODE_W + RSC_W)
#define CHART_W 1000.0
#define WIDTH (CHART_X + CHART_W + 3 * MARGIN)
#define HEAD_H 74.0   /* title, key, tick labels */
#define ROW_H 26.0
#define LANE_PAD 6.0
#define BAR_H 14.0
#define BAND_H 4.0
#define CHAR_W 6.2    /* about a character's width at 11px sans-serif */
#define MAX_TICKS 10

typedef struct row {
    char *resource;
    double y;            /* its top */
    const char *state;   /* "running", "stopped", "failed" or NULL (unknown) */
    gint64 since_us;
    char *label;         /* an action's name not drawn yet: it did not fit in its bar */
    double label_x;      /* where it would start */
    char *shown;         /* the name of the run of successes drawn: not repeated after each */
    gboolean last_ok;    /* the last action succeeded */
} row;

typedef struct run {
    guint64 seq;
    gint64 begin_us;
    char *agent;
    char *resource;
    char *name;
} run;

typedef struct lane {
    char *node;
    GHashTable *rows;  /* resource -> row * (owned) */
    GPtrArray *order;  /* row *, by resource id */
    GList *open;       /* run *: the actions under way */
    double y, height;
} lane;

typedef struct timeline {
    const char *path;
    lh_jtimeline_report_fn report;
    gpointer data;
    GHashTable *lanes; /* node -> lane * (owned) */
    GPtrArray *order;  /* lane *, by node name */
    gint64 first_us, last_us, t0_us, t1_us, step_us;
    char *status;      /* the merge record's status= */
    gboolean merged;
    FILE *out;
    GString *buf;
} timeline;

static const char *const style =
    "text{font-family:DejaVu Sans,Verdana,sans-serif;font-size:11px;fill:#222}"
    ".title{font-size:15px;font-weight:bold}.key{font-size:12px}"
    ".node{font-size:13px;font-weight:bold}.tick{stroke:#d0d4da;stroke-width:1}"
    ".ticklabel{font-size:10px;fill:#555;text-anchor:middle}"
    ".lane0{fill:#f3f5f8}.lane1{fill:#ffffff}.sep{stroke:#9aa3ad;stroke-width:1}"
    ".rowline{stroke:#e4e7eb;stroke-width:1}"
    ".ok{fill:#2ca02c}.notrunning{fill:#8c8c8c}.failed{fill:#d62728}.other{fill:#ff8c1a}"
    ".running{fill:#9fdc9f}.stopped{fill:#d4d4d4}.failedstate{fill:#f5a3a3}"
    ".in{font-size:10px;fill:#fff;text-anchor:middle}"
    ".out{font-size:10px;fill:#333;paint-order:stroke;stroke:#fff;stroke-width:3px}"
    ".mark{font-size:14px;font-weight:bold;fill:#d62728;text-anchor:middle}";

/* ---- the model ------------------------------------------------------------------- */

static void row_free(gpointer p)
{
    row *r = p;

    g_free(r->resource);
    g_free(r->label);
    g_free(r->shown);
    g_free(r);
}

static void run_free(gpointer p)
{
    run *a = p;

    g_free(a->agent);
    g_free(a->resource);
    g_free(a->name);
    g_free(a);
}

static void lane_free(gpointer p)
{
    lane *l = p;

    g_free(l->node);
    g_hash_table_unref(l->rows);
    g_ptr_array_unref(l->order);
    g_list_free_full(l->open, run_free);
    g_free(l);
}

static lane *lane_get(timeline *tl, const char *node)
{
    lane *l = g_hash_table_lookup(tl->lanes, node);

    if (l == NULL) {
        l = g_new0(lane, 1);
        l->node = g_strdup(node);
        l->rows = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, row_free);
        l->order = g_ptr_array_new();
        g_hash_table_insert(tl->lanes, l->node, l);
        g_ptr_array_add(tl->order, l);
    }
    return l;
}

static void row_add(lane *l, const char *resource)
{
    row *r;

    if (g_hash_table_contains(l->rows, resource)) {
        return;
    }
    r = g_new0(row, 1);
    r->resource = g_strdup(resource);
    g_hash_table_insert(l->rows, r->resource, r);
    g_ptr_array_add(l->order, r);
}

/* ---- reading ----------------------------------------------------------------------- */

typedef void (*record_fn)(timeline *tl, const lh_jrecord *rec);

/* Every record of the file to @fn; damaged lines reported. FALSE with *why on an
 * I/O error. */
static gboolean read_all(timeline *tl, record_fn fn, char **why)
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

static void survey(timeline *tl, const lh_jrecord *rec)
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
    return strcmp((*(lane *const *)a)->node, (*(lane *const *)b)->node);
}

static gint by_resource(gconstpointer a, gconstpointer b)
{
    return strcmp((*(row *const *)a)->resource, (*(row *const *)b)->resource);
}

/* The time axis: the span of the records with a little room on either side (half a
 * second at least), ticks every 0.1, 0.2 or 0.5 s, or every 1, 2, 5, 10, 15 or 30 s,
 * min or h, or whole days: the shortest step that gives at most MAX_TICKS. */
static void choose_ticks(timeline *tl)
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

static double layout(timeline *tl)
{
    double y = HEAD_H;

    g_ptr_array_sort(tl->order, by_node);
    for (guint i = 0; i < tl->order->len; i++) {
        lane *l = g_ptr_array_index(tl->order, i);

        g_ptr_array_sort(l->order, by_resource);
        l->y = y;
        l->height = 2 * LANE_PAD + ROW_H * MAX(l->order->len, 1);
        for (guint j = 0; j < l->order->len; j++) {
            ((row *)g_ptr_array_index(l->order, j))->y = y + LANE_PAD + ROW_H * j;
        }
        y += l->height;
    }
    choose_ticks(tl);
    return y;
}

static double x_of(const timeline *tl, gint64 time_us)
{
    return CHART_X + (double)(time_us - tl->t0_us) * CHART_W / (double)(tl->t1_us - tl->t0_us);
}

/* ---- writing SVG ---------------------------------------------------------------------------- */

/* @text as XML character data: valid UTF-8, no control characters (XML 1.0 has no
 * way to write them), the markup characters escaped; at most @max characters, an
 * ellipsis for the rest (0: no limit). */
static void put_text(GString *buf, const char *text, glong max)
{
    g_autofree char *valid = g_utf8_make_valid(text != NULL ? text : "", -1);
    g_autofree char *escaped = NULL;

    for (char *p = valid; *p != '\0'; p++) {
        if ((guchar)*p < 0x20 && *p != '\n') {
            *p = '?';
        }
    }
    if (max > 0 && g_utf8_strlen(valid, -1) > max) {
        char *cut = g_utf8_offset_to_pointer(valid, max - 1);

        strcpy(cut, "\u2026");
    }
    escaped = g_markup_escape_text(valid, -1);
    g_string_append(buf, escaped);
}

static void flush(timeline *tl)
{
    fwrite(tl->buf->str, 1, tl->buf->len, tl->out);
    g_string_truncate(tl->buf, 0);
}

/* "07:17:28.123" of a time. */
static void clock_of(gint64 time_us, char *buf)
{
    char full[LH_JOURNAL_TIME_LEN + 1];

    lh_journal_time_format(time_us, full);
    memcpy(buf, full + 11, 12);
    buf[12] = '\0';
}

static void write_head(timeline *tl, double height)
{
    char from[LH_JOURNAL_TIME_LEN + 1], to[LH_JOURNAL_TIME_LEN + 1];
    g_autofree char *base = g_path_get_basename(tl->path);
    GString *b = tl->buf;
    double x = MARGIN;
    static const struct { const char *cls, *text; gboolean bar; } key[] = {
        {"ok", "success", TRUE},        {"notrunning", "not running", TRUE},
        {"failed", "failure", TRUE},    {"other", "other OCF code", TRUE},
        {"running", "running", FALSE},  {"stopped", "stopped", FALSE},
        {"failedstate", "failed", FALSE},
    };

    lh_journal_time_format(tl->first_us, from);
    lh_journal_time_format(tl->last_us, to);
    g_string_append_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                              "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
                              "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\">\n<style>%s</style>\n"
                              "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n",
                           WIDTH, height, WIDTH, height, style);
    g_string_append(b, "<text class=\"title\" x=\"16\" y=\"22\">");
    put_text(b, base, 60);
    g_string_append_printf(b, ": %u node%s, %.10s %.12s to %.*s%.12s UTC (%.1f s), merge ",
                           tl->order->len, tl->order->len == 1 ? "" : "s", from, from + 11,
                           strncmp(from, to, 10) == 0 ? 0 : 11, to, to + 11,
                           (double)(tl->last_us - tl->first_us) / G_USEC_PER_SEC);
    put_text(b, tl->status != NULL ? tl->status : "?", 20);
    g_string_append(b, "</text>\n<g class=\"key\">");
    g_string_append_printf(b, "<text class=\"key\" x=\"%.1f\" y=\"44\">actions:</text>", x);
    x += 56;
    for (gsize i = 0; i < G_N_ELEMENTS(key); i++) {
        if (!key[i].bar && key[i - 1].bar) {
            g_string_append_printf(b, "<text class=\"key\" x=\"%.1f\" y=\"44\">between "
                                      "actions:</text>", x + 10);
            x += 120;
        }
        g_string_append_printf(b, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"18\" "
                                  "height=\"%.1f\"/>",
                               key[i].cls, x, key[i].bar ? 34.0 : 38.0, key[i].bar ? 12.0 : 4.0);
        g_string_append_printf(b, "<text class=\"key\" x=\"%.1f\" y=\"44\">%s</text>", x + 22,
                               key[i].text);
        x += 22 + CHAR_W * 1.1 * strlen(key[i].text) + 14;
    }
    g_string_append_printf(b, "<text class=\"mark\" x=\"%.1f\" y=\"45\">\u2715</text>"
                              "<text class=\"key\" x=\"%.1f\" y=\"44\">failure; hover a bar "
                              "for its details</text></g>\n",
                           x + 16, x + 28);
    flush(tl);
}

static void write_lanes(timeline *tl, double bottom)
{
    GString *b = tl->buf;

    for (guint i = 0; i < tl->order->len; i++) {
        lane *l = g_ptr_array_index(tl->order, i);

        g_string_append(b, "<g class=\"lane\" data-node=\"");
        put_text(b, l->node, 0);
        g_string_append_printf(b, "\"><rect class=\"lane%u\" x=\"%.1f\" y=\"%.1f\" "
                                  "width=\"%.1f\" height=\"%.1f\"/>",
                               i % 2, MARGIN, l->y, WIDTH - 2 * MARGIN, l->height);
        g_string_append_printf(b, "<line class=\"sep\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                                  "y2=\"%.1f\"/>",
                               MARGIN, l->y, WIDTH - MARGIN, l->y);
        g_string_append_printf(b, "<text class=\"node\" x=\"%.1f\" y=\"%.1f\"><title>",
                               MARGIN + 6, l->y + LANE_PAD + ROW_H / 2 + 5);
        put_text(b, l->node, 0);
        g_string_append(b, "</title>");
        put_text(b, l->node, 15);
        g_string_append(b, "</text>");
        if (l->order->len == 0) {
            g_string_append_printf(b, "<text x=\"%.1f\" y=\"%.1f\">(no action)</text>",
                                   MARGIN + NODE_W, l->y + LANE_PAD + ROW_H / 2 + 4);
        }
        for (guint j = 0; j < l->order->len; j++) {
            row *r = g_ptr_array_index(l->order, j);

            g_string_append(b, "\n<g class=\"row\" data-resource=\"");
            put_text(b, r->resource, 0);
            g_string_append_printf(b, "\"><line class=\"rowline\" x1=\"%.1f\" y1=\"%.1f\" "
                                      "x2=\"%.1f\" y2=\"%.1f\"/><text x=\"%.1f\" y=\"%.1f\"><title>",
                                   MARGIN + NODE_W, r->y + ROW_H, WIDTH - MARGIN, r->y + ROW_H,
                                   MARGIN + NODE_W, r->y + ROW_H / 2 + 4);
            put_text(b, r->resource, 0);
            g_string_append(b, "</title>");
            put_text(b, r->resource, 27);
            g_string_append(b, "</text></g>");
        }
        g_string_append(b, "</g>\n");
        flush(tl);
    }
    g_string_append_printf(b, "<line class=\"sep\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                              "y2=\"%.1f\"/>\n",
                           MARGIN, bottom, WIDTH - MARGIN, bottom);
}

/* Vertical lines with the time on top and below; the date where it changes. */
static void write_ticks(timeline *tl, double bottom)
{
    GString *b = tl->buf;
    char prev_date[11] = "";

    int len = tl->step_us < G_USEC_PER_SEC ? 10 : 8; /* "07:17:28.1" or "07:17:28" */

    for (gint64 t = (tl->t0_us + tl->step_us - 1) / tl->step_us * tl->step_us; t <= tl->t1_us;
         t += tl->step_us) {
        char full[LH_JOURNAL_TIME_LEN + 1];
        double x = x_of(tl, t);

        lh_journal_time_format(t, full);
        g_string_append_printf(b, "<g class=\"ticks\"><line class=\"tick\" x1=\"%.1f\" "
                                  "y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
                               x, HEAD_H - 4, x, bottom + 4);
        g_string_append_printf(b, "<text class=\"ticklabel\" x=\"%.1f\" y=\"%.1f\">%.*s</text>"
                                  "<text class=\"ticklabel\" x=\"%.1f\" y=\"%.1f\">%.*s</text>",
                               x, HEAD_H - 8, len, full + 11, x, bottom + 16, len, full + 11);
        if (strncmp(prev_date, full, 10) != 0) {
            g_string_append_printf(b, "<text class=\"ticklabel\" x=\"%.1f\" y=\"%.1f\">%.10s "
                                      "UTC</text>",
                                   x, bottom + 28, full);
            memcpy(prev_date, full, 10);
        }
        g_string_append(b, "</g>\n");
    }
    flush(tl);
}

/* ---- drawing the actions ------------------------------------------------------------------- */

static const char *outcome_class(int code)
{
    switch (code) {
    case LH_OCF_SUCCESS:
        return "ok";
    case LH_OCF_NOT_RUNNING:
        return "notrunning";
    case LH_OCF_ERR_GENERIC:
    case LH_OCF_ERR_ARGS:
    case LH_OCF_ERR_UNIMPLEMENTED:
    case LH_OCF_ERR_PERM:
    case LH_OCF_ERR_INSTALLED:
    case LH_OCF_ERR_CONFIGURED:
    case LH_OCF_FAILED_PROMOTED:
        return "failed";
    default:
        return "other";
    }
}

/* What a result leaves the resource in; @state when it says nothing of it. */
static const char *state_after(const char *action, int code, const char *state)
{
    gboolean changes = g_str_equal(action, "start") || g_str_equal(action, "stop")
                       || g_str_equal(action, "monitor") || g_str_equal(action, "promote")
                       || g_str_equal(action, "demote") || g_str_equal(action, "kill");

    if (g_str_equal(outcome_class(code), "failed")) {
        return "failed";
    }
    if (!changes) {
        return state;
    }
    if (code == LH_OCF_NOT_RUNNING || (code == LH_OCF_SUCCESS && (g_str_equal(action, "stop")
                                                                  || g_str_equal(action, "kill")))) {
        return "stopped";
    }
    return code == LH_OCF_SUCCESS || code == LH_OCF_RUNNING_PROMOTED || code == LH_OCF_DEGRADED
                   || code == LH_OCF_DEGRADED_PROMOTED
               ? "running"
               : state;
}

/* The band of @r's state up to @until_us, and its pending label if there is room. */
static void close_band(timeline *tl, const lane *l, row *r, gint64 until_us)
{
    double x0 = x_of(tl, r->since_us), x1 = x_of(tl, until_us);

    if (r->state != NULL && x1 > x0) {
        g_string_append(tl->buf, "<rect data-node=\"");
        put_text(tl->buf, l->node, 0);
        g_string_append(tl->buf, "\" data-resource=\"");
        put_text(tl->buf, r->resource, 0);
        g_string_append_printf(tl->buf, "\" class=\"band %s\" x=\"%.1f\" y=\"%.1f\" "
                                        "width=\"%.1f\" height=\"%.1f\"><title>%s</title></rect>\n",
                               g_str_equal(r->state, "failed") ? "failedstate" : r->state, x0,
                               r->y + (ROW_H - BAND_H) / 2, x1 - x0, BAND_H, r->state);
    }
    if (r->label != NULL && x1 - r->label_x >= CHAR_W * strlen(r->label) + 4
        && g_strcmp0(r->label, r->shown) != 0) {
        g_string_append_printf(tl->buf, "<text class=\"out\" x=\"%.1f\" y=\"%.1f\">",
                               r->label_x, r->y + ROW_H / 2 - 4);
        put_text(tl->buf, r->label, 0);
        g_string_append(tl->buf, "</text>\n");
        g_free(r->shown);
        r->shown = g_steal_pointer(&r->label);
    } else if (r->label != NULL && g_strcmp0(r->label, r->shown) != 0) {
        g_clear_pointer(&r->shown, g_free); /* a name not seen: the next is not a repeat */
    }
    g_clear_pointer(&r->label, g_free);
}

static void bar_title(GString *b, const lane *l, const run *a, const lh_jrecord *result,
                      int code)
{
    char from[13], to[13];
    const char *ocf = lh_jrecord_get(result, "ocf");
    const char *reason = lh_jrecord_get(result, "reason");
    const char *ms = lh_jrecord_get(result, "ms");

    clock_of(a->begin_us, from);
    clock_of(result->time_us, to);
    g_string_append(b, "<title>");
    put_text(b, a->name, 0);
    g_string_append(b, " of ");
    put_text(b, a->resource, 0);
    g_string_append(b, " on ");
    put_text(b, l->node, 0);
    g_string_append(b, " (");
    put_text(b, a->agent, 0);
    g_string_append_printf(b, ")\n%s (%d)", ocf != NULL ? ocf : lh_ocf_code_name(code), code);
    if (reason != NULL) {
        g_string_append(b, ": ");
        put_text(b, reason, 0);
    }
    g_string_append_printf(b, "\n%s to %s UTC, ", from, to);
    if (ms != NULL) {
        put_text(b, ms, 12);
    } else {
        g_string_append_printf(b, "%" G_GINT64_FORMAT, (result->time_us - a->begin_us) / 1000);
    }
    g_string_append(b, " ms</title>");
}

static void draw_action(timeline *tl, lane *l, row *r, const run *a, const lh_jrecord *result)
{
    GString *b = tl->buf;
    const char *code_text = lh_jrecord_get(result, "code");
    int code = code_text != NULL ? atoi(code_text) : LH_OCF_ERR_GENERIC;
    const char *cls = outcome_class(code);
    double x0 = x_of(tl, a->begin_us), x1 = x_of(tl, result->time_us);
    double w = MAX(x1 - x0, 2.0);
    double text_w = CHAR_W * strlen(a->name) + 6;

    g_string_append(b, "<g class=\"action\" data-node=\"");
    put_text(b, l->node, 0);
    g_string_append(b, "\" data-resource=\"");
    put_text(b, a->resource, 0);
    g_string_append_printf(b, "\"><rect class=\"bar %s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                              "height=\"%.1f\" rx=\"2\">",
                           cls, x0, r->y + (ROW_H - BAR_H) / 2, w, BAR_H);
    bar_title(b, l, a, result, code);
    g_string_append(b, "</rect>");
    if (w >= text_w) {
        g_string_append_printf(b, "<text class=\"in\" x=\"%.1f\" y=\"%.1f\">", x0 + w / 2,
                               r->y + ROW_H / 2 + 3.5);
        put_text(b, a->name, 0);
        g_string_append(b, "</text>");
        g_free(r->shown);
        r->shown = g_strdup(a->name);
    } else {
        /* Only a run of successes of one action is named once: any other outcome, and
         * the first success after one, are named. */
        if (!g_str_equal(cls, "ok") || !r->last_ok) {
            g_clear_pointer(&r->shown, g_free);
        }
        r->label = g_strdup(a->name);
        r->label_x = x0 + w + 2;
    }
    r->last_ok = g_str_equal(cls, "ok");
    if (g_str_equal(cls, "failed")) {
        g_string_append_printf(b, "<text class=\"mark\" x=\"%.1f\" y=\"%.1f\">\u2715</text>",
                               x0 + w, r->y + (ROW_H - BAR_H) / 2 - 1);
    }
    g_string_append(b, "</g>\n");
    r->state = state_after(a->name, code, r->state);
    r->since_us = result->time_us;
}

/* The action of @l under way that @rec (not a begin) belongs to: the one with the
 * highest begin SEQ below its own. */
static GList *owner(lane *l, guint64 seq)
{
    GList *best = NULL;

    for (GList *i = l->open; i != NULL; i = i->next) {
        const run *a = i->data;

        if (a->seq < seq && (best == NULL || a->seq > ((run *)best->data)->seq)) {
            best = i;
        }
    }
    return best;
}

static void draw(timeline *tl, const lh_jrecord *rec)
{
    lane *l = g_hash_table_lookup(tl->lanes, rec->node);
    const char *resource = lh_jrecord_get(rec, "resource");
    GList *link;

    if (l == NULL) {
        return;
    }
    if (strcmp(rec->kind, "begin") == 0 && resource != NULL) {
        run *a = g_new0(run, 1);
        row *r = g_hash_table_lookup(l->rows, resource);

        a->seq = rec->seq;
        a->begin_us = rec->time_us;
        a->agent = g_strdup(lh_jrecord_get(rec, "agent"));
        a->resource = g_strdup(resource);
        a->name = g_strdup(lh_jrecord_get(rec, "action") ? lh_jrecord_get(rec, "action") : "?");
        l->open = g_list_prepend(l->open, a);
        if (r != NULL) {
            close_band(tl, l, r, rec->time_us);
        }
    } else if (strcmp(rec->kind, "result") == 0 && (link = owner(l, rec->seq)) != NULL) {
        run *a = link->data;
        row *r = g_hash_table_lookup(l->rows, a->resource);

        if (r != NULL) {
            draw_action(tl, l, r, a, rec);
        }
        l->open = g_list_delete_link(l->open, link);
        run_free(a);
    }
    flush(tl);
}

/* ---- the run -------------------------------------------------------------------------------- */

static lh_jtimeline_code draw_all(timeline *tl, char **why)
{
    double bottom = layout(tl);

    write_head(tl, bottom + 40);
    write_lanes(tl, bottom);
    write_ticks(tl, bottom);
    if (!read_all(tl, draw, why)) {
        return LH_JTIMELINE_IO;
    }
    for (guint i = 0; i < tl->order->len; i++) {
        lane *l = g_ptr_array_index(tl->order, i);

        for (guint j = 0; j < l->order->len; j++) {
            close_band(tl, l, g_ptr_array_index(l->order, j), tl->last_us);
        }
    }
    g_string_append(tl->buf, "</svg>\n");
    flush(tl);
    if (fflush(tl->out) != 0 || ferror(tl->out)) {
        *why = g_strdup_printf("cannot write the picture: %s", g_strerror(errno));
        return LH_JTIMELINE_IO;
    }
    return LH_JTIMELINE_OK;
}

static lh_jtimeline_code draw_to_file(timeline *tl, const char *output, char **why)
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
    timeline tl = {merged, report, data, NULL, NULL, G_MAXINT64, G_MININT64, 0, 0, 0,
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
