/* check_deadline.c - lhost/deadline.h: the clock every wait of an action obeys.
 *
 * What a caller relies on: a deadline N ms ahead reports about N ms left and is not
 * passed until then; the sooner of two deadlines wins; a sleep is clamped to what is
 * left; the reporting margin follows its rule (a tenth, 750 ms..2 s, at most half);
 * and the operation deadline comes from OCF_RESKEY_CRM_meta_timeout when that is a
 * positive millisecond count, from the default otherwise, with a note saying why.
 */
#include "config.h"

#include <lhost/deadline.h>

#include "check_common.h"

/* Timing tolerance: a loaded build machine may stall a test for a while. */
#define SLACK_MS 200

START_TEST(deadline_remaining_counts_down)
{
    lh_deadline d = lh_deadline_in_ms(1000);
    gint64 left = lh_deadline_remaining_ms(d);

    ck_assert_int_le(left, 1000);
    ck_assert_int_ge(left, 1000 - SLACK_MS);
    ck_assert(!lh_deadline_passed(d));
    g_usleep(100 * 1000);
    ck_assert_int_le(lh_deadline_remaining_ms(d), 900);
}
END_TEST

START_TEST(deadline_passes_after_its_time)
{
    lh_deadline d = lh_deadline_in_ms(50);
    gint64 started = lh_test_now_ms();

    while (!lh_deadline_passed(d)) {
        ck_assert_int_lt(lh_test_now_ms() - started, 50 + SLACK_MS);
        g_usleep(1000);
    }
    ck_assert_int_ge(lh_test_now_ms() - started, 50);
    ck_assert_int_eq(lh_deadline_remaining_ms(d), 0);
}
END_TEST

START_TEST(deadline_zero_and_negative_are_already_passed)
{
    ck_assert(lh_deadline_passed(lh_deadline_in_ms(0)));
    ck_assert(lh_deadline_passed(lh_deadline_in_ms(-5000)));
    ck_assert_int_eq(lh_deadline_remaining_ms(lh_deadline_in_ms(-5000)), 0);
}
END_TEST

START_TEST(deadline_never_never_passes)
{
    lh_deadline huge = lh_deadline_in_ms(G_MAXINT64);

    ck_assert(!lh_deadline_passed(LH_DEADLINE_NEVER));
    ck_assert_int_gt(lh_deadline_remaining_ms(LH_DEADLINE_NEVER), (gint64)100 * 365 * 86400 * 1000);
    /* A duration too long to represent is "never", not a wrapped-around past. */
    ck_assert(!lh_deadline_passed(huge));
    ck_assert_int_gt(lh_deadline_remaining_ms(huge), (gint64)100 * 365 * 86400 * 1000);
}
END_TEST

START_TEST(deadline_min_is_the_sooner)
{
    lh_deadline near = lh_deadline_in_ms(100);
    lh_deadline far = lh_deadline_in_ms(100000);

    ck_assert_int_le(lh_deadline_remaining_ms(lh_deadline_min(near, far)), 100);
    ck_assert_int_le(lh_deadline_remaining_ms(lh_deadline_min(far, near)), 100);
    ck_assert_int_le(lh_deadline_remaining_ms(lh_deadline_min(LH_DEADLINE_NEVER, near)), 100);
    ck_assert_int_le(lh_deadline_remaining_ms(lh_deadline_min(near, LH_DEADLINE_NEVER)), 100);
    ck_assert(!lh_deadline_passed(lh_deadline_min(LH_DEADLINE_NEVER, LH_DEADLINE_NEVER)));
}
END_TEST

START_TEST(deadline_clamp_never_exceeds_what_is_left)
{
    lh_deadline d = lh_deadline_in_ms(300);
    gint64 clamped = lh_deadline_clamp_ms(d, 5000);

    ck_assert_int_le(clamped, 300);
    ck_assert_int_ge(clamped, 300 - SLACK_MS);
    /* A wish within the deadline is granted as it is. */
    ck_assert_int_eq(lh_deadline_clamp_ms(d, 10), 10);
    ck_assert_int_eq(lh_deadline_clamp_ms(d, 0), 0);
    /* Never a negative sleep. */
    ck_assert_int_eq(lh_deadline_clamp_ms(d, -20), 0);
    ck_assert_int_eq(lh_deadline_clamp_ms(lh_deadline_in_ms(0), 500), 0);
    ck_assert_int_eq(lh_deadline_clamp_ms(LH_DEADLINE_NEVER, 500), 500);
}
END_TEST

START_TEST(deadline_margin_follows_its_rule)
{
    static const struct {
        gint64 timeout_ms, margin_ms;
    } cases[] = {
        {20000, 2000},   /* a tenth */
        {10000, 1000},   /* a tenth */
        {7500, 750},     /* a tenth, exactly the floor */
        {5000, 750},     /* a tenth would be 500: raised to the floor, 750 ms */
        {3000, 750},     /* (a command's 500 ms grace period, 250 ms to report) */
        {2000, 750},
        {1600, 750},     /* 750 ms is still under half */
        {1500, 750},     /* exactly half */
        {600, 300},      /* 750 ms would be more than half */
        {500, 250},      /* half */
        {400, 200},      /* half */
        {100, 50},       /* half */
        {1, 0},          /* half of 1 ms */
        {0, 0},          /* nothing to keep */
        {20001, 2000},   /* a tenth, just over the cap */
        {600000, 2000},  /* capped at 2 s */
        {86400000, 2000},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        ck_assert_msg(lh_deadline_margin_ms(cases[i].timeout_ms) == cases[i].margin_ms,
                      "margin of %" G_GINT64_FORMAT " ms: expected %" G_GINT64_FORMAT
                      ", got %" G_GINT64_FORMAT,
                      cases[i].timeout_ms, cases[i].margin_ms,
                      lh_deadline_margin_ms(cases[i].timeout_ms));
    }
    /* The rule as properties, over a range of timeouts. */
    for (gint64 t = 0; t <= 40000; t += 7) {
        gint64 m = lh_deadline_margin_ms(t);

        ck_assert_int_le(m, t / 2);
        ck_assert_int_le(m, 2000);
        ck_assert_int_ge(m, MIN(LH_DEADLINE_MARGIN_MIN_MS, t / 2));
        ck_assert_int_ge(m, MIN(t / 10, 2000));
    }
}
END_TEST

/* The remaining time of an operation deadline, checked against @expected_ms. */
static void assert_operation_deadline(const char *meta_timeout, guint default_s,
                                      gint64 expected_ms, gboolean expect_note)
{
    char *note = NULL;
    lh_deadline d = lh_deadline_for_operation(meta_timeout, default_s, &note);
    gint64 left = lh_deadline_remaining_ms(d);

    ck_assert_msg(left <= expected_ms && left >= expected_ms - SLACK_MS,
                  "meta timeout '%s', default %u s: %" G_GINT64_FORMAT
                  " ms left, expected %" G_GINT64_FORMAT,
                  meta_timeout ? meta_timeout : "(unset)", default_s, left, expected_ms);
    if (expect_note) {
        ck_assert_msg(note != NULL, "no note for the unusable timeout '%s'", meta_timeout);
        /* The note names the bad value and the fallback used instead. */
        ck_assert_msg(strstr(note, meta_timeout) != NULL, "note '%s' does not quote '%s'", note,
                      meta_timeout);
        ck_assert_msg(strstr(note, "default") != NULL, "note '%s' does not mention the default",
                      note);
    } else {
        ck_assert_msg(note == NULL, "unexpected note for '%s': %s",
                      meta_timeout ? meta_timeout : "(unset)", note);
    }
    g_free(note);
}

START_TEST(deadline_operation_from_meta_timeout)
{
    /* 20 s given: 2 s kept to report, whatever the default. */
    assert_operation_deadline("20000", 60, 18000, FALSE);
    /* 1 s given: half kept (the 750 ms floor would be more). */
    assert_operation_deadline("1000", 60, 500, FALSE);
    /* 400 ms given: half kept. */
    assert_operation_deadline("400", 60, 200, FALSE);
    /* A huge but valid timeout does not wrap around into the past. */
    {
        char *note = NULL;
        lh_deadline d = lh_deadline_for_operation("9223372036854775807", 20, &note);

        ck_assert(!lh_deadline_passed(d));
        ck_assert_ptr_null(note);
    }
}
END_TEST

START_TEST(deadline_operation_unset_uses_default)
{
    /* Run by hand: no variable, no note. 20 s default: 18 s usable. */
    assert_operation_deadline(NULL, 20, 18000, FALSE);
    assert_operation_deadline(NULL, 5, 4250, FALSE); /* 750 ms kept: the floor */
}
END_TEST

START_TEST(deadline_operation_empty_is_unset)
{
    /* An empty value is an unset one, as an empty instance attribute is in a CIB. */
    assert_operation_deadline("", 20, 18000, FALSE);
}
END_TEST

START_TEST(deadline_operation_unusable_values_fall_back_with_a_note)
{
    static const char *const unusable[] = {
        "garbage", "20s", "20000ms", "12.5", "-1", "-20000", "0", "00",
        "99999999999999999999999", "0x400",
    };

    for (gsize i = 0; i < G_N_ELEMENTS(unusable); i++) {
        assert_operation_deadline(unusable[i], 20, 18000, TRUE);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("deadline");

    add_tcase(s, deadline_remaining_counts_down);
    add_tcase(s, deadline_passes_after_its_time);
    add_tcase(s, deadline_zero_and_negative_are_already_passed);
    add_tcase(s, deadline_never_never_passes);
    add_tcase(s, deadline_min_is_the_sooner);
    add_tcase(s, deadline_clamp_never_exceeds_what_is_left);
    add_tcase(s, deadline_margin_follows_its_rule);
    add_tcase(s, deadline_operation_from_meta_timeout);
    add_tcase(s, deadline_operation_unset_uses_default);
    add_tcase(s, deadline_operation_empty_is_unset);
    add_tcase(s, deadline_operation_unusable_values_fall_back_with_a_note);
    return lh_test_run_suite(s);
}
