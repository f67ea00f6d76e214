/* iws_recovery.c - the corrupt-Symphony recovery and group-wide quiesce.
 *
 * The recovery is IBM's manual procedure (PRODUCTS.md section 2, nine steps) split
 * between the cluster's actions:
 *   old master, demote   shut down, the corrupt Symphony and Sinfonia renamed
 *                        (never deleted), its limit held (the previous one kept),
 *                        P-iws-recovery set so that the new master knows;  (step 3)
 *   old master, start    StartUp only: netman waits for the plan;          (step 5)
 *   new master, promote  switchmgr; limit of the old master 0; links checked; shut
 *                        down; Sinfonia kept as Sinfonia.orig and Symphony copied to
 *                        Sinfonia; StartUp, start; link the old master
 *                        (which sends it the plan);               (steps 1, 2, 4, 6, 8)
 *   old master, monitor  the plan received, of the new master's size; conman start;
 *                        the previous limit back; P-iws-recovery removed.  (steps 7, 9)
 * Each side records its step in the resource's state before the next, so an agent
 * killed in the middle resumes where it stopped. Switching back (step 9's switchmgr)
 * is the admin's choice: moving the promoted role.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <lhost/attr.h>
#include <lhost/log.h>
#include <lhost/poll.h>

#include "iws.h"

/* How long the new master waits for links before it goes on without them: a
 * backup that is down cannot link, and the procedure must not wait for it. */
#define IWS_LINK_CHECK_MS 5000

gboolean iws_recovering(iws *w)
{
    return lh_state_get(w->state, "recovery") != NULL;
}

static void set_attr(iws *w, const char *suffix, const char *value)
{
    g_autofree char *name = iws_attr_name(w, suffix);
    g_autofree char *why = NULL;
    gboolean ok = value != NULL ? lh_attr_set(w->op, name, value, NULL, LH_ATTR_REBOOT, &why)
                                : lh_attr_delete(w->op, name, NULL, LH_ATTR_REBOOT, &why);

    if (!ok) {
        lh_warn("cannot tell the cluster %s: %s", name, why);
    }
}

/* ---- the old master --------------------------------------------------------- */

void iws_recovery_announce(iws *w)
{
    set_attr(w, "iws-recovery", w->ws);
    iws_publish_score(w, -1, TRUE); /* no candidate while its plan is corrupt */
}

lh_result iws_recovery_set_aside(iws *w)
{
    g_autofree char *why = NULL;

    if (lh_state_get(w->state, "recovery") == NULL) {
        lh_err("the Symphony of %s is corrupt (AWSBHU001E): recovery begins. Events that "
               "were suspended on this master when it began are lost (IBM's procedure "
               "cannot keep them)",
               w->ws);
        lh_state_set(w->state, "recovery", "detected");
        (void)iws_limit_hold(w, "recovery", NULL, FALSE, &why);
        iws_save(w);
    }
    iws_recovery_announce(w);
    if (g_strcmp0(lh_state_get(w->state, "recovery"), "detected") == 0) {
        if (!iws_shutdown(w, &why)) {
            return lh_result_new(LH_OCF_ERR_GENERIC, "recovery: %s", why);
        }
        if (!iws_plan_set_aside(w, &why)) {
            return lh_result_new(LH_OCF_ERR_GENERIC, "recovery: %s", why);
        }
        lh_state_set(w->state, "recovery", "aside");
        iws_save(w);
        lh_info("recovery: %s shut down, its plan set aside; it waits for the new master's "
                "Symphony",
                w->ws);
    }
    return LH_RESULT_OK;
}

/* The new master's Symphony size, from its node's P-iws-size: found through the
 * node whose P-iws-ws names the master. -1 when not known. */
static gint64 master_size(iws *w, const char *master_ws)
{
    g_autofree char *ws_name = iws_attr_name(w, "iws-ws");
    g_autofree char *size_name = iws_attr_name(w, "iws-size");
    g_autoptr(GHashTable) wss = NULL;
    g_autoptr(GHashTable) sizes = NULL;
    g_autofree char *why = NULL;
    GHashTableIter iter;
    gpointer node, ws;
    gint64 size = -1;

    if (!lh_attr_get_all(w->op, ws_name, &wss, &why) ||
        !lh_attr_get_all(w->op, size_name, &sizes, &why)) {
        lh_warn("recovery: cannot read the master's plan size: %s", why);
        return -1;
    }
    g_hash_table_iter_init(&iter, wss);
    while (g_hash_table_iter_next(&iter, &node, &ws)) {
        const char *text = g_hash_table_lookup(sizes, node);

        if (g_ascii_strcasecmp(ws, master_ws) == 0 && text != NULL &&
            !g_ascii_string_to_signed(text, 10, 0, G_MAXINT64, &size, NULL)) {
            size = -1;
        }
    }
    return size;
}

/* The plan arrived and is the master's: TRUE. Else why not yet, in *waiting. */
static gboolean plan_received(iws *w, GPtrArray *cpus, char **waiting)
{
    const iws_cpu *master = iws_cpu_master(cpus);
    const iws_cpu *me = iws_cpu_find(cpus, w->ws);
    gint64 mine = iws_symphony_size(w), theirs;

    if (master == NULL || me == NULL || master == me) {
        *waiting = g_strdup("the switch to a new master has not happened yet");
        return FALSE;
    }
    if (mine < 0) {
        *waiting = g_strdup_printf("no Symphony from %s yet", master->name);
        return FALSE;
    }
    theirs = master_size(w, master->name);
    if (theirs != mine) {
        *waiting = g_strdup_printf("the Symphony is %" G_GINT64_FORMAT " bytes, %s's %" G_GINT64_FORMAT,
                                   mine, master->name, theirs);
        return FALSE;
    }
    return TRUE;
}

/* A backup's plan was set aside while another workstation is the master (a backup
 * restarted over a corrupt Symphony): no promotion will come, so the link is asked
 * for from here; the master sends its plan over it. */
static void ask_master_for_plan(iws *w, GPtrArray *cpus)
{
    const iws_cpu *master = iws_cpu_master(cpus);
    g_autofree char *command = NULL;
    iws_reply reply;

    if (master == NULL || master == iws_cpu_find(cpus, w->ws) || iws_cpu_has(master, 'L')) {
        return;
    }
    command = g_strdup_printf("link %s", master->name);
    iws_conman(w, command, &reply);
    if (!iws_reply_ok(&reply)) {
        g_autofree char *why = iws_reply_describe(&reply, command);

        lh_warn("recovery: %s", why);
    }
    iws_reply_release(&reply);
}

lh_result iws_recovery_continue(iws *w, GPtrArray *procs)
{
    g_autofree char *why = NULL;
    g_autoptr(GPtrArray) cpus = NULL;
    gboolean corrupt = FALSE;

    if (!iws_runs(procs, "netman")) {
        return lh_result_new(LH_OCF_ERR_GENERIC, "recovery: netman does not run, so the plan "
                                                 "cannot arrive");
    }
    cpus = iws_showcpus(w, &corrupt, &why);
    if (cpus == NULL) {
        return lh_result_new(LH_OCF_ERR_GENERIC, "recovery: %s", why);
    }
    if (g_strcmp0(lh_state_get(w->state, "recovery"), "aside") == 0) {
        ask_master_for_plan(w, cpus);
        if (!plan_received(w, cpus, &why)) {
            lh_debug("recovery: waiting: %s", why);
            return LH_RESULT_OK;
        }
        lh_info("recovery: Symphony received (%" G_GINT64_FORMAT " bytes, as on the master)",
                iws_symphony_size(w));
        lh_state_set(w->state, "recovery", "received");
        iws_save(w);
    }
    if (!iws_bring_up(w, TRUE, w->op->deadline, &why) ||
        !iws_limit_release(w, "recovery", &why)) {
        return lh_result_new(LH_OCF_ERR_GENERIC, "recovery: %s", why);
    }
    lh_state_set(w->state, "recovery", NULL);
    iws_save(w);
    set_attr(w, "iws-recovery", NULL);
    g_ptr_array_unref(cpus);
    cpus = iws_showcpus(w, &corrupt, &why);
    if (cpus != NULL) {
        iws_publish(w, cpus, iws_score(w, cpus), TRUE); /* a candidate again */
    }
    lh_info("recovery of %s ended: it runs as a backup with the master's plan, its limit "
            "given back; switching back to it is the admin's choice (move the promoted role)",
            w->ws);
    return LH_RESULT_OK;
}

/* ---- the new master ------------------------------------------------------------ */

/* Copies @from to @to through a temporary file, synced, then renamed. */
static gboolean copy_file(const char *from, const char *to, char **why)
{
    g_autofree char *tmp = g_strdup_printf("%s.lhost-tmp", to);
    char buf[65536];
    int in = open(from, O_RDONLY | O_CLOEXEC);
    int out = in < 0 ? -1 : open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    gboolean ok = in >= 0 && out >= 0;
    ssize_t n = 0;

    while (ok && (n = read(in, buf, sizeof(buf))) > 0) {
        ok = write(out, buf, (size_t)n) == n;
    }
    ok = ok && n == 0 && fsync(out) == 0;
    if (!ok) {
        *why = g_strdup_printf("cannot copy %s to %s: %s", from, to, g_strerror(errno));
    }
    if (out >= 0 && close(out) != 0 && ok) {
        ok = FALSE;
        *why = g_strdup_printf("cannot write %s: %s", tmp, g_strerror(errno));
    }
    if (in >= 0) {
        close(in);
    }
    if (ok && rename(tmp, to) != 0) {
        ok = FALSE;
        *why = g_strdup_printf("cannot rename %s: %s", tmp, g_strerror(errno));
    }
    if (!ok) {
        (void)unlink(tmp);
    }
    return ok;
}

/* Step 4's files: Sinfonia kept as Sinfonia.orig (an older .orig is kept too, with
 * its time), then Symphony copied to Sinfonia. */
static gboolean refresh_sinfonia(iws *w, char **why)
{
    g_autofree char *symphony = g_build_filename(w->tws_dir, "Symphony", NULL);
    g_autofree char *sinfonia = g_build_filename(w->tws_dir, "Sinfonia", NULL);
    g_autofree char *orig = g_build_filename(w->tws_dir, "Sinfonia.orig", NULL);

    if (g_file_test(orig, G_FILE_TEST_EXISTS)) {
        g_autofree char *kept = g_strdup_printf("%s-%" G_GINT64_FORMAT, orig,
                                                g_get_real_time() / G_USEC_PER_SEC);

        if (rename(orig, kept) != 0) {
            *why = g_strdup_printf("cannot rename %s: %s", orig, g_strerror(errno));
            return FALSE;
        }
    }
    if (rename(sinfonia, orig) != 0 && errno != ENOENT) {
        *why = g_strdup_printf("cannot rename %s to %s: %s", sinfonia, orig, g_strerror(errno));
        return FALSE;
    }
    return copy_file(symphony, sinfonia, why);
}

static gboolean old_limit_zero(iws *w, GPtrArray *cpus, gpointer old)
{
    const iws_cpu *cpu = iws_cpu_find(cpus, old);

    (void)w;
    return cpu != NULL && cpu->limit == 0;
}

static gboolean old_linked(iws *w, GPtrArray *cpus, gpointer old)
{
    (void)w;
    return iws_cpu_has(iws_cpu_find(cpus, old), 'L');
}

/* Every workstation but this one and @old linked. */
static gboolean others_linked(iws *w, GPtrArray *cpus, gpointer old)
{
    for (guint i = 0; i < cpus->len; i++) {
        const iws_cpu *cpu = cpus->pdata[i];

        if (g_ascii_strcasecmp(cpu->name, w->ws) != 0 &&
            g_ascii_strcasecmp(cpu->name, old) != 0 && !iws_cpu_has(cpu, 'L')) {
            return FALSE;
        }
    }
    return TRUE;
}

/* The new master links every workstation but the old one, which gets the plan only
 * once Sinfonia is refreshed (step 6). */
static void link_others(iws *w, const char *old)
{
    gboolean corrupt = FALSE;
    g_autofree char *why = NULL;
    g_autoptr(GPtrArray) cpus = iws_showcpus(w, &corrupt, &why);

    for (guint i = 0; cpus != NULL && i < cpus->len; i++) {
        const iws_cpu *cpu = cpus->pdata[i];
        g_autofree char *command = NULL;
        g_autofree char *failed = NULL;

        if (g_ascii_strcasecmp(cpu->name, w->ws) == 0 || g_ascii_strcasecmp(cpu->name, old) == 0 ||
            iws_cpu_has(cpu, 'L')) {
            continue;
        }
        command = g_strdup_printf("link %s", cpu->name);
        if (!iws_conman_ok(w, command, &failed)) {
            lh_warn("recovery: %s", failed);
        }
    }
}

/* One step of the new master's side; the steps, in order, are numbered from 1. */
static gboolean new_master_step(iws *w, int step, char *old, char **why)
{
    g_autofree char *command = NULL;

    switch (step) {
    case 1: /* procedure step 2: no job launches on the old master */
        command = g_strdup_printf("limit cpu=%s;0;noask", old);
        return iws_conman_ok(w, command, why) &&
               (iws_wait_cpus(w, lh_deadline_in_ms(IWS_LINK_CHECK_MS), old_limit_zero, old) ||
                (*why = g_strdup_printf("showcpus never showed %s's limit at 0", old), FALSE));
    case 2: /* step 4: linked to all but the old master (a backup that is down cannot be) */
        link_others(w, old);
        if (!iws_wait_cpus(w, lh_deadline_in_ms(IWS_LINK_CHECK_MS), others_linked, old)) {
            lh_warn("recovery: not every workstation is linked to %s; going on (IBM's step 4 "
                    "checks it; a workstation that is down links again when it returns)",
                    w->ws);
        }
        return TRUE;
    case 3:
        return iws_shutdown(w, why);
    case 4:
        return refresh_sinfonia(w, why);
    case 5: /* step 6 */
        return iws_bring_up(w, TRUE, w->op->deadline, why);
    case 6: /* linking the old master sends it the plan */
        command = g_strdup_printf("link %s", old);
        return iws_conman_ok(w, command, why) && iws_conman_ok(w, "link @", why);
    default: /* step 8: seen linked; the old master's monitor finishes its side */
        if (!iws_wait_cpus(w, lh_deadline_in_ms((gint64)w->cfg->switch_settle * 1000 + 5000),
                           old_linked, old)) {
            lh_warn("recovery: %s is not linked yet; its own monitor ends the recovery when "
                    "the plan arrives",
                    old);
        }
        return TRUE;
    }
}

static const char *const new_master_steps[] = {
    "old master's limit 0", "links checked", "shut down", "Sinfonia kept and refreshed",
    "started", "old master linked", "old master seen linked",
};

static lh_result recover_peer(iws *w, const char *old)
{
    int done = 0;

    if (g_strcmp0(lh_state_get(w->state, "newmaster_for"), old) == 0) {
        done = (int)lh_state_get_int(w->state, "newmaster_step", 0);
        if (done > 0) {
            lh_info("recovery of %s: resuming after step %d (%s)", old, done,
                    new_master_steps[done - 1]);
        }
    }
    lh_state_set(w->state, "newmaster_for", old);
    for (int step = done + 1; step <= (int)G_N_ELEMENTS(new_master_steps); step++) {
        g_autofree char *why = NULL;

        if (!new_master_step(w, step, (char *)old, &why)) {
            iws_save(w);
            return lh_result_new(LH_OCF_ERR_GENERIC, "recovery of %s, step '%s': %s", old,
                                 new_master_steps[step - 1], why);
        }
        lh_info("recovery of %s: %s", old, new_master_steps[step - 1]);
        lh_state_set_int(w->state, "newmaster_step", step);
        iws_save(w);
    }
    lh_state_set(w->state, "newmaster_for", NULL);
    lh_state_set(w->state, "newmaster_step", NULL);
    iws_save(w);
    return LH_RESULT_OK;
}

static gboolean recovering_contains(GHashTable *recovering, const char *ws)
{
    GHashTableIter iter;
    gpointer node, value;

    g_hash_table_iter_init(&iter, recovering);
    while (g_hash_table_iter_next(&iter, &node, &value)) {
        if (g_ascii_strcasecmp(value, ws) == 0) {
            return TRUE;
        }
    }
    return FALSE;
}

lh_result iws_recovery_new_master(iws *w)
{
    g_autofree char *name = iws_attr_name(w, "iws-recovery");
    g_autoptr(GHashTable) recovering = NULL;
    g_autofree char *why = NULL;
    GHashTableIter iter;
    gpointer node, old;

    if (!lh_attr_get_all(w->op, name, &recovering, &why)) {
        lh_warn("cannot read which workstations recover their plan: %s", why);
        return LH_RESULT_OK;
    }
    /* A recovery recorded here whose old master no longer recovers is over. */
    if (lh_state_get(w->state, "newmaster_for") != NULL &&
        !recovering_contains(recovering, lh_state_get(w->state, "newmaster_for"))) {
        lh_state_set(w->state, "newmaster_for", NULL);
        lh_state_set(w->state, "newmaster_step", NULL);
        iws_save(w);
    }
    g_hash_table_iter_init(&iter, recovering);
    while (g_hash_table_iter_next(&iter, &node, &old)) {
        lh_result r;

        if (g_ascii_strcasecmp(old, w->ws) == 0) {
            continue;
        }
        r = recover_peer(w, old);
        if (r.code != LH_OCF_SUCCESS) {
            return r;
        }
    }
    return LH_RESULT_OK;
}

/* ---- group-wide quiesce --------------------------------------------------------- */

static char *running_jobs(iws *w, char **why)
{
    iws_reply reply;
    char *jobs = NULL;

    iws_conman(w, "sj", &reply);
    if (iws_reply_ok(&reply)) {
        g_auto(GStrv) list = iws_parse_running_jobs(reply.run.out != NULL ? reply.run.out->str
                                                                          : "");

        jobs = g_strjoinv(",", list);
    } else {
        *why = iws_reply_describe(&reply, "sj");
    }
    iws_reply_release(&reply);
    return jobs;
}

/* The answer to "quiesce ID" or "resume ID". */
static char *answer(iws *w, gboolean quiesce, const char *id, GPtrArray *cpus)
{
    g_autofree char *why = NULL;
    g_autofree char *jobs = NULL;

    if (!quiesce) {
        if (iws_limit_held_by(w, "quiesce") && !iws_limit_release(w, "quiesce", &why)) {
            return g_strdup_printf("%s failed %s", id, why);
        }
        return g_strdup_printf("%s resumed", id);
    }
    if (!iws_limit_hold(w, "quiesce", cpus, TRUE, &why)) {
        return g_strdup_printf("%s failed %s", id, why);
    }
    jobs = running_jobs(w, &why);
    if (jobs == NULL) {
        return g_strdup_printf("%s failed %s", id, why);
    }
    return *jobs == '\0' ? g_strdup_printf("%s quiesced", id)
                         : g_strdup_printf("%s pending %s", id, jobs);
}

static gboolean valid_request_id(const char *id)
{
    size_t len = strlen(id);

    return len > 0 && len <= 64 && strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                              "0123456789._-") == len;
}

void iws_quiesce_serve(iws *w, GPtrArray *cpus)
{
    g_autofree char *name = iws_attr_name(w, "quiesce");
    g_autofree char *request = NULL;
    g_autofree char *why = NULL;
    g_autofree char *reply = NULL;
    g_auto(GStrv) words = NULL;
    const char *told = lh_state_get(w->state, "told_quiesce");

    if (!lh_attr_get(w->op, name, NULL, LH_ATTR_REBOOT, &request, &why) || request == NULL) {
        return;
    }
    words = g_strsplit(request, " ", 3);
    if (g_strv_length(words) != 2 || !valid_request_id(words[1]) ||
        (strcmp(words[0], "quiesce") != 0 && strcmp(words[0], "resume") != 0)) {
        lh_debug("ignoring the request '%s' in %s", request, name);
        return;
    }
    /* A final answer to this very request stands; a pending one is looked at again. */
    if (told != NULL && g_str_has_prefix(told, words[1]) && told[strlen(words[1])] == ' ' &&
        (g_str_has_suffix(told, " quiesced") || g_str_has_suffix(told, " resumed"))) {
        return;
    }
    reply = answer(w, strcmp(words[0], "quiesce") == 0, words[1], cpus);
    if (g_strcmp0(reply, told) != 0) {
        g_autofree char *state_name = iws_attr_name(w, "quiesce-state");
        g_autofree char *fail = NULL;

        lh_info("%s: %s", request, reply);
        if (!lh_attr_set(w->op, state_name, reply, NULL, LH_ATTR_REBOOT, &fail)) {
            lh_warn("cannot answer %s: %s", request, fail);
            return;
        }
        lh_state_set(w->state, "told_quiesce", reply);
        iws_save(w);
    }
}
