/* ctmplex - OCF resource agent for BMC Control-M CTMPLEX Global and Local monitors.
 *
 * A promotable clone, one instance per node: promoted = the Global monitor (plan
 * selection, database I/O), unpromoted = a Local (submits and follows jobs). The
 * highest `priority` is the Global: it is the promotion score. The automatic
 * recovery of a lost Coupling Facility (RECOVERT/RECOVERM) is the attempt policy of
 * lhost/attempts.h, run by the Global's monitor; the Locals obey the Global's orders
 * through a node attribute. PRODUCTS.md section 3.
 */
#include "config.h"

#include <string.h>

#include <lhost/attr.h>
#include <lhost/clustercmd.h>
#include <lhost/log.h>
#include <lhost/poll.h>
#include <lhost/proc.h>

#include "ctmplex.h"

#define FIELD(f) offsetof(ctm_config, f)
#define CTM_DEFAULT_CODES "global=0 local=11 standalone=12 paused=13 down=14 shut=15"

static gboolean ctm_check_optional_path(const char *value, char **reason)
{
    return value[0] == '\0' || lh_check_absolute_path(value, reason);
}

static gboolean ctm_check_codes(const char *value, char **reason)
{
    int codes[CTM_ROLES];

    return ctm_parse_status_codes(value, codes, reason);
}

static gboolean ctm_check_command_line(const char *value, char **reason)
{
    g_auto(GStrv) argv = NULL;

    if (value[0] == '\0') {
        return TRUE;
    }
    if (!g_shell_parse_argv(value, NULL, &argv, NULL)) {
        *reason = g_strdup("must be an absolute path, then its arguments (quoted as in a "
                           "shell; no shell runs it)");
        return FALSE;
    }
    /* its program is held to what a path parameter is */
    return lh_check_absolute_path(argv[0], reason);
}

static const lh_param ctm_params[] = {
    {"ctm_home", LH_PARAM_STRING, 0, "/home/controlm", NULL, 0, 0, lh_check_absolute_path,
     FIELD(ctm_home), "Control-M home",
     "This node's Control-M installation; its commands are in CTM_HOME/ctm_server/exe."},
    {"priority", LH_PARAM_INTEGER, 0, "10", NULL, 1, CTM_PRIORITY_MAX, NULL, FIELD(priority),
     "monitor priority",
     "The monitor's PRIORITY (1 to 100000): the highest is the Global. It is this "
     "instance's promotion score; the Global's own is raised by 100000, so that a monitor "
     "of a higher priority coming back (a node rebooted) joins as a Local and the Global "
     "stays where it is."},
    {"recovert", LH_PARAM_INTEGER, 0, "0", NULL, 0, 86400, NULL, FIELD(recovert),
     "seconds between CF rebuild attempts",
     "RECOVERT, in seconds: when the Global loses the Coupling Facility, it tries to rebuild "
     "it every RECOVERT seconds. 0 turns automatic recovery off: the Global stays "
     "standalone until an admin runs the startplex action."},
    {"recoverm", LH_PARAM_INTEGER, 0, "3", NULL, 1, 1000, NULL, FIELD(recoverm),
     "CF rebuild attempts at most",
     "RECOVERM: the attempts the Global makes before it gives up and orders the Locals to "
     "shut down. Only with recovert > 0."},
    {"cf_check_cmd", LH_PARAM_STRING, 0, "", NULL, 0, 0, ctm_check_command_line,
     FIELD(cf_check_cmd), "CF check command",
     "The command that says whether the Coupling Facility is available (0) or not (any "
     "other code): an absolute path and its arguments, no shell. Empty: "
     "CTM_HOME/ctm_server/exe/ctmcf check."},
    {"cf_connect_cmd", LH_PARAM_STRING, 0, "", NULL, 0, 0, ctm_check_command_line,
     FIELD(cf_connect_cmd), "CF rebuild command",
     "One attempt to build the CTMPLEX environment again (connect, allocate, populate): 0 "
     "when it succeeded. Empty: CTM_HOME/ctm_server/exe/ctmcf connect."},
    {"start_cmd", LH_PARAM_STRING, 0, "", NULL, 0, 0, ctm_check_optional_path, FIELD(start_cmd),
     "start command", "Starts this node's monitor. Empty: CTM_HOME/ctm_server/exe/start_ctm."},
    {"stop_cmd", LH_PARAM_STRING, 0, "", NULL, 0, 0, ctm_check_optional_path, FIELD(stop_cmd),
     "stop command", "Stops it. Empty: CTM_HOME/ctm_server/exe/shut_ctm."},
    {"status_cmd", LH_PARAM_STRING, 0, "", NULL, 0, 0, ctm_check_optional_path,
     FIELD(status_cmd), "status command",
     "Answers the monitor's role by its exit code (status_codes). Empty: "
     "CTM_HOME/ctm_server/exe/status_ctm."},
    {"plex_cmd", LH_PARAM_STRING, 0, "", NULL, 0, 0, ctm_check_optional_path, FIELD(plex_cmd),
     "operator command",
     "Runs an operator command, PLEX_CMD VERB: GLOBAL, LOCAL, PAUSE, RESUME, SHUTDOWN, "
     "STARTPLEX. Empty: CTM_HOME/ctm_server/exe/ctmplex."},
    {"status_codes", LH_PARAM_STRING, 0, CTM_DEFAULT_CODES, NULL, 0, 0, ctm_check_codes,
     FIELD(status_codes), "status command's return codes",
     "The status command's exit code for each role, ROLE=CODE for global, local, standalone "
     "(the Global without the CF), paused, down and shut (down by order). Any other code "
     "is a failure, never read as a role."},
    {"command_timeout", LH_PARAM_INTEGER, 0, "60", NULL, 1, 3600, NULL, FIELD(command_timeout),
     "seconds one command may take", "The cap on one run of any of these commands."},
};

/* The opened instance, or the result that says why not. */
#define CTM_OPEN(c, op, config)                                                               \
    do {                                                                                      \
        lh_result failure_ = LH_RESULT_OK;                                                    \
        if (!ctm_open(&(c), (op), (config), &failure_)) {                                     \
            ctm_close(&(c));                                                                  \
            return failure_;                                                                  \
        }                                                                                     \
    } while (0)

static gboolean promoted_role(ctm_role role)
{
    return role == CTM_GLOBAL || role == CTM_STANDALONE;
}

/* Each change of role logged once, with the product's message id where it has one. */
static void log_transition(ctm *c, ctm_role role)
{
    const char *before = lh_state_get(c->state, "last_role");
    const char *now = ctm_role_name(role);

    if (role == CTM_UNKNOWN || g_strcmp0(before, now) == 0) {
        return;
    }
    if (role == CTM_SHUT && lh_state_get(c->state, "held") == NULL) {
        lh_warn("CTMX03I: this Local shut down: its Global was stopped");
    } else {
        lh_info("monitor role: %s -> %s", before != NULL ? before : "(none)", now);
    }
    lh_state_set(c->state, "last_role", now);
}

/* A startplex asked through the cluster: the newest token any node holds in the
 * transient attribute P-startplex (attrd_updater -n P-startplex -U TOKEN, on any
 * node), run once per new token by the promoted instance's monitor. A resource's
 * meta attribute would not do: changing one does not reach a recurring monitor's
 * environment. Returns the token to run, or NULL. */
static char *startplex_requested(ctm *c)
{
    g_autofree char *name = g_strdup_printf("%s-startplex", c->prim);
    g_autoptr(GHashTable) values = NULL;
    g_autofree char *why = NULL;
    GHashTableIter iter;
    gpointer node, value;
    const char *newest = NULL;

    if (!lh_attr_get_all(c->op, name, &values, &why)) {
        lh_debug("cannot read %s: %s", name, why);
        return NULL;
    }
    g_hash_table_iter_init(&iter, values);
    while (g_hash_table_iter_next(&iter, &node, &value)) {
        if (newest == NULL || strcmp(value, newest) > 0) {
            newest = value;
        }
    }
    if (newest == NULL || g_strcmp0(lh_state_get(c->state, "startplex_done"), newest) == 0) {
        return NULL;
    }
    return g_strdup(newest);
}

static lh_result monitor_here(ctm *c)
{
    g_autofree char *why = NULL;
    ctm_role role = ctm_status(c, &why);
    lh_result result;

    if (role == CTM_UNKNOWN) {
        return lh_result_new(LH_OCF_ERR_GENERIC, "%s", why);
    }
    if (!c->op->probe) {
        log_transition(c, role);
    }
    if (c->op->probe) {
        switch (role) {
        case CTM_GLOBAL:
            return (lh_result){LH_OCF_RUNNING_PROMOTED, NULL};
        case CTM_STANDALONE:
            return lh_result_new(LH_OCF_DEGRADED_PROMOTED, "the Global runs standalone");
        case CTM_LOCAL:
            return LH_RESULT_OK;
        case CTM_PAUSED:
            return lh_result_new(LH_OCF_DEGRADED, "the Local is paused");
        default:
            return (lh_result){LH_OCF_NOT_RUNNING, NULL};
        }
    }
    if (promoted_role(role)) {
        g_autofree char *token = startplex_requested(c);

        /* Each request is answered once; one made while the Global is healthy has
         * nothing to do, and must not fire at a later loss of the CF. */
        if (token != NULL && role == CTM_GLOBAL) {
            lh_info("startplex asked (%s) while the Global runs on the CF: nothing to do",
                    token);
        } else if (token != NULL) {
            result = ctm_startplex(c);
            if (result.code != LH_OCF_SUCCESS) {
                lh_warn("startplex asked through the cluster: %s", result.reason);
            }
            lh_result_clear(&result);
            g_clear_pointer(&why, g_free);
            role = ctm_status(c, &why);
        }
        if (token != NULL) {
            lh_state_set(c->state, "startplex_done", token);
        }
    }
    if (promoted_role(role)) {
        return ctm_global_monitor(c, role);
    }
    result = ctm_local_monitor(c, role);
    /* a Local that is down or held down by order is no candidate for Global */
    ctm_publish_score(c, result.code != LH_OCF_NOT_RUNNING &&
                             lh_state_get(c->state, "held") == NULL);
    return result;
}

static lh_result ctm_monitor(lh_op *op, const void *config)
{
    ctm c;
    lh_result result;

    CTM_OPEN(c, op, config);
    result = monitor_here(&c);
    if (!op->probe) {
        ctm_save(&c);
    }
    ctm_close(&c);
    return result;
}

/* ---- start and stop ------------------------------------------------------------- */

static lh_result start_here(ctm *c)
{
    const char *argv[] = {c->start, NULL};
    lh_attempts_directive order = LH_DIRECTIVE_RESUME;
    g_autofree char *why = NULL;
    gint64 at = 0;
    ctm_role role = ctm_status(c, &why);
    int code;

    /* Ordered down by the Global (its attempts exhausted): started, it stays down. */
    if (ctm_directive_now(c, &order, &at) && order == LH_DIRECTIVE_SHUTDOWN) {
        lh_state_set(c->state, "held", "1");
        lh_state_set(c->state, "applied", NULL);
        lh_warn("not started: the Global ordered the Locals to shut down (its CF rebuild "
                "attempts are exhausted) until an admin runs startplex");
        ctm_publish_score(c, FALSE); /* held down: no candidate for Global */
        return LH_RESULT_OK;
    }
    lh_state_set(c->state, "held", NULL);
    if (role != CTM_DOWN && role != CTM_SHUT && role != CTM_UNKNOWN) {
        return LH_RESULT_OK;
    }
    g_clear_pointer(&why, g_free);
    code = ctm_run(c, argv, NULL, &why);
    if (code != 0) {
        return lh_result_new(LH_OCF_ERR_GENERIC, "%s", why != NULL ? why : "start_ctm failed");
    }
    role = ctm_wait_role(c, CTM_BIT(CTM_LOCAL) | CTM_BIT(CTM_PAUSED) | CTM_BIT(CTM_GLOBAL) |
                                CTM_BIT(CTM_STANDALONE),
                         c->op->deadline);
    if (role == CTM_UNKNOWN || role == CTM_DOWN || role == CTM_SHUT) {
        return lh_result_new(LH_OCF_ERR_GENERIC, "%s ran, but the monitor never answered "
                                                 "running (last: %s)",
                             c->start, ctm_role_name(role));
    }
    ctm_publish_score(c, TRUE);
    log_transition(c, role);
    return LH_RESULT_OK;
}

static lh_result ctm_start(lh_op *op, const void *config)
{
    ctm c;
    lh_result result;

    CTM_OPEN(c, op, config);
    result = start_here(&c);
    ctm_save(&c);
    ctm_close(&c);
    return result;
}

/* The stop command gets at most half of what is left, so that ending the monitor
 * ourselves and verifying still fit; the end is judged by the process (by its
 * executable under CTM_HOME), which needs no product command to answer. */
static lh_result stop_here(ctm *c)
{
    const char *argv[] = {c->stop, NULL};
    lh_run_options opts = {.envp = c->op->envp};
    lh_run_result res = LH_RUN_RESULT_INIT;

    ctm_publish_score(c, FALSE);
    ctm_forget_orders(c); /* a stopped Global's orders must not hold the next start */
    lh_state_set(c->state, "held", NULL);
    lh_state_set(c->state, "role", NULL);
    if (!ctm_monitor_runs(c) && !g_file_test(c->stop, G_FILE_TEST_IS_EXECUTABLE)) {
        return lh_result_new(LH_OCF_SUCCESS, "nothing to stop: no monitor runs and %s is not "
                                             "installed",
                             c->stop);
    }
    opts.deadline = lh_deadline_min(
        lh_deadline_in_ms(lh_deadline_remaining_ms(c->op->deadline) / 2),
        lh_deadline_in_ms((gint64)c->cfg->command_timeout * 1000));
    lh_run(argv, &opts, &res);
    if (!lh_run_succeeded(&res)) {
        g_autofree char *how = lh_run_describe(&res);

        lh_warn("%s %s; ending the monitor", c->stop, how);
    }
    lh_run_result_release(&res);
    if (ctm_monitor_runs(c)) {
        ctm_end_monitor(c);
    }
    if (ctm_monitor_runs(c)) {
        return lh_result_new(LH_OCF_ERR_GENERIC, "the monitor (p_ctmsu) survived %s and SIGKILL",
                             c->stop);
    }
    return LH_RESULT_OK;
}

static lh_result ctm_stop(lh_op *op, const void *config)
{
    ctm c;
    lh_result failure = LH_RESULT_OK;
    lh_result result;

    if (!ctm_open(&c, op, config, &failure)) {
        ctm_close(&c);
        result = lh_result_new(LH_OCF_SUCCESS, "nothing to stop: %s", failure.reason);
        lh_result_clear(&failure);
        return result;
    }
    result = stop_here(&c);
    ctm_save(&c);
    ctm_close(&c);
    return result;
}

/* ---- promote, demote, notify, startplex ---------------------------------------------- */

static lh_result promote_here(ctm *c)
{
    g_autofree char *out = NULL;
    g_autofree char *why = NULL;
    int code;
    ctm_role role = ctm_status(c, &why);

    /* The Global standalone becomes Global again by STARTPLEX: so promote is also how
     * `crm_resource --force-promote` runs it by hand on the Global's node. */
    if (role == CTM_STANDALONE) {
        lh_result result = ctm_startplex(c);

        if (result.code == LH_OCF_SUCCESS) {
            lh_state_set(c->state, "role", "promoted");
            ctm_publish_score(c, TRUE);
        }
        return result;
    }
    g_clear_pointer(&why, g_free);
    code = ctm_plex(c, "GLOBAL", &out, &why);

    if (code != 0) {
        return lh_result_new(LH_OCF_ERR_GENERIC, "%s GLOBAL: %s", c->plex,
                             code < 0 ? why
                             : code == 2 ? "the CF is unavailable: no Global without it"
                                         : "refused");
    }
    if (strstr(out, "CTMX05E") != NULL) {
        lh_warn("CTMX05E: the Global monitor failed; this Local takes over as the Global");
    }
    role = ctm_wait_role(c, CTM_BIT(CTM_GLOBAL), c->op->deadline);
    if (role != CTM_GLOBAL) {
        return lh_result_new(LH_OCF_ERR_GENERIC, "%s GLOBAL ended but status says %s",
                             c->plex, ctm_role_name(role));
    }
    lh_state_set(c->state, "role", "promoted");
    lh_state_set(c->state, "told", NULL); /* a new Global: its own orders from now on */
    ctm_directive_publish(c, LH_DIRECTIVE_RESUME);
    ctm_publish_score(c, TRUE);
    log_transition(c, role);
    return LH_RESULT_OK;
}

static lh_result ctm_promote(lh_op *op, const void *config)
{
    ctm c;
    lh_result result;

    CTM_OPEN(c, op, config);
    result = promote_here(&c);
    ctm_save(&c);
    ctm_close(&c);
    return result;
}

/* The whole clone stopping: the Global stays Global until its stop, which shuts the
 * Locals down (CTMX03I), as the product does; otherwise it gives the role up. */
static lh_result demote_here(ctm *c)
{
    g_autofree char *why = NULL;
    int code;

    lh_state_set(c->state, "role", NULL);
    if (lh_state_get(c->state, "clone_stopping") != NULL) {
        lh_info("the whole clone stops: the Global keeps its role until its stop, which shuts "
                "the Locals down (CTMX03I)");
        return LH_RESULT_OK;
    }
    code = ctm_plex(c, "LOCAL", NULL, &why);
    if (code != 0 && code != 4) { /* 4: not running, nothing to give up */
        return lh_result_new(LH_OCF_ERR_GENERIC, "%s LOCAL: %s", c->plex,
                             code < 0 ? why : "refused");
    }
    lh_state_set(c->state, "told", NULL);
    ctm_publish_score(c, TRUE); /* a Local's score: its priority alone */
    return LH_RESULT_OK;
}

static lh_result ctm_demote(lh_op *op, const void *config)
{
    ctm c;
    lh_result result;

    CTM_OPEN(c, op, config);
    result = demote_here(&c);
    ctm_save(&c);
    ctm_close(&c);
    return result;
}

/* Every active instance in the stop list: the clone as a whole is stopping. */
static gboolean whole_clone_stops(const lh_notify *n)
{
    if (n->active_uname[0] == NULL) {
        return FALSE;
    }
    for (char **node = n->active_uname; *node != NULL; node++) {
        if (!g_strv_contains((const char *const *)n->stop_uname, *node)) {
            return FALSE;
        }
    }
    return TRUE;
}

static lh_result ctm_notify(lh_op *op, const void *config)
{
    const lh_notify *n = op->notify;
    ctm c;

    CTM_OPEN(c, op, config);
    if (n->type == LH_NOTIFY_PRE && n->operation == LH_NOTIFY_DEMOTE) {
        lh_state_set(c.state, "clone_stopping", whole_clone_stops(n) ? "1" : NULL);
    } else if (n->type == LH_NOTIFY_POST) {
        lh_state_set(c.state, "clone_stopping", NULL);
    }
    ctm_save(&c);
    ctm_close(&c);
    return LH_RESULT_OK;
}

static lh_result ctm_startplex_action(lh_op *op, const void *config)
{
    ctm c;
    lh_result result;

    CTM_OPEN(c, op, config);
    result = ctm_startplex(&c);
    ctm_save(&c);
    ctm_close(&c);
    return result;
}

static lh_result ctm_validate(lh_op *op, const void *config)
{
    const char *what[] = {"start_cmd", "stop_cmd", "status_cmd", "plex_cmd", "cf_check_cmd",
                          "cf_connect_cmd"};
    const char *paths[G_N_ELEMENTS(what)];
    lh_result result = LH_RESULT_OK;
    ctm c;

    CTM_OPEN(c, op, config);
    paths[0] = c.start;
    paths[1] = c.stop;
    paths[2] = c.status;
    paths[3] = c.plex;
    paths[4] = c.cf_check[0];
    paths[5] = c.cf_connect[0];
    if (!g_file_test(c.exe_dir, G_FILE_TEST_IS_DIR) &&
        (*c.cfg->start_cmd == '\0' || *c.cfg->status_cmd == '\0')) {
        result = lh_result_new(LH_OCF_ERR_INSTALLED, "ctm_home %s: no %s: is Control-M installed "
                                                     "here?",
                               c.cfg->ctm_home, c.exe_dir);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(what) && result.code == LH_OCF_SUCCESS; i++) {
        result = lh_require_executable(what[i], paths[i]);
    }
    ctm_close(&c);
    return result;
}

/* ---- the watcher's process ----------------------------------------------------------- */

/* This node's monitor process p_ctmsu (by its executable under CTM_HOME, as stop finds
 * it; PRODUCTS.md section 3): its death is a failure, the status command then says
 * down and the monitor 7. Nothing is recorded while its end is planned:
 *   - held down by the Global's order (its CF rebuild attempts exhausted): the
 *     monitor that obeys the order (SHUTDOWN) removes the record before it acts
 *     (ctmplex_plex.c, obey), and none is written again while the order stands;
 *   - the whole clone stopping (clone_stopping, from the pre-demote notification), or
 *     this node among those that stop in a notification's transition: the Global
 *     keeps its role until its stop, which shuts every Local down (CTMX03I), maybe
 *     before their own stops begin.
 * A monitor that starts the product again (a Local held down, told to resume) records
 * nothing: the next action does; the monitor still judges it meanwhile. */
static GPtrArray *ctm_watched(lh_op *op, const void *config)
{
    const char *node = g_environ_getenv(op->envp, "OCF_RESKEY_CRM_meta_on_node");
    lh_result failure = LH_RESULT_OK;
    GPtrArray *procs = NULL;
    ctm c;

    if (!ctm_open(&c, op, config, &failure)) {
        lh_result_clear(&failure);
    } else if (lh_state_get(c.state, "held") == NULL &&
               lh_state_get(c.state, "clone_stopping") == NULL &&
               !(op->notify != NULL && node != NULL &&
                 g_strv_contains((const char *const *)op->notify->stop_uname, node))) {
        procs = ctm_monitor_processes(&c);
    }
    ctm_close(&c);
    return procs != NULL ? procs : g_ptr_array_new_with_free_func((GDestroyNotify)lh_proc_free);
}

static const lh_action ctm_actions[] = {
    {"start", ctm_start, 120, 0},
    {"stop", ctm_stop, 120, 0},
    {"monitor", ctm_monitor, 60, 10},
    {"promote", ctm_promote, 120, 0},
    {"demote", ctm_demote, 60, 0},
    {"notify", ctm_notify, 20, 0},
    {"startplex", ctm_startplex_action, 120, 0},
    {NULL, NULL, 0, 0},
};

static const char ctm_man_notes[] =
    ".SH THE MODEL\n"
    "Create it as a promotable clone with notifications, one instance per node: the "
    "promoted instance's monitor is the Global (GSM), the others are Locals (LSM). The "
    "\\fBpriority\\fR is the promotion score, so the highest\\-priority monitor is the "
    "Global; the Global's own score is raised by 100000, so a higher\\-priority monitor "
    "that comes back (its node rebooted) joins as a Local. Control\\-M's own takeover of a failed Global should be off: the cluster "
    "promotes (ctmplex GLOBAL; the product logs CTMX05E when the old Global failed, and "
    "the agent logs it too). The Global and the Locals talk through node attributes: "
    "\\fIP\\fR\\-plex (\"pause|resume|shutdown \\fIMS\\fR\", the Global's newest order), "
    "\\fIP\\fR\\-plex\\-attempts (its CF rebuild attempts), \\fIP\\fR being the "
    "primitive's id.\n"
    ".SH MONITOR\n"
    "From the status command's exit code (\\fBstatus_codes\\fR): global 8, local 0, "
    "standalone 191 (OCF_DEGRADED_PROMOTED: the Global lost the CF, released the CTMPLEX "
    "resources and goes on alone), paused 190 (OCF_DEGRADED), down or shut 7; any other code "
    "1. The Global's monitors also run the CF check: a failure is a loss of the CF. Probes "
    "only read.\n"
    ".SH THE CF LOST\n"
    "The Global's monitor records the loss (the time, and why) in the resource's state and "
    "tells the Locals to pause; they run \\fIPLEX_CMD\\fR PAUSE and report 190. With "
    "\\fBrecovert\\fR > 0, a monitor at least \\fBrecovert\\fR seconds after the loss (or "
    "after the last attempt) runs \\fBcf_connect_cmd\\fR once: success makes it Global on "
    "the CF again and the Locals are told to resume (RESUME); after \\fBrecoverm\\fR failed "
    "attempts the Locals are told to shut down (SHUTDOWN). An attempt happens at a monitor, "
    "so its time is rounded up to the monitor interval. The attempts and their times are "
    "kept in the state and in \\fIP\\fR\\-plex\\-attempts: a restarted agent, or a Global "
    "promoted on another node, goes on counting.\n"
    ".PP\n"
    "A Local shut down by order stays down: its monitor reports 190 (degraded) with the "
    "reason, so Pacemaker neither restarts it in a loop nor fences anyone; a start while the "
    "order stands starts nothing. When the Global is told to resume (the CF rebuilt, or "
    "startplex), each Local's next monitor starts its monitor again and resumes it.\n"
    ".SH STARTPLEX\n"
    "With \\fBrecovert\\fR 0, or after the attempts are exhausted, the admin runs STARTPLEX, "
    "in one of three ways: \\fBattrd_updater \\-n\\fR \\fIP\\fR\\fB\\-startplex "
    "\\-U\\fR \\fI$(date +%s)\\fR on any node (the Global's next monitor runs it, once per new "
    "value); \\fBcrm_resource \\-\\-resource\\fR \\fIP\\fR \\fB\\-\\-force\\-promote\\fR "
    "on the Global's node (a promote of a standalone Global is STARTPLEX); or the agent's own "
    "\\fBstartplex\\fR action by hand on that node, with the resource's parameters. It "
    "reloads, reconnects, becomes Global again, forgets the attempts and tells the Locals "
    "to resume. (A meta attribute of the resource would not do: changing one does not "
    "reach the recurring monitor.)\n"
    ".PP\n"
    "While degraded (190, 191), crm_mon lists the monitor under its failed actions until "
    "a cleanup, but no fail count grows and nothing is recovered: degraded is a state, "
    "not a failure.\n"
    ".SH DEMOTE AND STOP\n"
    "Moving the promoted role is a planned switch: demote runs LOCAL, promote runs GLOBAL "
    "elsewhere. When the whole clone stops (every active instance in the pre\\-demote "
    "notification's stop list), demote keeps the Global and its stop shuts every Local "
    "down (CTMX03I), as stopping the Global does in the product. Stop runs the stop command, "
    "then ends this installation's monitor process (by executable path) if it outlives it; "
    "it fails only if the monitor survives SIGKILL.\n"
    ".SH WATCHER\n"
    "Under Pacemaker, every successful action but a stop records this "
    "installation's monitor process (p_ctmsu) for the watcher (\\fBocf:lhost:watch\\fR), "
    "which reports its death at once. Nothing is recorded while its end is planned: a "
    "Local held down by the Global's order (the monitor that obeys the order removes the "
    "record before it shuts the Local down), the whole clone stopping, or this node among "
    "those a notification says stop.\n"
    ".SH GUESSES\n"
    "The status command's codes, the operator command's verbs and the CF commands are "
    "not public [guess]: they are parameters, with the defaults of the lhost emulator. "
    "RECOVERT is taken in seconds [guess].\n"
    ".SH EXAMPLE\n.nf\n"
    "pcs resource create ctm ocf:lhost:ctmplex priority=100 recovert=30 recoverm=3 promotable "
    "notify=true promoted\\-max=1\n"
    ".fi\n";

static const lh_agent ctm_agent = {
    .name = "ctmplex",
    .version = PACKAGE_VERSION,
    .shortdesc = "Control-M CTMPLEX Global and Local monitors",
    .longdesc =
        "Runs BMC Control-M's CTMPLEX monitors as a promotable clone: the promoted instance "
        "is the Global monitor, the others are Locals; the highest priority is the Global. "
        "When the Global loses the Coupling Facility it goes on standalone, retries the "
        "rebuild every recovert seconds at most recoverm times, and orders the Locals to "
        "pause, resume or shut down through node attributes.",
    .params = ctm_params,
    .n_params = G_N_ELEMENTS(ctm_params),
    .config_size = sizeof(ctm_config),
    .actions = ctm_actions,
    .validate = ctm_validate,
    .codemaps = NULL,
    .man_notes = ctm_man_notes,
    .promotable = TRUE,
    .watched = ctm_watched,
};

int main(int argc, char **argv)
{
    return lh_agent_main(&ctm_agent, argc, argv);
}
