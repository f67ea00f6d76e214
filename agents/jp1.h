/* jp1.h - what the Hitachi JP1 agents share (jp1base, jp1im, ajs3).
 *
 * JP1/Base and JP1/IM - Manager have the same contract (PRODUCTS.md section 1): a
 * start command whose rc proves nothing, stop then forced termination, and an spmd
 * status command "CMD -h LOGICAL_HOST -t SEC" with one return-code table. This
 * header gives the agents that table, the parameters they have in common (as rows
 * for their parameter tables, with each product's own defaults) and the glue to
 * lhost/clustercmd.h. An agent config struct starts with a jp1_common named common.
 */
#ifndef LHOST_AGENTS_JP1_H
#define LHOST_AGENTS_JP1_H

#include <stddef.h>

#include <lhost/clustercmd.h>
#include <lhost/codemap.h>
#include <lhost/ocf.h>

typedef struct jp1_common {
    const char *logical_host;
    const char *shared_dir;
    const char *start_cmd;
    const char *stop_cmd;
    const char *kill_cmd;
    const char *status_cmd;
    int status_timeout;
    int status_retries;
    int status_retry_interval;
} jp1_common;

/* The spmd status tables of JP1/Base and JP1/IM, and JP1/Base's event service
 * status (same codes, own command names). */
extern const lh_codemap jbs_spmd_status_map;
extern const lh_codemap jco_spmd_status_map;
extern const lh_codemap jevstat_map;

/* "CMD -h LOGICAL_HOST -t SEC" as a status check. Initialised in place: it points
 * into itself. */
typedef struct jp1_spmd_check {
    char timeout[16];
    const char *argv[6];
    lh_status_cmd cmd;
} jp1_spmd_check;

void jp1_spmd_check_init(jp1_spmd_check *check, const lh_codemap *map, const char *command,
                         const jp1_common *c);

/* The product for lhost/clustercmd.h: its commands and @n status checks. */
lh_clustercmd jp1_clustercmd(const char *product, const jp1_common *c,
                             const lh_status_cmd *status, size_t n);

/* OCF_ERR_INSTALLED unless start, stop, kill and status commands are executable. */
lh_result jp1_require_commands(const jp1_common *c);

/* Start, stop and monitor of a JP1 product. Start and stop leave a line in the
 * resource's state ("last_start", "last_stop") that a monitor run by hand shows; the
 * cluster's monitors never touch the file. @requires, when not NULL, is another JP1
 * product of the same logical host that must run first (JP1/Base for JP1/IM). */
lh_result jp1_start(lh_op *op, const lh_clustercmd *product, const jp1_spmd_check *requires,
                    const char *required_product);
lh_result jp1_stop(lh_op *op, const lh_clustercmd *product);
lh_result jp1_monitor(lh_op *op, const lh_clustercmd *product);

/* The watcher's processes (lh_agent.watched): the product's spmd parent of this
 * logical host, @parent ("jbs_spmd", "jco_spmd", "jajs_spmd"), running as {PARENT,
 * -h, LOGICAL_HOST} (PRODUCTS.md section 1, "Process names"). Found by its name and
 * arguments, not by its executable (lhost/proc.h: lh_proc_find_named). A node runs
 * one per product and logical host; were there several, each is recorded. */
GPtrArray *jp1_watched_parent(const char *parent, const jp1_common *c);

/* The nine parameter rows both agents have, with the product's defaults. */
#define JP1_FIELD(type, f) offsetof(type, common.f)
#define JP1_COMMON_PARAMS(type, product, start, stop, kill, status)                            \
    {"logical_host", LH_PARAM_STRING, LH_PARAM_REQUIRED | LH_PARAM_UNIQUE, NULL, NULL, 0, 0,  \
     lh_check_host_name, JP1_FIELD(type, logical_host), "JP1 logical host name",              \
     "The logical host whose " product " this resource runs, as given to the JP1 cluster "    \
     "commands (START_CMD LOGICAL_HOST, STATUS_CMD -h LOGICAL_HOST)."},                        \
    {"shared_dir", LH_PARAM_STRING, LH_PARAM_REQUIRED | LH_PARAM_UNIQUE, NULL, NULL, 0, 0,    \
     lh_check_absolute_path, JP1_FIELD(type, shared_dir),                                     \
     "shared directory of the logical host",                                                  \
     "The logical host's shared directory on the shared disk (for example /shdsk/lhA). It "   \
     "exists only on the node that holds the shared disk: where it is absent, the status "    \
     "command's rc 1 means 'not running here', never a failure, and start refuses."},          \
    {"start_cmd", LH_PARAM_STRING, 0, start, NULL, 0, 0, lh_check_absolute_path,              \
     JP1_FIELD(type, start_cmd), "start command",                                             \
     product "'s cluster start command, run as START_CMD LOGICAL_HOST. Its return code "      \
     "proves nothing: the agent polls the status command afterwards."},                        \
    {"stop_cmd", LH_PARAM_STRING, 0, stop, NULL, 0, 0, lh_check_absolute_path,                \
     JP1_FIELD(type, stop_cmd), "stop command",                                               \
     product "'s cluster stop command, run as STOP_CMD LOGICAL_HOST."},                        \
    {"kill_cmd", LH_PARAM_STRING, 0, kill, NULL, 0, 0, lh_check_absolute_path,                \
     JP1_FIELD(type, kill_cmd), "forced termination command",                                 \
     product "'s forced termination command, run as KILL_CMD LOGICAL_HOST after every stop " \
     "command, as Hitachi recommends."},                                                       \
    {"status_cmd", LH_PARAM_STRING, 0, status, NULL, 0, 0, lh_check_absolute_path,            \
     JP1_FIELD(type, status_cmd), "status command",                                           \
     product "'s operation monitoring command, run as STATUS_CMD -h LOGICAL_HOST -t "         \
     "STATUS_TIMEOUT."},                                                                       \
    {"status_timeout", LH_PARAM_INTEGER, 0, "5", NULL, 0, 32767, NULL,                        \
     JP1_FIELD(type, status_timeout), "status command timeout (s)",                           \
     "The status command's own timeout (its -t option), in seconds. The default 5 is "        \
     "Hitachi's field practice; the command's own default is 60."},                            \
    {"status_retries", LH_PARAM_INTEGER, 0, "2", NULL, 0, 100, NULL,                          \
     JP1_FIELD(type, status_retries), "retries of a retriable status",                        \
     "How many more times a monitor runs the status command while it returns 12 "             \
     "(retriable error) before reporting a failure."},                                        \
    {"status_retry_interval", LH_PARAM_INTEGER, 0, "1", NULL, 0, 3600, NULL,                  \
     JP1_FIELD(type, status_retry_interval), "seconds between retries",                       \
     "Seconds between two runs of the status command after it returned 12."}

#endif
