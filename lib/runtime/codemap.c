/* codemap.c - vendor return codes -> decisions -> what each context does. */
#include "config.h"

#include <lhost/codemap.h>

static const char *const decision_names[] = {
    [LH_DECIDE_NONE] = "(none)",      [LH_DECIDE_RUNNING] = "running",
    [LH_DECIDE_STOPPED] = "stopped",  [LH_DECIDE_PARTIAL] = "partial",
    [LH_DECIDE_RETRY] = "retry",      [LH_DECIDE_FAILED] = "failed",
    [LH_DECIDE_FAILOVER] = "failover", [LH_DECIDE_NOT_HERE] = "not-installed-here",
};

static const char *const context_names[] = {
    [LH_CONTEXT_MONITOR] = "monitor",
    [LH_CONTEXT_PROBE] = "probe",
    [LH_CONTEXT_START] = "start",
    [LH_CONTEXT_STOP] = "stop",
};

const char *lh_decision_name(lh_decision decision)
{
    return (gsize)decision < G_N_ELEMENTS(decision_names) ? decision_names[decision] : "?";
}

const char *lh_context_name(lh_context context)
{
    return (gsize)context < G_N_ELEMENTS(context_names) ? context_names[context] : "?";
}

/* Monitor and probe report what they see. "Failover" is a soft failure: the
 * cluster's policy (migration-threshold) decides between a restart in place and a
 * move, as the JP1 manuals want restarts left to the cluster software. "Not here"
 * is OCF_ERR_INSTALLED, a hard error: Pacemaker bans the resource from this node
 * and recovers it elsewhere without retrying here. A probe never reports a failure
 * for what it cannot find: a missing product on a node that does not run it is
 * simply "not running" there. */
static lh_verdict monitor_verdict(lh_decision decision, gboolean probe)
{
    lh_verdict v = {decision, NULL, TRUE, TRUE, LH_OCF_ERR_GENERIC};

    switch (decision) {
    case LH_DECIDE_RUNNING:
        v.code = LH_OCF_SUCCESS;
        break;
    case LH_DECIDE_STOPPED:
        v.code = LH_OCF_NOT_RUNNING;
        break;
    case LH_DECIDE_RETRY:
        v.settled = FALSE; /* the caller retries, then reports a failure */
        break;
    case LH_DECIDE_NOT_HERE:
        v.code = probe ? LH_OCF_NOT_RUNNING : LH_OCF_ERR_INSTALLED;
        break;
    default:
        break;
    }
    return v;
}

/* Start waits for "running"; only an installation problem ends it early, because
 * the start command's own return proves nothing and start-up goes on after it. */
static lh_verdict start_verdict(lh_decision decision)
{
    lh_verdict v = {decision, NULL, TRUE, FALSE, LH_OCF_ERR_GENERIC};

    if (decision == LH_DECIDE_RUNNING) {
        v.settled = TRUE;
        v.code = LH_OCF_SUCCESS;
    } else if (decision == LH_DECIDE_NOT_HERE) {
        v.settled = TRUE;
        v.code = LH_OCF_ERR_INSTALLED;
    }
    return v;
}

/* Stop is done when nothing runs; a product that cannot be installed here cannot
 * be running here either. Anything else: keep forcing until the deadline. */
static lh_verdict stop_verdict(lh_decision decision)
{
    lh_verdict v = {decision, NULL, TRUE, FALSE, LH_OCF_ERR_GENERIC};

    if (decision == LH_DECIDE_STOPPED || decision == LH_DECIDE_NOT_HERE) {
        v.settled = TRUE;
        v.code = LH_OCF_SUCCESS;
    }
    return v;
}

lh_verdict lh_decision_verdict(lh_decision decision, lh_context context)
{
    switch (context) {
    case LH_CONTEXT_START:
        return start_verdict(decision);
    case LH_CONTEXT_STOP:
        return stop_verdict(decision);
    case LH_CONTEXT_PROBE:
        return monitor_verdict(decision, TRUE);
    case LH_CONTEXT_MONITOR:
    default:
        return monitor_verdict(decision, FALSE);
    }
}

static const lh_code *find_row(const lh_codemap *map, int rc)
{
    for (gsize i = 0; i < map->n_codes; i++) {
        if (map->codes[i].rc == rc) {
            return &map->codes[i];
        }
    }
    return map->otherwise;
}

lh_verdict lh_codemap_decide(const lh_codemap *map, int rc, lh_context context,
                             gboolean shared_present)
{
    const lh_code *row = find_row(map, rc);
    lh_decision decision = LH_DECIDE_FAILED;
    lh_verdict v;

    if (row != NULL) {
        decision = row->decision;
        if (context == LH_CONTEXT_STOP && row->when_stopping != LH_DECIDE_NONE) {
            decision = row->when_stopping;
        }
        if (!shared_present && row->if_shared_absent != LH_DECIDE_NONE) {
            decision = row->if_shared_absent;
        }
    }
    v = lh_decision_verdict(decision, context);
    v.documented = row != NULL;
    v.meaning = row != NULL ? row->meaning : "undocumented return code";
    return v;
}

/* What a context does with a verdict, in a table cell. */
static const char *cell(lh_verdict v, lh_context context)
{
    if (context == LH_CONTEXT_START && !v.settled) {
        return "keep polling";
    }
    if (context == LH_CONTEXT_STOP && !v.settled) {
        return "force, recheck";
    }
    if (!v.settled) {
        return "retry, then OCF_ERR_GENERIC";
    }
    return lh_ocf_code_name(v.code);
}

static void append_row(GString *out, gboolean roff, const char *rc, const char *meaning,
                       lh_decision decision, lh_decision when_stopping)
{
    if (roff) {
        g_string_append_printf(out, "%s\t%s\t%s", rc, meaning, lh_decision_name(decision));
    } else {
        g_string_append_printf(out, "  %-4s %-58s %-18s", rc, meaning, lh_decision_name(decision));
    }
    for (int c = 0; c < LH_CONTEXT_COUNT; c++) {
        lh_decision d = c == LH_CONTEXT_STOP && when_stopping != LH_DECIDE_NONE ? when_stopping
                                                                                 : decision;
        const char *text = cell(lh_decision_verdict(d, (lh_context)c), (lh_context)c);

        g_string_append_printf(out, roff ? "\t%s" : " %-28s", text);
    }
    g_string_append_c(out, '\n');
}

char *lh_codemap_table(const lh_codemap *map, gboolean roff)
{
    GString *out = g_string_new(NULL);

    if (roff) {
        g_string_append(out, ".TS\nallbox tab(\t);\nl l l l l l l.\nrc\tmeaning\tdecision");
    } else {
        g_string_append_printf(out, "  %-4s %-58s %-18s", "rc", "meaning", "decision");
    }
    for (int c = 0; c < LH_CONTEXT_COUNT; c++) {
        g_string_append_printf(out, roff ? "\t%s" : " %-28s", lh_context_name((lh_context)c));
    }
    g_string_append_c(out, '\n');
    for (gsize i = 0; i < map->n_codes; i++) {
        const lh_code *row = &map->codes[i];
        g_autofree char *rc = g_strdup_printf("%d", row->rc);

        append_row(out, roff, rc, row->meaning, row->decision, row->when_stopping);
        if (row->if_shared_absent != LH_DECIDE_NONE) {
            g_autofree char *why = g_strdup_printf("%s, shared directory absent here",
                                                   row->meaning);

            append_row(out, roff, rc, why, row->if_shared_absent, LH_DECIDE_NONE);
        }
    }
    if (map->otherwise != NULL) {
        const lh_code *row = map->otherwise;
        g_autofree char *why = g_strdup_printf("any other code: %s", row->meaning);

        append_row(out, roff, "*", why, row->decision, row->when_stopping);
        if (row->if_shared_absent != LH_DECIDE_NONE) {
            g_autofree char *absent = g_strdup_printf("%s, shared directory absent here", why);

            append_row(out, roff, "*", absent, row->if_shared_absent, LH_DECIDE_NONE);
        }
    } else {
        append_row(out, roff, "*", "any other code: undocumented", LH_DECIDE_FAILED,
                   LH_DECIDE_NONE);
    }
    if (roff) {
        g_string_append(out, ".TE\n");
    }
    return g_string_free(out, FALSE);
}
