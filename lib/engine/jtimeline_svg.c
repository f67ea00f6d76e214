/* jtimeline_svg.c - the pieces of `lhost timeline`'s SVG (jtimeline_private.h): the
 * head and key, the lanes and rows, the ticks, each action's bar and the state bands,
 * written by hand into a GString and flushed element by element.
 */
#include "config.h"

#include <string.h>

#include <lhost/ocf.h>

#include "jtimeline_private.h"

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

static double x_of(const jt_timeline *tl, gint64 time_us)
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
        /* A new string: the ellipsis is 3 bytes, the characters it replaces may be
         * fewer (two ASCII characters and the NUL). */
        const char *cut = g_utf8_offset_to_pointer(valid, max - 1);
        char *shortened = g_strdup_printf("%.*s\u2026", (int)(cut - valid), valid);

        g_free(valid);
        valid = shortened;
    }
    escaped = g_markup_escape_text(valid, -1);
    g_string_append(buf, escaped);
}

void lh__jtimeline_flush(jt_timeline *tl)
{
    /* A short write shows in ferror(), which the end of the drawing checks. */
    (void)fwrite(tl->buf->str, 1, tl->buf->len, tl->out);
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

void lh__jtimeline_head(jt_timeline *tl, double height)
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
        x += 22 + CHAR_W * 1.1 * (double)strlen(key[i].text) + 14;
    }
    g_string_append_printf(b, "<text class=\"mark\" x=\"%.1f\" y=\"45\">\u2715</text>"
                              "<text class=\"key\" x=\"%.1f\" y=\"44\">failure; hover a bar "
                              "for its details</text></g>\n",
                           x + 16, x + 28);
    lh__jtimeline_flush(tl);
}

void lh__jtimeline_lanes(jt_timeline *tl, double bottom)
{
    GString *b = tl->buf;

    for (guint i = 0; i < tl->order->len; i++) {
        jt_lane *l = g_ptr_array_index(tl->order, i);

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
            jt_row *r = g_ptr_array_index(l->order, j);

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
        lh__jtimeline_flush(tl);
    }
    g_string_append_printf(b, "<line class=\"sep\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                              "y2=\"%.1f\"/>\n",
                           MARGIN, bottom, WIDTH - MARGIN, bottom);
}

/* Vertical lines with the time on top and below; the date where it changes. */
void lh__jtimeline_ticks(jt_timeline *tl, double bottom)
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
    lh__jtimeline_flush(tl);
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
void lh__jtimeline_band(jt_timeline *tl, const jt_lane *l, jt_row *r, gint64 until_us)
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
    if (r->label != NULL && x1 - r->label_x >= CHAR_W * (double)strlen(r->label) + 4
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

static void bar_title(GString *b, const jt_lane *l, const jt_run *a, const lh_jrecord *result,
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

void lh__jtimeline_bar(jt_timeline *tl, jt_lane *l, jt_row *r, const jt_run *a, const lh_jrecord *result)
{
    GString *b = tl->buf;
    const char *code_text = lh_jrecord_get(result, "code");
    int code = code_text != NULL ? (int)g_ascii_strtoll(code_text, NULL, 10) : LH_OCF_ERR_GENERIC;
    const char *cls = outcome_class(code);
    double x0 = x_of(tl, a->begin_us), x1 = x_of(tl, result->time_us);
    double w = MAX(x1 - x0, 2.0);
    double text_w = CHAR_W * (double)strlen(a->name) + 6;

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
