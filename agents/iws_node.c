/* iws_node.c - this node's IWS installation, and what it tells the cluster.
 *
 * The installation's processes are recognised by their executable under
 * TWA_HOME/TWS/bin (lhost/proc.h), never by name alone: another installation on the
 * same node has processes of the same names and must survive our stop.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <lhost/attr.h>
#include <lhost/log.h>
#include <lhost/poll.h>

#include "iws.h"

/* The product's daemons; a job's jobmon is not one of them: jobs outlive a stop,
 * as they do in IWS, and their end is collected at the next start. */
static const char *const product_names[] = {"netman", "mailman", "batchman", "jobman",
                                            "writer", NULL};
static const char *const plan_generator[] = {"JnextPlan", NULL};

#define WORKSTATION_MAX 16

gboolean iws_valid_workstation(const char *name)
{
    size_t len = strlen(name);

    if (len == 0 || len > WORKSTATION_MAX || !g_ascii_isalpha(name[0])) {
        return FALSE;
    }
    for (size_t i = 0; i < len; i++) {
        if (!g_ascii_isalnum(name[i]) && name[i] != '_' && name[i] != '-') {
            return FALSE;
        }
    }
    return TRUE;
}

/* thiscpu from TWA_HOME/TWS/localopts ("thiscpu = NAME", keys case-insensitive). */
static char *localopts_thiscpu(const char *tws_dir)
{
    g_autofree char *path = g_build_filename(tws_dir, "localopts", NULL);
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL)) {
        return NULL;
    }
    lines = g_strsplit(text, "\n", -1);
    for (char **line = lines; *line != NULL; line++) {
        g_auto(GStrv) kv = g_strsplit(*line, "=", 2);

        if (kv[0] != NULL && kv[1] != NULL &&
            g_ascii_strcasecmp(g_strstrip(kv[0]), "thiscpu") == 0) {
            return g_strdup(g_strstrip(kv[1]));
        }
    }
    return NULL;
}

/* The workstation "node:WS ..." gives @node, or NULL. */
static char *map_lookup(const char *map, const char *node)
{
    g_auto(GStrv) pairs = g_strsplit_set(map, " \t,", -1);

    for (char **pair = pairs; *pair != NULL; pair++) {
        const char *colon = strchr(*pair, ':');

        if (colon != NULL && strncmp(*pair, node, (size_t)(colon - *pair)) == 0 &&
            node[colon - *pair] == '\0') {
            return g_strdup(colon + 1);
        }
    }
    return NULL;
}

static char *resolve_workstation(const iws *w, lh_result *failure)
{
    const char *cfg = w->cfg->workstation;
    char *ws, *upper;

    if (*cfg == '\0') {
        ws = localopts_thiscpu(w->tws_dir);
        if (ws == NULL) {
            *failure = lh_result_new(LH_OCF_ERR_INSTALLED,
                                     "no thiscpu in %s/localopts: is IWS installed in %s?",
                                     w->tws_dir, w->cfg->twa_home);
            return NULL;
        }
    } else if (strchr(cfg, ':') != NULL) {
        ws = map_lookup(cfg, w->node);
        if (ws == NULL) {
            *failure = lh_result_new(LH_OCF_ERR_CONFIGURED,
                                     "workstation map '%s' has no entry for node %s", cfg,
                                     w->node);
            return NULL;
        }
    } else {
        ws = g_strdup(cfg);
    }
    if (!iws_valid_workstation(ws)) {
        *failure = lh_result_new(LH_OCF_ERR_CONFIGURED,
                                 "workstation '%s' is not a workstation name (1 to %d letters, "
                                 "digits, '_' or '-', beginning with a letter)",
                                 ws, WORKSTATION_MAX);
        g_free(ws);
        return NULL;
    }
    upper = g_ascii_strup(ws, -1);
    g_free(ws);
    return upper;
}

static char *command_path(const iws *w, const char *configured, const char *name)
{
    return *configured != '\0' ? g_strdup(configured) : g_build_filename(w->bin_dir, name, NULL);
}

gboolean iws_open(iws *w, lh_op *op, const iws_config *cfg, lh_result *failure)
{
    const char *on_node = g_environ_getenv(op->envp, "OCF_RESKEY_CRM_meta_on_node");
    const char *colon = strchr(op->resource, ':');

    *w = (iws){.op = op, .cfg = cfg};
    w->tws_dir = g_build_filename(cfg->twa_home, "TWS", NULL);
    w->bin_dir = g_build_filename(w->tws_dir, "bin", NULL);
    w->conman = command_path(w, cfg->conman_cmd, "conman");
    w->startup = command_path(w, cfg->startup_cmd, "StartUp");
    w->node = g_strdup(on_node != NULL && *on_node != '\0' ? on_node : g_get_host_name());
    w->prim = colon != NULL ? g_strndup(op->resource, (gsize)(colon - op->resource))
                            : g_strdup(op->resource);
    w->state = lh_state_load(NULL, op->agent->name, w->prim);
    if (!g_file_test(w->tws_dir, G_FILE_TEST_IS_DIR)) {
        *failure = lh_result_new(LH_OCF_ERR_INSTALLED, "%s is not a directory: no IWS installed "
                                 "in twa_home %s on this node", w->tws_dir, cfg->twa_home);
        return FALSE;
    }
    w->ws = resolve_workstation(w, failure);
    return w->ws != NULL;
}

void iws_close(iws *w)
{
    g_free(w->tws_dir);
    g_free(w->bin_dir);
    g_free(w->conman);
    g_free(w->startup);
    g_free(w->node);
    g_free(w->ws);
    g_free(w->prim);
    lh_state_free(w->state);
}

void iws_save(iws *w)
{
    g_autofree char *why = NULL;

    if (!lh_state_save_changes(w->state, &why)) {
        lh_warn("cannot keep the resource's state: %s", why);
    }
}

/* ---- processes and files ------------------------------------------------------ */

GPtrArray *iws_processes(iws *w)
{
    return lh_proc_find_in_dir(NULL, w->bin_dir, product_names);
}

gboolean iws_runs(GPtrArray *procs, const char *name)
{
    return lh_proc_by_name(procs, name) != NULL;
}

gboolean iws_plan_generating(iws *w)
{
    g_autoptr(GPtrArray) procs = lh_proc_find_in_dir(NULL, w->bin_dir, plan_generator);

    return procs->len > 0;
}

gint64 iws_symphony_size(iws *w)
{
    g_autofree char *path = g_build_filename(w->tws_dir, "Symphony", NULL);
    struct stat st;

    return stat(path, &st) == 0 ? (gint64)st.st_size : -1;
}

gboolean iws_plan_set_aside(iws *w, char **why)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_local();
    g_autofree char *stamp = g_date_time_format(now, "%Y%m%dT%H%M%S");
    const char *files[] = {"Symphony", "Sinfonia"};

    for (gsize i = 0; i < G_N_ELEMENTS(files); i++) {
        g_autofree char *from = g_build_filename(w->tws_dir, files[i], NULL);
        g_autofree char *to = g_strdup_printf("%s.corrupt-%s", from, stamp);

        if (rename(from, to) == 0) {
            lh_info("%s set aside as %s (kept, never deleted)", from, to);
        } else if (errno != ENOENT) {
            *why = g_strdup_printf("cannot rename %s to %s: %s", from, to, g_strerror(errno));
            return FALSE;
        }
    }
    return TRUE;
}

/* ---- showcpus and waiting ---------------------------------------------------- */

GPtrArray *iws_showcpus(iws *w, gboolean *corrupt, char **why)
{
    iws_reply reply;
    GPtrArray *cpus = NULL;

    iws_conman(w, "sc", &reply);
    *corrupt = reply.corrupt;
    if (iws_reply_ok(&reply)) {
        cpus = iws_parse_showcpus(reply.run.out != NULL ? reply.run.out->str : "");
    } else {
        *why = iws_reply_describe(&reply, "sc");
    }
    iws_reply_release(&reply);
    return cpus;
}

typedef struct cpus_wait {
    iws *w;
    iws_cpus_cond cond;
    gpointer data;
} cpus_wait;

static gboolean cpus_step(lh_op *op, gpointer data)
{
    cpus_wait *wait = data;
    gboolean corrupt = FALSE, held = FALSE;
    g_autofree char *why = NULL;
    g_autoptr(GPtrArray) cpus = iws_showcpus(wait->w, &corrupt, &why);

    (void)op;
    if (cpus != NULL) {
        held = wait->cond(wait->w, cpus, wait->data);
    }
    return held;
}

gboolean iws_wait_cpus(iws *w, lh_deadline until, iws_cpus_cond cond, gpointer data)
{
    cpus_wait wait = {w, cond, data};

    return lh_poll(w->op, lh_deadline_min(until, w->op->deadline), 500, cpus_step, &wait);
}

static gboolean stopped_step(lh_op *op, gpointer data)
{
    g_autoptr(GPtrArray) procs = iws_processes(data);

    (void)op;
    return procs->len == 0;
}

gboolean iws_wait_stopped(iws *w, lh_deadline until)
{
    return lh_poll(w->op, lh_deadline_min(until, w->op->deadline), 250, stopped_step, w);
}

/* ---- stopping and starting ---------------------------------------------------- */

/* What a shutdown keeps for ending the leftovers and verifying, after conman. */
#define IWS_KILL_RESERVE_MS 5000
#define IWS_TERM_GRACE_MS 2000

static char *describe_procs(GPtrArray *procs)
{
    GString *text = g_string_new(NULL);

    for (guint i = 0; i < procs->len; i++) {
        const lh_proc *p = procs->pdata[i];

        g_string_append_printf(text, "%s%s (pid %d)", i > 0 ? ", " : "", p->name, p->pid);
    }
    return g_string_free(text, FALSE);
}

/* SIGTERM, a grace period, SIGKILL: only to this installation's processes. */
static void end_leftovers(iws *w)
{
    g_autoptr(GPtrArray) procs = iws_processes(w);
    g_autofree char *names = NULL;

    if (procs->len == 0) {
        return;
    }
    names = describe_procs(procs);
    lh_warn("ending what conman left running: %s", names);
    lh_proc_signal(NULL, procs, SIGTERM);
    if (iws_wait_stopped(w, lh_deadline_in_ms(IWS_TERM_GRACE_MS))) {
        return;
    }
    g_ptr_array_unref(procs);
    procs = iws_processes(w);
    lh_proc_signal(NULL, procs, SIGKILL);
    (void)iws_wait_stopped(w, lh_deadline_in_ms(IWS_TERM_GRACE_MS));
}

gboolean iws_shutdown(iws *w, char **why)
{
    static const char *const steps[] = {"unlink @;noask", "stop;wait", "shut;wait"};
    g_autoptr(GPtrArray) procs = iws_processes(w);
    g_autoptr(GPtrArray) left = NULL;

    for (gsize i = 0; i < G_N_ELEMENTS(steps) && procs->len > 0; i++) {
        gint64 room = lh_deadline_remaining_ms(w->op->deadline) - IWS_KILL_RESERVE_MS;
        iws_reply reply;

        if (room <= 0) {
            break;
        }
        iws_conman_until(w, steps[i], lh_deadline_in_ms(room / (gint64)(G_N_ELEMENTS(steps) - i)),
                         &reply);
        if (!iws_reply_ok(&reply)) {
            g_autofree char *what = iws_reply_describe(&reply, steps[i]);

            lh_warn("%s; going on", what);
        }
        iws_reply_release(&reply);
    }
    end_leftovers(w);
    left = iws_processes(w);
    if (left->len > 0) {
        g_autofree char *names = describe_procs(left);

        *why = g_strdup_printf("still running after SIGKILL: %s", names);
        return FALSE;
    }
    return TRUE;
}

static gboolean netman_step(lh_op *op, gpointer data)
{
    g_autoptr(GPtrArray) procs = iws_processes(data);

    (void)op;
    return iws_runs(procs, "netman");
}

static gboolean initialised(iws *w, GPtrArray *cpus, gpointer data)
{
    const iws_cpu *me = iws_cpu_find(cpus, w->ws);

    (void)data;
    return iws_cpu_has(me, 'I') && iws_cpu_has(me, 'J');
}

gboolean iws_bring_up(iws *w, gboolean full, lh_deadline until, char **why)
{
    g_autoptr(GPtrArray) procs = iws_processes(w);

    until = lh_deadline_min(until, w->op->deadline);
    if (!iws_runs(procs, "netman")) {
        if (!iws_startup(w, why)) {
            return FALSE;
        }
        if (!lh_poll(w->op, until, 250, netman_step, w)) {
            *why = g_strdup("StartUp ended but netman did not show");
            return FALSE;
        }
    }
    if (!full) {
        return TRUE;
    }
    if (!iws_runs(procs, "mailman")) {
        iws_reply reply;
        gboolean ok;

        iws_conman(w, "start", &reply);
        ok = iws_reply_ok(&reply);
        if (!ok) {
            *why = iws_reply_describe(&reply, "start");
        }
        iws_reply_release(&reply);
        if (!ok) {
            return FALSE;
        }
    }
    if (!iws_wait_cpus(w, until, initialised, NULL)) {
        *why = g_strdup_printf("mailman, batchman and jobman did not all start: showcpus never "
                               "showed %s initialised with jobman running (I J)",
                               w->ws);
        return FALSE;
    }
    return TRUE;
}

/* ---- limit holds ------------------------------------------------------------- */

static gboolean set_own_limit(iws *w, gint64 limit, char **why)
{
    g_autofree char *command = g_strdup_printf("limit cpu=%s;%" G_GINT64_FORMAT ";noask", w->ws,
                                               limit);

    return iws_conman_ok(w, command, why);
}

static GStrv holders(iws *w)
{
    const char *list = lh_state_get(w->state, "limit_holds");

    return g_strsplit(list != NULL ? list : "", ",", -1);
}

gboolean iws_limit_held_by(iws *w, const char *holder)
{
    g_auto(GStrv) list = holders(w);

    return g_strv_contains((const char *const *)list, holder);
}

/* The state is saved before the limit changes: the previous limit is never lost,
 * even when the agent dies right after conman. */
gboolean iws_limit_hold(iws *w, const char *holder, GPtrArray *cpus, gboolean apply,
                        char **why)
{
    g_auto(GStrv) list = holders(w);
    const iws_cpu *me = iws_cpu_find(cpus, w->ws);

    if (!g_strv_contains((const char *const *)list, holder)) {
        const char *before = lh_state_get(w->state, "limit_holds");
        g_autofree char *joined = before != NULL && *before != '\0'
                                      ? g_strdup_printf("%s,%s", before, holder)
                                      : g_strdup(holder);

        if (lh_state_get(w->state, "limit_saved") == NULL) {
            gint64 saved = me != NULL ? me->limit : lh_state_get_int(w->state, "limit_last", -1);

            if (saved < 0) {
                saved = 100;
                lh_warn("the limit of %s before the %s is not known: 100 (IWS's default) "
                        "will be given back", w->ws, holder);
            }
            lh_state_set_int(w->state, "limit_saved", saved);
        }
        lh_state_set(w->state, "limit_holds", joined);
        iws_save(w);
    }
    if (!apply || (me != NULL && me->limit == 0)) {
        return TRUE;
    }
    return set_own_limit(w, 0, why);
}

gboolean iws_limit_release(iws *w, const char *holder, char **why)
{
    g_auto(GStrv) list = holders(w);
    g_autoptr(GStrvBuilder) rest = g_strv_builder_new();
    g_auto(GStrv) left = NULL;
    g_autofree char *joined = NULL;
    gint64 saved = lh_state_get_int(w->state, "limit_saved", 100);

    for (char **h = list; *h != NULL; h++) {
        if (**h != '\0' && strcmp(*h, holder) != 0) {
            g_strv_builder_add(rest, *h);
        }
    }
    left = g_strv_builder_end(rest);
    if (*left != NULL) {
        joined = g_strjoinv(",", left);
        lh_state_set(w->state, "limit_holds", joined);
        iws_save(w);
        return TRUE;
    }
    /* The last hold: give the limit back, and forget it only once it is back. */
    if (!set_own_limit(w, saved, why)) {
        return FALSE;
    }
    lh_info("limit of %s given back: %" G_GINT64_FORMAT, w->ws, saved);
    lh_state_set(w->state, "limit_holds", NULL);
    lh_state_set(w->state, "limit_saved", NULL);
    iws_save(w);
    return TRUE;
}

/* ---- what the cluster is told -------------------------------------------------- */

char *iws_attr_name(const iws *w, const char *suffix)
{
    return g_strdup_printf("%s-%s", w->prim, suffix);
}

char *iws_node_workstation(iws *w, const char *node)
{
    g_autofree char *name = NULL;
    g_autofree char *why = NULL;
    char *value = NULL;

    if (strchr(w->cfg->workstation, ':') != NULL) {
        g_autofree char *mapped = map_lookup(w->cfg->workstation, node);

        return mapped != NULL ? g_ascii_strup(mapped, -1) : NULL;
    }
    name = iws_attr_name(w, "iws-ws");
    if (!lh_attr_get(w->op, name, node, LH_ATTR_REBOOT, &value, &why)) {
        lh_warn("cannot read the workstation of node %s: %s", node, why);
        return NULL;
    }
    return value;
}

int iws_score(iws *w, GPtrArray *cpus)
{
    const iws_cpu *me = iws_cpu_find(cpus, w->ws);
    const iws_cpu *master = iws_cpu_master(cpus);
    int best = 0;

    if (me == NULL || iws_recovering(w)) {
        return -1;
    }
    if (master == me) {
        return IWS_SCORE_MASTER;
    }
    if (me->run == 0 || iws_symphony_size(w) < 0) {
        return -1;
    }
    for (guint i = 0; i < cpus->len; i++) {
        best = MAX(best, ((iws_cpu *)cpus->pdata[i])->run);
    }
    if (me->run < best) {
        return IWS_SCORE_BEHIND;
    }
    return iws_cpu_has(master, 'L') ? IWS_SCORE_CURRENT : IWS_SCORE_UNLINKED;
}

/* Sets @suffix to @value unless the state says it was told already. */
static void publish_one(iws *w, const char *suffix, const char *value, gboolean force)
{
    g_autofree char *key = g_strdup_printf("told_%s", suffix);
    g_autofree char *name = iws_attr_name(w, suffix);
    g_autofree char *why = NULL;

    for (char *c = key; *c != '\0'; c++) {
        if (*c == '-') {
            *c = '_';
        }
    }
    if (!force && g_strcmp0(lh_state_get(w->state, key), value) == 0) {
        return;
    }
    if (!lh_attr_set(w->op, name, value, NULL, LH_ATTR_REBOOT, &why)) {
        lh_warn("cannot tell the cluster %s=%s: %s", name, value, why);
        return;
    }
    lh_state_set(w->state, key, value);
}

void iws_publish_score(iws *w, int score, gboolean force)
{
    g_autofree char *text = g_strdup_printf("%d", score);
    g_autofree char *why = NULL;
    gboolean ok;

    if (!force && g_strcmp0(lh_state_get(w->state, "told_score"), text) == 0) {
        return;
    }
    ok = score < 0 ? lh_attr_delete_promotion_score(w->op, &why)
                   : lh_attr_set_promotion_score(w->op, score, &why);
    if (!ok) {
        lh_warn("cannot set the promotion score to %s: %s", text, why);
        return;
    }
    lh_state_set(w->state, "told_score", text);
}

void iws_publish(iws *w, GPtrArray *cpus, int score, gboolean force)
{
    const iws_cpu *me = iws_cpu_find(cpus, w->ws);
    g_autofree char *run = g_strdup_printf("%d", me != NULL ? me->run : 0);
    g_autofree char *size = g_strdup_printf("%" G_GINT64_FORMAT, MAX(iws_symphony_size(w), 0));

    publish_one(w, "iws-ws", w->ws, force);
    publish_one(w, "iws-run", run, force);
    publish_one(w, "iws-size", size, force);
    iws_publish_score(w, score, force);
    iws_save(w);
}
