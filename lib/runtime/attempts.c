/* attempts.c - an automatic recovery's attempts (lhost/attempts.h). */
#include "config.h"

#include <string.h>

#include <lhost/attempts.h>

static const char *const phase_names[] = {"healthy", "off", "waiting", "due", "exhausted"};
static const char *const directive_names[] = {"resume", "pause", "shutdown"};

static char *key(const lh_attempts_policy *policy, const char *what)
{
    return g_strdup_printf("%s_%s", policy->prefix, what);
}

void lh_attempts_release(lh_attempts *attempts)
{
    g_free(attempts->why);
    *attempts = (lh_attempts)LH_ATTEMPTS_INIT;
}

void lh_attempts_load(lh_state *state, const lh_attempts_policy *policy, lh_attempts *attempts)
{
    g_autofree char *lost = key(policy, "lost");
    g_autofree char *made = key(policy, "made");
    g_autofree char *last = key(policy, "last");
    g_autofree char *why = key(policy, "why");

    lh_attempts_release(attempts);
    attempts->lost_ms = MAX(lh_state_get_int(state, lost, 0), 0);
    if (attempts->lost_ms == 0) {
        return; /* healthy: whatever else is there is stale */
    }
    attempts->made = (int)CLAMP(lh_state_get_int(state, made, 0), 0, G_MAXINT);
    attempts->last_ms = MAX(lh_state_get_int(state, last, 0), 0);
    attempts->why = g_strdup(lh_state_get(state, why));
}

void lh_attempts_store(lh_state *state, const lh_attempts_policy *policy,
                       const lh_attempts *attempts)
{
    g_autofree char *lost = key(policy, "lost");
    g_autofree char *made = key(policy, "made");
    g_autofree char *last = key(policy, "last");
    g_autofree char *why = key(policy, "why");

    if (attempts->lost_ms == 0) {
        lh_state_remove(state, lost);
        lh_state_remove(state, made);
        lh_state_remove(state, last);
        lh_state_remove(state, why);
        return;
    }
    lh_state_set_int(state, lost, attempts->lost_ms);
    lh_state_set_int(state, made, attempts->made);
    lh_state_set_int(state, last, attempts->last_ms);
    if (attempts->why != NULL) {
        lh_state_set(state, why, attempts->why);
    } else {
        lh_state_remove(state, why);
    }
}

gint64 lh_attempts_next_ms(const lh_attempts *attempts, const lh_attempts_policy *policy)
{
    if (attempts->lost_ms == 0 || policy->interval_ms <= 0 || attempts->made >= policy->max) {
        return 0;
    }
    /* The first attempt comes one interval after the loss, as the product's does. */
    return (attempts->made == 0 ? attempts->lost_ms : attempts->last_ms) + policy->interval_ms;
}

lh_attempts_phase lh_attempts_phase_at(const lh_attempts *attempts,
                                       const lh_attempts_policy *policy, gint64 now_ms)
{
    gint64 next;

    if (attempts->lost_ms == 0) {
        return LH_ATTEMPTS_HEALTHY;
    }
    if (policy->interval_ms <= 0) {
        return LH_ATTEMPTS_OFF;
    }
    if (attempts->made >= policy->max) {
        return LH_ATTEMPTS_EXHAUSTED;
    }
    next = lh_attempts_next_ms(attempts, policy);
    return now_ms >= next ? LH_ATTEMPTS_DUE : LH_ATTEMPTS_WAITING;
}

void lh_attempts_mark_lost(lh_attempts *attempts, gint64 now_ms, const char *why)
{
    if (attempts->lost_ms != 0) {
        return;
    }
    attempts->lost_ms = MAX(now_ms, 1);
    attempts->made = 0;
    attempts->last_ms = 0;
    g_free(attempts->why);
    attempts->why = g_strdup(why);
}

void lh_attempts_record(lh_attempts *attempts, gint64 now_ms, gboolean succeeded)
{
    if (succeeded) {
        lh_attempts_reset(attempts);
        return;
    }
    if (attempts->lost_ms == 0) {
        attempts->lost_ms = MAX(now_ms, 1);
    }
    attempts->made = attempts->made < G_MAXINT ? attempts->made + 1 : G_MAXINT;
    attempts->last_ms = now_ms;
}

void lh_attempts_reset(lh_attempts *attempts)
{
    lh_attempts_release(attempts);
}

lh_attempts_directive lh_attempts_directive_of(lh_attempts_phase phase)
{
    switch (phase) {
    case LH_ATTEMPTS_HEALTHY:
        return LH_DIRECTIVE_RESUME;
    case LH_ATTEMPTS_EXHAUSTED:
        return LH_DIRECTIVE_SHUTDOWN;
    default: /* off, waiting, due: recovery may still come, by the agent or the admin */
        return LH_DIRECTIVE_PAUSE;
    }
}

const char *lh_attempts_phase_name(lh_attempts_phase phase)
{
    return (gsize)phase < G_N_ELEMENTS(phase_names) ? phase_names[phase] : "unknown";
}

const char *lh_attempts_directive_name(lh_attempts_directive directive)
{
    return (gsize)directive < G_N_ELEMENTS(directive_names) ? directive_names[directive]
                                                            : "unknown";
}

gboolean lh_attempts_directive_parse(const char *text, lh_attempts_directive *directive)
{
    for (gsize i = 0; text != NULL && i < G_N_ELEMENTS(directive_names); i++) {
        if (strcmp(text, directive_names[i]) == 0) {
            *directive = (lh_attempts_directive)i;
            return TRUE;
        }
    }
    return FALSE;
}

lh_ocf_code lh_attempts_degraded_code(gboolean promoted)
{
    return promoted ? LH_OCF_DEGRADED_PROMOTED : LH_OCF_DEGRADED;
}

char *lh_attempts_to_text(const lh_attempts *attempts)
{
    return g_strdup_printf("lost=%" G_GINT64_FORMAT " made=%d last=%" G_GINT64_FORMAT " why=%s",
                           attempts->lost_ms, attempts->made, attempts->last_ms,
                           attempts->why != NULL ? attempts->why : "");
}

/* "NAME=DIGITS" at *p, advancing past it and one space. */
static gboolean take_number(const char **p, const char *name, gint64 max, gint64 *value)
{
    gsize len = strlen(name);
    const char *start = *p + len + 1;
    const char *end = start;
    g_autofree char *digits = NULL;
    guint64 v;

    if (strncmp(*p, name, len) != 0 || (*p)[len] != '=') {
        return FALSE;
    }
    while (g_ascii_isdigit(*end)) {
        end++;
    }
    digits = g_strndup(start, (gsize)(end - start));
    if (*end != ' ' || !g_ascii_string_to_unsigned(digits, 10, 0, (guint64)max, &v, NULL)) {
        return FALSE;
    }
    *value = (gint64)v;
    *p = end + 1;
    return TRUE;
}

gboolean lh_attempts_from_text(const char *text, lh_attempts *attempts)
{
    const char *p = text;
    gint64 lost, made, last;

    if (text == NULL || !take_number(&p, "lost", G_MAXINT64, &lost) ||
        !take_number(&p, "made", G_MAXINT, &made) || !take_number(&p, "last", G_MAXINT64, &last) ||
        strncmp(p, "why=", 4) != 0) {
        return FALSE;
    }
    lh_attempts_release(attempts);
    if (lost == 0) {
        return TRUE; /* healthy: the rest means nothing */
    }
    attempts->lost_ms = lost;
    attempts->made = (int)made;
    attempts->last_ms = last;
    attempts->why = p[4] != '\0' ? g_strdup(p + 4) : NULL;
    return TRUE;
}

static gint64 seconds(gint64 ms)
{
    return ms > 0 ? (ms + 500) / 1000 : 0;
}

char *lh_attempts_describe(const lh_attempts *attempts, const lh_attempts_policy *policy,
                           gint64 now_ms)
{
    GString *text;
    gint64 next;

    if (attempts->lost_ms == 0) {
        return g_strdup("healthy");
    }
    text = g_string_new(NULL);
    g_string_append_printf(text, "lost %" G_GINT64_FORMAT " s ago", seconds(now_ms - attempts->lost_ms));
    if (attempts->why != NULL) {
        g_string_append_printf(text, " (%s)", attempts->why);
    }
    if (policy->interval_ms <= 0) {
        g_string_append(text, "; automatic recovery is off: the admin recovers it");
        return g_string_free(text, FALSE);
    }
    if (attempts->made > 0) {
        g_string_append_printf(text, "; attempt %d of %d failed %" G_GINT64_FORMAT " s ago",
                               attempts->made, policy->max,
                               seconds(now_ms - attempts->last_ms));
    }
    next = lh_attempts_next_ms(attempts, policy);
    if (next == 0) {
        g_string_append(text, "; no attempt left: the admin recovers it");
    } else {
        g_string_append_printf(text, "; next attempt in %" G_GINT64_FORMAT " s",
                               seconds(next - now_ms));
    }
    return g_string_free(text, FALSE);
}
