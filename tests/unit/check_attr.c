/* check_attr.c - lhost/attr.h: node attributes and promotion scores.
 *
 * The real attrd_updater and crm_attribute need a running cluster; here fakes of the
 * same names come first on the PATH of the operation's environment. Each records its
 * argv (NUL-separated, the name without its directory) in $FAKE_LOG, prints $FAKE_OUT
 * and $FAKE_ERR and exits $FAKE_RC, or hangs with $FAKE_HANG. The tests assert the
 * exact argv (so that no shell was in between: values full of shell syntax arrive
 * intact), the parsing of the tools' answers, the reasons given for failures, and that
 * a hanging tool ends at the operation's deadline.
 */
#include "config.h"

#include <lhost/attr.h>
#include <lhost/ocf.h>
#include <lhost/run.h>

#include "check_common.h"

#define FAKE_TOOL                                                   \
    "for a in \"${0##*/}\" \"$@\"; do printf '%s\\0' \"$a\"; done > \"$FAKE_LOG\"\n" \
    "[ -n \"$FAKE_HANG\" ] && exec sleep 30\n"                      \
    "printf '%s' \"$FAKE_OUT\"\n"                                   \
    "[ -n \"$FAKE_ERR\" ] && printf '%s\\n' \"$FAKE_ERR\" >&2\n"    \
    "exit ${FAKE_RC:-0}\n"

/* A test's world: the fakes' directory, the log, and the operation that runs them. */
typedef struct fake {
    char *dir;
    char *log;
    GStrv envp;
    lh_op op;
} fake;

/* @vars: extra "NAME=value" entries for the environment, NULL-terminated. */
static void fake_init(fake *f, const char *const *vars)
{
    GPtrArray *env = g_ptr_array_new();

    f->dir = lh_test_tmpdir();
    f->log = g_build_filename(f->dir, "argv", NULL);
    g_free(lh_test_write_script(f->dir, "attrd_updater", FAKE_TOOL));
    g_free(lh_test_write_script(f->dir, "crm_attribute", FAKE_TOOL));
    g_ptr_array_add(env, g_strdup_printf("PATH=%s:/usr/bin:/bin", f->dir));
    g_ptr_array_add(env, g_strdup_printf("FAKE_LOG=%s", f->log));
    for (gsize i = 0; vars != NULL && vars[i] != NULL; i++) {
        g_ptr_array_add(env, g_strdup(vars[i]));
    }
    g_ptr_array_add(env, NULL);
    f->envp = (GStrv)g_ptr_array_free(env, FALSE);
    f->op = (lh_op){.action = "promote", .resource = "rsc",
                    .deadline = lh_deadline_in_ms(5000), .envp = f->envp};
}

static void fake_release(fake *f)
{
    g_strfreev(f->envp);
    g_free(f->log);
    g_free(f->dir);
}

/* The argv the fake was run with, words separated by '|' ("" when it did not run). */
static char *fake_argv(const fake *f)
{
    gchar *text = NULL;
    gsize len = 0;

    if (!g_file_get_contents(f->log, &text, &len, NULL)) {
        return g_strdup("");
    }
    for (gsize i = 0; i < len; i++) {
        if (text[i] == '\0') {
            text[i] = '|';
        }
    }
    return text;
}

#define assert_argv(f, expected)                 \
    do {                                         \
        g_autofree char *argv_ = fake_argv(f);   \
        ck_assert_str_eq(argv_, expected);       \
    } while (0)

START_TEST(set_transient)
{
    fake f;
    char *why = NULL;

    fake_init(&f, NULL);
    ck_assert(lh_attr_set(&f.op, "lh-state", "ok", NULL, LH_ATTR_REBOOT, &why));
    ck_assert_ptr_null(why);
    assert_argv(&f, "attrd_updater|-n|lh-state|-U|ok|");
    ck_assert(lh_attr_set(&f.op, "lh-state", "ok", "node2", LH_ATTR_REBOOT, &why));
    assert_argv(&f, "attrd_updater|-n|lh-state|-U|ok|-N|node2|");
    fake_release(&f);
}
END_TEST

START_TEST(set_permanent)
{
    fake f;
    char *why = NULL;

    fake_init(&f, NULL);
    ck_assert(lh_attr_set(&f.op, "site", "east", "node2", LH_ATTR_FOREVER, &why));
    assert_argv(&f, "crm_attribute|-t|nodes|-N|node2|-n|site|-l|forever|-v|east|");
    ck_assert(lh_attr_set(&f.op, "site", "east", NULL, LH_ATTR_FOREVER, &why));
    assert_argv(&f, "crm_attribute|-t|nodes|-n|site|-l|forever|-v|east|");
    ck_assert_ptr_null(why);
    fake_release(&f);
}
END_TEST

START_TEST(delete_both_lifetimes)
{
    fake f;
    char *why = NULL;

    fake_init(&f, NULL);
    ck_assert(lh_attr_delete(&f.op, "lh-state", NULL, LH_ATTR_REBOOT, &why));
    assert_argv(&f, "attrd_updater|-n|lh-state|-D|");
    ck_assert(lh_attr_delete(&f.op, "lh-state", "node3", LH_ATTR_REBOOT, &why));
    assert_argv(&f, "attrd_updater|-n|lh-state|-D|-N|node3|");
    ck_assert(lh_attr_delete(&f.op, "site", "node3", LH_ATTR_FOREVER, &why));
    assert_argv(&f, "crm_attribute|-t|nodes|-N|node3|-n|site|-l|forever|-D|");
    ck_assert_ptr_null(why);
    fake_release(&f);
}
END_TEST

/* No shell: what would be syntax to one is a plain word to the tool. */
START_TEST(values_are_words_not_shell)
{
    fake f;
    char *why = NULL;
    g_autofree char *marker = NULL;

    fake_init(&f, NULL);
    marker = g_build_filename(f.dir, "pwned", NULL);
    {
        g_autofree char *value = g_strdup_printf("$(touch %s); `x` | & > *", marker);

        ck_assert(lh_attr_set(&f.op, "a b", value, "n 1", LH_ATTR_REBOOT, &why));
        {
            g_autofree char *expected
                = g_strdup_printf("attrd_updater|-n|a b|-U|%s|-N|n 1|", value);

            assert_argv(&f, expected);
        }
    }
    ck_assert(!g_file_test(marker, G_FILE_TEST_EXISTS));
    fake_release(&f);
}
END_TEST

/* Runs lh_attr_get with the fake answering @out and @rc. */
static gboolean get_with(const char *out, const char *rc, lh_attr_lifetime lifetime,
                         const char *node, char **value, char **why, char **argv)
{
    g_autofree char *out_var = g_strdup_printf("FAKE_OUT=%s", out);
    g_autofree char *rc_var = g_strdup_printf("FAKE_RC=%s", rc);
    const char *vars[] = {out_var, rc_var, NULL};
    fake f;
    gboolean ok;

    fake_init(&f, vars);
    ok = lh_attr_get(&f.op, "lh-state", node, lifetime, value, why);
    *argv = fake_argv(&f);
    fake_release(&f);
    return ok;
}

START_TEST(get_transient_parses_attrd_output)
{
    static const struct {
        const char *out, *rc, *want;
    } cases[] = {
        {"name=\"lh-state\" host=\"node1\" value=\"ok\"\n", "0", "ok"},
        {"name=\"lh-state\" host=\"node1\" value=\"two words\"\n", "0", "two words"},
        {"name=\"lh-state\" host=\"node1\" value=\"say \"hi\"\"\n", "0", "say \"hi\""},
        {"  name=\"lh-state\" host=\"node1\" value=\"ok\"", "0", "ok"},
        {"name=\"lh-state\" host=\"node1\" value=\"\"\n", "0", NULL}, /* deleted */
        {"", "105", NULL},                                              /* never set */
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *value = NULL, *argv = NULL;
        char *why = NULL;

        ck_assert_msg(get_with(cases[i].out, cases[i].rc, LH_ATTR_REBOOT, NULL, &value, &why,
                               &argv),
                      "case %zu: %s", i, why);
        ck_assert_ptr_null(why);
        ck_assert_str_eq(argv, "attrd_updater|-Q|-n|lh-state|");
        if (cases[i].want == NULL) {
            ck_assert_msg(value == NULL, "case %zu: '%s'", i, value);
        } else {
            ck_assert_str_eq(value, cases[i].want);
        }
    }
}
END_TEST

START_TEST(get_transient_of_a_node_and_bad_output)
{
    g_autofree char *value = NULL, *argv = NULL, *argv2 = NULL;
    g_autofree char *why = NULL;

    ck_assert(get_with("name=\"lh-state\" host=\"n2\" value=\"1\"\n", "0", LH_ATTR_REBOOT,
                       "n2", &value, &why, &argv));
    ck_assert_str_eq(argv, "attrd_updater|-Q|-n|lh-state|-N|n2|");
    ck_assert_str_eq(value, "1");
    g_clear_pointer(&value, g_free);
    ck_assert(!get_with("something else\n", "0", LH_ATTR_REBOOT, NULL, &value, &why, &argv2));
    ck_assert_ptr_null(value);
    ck_assert_str_eq(why, "attrd_updater -Q -n lh-state printed no value=\"...\": "
                          "'something else'");
}
END_TEST

/* Attrd of Pacemaker 2.1 on a query of an attribute it has no value of. */
#define ATTRD_NO_VALUE "attrd_updater: Could not query value of lh-state: attribute does not exist"

START_TEST(get_transient_not_set_in_pacemaker_2_1)
{
    const char *vars[] = {"FAKE_RC=78", "FAKE_ERR=" ATTRD_NO_VALUE, NULL};
    fake f;
    g_autofree char *value = NULL;
    char *why = NULL;

    fake_init(&f, vars);
    ck_assert_msg(lh_attr_get(&f.op, "lh-state", NULL, LH_ATTR_REBOOT, &value, &why), "%s", why);
    ck_assert_ptr_null(why);
    ck_assert_ptr_null(value);
    fake_release(&f);
}
END_TEST

/* Runs lh_attr_get_all with the fake answering @out, @err and @rc. */
static gboolean get_all_with(const char *out, const char *err, const char *rc,
                             GHashTable **values, char **why, char **argv)
{
    g_autofree char *out_var = g_strdup_printf("FAKE_OUT=%s", out);
    g_autofree char *err_var = g_strdup_printf("FAKE_ERR=%s", err);
    g_autofree char *rc_var = g_strdup_printf("FAKE_RC=%s", rc);
    const char *vars[] = {out_var, err_var, rc_var, NULL};
    fake f;
    gboolean ok;

    fake_init(&f, vars);
    ok = lh_attr_get_all(&f.op, "lh-state", values, why);
    *argv = fake_argv(&f);
    fake_release(&f);
    return ok;
}

START_TEST(get_all_parses_every_node)
{
    GHashTable *values = NULL;
    g_autofree char *argv = NULL;
    char *why = NULL;

    ck_assert_msg(get_all_with("name=\"lh-state\" host=\"node1\" value=\"ok\"\n"
                               "name=\"lh-state\" host=\"node2\" value=\"two words \"\n"
                               "name=\"lh-state\" host=\"node3\" value=\"\"\n"
                               "  name=\"lh-state\" host=\"node4\" value=\"say \"hi\" x=\"1\"\"\n"
                               "\n",
                               "", "0", &values, &why, &argv),
                  "%s", why);
    ck_assert_ptr_null(why);
    ck_assert_str_eq(argv, "attrd_updater|-Q|-A|-n|lh-state|");
    ck_assert_uint_eq(g_hash_table_size(values), 3); /* node3's is empty: left out */
    ck_assert_str_eq(g_hash_table_lookup(values, "node1"), "ok");
    ck_assert_str_eq(g_hash_table_lookup(values, "node2"), "two words ");
    ck_assert_str_eq(g_hash_table_lookup(values, "node4"), "say \"hi\" x=\"1\"");
    ck_assert(!g_hash_table_contains(values, "node3"));
    g_hash_table_destroy(values);
}
END_TEST

/* An agent's environment names its node (OCF_RESKEY_CRM_meta_on_node), which makes
 * Pacemaker 2.1.5's attrd_updater -Q -A answer for that node alone: the query runs
 * without it, and the fake here answers only what it was given. */
START_TEST(get_all_asks_for_every_node_not_the_agents)
{
    const char *vars[] = {"OCF_RESKEY_CRM_meta_on_node=node2",
                          "OCF_RESKEY_CRM_meta_physical_host=host9", "KEPT=yes", NULL};
    GHashTable *values = NULL;
    char *why = NULL;
    g_autofree char *seen = NULL;
    fake f;

    fake_init(&f, vars);
    g_free(lh_test_write_script(f.dir, "attrd_updater",
                                "printf '%s/%s/%s' \"${OCF_RESKEY_CRM_meta_on_node-unset}\" "
                                "\"${OCF_RESKEY_CRM_meta_physical_host-unset}\" \"$KEPT\" "
                                "> \"$FAKE_LOG\"\n"
                                "printf 'name=\"lh-state\" host=\"node1\" value=\"a\"\\n'\n"));
    ck_assert_msg(lh_attr_get_all(&f.op, "lh-state", &values, &why), "%s", why);
    ck_assert(g_file_get_contents(f.log, &seen, NULL, NULL));
    ck_assert_str_eq(seen, "unset/unset/yes");
    ck_assert_str_eq(g_hash_table_lookup(values, "node1"), "a");
    /* the operation's own environment is left as it was */
    ck_assert_str_eq(g_environ_getenv(f.op.envp, "OCF_RESKEY_CRM_meta_on_node"), "node2");
    g_hash_table_destroy(values);
    fake_release(&f);
}
END_TEST

/* Set on no node: an empty table, whichever way the tool says it. */
START_TEST(get_all_set_nowhere)
{
    static const struct {
        const char *out, *err, *rc;
    } cases[] = {
        {"", "", "0"},
        {"name=\"lh-state\" host=\"node1\" value=\"\"\n", "", "0"},
        {"", "", "105"},
        {"", ATTRD_NO_VALUE, "78"},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        GHashTable *values = NULL;
        g_autofree char *argv = NULL;
        char *why = NULL;

        ck_assert_msg(get_all_with(cases[i].out, cases[i].err, cases[i].rc, &values, &why,
                                   &argv),
                      "case %zu: %s", i, why);
        ck_assert_ptr_null(why);
        ck_assert_ptr_nonnull(values);
        ck_assert_uint_eq(g_hash_table_size(values), 0);
        g_hash_table_destroy(values);
    }
}
END_TEST

START_TEST(get_all_failures)
{
    GHashTable *values = NULL;
    g_autofree char *argv = NULL, *argv2 = NULL, *argv3 = NULL;
    g_autofree char *why = NULL, *why2 = NULL, *why3 = NULL;

    ck_assert(!get_all_with("name=\"lh-state\" host=\"node1\" value=\"ok\"\nsomething else\n",
                            "", "0", &values, &why, &argv));
    ck_assert_ptr_null(values);
    ck_assert_str_eq(why, "attrd_updater -Q -A -n lh-state printed a line not of the form "
                          "name=\"lh-state\" host=\"...\" value=\"...\": 'something else'");
    ck_assert(!get_all_with("", "attrd_updater: Could not connect to attrd", "102", &values,
                            &why2, &argv2));
    ck_assert_ptr_null(values);
    ck_assert_str_eq(why2, "attrd_updater -Q -A -n lh-state returned 102 (not connected to "
                           "the cluster): attrd_updater: Could not connect to attrd");
    /* 78 for another reason is a failure */
    ck_assert(!get_all_with("", "attrd_updater: bad configuration", "78", &values, &why3,
                            &argv3));
    ck_assert_ptr_null(values);
    ck_assert_ptr_nonnull(strstr(why3, "returned 78"));
}
END_TEST

START_TEST(get_permanent_parses_crm_attribute_output)
{
    static const struct {
        const char *out, *rc, *want;
    } cases[] = {
        {"east\n", "0", "east"},
        {"two words  \n", "0", "two words"},
        {"first\nsecond\n", "0", "first"},
        {"", "0", NULL},
        {"", "105", NULL},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *value = NULL, *argv = NULL;
        char *why = NULL;

        ck_assert_msg(get_with(cases[i].out, cases[i].rc, LH_ATTR_FOREVER, "n1", &value, &why,
                               &argv),
                      "case %zu: %s", i, why);
        ck_assert_ptr_null(why);
        ck_assert_str_eq(argv, "crm_attribute|-t|nodes|-N|n1|-n|lh-state|-l|forever|-G|-q|");
        if (cases[i].want == NULL) {
            ck_assert_msg(value == NULL, "case %zu: '%s'", i, value);
        } else {
            ck_assert_str_eq(value, cases[i].want);
        }
    }
}
END_TEST

START_TEST(promotion_score)
{
    const char *vars[] = {"OCF_RESOURCE_INSTANCE=rsc_iws:1", NULL};
    fake f;
    char *why = NULL;

    fake_init(&f, vars);
    ck_assert(lh_attr_set_promotion_score(&f.op, 100, &why));
    assert_argv(&f, "crm_attribute|--promotion=rsc_iws:1|-v|100|");
    ck_assert(lh_attr_set_promotion_score(&f.op, -5, &why));
    assert_argv(&f, "crm_attribute|--promotion=rsc_iws:1|-v|-5|");
    ck_assert(lh_attr_delete_promotion_score(&f.op, &why));
    assert_argv(&f, "crm_attribute|--promotion=rsc_iws:1|-D|");
    ck_assert_ptr_null(why);
    fake_release(&f);
}
END_TEST

START_TEST(promotion_score_needs_a_resource)
{
    fake f;
    g_autofree char *why = NULL;

    fake_init(&f, NULL);
    ck_assert(!lh_attr_set_promotion_score(&f.op, 10, &why));
    ck_assert_ptr_nonnull(strstr(why, "OCF_RESOURCE_INSTANCE is unset"));
    assert_argv(&f, ""); /* nothing ran */
    fake_release(&f);
}
END_TEST

START_TEST(failure_says_command_code_and_message)
{
    const char *vars[] = {"FAKE_RC=102",
                          "FAKE_ERR=attrd_updater: Could not connect to attrd: Connection "
                          "refused\nmore detail",
                          NULL};
    fake f;
    g_autofree char *why = NULL, *why2 = NULL;
    g_autofree char *value = NULL;

    fake_init(&f, vars);
    ck_assert(!lh_attr_set(&f.op, "lh-state", "ok", NULL, LH_ATTR_REBOOT, &why));
    ck_assert_str_eq(why, "attrd_updater -n lh-state -U ok returned 102 (not connected to the "
                          "cluster): attrd_updater: Could not connect to attrd: Connection "
                          "refused");
    ck_assert(!lh_attr_get(&f.op, "lh-state", NULL, LH_ATTR_REBOOT, &value, &why2));
    ck_assert_ptr_null(value);
    ck_assert_ptr_nonnull(strstr(why2, "attrd_updater -Q -n lh-state returned 102"));
    fake_release(&f);
}
END_TEST

START_TEST(failure_without_message_and_not_installed)
{
    const char *vars[] = {"FAKE_RC=1", NULL};
    fake f;
    g_autofree char *why = NULL, *why2 = NULL;

    fake_init(&f, vars);
    ck_assert(!lh_attr_delete(&f.op, "site", NULL, LH_ATTR_FOREVER, &why));
    ck_assert_str_eq(why, "crm_attribute -t nodes -n site -l forever -D returned 1");
    /* no such tool on the PATH */
    g_free(f.envp[0]);
    f.envp[0] = g_strdup("PATH=/nonexistent");
    ck_assert(!lh_attr_set(&f.op, "x", "1", NULL, LH_ATTR_REBOOT, &why2));
    ck_assert_str_eq(why2, "attrd_updater -n x -U 1 could not start: No such file or directory");
    fake_release(&f);
}
END_TEST

/* A tool that hangs is killed at the operation's deadline: the agent goes on. */
START_TEST(hanging_tool_ends_at_the_deadline)
{
    const char *vars[] = {"FAKE_HANG=1", NULL};
    fake f;
    g_autofree char *why = NULL;
    g_autofree char *value = NULL;
    gint64 started;

    fake_init(&f, vars);
    f.op.deadline = lh_deadline_in_ms(300);
    started = lh_test_now_ms();
    ck_assert(!lh_attr_get(&f.op, "lh-state", NULL, LH_ATTR_REBOOT, &value, &why));
    ck_assert_int_lt(lh_test_now_ms() - started, 300 + LH_RUN_GRACE_DEFAULT_MS + 1000);
    ck_assert_ptr_nonnull(strstr(why, "attrd_updater -Q -n lh-state timed out after"));
    /* the deadline has passed: the next call starts nothing */
    g_clear_pointer(&why, g_free);
    ck_assert(!lh_attr_set_promotion_score(&f.op, 1, &why));
    ck_assert_ptr_nonnull(strstr(why, "OCF_RESOURCE_INSTANCE"));
    g_clear_pointer(&why, g_free);
    ck_assert(!lh_attr_set(&f.op, "x", "1", NULL, LH_ATTR_FOREVER, &why));
    ck_assert_str_eq(why, "crm_attribute -t nodes -n x -l forever -v 1 was not run: the "
                          "deadline had passed");
    fake_release(&f);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("attr");

    add_tcase(s, set_transient);
    add_tcase(s, set_permanent);
    add_tcase(s, delete_both_lifetimes);
    add_tcase(s, values_are_words_not_shell);
    add_tcase(s, get_transient_parses_attrd_output);
    add_tcase(s, get_transient_of_a_node_and_bad_output);
    add_tcase(s, get_transient_not_set_in_pacemaker_2_1);
    add_tcase(s, get_all_parses_every_node);
    add_tcase(s, get_all_asks_for_every_node_not_the_agents);
    add_tcase(s, get_all_set_nowhere);
    add_tcase(s, get_all_failures);
    add_tcase(s, get_permanent_parses_crm_attribute_output);
    add_tcase(s, promotion_score);
    add_tcase(s, promotion_score_needs_a_resource);
    add_tcase(s, failure_says_command_code_and_message);
    add_tcase(s, failure_without_message_and_not_installed);
    add_tcase(s, hanging_tool_ends_at_the_deadline);
    return lh_test_run_suite(s);
}
