/* iws.h - the parts of the IBM Workload Scheduler agent (agents/iws*.c).
 *
 * One instance per node of a promotable clone: each node has its own IWS
 * installation (TWA_home on local disk), one workstation of the master domain.
 * Unpromoted = IWS runs as a linked backup master (a full-status fault-tolerant
 * agent); promoted = this workstation is the master domain manager. IWS carries the
 * plan (Symphony) to the backups itself, so there is no shared disk.
 *
 *   iws.c           parameters, actions and the agent table
 *   iws_conman.c    running conman and StartUp; reading their answers: message ids
 *                   (never English text), the showcpus and showjobs tables
 *   iws_node.c      this installation: its processes (by executable path), its plan
 *                   files, the limit holds, and what it tells the cluster (node
 *                   attributes, promotion score)
 *   iws_recovery.c  the corrupt-Symphony recovery (both sides) and group-wide quiesce
 *
 * Everything an action works with is resolved once into an iws (paths, this node's
 * workstation, the resource's state); every wait ends by the operation's deadline.
 */
#ifndef LHOST_AGENTS_IWS_H
#define LHOST_AGENTS_IWS_H

#include <glib.h>

#include <lhost/ocf.h>
#include <lhost/proc.h>
#include <lhost/run.h>
#include <lhost/state.h>

typedef struct iws_config {
    const char *twa_home;
    const char *tws_user;    /* empty: the agent's own user */
    const char *domain;
    const char *workstation; /* empty: localopts' thiscpu; "WS"; or "node:WS ..." */
    const char *conman_cmd;  /* empty: TWA_HOME/TWS/bin/conman */
    const char *startup_cmd; /* empty: TWA_HOME/TWS/bin/StartUp */
    int switch_settle;       /* seconds */
    int command_timeout;     /* seconds, one conman or StartUp run */
    int link_wait;           /* seconds start waits for the link to the master */
} iws_config;

/* The agent's promotion scores (documented in the man page). */
#define IWS_SCORE_MASTER 1000
#define IWS_SCORE_CURRENT 100 /* linked to the master, with the newest plan */
#define IWS_SCORE_UNLINKED 50 /* the newest plan, but not linked to a master */
#define IWS_SCORE_BEHIND 10   /* an older plan */

typedef struct iws {
    lh_op *op;
    const iws_config *cfg;
    char *tws_dir;  /* TWA_HOME/TWS */
    char *bin_dir;  /* TWA_HOME/TWS/bin */
    char *conman;
    char *startup;
    char *node;     /* this node's name in the cluster */
    char *ws;       /* this node's workstation, upper case */
    char *prim;     /* the primitive's id: the resource without the clone's ":N" */
    lh_state *state;
} iws;

/* One line of showcpus. */
typedef struct iws_cpu {
    char *name;
    int run;      /* the workstation's Symphony run number, 0 when unknown */
    char *type;   /* "MASTER", "FTA", ... (the second word of NODE) */
    int limit;
    char *flags;  /* STATE, its words joined: "LTIJW" */
} iws_cpu;

/* What conman said. */
typedef struct iws_reply {
    lh_run_result run;
    gboolean corrupt;  /* AWSBHU001E: the Symphony cannot be read */
    gboolean error;    /* some message id ending in E */
    gboolean already;  /* AWSBHU118W: the workstation already is the manager */
    gboolean switched; /* AWSBHU120I: the switch happened */
    char *first_error; /* the first E message's line, for reasons */
} iws_reply;

/* ---- iws_conman.c ---------------------------------------------------------- */
/* Runs `conman COMMAND` (through runuser when tws_user is set), bounded by
 * command_timeout and the deadline. */
void iws_conman(iws *w, const char *command, iws_reply *reply);
/* ... and ending by @until too. */
void iws_conman_until(iws *w, const char *command, lh_deadline until, iws_reply *reply);
void iws_reply_release(iws_reply *reply);
/* TRUE when conman ran to the end, with rc 0 and no E message. */
gboolean iws_reply_ok(const iws_reply *reply);
/* Runs `conman COMMAND`: TRUE when iws_reply_ok, else FALSE with *why. */
gboolean iws_conman_ok(iws *w, const char *command, char **why);
/* "conman sc returned 1: AWSBHU001E ..." (the caller's to free). */
char *iws_reply_describe(const iws_reply *reply, const char *command);
/* Runs StartUp, bounded. */
gboolean iws_startup(iws *w, char **why);
/* The showcpus table of conman's output: iws_cpu *, owned. */
GPtrArray *iws_parse_showcpus(const char *text);
iws_cpu *iws_cpu_find(GPtrArray *cpus, const char *name);
iws_cpu *iws_cpu_master(GPtrArray *cpus);
gboolean iws_cpu_has(const iws_cpu *cpu, char flag);
/* The jobs that still run (INTRO or EXEC) in conman's showjobs output. */
GStrv iws_parse_running_jobs(const char *text);

/* ---- iws_node.c ------------------------------------------------------------ */
/* 1 to 16 letters, digits, '_' or '-', beginning with a letter. */
gboolean iws_valid_workstation(const char *name);
/* Resolves everything; FALSE with a result (OCF_ERR_CONFIGURED/INSTALLED) when the
 * installation or the workstation cannot be found. */
gboolean iws_open(iws *w, lh_op *op, const iws_config *cfg, lh_result *failure);
void iws_close(iws *w);
/* The resource's state saved when it changed (lh_state_save_changes); a save that
 * fails is logged: the product is what matters. */
void iws_save(iws *w);

/* The product processes of this installation (not the jobs' jobmon). */
GPtrArray *iws_processes(iws *w);
gboolean iws_runs(GPtrArray *procs, const char *name);
/* TRUE while a JnextPlan of this installation runs. */
gboolean iws_plan_generating(iws *w);
/* The Symphony's size in bytes, -1 when absent. */
gint64 iws_symphony_size(iws *w);
/* Renames the Symphony and Sinfonia to NAME.corrupt-STAMP: never deleted. */
gboolean iws_plan_set_aside(iws *w, char **why);

/* Showcpus, as seen from here: the table, or NULL with *why (and *corrupt). */
GPtrArray *iws_showcpus(iws *w, gboolean *corrupt, char **why);
/* Waits (lh_poll) until @cond holds for this installation's showcpus or the
 * deadline @until; TRUE when it held. */
typedef gboolean (*iws_cpus_cond)(iws *w, GPtrArray *cpus, gpointer data);
gboolean iws_wait_cpus(iws *w, lh_deadline until, iws_cpus_cond cond, gpointer data);
/* The product processes all gone, or the deadline. */
gboolean iws_wait_stopped(iws *w, lh_deadline until);
/* Stops this installation: unlink @;noask, stop;wait, shut;wait (each bounded), then
 * SIGTERM and SIGKILL to what is left of it (never another installation's), and
 * verifies. FALSE with *why when something survives. */
gboolean iws_shutdown(iws *w, char **why);
/* StartUp (netman), then `conman start` when @full, waiting until the processes
 * and this workstation's showcpus line say it runs (I and J). */
gboolean iws_bring_up(iws *w, gboolean full, lh_deadline until, char **why);

/* Limit holds: the limit before the first hold is kept in the state; the last
 * release gives it back. A hold sets the limit to 0 when @apply (the recovery's
 * hold is registered on a corrupt plan, where conman cannot; the new master sets
 * the 0 instead). @cpus: the current showcpus, for the limit to keep (NULL: the
 * last limit a monitor saw). */
gboolean iws_limit_hold(iws *w, const char *holder, GPtrArray *cpus, gboolean apply,
                        char **why);
gboolean iws_limit_release(iws *w, const char *holder, char **why);
gboolean iws_limit_held_by(iws *w, const char *holder);

/* What this node tells the cluster: ws, run, size and the promotion score (-1:
 * none), each only when it changed since last told (the state remembers). */
void iws_publish(iws *w, GPtrArray *cpus, int score, gboolean force);
void iws_publish_score(iws *w, int score, gboolean force);
int iws_score(iws *w, GPtrArray *cpus);
/* This node's transient attribute P-SUFFIX. */
char *iws_attr_name(const iws *w, const char *suffix);
/* The workstation of cluster node @node: the map, else its published P-iws-ws. */
char *iws_node_workstation(iws *w, const char *node);

/* ---- iws_recovery.c -------------------------------------------------------- */
/* The old master's side: the plan is set aside (in demote) and recovered later. */
lh_result iws_recovery_set_aside(iws *w);
/* P-iws-recovery set and the promotion score withdrawn: the peers know at once. */
void iws_recovery_announce(iws *w);
gboolean iws_recovering(iws *w);
/* A monitor's step of the old master's side: waits for the plan from the new
 * master, then starts, gives the limit back and ends the recovery. */
lh_result iws_recovery_continue(iws *w, GPtrArray *procs);
/* The new master's side, run by promote for every peer whose plan is recovered. */
lh_result iws_recovery_new_master(iws *w);
/* Quiesce requests from node attributes, answered in a recurring monitor. */
void iws_quiesce_serve(iws *w, GPtrArray *cpus);

#endif
