/* watch - OCF resource agent for lhost-watchd, the per-node watcher that reports a
 * recorded product process's death to Pacemaker at once.
 *
 * "Running" means: the pidfile names a live lhost-watchd, by its pid and start time
 * (the daemon writes "PID START_TIME" once it watches, and nothing else writes it).
 * Start runs lhost-watchd, which returns once it watches (or fails, saying why on
 * stderr), then checks the pidfile; stop sends SIGTERM, waits, and ends with SIGKILL.
 * The agent itself stays glib-only: the daemon alone loads libqb.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <lhost/clustercmd.h>
#include <lhost/log.h>
#include <lhost/ocf.h>
#include <lhost/proc.h>
#include <lhost/run.h>
#include <lhost/watchrec.h>

#include "agents/watch-paths.h" /* LH_WATCHD_PATH, LH_CRM_RESOURCE (agents/local.mk) */
#define WATCH_PROGRAM "lhost-watchd" /* its comm, as the kernel keeps it */

typedef struct watch_config {
    const char *record_dir;
    const char *watchd;
    const char *crm_resource;
    const char *pidfile;
    const char *blackbox;
} watch_config;

#define FIELD(f) offsetof(watch_config, f)

static const lh_param watch_params[] = {
    {"record_dir", LH_PARAM_STRING, 0, NULL, NULL, 0, 0, lh_check_absolute_path,
     FIELD(record_dir), "the records directory",
     "Where the agents keep their watch records (lhost-AGENT-RESOURCE.watch). Empty: "
     "HA_RSCTMP, else /run/resource-agents, where the lhost agents write them."},
    {"watchd", LH_PARAM_STRING, 0, LH_WATCHD_PATH, NULL, 0, 0, lh_check_absolute_path,
     FIELD(watchd), "the watcher daemon", "The lhost-watchd executable."},
    {"crm_resource", LH_PARAM_STRING, 0, LH_CRM_RESOURCE, NULL, 0, 0, lh_check_absolute_path,
     FIELD(crm_resource), "the tool that reports failures",
     "The crm_resource the watcher runs as CRM_RESOURCE --fail --resource RESOURCE --node "
     "NODE when a recorded process dies."},
    {"pidfile", LH_PARAM_STRING, LH_PARAM_UNIQUE, "/run/lhost-watchd.pid", NULL, 0, 0,
     lh_check_absolute_path, FIELD(pidfile), "the watcher's pidfile",
     "Written by the watcher once it watches (PID START_TIME); how this agent finds it."},
    {"blackbox", LH_PARAM_STRING, 0, "/var/lib/lhost/lhost-watchd.blackbox", NULL, 0, 0,
     lh_check_absolute_path, FIELD(blackbox), "where the blackbox is written",
     "libqb's flight recorder of the watcher (its log, debug included), written after each "
     "failure reported, on SIGUSR1 and on a fatal error; read it with qb-blackbox."},
};

typedef enum watch_state { WATCH_ABSENT, WATCH_RUNNING, WATCH_STALE } watch_state;

/* "PID START_TIME\n" into @proc; FALSE when it is not that. */
static gboolean watch_parse_pidfile(char *text, lh_proc *proc)
{
    g_auto(GStrv) fields = g_strsplit_set(g_strstrip(text), " ", -1);
    guint64 pid = 0;

    if (g_strv_length(fields) != 2 ||
        !g_ascii_string_to_unsigned(fields[0], 10, 1, G_MAXINT, &pid, NULL) ||
        !g_ascii_string_to_unsigned(fields[1], 10, 0, G_MAXUINT64, &proc->start_time, NULL)) {
        return FALSE;
    }
    proc->pid = (int)pid;
    proc->name = (char *)WATCH_PROGRAM; /* for messages only; never freed */
    return TRUE;
}

/* The kernel's name of @pid is lhost-watchd: a reused pid is someone else. */
static gboolean watch_is_watchd(int pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/comm", pid);
    g_autofree char *comm = NULL;

    return g_file_get_contents(path, &comm, NULL, NULL) &&
           strcmp(g_strstrip(comm), WATCH_PROGRAM) == 0;
}

/* What the pidfile says, with the daemon it names in @proc. */
static watch_state watch_find(const watch_config *c, lh_proc *proc)
{
    g_autofree char *text = NULL;

    if (!g_file_get_contents(c->pidfile, &text, NULL, NULL)) {
        return WATCH_ABSENT;
    }
    if (!watch_parse_pidfile(text, proc) || !lh_proc_alive(NULL, proc) ||
        !watch_is_watchd(proc->pid)) {
        return WATCH_STALE;
    }
    return WATCH_RUNNING;
}

static lh_result watch_validate(lh_op *op, const void *config)
{
    const watch_config *c = config;
    lh_result r = lh_require_executable("watchd", c->watchd);

    (void)op;
    if (r.code == LH_OCF_SUCCESS) {
        r = lh_require_executable("crm_resource", c->crm_resource);
    }
    return r;
}

static lh_result watch_monitor(lh_op *op, const void *config)
{
    lh_proc proc = {0};

    switch (watch_find(config, &proc)) {
    case WATCH_RUNNING:
        lh_op_explain(op, "lhost-watchd runs (pid %d): running", proc.pid);
        return LH_RESULT_OK;
    case WATCH_ABSENT:
        lh_op_explain(op, "no pidfile: not running");
        return lh_result_new(LH_OCF_NOT_RUNNING, NULL);
    default:
        break;
    }
    if (op->probe) { /* a leftover of a crash before this node's cluster started */
        lh_op_explain(op, "the pidfile names no live lhost-watchd: not running");
        return lh_result_new(LH_OCF_NOT_RUNNING, NULL);
    }
    return lh_result_new(LH_OCF_ERR_GENERIC, "lhost-watchd died: %s names no live lhost-watchd",
                         ((const watch_config *)config)->pidfile);
}

/* Waits until @c's pidfile names a live lhost-watchd, within the deadline. */
static gboolean watch_wait_running(lh_op *op, const watch_config *c)
{
    lh_proc proc = {0};

    while (watch_find(c, &proc) != WATCH_RUNNING) {
        if (lh_deadline_passed(op->deadline)) {
            return FALSE;
        }
        g_usleep((gulong)lh_deadline_clamp_ms(op->deadline, 50) * 1000);
    }
    return TRUE;
}

static lh_result watch_start(lh_op *op, const void *config)
{
    const watch_config *c = config;
    const char *argv[] = {c->watchd,       "--dir",     lh_watchrec_dir(c->record_dir),
                          "--crm-resource", c->crm_resource, "--pidfile", c->pidfile,
                          "--blackbox",    c->blackbox, NULL};
    lh_run_result res = LH_RUN_RESULT_INIT;
    lh_proc proc = {0};
    lh_result r = LH_RESULT_OK;

    if (watch_find(c, &proc) == WATCH_RUNNING) {
        lh_op_explain(op, "lhost-watchd runs already (pid %d)", proc.pid);
        return r;
    }
    unlink(c->pidfile); /* stale, or absent */
    lh_run(argv, &(lh_run_options){.envp = op->envp, .deadline = op->deadline}, &res);
    if (!lh_run_succeeded(&res)) {
        g_autofree char *how = lh_run_describe(&res);
        g_autofree char *err = g_strdup(res.err != NULL ? g_strstrip(res.err->str) : "");

        r = lh_result_new(LH_OCF_ERR_GENERIC, "lhost-watchd did not start: it %s%s%s", how,
                          *err != '\0' ? ": " : "", err);
    } else if (!watch_wait_running(op, c)) {
        r = lh_result_new(LH_OCF_ERR_GENERIC, "lhost-watchd started, but %s names no live "
                          "lhost-watchd before the deadline", c->pidfile);
    } else {
        lh_op_explain(op, "lhost-watchd started, watching %s", argv[2]);
    }
    lh_run_result_release(&res);
    return r;
}

/* Signals @proc and waits for it to be gone until @until; TRUE once it is. */
static gboolean watch_end(lh_proc *proc, int sig, lh_deadline until)
{
    g_autoptr(GPtrArray) one = g_ptr_array_new();

    g_ptr_array_add(one, proc);
    lh_proc_signal(NULL, one, sig);
    while (lh_proc_alive(NULL, proc)) {
        if (lh_deadline_passed(until)) {
            return FALSE;
        }
        g_usleep((gulong)lh_deadline_clamp_ms(until, 20) * 1000);
    }
    return TRUE;
}

static lh_result watch_stop(lh_op *op, const void *config)
{
    const watch_config *c = config;
    lh_proc proc = {0};
    /* SIGTERM gets all but the last second of the action, SIGKILL that second. */
    gint64 left_ms = lh_deadline_remaining_ms(op->deadline);
    lh_deadline term_until = lh_deadline_in_ms(left_ms > 2000 ? left_ms - 1000 : left_ms / 2);

    if (watch_find(c, &proc) != WATCH_RUNNING) {
        unlink(c->pidfile);
        lh_op_explain(op, "lhost-watchd does not run: stopped");
        return LH_RESULT_OK;
    }
    if (!watch_end(&proc, SIGTERM, term_until)) {
        lh_warn("lhost-watchd (pid %d) still runs after SIGTERM: SIGKILL", proc.pid);
        if (!watch_end(&proc, SIGKILL, op->deadline)) {
            return lh_result_new(LH_OCF_ERR_GENERIC, "lhost-watchd (pid %d) survived SIGKILL",
                                 proc.pid);
        }
    }
    unlink(c->pidfile); /* it removes it itself, unless it was killed */
    lh_op_explain(op, "lhost-watchd (pid %d) stopped", proc.pid);
    return LH_RESULT_OK;
}

static const lh_action watch_actions[] = {
    {"start", watch_start, 20, 0},
    {"stop", watch_stop, 20, 0},
    {"monitor", watch_monitor, 20, 10},
    {NULL, NULL, 0, 0},
};

static const char watch_man_notes[] =
    ".SH WHAT THE WATCHER DOES\n"
    "Pacemaker learns that a product died at the next monitor, up to a whole monitor "
    "interval late. When an lhost agent's start (or any action but a stop) succeeds under "
    "Pacemaker, it records the product processes whose death is a failure of the resource, "
    "each by pid and start time, in a record \\fIDIR\\fR/lhost\\-\\fIAGENT\\fR\\-"
    "\\fIRESOURCE\\fR.watch (\\fIDIR\\fR: \\fBrecord_dir\\fR, by default HA_RSCTMP or "
    "/run/resource\\-agents). \\fBlhost\\-watchd\\fR holds a pidfd for each recorded "
    "process and follows the directory with inotify, without polling. When one dies, it "
    "renames the record to RECORD.failed (kept for the admin) and runs "
    "\\fBcrm_resource \\-\\-fail \\-\\-resource\\fR \\fIRESOURCE\\fR \\fB\\-\\-node\\fR "
    "\\fINODE\\fR at once, once; Pacemaker then recovers the resource as after a failed "
    "monitor, and the next monitor confirms. It logs \"RESOURCE on NODE: NAME (pid N) died: "
    "failure reported to Pacemaker\" and writes its blackbox to \\fBblackbox\\fR.\n"
    ".SH NEVER DURING AN ACTION\n"
    "An agent removes its record before any action but a monitor acts (stop, demote, a "
    "forced termination, a start): a planned stop is never reported. A death whose record "
    "is gone or names other processes is not reported. A watcher that restarts reads the "
    "records again, reports a process that died meanwhile, and never reports a failure "
    "twice (the .failed file is no record).\n"
    ".SH FAIL COUNTS ON PACEMAKER 2.1.5\n"
    "Pacemaker 2.1.5 (Debian 12's) may count one reported failure twice: its controller can "
    "take the two history entries of the one failure that crm_resource \\-\\-fail records "
    "(the operation and its last failure) for two events. Pacemaker 2.1.6 counts them "
    "once (ClusterLabs/pacemaker pull request 2947). The watcher reports once (its log and the .failed file "
    "show it), but the fail count may then rise by 2 for one death: choose "
    "\\fBmigration\\-threshold\\fR with that in mind (tests/cluster/watch.sh shows "
    "it, as a known defect of that version).\n"
    ".SH WITHOUT IT\n"
    "Everything works as before: the watcher only shortens detection. The agents need no "
    "parameter for it; they keep their records whether it runs or not.\n"
    ".SH CONFIGURATION\n"
    "One instance per node, as a clone:\n"
    ".PP\n"
    ".nf\n"
    "pcs resource create watch ocf:lhost:watch clone\n"
    ".fi\n"
    ".PP\n"
    "Its signals: SIGUSR1 writes the blackbox (read it with \\fBqb\\-blackbox\\fR "
    "\\fIFILE\\fR), SIGTERM stops it. A bench or an admin can run it in the foreground: "
    "\\fBlhost\\-watchd \\-\\-foreground \\-\\-dir\\fR \\fIDIR\\fR "
    "[\\fB\\-\\-debug\\fR].\n";

static const lh_agent watch_agent = {
    .name = "watch",
    .version = PACKAGE_VERSION,
    .shortdesc = "lhost's watcher: product deaths reported at once",
    .longdesc =
        "Runs lhost-watchd on this node: it holds a pidfd for every product process the "
        "lhost agents recorded at start, and when one dies it reports the failure of that "
        "resource to Pacemaker at once (crm_resource --fail) instead of at the next monitor. "
        "Create it as a clone. Without it everything works as before, only detection waits "
        "for the next monitor.",
    .params = watch_params,
    .n_params = G_N_ELEMENTS(watch_params),
    .config_size = sizeof(watch_config),
    .actions = watch_actions,
    .validate = watch_validate,
    .man_notes = watch_man_notes,
};

int main(int argc, char **argv)
{
    return lh_agent_main(&watch_agent, argc, argv);
}
