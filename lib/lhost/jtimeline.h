/* lhost/jtimeline.h - a merged journal (lhost/jmerge.h) drawn as an SVG picture of
 * what happened across the cluster, for `lhost timeline MERGED -o FILE.svg`.
 *
 *   g_autofree char *why = NULL;
 *   code = lh_jtimeline_write("cluster-0002.lhj", "cluster.svg", NULL, NULL, NULL, &why);
 *
 * The picture (lhost-journal(5), TIMELINE): one lane per node (its name at the
 * left), in it one row per resource its begin records name (the logical host of an
 * lhost operation, a member's resource id); time on the x axis, UTC, with labelled
 * ticks every 0.1, 0.2 or 0.5 s, or 1, 2, 5, 10, 15 or 30 s, min or h, or whole days
 * (at most about ten).
 * Each action is a bar from its begin to its result, coloured by its OCF code (0
 * green, 7 grey, a failure red, any other code orange), named in the bar when the
 * name fits, with a tooltip (<title>): action, resource, node, OCF code name, exit
 * reason, times and duration. Between two actions a thin band says what the last
 * result left the resource in: running (after a start, a monitor or a promote or
 * demote that succeeded), stopped (a stop that succeeded, a monitor that found it
 * not running), failed (any failure), nothing when unknown. A failure is marked
 * with a red cross at its end. A one-line key heads the picture.
 *
 * The merged file is read twice, streaming: first for the nodes, their resources
 * and the time span, then to draw. What is kept is per node and per resource (and
 * per action under way on a node), never per record.
 *
 * An action's records are consecutive SEQ numbers of its node (lhost/journal.h): a
 * result belongs to the begin of its node under way with the highest SEQ below its
 * own. Results whose begin a merge continued from a prior does not hold are not
 * drawn; damaged lines are skipped (and said).
 */
#ifndef LHOST_JTIMELINE_H
#define LHOST_JTIMELINE_H

#include <glib.h>
#include <stdio.h>

G_BEGIN_DECLS

/* What drawing ends with; also the exit codes of `lhost timeline`. */
typedef enum lh_jtimeline_code {
    LH_JTIMELINE_OK = 0,
    LH_JTIMELINE_USAGE = 2,      /* (the command line's: never returned by this module) */
    LH_JTIMELINE_NOT_MERGED = 3, /* the input holds no merge record: not a merged journal */
    LH_JTIMELINE_IO = 4,         /* the input unreadable, the output unwritable */
} lh_jtimeline_code;

/* Reports a problem that does not stop the drawing (a damaged line skipped). */
typedef void (*lh_jtimeline_report_fn)(const char *message, gpointer data);

/* Draws @merged (a path) as SVG into @output (a path: made as OUTPUT.tmp and renamed
 * over it at the end, so that a failure leaves OUTPUT as it was), or into @stream
 * when @output is NULL. On any code but OK, *why (the caller's to free) says what
 * went wrong; @why may be NULL. @report (may be NULL) gets the problems that do not
 * stop it. */
lh_jtimeline_code lh_jtimeline_write(const char *merged, const char *output, FILE *stream,
                                     lh_jtimeline_report_fn report, gpointer data, char **why);

G_END_DECLS

#endif
