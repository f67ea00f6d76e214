/* check_lhdef.c - lhost/lhdef.h: a logical host's definition file.
 *
 * Every test writes a definition into a private temporary directory and loads it.
 * What a caller relies on: Pacemaker durations parse to milliseconds and anything
 * else is refused; members come back in file order, each with the role its agent
 * implies (or the one it names), its parameters in file order and its operation
 * overrides; the policy has its documented defaults; and every problem is reported
 * once, as "PATH:LINE: what" at the line that holds it ("PATH: what" when no line
 * does), with nothing GKeyFile would silently merge getting through. The line
 * numbers below are written by hand beside each line of the texts.
 */
#include "config.h"

#include <lhost/lhdef.h>

#include "check_common.h"
#include "check_problems.h"


static const lh_member *member_at(const lh_def *def, guint i)
{
    ck_assert_uint_lt(i, def->members->len);
    return g_ptr_array_index(def->members, i);
}

/* The member's parameter names, in its order, space-separated (caller frees). */
static char *param_names(const lh_member *m)
{
    GString *names = g_string_new(NULL);

    for (guint i = 0; i < m->param_names->len; i++) {
        g_string_append_printf(names, "%s%s", i > 0 ? " " : "",
                               (const char *)g_ptr_array_index(m->param_names, i));
    }
    return g_string_free(names, FALSE);
}

static const char *param(const lh_member *m, const char *name)
{
    return g_hash_table_lookup(m->params, name);
}

/* A member that is fine, for the files whose problem is elsewhere. */
#define DUMMY_MEMBER "[member extra]\nagent = ocf:heartbeat:Dummy\n"

/* ---- durations ------------------------------------------------------------- */

START_TEST(lhdef_duration_units)
{
    ck_assert_int_eq(lh_duration_parse_ms("90"), 90000);
    ck_assert_int_eq(lh_duration_parse_ms("0"), 0);
    ck_assert_int_eq(lh_duration_parse_ms("500ms"), 500);
    ck_assert_int_eq(lh_duration_parse_ms("20s"), 20000);
    ck_assert_int_eq(lh_duration_parse_ms("10min"), 600000);
    ck_assert_int_eq(lh_duration_parse_ms("1h"), 3600000);
    /* Pacemaker's other spellings of the same units. */
    ck_assert_int_eq(lh_duration_parse_ms("3m"), 180000);
    ck_assert_int_eq(lh_duration_parse_ms("15sec"), 15000);
    ck_assert_int_eq(lh_duration_parse_ms("250msec"), 250);
    ck_assert_int_eq(lh_duration_parse_ms("2hr"), 7200000);
    /* Large but representable: 24 days in seconds. */
    ck_assert_int_eq(lh_duration_parse_ms("2073600"), G_GINT64_CONSTANT(2073600000));
    /* The longest: 2^31 - 1 seconds, however written. */
    ck_assert_int_eq(lh_duration_parse_ms("2147483647s"), G_GINT64_CONSTANT(2147483647000));
    ck_assert_int_eq(lh_duration_parse_ms("35791394min"), G_GINT64_CONSTANT(2147483640000));
}
END_TEST

START_TEST(lhdef_duration_rejects)
{
    static const char *const bad[] = {
        "", "s", "ms", "-5", "+5", "10 parsecs", "20x", "min10", "0x10", "ten",
        /* Past gint64 as a number, and as milliseconds of hours. */
        "99999999999999999999", "9999999999999999h",
        /* Found by tests/fuzz (duration): longer than 2^31 - 1 seconds, which
         * lh_duration_format() writes as seconds that do not read back. */
        "2147483647h", "35791395min", "2147483648000ms",
    };

    ck_assert_int_eq(lh_duration_parse_ms(NULL), -1);
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        ck_assert_msg(lh_duration_parse_ms(bad[i]) == -1, "'%s' parsed as %" G_GINT64_FORMAT,
                      bad[i], lh_duration_parse_ms(bad[i]));
    }
}
END_TEST

/* ---- a valid definition ---------------------------------------------------- */

static const char valid_text[] =
    "# lhA: a logical host of every role\n"     /*  1 */
    "[logical-host]\n"                          /*  2 */
    "migration-threshold = 5\n"                 /*  3 */
    "failure-timeout = 1h\n"                    /*  4 */
    "kill-timeout = 30s\n"                      /*  5 */
    "resource-stickiness = 100\n"               /*  6 */
    "\n"                                        /*  7 */
    "[member disk]\n"                           /*  8 */
    "agent = ocf:heartbeat:Filesystem\n"        /*  9 */
    "fstype = ext4\n"                           /* 10 */
    "device = /dev/sdb1\n"                      /* 11 */
    "directory = /shared/lhA\n"                 /* 12 */
    "op.monitor.interval = 30s\n"               /* 13 */
    "op.start.timeout = 2min\n"                 /* 14 */
    "\n"                                        /* 15 */
    "[member vip]\n"                            /* 16 */
    "agent = ocf:heartbeat:IPaddr2\n"           /* 17 */
    "ip = 192.0.2.10\n"                         /* 18 */
    "cidr_netmask = 24\n"                       /* 19 */
    "[member base]\n"                           /* 20 */
    "agent = ocf:lhost:jp1base\n"               /* 21 */
    "shared_dir = /shared/lhA/jp1base\n"        /* 22 */
    "logical_host = lhA\n"                      /* 23 */
    "[member im]\n"                             /* 24 */
    "agent = ocf:lhost:jp1im\n"                 /* 25 */
    "logical_host = lhA\n"                      /* 26 */
    "shared_dir = /shared/lhA/jp1im\n"          /* 27 */
    "op.stop.timeout = 500ms\n"                 /* 28 */
    "[member extra]\n"                          /* 29 */
    "agent = ocf:heartbeat:Dummy\n"             /* 30 */
    "# a comment = not a key\n"                 /* 31 */
    "[member vip2]\n"                           /* 32 */
    "agent = ocf:heartbeat:Dummy\n"             /* 33 */
    "role = ip\n"                               /* 34 */
    "state = /run/vip2.state\n";                /* 35 */

START_TEST(lhdef_valid_members_in_file_order_with_roles)
{
    static const struct {
        const char *id, *agent, *provider, *type;
        lh_role role;
        int line;
    } want[] = {
        {"disk", "ocf:heartbeat:Filesystem", "heartbeat", "Filesystem", LH_ROLE_DISK, 8},
        {"vip", "ocf:heartbeat:IPaddr2", "heartbeat", "IPaddr2", LH_ROLE_IP, 16},
        {"base", "ocf:lhost:jp1base", "lhost", "jp1base", LH_ROLE_BASE, 20},
        {"im", "ocf:lhost:jp1im", "lhost", "jp1im", LH_ROLE_MANAGER, 24},
        {"extra", "ocf:heartbeat:Dummy", "heartbeat", "Dummy", LH_ROLE_OTHER, 29},
        {"vip2", "ocf:heartbeat:Dummy", "heartbeat", "Dummy", LH_ROLE_IP, 32},
    };
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "lhA", valid_text);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_def) def = lh_def_load(path, problems);

    assert_no_problems(problems);
    ck_assert_str_eq(def->name, "lhA");
    ck_assert_str_eq(def->path, path);
    ck_assert_uint_eq(def->members->len, G_N_ELEMENTS(want));
    for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
        const lh_member *m = member_at(def, i);
        g_autofree char *rsc = lh_member_rsc_id(def, m);
        g_autofree char *rsc_want = g_strconcat("lhA-", want[i].id, NULL);

        ck_assert_str_eq(m->id, want[i].id);
        ck_assert_str_eq(m->agent, want[i].agent);
        ck_assert_str_eq(m->provider, want[i].provider);
        ck_assert_str_eq(m->type, want[i].type);
        ck_assert_msg(m->role == want[i].role, "member %s: role %s, not %s", m->id,
                      lh_role_name(m->role), lh_role_name(want[i].role));
        ck_assert_int_eq(m->line, want[i].line);
        ck_assert_int_eq(lh_def_line(def, m, NULL), want[i].line);
        ck_assert_str_eq(rsc, rsc_want);
    }
    ck_assert_str_eq(lh_role_name(LH_ROLE_DISK), "disk");
    ck_assert_str_eq(lh_role_name(LH_ROLE_MANAGER), "manager");
    ck_assert_str_eq(lh_role_name(LH_ROLE_OTHER), "other");
}
END_TEST

START_TEST(lhdef_valid_params_and_overrides)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "lhA", valid_text);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_def) def = lh_def_load(path, problems);
    const lh_member *disk, *vip, *im, *vip2;
    g_autofree char *disk_names = NULL, *vip_names = NULL, *im_names = NULL;
    g_autofree char *extra_names = NULL, *vip2_names = NULL;

    assert_no_problems(problems);
    ck_assert_uint_eq(def->members->len, 6);
    disk = member_at(def, 0);
    vip = member_at(def, 1);
    im = member_at(def, 3);
    vip2 = member_at(def, 5);
    /* Parameters in file order (agent, role and op.* are not parameters). */
    disk_names = param_names(disk);
    vip_names = param_names(vip);
    im_names = param_names(im);
    extra_names = param_names(member_at(def, 4));
    vip2_names = param_names(vip2);
    ck_assert_str_eq(disk_names, "fstype device directory");
    ck_assert_str_eq(vip_names, "ip cidr_netmask");
    ck_assert_str_eq(im_names, "logical_host shared_dir");
    ck_assert_str_eq(extra_names, "");
    ck_assert_str_eq(vip2_names, "state");
    ck_assert_str_eq(param(disk, "fstype"), "ext4");
    ck_assert_str_eq(param(disk, "device"), "/dev/sdb1");
    ck_assert_str_eq(param(disk, "directory"), "/shared/lhA");
    ck_assert_str_eq(param(vip, "cidr_netmask"), "24");
    ck_assert_str_eq(param(vip2, "state"), "/run/vip2.state");
    ck_assert_ptr_null(param(disk, "agent"));
    ck_assert_ptr_null(param(disk, "op.monitor.interval"));
    ck_assert_ptr_null(param(vip2, "role"));
    ck_assert_uint_eq(g_hash_table_size(disk->params), 3);
    /* The lines of keys; 0 for a key the member does not have. */
    ck_assert_int_eq(lh_def_line(def, disk, "agent"), 9);
    ck_assert_int_eq(lh_def_line(def, disk, "directory"), 12);
    ck_assert_int_eq(lh_def_line(def, disk, "op.start.timeout"), 14);
    ck_assert_int_eq(lh_def_line(def, im, "shared_dir"), 27);
    ck_assert_int_eq(lh_def_line(def, vip, "directory"), 0);
    /* Operation overrides; -1 where the definition says nothing. */
    ck_assert_int_eq(lh_member_override_interval_ms(disk, "monitor"), 30000);
    ck_assert_int_eq(lh_member_override_timeout_ms(disk, "monitor"), -1);
    ck_assert_int_eq(lh_member_override_timeout_ms(disk, "start"), 120000);
    ck_assert_int_eq(lh_member_override_interval_ms(disk, "start"), -1);
    ck_assert_int_eq(lh_member_override_timeout_ms(disk, "stop"), -1);
    ck_assert_int_eq(lh_member_override_timeout_ms(im, "stop"), 500);
    ck_assert_int_eq(lh_member_override_timeout_ms(vip, "start"), -1);
    ck_assert_int_eq(lh_member_override_interval_ms(vip, "monitor"), -1);
}
END_TEST

START_TEST(lhdef_policy_explicit)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "lhA", valid_text);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_def) def = lh_def_load(path, problems);

    assert_no_problems(problems);
    ck_assert_int_eq(def->policy.migration_threshold, 5);
    ck_assert_int_eq(def->policy.failure_timeout_ms, 3600000);
    ck_assert_int_eq(def->policy.kill_timeout_ms, 30000);
    ck_assert_int_eq(def->policy.resource_stickiness, 100);
}
END_TEST

/* No [logical-host] group at all, then one that is there but empty: the defaults
 * the header documents (3 restarts, 10min, 10s, stickiness unset). */
START_TEST(lhdef_policy_defaults)
{
    static const char *const texts[] = {
        DUMMY_MEMBER,
        "[logical-host]\n" DUMMY_MEMBER,
    };
    g_autofree char *dir = lh_test_tmpdir();

    for (gsize i = 0; i < G_N_ELEMENTS(texts); i++) {
        g_autofree char *path = write_def(dir, "lhA", texts[i]);
        g_autoptr(GPtrArray) problems = new_problems();
        g_autoptr(lh_def) def = lh_def_load(path, problems);

        assert_no_problems(problems);
        ck_assert_uint_eq(def->members->len, 1);
        ck_assert_int_eq(def->policy.migration_threshold, 3);
        ck_assert_int_eq(def->policy.failure_timeout_ms, 600000);
        ck_assert_int_eq(def->policy.kill_timeout_ms, 10000);
        ck_assert_int_eq(def->policy.resource_stickiness, -1);
    }
}
END_TEST

/* "failure-timeout = 0": failures are never forgotten, which is not a problem. */
START_TEST(lhdef_policy_zero_failure_timeout)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path =
        write_def(dir, "lhA", "[logical-host]\nfailure-timeout = 0\n" DUMMY_MEMBER);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_def) def = lh_def_load(path, problems);

    assert_no_problems(problems);
    ck_assert_int_eq(def->policy.failure_timeout_ms, 0);
}
END_TEST

START_TEST(lhdef_paths)
{
    g_autofree char *path = lh_def_path("/etc/lhost", "lhA");
    g_autoptr(GPtrArray) problems = new_problems();
    lh_def def = {.path = (char *)"/etc/lhost/lhA.conf"};

    ck_assert_str_eq(path, "/etc/lhost/lhA.conf");
    lh_def_problem(&def, problems, 12, "%s is %d", "x", 7);
    lh_def_problem(&def, problems, 0, "no line");
    ck_assert_uint_eq(problems->len, 2);
    ck_assert_str_eq(g_ptr_array_index(problems, 0), "/etc/lhost/lhA.conf:12: x is 7");
    ck_assert_str_eq(g_ptr_array_index(problems, 1), "/etc/lhost/lhA.conf: no line");
}
END_TEST

/* ---- what GKeyFile would merge ----------------------------------------------- */

/* The second [member disk] is a problem at its own line, and its keys do not merge
 * into the first: the first member keeps its agent and gains no parameter. */
START_TEST(lhdef_repeated_member_group)
{
    static const char text[] =
        "[member disk]\n"                       /* 1 */
        "agent = ocf:heartbeat:Filesystem\n"    /* 2 */
        "device = /dev/sdb1\n"                  /* 3 */
        "\n"                                    /* 4 */
        "[member disk]\n"                       /* 5 */
        "agent = ocf:heartbeat:Dummy\n"         /* 6 */
        "fake = yes\n"                          /* 7 */
        "device = /dev/sdc1\n";                 /* 8 */
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "lhA", text);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_def) def = lh_def_load(path, problems);
    g_autofree char *names = NULL;

    assert_problems(problems, path, {5, "[member disk] appears twice"});
    ck_assert_uint_eq(def->members->len, 1);
    names = param_names(member_at(def, 0));
    ck_assert_str_eq(member_at(def, 0)->agent, "ocf:heartbeat:Filesystem");
    ck_assert_str_eq(member_at(def, 0)->type, "Filesystem");
    ck_assert_int_eq(member_at(def, 0)->role, LH_ROLE_DISK);
    ck_assert_int_eq(member_at(def, 0)->line, 1);
    ck_assert_str_eq(names, "device");
    ck_assert_str_eq(param(member_at(def, 0), "device"), "/dev/sdb1");
    ck_assert_int_eq(lh_def_line(def, member_at(def, 0), "device"), 3);
}
END_TEST

START_TEST(lhdef_repeated_policy_group)
{
    static const char text[] =
        "[logical-host]\n"                      /* 1 */
        "migration-threshold = 5\n"             /* 2 */
        "[member extra]\n"                      /* 3 */
        "agent = ocf:heartbeat:Dummy\n"         /* 4 */
        "[logical-host]\n"                      /* 5 */
        "migration-threshold = 7\n"             /* 6 */
        "kill-timeout = 1min\n";                /* 7 */
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "lhA", text);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_def) def = lh_def_load(path, problems);

    assert_problems(problems, path, {5, "[logical-host] appears twice"});
    ck_assert_int_eq(def->policy.migration_threshold, 5);
    ck_assert_int_eq(def->policy.kill_timeout_ms, 10000);
    ck_assert_uint_eq(def->members->len, 1);
}
END_TEST

START_TEST(lhdef_key_set_twice)
{
    static const char text[] =
        "[member disk]\n"                       /* 1 */
        "agent = ocf:heartbeat:Filesystem\n"    /* 2 */
        "device = /dev/sdb1\n"                  /* 3 */
        "fstype = ext4\n"                       /* 4 */
        "device = /dev/sdc1\n"                  /* 5 */
        "[logical-host]\n"                      /* 6 */
        "kill-timeout = 20s\n"                  /* 7 */
        "kill-timeout = 40s\n";                 /* 8 */
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "lhA", text);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_def) def = lh_def_load(path, problems);

    assert_problems(problems, path, {5, "device is set twice in [member disk] (first at line 3)"},
                    {8, "kill-timeout is set twice in [logical-host] (first at line 7)"});
    ck_assert_uint_eq(def->members->len, 1);
}
END_TEST

/* ---- lines that are not what they should be -------------------------------- */

/* A line that is neither key = value, a [group] nor a comment is reported, and the
 * problems after it are found all the same. */
START_TEST(lhdef_not_a_key_value_line)
{
    static const char text[] =
        "[member disk]\n"                       /* 1 */
        "agent = ocf:heartbeat:Filesystem\n"    /* 2 */
        "just some words\n"                     /* 3 */
        "= no key\n"                            /* 4 */
        "[member broken\n"                      /* 5 */
        "device = /dev/sdb1\n"                  /* 6 */
        "[logical-host]\n"                      /* 7 */
        "failure-timeout = soon\n";             /* 8 */
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "lhA", text);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_def) def = lh_def_load(path, problems);

    assert_problems(problems, path, {3, "not a key = value line"}, {4, "not a key = value line"},
                    {5, "not a key = value line"}, {8, "failure-timeout: 'soon' is not a duration"});
    ck_assert_uint_eq(def->members->len, 1);
    ck_assert_str_eq(param(member_at(def, 0), "device"), "/dev/sdb1");
}
END_TEST

START_TEST(lhdef_key_before_any_group)
{
    static const char text[] =
        "# the policy, before its group\n"      /* 1 */
        "\n"                                    /* 2 */
        "migration-threshold = 2\n"             /* 3 */
        DUMMY_MEMBER;                           /* 4-5 */
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "lhA", text);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_def) def = lh_def_load(path, problems);

    assert_problems(problems, path, {3, "a key before any [group]"});
    ck_assert_uint_eq(def->members->len, 1);
    ck_assert_int_eq(def->policy.migration_threshold, 3);
}
END_TEST

START_TEST(lhdef_unknown_group)
{
    static const char text[] =
        DUMMY_MEMBER                            /* 1-2 */
        "[resources]\n"                         /* 3 */
        "agent = ocf:heartbeat:Dummy\n"         /* 4 */
        "[member]\n"                            /* 5 */
        "agent = ocf:heartbeat:Dummy\n";        /* 6 */
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "lhA", text);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_def) def = lh_def_load(path, problems);

    assert_problems(problems, path, {3, "unknown group [resources]"},
                    {5, "unknown group [member]"});
    ck_assert_uint_eq(def->members->len, 1);
}
END_TEST

START_TEST(lhdef_unknown_policy_key)
{
    static const char text[] =
        "[logical-host]\n"                      /* 1 */
        "migration-threshold = 2\n"             /* 2 */
        "failure_timeout = 5min\n"              /* 3 */
        "colour = blue\n"                       /* 4 */
        DUMMY_MEMBER;                           /* 5-6 */
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "lhA", text);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_def) def = lh_def_load(path, problems);

    assert_problems(problems, path, {3, "unknown policy key 'failure_timeout'"},
                    {4, "unknown policy key 'colour'"});
    ck_assert_int_eq(def->policy.migration_threshold, 2);
}
END_TEST

START_TEST(lhdef_bad_durations)
{
    static const char text[] =
        "[logical-host]\n"                      /* 1 */
        "failure-timeout = 10 parsecs\n"        /* 2 */
        "kill-timeout = -5\n"                   /* 3 */
        "[member extra]\n"                      /* 4 */
        "agent = ocf:heartbeat:Dummy\n"         /* 5 */
        "op.start.timeout = soon\n"             /* 6 */
        "op.monitor.interval = often\n"         /* 7 */
        "op.stop.timeout = 45s\n";              /* 8 */
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "lhA", text);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_def) def = lh_def_load(path, problems);

    assert_problems(problems, path, {2, "failure-timeout: '10 parsecs' is not a duration"},
                    {3, "kill-timeout: '-5' is not a duration"},
                    {6, "op.start.timeout: 'soon' is not a duration"},
                    {7, "op.monitor.interval: 'often' is not a duration"});
    /* The good override next to the bad ones is kept, the bad ones are not. */
    ck_assert_int_eq(lh_member_override_timeout_ms(member_at(def, 0), "stop"), 45000);
    ck_assert_int_eq(lh_member_override_timeout_ms(member_at(def, 0), "start"), -1);
    ck_assert_int_eq(lh_member_override_interval_ms(member_at(def, 0), "monitor"), -1);
}
END_TEST

START_TEST(lhdef_migration_threshold_zero)
{
    static const char text[] =
        "[logical-host]\n"                      /* 1 */
        "kill-timeout = 5s\n"                   /* 2 */
        "migration-threshold = 0\n"             /* 3 */
        DUMMY_MEMBER;                           /* 4-5 */
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "lhA", text);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_def) def = lh_def_load(path, problems);

    assert_problems(problems, path, {3, "migration-threshold must be at least 1"});
}
END_TEST

START_TEST(lhdef_migration_threshold_not_a_number)
{
    static const char *const values[] = {"three", "-1", "2x", ""};
    g_autofree char *dir = lh_test_tmpdir();

    for (gsize i = 0; i < G_N_ELEMENTS(values); i++) {
        g_autofree char *text =
            g_strdup_printf("[logical-host]\n"                       /* 1 */
                            "migration-threshold = %s\n"             /* 2 */
                            DUMMY_MEMBER, values[i]);                /* 3-4 */
        g_autofree char *path = write_def(dir, "lhA", text);
        g_autoptr(GPtrArray) problems = new_problems();
        g_autoptr(lh_def) def = lh_def_load(path, problems);
        g_autofree char *what = g_strdup_printf("migration-threshold: '%s' is not a whole number",
                                                values[i]);

        assert_problems(problems, path, {2, what});
    }
}
END_TEST

START_TEST(lhdef_malformed_agent)
{
    static const char text[] =
        "[member a]\n"                          /* 1 */
        "agent = ocf:heartbeat\n"               /* 2 */
        "[member b]\n"                          /* 3 */
        "agent = lsb:foo:bar\n"                 /* 4 */
        "[member c]\n"                          /* 5 */
        "agent = ocf:heartbeat:Dummy:extra\n"   /* 6 */
        "[member d]\n"                          /* 7 */
        "agent = ocf::Dummy\n"                  /* 8 */
        "[member e]\n"                          /* 9 */
        "agent = ocf:heartbeat:../../bin/sh\n"  /* 10 */
        "[member f]\n"                          /* 11 */
        "agent = ocf:heartbeat:Dummy\n";        /* 12 */
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "lhA", text);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_def) def = lh_def_load(path, problems);

    assert_problems(problems, path, {2, "agent 'ocf:heartbeat' is not ocf:PROVIDER:TYPE"},
                    {4, "agent 'lsb:foo:bar' is not ocf:PROVIDER:TYPE"},
                    {6, "agent 'ocf:heartbeat:Dummy:extra' is not"},
                    {8, "agent 'ocf::Dummy' is not"},
                    {10, "agent 'ocf:heartbeat:../../bin/sh' is not"});
    ck_assert_uint_eq(def->members->len, 6);
    for (guint i = 0; i < 5; i++) {
        ck_assert_ptr_null(member_at(def, i)->provider);
        ck_assert_ptr_null(member_at(def, i)->type);
    }
    ck_assert_str_eq(member_at(def, 0)->agent, "ocf:heartbeat");
    ck_assert_str_eq(member_at(def, 5)->type, "Dummy");
}
END_TEST

START_TEST(lhdef_missing_agent)
{
    static const char text[] =
        "[member disk]\n"                       /* 1 */
        "agent = ocf:heartbeat:Filesystem\n"    /* 2 */
        "\n"                                    /* 3 */
        "[member noagent]\n"                    /* 4 */
        "device = /dev/sdb1\n";                 /* 5 */
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "lhA", text);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_def) def = lh_def_load(path, problems);

    assert_problems(problems, path, {4, "member 'noagent' has no agent"});
    ck_assert_uint_eq(def->members->len, 2);
    ck_assert_ptr_null(member_at(def, 1)->agent);
    ck_assert_ptr_null(member_at(def, 1)->provider);
}
END_TEST

START_TEST(lhdef_bad_member_name)
{
    static const char text[] =
        "[member 1st]\n"                        /* 1 */
        "agent = ocf:heartbeat:Dummy\n"         /* 2 */
        "[member a/b]\n"                        /* 3 */
        "agent = ocf:heartbeat:Dummy\n"         /* 4 */
        "[member with space]\n"                 /* 5 */
        "agent = ocf:heartbeat:Dummy\n"         /* 6 */
        "[member ok_name_2.x]\n"                /* 7 */
        "agent = ocf:heartbeat:Dummy\n";        /* 8 */
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "lhA", text);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_def) def = lh_def_load(path, problems);

    assert_problems(problems, path, {1, "member name '1st'"}, {3, "member name 'a/b'"},
                    {5, "member name 'with space'"});
    ck_assert_uint_eq(def->members->len, 4);
    ck_assert_str_eq(member_at(def, 3)->id, "ok_name_2.x");
}
END_TEST

START_TEST(lhdef_bad_role)
{
    static const char text[] =
        "[member x]\n"                          /* 1 */
        "agent = ocf:heartbeat:Filesystem\n"    /* 2 */
        "role = boss\n";                        /* 3 */
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "lhA", text);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_def) def = lh_def_load(path, problems);

    assert_problems(problems, path, {3, "role 'boss' is not one of"});
    /* The agent's own role stands. */
    ck_assert_int_eq(member_at(def, 0)->role, LH_ROLE_DISK);
}
END_TEST

START_TEST(lhdef_bad_op_key)
{
    static const char text[] =
        "[member x]\n"                          /* 1 */
        "agent = ocf:heartbeat:Dummy\n"         /* 2 */
        "op.start.color = red\n"                /* 3 */
        "op.start = 20s\n"                      /* 4 */
        "op..timeout = 20s\n"                   /* 5 */
        "op.start.timeout.x = 20s\n"            /* 6 */
        "op.stop.interval = 5s\n";              /* 7 */
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "lhA", text);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_def) def = lh_def_load(path, problems);

    assert_problems(problems, path, {3, "op.start.color: operation keys are"},
                    {4, "op.start: operation keys are"}, {5, "op..timeout: operation keys are"},
                    {6, "op.start.timeout.x: operation keys are"});
    ck_assert_int_eq(lh_member_override_timeout_ms(member_at(def, 0), "start"), -1);
    ck_assert_int_eq(lh_member_override_interval_ms(member_at(def, 0), "stop"), 5000);
}
END_TEST

START_TEST(lhdef_bad_parameter_name)
{
    static const char text[] =
        "[member x]\n"                          /* 1 */
        "agent = ocf:heartbeat:Dummy\n"         /* 2 */
        "1fake = yes\n"                         /* 3 */
        "fa.ke = yes\n"                         /* 4 */
        "fake = yes\n";                         /* 5 */
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "lhA", text);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_def) def = lh_def_load(path, problems);
    g_autofree char *names = NULL;

    assert_problems(problems, path, {3, "'1fake' is not a parameter name"},
                    {4, "'fa.ke' is not a parameter name"});
    names = param_names(member_at(def, 0));
    ck_assert_str_eq(names, "fake");
}
END_TEST

/* ---- problems of the whole file ------------------------------------------- */

START_TEST(lhdef_no_members)
{
    static const char text[] = "[logical-host]\nmigration-threshold = 2\n";
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "lhA", text);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_def) def = lh_def_load(path, problems);
    g_autofree char *empty_path = write_def(dir, "lhE", "");
    g_autoptr(GPtrArray) empty_problems = new_problems();
    g_autoptr(lh_def) empty = lh_def_load(empty_path, empty_problems);

    assert_problems(problems, path, {0, "no [member NAME] group"});
    ck_assert_uint_eq(def->members->len, 0);
    assert_problems(empty_problems, empty_path, {0, "no [member NAME] group"});
    ck_assert_uint_eq(empty->members->len, 0);
}
END_TEST

START_TEST(lhdef_missing_file)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = lh_def_path(dir, "absent");
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_def) def = lh_def_load(path, problems);

    ck_assert_ptr_nonnull(def);
    assert_problems(problems, path, {0, "cannot read it"});
    ck_assert_uint_eq(def->members->len, 0);
    ck_assert_str_eq(def->name, "absent");
}
END_TEST

/* A path that exists but cannot be read as a file (the tests may run as root, to
 * whom a mode of 000 means nothing: a directory cannot be read by anyone). */
START_TEST(lhdef_unreadable_file)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = lh_def_path(dir, "lhA");
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_def) def = NULL;

    ck_assert_int_eq(mkdir(path, 0700), 0);
    def = lh_def_load(path, problems);
    ck_assert_ptr_nonnull(def);
    assert_problems(problems, path, {0, "cannot read it"});
    ck_assert_uint_eq(def->members->len, 0);
}
END_TEST

START_TEST(lhdef_bad_file_name)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "9lives", DUMMY_MEMBER);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_def) def = lh_def_load(path, problems);

    assert_problems(problems, path, {0, "'9lives' cannot name a logical host"});
    ck_assert_uint_eq(def->members->len, 1);
}
END_TEST

/* Every kind of problem at once: each one found, at its line, and nothing else. */
START_TEST(lhdef_every_problem_at_once)
{
    static const char text[] =
        "stray = 1\n"                           /*  1 key before any group */
        "[logical-host]\n"                      /*  2 */
        "migration-threshold = 0\n"             /*  3 at least 1 */
        "failure-timeout = 10 parsecs\n"        /*  4 not a duration */
        "colour = blue\n"                       /*  5 unknown policy key */
        "[member disk]\n"                       /*  6 */
        "agent = ocf:heartbeat:Filesystem\n"    /*  7 */
        "device = /dev/sdb1\n"                  /*  8 */
        "device = /dev/sdc1\n"                  /*  9 set twice */
        "not a key value line\n"                /* 10 not key = value */
        "op.start.color = red\n"                /* 11 bad op key */
        "[member disk]\n"                       /* 12 repeated group */
        "agent = ocf:heartbeat:Dummy\n"         /* 13 */
        "[member vip]\n"                        /* 14 */
        "agent = ocf:heartbeat\n"               /* 15 malformed agent */
        "[member -bad]\n"                       /* 16 bad member name */
        "agent = lsb:foo:bar\n"                 /* 17 malformed agent */
        "[member noagent]\n"                    /* 18 missing agent */
        "ip = 192.0.2.1\n"                      /* 19 */
        "[extras]\n";                           /* 20 unknown group */
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "lhA", text);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_def) def = lh_def_load(path, problems);

    assert_problems(problems, path, {1, "before any [group]"},
                    {3, "migration-threshold must be at least 1"},
                    {4, "failure-timeout: '10 parsecs' is not a duration"},
                    {5, "unknown policy key 'colour'"}, {9, "device is set twice"},
                    {10, "not a key = value line"}, {11, "op.start.color"},
                    {12, "[member disk] appears twice (first at line 6)"},
                    {15, "agent 'ocf:heartbeat' is not"}, {16, "member name '-bad'"},
                    {17, "agent 'lsb:foo:bar' is not"}, {18, "member 'noagent' has no agent"},
                    {20, "unknown group [extras]"});
    ck_assert_uint_eq(def->members->len, 4);
    ck_assert_str_eq(member_at(def, 0)->agent, "ocf:heartbeat:Filesystem");
}
END_TEST

/* ---- what GKeyFile alone would get wrong ------------------------------------ */

/* A key set twice is reported once, and its second value is ignored: GKeyFile would
 * list the key twice and keep the last value, so the parameter would reach the CIB
 * twice (one nvpair id twice) and a problem with it would be told at the first
 * line while the second value was used. */
START_TEST(lhdef_repeated_key_reported_once)
{
    static const char text[] =
        "[logical-host]\n"                      /* 1 */
        "colour = blue\n"                       /* 2 */
        "colour = red\n"                        /* 3 */
        "[member disk]\n"                       /* 4 */
        "agent = ocf:heartbeat:Filesystem\n"    /* 5 */
        "device = /dev/sdb1\n"                  /* 6 */
        "fstype = ext4\n"                       /* 7 */
        "device = /dev/sdc1\n"                  /* 8 */
        "role = ip\n"                           /* 9 */
        "role = bogus\n";                       /* 10 */
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "lhA", text);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_def) def = lh_def_load(path, problems);
    g_autofree char *names = NULL;

    assert_problems(problems, path, {3, "colour is set twice"},
                    {2, "unknown policy key 'colour'"}, {8, "device is set twice"},
                    {10, "role is set twice"});
    names = param_names(member_at(def, 0));
    ck_assert_str_eq(names, "device fstype");
    ck_assert_str_eq(g_hash_table_lookup(member_at(def, 0)->params, "device"), "/dev/sdb1");
    ck_assert_int_eq(member_at(def, 0)->role, LH_ROLE_IP);
}
END_TEST

/* Open bug: index_lines() checks no line of a repeated group and passes them on
 * to GKeyFile, so a line that is not key = value inside one makes
 * g_key_file_load_from_data() fail; lh_def_load() then returns with the members
 * it never parsed and reports nothing more, because a problem (the repeated
 * group) is already listed. Here only "5: [member disk] appears twice" comes back:
 * the bad line 6, the bad duration at line 10 and both members are lost. */
START_TEST(lhdef_bad_line_in_repeated_group)
{
    static const char text[] =
        "[member disk]\n"                       /* 1 */
        "agent = ocf:heartbeat:Filesystem\n"    /* 2 */
        "device = /dev/sdb1\n"                  /* 3 */
        "\n"                                    /* 4 */
        "[member disk]\n"                       /* 5 */
        "just some words\n"                     /* 6 */
        "[member extra]\n"                      /* 7 */
        "agent = ocf:heartbeat:Dummy\n"         /* 8 */
        "[logical-host]\n"                      /* 9 */
        "failure-timeout = soon\n";             /* 10 */
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "lhA", text);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_def) def = lh_def_load(path, problems);

    assert_problems(problems, path, {5, "[member disk] appears twice"},
                    {6, "not a key = value line"}, {10, "failure-timeout: 'soon'"});
    ck_assert_uint_eq(def->members->len, 2);
}
END_TEST

/* Open bug: a key GKeyFile will not take ("a]b", "x[y") passes index_lines(),
 * which only looks for the '='; g_key_file_load_from_data() then fails and
 * lh_def_load() reports GKeyFile's message with no line ("PATH: Invalid key name:
 * a]b") and stops: the malformed agent at line 5 is not reported, and no member
 * is loaded. */
START_TEST(lhdef_key_gkeyfile_refuses)
{
    static const char text[] =
        "[member x]\n"                          /* 1 */
        "agent = ocf:heartbeat:Dummy\n"         /* 2 */
        "a]b = 1\n"                             /* 3 */
        "[member y]\n"                          /* 4 */
        "agent = ocf:heartbeat\n";              /* 5 */
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "lhA", text);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_def) def = lh_def_load(path, problems);

    assert_problems(problems, path, {3, "a]b"}, {5, "agent 'ocf:heartbeat' is not"});
    ck_assert_uint_eq(def->members->len, 2);
}
END_TEST

/* ---- found by tests/fuzz (lhdef) ------------------------------------------- */

/* A value GKeyFile cannot read (not UTF-8) was dropped as if the line were not
 * there: a parameter vanished, a policy key took its default. */
START_TEST(lhdef_value_not_utf8)
{
    static const char text[] =
        "[logical-host]\n"                      /* 1 */
        "migration-threshold = \xff\n"          /* 2 */
        "[member x]\n"                          /* 3 */
        "agent = ocf:heartbeat:Dummy\n"         /* 4 */
        "fake = caf\xe9\n"                      /* 5 */
        "other = yes\n";                        /* 6 */
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "lhA", text);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_def) def = lh_def_load(path, problems);
    g_autofree char *names = NULL;

    assert_problems(problems, path, {2, "migration-threshold: the value is not UTF-8"},
                    {5, "fake: the value is not UTF-8"});
    names = param_names(member_at(def, 0));
    ck_assert_str_eq(names, "other");
}
END_TEST

/* A parameter value with a control character made a CIB that is not XML (and
 * agents refuse such values anyway). */
START_TEST(lhdef_value_with_a_control_character)
{
    static const char text[] =
        "[member x]\n"                          /* 1 */
        "agent = ocf:heartbeat:Dummy\n"         /* 2 */
        "fake = a\x0e\n"                        /* 3 */
        "state = two\\nlines\n"                 /* 4 */
        "other = yes\n";                        /* 5 */
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "lhA", text);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_def) def = lh_def_load(path, problems);

    assert_problems(problems, path, {3, "fake: the value contains the control character 0x0e"},
                    {4, "state: the value contains the control character 0x0a"});
    ck_assert_str_eq(param(member_at(def, 0), "other"), "yes");
}
END_TEST

/* A group name GKeyFile refuses made it refuse the whole file: every other
 * problem went unreported, and the error named no line. */
START_TEST(lhdef_group_gkeyfile_refuses)
{
    static const char text[] =
        "[member x]\n"                          /* 1 */
        "agent = ocf:heartbeat:Dummy\n"         /* 2 */
        "[member [y]]\n"                        /* 3 */
        "agent = ocf:heartbeat:Dummy\n"         /* 4 */
        "[]\n"                                  /* 5 */
        "[member z]\n"                          /* 6 */
        "agent = ocf:heartbeat\n";              /* 7 */
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "lhA", text);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_def) def = lh_def_load(path, problems);

    assert_problems(problems, path, {3, "[member [y]] is not a group"}, {5, "[] is not a group"},
                    {7, "agent 'ocf:heartbeat' is not"});
    ck_assert_uint_eq(def->members->len, 2);
}
END_TEST

/* GKeyFile reads "Encoding" in the first group as the file's encoding, and
 * refused the whole file for anything but UTF-8. */
START_TEST(lhdef_encoding_key_in_the_first_group)
{
    static const char text[] =
        "[member x]\n"                          /* 1 */
        "agent = ocf:heartbeat:Dummy\n"         /* 2 */
        "Encoding = latin1\n"                   /* 3 */
        "role = boss\n"                         /* 4 */
        "[member y]\n"                          /* 5 */
        "agent = ocf:heartbeat:Dummy\n"         /* 6 */
        "Encoding = latin1\n";                  /* 7 */
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "lhA", text);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_def) def = lh_def_load(path, problems);

    assert_problems(problems, path, {3, "Encoding: in the first group"},
                    {4, "role 'boss' is not one of"});
    ck_assert_str_eq(param(member_at(def, 1), "Encoding"), "latin1");
}
END_TEST

/* An operation named like the instance_attributes set made the CIB's op id that
 * of a parameter: lhA-y-instance_attributes-interval-0s twice. */
START_TEST(lhdef_operation_named_like_the_attribute_set)
{
    static const char text[] =
        "[member y]\n"                                  /* 1 */
        "agent = ocf:heartbeat:Dummy\n"                 /* 2 */
        "interval-0s = x\n"                             /* 3 */
        "op.instance_attributes.timeout = 1s\n"         /* 4 */
        "op.instance_attributes-a.interval = 1s\n"      /* 5 */
        "op.instance_attributes_a.interval = 1s\n";     /* 6 */
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "lhA", text);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_def) def = lh_def_load(path, problems);

    assert_problems(problems, path, {4, "op.instance_attributes.timeout: an operation cannot"},
                    {5, "op.instance_attributes-a.interval: an operation cannot"});
    ck_assert_int_eq(lh_member_override_interval_ms(member_at(def, 0), "instance_attributes_a"),
                     1000);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lhdef");

    add_tcase(s, lhdef_duration_units);
    add_tcase(s, lhdef_duration_rejects);
    add_tcase(s, lhdef_valid_members_in_file_order_with_roles);
    add_tcase(s, lhdef_valid_params_and_overrides);
    add_tcase(s, lhdef_policy_explicit);
    add_tcase(s, lhdef_policy_defaults);
    add_tcase(s, lhdef_policy_zero_failure_timeout);
    add_tcase(s, lhdef_paths);
    add_tcase(s, lhdef_repeated_member_group);
    add_tcase(s, lhdef_repeated_policy_group);
    add_tcase(s, lhdef_key_set_twice);
    add_tcase(s, lhdef_not_a_key_value_line);
    add_tcase(s, lhdef_key_before_any_group);
    add_tcase(s, lhdef_unknown_group);
    add_tcase(s, lhdef_unknown_policy_key);
    add_tcase(s, lhdef_bad_durations);
    add_tcase(s, lhdef_migration_threshold_zero);
    add_tcase(s, lhdef_migration_threshold_not_a_number);
    add_tcase(s, lhdef_malformed_agent);
    add_tcase(s, lhdef_missing_agent);
    add_tcase(s, lhdef_bad_member_name);
    add_tcase(s, lhdef_bad_role);
    add_tcase(s, lhdef_bad_op_key);
    add_tcase(s, lhdef_bad_parameter_name);
    add_tcase(s, lhdef_no_members);
    add_tcase(s, lhdef_missing_file);
    add_tcase(s, lhdef_unreadable_file);
    add_tcase(s, lhdef_bad_file_name);
    add_tcase(s, lhdef_every_problem_at_once);
    add_tcase(s, lhdef_repeated_key_reported_once);
    add_tcase(s, lhdef_bad_line_in_repeated_group);
    add_tcase(s, lhdef_key_gkeyfile_refuses);
    add_tcase(s, lhdef_value_not_utf8);
    add_tcase(s, lhdef_value_with_a_control_character);
    add_tcase(s, lhdef_group_gkeyfile_refuses);
    add_tcase(s, lhdef_encoding_key_in_the_first_group);
    add_tcase(s, lhdef_operation_named_like_the_attribute_set);
    return lh_test_run_suite(s);
}
