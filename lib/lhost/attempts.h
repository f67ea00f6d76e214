/* lhost/attempts.h - an automatic recovery's attempts, kept in the resource's state.
 *
 * Some products recover a lost facility by themselves: Control-M's Global monitor
 * rebuilds a lost Coupling Facility every RECOVERT seconds, at most RECOVERM times,
 * then gives up until an admin acts (PRODUCTS.md section 3). An agent that automates
 * such a setting keeps the record here, not in its own code:
 *   - when the loss began and why, how many attempts were made, when the last one;
 *   - the phase that follows from it at a given time: healthy, waiting for the next
 *     attempt, an attempt due, exhausted, or "off" (automatic recovery disabled: the
 *     admin's move);
 *   - what the peers are told in each phase (resume, pause, shut down), and the OCF
 *     code a degraded instance reports (190, or 191 when promoted).
 * The record lives in lhost/state.h under a prefix of the agent's, so a restarted
 * agent goes on counting; its one-line text form is what an agent mirrors into a node
 * attribute, so that a peer taking over on another node goes on counting too. Times
 * are wall-clock milliseconds (the record crosses processes and nodes, which share no
 * other clock); the caller passes "now", which keeps the policy testable.
 */
#ifndef LHOST_ATTEMPTS_H
#define LHOST_ATTEMPTS_H

#include <glib.h>

#include <lhost/ocf.h>
#include <lhost/state.h>

G_BEGIN_DECLS

typedef struct lh_attempts_policy {
    const char *prefix;  /* the state keys: PREFIX_lost, PREFIX_made, ... */
    gint64 interval_ms;  /* between attempts; 0: automatic recovery off */
    int max;             /* attempts at most (>= 1 when interval_ms > 0) */
} lh_attempts_policy;

typedef enum lh_attempts_phase {
    LH_ATTEMPTS_HEALTHY,   /* nothing lost */
    LH_ATTEMPTS_OFF,       /* lost, automatic recovery off: waits for the admin */
    LH_ATTEMPTS_WAITING,   /* lost, the next attempt not due yet */
    LH_ATTEMPTS_DUE,       /* lost, an attempt due now */
    LH_ATTEMPTS_EXHAUSTED, /* lost, every attempt made and failed */
} lh_attempts_phase;

/* What peers are told to do in each phase. */
typedef enum lh_attempts_directive {
    LH_DIRECTIVE_RESUME,   /* healthy: run normally */
    LH_DIRECTIVE_PAUSE,    /* lost, recovery may still come: pause, report degraded */
    LH_DIRECTIVE_SHUTDOWN, /* given up: stop and stay down until the admin acts */
} lh_attempts_directive;

typedef struct lh_attempts {
    gint64 lost_ms; /* when the loss was noticed; 0: healthy */
    int made;       /* attempts made since */
    gint64 last_ms; /* when the last attempt was made; 0: none */
    char *why;      /* what was lost, for messages (owned; may be NULL) */
} lh_attempts;

#define LH_ATTEMPTS_INIT {0, 0, 0, NULL}

/* The record under @policy->prefix in @state (a healthy one when absent or unusable). */
void lh_attempts_load(lh_state *state, const lh_attempts_policy *policy, lh_attempts *attempts);
/* Writes it back (a healthy record removes the keys); the caller saves the state. */
void lh_attempts_store(lh_state *state, const lh_attempts_policy *policy,
                       const lh_attempts *attempts);
void lh_attempts_release(lh_attempts *attempts);

lh_attempts_phase lh_attempts_phase_at(const lh_attempts *attempts,
                                       const lh_attempts_policy *policy, gint64 now_ms);
/* When the next attempt is due (wall ms), 0 when none will be. */
gint64 lh_attempts_next_ms(const lh_attempts *attempts, const lh_attempts_policy *policy);

/* The loss noticed at @now_ms (nothing changes when it is already lost). */
void lh_attempts_mark_lost(lh_attempts *attempts, gint64 now_ms, const char *why);
/* An attempt made at @now_ms: success ends the loss, failure counts. */
void lh_attempts_record(lh_attempts *attempts, gint64 now_ms, gboolean succeeded);
/* The admin recovered it by hand: healthy, the count forgotten. */
void lh_attempts_reset(lh_attempts *attempts);

lh_attempts_directive lh_attempts_directive_of(lh_attempts_phase phase);
/* "healthy", "off", ..., and "resume", "pause", "shutdown": the words of the text
 * forms and of node attributes. */
const char *lh_attempts_phase_name(lh_attempts_phase phase);
const char *lh_attempts_directive_name(lh_attempts_directive directive);
/* The directive a word names; FALSE when it names none. */
gboolean lh_attempts_directive_parse(const char *text, lh_attempts_directive *directive);
/* 191 (OCF_DEGRADED_PROMOTED) for a promoted instance, else 190 (OCF_DEGRADED). */
lh_ocf_code lh_attempts_degraded_code(gboolean promoted);

/* "lost=MS made=N last=MS why=TEXT" (why last, it may hold spaces) and back; the
 * parse is FALSE, with @attempts untouched, on anything else. */
char *lh_attempts_to_text(const lh_attempts *attempts);
gboolean lh_attempts_from_text(const char *text, lh_attempts *attempts);
/* "lost 42 s ago (CF check failed); attempt 2 of 3 failed 10 s ago; next in 20 s",
 * for exit reasons and logs (the caller's to free). */
char *lh_attempts_describe(const lh_attempts *attempts, const lh_attempts_policy *policy,
                           gint64 now_ms);

G_END_DECLS

#endif
