/* check_attempts.c - lhost/attempts.h: an automatic recovery's attempt policy.
 *
 * The policy of Control-M's RECOVERT/RECOVERM (PRODUCTS.md section 3) as a record:
 * a loss, attempts one interval apart, at most MAX, then given up; the phase and the
 * peers' directive at each moment; the record through a real state file (a new
 * process, here a new load, goes on counting) and through its text form (what a peer
 * on another node reads from a node attribute).
 */
#include "config.h"

#include <lhost/attempts.h>
#include <lhost/state.h>

#include "check_common.h"

#define S 1000 /* ms */
#define T0 ((gint64)1796000000000) /* a wall-clock time in ms */

static const lh_attempts_policy every_10s_3_times = {"cf", 10 * S, 3};
static const lh_attempts_policy off = {"cf", 0, 3};

START_TEST(healthy_until_lost)
{
    lh_attempts a = LH_ATTEMPTS_INIT;

    ck_assert_int_eq(lh_attempts_phase_at(&a, &every_10s_3_times, T0), LH_ATTEMPTS_HEALTHY);
    ck_assert_int_eq(lh_attempts_next_ms(&a, &every_10s_3_times), 0);
    lh_attempts_mark_lost(&a, T0, "CF check failed");
    ck_assert_int_eq(lh_attempts_phase_at(&a, &every_10s_3_times, T0), LH_ATTEMPTS_WAITING);
    ck_assert_int_eq(lh_attempts_next_ms(&a, &every_10s_3_times), T0 + 10 * S);
    /* noticed again later: the loss keeps its first time */
    lh_attempts_mark_lost(&a, T0 + 5 * S, "again");
    ck_assert_int_eq(a.lost_ms, T0);
    ck_assert_str_eq(a.why, "CF check failed");
    lh_attempts_release(&a);
}
END_TEST

START_TEST(attempts_one_interval_apart_then_exhausted)
{
    lh_attempts a = LH_ATTEMPTS_INIT;
    const lh_attempts_policy *p = &every_10s_3_times;

    lh_attempts_mark_lost(&a, T0, NULL);
    ck_assert_int_eq(lh_attempts_phase_at(&a, p, T0 + 9999), LH_ATTEMPTS_WAITING);
    ck_assert_int_eq(lh_attempts_phase_at(&a, p, T0 + 10 * S), LH_ATTEMPTS_DUE);
    /* made late (the monitor came at 13 s): the next counts from when it was made */
    lh_attempts_record(&a, T0 + 13 * S, FALSE);
    ck_assert_int_eq(a.made, 1);
    ck_assert_int_eq(lh_attempts_next_ms(&a, p), T0 + 23 * S);
    ck_assert_int_eq(lh_attempts_phase_at(&a, p, T0 + 22 * S), LH_ATTEMPTS_WAITING);
    lh_attempts_record(&a, T0 + 23 * S, FALSE);
    lh_attempts_record(&a, T0 + 33 * S, FALSE);
    ck_assert_int_eq(lh_attempts_phase_at(&a, p, T0 + 33 * S), LH_ATTEMPTS_EXHAUSTED);
    ck_assert_int_eq(lh_attempts_phase_at(&a, p, T0 + 3600 * S), LH_ATTEMPTS_EXHAUSTED);
    ck_assert_int_eq(lh_attempts_next_ms(&a, p), 0);
    lh_attempts_release(&a);
}
END_TEST

START_TEST(success_ends_the_loss_and_the_count)
{
    lh_attempts a = LH_ATTEMPTS_INIT;

    lh_attempts_mark_lost(&a, T0, "CF lost");
    lh_attempts_record(&a, T0 + 10 * S, FALSE);
    lh_attempts_record(&a, T0 + 20 * S, TRUE);
    ck_assert_int_eq(lh_attempts_phase_at(&a, &every_10s_3_times, T0 + 20 * S),
                     LH_ATTEMPTS_HEALTHY);
    ck_assert_int_eq(a.made, 0);
    ck_assert_ptr_null(a.why);
    /* a later loss starts a new count */
    lh_attempts_mark_lost(&a, T0 + 100 * S, NULL);
    ck_assert_int_eq(a.made, 0);
    ck_assert_int_eq(lh_attempts_next_ms(&a, &every_10s_3_times), T0 + 110 * S);
    lh_attempts_release(&a);
}
END_TEST

START_TEST(recovery_off_waits_for_the_admin)
{
    lh_attempts a = LH_ATTEMPTS_INIT;

    lh_attempts_mark_lost(&a, T0, NULL);
    ck_assert_int_eq(lh_attempts_phase_at(&a, &off, T0 + 3600 * S), LH_ATTEMPTS_OFF);
    ck_assert_int_eq(lh_attempts_next_ms(&a, &off), 0);
    ck_assert_int_eq(lh_attempts_directive_of(LH_ATTEMPTS_OFF), LH_DIRECTIVE_PAUSE);
    lh_attempts_reset(&a); /* startplex */
    ck_assert_int_eq(lh_attempts_phase_at(&a, &off, T0), LH_ATTEMPTS_HEALTHY);
    lh_attempts_release(&a);
}
END_TEST

START_TEST(directives_degraded_codes_and_names)
{
    lh_attempts_directive d = LH_DIRECTIVE_RESUME;

    ck_assert_int_eq(lh_attempts_directive_of(LH_ATTEMPTS_HEALTHY), LH_DIRECTIVE_RESUME);
    ck_assert_int_eq(lh_attempts_directive_of(LH_ATTEMPTS_WAITING), LH_DIRECTIVE_PAUSE);
    ck_assert_int_eq(lh_attempts_directive_of(LH_ATTEMPTS_DUE), LH_DIRECTIVE_PAUSE);
    ck_assert_int_eq(lh_attempts_directive_of(LH_ATTEMPTS_EXHAUSTED), LH_DIRECTIVE_SHUTDOWN);
    ck_assert_int_eq(lh_attempts_degraded_code(TRUE), 191);
    ck_assert_int_eq(lh_attempts_degraded_code(FALSE), 190);
    ck_assert_str_eq(lh_attempts_phase_name(LH_ATTEMPTS_EXHAUSTED), "exhausted");
    ck_assert_str_eq(lh_attempts_directive_name(LH_DIRECTIVE_SHUTDOWN), "shutdown");
    ck_assert(lh_attempts_directive_parse("pause", &d));
    ck_assert_int_eq(d, LH_DIRECTIVE_PAUSE);
    ck_assert(!lh_attempts_directive_parse("Pause", &d));
    ck_assert(!lh_attempts_directive_parse("", &d));
    ck_assert(!lh_attempts_directive_parse(NULL, &d));
    ck_assert_int_eq(d, LH_DIRECTIVE_PAUSE);
}
END_TEST

/* A restarted agent: a new process loads the state file the last one saved. */
START_TEST(the_count_survives_in_the_state_file)
{
    g_autofree char *dir = lh_test_tmpdir();
    lh_state *state = lh_state_load(dir, "ctmplex", "plex");
    lh_attempts a = LH_ATTEMPTS_INIT;
    char *why = NULL;

    lh_attempts_mark_lost(&a, T0, "CF check: rc 3");
    lh_attempts_record(&a, T0 + 10 * S, FALSE);
    lh_attempts_store(state, &every_10s_3_times, &a);
    lh_state_set(state, "other", "kept");
    ck_assert(lh_state_save(state, &why));
    lh_state_free(state);
    lh_attempts_release(&a);

    state = lh_state_load(dir, "ctmplex", "plex");
    lh_attempts_load(state, &every_10s_3_times, &a);
    ck_assert_int_eq(a.lost_ms, T0);
    ck_assert_int_eq(a.made, 1);
    ck_assert_int_eq(a.last_ms, T0 + 10 * S);
    ck_assert_str_eq(a.why, "CF check: rc 3");
    /* healthy again: the keys go, the rest of the state stays */
    lh_attempts_record(&a, T0 + 20 * S, TRUE);
    lh_attempts_store(state, &every_10s_3_times, &a);
    ck_assert_ptr_null(lh_state_get(state, "cf_lost"));
    ck_assert_ptr_null(lh_state_get(state, "cf_made"));
    ck_assert_str_eq(lh_state_get(state, "other"), "kept");
    lh_state_free(state);
    lh_attempts_release(&a);
}
END_TEST

START_TEST(a_stale_count_without_a_loss_is_ignored)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autoptr(lh_state) state = lh_state_load(dir, "ctmplex", "plex");
    lh_attempts a = LH_ATTEMPTS_INIT;

    lh_state_set(state, "cf_made", "2");
    lh_state_set(state, "cf_lost", "garbage");
    lh_attempts_load(state, &every_10s_3_times, &a);
    ck_assert_int_eq(a.lost_ms, 0);
    ck_assert_int_eq(a.made, 0);
    ck_assert_int_eq(lh_attempts_phase_at(&a, &every_10s_3_times, T0), LH_ATTEMPTS_HEALTHY);
    lh_attempts_release(&a);
}
END_TEST

/* A peer on another node: the text a node attribute carries, both ways. */
START_TEST(text_form_round_trip)
{
    lh_attempts a = LH_ATTEMPTS_INIT, b = LH_ATTEMPTS_INIT;
    g_autofree char *text = NULL;

    lh_attempts_mark_lost(&a, T0, "CF lost: rc 3 (connect refused)");
    lh_attempts_record(&a, T0 + 10 * S, FALSE);
    text = lh_attempts_to_text(&a);
    ck_assert_str_eq(text, "lost=1796000000000 made=1 last=1796000010000 "
                           "why=CF lost: rc 3 (connect refused)");
    ck_assert(lh_attempts_from_text(text, &b));
    ck_assert_int_eq(b.lost_ms, a.lost_ms);
    ck_assert_int_eq(b.made, 1);
    ck_assert_int_eq(b.last_ms, a.last_ms);
    ck_assert_str_eq(b.why, a.why);
    lh_attempts_release(&a);
    lh_attempts_release(&b);
}
END_TEST

START_TEST(text_form_rejects_what_it_did_not_write)
{
    static const char *const bad[] = {
        "", "lost=1", "lost=1 made=2", "lost=1 made=2 last=3", "made=2 lost=1 last=3 why=",
        "lost=-1 made=2 last=3 why=", "lost=1 made=x last=3 why=", "lost=1  made=2 last=3 why=",
        "lost=1 made=99999999999 last=3 why=", "lost= made=2 last=3 why=",
    };
    lh_attempts a = LH_ATTEMPTS_INIT;

    lh_attempts_mark_lost(&a, T0, "kept");
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        ck_assert_msg(!lh_attempts_from_text(bad[i], &a), "accepted '%s'", bad[i]);
        ck_assert_int_eq(a.lost_ms, T0); /* untouched */
    }
    ck_assert(!lh_attempts_from_text(NULL, &a));
    ck_assert(lh_attempts_from_text("lost=0 made=0 last=0 why=", &a));
    ck_assert_int_eq(a.lost_ms, 0);
    lh_attempts_release(&a);
}
END_TEST

START_TEST(describe_says_where_it_stands)
{
    lh_attempts a = LH_ATTEMPTS_INIT;
    char *text = lh_attempts_describe(&a, &every_10s_3_times, T0);

    ck_assert_str_eq(text, "healthy");
    g_free(text);
    lh_attempts_mark_lost(&a, T0, "CF check failed");
    lh_attempts_record(&a, T0 + 10 * S, FALSE);
    text = lh_attempts_describe(&a, &every_10s_3_times, T0 + 12 * S);
    ck_assert_str_eq(text, "lost 12 s ago (CF check failed); attempt 1 of 3 failed 2 s ago; "
                           "next attempt in 8 s");
    g_free(text);
    lh_attempts_record(&a, T0 + 20 * S, FALSE);
    lh_attempts_record(&a, T0 + 30 * S, FALSE);
    text = lh_attempts_describe(&a, &every_10s_3_times, T0 + 30 * S);
    ck_assert(g_str_has_suffix(text, "attempt 3 of 3 failed 0 s ago; no attempt left: the "
                                     "admin recovers it"));
    g_free(text);
    text = lh_attempts_describe(&a, &off, T0 + 30 * S);
    ck_assert(g_str_has_suffix(text, "automatic recovery is off: the admin recovers it"));
    g_free(text);
    lh_attempts_release(&a);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("attempts");

    add_tcase(s, healthy_until_lost);
    add_tcase(s, attempts_one_interval_apart_then_exhausted);
    add_tcase(s, success_ends_the_loss_and_the_count);
    add_tcase(s, recovery_off_waits_for_the_admin);
    add_tcase(s, directives_degraded_codes_and_names);
    add_tcase(s, the_count_survives_in_the_state_file);
    add_tcase(s, a_stale_count_without_a_loss_is_ignored);
    add_tcase(s, text_form_round_trip);
    add_tcase(s, text_form_rejects_what_it_did_not_write);
    add_tcase(s, describe_says_where_it_stands);
    return lh_test_run_suite(s);
}
