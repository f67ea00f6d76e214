/* lhost/codemap.h - a vendor status command's return codes, as a table.
 *
 * Each row says what a return code means and what it decides (running, stopped,
 * partial, retry, failed, not-installed-here). The context of the check then turns
 * the decision into what the action does: a monitor reports an OCF code, a probe
 * too (but never a failure for what merely is not here), start keeps polling until
 * "running", stop keeps forcing until "stopped". A row may decide differently when
 * the logical host's shared directory is absent on this node (JP1's rc 1 on a
 * passive node is "not running here", not an error), and when a stop verifies.
 *
 * No decision hides in a switch in an agent: the agent passes its table, and the
 * same table prints in the man page and in `monitor` run by hand. A code missing
 * from the table is a failure with a reason, never passed through as an exit code
 * (a vendor 8 passed through would read as OCF "running promoted").
 */
#ifndef LHOST_CODEMAP_H
#define LHOST_CODEMAP_H

#include <glib.h>

#include <lhost/ocf.h>

G_BEGIN_DECLS

typedef enum lh_decision {
    LH_DECIDE_NONE = 0, /* in lh_code.if_shared_absent: no special case */
    LH_DECIDE_RUNNING,
    LH_DECIDE_STOPPED,
    LH_DECIDE_PARTIAL,  /* some of it runs: a failure to recover from */
    LH_DECIDE_RETRY,    /* transient: check again, within the retry budget */
    LH_DECIDE_FAILED,
    LH_DECIDE_FAILOVER, /* the vendor says "fail over": a failure, which the cluster's
                         * policy (migration-threshold) recovers in place or elsewhere */
    LH_DECIDE_NOT_HERE, /* this node cannot run it at all (installation) */
} lh_decision;

typedef enum lh_context {
    LH_CONTEXT_MONITOR, /* recurring monitor */
    LH_CONTEXT_PROBE,   /* monitor with interval 0: "is it running here?" */
    LH_CONTEXT_START,   /* polling after the start command */
    LH_CONTEXT_STOP,    /* verifying after stop and forced termination */
} lh_context;
#define LH_CONTEXT_COUNT 4

typedef struct lh_code {
    int rc;
    const char *meaning;
    lh_decision decision;
    lh_decision if_shared_absent; /* LH_DECIDE_NONE: same as decision */
    /* What the code says to a stop's verification, where that differs: "stopped
     * normally" is a failure for a running product but the goal of a stop. */
    lh_decision when_stopping;    /* LH_DECIDE_NONE: same as decision */
} lh_code;

struct lh_codemap {
    const char *command; /* "jbs_spmd_status", for tables and messages */
    const lh_code *codes;
    size_t n_codes;
    const lh_code *otherwise; /* every code not in codes (its rc unused); NULL: failed */
};

/* What one observation means in one context. */
typedef struct lh_verdict {
    lh_decision decision;
    const char *meaning; /* the row's meaning, or "undocumented return code" */
    gboolean documented;
    gboolean settled;    /* the action may stop checking */
    lh_ocf_code code;    /* what the action returns if it ends on this */
} lh_verdict;

lh_verdict lh_codemap_decide(const lh_codemap *map, int rc, lh_context context,
                             gboolean shared_present);

/* What a decision yields in a context, independent of any table. */
lh_verdict lh_decision_verdict(lh_decision decision, lh_context context);

const char *lh_decision_name(lh_decision decision);  /* "running", ... */
const char *lh_context_name(lh_context context);     /* "probe", ... */

/* The table, one row per (rc, shared-directory case), with the outcome in every
 * context. @roff: for the man page (tbl); otherwise aligned plain text. */
char *lh_codemap_table(const lh_codemap *map, gboolean roff);

G_END_DECLS

#endif
