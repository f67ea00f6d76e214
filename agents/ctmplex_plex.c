/* ctmplex_plex.c - Control-M's commands, the Global's attempts, the Locals' orders.
 *
 * Status: status_cmd's exit code names the monitor's role through status_codes (a
 * parameter: the product's table is not public, PRODUCTS.md section 3). Orders:
 * the Global publishes "DIRECTIVE MS" in its node's P-plex attribute; a Local applies
 * the newest one any node published (a new Global's supersedes an old one's). The
 * Global's attempts (lhost/attempts.h) are kept in the resource's state and mirrored
 * in P-plex-attempts, which a Global on another node takes up.
 */
#include "config.h"

#include <signal.h>
#include <string.h>

#include <lhost/attr.h>
#include <lhost/log.h>
#include <lhost/poll.h>
#include <lhost/proc.h>
#include <lhost/run.h>
#include <lhost/watchrec.h>

#include "ctmplex.h"

static const char *const role_names[] = {"global", "local", "standalone", "paused", "down",
                                         "shut"};

const char *ctm_role_name(ctm_role role)
{
    return role < CTM_ROLES ? role_names[role] : "unknown";
}

gboolean ctm_parse_status_codes(const char *text, int *codes, char **reason)
{
    g_auto(GStrv) pairs = g_strsplit_set(text, " \t,", -1);
    gboolean seen[CTM_ROLES] = {FALSE};

    for (char **pair = pairs; *pair != NULL; pair++) {
        g_auto(GStrv) kv = **pair != '\0' ? g_strsplit(*pair, "=", 2) : NULL;
        guint64 code;
        gsize role = 0;

        if (kv == NULL) {
            continue;
        }
        while (role < CTM_ROLES && g_strcmp0(kv[0], role_names[role]) != 0) {
            role++;
        }
        if (role == CTM_ROLES || kv[1] == NULL ||
            !g_ascii_string_to_unsigned(kv[1], 10, 0, 255, &code, NULL) || seen[role]) {
            *reason = g_strdup_printf("'%s' is not ROLE=CODE (roles global, local, standalone, "
                                      "paused, down, shut, each once; codes 0..255)",
                                      *pair);
            return FALSE;
        }
        seen[role] = TRUE;
        codes[role] = (int)code;
    }
    for (gsize role = 0; role < CTM_ROLES; role++) {
        for (gsize other = role + 1; other < CTM_ROLES; other++) {
            if (seen[role] && seen[other] && codes[role] == codes[other]) {
                *reason = g_strdup_printf("%s and %s have the same code %d", role_names[role],
                                          role_names[other], codes[role]);
                return FALSE;
            }
        }
        if (!seen[role]) {
            *reason = g_strdup_printf("no code for the role %s", role_names[role]);
            return FALSE;
        }
    }
    return TRUE;
}

/* ---- opening ------------------------------------------------------------------ */

static char *exe_path(const ctm *c, const char *configured, const char *name)
{
    return *configured != '\0' ? g_strdup(configured) : g_build_filename(c->exe_dir, name, NULL);
}

/* A command line as an argv (quotes as a shell would read them, no shell run); the
 * default is built as an argv, never pasted into a line: CTM_HOME may hold anything. */
static GStrv command_line(const ctm *c, const char *configured, const char *fallback,
                          lh_result *failure, const char *param)
{
    GStrv argv = NULL;
    g_autoptr(GError) error = NULL;

    if (*configured == '\0') {
        argv = g_new0(char *, 3);
        argv[0] = g_build_filename(c->exe_dir, "ctmcf", NULL);
        argv[1] = g_strdup(fallback);
        return argv;
    }
    if (!g_shell_parse_argv(configured, NULL, &argv, &error) || !g_path_is_absolute(argv[0])) {
        *failure = lh_result_new(LH_OCF_ERR_CONFIGURED, "%s '%s': %s", param, configured,
                                 error != NULL ? error->message : "not an absolute path first");
        g_strfreev(argv);
        return NULL;
    }
    return argv;
}

gboolean ctm_open(ctm *c, lh_op *op, const ctm_config *cfg, lh_result *failure)
{
    const char *colon = strchr(op->resource, ':');
    char *reason = NULL;

    *c = (ctm){.op = op, .cfg = cfg};
    c->exe_dir = g_build_filename(cfg->ctm_home, "ctm_server", "exe", NULL);
    c->start = exe_path(c, cfg->start_cmd, "start_ctm");
    c->stop = exe_path(c, cfg->stop_cmd, "shut_ctm");
    c->status = exe_path(c, cfg->status_cmd, "status_ctm");
    c->plex = exe_path(c, cfg->plex_cmd, "ctmplex");
    c->prim = colon != NULL ? g_strndup(op->resource, (gsize)(colon - op->resource))
                            : g_strdup(op->resource);
    c->state = lh_state_load(NULL, op->agent->name, c->prim);
    c->policy = (lh_attempts_policy){"cf", (gint64)cfg->recovert * 1000, cfg->recoverm};
    if (!ctm_parse_status_codes(cfg->status_codes, c->codes, &reason)) {
        *failure = lh_result_new(LH_OCF_ERR_CONFIGURED, "status_codes: %s", reason);
        g_free(reason);
        return FALSE;
    }
    c->cf_check = command_line(c, cfg->cf_check_cmd, "check", failure, "cf_check_cmd");
    c->cf_connect = c->cf_check == NULL ? NULL
                                        : command_line(c, cfg->cf_connect_cmd, "connect", failure,
                                                       "cf_connect_cmd");
    return c->cf_connect != NULL;
}

void ctm_close(ctm *c)
{
    g_free(c->exe_dir);
    g_free(c->start);
    g_free(c->stop);
    g_free(c->status);
    g_free(c->plex);
    g_strfreev(c->cf_check);
    g_strfreev(c->cf_connect);
    g_free(c->prim);
    lh_state_free(c->state);
}

void ctm_save(ctm *c)
{
    g_autofree char *why = NULL;

    if (!lh_state_save_changes(c->state, &why)) {
        lh_warn("cannot keep the resource's state: %s", why);
    }
}

/* ---- commands ----------------------------------------------------------------- */

int ctm_run(ctm *c, const char *const *argv, char **out, char **why)
{
    lh_run_options opts = {
        .envp = c->op->envp,
        .deadline = lh_deadline_min(c->op->deadline,
                                    lh_deadline_in_ms((gint64)c->cfg->command_timeout * 1000)),
    };
    lh_run_result res = LH_RUN_RESULT_INIT;
    int code = -1;

    lh_run(argv, &opts, &res);
    if (res.end == LH_RUN_EXITED) {
        code = res.exit_code;
    } else {
        g_autofree char *how = lh_run_describe(&res);
        g_autofree char *line = lh_argv_to_string(argv);

        *why = g_strdup_printf("%s %s", line, how);
    }
    if (out != NULL) {
        *out = res.out != NULL ? g_strdup(res.out->str) : g_strdup("");
    }
    lh_run_result_release(&res);
    return code;
}

int ctm_plex(ctm *c, const char *verb, char **out, char **why)
{
    const char *argv[] = {c->plex, verb, NULL};

    return ctm_run(c, argv, out, why);
}

ctm_role ctm_status(ctm *c, char **why)
{
    const char *argv[] = {c->status, NULL};
    int code = ctm_run(c, argv, NULL, why);

    if (code < 0) {
        return CTM_UNKNOWN;
    }
    for (int role = 0; role < CTM_ROLES; role++) {
        if (c->codes[role] == code) {
            return (ctm_role)role;
        }
    }
    *why = g_strdup_printf("%s returned %d, which status_codes gives no role", c->status, code);
    return CTM_UNKNOWN;
}

typedef struct role_wait {
    ctm *c;
    unsigned want;
    ctm_role last;
} role_wait;

static gboolean role_step(lh_op *op, gpointer data)
{
    role_wait *wait = data;
    g_autofree char *why = NULL;

    (void)op;
    wait->last = ctm_status(wait->c, &why);
    return wait->last != CTM_UNKNOWN && (wait->want & CTM_BIT(wait->last)) != 0;
}

ctm_role ctm_wait_role(ctm *c, unsigned want, lh_deadline until)
{
    role_wait wait = {c, want, CTM_UNKNOWN};

    (void)lh_poll(c->op, lh_deadline_min(until, c->op->deadline), 500, role_step, &wait);
    return wait.last;
}

static const char *const monitor_names[] = {"p_ctmsu", NULL};

GPtrArray *ctm_monitor_processes(ctm *c)
{
    return lh_proc_find_in_dir(NULL, c->exe_dir, monitor_names);
}

gboolean ctm_monitor_runs(ctm *c)
{
    g_autoptr(GPtrArray) procs = ctm_monitor_processes(c);

    return procs->len > 0;
}

/* The record lh_agent_main() keeps (the same path: this agent, this resource). */
void ctm_unwatch(ctm *c)
{
    g_autofree char *path = lh_watchrec_path(NULL, c->op->agent->name, c->op->resource);

    lh_watchrec_remove(path);
}

static gboolean monitor_gone_step(lh_op *op, gpointer data)
{
    (void)op;
    return !ctm_monitor_runs(data);
}

void ctm_end_monitor(ctm *c)
{
    g_autoptr(GPtrArray) procs = lh_proc_find_in_dir(NULL, c->exe_dir, monitor_names);

    if (procs->len == 0) {
        return;
    }
    lh_warn("the monitor (pid %d) outlived %s: ending it", ((lh_proc *)procs->pdata[0])->pid,
            c->stop);
    lh_proc_signal(NULL, procs, SIGTERM);
    if (lh_poll(c->op, lh_deadline_min(c->op->deadline, lh_deadline_in_ms(2000)), 100,
                monitor_gone_step, c)) {
        return;
    }
    lh_proc_signal(NULL, procs, SIGKILL);
    (void)lh_poll(c->op, lh_deadline_min(c->op->deadline, lh_deadline_in_ms(2000)), 100,
                  monitor_gone_step, c);
}

/* ---- the Locals' orders ------------------------------------------------------- */

static char *attr_name(const ctm *c, const char *suffix)
{
    return g_strdup_printf("%s-%s", c->prim, suffix);
}

gboolean ctm_directive_now(ctm *c, lh_attempts_directive *directive, gint64 *at_ms)
{
    g_autofree char *name = attr_name(c, "plex");
    g_autoptr(GHashTable) values = NULL;
    g_autofree char *why = NULL;
    GHashTableIter iter;
    gpointer node, value;

    *at_ms = 0;
    if (!lh_attr_get_all(c->op, name, &values, &why)) {
        lh_warn("cannot read the Global's orders: %s", why);
        return FALSE;
    }
    g_hash_table_iter_init(&iter, values);
    while (g_hash_table_iter_next(&iter, &node, &value)) {
        g_auto(GStrv) words = g_strsplit(value, " ", 2);
        lh_attempts_directive d;
        gint64 at;

        if (g_strv_length(words) == 2 && lh_attempts_directive_parse(words[0], &d) &&
            g_ascii_string_to_signed(words[1], 10, 1, G_MAXINT64, &at, NULL) && at > *at_ms) {
            *directive = d;
            *at_ms = at;
        }
    }
    return *at_ms > 0;
}

/* Published when it changes (the state remembers the last one told). */
void ctm_directive_publish(ctm *c, lh_attempts_directive directive)
{
    const char *word = lh_attempts_directive_name(directive);
    g_autofree char *name = attr_name(c, "plex");
    g_autofree char *value = NULL;
    g_autofree char *why = NULL;

    if (g_strcmp0(lh_state_get(c->state, "told"), word) == 0) {
        return;
    }
    value = g_strdup_printf("%s %" G_GINT64_FORMAT, word, g_get_real_time() / 1000);
    if (!lh_attr_set(c->op, name, value, NULL, LH_ATTR_REBOOT, &why)) {
        lh_warn("cannot tell the Locals to %s: %s", word, why);
        return;
    }
    lh_info("the Locals are told to %s", word);
    lh_state_set(c->state, "told", word);
}

void ctm_forget_orders(ctm *c)
{
    g_autofree char *name = attr_name(c, "plex");
    g_autofree char *why = NULL;

    if (lh_state_get(c->state, "told") == NULL) {
        return; /* this node never gave an order */
    }
    if (!lh_attr_delete(c->op, name, NULL, LH_ATTR_REBOOT, &why)) {
        lh_warn("cannot withdraw this node's orders: %s", why);
        return;
    }
    lh_state_set(c->state, "told", NULL);
}

void ctm_publish_score(ctm *c, gboolean candidate)
{
    gboolean global = g_strcmp0(lh_state_get(c->state, "role"), "promoted") == 0;
    int score = c->cfg->priority + (global ? CTM_GLOBAL_BONUS : 0);
    g_autofree char *text = g_strdup_printf("%d", candidate ? score : -1);
    g_autofree char *why = NULL;
    gboolean ok;

    if (g_strcmp0(lh_state_get(c->state, "told_score"), text) == 0) {
        return;
    }
    ok = candidate ? lh_attr_set_promotion_score(c->op, score, &why)
                   : lh_attr_delete_promotion_score(c->op, &why);
    if (!ok) {
        lh_warn("cannot set the promotion score: %s", why);
        return;
    }
    lh_state_set(c->state, "told_score", text);
}

/* ---- the Global's attempts ------------------------------------------------------ */

/* The record: this node's state, or, when it has none, the newest a Global on
 * another node left in P-plex-attempts (the count goes on after a move). */
static void attempts_load(ctm *c, lh_attempts *a)
{
    g_autofree char *name = attr_name(c, "plex-attempts");
    g_autoptr(GHashTable) values = NULL;
    g_autofree char *why = NULL;
    GHashTableIter iter;
    gpointer node, value;

    lh_attempts_load(c->state, &c->policy, a);
    if (a->lost_ms != 0 || !lh_attr_get_all(c->op, name, &values, &why)) {
        return;
    }
    g_hash_table_iter_init(&iter, values);
    while (g_hash_table_iter_next(&iter, &node, &value)) {
        lh_attempts other = LH_ATTEMPTS_INIT;

        if (lh_attempts_from_text(value, &other) && other.lost_ms > a->lost_ms) {
            lh_attempts_release(a);
            *a = other;
        } else {
            lh_attempts_release(&other);
        }
    }
}

static void attempts_store(ctm *c, const lh_attempts *a)
{
    g_autofree char *name = attr_name(c, "plex-attempts");
    g_autofree char *text = lh_attempts_to_text(a);
    g_autofree char *why = NULL;

    lh_attempts_store(c->state, &c->policy, a);
    if (g_strcmp0(lh_state_get(c->state, "told_attempts"), text) != 0) {
        if (lh_attr_set(c->op, name, text, NULL, LH_ATTR_REBOOT, &why)) {
            lh_state_set(c->state, "told_attempts", text);
        } else {
            lh_warn("cannot publish the attempts: %s", why);
        }
    }
}

static gboolean cf_available(ctm *c, char **why)
{
    int code = ctm_run(c, (const char *const *)c->cf_check, NULL, why);

    if (code > 0) {
        *why = g_strdup_printf("%s returned %d", c->cf_check[0], code);
    }
    return code == 0;
}

/* One attempt to rebuild: cf_connect_cmd ("connect, allocate, populate"). */
static gboolean attempt(ctm *c, lh_attempts *a, gint64 now)
{
    g_autofree char *why = NULL;
    int code = ctm_run(c, (const char *const *)c->cf_connect, NULL, &why);

    lh_attempts_record(a, now, code == 0);
    if (code != 0) {
        lh_warn("CF rebuild, attempt %d of %d: %s", a->made, c->policy.max,
                why != NULL ? why : "failed");
        return FALSE;
    }
    lh_info("CF rebuilt: the Global is on the CF again");
    return TRUE;
}

lh_result ctm_global_monitor(ctm *c, ctm_role role)
{
    lh_attempts a = LH_ATTEMPTS_INIT;
    g_autofree char *why = NULL;
    g_autofree char *where = NULL;
    gint64 now = g_get_real_time() / 1000;
    lh_attempts_phase phase;
    lh_result result;
    gboolean cf_ok = cf_available(c, &why);

    if (role == CTM_GLOBAL && cf_ok) {
        attempts_load(c, &a);
        if (a.lost_ms != 0) {
            lh_info("the CF is back: the Global runs on it again");
            lh_attempts_reset(&a);
            attempts_store(c, &a);
        }
        ctm_directive_publish(c, LH_DIRECTIVE_RESUME);
        lh_attempts_release(&a);
        return (lh_result){LH_OCF_RUNNING_PROMOTED, NULL};
    }
    attempts_load(c, &a);
    if (a.lost_ms == 0) {
        lh_warn("CF lost (%s): the Global released the CTMPLEX resources and goes on "
                "standalone; the Locals pause",
                why != NULL ? why : "the monitor runs standalone");
    }
    lh_attempts_mark_lost(&a, now, why != NULL ? why : "the Global runs standalone");
    phase = lh_attempts_phase_at(&a, &c->policy, now);
    if (phase == LH_ATTEMPTS_DUE && attempt(c, &a, now)) {
        attempts_store(c, &a);
        ctm_directive_publish(c, LH_DIRECTIVE_RESUME);
        lh_attempts_release(&a);
        return (lh_result){LH_OCF_RUNNING_PROMOTED, NULL};
    }
    phase = lh_attempts_phase_at(&a, &c->policy, now);
    if (phase == LH_ATTEMPTS_EXHAUSTED && g_strcmp0(lh_state_get(c->state, "told"),
                                                    "shutdown") != 0) {
        lh_err("CF rebuild: %d attempts failed: the Locals are told to shut down until an "
               "admin runs startplex",
               a.made);
    }
    attempts_store(c, &a);
    ctm_directive_publish(c, lh_attempts_directive_of(phase));
    where = lh_attempts_describe(&a, &c->policy, now);
    result = lh_result_new(LH_OCF_DEGRADED_PROMOTED, "Global standalone, CF %s%s", where,
                           phase == LH_ATTEMPTS_OFF || phase == LH_ATTEMPTS_EXHAUSTED
                               ? " (the startplex action)"
                               : "");
    lh_attempts_release(&a);
    return result;
}

lh_result ctm_startplex(ctm *c)
{
    lh_attempts a = LH_ATTEMPTS_INIT;
    g_autofree char *why = NULL;
    int code = ctm_plex(c, "STARTPLEX", NULL, &why);

    if (code != 0) {
        return lh_result_new(LH_OCF_ERR_GENERIC, "STARTPLEX: %s",
                             code < 0 ? why
                             : code == 2 ? "the CF is still unavailable"
                                         : "refused (see the product's log)");
    }
    if (ctm_wait_role(c, CTM_BIT(CTM_GLOBAL), c->op->deadline) != CTM_GLOBAL) {
        return lh_result_new(LH_OCF_ERR_GENERIC, "STARTPLEX ended but status does not say "
                                                 "Global");
    }
    lh_info("STARTPLEX: resources reloaded, the CF reconnected, this monitor is the Global; "
            "the Locals are told to resume");
    attempts_load(c, &a);
    lh_attempts_reset(&a);
    attempts_store(c, &a);
    ctm_directive_publish(c, LH_DIRECTIVE_RESUME);
    lh_attempts_release(&a);
    return LH_RESULT_OK;
}

/* ---- the Locals ------------------------------------------------------------------- */

/* The order applied: TRUE when it was (or needed nothing). */
static gboolean obey(ctm *c, lh_attempts_directive order, ctm_role role, char **why)
{
    const char *verb = NULL;
    int code;

    switch (order) {
    case LH_DIRECTIVE_PAUSE:
        verb = role == CTM_LOCAL ? "PAUSE" : NULL;
        break;
    case LH_DIRECTIVE_RESUME:
        /* Only a Local held down by order is started again; one that is down for any
         * other reason is the cluster's to recover, and a monitor reports it. */
        if ((role == CTM_DOWN || role == CTM_SHUT) && lh_state_get(c->state, "held") != NULL) {
            const char *argv[] = {c->start, NULL};

            if (ctm_run(c, argv, NULL, why) != 0) {
                return FALSE;
            }
            role = ctm_wait_role(c, CTM_BIT(CTM_LOCAL) | CTM_BIT(CTM_PAUSED), c->op->deadline);
        }
        verb = role == CTM_PAUSED ? "RESUME" : NULL;
        break;
    case LH_DIRECTIVE_SHUTDOWN:
        verb = role == CTM_LOCAL || role == CTM_PAUSED ? "SHUTDOWN" : NULL;
        break;
    }
    if (verb == NULL) {
        return TRUE;
    }
    if (order == LH_DIRECTIVE_SHUTDOWN) {
        /* This monitor ends the product on the Global's order: the watcher must not
         * report it. The record goes first; nothing records it again while the
         * order stands (ctm_watched: held). */
        ctm_unwatch(c);
    }
    code = ctm_plex(c, verb, NULL, why);
    if (code > 0) {
        *why = g_strdup_printf("%s %s returned %d", c->plex, verb, code);
    }
    return code == 0;
}

lh_result ctm_local_monitor(ctm *c, ctm_role role)
{
    lh_attempts_directive order = LH_DIRECTIVE_RESUME;
    gint64 at = 0;
    g_autofree char *why = NULL;
    g_autofree char *applied = NULL;
    gboolean promoted = c->op->role == LH_OCF_ROLE_PROMOTED ||
                        g_strcmp0(lh_state_get(c->state, "role"), "promoted") == 0;
    gboolean held;

    /* The promoted instance gives the orders; it never takes them. */
    if (!c->op->probe && !promoted && ctm_directive_now(c, &order, &at)) {
        applied = g_strdup_printf("%s %" G_GINT64_FORMAT, lh_attempts_directive_name(order), at);
        if (g_strcmp0(lh_state_get(c->state, "applied"), applied) != 0) {
            if (!obey(c, order, role, &why)) {
                return lh_result_new(LH_OCF_ERR_GENERIC, "the Global's order to %s: %s",
                                     lh_attempts_directive_name(order), why);
            }
            lh_info("the Global's order to %s applied", lh_attempts_directive_name(order));
            lh_state_set(c->state, "applied", applied);
            lh_state_set(c->state, "held", order == LH_DIRECTIVE_SHUTDOWN ? "1" : NULL);
            g_clear_pointer(&why, g_free);
            role = ctm_status(c, &why);
        }
    }
    held = lh_state_get(c->state, "held") != NULL;
    switch (role) {
    case CTM_LOCAL:
        return LH_RESULT_OK;
    case CTM_PAUSED:
        return lh_result_new(LH_OCF_DEGRADED, "the Local is paused (the CF is lost; the Global "
                                              "tells it when to resume)");
    case CTM_DOWN:
    case CTM_SHUT:
        return held ? lh_result_new(LH_OCF_DEGRADED,
                                    "shut down by order of the Global (its CF rebuild attempts "
                                    "are exhausted): it stays down until an admin runs startplex")
                    : lh_result_new(LH_OCF_NOT_RUNNING, "the monitor does not run (status: %s)",
                                    ctm_role_name(role));
    default:
        return lh_result_new(LH_OCF_ERR_GENERIC, "%s", why != NULL ? why : "no role");
    }
}
