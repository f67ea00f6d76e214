/* lhost/clustercmd.h - products driven by "cluster commands" (the JP1 pattern).
 *
 * Hitachi's products (JP1/Base, JP1/IM - Manager, JP1/AJS3) share one contract:
 *   - the start command's return code proves nothing (0 = "the command ended",
 *     even when start-up is still going on or will fail), so start = run it, then
 *     poll the status command(s) until "running" or the deadline;
 *   - stop = the stop command, then ALWAYS the forced-termination command (Hitachi's
 *     advice: leftovers must not break the failover), then verify with the status
 *     command(s) that nothing is left; a stop fails only when something survives,
 *     because a failed stop gets the node fenced;
 *   - monitor = the status command(s) through their code maps.
 * An agent fills an lh_clustercmd and calls these three functions from its actions.
 * Each status command is an lh_status_cmd; with several (JP1/IM and its database),
 * the product runs only when every one says so, and the first that does not decides.
 * The first status command says whether anything of the product runs here; the
 * others check its health. So a monitor reports "not running" (stopped, or in a
 * probe not installed here) only when the first check said it: from a later check,
 * the product runs on this node, broken (OCF_ERR_GENERIC), and saying "not running"
 * would let the cluster start it on a second one.
 */
#ifndef LHOST_CLUSTERCMD_H
#define LHOST_CLUSTERCMD_H

#include <glib.h>

#include <lhost/ocf.h>
#include <lhost/poll.h>

G_BEGIN_DECLS

typedef struct lh_clustercmd {
    const char *product;      /* "JP1/Base", for messages */
    const char *logical_host;
    const char *shared_dir;
    const char *start_cmd;    /* each run as: CMD LOGICAL_HOST */
    const char *stop_cmd;
    const char *kill_cmd;
    const lh_status_cmd *status; /* n_status status commands, checked in order */
    size_t n_status;
    gint64 command_timeout_ms;   /* cap on one start/stop/kill command run */
} lh_clustercmd;

lh_result lh_clustercmd_monitor(lh_op *op, const lh_clustercmd *product);
lh_result lh_clustercmd_start(lh_op *op, const lh_clustercmd *product);
lh_result lh_clustercmd_stop(lh_op *op, const lh_clustercmd *product);

/* Checks every status command once in @context (with its retries) and returns the
 * first verdict that is not "running" (or "running"); the summary says which.
 * Returns the index of the check that gave @status. A check after the first runs
 * only once the first said "running": whatever it finds, the product runs here. */
size_t lh_clustercmd_check(lh_op *op, const lh_clustercmd *product, lh_context context,
                           lh_status *status);

/* OCF_ERR_INSTALLED with a reason when a command is not an executable file. */
lh_result lh_require_executable(const char *what, const char *path);

G_END_DECLS

#endif
