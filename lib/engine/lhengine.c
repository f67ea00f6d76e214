/* lhengine.c - running a logical host's members in order (see lhost/lhost.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <lhost/lhost.h>
#include <lhost/run.h>

#define FALLBACK_TIMEOUT_MS 20000
#define FALLBACK_MONITOR_INTERVAL_MS 10000
/* Past a member's own timeout, how long its agent gets before it is killed: the
 * agent keeps a margin for reporting inside its timeout, this is only a backstop. */
#define BACKSTOP_MS 2000

static const lh_member *member_of(const lh_lhost *lhost, guint i)
{
    return g_ptr_array_index(lhost->def->members, i);
}

static guint n_members(const lh_lhost *lhost)
{
    return lhost->def->members->len;
}

/* The environment members start from: ours, without any OCF variables of our own
 * caller's (an agent must see only its own resource's). */
static char **base_environment(char *const *envp)
{
    g_auto(GStrv) source = envp != NULL ? g_strdupv((char **)envp) : g_get_environ();
    GPtrArray *kept = g_ptr_array_new();

    for (int i = 0; source[i] != NULL; i++) {
        if (!g_str_has_prefix(source[i], "OCF_")) {
            g_ptr_array_add(kept, g_strdup(source[i]));
        }
    }
    g_ptr_array_add(kept, NULL);
    return (char **)g_ptr_array_free(kept, FALSE);
}

/* Problems read best in file order: "PATH:LINE: ..." by LINE (a stable sort, so
 * problems of one line keep the order they were found in; "PATH: ..." first). */
static int by_line(gconstpointer a, gconstpointer b)
{
    const char *pa = *(const char *const *)a, *pb = *(const char *const *)b;
    const char *ca = strstr(pa, ": "), *cb = strstr(pb, ": ");
    const char *la = ca != NULL ? memrchr(pa, ':', (size_t)(ca - pa)) : NULL;
    const char *lb = cb != NULL ? memrchr(pb, ':', (size_t)(cb - pb)) : NULL;
    long na = la != NULL ? strtol(la + 1, NULL, 10) : 0;
    long nb = lb != NULL ? strtol(lb + 1, NULL, 10) : 0;

    return (na > nb) - (na < nb);
}

lh_lhost *lh_lhost_open(const char *path, const char *ocf_root, char *const *envp,
                        GPtrArray *problems)
{
    lh_lhost *lhost = g_new0(lh_lhost, 1);

    lhost->def = lh_def_load(path, problems);
    lhost->ocf_root = g_strdup(ocf_root);
    lhost->envp = base_environment(envp);
    lhost->envp = g_environ_setenv(lhost->envp, "OCF_ROOT", ocf_root, TRUE);
    lhost->infos = g_ptr_array_new_with_free_func((GDestroyNotify)lh_agent_info_free);
    for (guint i = 0; i < n_members(lhost); i++) {
        const lh_member *m = member_of(lhost, i);
        g_autofree char *why = NULL;
        lh_agent_info *info = NULL;

        if (m->provider != NULL) {
            info = lh_agent_info_load(ocf_root, m->provider, m->type, lhost->envp, &why);
        }
        if (info == NULL && why != NULL) {
            lh_def_problem(lhost->def, problems, lh_def_line(lhost->def, m, "agent"),
                           "member '%s': %s", m->id, why);
        }
        g_ptr_array_add(lhost->infos, info);
    }
    lh_lhost_validate(lhost, problems);
    g_ptr_array_sort(problems, by_line);
    return lhost;
}

void lh_lhost_free(lh_lhost *lhost)
{
    if (lhost == NULL) {
        return;
    }
    lh_def_free(lhost->def);
    g_free(lhost->ocf_root);
    g_strfreev(lhost->envp);
    g_ptr_array_unref(lhost->infos);
    g_free(lhost);
}

/* The definition's override, else the agent's meta-data, else @fallback_ms. */
static gint64 op_setting_ms(const lh_lhost *lhost, guint index, const char *action,
                            gboolean timeout, gint64 fallback_ms)
{
    const lh_agent_info *info = g_ptr_array_index(lhost->infos, index);
    const lh_member *m = member_of(lhost, index);
    gint64 ms = timeout ? lh_member_override_timeout_ms(m, action)
                        : lh_member_override_interval_ms(m, action);

    if (ms < 0 && info != NULL) {
        ms = timeout ? lh_agent_info_timeout_ms(info, action)
                     : lh_agent_info_interval_ms(info, action);
    }
    return ms > 0 ? ms : fallback_ms;
}

gint64 lh_lhost_timeout_ms(const lh_lhost *lhost, guint index, const char *action)
{
    return op_setting_ms(lhost, index, action, TRUE, FALLBACK_TIMEOUT_MS);
}

gint64 lh_lhost_interval_ms(const lh_lhost *lhost, guint index, const char *action)
{
    return op_setting_ms(lhost, index, action, FALSE, FALLBACK_MONITOR_INTERVAL_MS);
}

/* The environment pacemaker-execd gives an agent for one operation. */
static char **member_environment(const lh_lhost *lhost, const lh_member *m, gint64 timeout_ms,
                                 gint64 interval_ms)
{
    char **env = g_strdupv(lhost->envp);
    g_autofree char *rsc = lh_member_rsc_id(lhost->def, m);
    g_autofree char *timeout = g_strdup_printf("%" G_GINT64_FORMAT, timeout_ms);
    g_autofree char *interval = g_strdup_printf("%" G_GINT64_FORMAT, interval_ms);

    env = g_environ_setenv(env, "OCF_RA_VERSION_MAJOR", "1", TRUE);
    env = g_environ_setenv(env, "OCF_RA_VERSION_MINOR", "1", TRUE);
    env = g_environ_setenv(env, "OCF_RESOURCE_INSTANCE", rsc, TRUE);
    env = g_environ_setenv(env, "OCF_RESOURCE_PROVIDER", m->provider, TRUE);
    env = g_environ_setenv(env, "OCF_RESOURCE_TYPE", m->type, TRUE);
    env = g_environ_setenv(env, "OCF_RESKEY_CRM_meta_timeout", timeout, TRUE);
    env = g_environ_setenv(env, "OCF_RESKEY_CRM_meta_interval", interval, TRUE);
    for (guint i = 0; i < m->param_names->len; i++) {
        const char *name = g_ptr_array_index(m->param_names, i);
        g_autofree char *var = g_strconcat("OCF_RESKEY_", name, NULL);

        env = g_environ_setenv(env, var, g_hash_table_lookup(m->params, name), TRUE);
    }
    return env;
}

/* The last ocf-exit-reason line an agent printed, or NULL. */
static char *exit_reason(const GString *err)
{
    static const char tag[] = "ocf-exit-reason:";
    const char *last = NULL;

    for (const char *p = err != NULL ? strstr(err->str, tag) : NULL; p != NULL;
         p = strstr(p + 1, tag)) {
        if (p == err->str || p[-1] == '\n') {
            last = p + strlen(tag);
        }
    }
    return last == NULL ? NULL : g_strndup(last, strcspn(last, "\n"));
}

static gboolean is_ocf_code(int rc)
{
    return (rc >= LH_OCF_SUCCESS && rc <= LH_OCF_FAILED_PROMOTED) || rc == LH_OCF_DEGRADED
           || rc == LH_OCF_DEGRADED_PROMOTED;
}

static void outcome_from_run(lh_member_outcome *o, const lh_run_result *res)
{
    g_autofree char *reason = exit_reason(res->err);

    if (res->end == LH_RUN_EXITED && is_ocf_code(res->exit_code)) {
        o->code = (lh_ocf_code)res->exit_code;
        o->reason = g_steal_pointer(&reason);
        return;
    }
    /* An agent that could not run, was killed or returned a non-OCF code failed,
     * whatever it meant; only a missing agent is this node's installation problem. */
    o->code = res->end == LH_RUN_NOT_STARTED ? LH_OCF_ERR_INSTALLED : LH_OCF_ERR_GENERIC;
    o->reason = lh_run_describe(res);
}

lh_member_outcome lh_lhost_run_member(lh_lhost *lhost, guint index, const char *action,
                                      gint64 timeout_ms, gint64 interval_ms)
{
    const lh_member *m = member_of(lhost, index);
    lh_member_outcome o = {m, action, LH_OCF_ERR_GENERIC, NULL, 0};
    g_autofree char *path = lh_agent_path(lhost->ocf_root, m->provider, m->type);
    const char *argv[] = {path, action, NULL};
    g_auto(GStrv) env = member_environment(lhost, m, timeout_ms, interval_ms);
    lh_run_result res = LH_RUN_RESULT_INIT;

    if (lhost->progress != NULL) {
        lhost->progress(lhost, index, action, NULL, lhost->progress_data);
    }
    lh_run(argv,
           &(lh_run_options){.envp = env, .deadline = lh_deadline_in_ms(timeout_ms + BACKSTOP_MS)},
           &res);
    outcome_from_run(&o, &res);
    o.elapsed_ms = res.elapsed_ms;
    lh_run_result_release(&res);
    if (lhost->progress != NULL) {
        lhost->progress(lhost, index, action, &o, lhost->progress_data);
    }
    return o;
}

void lh_member_outcome_release(lh_member_outcome *outcome)
{
    g_clear_pointer(&outcome->reason, g_free);
}

static lh_member_outcome run_action(lh_lhost *lhost, guint i, const char *action)
{
    return lh_lhost_run_member(lhost, i, action, lh_lhost_timeout_ms(lhost, i, action), 0);
}

/* "base (ocf:lhost:jp1base) returned OCF_ERR_GENERIC: why" */
static char *describe(const lh_member_outcome *o)
{
    return g_strdup_printf("%s (%s) %s returned %s%s%s", o->member->id, o->member->agent,
                           o->action, lh_ocf_code_name(o->code), o->reason ? ": " : "",
                           o->reason ? o->reason : "");
}

/* Stops members @from down to 0; returns the descriptions of those that failed. */
static GPtrArray *stop_down_from(lh_lhost *lhost, int from, gboolean forced)
{
    GPtrArray *failed = g_ptr_array_new_with_free_func(g_free);

    for (int i = from; i >= 0; i--) {
        gint64 timeout = lh_lhost_timeout_ms(lhost, (guint)i, "stop");
        lh_member_outcome o;

        if (forced) {
            timeout = MIN(timeout, lhost->def->policy.kill_timeout_ms);
        }
        o = lh_lhost_run_member(lhost, (guint)i, "stop", timeout, 0);
        if (o.code != LH_OCF_SUCCESS) {
            g_ptr_array_add(failed, describe(&o));
        }
        lh_member_outcome_release(&o);
    }
    return failed;
}

static char *join(GPtrArray *texts, const char *sep)
{
    char *joined;

    g_ptr_array_add(texts, NULL);
    joined = g_strjoinv(sep, (char **)texts->pdata);

    g_ptr_array_remove_index(texts, texts->len - 1);
    return joined;
}

/* A start failure keeps the failed member's own code when it says "this node
 * cannot run it" (not installed, not configured); everything else is a failure. */
static lh_ocf_code start_failure_code(lh_ocf_code member_code)
{
    switch (member_code) {
    case LH_OCF_ERR_INSTALLED:
    case LH_OCF_ERR_CONFIGURED:
    case LH_OCF_ERR_PERM:
        return member_code;
    default:
        return LH_OCF_ERR_GENERIC;
    }
}

lh_result lh_lhost_start(lh_lhost *lhost)
{
    for (guint i = 0; i < n_members(lhost); i++) {
        lh_member_outcome o = run_action(lhost, i, "start");
        g_autofree char *what = NULL;
        g_autoptr(GPtrArray) not_stopped = NULL;
        g_autofree char *left = NULL;
        lh_result r;

        if (o.code == LH_OCF_SUCCESS) {
            lh_member_outcome_release(&o);
            continue;
        }
        what = describe(&o);
        /* The failed member may have half-started: it is stopped too. */
        not_stopped = stop_down_from(lhost, (int)i, FALSE);
        left = join(not_stopped, "; ");
        r = lh_result_new(start_failure_code(o.code), "%s; %s", what,
                          not_stopped->len == 0 ? "the members started before it were stopped again"
                                                : left);
        lh_member_outcome_release(&o);
        return r;
    }
    return LH_RESULT_OK;
}

static lh_result stop_all(lh_lhost *lhost, gboolean forced)
{
    g_autoptr(GPtrArray) failed = stop_down_from(lhost, (int)n_members(lhost) - 1, forced);
    g_autofree char *what = NULL;

    if (failed->len == 0) {
        return LH_RESULT_OK;
    }
    what = join(failed, "; ");
    return lh_result_new(LH_OCF_ERR_GENERIC, "%u of %u members did not stop: %s", failed->len,
                         n_members(lhost), what);
}

lh_result lh_lhost_stop(lh_lhost *lhost)
{
    return stop_all(lhost, FALSE);
}

lh_result lh_lhost_kill(lh_lhost *lhost)
{
    return stop_all(lhost, TRUE);
}

static gboolean is_running(lh_ocf_code code)
{
    return code == LH_OCF_SUCCESS || code == LH_OCF_RUNNING_PROMOTED || code == LH_OCF_DEGRADED
           || code == LH_OCF_DEGRADED_PROMOTED;
}

/* Every member running: running (degraded when one is). None running and none
 * failed: not running. Anything else: a failure naming the members concerned. */
static lh_result aggregate(const lh_lhost *lhost, GArray *outcomes)
{
    guint running = 0, stopped = 0, degraded = 0;
    g_autoptr(GPtrArray) wrong = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *what = NULL;

    for (guint i = 0; i < outcomes->len; i++) {
        const lh_member_outcome *o = &g_array_index(outcomes, lh_member_outcome, i);

        running += is_running(o->code);
        degraded += o->code == LH_OCF_DEGRADED || o->code == LH_OCF_DEGRADED_PROMOTED;
        stopped += o->code == LH_OCF_NOT_RUNNING;
        if (o->code != LH_OCF_SUCCESS && o->code != LH_OCF_RUNNING_PROMOTED) {
            g_ptr_array_add(wrong, o->code == LH_OCF_NOT_RUNNING
                                       ? g_strdup_printf("%s not running", o->member->id)
                                       : describe(o));
        }
    }
    what = join(wrong, "; ");
    if (running == n_members(lhost) && degraded == 0) {
        return LH_RESULT_OK;
    }
    if (running == n_members(lhost)) {
        return lh_result_new(LH_OCF_DEGRADED, "%s", what);
    }
    if (stopped == n_members(lhost)) {
        return (lh_result){LH_OCF_NOT_RUNNING, NULL};
    }
    return lh_result_new(LH_OCF_ERR_GENERIC, "%u of %u members running: %s", running,
                         n_members(lhost), what);
}

lh_result lh_lhost_monitor(lh_lhost *lhost, gboolean probe, GArray *outcomes)
{
    g_autoptr(GArray) mine = g_array_new(FALSE, FALSE, sizeof(lh_member_outcome));
    lh_result r;

    for (guint i = 0; i < n_members(lhost); i++) {
        gint64 interval = probe ? 0 : lh_lhost_interval_ms(lhost, i, "monitor");
        lh_member_outcome o =
            lh_lhost_run_member(lhost, i, "monitor", lh_lhost_timeout_ms(lhost, i, "monitor"), interval);

        g_array_append_val(mine, o);
    }
    r = aggregate(lhost, mine);
    for (guint i = 0; i < mine->len; i++) {
        lh_member_outcome *o = &g_array_index(mine, lh_member_outcome, i);

        if (outcomes != NULL) {
            g_array_append_val(outcomes, *o);
        } else {
            lh_member_outcome_release(o);
        }
    }
    return r;
}
