/* iws - OCF resource agent for IBM Workload Scheduler master and backup masters.
 *
 * A promotable clone, one instance per node, each node with its own installation:
 * unpromoted = IWS runs as a linked backup master, promoted = this workstation is
 * the master domain manager (IBM's backup-master pattern: IWS carries the plan to
 * the backups, no shared disk). Promote is `switchmgr DOMAIN;THIS`, demote hands the
 * role to the instance being promoted, and a master whose Symphony is corrupt is
 * recovered by IBM's procedure, automated (iws_recovery.c). PRODUCTS.md section 2.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <lhost/clustercmd.h>
#include <lhost/log.h>
#include <lhost/poll.h>

#include "iws.h"

#define FIELD(f) offsetof(iws_config, f)

static gboolean iws_check_optional_path(const char *value, char **reason)
{
    return value[0] == '\0' || lh_check_absolute_path(value, reason);
}

static gboolean iws_check_domain(const char *value, char **reason)
{
    size_t len = strlen(value);

    if (len == 0 || len > 16 || strspn(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvw"
                                              "xyz0123456789_-") != len) {
        *reason = g_strdup("must be a domain name of 1 to 16 letters, digits, '_' or '-'");
        return FALSE;
    }
    return TRUE;
}

/* Empty (localopts' thiscpu), one name, or "node:WS" pairs, each name checked. */
static gboolean iws_check_workstation(const char *value, char **reason)
{
    g_auto(GStrv) words = g_strsplit_set(value, " \t,", -1);
    gboolean ok = TRUE;

    for (char **word = words; ok && *word != NULL; word++) {
        const char *colon = strchr(*word, ':');

        if (**word == '\0') {
            continue;
        }
        ok = colon != NULL ? colon != *word && iws_valid_workstation(colon + 1)
                           : words[1] == NULL && iws_valid_workstation(*word);
    }
    if (!ok) {
        *reason = g_strdup("must be a workstation name (1 to 16 letters, digits, '_' or '-', "
                           "beginning with a letter) or a map \"node1:WS1 node2:WS2\"");
    }
    return ok;
}

static gboolean iws_check_user(const char *value, char **reason)
{
    if (value[0] == '-' || strspn(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                         "0123456789_.-") != strlen(value)) {
        *reason = g_strdup("must be a user name (letters, digits, '_', '.', '-')");
        return FALSE;
    }
    return TRUE;
}

static const lh_param iws_params[] = {
    {"twa_home", LH_PARAM_STRING, 0, "/opt/IBM/TWA", NULL, 0, 0, lh_check_absolute_path,
     FIELD(twa_home), "IWS installation directory (TWA_home)",
     "This node's IWS installation, on local disk; its commands are in TWA_HOME/TWS/bin. "
     "Processes of this installation are recognised by their executable under that "
     "directory, so another installation on the node is never touched."},
    {"tws_user", LH_PARAM_STRING, 0, "", NULL, 0, 0, iws_check_user, FIELD(tws_user),
     "TWS user",
     "The user IWS commands run as, through runuser (no shell). Empty: the agent's own "
     "user (root), which IWS accepts."},
    {"domain", LH_PARAM_STRING, 0, "MASTERDM", NULL, 0, 0, iws_check_domain, FIELD(domain),
     "master domain", "The master domain, as given to switchmgr DOMAIN;WORKSTATION."},
    {"workstation", LH_PARAM_STRING, 0, "", NULL, 0, 0, iws_check_workstation,
     FIELD(workstation), "this node's workstation",
     "This node's workstation: empty takes thiscpu from TWA_HOME/TWS/localopts; a name; "
     "or a map of Pacemaker node names to workstations, \"node1:MDM node2:BKM\", which "
     "also tells demote the workstation of the node being promoted."},
    {"conman_cmd", LH_PARAM_STRING, 0, "", NULL, 0, 0, iws_check_optional_path,
     FIELD(conman_cmd), "conman", "Path of conman; empty: TWA_HOME/TWS/bin/conman."},
    {"startup_cmd", LH_PARAM_STRING, 0, "", NULL, 0, 0, iws_check_optional_path,
     FIELD(startup_cmd), "StartUp", "Path of StartUp; empty: TWA_HOME/TWS/bin/StartUp."},
    {"switch_settle", LH_PARAM_INTEGER, 0, "12", NULL, 1, 600, NULL, FIELD(switch_settle),
     "seconds a switchmgr needs",
     "How long a switchmgr takes to settle (IBM: about 12 s). Promote and demote wait "
     "twice this, plus 10 s, for showcpus to show the new master."},
    {"command_timeout", LH_PARAM_INTEGER, 0, "60", NULL, 1, 3600, NULL, FIELD(command_timeout),
     "seconds one conman may take",
     "The cap on one conman or StartUp run, within the operation's timeout: a hung conman "
     "is killed then, and stop goes on to end the processes itself."},
    {"link_wait", LH_PARAM_INTEGER, 0, "30", NULL, 0, 3600, NULL, FIELD(link_wait),
     "seconds start waits for the link",
     "How long start waits for the link to the master. A backup that is not linked still "
     "starts (the master may be down: it is then a candidate for promotion), with a lower "
     "promotion score."},
};

/* ---- helpers ------------------------------------------------------------------- */

static gboolean plan_step(lh_op *op, gpointer data)
{
    (void)op;
    return !iws_plan_generating(data);
}

/* Never switch while JnextPlan generates the plan (IBM: a failover then can corrupt
 * it): wait for it, within the deadline. */
static gboolean wait_plan_generation(iws *w, char **why)
{
    if (!iws_plan_generating(w)) {
        return TRUE;
    }
    lh_info("JnextPlan is generating the plan: waiting for it before switching");
    if (!lh_poll(w->op, w->op->deadline, 1000, plan_step, w)) {
        *why = g_strdup("JnextPlan was still generating the plan at the deadline: no switch "
                        "during plan generation");
        return FALSE;
    }
    return TRUE;
}

static gboolean is_master(iws *w, GPtrArray *cpus, gpointer data)
{
    (void)data;
    return iws_cpu_master(cpus) == iws_cpu_find(cpus, w->ws);
}

static gboolean is_not_master(iws *w, GPtrArray *cpus, gpointer data)
{
    return !is_master(w, cpus, data) && iws_cpu_master(cpus) != NULL;
}

static lh_deadline switch_deadline(const iws *w)
{
    return lh_deadline_in_ms(((gint64)w->cfg->switch_settle * 2 + 10) * 1000);
}

/* switchmgr DOMAIN;WS, then showcpus until @settled holds. */
static lh_result switch_to(iws *w, const char *ws, iws_cpus_cond settled, const char *expect)
{
    g_autofree char *command = g_strdup_printf("switchmgr %s;%s", w->cfg->domain, ws);
    iws_reply reply;
    gboolean ok, already;

    iws_conman(w, command, &reply);
    ok = iws_reply_ok(&reply);
    already = reply.already;
    if (!ok) {
        g_autofree char *why = iws_reply_describe(&reply, command);

        iws_reply_release(&reply);
        return lh_result_new(LH_OCF_ERR_GENERIC, "%s", why);
    }
    iws_reply_release(&reply);
    lh_info("%s: %s", command, already ? "AWSBHU118W, already the manager" : "switching");
    if (!iws_wait_cpus(w, switch_deadline(w), settled, NULL)) {
        return lh_result_new(LH_OCF_ERR_GENERIC,
                             "%s was accepted but showcpus did not show %s within %d s",
                             command, expect, w->cfg->switch_settle * 2 + 10);
    }
    return LH_RESULT_OK;
}

/* The opened installation, or the result that says why not. */
#define IWS_OPEN(w, op, config)                                                               \
    do {                                                                                      \
        lh_result failure_ = LH_RESULT_OK;                                                    \
        if (!iws_open(&(w), (op), (config), &failure_)) {                                     \
            iws_close(&(w));                                                                  \
            return failure_;                                                                  \
        }                                                                                     \
    } while (0)

/* ---- monitor -------------------------------------------------------------------- */

/* The processes a monitor fails without (PRODUCTS.md section 2: StartUp starts
 * netman, conman start mailman, batchman and jobman); netman alone while the master
 * is held (stop;wait stopped the rest on purpose). A writer comes and goes with each
 * link: never one of them. */
static const char *const needed[] = {"netman", "mailman", "batchman", "jobman", NULL};

static const char *missing_process(GPtrArray *procs, gboolean held)
{
    for (gsize i = 0; needed[i] != NULL && (i == 0 || !held); i++) {
        if (!iws_runs(procs, needed[i])) {
            return needed[i];
        }
    }
    return NULL;
}

static lh_result corrupt_plan(iws *w)
{
    gboolean promoted = g_strcmp0(lh_state_get(w->state, "role"), "promoted") == 0 ||
                        w->op->role == LH_OCF_ROLE_PROMOTED;

    if (!promoted) {
        return lh_result_new(LH_OCF_ERR_GENERIC,
                             "the Symphony of backup %s is corrupt (AWSBHU001E); a restart "
                             "sets it aside and receives the master's",
                             w->ws);
    }
    if (!w->op->probe) {
        iws_recovery_announce(w); /* the backups learn it now, not at the demote */
    }
    return lh_result_new(LH_OCF_FAILED_PROMOTED,
                         "the Symphony of master %s is corrupt (AWSBHU001E): demote it so "
                         "that a backup takes over and the plan is recovered",
                         w->ws);
}

static lh_result monitor_running(iws *w, GPtrArray *procs)
{
    gboolean held = lh_state_get(w->state, "held") != NULL;
    gboolean corrupt = FALSE;
    g_autofree char *why = NULL;
    g_autoptr(GPtrArray) cpus = iws_showcpus(w, &corrupt, &why);
    const iws_cpu *me;
    const char *missing;

    if (cpus == NULL) {
        return corrupt ? corrupt_plan(w) : lh_result_new(LH_OCF_ERR_GENERIC, "%s", why);
    }
    if (cpus->len == 0) {
        return lh_result_new(LH_OCF_ERR_GENERIC, "conman sc printed no showcpus table");
    }
    me = iws_cpu_find(cpus, w->ws);
    if (me == NULL) {
        return lh_result_new(LH_OCF_ERR_CONFIGURED, "showcpus has no workstation %s: is it a "
                                                    "workstation of this domain?",
                             w->ws);
    }
    missing = missing_process(procs, held);
    if (missing != NULL) {
        return lh_result_new(LH_OCF_ERR_GENERIC, "%s of %s does not run", missing, w->ws);
    }
    if (!held && !(iws_cpu_has(me, 'I') && iws_cpu_has(me, 'J'))) {
        return lh_result_new(LH_OCF_ERR_GENERIC,
                             "showcpus shows %s with STATE '%s': not initialised with jobman "
                             "running (I J)",
                             w->ws, me->flags);
    }
    if (!w->op->probe) {
        if (lh_state_get(w->state, "limit_holds") == NULL) {
            lh_state_set_int(w->state, "limit_last", me->limit);
        }
        iws_quiesce_serve(w, cpus);
        iws_publish(w, cpus, iws_score(w, cpus), FALSE);
    }
    if (held) {
        lh_op_explain(w->op, "%s is IWS's master, demoted: nothing launches jobs", w->ws);
        return LH_RESULT_OK;
    }
    lh_op_explain(w->op, "%s runs as %s, Symphony run %d, limit %d, STATE %s", w->ws,
                  strcmp(me->type, "MASTER") == 0 ? "the master" : "a backup", me->run,
                  me->limit, me->flags);
    return strcmp(me->type, "MASTER") == 0 ? (lh_result){LH_OCF_RUNNING_PROMOTED, NULL}
                                           : LH_RESULT_OK;
}

static lh_result iws_monitor(lh_op *op, const void *config)
{
    iws w;
    g_autoptr(GPtrArray) procs = NULL;
    lh_result result;

    IWS_OPEN(w, op, config);
    procs = iws_processes(&w);
    if (procs->len == 0) {
        result = (lh_result){LH_OCF_NOT_RUNNING, NULL};
    } else if (iws_recovering(&w)) {
        result = op->probe ? LH_RESULT_OK : iws_recovery_continue(&w, procs);
    } else {
        result = monitor_running(&w, procs);
    }
    if (!op->probe) {
        iws_save(&w);
    }
    iws_close(&w);
    return result;
}

/* ---- the watcher's processes -------------------------------------------------------- */

/* The processes whose death is a failure (lh_agent.watched): those whose absence the
 * monitor itself calls one, as they run after the action. Running: netman,
 * mailman, batchman and jobman (missing_process). Held (a demoted master nobody took
 * the role from: stop;wait) and recovering its plan (the old master runs netman
 * alone, waiting for the new master's Symphony; iws_recovery_continue fails only
 * without netman, and starts the rest itself): netman alone.
 *
 * Nothing a monitor does ends one of them: the recovery's shutdowns (iws_shutdown,
 * stop;wait) are a demote's, a start's and a promote's, and the runtime removes the
 * record before those act. The old master's monitor that ends the recovery only
 * starts mailman, batchman and jobman: they are not watched until the next action
 * records them (the watcher only shortens detection: the monitor still judges them). */
static GPtrArray *iws_watched(lh_op *op, const void *config)
{
    iws w;
    lh_result failure = LH_RESULT_OK;
    GPtrArray *procs;
    gboolean netman_only;

    if (!iws_open(&w, op, config, &failure)) {
        lh_result_clear(&failure);
        iws_close(&w);
        return g_ptr_array_new_with_free_func((GDestroyNotify)lh_proc_free);
    }
    netman_only = lh_state_get(w.state, "held") != NULL || iws_recovering(&w);
    procs = iws_processes(&w);
    for (guint i = procs->len; i > 0; i--) {
        const lh_proc *p = procs->pdata[i - 1];

        if (netman_only ? strcmp(p->name, "netman") != 0
                        : !g_strv_contains(needed, p->name)) {
            g_ptr_array_remove_index(procs, i - 1);
        }
    }
    iws_close(&w);
    return procs;
}

/* ---- start and stop --------------------------------------------------------------- */

static gboolean linked_to_master(iws *w, GPtrArray *cpus, gpointer data)
{
    const iws_cpu *master = iws_cpu_master(cpus);

    (void)data;
    return master == NULL || master == iws_cpu_find(cpus, w->ws) || iws_cpu_has(master, 'L');
}

/* Links this backup to the master and waits, bounded by link_wait, for the link. */
static void link_master(iws *w, GPtrArray *cpus)
{
    const iws_cpu *master = iws_cpu_master(cpus);
    g_autofree char *command = NULL;
    iws_reply reply;

    if (master == NULL || master == iws_cpu_find(cpus, w->ws)) {
        return;
    }
    command = g_strdup_printf("link %s", master->name);
    iws_conman(w, command, &reply);
    iws_reply_release(&reply);
    if (!iws_wait_cpus(w, lh_deadline_in_ms((gint64)w->cfg->link_wait * 1000), linked_to_master,
                       NULL)) {
        lh_warn("%s is not linked to the master %s after %d s: it runs, with a lower promotion "
                "score, and links when the master answers",
                w->ws, master->name, w->cfg->link_wait);
    }
}

static lh_result start_running(iws *w)
{
    gboolean corrupt = FALSE;
    g_autofree char *why = NULL;
    g_autoptr(GPtrArray) cpus = iws_showcpus(w, &corrupt, &why);

    /* A workstation the domain does not have would never show initialised: say so
     * now rather than at the deadline. */
    if (cpus != NULL && cpus->len > 0 && iws_cpu_find(cpus, w->ws) == NULL) {
        return lh_result_new(LH_OCF_ERR_CONFIGURED, "showcpus has no workstation %s: is it a "
                                                    "workstation of this domain?",
                             w->ws);
    }
    g_clear_pointer(&why, g_free);
    if (!iws_bring_up(w, TRUE, w->op->deadline, &why)) {
        return lh_result_new(LH_OCF_ERR_GENERIC, "%s", why);
    }
    if (cpus != NULL) {
        g_ptr_array_unref(g_steal_pointer(&cpus));
    }
    cpus = iws_showcpus(w, &corrupt, &why);
    if (cpus == NULL) {
        return lh_result_new(LH_OCF_ERR_GENERIC, "%s", why);
    }
    link_master(w, cpus);
    g_ptr_array_unref(cpus);
    cpus = iws_showcpus(w, &corrupt, &why);
    if (cpus != NULL) {
        iws_publish(w, cpus, iws_score(w, cpus), TRUE);
    }
    return LH_RESULT_OK;
}

/* A plan that conman cannot read is set aside before anything starts on it. */
static gboolean plan_corrupt(iws *w)
{
    gboolean corrupt = FALSE;
    g_autofree char *why = NULL;
    g_autoptr(GPtrArray) cpus = NULL;

    if (iws_symphony_size(w) < 0) {
        return FALSE;
    }
    cpus = iws_showcpus(w, &corrupt, &why);
    return cpus == NULL && corrupt;
}

static lh_result iws_start(lh_op *op, const void *config)
{
    iws w;
    lh_result result = LH_RESULT_OK;
    g_autofree char *why = NULL;

    IWS_OPEN(w, op, config);
    lh_state_set(w.state, "role", "unpromoted");
    lh_state_set(w.state, "held", NULL);
    /* newmaster_* stay: a promote killed mid-recovery is followed by demote, stop,
     * start and promote again, which resumes at the step recorded. */
    iws_save(&w);
    if (!iws_recovering(&w) && plan_corrupt(&w)) {
        result = iws_recovery_set_aside(&w);
    }
    if (result.code == LH_OCF_SUCCESS && iws_recovering(&w)) {
        /* IBM's step 5: netman only, until the new master sends the plan. */
        if (!iws_bring_up(&w, FALSE, op->deadline, &why)) {
            result = lh_result_new(LH_OCF_ERR_GENERIC, "recovery: %s", why);
        } else {
            lh_info("%s: netman runs and waits for the master's plan", w.ws);
        }
    } else if (result.code == LH_OCF_SUCCESS) {
        result = start_running(&w);
    }
    iws_save(&w);
    iws_close(&w);
    return result;
}

static lh_result iws_stop(lh_op *op, const void *config)
{
    iws w;
    lh_result failure = LH_RESULT_OK;
    lh_result result = LH_RESULT_OK;
    g_autofree char *why = NULL;

    if (!iws_open(&w, op, config, &failure)) {
        /* No installation, or no workstation: nothing of ours can run. */
        iws_close(&w);
        result = lh_result_new(LH_OCF_SUCCESS, "nothing to stop: %s", failure.reason);
        lh_result_clear(&failure);
        return result;
    }
    iws_publish_score(&w, -1, TRUE);
    if (!iws_shutdown(&w, &why)) {
        result = lh_result_new(LH_OCF_ERR_GENERIC, "%s", why);
    }
    /* The recovery and the limit holds outlive a stop: they are the product's. */
    lh_state_set(w.state, "role", NULL);
    lh_state_set(w.state, "held", NULL);
    iws_save(&w);
    iws_close(&w);
    return result;
}

/* ---- promote and demote ----------------------------------------------------------- */

static lh_result promote_here(iws *w)
{
    gboolean corrupt = FALSE;
    g_autofree char *why = NULL;
    g_autoptr(GPtrArray) cpus = iws_showcpus(w, &corrupt, &why);
    lh_result result;

    if (cpus == NULL) {
        return lh_result_new(LH_OCF_ERR_GENERIC, "cannot become the master: %s", why);
    }
    if (lh_state_get(w->state, "held") != NULL) {
        if (!iws_bring_up(w, TRUE, w->op->deadline, &why)) {
            return lh_result_new(LH_OCF_ERR_GENERIC, "%s", why);
        }
        lh_state_set(w->state, "held", NULL);
    }
    if (!wait_plan_generation(w, &why)) {
        return lh_result_new(LH_OCF_ERR_GENERIC, "%s", why);
    }
    result = switch_to(w, w->ws, is_master, "this workstation as the master");
    if (result.code != LH_OCF_SUCCESS) {
        return result;
    }
    lh_state_set(w->state, "role", "promoted");
    iws_save(w);
    result = iws_recovery_new_master(w);
    if (result.code != LH_OCF_SUCCESS) {
        return result;
    }
    g_ptr_array_unref(g_steal_pointer(&cpus));
    cpus = iws_showcpus(w, &corrupt, &why);
    if (cpus != NULL) {
        iws_reply reply;

        iws_conman(w, "link @", &reply);
        iws_reply_release(&reply);
        iws_publish(w, cpus, IWS_SCORE_MASTER, TRUE);
    }
    return LH_RESULT_OK;
}

static lh_result iws_promote(lh_op *op, const void *config)
{
    iws w;
    lh_result result;

    IWS_OPEN(w, op, config);
    result = promote_here(&w);
    iws_save(&w);
    iws_close(&w);
    return result;
}

/* The workstation to hand the master role to: the node being promoted (notify), or
 * the linked, running backup with the newest plan. NULL: nobody can take it. */
static char *successor(iws *w, GPtrArray *cpus)
{
    const char *node = lh_state_get(w->state, "handoff_node");
    const iws_cpu *best = NULL;

    if (node != NULL) {
        g_autofree char *ws = iws_node_workstation(w, node);
        const iws_cpu *cpu = ws != NULL ? iws_cpu_find(cpus, ws) : NULL;

        if (cpu != NULL && g_ascii_strcasecmp(cpu->name, w->ws) != 0) {
            return g_strdup(cpu->name);
        }
        lh_warn("node %s, being promoted, has no known workstation; choosing a backup", node);
    }
    for (guint i = 0; i < cpus->len; i++) {
        const iws_cpu *cpu = cpus->pdata[i];

        if (g_ascii_strcasecmp(cpu->name, w->ws) != 0 && iws_cpu_has(cpu, 'L') &&
            iws_cpu_has(cpu, 'I') && (best == NULL || cpu->run > best->run)) {
            best = cpu;
        }
    }
    return best != NULL ? g_strdup(best->name) : NULL;
}

/* No backup can be master: IWS stays with this one, which stops launching jobs. */
static lh_result hold_master(iws *w)
{
    iws_reply reply;
    gboolean ok;

    lh_warn("no backup master is linked and running to take the master role: %s stays IWS's "
            "master with mailman, batchman and jobman stopped (no job launches) until it is "
            "promoted again",
            w->ws);
    iws_conman(w, "stop;wait", &reply);
    ok = iws_reply_ok(&reply);
    if (!ok) {
        g_autofree char *why = iws_reply_describe(&reply, "stop;wait");

        iws_reply_release(&reply);
        return lh_result_new(LH_OCF_ERR_GENERIC, "%s", why);
    }
    iws_reply_release(&reply);
    lh_state_set(w->state, "held", "1");
    lh_state_set(w->state, "role", "unpromoted");
    return LH_RESULT_OK;
}

static lh_result demote_here(iws *w)
{
    gboolean corrupt = FALSE;
    g_autofree char *why = NULL;
    g_autofree char *target = NULL;
    g_autoptr(GPtrArray) cpus = iws_showcpus(w, &corrupt, &why);
    lh_result result;

    if (cpus == NULL && corrupt) {
        lh_state_set(w->state, "role", "unpromoted");
        result = iws_recovery_set_aside(w);
        /* IBM's step 5 at once: an instance demoted, not stopped, still runs (netman,
         * waiting for the plan) and its monitor says so. */
        if (result.code == LH_OCF_SUCCESS && !iws_bring_up(w, FALSE, w->op->deadline, &why)) {
            result = lh_result_new(LH_OCF_ERR_GENERIC, "recovery: %s", why);
        }
        return result;
    }
    if (cpus == NULL) {
        return lh_result_new(LH_OCF_ERR_GENERIC, "%s", why);
    }
    if (!is_master(w, cpus, NULL)) {
        lh_state_set(w->state, "role", "unpromoted");
        return LH_RESULT_OK;
    }
    if (!wait_plan_generation(w, &why)) {
        return lh_result_new(LH_OCF_ERR_GENERIC, "%s", why);
    }
    target = successor(w, cpus);
    if (target == NULL) {
        return hold_master(w);
    }
    result = switch_to(w, target, is_not_master, "another workstation as the master");
    if (result.code == LH_OCF_SUCCESS) {
        lh_state_set(w->state, "role", "unpromoted");
        lh_state_set(w->state, "handoff_node", NULL);
        g_ptr_array_unref(g_steal_pointer(&cpus));
        cpus = iws_showcpus(w, &corrupt, &why);
        if (cpus != NULL) {
            iws_publish(w, cpus, iws_score(w, cpus), TRUE);
        }
    }
    return result;
}

static lh_result iws_demote(lh_op *op, const void *config)
{
    iws w;
    lh_result result;

    IWS_OPEN(w, op, config);
    result = demote_here(&w);
    iws_save(&w);
    iws_close(&w);
    return result;
}

/* Before a promotion, every instance learns which node is promoted: the master's
 * demote hands the role to that node's workstation. */
static lh_result iws_notify(lh_op *op, const void *config)
{
    const lh_notify *n = op->notify;
    const char *node;
    iws w;

    IWS_OPEN(w, op, config);
    node = n->promote_uname[0];
    if (n->type == LH_NOTIFY_PRE && node != NULL && strcmp(node, w.node) != 0) {
        lh_state_set(w.state, "handoff_node", node);
    } else if (n->type == LH_NOTIFY_POST && n->operation == LH_NOTIFY_PROMOTE) {
        lh_state_set(w.state, "handoff_node", NULL);
    }
    iws_save(&w);
    iws_close(&w);
    return LH_RESULT_OK;
}

/* ---- quiesce and resume, by hand ---------------------------------------------------- */

static lh_result iws_quiesce(lh_op *op, const void *config)
{
    iws w;
    gboolean corrupt = FALSE;
    g_autofree char *why = NULL;
    g_autoptr(GPtrArray) cpus = NULL;
    lh_result result = LH_RESULT_OK;

    IWS_OPEN(w, op, config);
    cpus = iws_showcpus(&w, &corrupt, &why);
    if (cpus == NULL || !iws_limit_hold(&w, "quiesce", cpus, TRUE, &why)) {
        result = lh_result_new(LH_OCF_ERR_GENERIC, "cannot quiesce %s: %s", w.ws, why);
    } else {
        lh_info("%s quiesced by hand: limit 0, the previous limit %s kept", w.ws,
                lh_state_get(w.state, "limit_saved"));
    }
    iws_save(&w);
    iws_close(&w);
    return result;
}

static lh_result iws_resume(lh_op *op, const void *config)
{
    iws w;
    g_autofree char *why = NULL;
    lh_result result = LH_RESULT_OK;

    IWS_OPEN(w, op, config);
    if (iws_limit_held_by(&w, "quiesce") && !iws_limit_release(&w, "quiesce", &why)) {
        result = lh_result_new(LH_OCF_ERR_GENERIC, "cannot resume %s: %s", w.ws, why);
    }
    iws_save(&w);
    iws_close(&w);
    return result;
}

/* ---- validate --------------------------------------------------------------------- */

static lh_result iws_validate(lh_op *op, const void *config)
{
    iws w;
    lh_result result;

    IWS_OPEN(w, op, config);
    result = lh_require_executable("conman_cmd", w.conman);
    if (result.code == LH_OCF_SUCCESS) {
        lh_result_clear(&result);
        result = lh_require_executable("startup_cmd", w.startup);
    }
    iws_close(&w);
    return result;
}

static const lh_action iws_actions[] = {
    {"start", iws_start, 300, 0},
    {"stop", iws_stop, 300, 0},
    {"monitor", iws_monitor, 60, 10},
    {"promote", iws_promote, 300, 0},
    {"demote", iws_demote, 120, 0},
    {"notify", iws_notify, 20, 0},
    {"quiesce", iws_quiesce, 60, 0},
    {"resume", iws_resume, 60, 0},
    {NULL, NULL, 0, 0},
};

static const char iws_man_notes[] =
    ".SH THE MODEL\n"
    "Create it as a promotable clone with notifications, one instance per node, each node "
    "with its own IWS installation (IBM's backup-master pattern: every backup is a "
    "fault-tolerant agent of the master domain with fullstatus on, and IWS itself carries "
    "the plan to them; there is no shared disk). Unpromoted: IWS runs, linked to the "
    "master. Promoted: this workstation is the master domain manager.\n"
    ".SH MONITOR\n"
    "7: no process of this installation runs. 8: this workstation is the master and "
    "healthy. 0: a healthy backup. 9: the master's Symphony cannot be read (conman answers "
    "AWSBHU001E). 1: netman, mailman, batchman or jobman missing, showcpus not showing this "
    "workstation initialised with jobman running (STATE I and J), or conman failing. "
    "Decisions come from message ids and return codes, never from English text. Probes "
    "only read; recurring monitors also publish this node's attributes, answer quiesce "
    "requests and carry the recovery on.\n"
    ".SH PROMOTION SCORES\n"
    "1000 the master; 100 a backup linked to the master with the newest plan (showcpus RUN); "
    "50 the newest plan, not linked (the master is down); 10 an older plan; none while the "
    "plan is missing, corrupt or being recovered. Each instance publishes, as transient "
    "node attributes, \\fIP\\fR\\-iws\\-ws (its workstation), \\fIP\\fR\\-iws\\-run and "
    "\\fIP\\fR\\-iws\\-size (its Symphony's run number and size), \\fIP\\fR being the "
    "primitive's id.\n"
    ".SH PROMOTE AND DEMOTE\n"
    "Promote runs switchmgr \\fIDOMAIN\\fR;\\fITHIS\\fR (AWSBHU118W: already the master; "
    "AWSBHU120I: switched) and waits until showcpus shows this workstation as MASTER, at "
    "most twice \\fBswitch_settle\\fR plus 10 s. Neither switches while a JnextPlan of this "
    "installation generates the plan: they wait for it. Demote hands the role to the node "
    "being promoted (from the pre\\-promote notification, through the workstation map or "
    "that node's \\fIP\\fR\\-iws\\-ws), else to the linked backup with the newest plan, and "
    "waits until showcpus shows another master.\n"
    ".PP\n"
    "When no backup is linked and running (a one\\-node cluster, every backup down), IWS "
    "has nobody to give the role to. Demote then stops mailman, batchman and jobman "
    "(stop;wait; netman and the links stay): the workstation remains IWS's master but "
    "launches no job, and its monitor says 0. Promoting it again starts them and finds it "
    "master (AWSBHU118W); stopping it shuts it down.\n"
    ".SH CORRUPT SYMPHONY RECOVERY\n"
    "IBM's nine manual steps, run by the cluster. The master's monitor answers 9 and "
    "withdraws its promotion score. Its demote shuts it down, renames Symphony and Sinfonia "
    "to *.corrupt\\-\\fITIME\\fR (never deleted), keeps its limit and sets "
    "\\fIP\\fR\\-iws\\-recovery; its start runs netman only. The backup promoted then "
    "switches, sets the old master's limit to 0, checks its links, shuts down, keeps "
    "Sinfonia as Sinfonia.orig, copies Symphony to Sinfonia, starts and links the old "
    "master, which sends it the plan. The old master's monitors wait until its Symphony is "
    "there and of the new master's size (\\fIP\\fR\\-iws\\-size), then start it and give "
    "its limit back. Every step is recorded in the resource's state before the next: an "
    "agent killed in the middle resumes at that step in its next action. Events that were "
    "suspended on the master when the recovery began are lost, as in IBM's procedure; the "
    "agent logs it. Switching back is the admin's choice: move the promoted role.\n"
    ".SH QUIESCE\n"
    "\\fBlhost quiesce\\fR \\fIRESOURCE\\fR writes \"quiesce \\fIID\\fR\" into every "
    "node's \\fIP\\fR\\-quiesce; each instance's next recurring monitor (within one monitor "
    "interval) keeps its limit in the state, sets limit cpu=\\fITHIS\\fR;0 and answers in "
    "\\fIP\\fR\\-quiesce\\-state: \"\\fIID\\fR quiesced\" once no job runs, "
    "\"\\fIID\\fR pending \\fIJOB,...\\fR\" while some do, \"\\fIID\\fR failed "
    "\\fIREASON\\fR\". \"resume \\fIID\\fR\" gives the kept limit back (\"\\fIID\\fR "
    "resumed\"). The kept limit survives a crash of the agent and a stop. The actions "
    "\\fBquiesce\\fR and \\fBresume\\fR do the same at once on this node, by hand.\n"
    ".SH STOP\n"
    "unlink @;noask, stop;wait, shut;wait, each bounded by \\fBcommand_timeout\\fR; then "
    "SIGTERM and SIGKILL to what is left of this installation (processes whose executable "
    "is under TWA_HOME/TWS/bin: another installation on the node survives). Running jobs "
    "are left to finish, as IWS leaves them. A stop fails only when something survives "
    "SIGKILL.\n"
    ".SH WATCHER\n"
    "Under Pacemaker, every successful action but a stop records for the "
    "watcher (\\fBocf:lhost:watch\\fR) the processes whose death the monitor calls a "
    "failure: netman, mailman, batchman and jobman (never a writer); netman alone for a "
    "master held with stop;wait and for an old master waiting for its recovered plan. A "
    "process the recovery's monitor starts is watched from the next action on.\n"
    ".SH GUESSES\n"
    "conman's exit codes are not documented [guess]: a command succeeded when it ended with "
    "0 and printed no message id ending in E. The showcpus STATE letters I (initialised), J "
    "(jobman) and W (writer) are read as PRODUCTS.md says [guess]. That an old master "
    "running only netman can receive the plan over the link follows IBM's procedure.\n"
    ".SH EXAMPLE\n.nf\n"
    "pcs resource create iws ocf:lhost:iws twa_home=/opt/IBM/TWA promotable notify=true "
    "promoted\\-max=1\n"
    ".fi\n";

static const lh_agent iws_agent = {
    .name = "iws",
    .version = PACKAGE_VERSION,
    .shortdesc = "IBM Workload Scheduler master and backup masters",
    .longdesc =
        "Runs IBM Workload Scheduler as a promotable clone, one instance per node with its "
        "own installation: unpromoted, a backup master linked to the master; promoted, the "
        "master domain manager (switchmgr). A master whose Symphony is corrupt is recovered "
        "by IBM's procedure, automated, and lhost quiesce sets every workstation's job "
        "limit to 0 and gives it back.",
    .params = iws_params,
    .n_params = G_N_ELEMENTS(iws_params),
    .config_size = sizeof(iws_config),
    .actions = iws_actions,
    .validate = iws_validate,
    .codemaps = NULL,
    .man_notes = iws_man_notes,
    .promotable = TRUE,
    .watched = iws_watched,
};

int main(int argc, char **argv)
{
    return lh_agent_main(&iws_agent, argc, argv);
}
