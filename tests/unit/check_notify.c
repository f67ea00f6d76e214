/* check_notify.c - what a promotable agent is told: lhost/notify.h and lhost/ocf.h.
 *
 * The notification environment is parsed from explicit environments (every list,
 * the deprecated master/slave names, empty, blank and missing lists, stray spaces);
 * the role of a monitor from OCF_RESKEY_CRM_meta_role. Then a small promotable agent
 * runs through lh_agent_main() in the test's own process (each test is a fork) with
 * its stderr in a file: op->notify reaches the notify action and only it, op->role
 * reaches the monitor, and the results 8 and 9 leave the exit status and the
 * exit reason OCF asks for.
 */
#include "config.h"

#include <lhost/notify.h>
#include <lhost/ocf.h>

#include "check_common.h"

#define N(name, value) "OCF_RESKEY_CRM_meta_notify_" name "=" value

/* "a b c" for a vector, to compare in one assertion. */
static char *joined(GStrv list)
{
    ck_assert_ptr_nonnull(list);
    return g_strjoinv(" ", list);
}

#define assert_list(list, expected)                     \
    do {                                                \
        g_autofree char *text_ = joined(list);          \
        ck_assert_str_eq(text_, expected);              \
    } while (0)

START_TEST(notify_every_variable)
{
    static char *const envp[] = {
        (char *)LH_TEST_PATH,
        (char *)N("type", "pre"),
        (char *)N("operation", "promote"),
        (char *)N("start_uname", "n1 n2"),
        (char *)N("start_resource", "r:0 r:1"),
        (char *)N("stop_uname", "n3"),
        (char *)N("stop_resource", "r:2"),
        (char *)N("promote_uname", "n1"),
        (char *)N("promote_resource", "r:0"),
        (char *)N("demote_uname", "n4"),
        (char *)N("demote_resource", "r:3"),
        (char *)N("active_uname", "n1 n4"),
        (char *)N("active_resource", "r:0 r:3"),
        (char *)N("promoted_uname", "n4"),
        (char *)N("promoted_resource", "r:3"),
        (char *)N("unpromoted_uname", "n1"),
        (char *)N("unpromoted_resource", "r:0"),
        (char *)N("inactive_uname", "n5"),
        (char *)N("inactive_resource", "r:4"),
        (char *)N("available_uname", "n1 n2 n4 n5"),
        (char *)N("all_uname", "n1 n2 n3 n4 n5"),
        NULL,
    };
    g_autoptr(lh_notify) n = lh_notify_parse(envp);

    ck_assert_int_eq(n->type, LH_NOTIFY_PRE);
    ck_assert_int_eq(n->operation, LH_NOTIFY_PROMOTE);
    ck_assert_str_eq(n->type_text, "pre");
    ck_assert_str_eq(n->operation_text, "promote");
    assert_list(n->start_uname, "n1 n2");
    assert_list(n->start_resource, "r:0 r:1");
    assert_list(n->stop_uname, "n3");
    assert_list(n->stop_resource, "r:2");
    assert_list(n->promote_uname, "n1");
    assert_list(n->promote_resource, "r:0");
    assert_list(n->demote_uname, "n4");
    assert_list(n->demote_resource, "r:3");
    assert_list(n->active_uname, "n1 n4");
    assert_list(n->active_resource, "r:0 r:3");
    assert_list(n->promoted_uname, "n4");
    assert_list(n->promoted_resource, "r:3");
    assert_list(n->unpromoted_uname, "n1");
    assert_list(n->unpromoted_resource, "r:0");
    assert_list(n->inactive_uname, "n5");
    assert_list(n->inactive_resource, "r:4");
    assert_list(n->available_uname, "n1 n2 n4 n5");
    assert_list(n->all_uname, "n1 n2 n3 n4 n5");
}
END_TEST

START_TEST(notify_types_and_operations)
{
    static const struct {
        const char *type, *operation;
        lh_notify_type want_type;
        lh_notify_operation want_operation;
    } cases[] = {
        {"pre", "start", LH_NOTIFY_PRE, LH_NOTIFY_START},
        {"post", "stop", LH_NOTIFY_POST, LH_NOTIFY_STOP},
        {"post", "demote", LH_NOTIFY_POST, LH_NOTIFY_DEMOTE},
        {" pre ", "promote\n", LH_NOTIFY_PRE, LH_NOTIFY_PROMOTE},
        {"PRE", "migrate", LH_NOTIFY_TYPE_UNKNOWN, LH_NOTIFY_OPERATION_UNKNOWN},
        {"", "", LH_NOTIFY_TYPE_UNKNOWN, LH_NOTIFY_OPERATION_UNKNOWN},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *type = g_strconcat(N("type", ""), cases[i].type, NULL);
        g_autofree char *operation = g_strconcat(N("operation", ""), cases[i].operation, NULL);
        char *const envp[] = {type, operation, NULL};
        g_autoptr(lh_notify) n = lh_notify_parse(envp);

        ck_assert_msg(n->type == cases[i].want_type, "type '%s'", cases[i].type);
        ck_assert_msg(n->operation == cases[i].want_operation, "operation '%s'",
                      cases[i].operation);
    }
    ck_assert_str_eq(lh_notify_type_name(LH_NOTIFY_POST), "post");
    ck_assert_str_eq(lh_notify_operation_name(LH_NOTIFY_DEMOTE), "demote");
    ck_assert_str_eq(lh_notify_operation_name((lh_notify_operation)42), "unknown");
}
END_TEST

/* Pacemaker before 2.1 (and 2.1 still, for compatibility) says master and slave. */
START_TEST(notify_deprecated_master_slave_names)
{
    static char *const old_only[] = {
        (char *)N("master_uname", "n1"),  (char *)N("master_resource", "r:0"),
        (char *)N("slave_uname", "n2 n3"), (char *)N("slave_resource", "r:1 r:2"), NULL,
    };
    static char *const both[] = {
        (char *)N("master_uname", "old1"), (char *)N("promoted_uname", "new1"),
        (char *)N("slave_uname", "old2"),  (char *)N("unpromoted_uname", ""), NULL,
    };
    g_autoptr(lh_notify) old = lh_notify_parse(old_only);
    g_autoptr(lh_notify) mixed = lh_notify_parse(both);

    assert_list(old->promoted_uname, "n1");
    assert_list(old->promoted_resource, "r:0");
    assert_list(old->unpromoted_uname, "n2 n3");
    assert_list(old->unpromoted_resource, "r:1 r:2");
    /* the new name wins when set, even when empty */
    assert_list(mixed->promoted_uname, "new1");
    ck_assert_ptr_null(mixed->unpromoted_uname[0]);
}
END_TEST

START_TEST(notify_empty_blank_and_missing_lists)
{
    static char *const envp[] = {
        (char *)N("start_uname", ""),
        (char *)N("stop_uname", "   "),
        (char *)N("active_uname", "  n1   n2\tn3 \n"),
        (char *)"OCF_RESKEY_CRM_meta_notify_start_unameX=n9",
        (char *)"XOCF_RESKEY_CRM_meta_notify_demote_uname=n9",
        (char *)N("promote_uname", "=n1"),
        NULL,
    };
    g_autoptr(lh_notify) n = lh_notify_parse(envp);
    g_autoptr(lh_notify) none = lh_notify_parse(NULL);

    ck_assert_ptr_null(n->start_uname[0]);
    ck_assert_ptr_null(n->stop_uname[0]);
    assert_list(n->active_uname, "n1 n2 n3");
    ck_assert_ptr_null(n->demote_uname[0]); /* a longer or prefixed name is not it */
    assert_list(n->promote_uname, "=n1");   /* the first '=' ends the name */
    ck_assert_int_eq(n->type, LH_NOTIFY_TYPE_UNKNOWN);
    ck_assert_str_eq(n->type_text, "");
    /* nothing at all: every list empty, never NULL */
    ck_assert_ptr_null(none->all_uname[0]);
    ck_assert_ptr_null(none->inactive_resource[0]);
    ck_assert_ptr_null(none->promoted_uname[0]);
    ck_assert_int_eq(none->operation, LH_NOTIFY_OPERATION_UNKNOWN);
    lh_notify_free(NULL);
}
END_TEST

START_TEST(role_parse_and_name)
{
    ck_assert_int_eq(lh_ocf_role_parse("Promoted"), LH_OCF_ROLE_PROMOTED);
    ck_assert_int_eq(lh_ocf_role_parse("Master"), LH_OCF_ROLE_PROMOTED);
    ck_assert_int_eq(lh_ocf_role_parse("promoted"), LH_OCF_ROLE_PROMOTED);
    ck_assert_int_eq(lh_ocf_role_parse("Unpromoted"), LH_OCF_ROLE_UNPROMOTED);
    ck_assert_int_eq(lh_ocf_role_parse("Slave"), LH_OCF_ROLE_UNPROMOTED);
    ck_assert_int_eq(lh_ocf_role_parse("Started"), LH_OCF_ROLE_NONE);
    ck_assert_int_eq(lh_ocf_role_parse(""), LH_OCF_ROLE_NONE);
    ck_assert_int_eq(lh_ocf_role_parse(NULL), LH_OCF_ROLE_NONE);
    ck_assert_str_eq(lh_ocf_role_name(LH_OCF_ROLE_PROMOTED), "Promoted");
    ck_assert_str_eq(lh_ocf_role_name(LH_OCF_ROLE_UNPROMOTED), "Unpromoted");
    ck_assert_str_eq(lh_ocf_role_name(LH_OCF_ROLE_NONE), "none");
}
END_TEST

START_TEST(codes_8_and_9_failure_or_not)
{
    ck_assert(!lh_ocf_code_is_failure(LH_OCF_SUCCESS));
    ck_assert(!lh_ocf_code_is_failure(LH_OCF_NOT_RUNNING));
    ck_assert(!lh_ocf_code_is_failure(LH_OCF_RUNNING_PROMOTED));
    ck_assert(!lh_ocf_code_is_failure(LH_OCF_DEGRADED));
    ck_assert(!lh_ocf_code_is_failure(LH_OCF_DEGRADED_PROMOTED));
    ck_assert(lh_ocf_code_is_failure(LH_OCF_FAILED_PROMOTED));
    ck_assert(lh_ocf_code_is_failure(LH_OCF_ERR_GENERIC));
    ck_assert(lh_ocf_code_is_failure(42));
    ck_assert_str_eq(lh_ocf_code_name(8), "OCF_RUNNING_PROMOTED");
    ck_assert_str_eq(lh_ocf_code_name(9), "OCF_FAILED_PROMOTED");
}
END_TEST

/* ---- a promotable agent through lh_agent_main() ------------------------------ */

typedef struct demo_config {
    int unused;
} demo_config;

/* What the actions saw, for the test to check after lh_agent_main() returned. */
static struct {
    gboolean notified;
    gboolean had_notify;
    lh_notify_type type;
    lh_notify_operation operation;
    char *promote_uname;
    lh_ocf_role role;
} seen;

static lh_result demo_ok(lh_op *op, const void *config)
{
    seen.had_notify = op->notify != NULL;
    seen.role = op->role;
    return LH_RESULT_OK;
}

/* The monitor answers what OCF_TEST_RESULT says, with OCF_TEST_REASON if set. */
static lh_result demo_monitor(lh_op *op, const void *config)
{
    const char *reason = g_getenv("OCF_TEST_REASON");

    seen.role = op->role;
    seen.had_notify = op->notify != NULL;
    return lh_result_new((lh_ocf_code)atoi(g_getenv("OCF_TEST_RESULT")),
                         reason != NULL ? "%s" : NULL, reason);
}

static lh_result demo_notify(lh_op *op, const void *config)
{
    seen.notified = TRUE;
    seen.had_notify = op->notify != NULL;
    if (op->notify != NULL) {
        seen.type = op->notify->type;
        seen.operation = op->notify->operation;
        seen.promote_uname = g_strjoinv(" ", op->notify->promote_uname);
    }
    return LH_RESULT_OK;
}

static const lh_action demo_actions[] = {
    {"start", demo_ok, 20, 0},       {"stop", demo_ok, 20, 0},
    {"monitor", demo_monitor, 20, 10}, {"promote", demo_ok, 30, 0},
    {"demote", demo_ok, 30, 0},      {"notify", demo_notify, 10, 0},
    {NULL, NULL, 0, 0},
};

static const lh_agent demo_agent = {
    .name = "demo",
    .version = "1.0",
    .shortdesc = "demo",
    .longdesc = "A promotable demo agent.",
    .config_size = sizeof(demo_config),
    .actions = demo_actions,
    .promotable = TRUE,
};

/* Runs `demo @action` with stderr in a file; the exit status, *err what it said. */
static int run_demo(const char *action, char **err)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = g_build_filename(dir, "stderr", NULL);
    char *argv[] = {(char *)"demo", (char *)action, NULL};
    int saved = dup(STDERR_FILENO);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int code;

    ck_assert_int_ge(saved, 0);
    ck_assert_int_ge(fd, 0);
    g_setenv("LHOST_JOURNAL_DIR", "off", TRUE);
    g_setenv("HA_LOGFACILITY", "none", TRUE);
    g_setenv("OCF_RESOURCE_INSTANCE", "rsc_demo:0", TRUE);
    fflush(stderr);
    dup2(fd, STDERR_FILENO);
    code = lh_agent_main(&demo_agent, 2, argv);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    close(fd);
    *err = lh_test_read_file(path);
    ck_assert_ptr_nonnull(*err);
    return code;
}

START_TEST(agent_notify_reaches_the_notify_action_only)
{
    g_autofree char *err = NULL;

    g_setenv("OCF_RESKEY_CRM_meta_notify_type", "post", TRUE);
    g_setenv("OCF_RESKEY_CRM_meta_notify_operation", "promote", TRUE);
    g_setenv("OCF_RESKEY_CRM_meta_notify_promote_uname", " node2  ", TRUE);
    ck_assert_int_eq(run_demo("notify", &err), LH_OCF_SUCCESS);
    ck_assert(seen.notified && seen.had_notify);
    ck_assert_int_eq(seen.type, LH_NOTIFY_POST);
    ck_assert_int_eq(seen.operation, LH_NOTIFY_PROMOTE);
    ck_assert_str_eq(seen.promote_uname, "node2");
    g_clear_pointer(&seen.promote_uname, g_free);
    g_free(err);
    err = NULL;
    /* the same environment, another action: no op->notify */
    ck_assert_int_eq(run_demo("promote", &err), LH_OCF_SUCCESS);
    ck_assert(!seen.had_notify);
}
END_TEST

START_TEST(agent_monitor_role)
{
    g_autofree char *err = NULL;

    g_setenv("OCF_TEST_RESULT", "0", TRUE);
    g_setenv("OCF_RESKEY_CRM_meta_interval", "11000", TRUE);
    g_setenv("OCF_RESKEY_CRM_meta_role", "Unpromoted", TRUE);
    ck_assert_int_eq(run_demo("monitor", &err), LH_OCF_SUCCESS);
    ck_assert_int_eq(seen.role, LH_OCF_ROLE_UNPROMOTED);
    g_free(err);
    g_setenv("OCF_RESKEY_CRM_meta_role", "Master", TRUE);
    ck_assert_int_eq(run_demo("monitor", &err), LH_OCF_SUCCESS);
    ck_assert_int_eq(seen.role, LH_OCF_ROLE_PROMOTED);
    g_free(err);
    g_unsetenv("OCF_RESKEY_CRM_meta_role");
    ck_assert_int_eq(run_demo("monitor", &err), LH_OCF_SUCCESS);
    ck_assert_int_eq(seen.role, LH_OCF_ROLE_NONE);
}
END_TEST

/* 8 is the truth of a healthy promoted instance: exit 8, no reason, nothing failed. */
START_TEST(agent_running_promoted_is_no_error)
{
    g_autofree char *err = NULL;

    g_setenv("OCF_RESKEY_CRM_meta_role", "Promoted", TRUE);
    g_setenv("OCF_TEST_RESULT", "8", TRUE);
    ck_assert_int_eq(run_demo("monitor", &err), LH_OCF_RUNNING_PROMOTED);
    ck_assert_msg(strstr(err, "ocf-exit-reason:") == NULL, "stderr: %s", err);
}
END_TEST

/* 9 is a failure: its reason is passed on, and one is given when the action had none. */
START_TEST(agent_failed_promoted_has_a_reason)
{
    g_autofree char *err = NULL;

    g_setenv("OCF_RESKEY_CRM_meta_role", "Promoted", TRUE);
    g_setenv("OCF_TEST_RESULT", "9", TRUE);
    g_setenv("OCF_TEST_REASON", "the primary lost its peer", TRUE);
    ck_assert_int_eq(run_demo("monitor", &err), LH_OCF_FAILED_PROMOTED);
    ck_assert_str_eq(err, "ocf-exit-reason:the primary lost its peer\n");
    g_free(err);
    g_unsetenv("OCF_TEST_REASON");
    ck_assert_int_eq(run_demo("monitor", &err), LH_OCF_FAILED_PROMOTED);
    ck_assert_str_eq(err, "ocf-exit-reason:monitor: failed, promoted\n");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("notify");

    add_tcase(s, notify_every_variable);
    add_tcase(s, notify_types_and_operations);
    add_tcase(s, notify_deprecated_master_slave_names);
    add_tcase(s, notify_empty_blank_and_missing_lists);
    add_tcase(s, role_parse_and_name);
    add_tcase(s, codes_8_and_9_failure_or_not);
    add_tcase(s, agent_notify_reaches_the_notify_action_only);
    add_tcase(s, agent_monitor_role);
    add_tcase(s, agent_running_promoted_is_no_error);
    add_tcase(s, agent_failed_promoted_has_a_reason);
    return lh_test_run_suite(s);
}
