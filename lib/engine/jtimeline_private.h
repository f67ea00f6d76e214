/* jtimeline_private.h - what the two files of `lhost timeline` share (lhost/jtimeline.h):
 * jtimeline.c reads the merged file twice (the layout, then the records as they come)
 * and keeps the model; jtimeline_svg.c writes its pieces as SVG.
 *
 * Memory is per node (a jt_lane, with the actions under way on it) and per resource
 * of a node (a jt_row, with the state its last result left), never per record.
 */
#ifndef LHOST_JTIMELINE_PRIVATE_H
#define LHOST_JTIMELINE_PRIVATE_H

#include <lhost/jtimeline.h>
#include <lhost/journal.h>

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

/* A resource of a node: its place, and what its last result left it in. */
typedef struct jt_row {
    char *resource;
    double y;            /* its top */
    const char *state;   /* "running", "stopped", "failed" or NULL (unknown) */
    gint64 since_us;
    char *label;         /* an action's name not drawn yet: it did not fit in its bar */
    double label_x;      /* where it would start */
    char *shown;         /* the name of the run of successes drawn: not repeated after each */
    gboolean last_ok;    /* the last action succeeded */
} jt_row;

/* An action under way on a node: what its begin record said. */
typedef struct jt_run {
    guint64 seq;
    gint64 begin_us;
    char *agent;
    char *resource;
    char *name;
} jt_run;

typedef struct jt_lane {
    char *node;
    GHashTable *rows;  /* resource -> jt_row * (owned) */
    GPtrArray *order;  /* jt_row *, by resource id */
    GList *open;       /* jt_run *: the actions under way */
    double y, height;
} jt_lane;

typedef struct jt_timeline {
    const char *path;
    lh_jtimeline_report_fn report;
    gpointer data;
    GHashTable *lanes; /* node -> jt_lane * (owned) */
    GPtrArray *order;  /* jt_lane *, by node name */
    gint64 first_us, last_us, t0_us, t1_us, step_us;
    char *status;      /* the merge record's status= */
    gboolean merged;
    FILE *out;
    GString *buf;
} jt_timeline;

/* Flushes what the buffer holds to the output. */
void lh__jtimeline_flush(jt_timeline *tl);
/* The XML declaration, the <svg> element and its style, the title line and the key. */
void lh__jtimeline_head(jt_timeline *tl, double height);
/* Each lane (its background, the node's name) and its rows (the resource ids). */
void lh__jtimeline_lanes(jt_timeline *tl, double bottom);
/* The time axis: a line per tick, the time above and below, the date where it changes. */
void lh__jtimeline_ticks(jt_timeline *tl, double bottom);
/* @r's state as a band up to @until_us, and its action's name left over, if it fits. */
void lh__jtimeline_band(jt_timeline *tl, const jt_lane *l, jt_row *r, gint64 until_us);
/* The bar of action @a ended by @result, its tooltip, its name and failure mark; @r's
 * state after it. */
void lh__jtimeline_bar(jt_timeline *tl, jt_lane *l, jt_row *r, const jt_run *a,
                       const lh_jrecord *result);

#endif
