/* ctmplex.h - the parts of the Control-M CTMPLEX agent (agents/ctmplex*.c).
 *
 * One instance per node of a promotable clone: promoted = this node's Control-M
 * monitor is the Global (GSM), unpromoted = a Local (LSM). The Coupling Facility (CF)
 * is shared by every node; when the Global loses it, the Global goes on standalone,
 * tries to rebuild every `recovert` seconds at most `recoverm` times (the attempt
 * policy of lhost/attempts.h), and tells the Locals to pause, resume or shut down
 * through a Pacemaker node attribute, never through a channel of its own.
 *
 *   ctmplex.c        parameters, actions and the agent table
 *   ctmplex_plex.c   the product's commands and status, the orders to the Locals,
 *                    the Global's attempts, and the state shared by the actions
 */
#ifndef LHOST_AGENTS_CTMPLEX_H
#define LHOST_AGENTS_CTMPLEX_H

#include <glib.h>

#include <lhost/attempts.h>
#include <lhost/ocf.h>
#include <lhost/state.h>

/* The highest priority, and what the Global adds to its own promotion score (the
 * sum stays below Pacemaker's INFINITY, 1000000). */
#define CTM_PRIORITY_MAX 100000
#define CTM_GLOBAL_BONUS 100000

typedef struct ctm_config {
    const char *ctm_home;
    const char *start_cmd;      /* empty: CTM_HOME/ctm_server/exe/start_ctm */
    const char *stop_cmd;       /* shut_ctm */
    const char *status_cmd;     /* status_ctm */
    const char *plex_cmd;       /* ctmplex (operator commands: GLOBAL, LOCAL, ...) */
    const char *cf_check_cmd;   /* a command line; empty: ctmcf check */
    const char *cf_connect_cmd; /* a command line; empty: ctmcf connect */
    const char *status_codes;   /* "global=0 local=11 ..." */
    int priority;
    int recovert;               /* seconds; 0: automatic recovery off */
    int recoverm;
    int command_timeout;        /* seconds */
} ctm_config;

/* What status_cmd says of this node's monitor. */
typedef enum ctm_role {
    CTM_GLOBAL,
    CTM_LOCAL,
    CTM_STANDALONE, /* the Global, CF lost: CTMPLEX resources released */
    CTM_PAUSED,     /* a Local, paused */
    CTM_DOWN,
    CTM_SHUT,       /* down by order, or because its Global stopped (CTMX03I) */
    CTM_ROLES,
    CTM_UNKNOWN = CTM_ROLES,
} ctm_role;

typedef struct ctm {
    lh_op *op;
    const ctm_config *cfg;
    char *exe_dir;     /* CTM_HOME/ctm_server/exe */
    char *start;
    char *stop;
    char *status;
    char *plex;
    GStrv cf_check;    /* argv */
    GStrv cf_connect;
    int codes[CTM_ROLES]; /* status_cmd's return code of each role */
    char *prim;        /* the primitive's id */
    lh_state *state;
    lh_attempts_policy policy;
} ctm;

/* ---- ctmplex_plex.c ------------------------------------------------------- */
gboolean ctm_open(ctm *c, lh_op *op, const ctm_config *cfg, lh_result *failure);
void ctm_close(ctm *c);
/* The resource's state saved when it changed; a failure is logged. */
void ctm_save(ctm *c);
/* Parses "global=0 local=11 ..." into @codes; FALSE with *reason. */
gboolean ctm_parse_status_codes(const char *text, int *codes, char **reason);
const char *ctm_role_name(ctm_role role);

/* status_cmd: the role, or CTM_UNKNOWN with *why (a code in no role, a command that
 * did not end). */
ctm_role ctm_status(ctm *c, char **why);
/* Polls status_cmd until it says one of @want (a bit set of 1 << role) or the
 * deadline; the last role seen. */
ctm_role ctm_wait_role(ctm *c, unsigned want, lh_deadline until);
#define CTM_BIT(role) (1U << (role))

/* Runs a command (argv), bounded by command_timeout; its exit code, or -1 with
 * *why when it did not exit. @out (may be NULL) receives its stdout. */
int ctm_run(ctm *c, const char *const *argv, char **out, char **why);
/* `PLEX_CMD VERB`: its exit code, or -1 with *why. */
int ctm_plex(ctm *c, const char *verb, char **out, char **why);
/* This installation's monitor process (by executable path) runs. */
gboolean ctm_monitor_runs(ctm *c);
/* ... that process (lh_proc *, lhost/proc.h), none or one. */
GPtrArray *ctm_monitor_processes(ctm *c);
/* The watcher's record of this resource removed (lhost/watchrec.h): a monitor is
 * about to end the monitor process on purpose, which is no failure. */
void ctm_unwatch(ctm *c);
/* ... and its ending: SIGTERM, then SIGKILL, each given 2 s to work. */
void ctm_end_monitor(ctm *c);

/* The Locals' orders: the newest directive any node's Global published, and its
 * time (0: none). */
gboolean ctm_directive_now(ctm *c, lh_attempts_directive *directive, gint64 *at_ms);
void ctm_directive_publish(ctm *c, lh_attempts_directive directive);
/* This node's orders removed (its instance stops). */
void ctm_forget_orders(ctm *c);

/* The Global's side: the CF checked, the attempts made when due, the Locals told.
 * Returns the monitor's result for a promoted instance. */
lh_result ctm_global_monitor(ctm *c, ctm_role role);
/* STARTPLEX: reload, reconnect, become the Global; the attempts forgotten, the
 * Locals told to resume. */
lh_result ctm_startplex(ctm *c);
/* The Locals' side: the Global's newest order applied, then the truth reported. */
lh_result ctm_local_monitor(ctm *c, ctm_role role);
/* This node's promotion score (the priority), or none. */
void ctm_publish_score(ctm *c, gboolean candidate);

#endif
