/* check_lhost.c - lhost/lhost.h, lhost/agentinfo.h, lhost/cib.h: a definition
 * validated against its members' real agents, and turned into Pacemaker's <group>.
 *
 * Every test builds an OCF root of its own in a private temporary directory, of
 * symbolic links to the real agents: resource-agents' (Filesystem, IPaddr2, Dummy,
 * under /usr/lib/ocf) as provider "heartbeat", and the lhost agents just built
 * (jp1base, jp1im, in LH_BUILD_AGENTS) as provider "lhost". What a caller relies on:
 * a sound definition opens with no problem and the timeouts and intervals of the
 * agents' own meta-data, unless it overrides them; each mistake the header lists is
 * one problem, at the line that holds it (the [member] header for what is missing,
 * the key for what is wrong), naming the other file and line when another
 * definition is concerned; meta-data is read as the header says; and the CIB is the
 * group, primitives, attributes and operations Pacemaker expects, with unique ids.
 * The line numbers below are written by hand beside each line of the texts.
 */
#include "config.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include <lhost/agentinfo.h>
#include <lhost/cib.h>
#include <lhost/lhost.h>

#include "check_common.h"
#include "check_problems.h"

#ifndef LH_BUILD_AGENTS
#error "LH_BUILD_AGENTS (the build's heartbeat/ directory) comes from tests/unit/local.mk"
#endif

/* resource-agents, as Debian and Red Hat install it. */
#define RA_OCF_LIB "/usr/lib/ocf/lib"
#define RA_HEARTBEAT "/usr/lib/ocf/resource.d/heartbeat"

/* ---- fixtures -------------------------------------------------------------- */

static void symlink_ok(const char *target, const char *path)
{
    ck_assert_msg(symlink(target, path) == 0, "cannot link %s to %s: %s", path, target,
                  g_strerror(errno));
}

static void assert_agent(const char *path)
{
    ck_assert_msg(access(path, X_OK) == 0, "%s is missing (resource-agents installed? the "
                                           "lhost agents built?)", path);
}

/* A new OCF root: lib and resource.d/heartbeat from resource-agents,
 * resource.d/lhost the build's agents (caller frees). */
static char *make_ocf_root(void)
{
    g_autofree char *dir = lh_test_tmpdir();
    char *root = g_build_filename(dir, "ocf", NULL);
    g_autofree char *agents = g_build_filename(root, "resource.d", NULL);
    g_autofree char *lib = g_build_filename(root, "lib", NULL);
    g_autofree char *heartbeat = g_build_filename(agents, "heartbeat", NULL);
    g_autofree char *lhost = g_build_filename(agents, "lhost", NULL);

    assert_agent(RA_HEARTBEAT "/Filesystem");
    assert_agent(LH_BUILD_AGENTS "/jp1base");
    ck_assert_int_eq(g_mkdir_with_parents(agents, 0755), 0);
    symlink_ok(RA_OCF_LIB, lib);
    symlink_ok(RA_HEARTBEAT, heartbeat);
    symlink_ok(LH_BUILD_AGENTS, lhost);
    return root;
}

/* Writes @text as lhA.conf in a new directory and opens it against a new OCF root
 * (*path receives the file's path, the caller frees it). */
static lh_lhost *open_text(const char *text, GPtrArray *problems, char **path)
{
    g_autofree char *root = make_ocf_root();
    g_autofree char *dir = lh_test_tmpdir();

    *path = write_def(dir, "lhA", text);
    return lh_lhost_open(*path, root, NULL, problems);
}

/* The lines of a sound Filesystem member, and of a sound logical host of four. */
#define DISK_MEMBER                                                                            \
    "[member disk]\n"                                                                          \
    "agent = ocf:heartbeat:Filesystem\n"                                                       \
    "device = /dev/sdb1\n"                                                                     \
    "directory = /shared/lhA\n"                                                                \
    "fstype = ext4\n"

static const char valid_text[] =
    "[member disk]\n"                           /*  1 */
    "agent = ocf:heartbeat:Filesystem\n"        /*  2 */
    "fstype = ext4\n"                           /*  3 */
    "device = /dev/sdb1\n"                      /*  4 */
    "directory = /shared/lhA\n"                 /*  5 */
    "\n"                                        /*  6 */
    "[member vip]\n"                            /*  7 */
    "agent = ocf:heartbeat:IPaddr2\n"           /*  8 */
    "ip = 192.0.2.10\n"                         /*  9 */
    "cidr_netmask = 24\n"                       /* 10 */
    "op.monitor.interval = 45s\n"               /* 11 */
    "\n"                                        /* 12 */
    "[member base]\n"                           /* 13 */
    "agent = ocf:lhost:jp1base\n"               /* 14 */
    "shared_dir = /shared/lhA/jp1base\n"        /* 15 */
    "logical_host = lhA\n"                      /* 16 */
    "op.start.timeout = 7min\n"                 /* 17 */
    "\n"                                        /* 18 */
    "[member im]\n"                             /* 19 */
    "agent = ocf:lhost:jp1im\n"                 /* 20 */
    "logical_host = lhA\n"                      /* 21 */
    "shared_dir = /shared/lhA/jp1im\n";         /* 22 */

/* ---- a sound definition ---------------------------------------------------- */

START_TEST(lhost_valid_definition)
{
    g_autoptr(GPtrArray) problems = new_problems();
    g_autofree char *path = NULL;
    g_autoptr(lh_lhost) lhost = open_text(valid_text, problems, &path);

    assert_no_problems(problems);
    ck_assert_uint_eq(lhost->def->members->len, 4);
    ck_assert_uint_eq(lhost->infos->len, 4);
    for (guint i = 0; i < 4; i++) {
        ck_assert_msg(g_ptr_array_index(lhost->infos, i) != NULL, "member %u: no meta-data", i);
    }
    /* Filesystem's meta-data: start and stop 60s, monitor every 20s within 40s; an
     * action it does not advertise gets the 20 s fallback. */
    ck_assert_int_eq(lh_lhost_timeout_ms(lhost, 0, "start"), 60000);
    ck_assert_int_eq(lh_lhost_timeout_ms(lhost, 0, "stop"), 60000);
    ck_assert_int_eq(lh_lhost_timeout_ms(lhost, 0, "monitor"), 40000);
    ck_assert_int_eq(lh_lhost_interval_ms(lhost, 0, "monitor"), 20000);
    ck_assert_int_eq(lh_lhost_timeout_ms(lhost, 0, "promote"), 20000);
    /* IPaddr2's meta-data (start 20s, monitor within 20s), the interval overridden. */
    ck_assert_int_eq(lh_lhost_timeout_ms(lhost, 1, "start"), 20000);
    ck_assert_int_eq(lh_lhost_timeout_ms(lhost, 1, "monitor"), 20000);
    ck_assert_int_eq(lh_lhost_interval_ms(lhost, 1, "monitor"), 45000);
    /* jp1base: the start timeout overridden. */
    ck_assert_int_eq(lh_lhost_timeout_ms(lhost, 2, "start"), 420000);
}
END_TEST

/* Members of no role may go anywhere; a role the definition names counts in the
 * order like the one an agent implies. */
START_TEST(lhost_order_of_other_members_and_named_roles)
{
    static const char text[] =
        "[member first]\n"                      /*  1 */
        "agent = ocf:heartbeat:Dummy\n"         /*  2 */
        DISK_MEMBER                             /*  3-7 */
        "[member middle]\n"                     /*  8 */
        "agent = ocf:heartbeat:Dummy\n"         /*  9 */
        "[member vip]\n"                        /* 10 */
        "agent = ocf:heartbeat:IPaddr2\n"       /* 11 */
        "ip = 192.0.2.10\n"                     /* 12 */
        "[member late]\n"                       /* 13 */
        "agent = ocf:heartbeat:Dummy\n"         /* 14 */
        "role = disk\n";                        /* 15 */
    g_autoptr(GPtrArray) problems = new_problems();
    g_autofree char *path = NULL;
    g_autoptr(lh_lhost) lhost = open_text(text, problems, &path);

    assert_problems(problems, path, {13, "member 'late' (disk) comes after 'vip' (ip)"});
}
END_TEST

/* A shared directory is on the disk when it is the mount point or below it, however
 * the path is spelled. */
START_TEST(lhost_shared_dir_on_the_disk)
{
    static const char text[] =
        DISK_MEMBER                             /*  1-5 */
        "[member base]\n"                       /*  6 */
        "agent = ocf:lhost:jp1base\n"           /*  7 */
        "logical_host = lhA\n"                  /*  8 */
        "shared_dir = /shared/lhA/\n"           /*  9 */
        "[member im]\n"                         /* 10 */
        "agent = ocf:lhost:jp1im\n"             /* 11 */
        "logical_host = lhA\n"                  /* 12 */
        "shared_dir = /shared//lhA/./x/../im\n";/* 13 */
    g_autoptr(GPtrArray) problems = new_problems();
    g_autofree char *path = NULL;
    g_autoptr(lh_lhost) lhost = open_text(text, problems, &path);

    assert_no_problems(problems);
}
END_TEST

/* ---- what the members' meta-data finds ------------------------------------- */

START_TEST(lhost_missing_required_parameter)
{
    static const char text[] =
        "[member disk]\n"                       /*  1 */
        "agent = ocf:heartbeat:Filesystem\n"    /*  2 */
        "device = /dev/sdb1\n"                  /*  3 */
        "directory = /shared/lhA\n"             /*  4 */
        "[member vip]\n"                        /*  5 */
        "agent = ocf:heartbeat:IPaddr2\n"       /*  6 */
        "cidr_netmask = 24\n"                   /*  7 */
        "[member base]\n"                       /*  8 */
        "agent = ocf:lhost:jp1base\n"           /*  9 */
        "logical_host = lhA\n";                 /* 10 */
    g_autoptr(GPtrArray) problems = new_problems();
    g_autofree char *path = NULL;
    g_autoptr(lh_lhost) lhost = open_text(text, problems, &path);

    assert_problems(problems, path,
                    {1, "member 'disk' (ocf:heartbeat:Filesystem) lacks the required "
                        "parameter 'fstype'"},
                    {5, "member 'vip' (ocf:heartbeat:IPaddr2) lacks the required parameter 'ip'"},
                    {8, "member 'base' (ocf:lhost:jp1base) lacks the required parameter "
                        "'shared_dir'"});
}
END_TEST

/* Each member against its own agent's parameters: IPaddr2's "ip" is unknown to
 * Filesystem. */
START_TEST(lhost_unknown_parameter)
{
    static const char text[] =
        "[member disk]\n"                       /*  1 */
        "agent = ocf:heartbeat:Filesystem\n"    /*  2 */
        "device = /dev/sdb1\n"                  /*  3 */
        "ip = 192.0.2.10\n"                     /*  4 */
        "directory = /shared/lhA\n"             /*  5 */
        "fstype = ext4\n"                       /*  6 */
        "colour = red\n"                        /*  7 */
        "[member vip]\n"                        /*  8 */
        "agent = ocf:heartbeat:IPaddr2\n"       /*  9 */
        "ip = 192.0.2.10\n"                     /* 10 */
        "netmask = 24\n";                       /* 11 */
    g_autoptr(GPtrArray) problems = new_problems();
    g_autofree char *path = NULL;
    g_autoptr(lh_lhost) lhost = open_text(text, problems, &path);

    assert_problems(problems, path,
                    {4, "member 'disk': ocf:heartbeat:Filesystem has no parameter 'ip'"},
                    {7, "member 'disk': ocf:heartbeat:Filesystem has no parameter 'colour'"},
                    {11, "member 'vip': ocf:heartbeat:IPaddr2 has no parameter 'netmask'"});
}
END_TEST

/* An unknown agent is one problem, at its agent line: its parameters cannot be
 * checked and are not reported. */
START_TEST(lhost_unknown_agent)
{
    static const char text[] =
        DISK_MEMBER                             /*  1-5 */
        "[member ghost]\n"                      /*  6 */
        "agent = ocf:heartbeat:NoSuchAgent\n"   /*  7 */
        "whatever = 1\n"                        /*  8 */
        "[member stranger]\n"                   /*  9 */
        "\n"                                    /* 10 */
        "agent = ocf:nosuchprovider:Dummy\n";   /* 11 */
    g_autoptr(GPtrArray) problems = new_problems();
    g_autofree char *path = NULL;
    g_autoptr(lh_lhost) lhost = open_text(text, problems, &path);

    assert_problems(problems, path, {7, "member 'ghost': no agent ocf:heartbeat:NoSuchAgent"},
                    {11, "member 'stranger': no agent ocf:nosuchprovider:Dummy"});
    ck_assert_ptr_nonnull(g_ptr_array_index(lhost->infos, 0));
    ck_assert_ptr_null(g_ptr_array_index(lhost->infos, 1));
    ck_assert_ptr_null(g_ptr_array_index(lhost->infos, 2));
    /* Without meta-data: the fallbacks (20 s; a monitor every 10 s). */
    ck_assert_int_eq(lh_lhost_timeout_ms(lhost, 1, "start"), 20000);
    ck_assert_int_eq(lh_lhost_interval_ms(lhost, 1, "monitor"), 10000);
}
END_TEST

/* Agents that run but say nothing usable: each is a problem at its agent line. */
START_TEST(lhost_agent_without_valid_metadata)
{
    static const char text[] =
        DISK_MEMBER                             /*  1-5 */
        "[member garbage]\n"                    /*  6 */
        "agent = ocf:fake:garbage\n"            /*  7 */
        "[member fails]\n"                      /*  8 */
        "agent = ocf:fake:fails\n"              /*  9 */
        "[member plain]\n"                      /* 10 */
        "agent = ocf:fake:plain\n";             /* 11 */
    g_autofree char *root = make_ocf_root();
    g_autofree char *fake = g_build_filename(root, "resource.d", "fake", NULL);
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "lhA", text);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_lhost) lhost = NULL;
    g_autofree char *garbage = NULL, *fails = NULL, *plain = NULL;

    ck_assert_int_eq(g_mkdir_with_parents(fake, 0755), 0);
    garbage = lh_test_write_script(fake, "garbage", "echo 'this is not XML'\n");
    fails = lh_test_write_script(fake, "fails", "exit 1\n");
    plain = g_build_filename(fake, "plain", NULL);
    lh_test_write_file(plain, "#!/bin/sh\n", 0644);
    lhost = lh_lhost_open(path, root, NULL, problems);
    assert_problems(problems, path, {7, "member 'garbage':"}, {9, "member 'fails':"},
                    {11, "member 'plain': no agent ocf:fake:plain"});
}
END_TEST

/* Found by tests/fuzz (agentinfo): a required <parameter> without a name gave a
 * NULL name, which the required-parameter check hashed (a crash of lhost check,
 * from any installed agent's meta-data). Nameless entries are no parameters. */
START_TEST(lhost_agent_with_nameless_parameters)
{
    static const char text[] =
        "[member one]\n"                        /* 1 */
        "agent = ocf:fake:nameless\n"           /* 2 */
        "name = a\n"                            /* 3 */
        "[member two]\n"                        /* 4 */
        "agent = ocf:fake:nameless\n"           /* 5 */
        "name = b\n";                           /* 6 */
    g_autofree char *root = make_ocf_root();
    g_autofree char *fake = g_build_filename(root, "resource.d", "fake", NULL);
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "lhA", text);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_lhost) lhost = NULL;
    g_autofree char *agent = NULL;
    const lh_agent_info *info;

    ck_assert_int_eq(g_mkdir_with_parents(fake, 0755), 0);
    agent = lh_test_write_script(
        fake, "nameless",
        "cat <<'EOF'\n"
        "<resource-agent><parameters><parameter required=\"1\"/><parameter unique=\"1\"/>"
        "<parameter name=\"name\" unique=\"1\"/></parameters>"
        "<actions><action timeout=\"5s\"/><action name=\"start\" timeout=\"7s\"/></actions>"
        "</resource-agent>\n"
        "EOF\n");
    lhost = lh_lhost_open(path, root, NULL, problems);
    assert_no_problems(problems);
    info = g_ptr_array_index(lhost->infos, 0);
    ck_assert_uint_eq(info->params->len, 1);
    ck_assert_uint_eq(info->actions->len, 1);
    ck_assert_int_eq(lh_lhost_timeout_ms(lhost, 0, "start"), 7000);
}
END_TEST

/* ---- duplicates ------------------------------------------------------------- */

START_TEST(lhost_duplicate_ip)
{
    static const char text[] =
        DISK_MEMBER                             /*  1-5 */
        "[member vip]\n"                        /*  6 */
        "agent = ocf:heartbeat:IPaddr2\n"       /*  7 */
        "ip = 192.0.2.10\n"                     /*  8 */
        "[member vip2]\n"                       /*  9 */
        "agent = ocf:heartbeat:IPaddr2\n"       /* 10 */
        "cidr_netmask = 24\n"                   /* 11 */
        "ip = 192.0.2.10\n"                     /* 12 */
        "[member vip3]\n"                       /* 13 */
        "agent = ocf:heartbeat:IPaddr2\n"       /* 14 */
        "ip = 192.0.2.11\n";                    /* 15 */
    g_autoptr(GPtrArray) problems = new_problems();
    g_autofree char *path = NULL;
    g_autoptr(lh_lhost) lhost = open_text(text, problems, &path);

    assert_problems(problems, path, {9, "member 'vip2' duplicates member 'vip' (line 6)"});
}
END_TEST

START_TEST(lhost_duplicate_base)
{
    static const char text[] =
        DISK_MEMBER                             /*  1-5 */
        "[member base]\n"                       /*  6 */
        "agent = ocf:lhost:jp1base\n"           /*  7 */
        "logical_host = lhA\n"                  /*  8 */
        "shared_dir = /shared/lhA/b1\n"         /*  9 */
        "[member base2]\n"                      /* 10 */
        "agent = ocf:lhost:jp1base\n"           /* 11 */
        "logical_host = lhA\n"                  /* 12 */
        "shared_dir = /shared/lhA/b2\n"         /* 13 */
        "[member other]\n"                      /* 14 */
        "agent = ocf:lhost:jp1base\n"           /* 15 */
        "logical_host = lhZ\n"                  /* 16 */
        "shared_dir = /shared/lhA/b3\n";        /* 17 */
    g_autoptr(GPtrArray) problems = new_problems();
    g_autofree char *path = NULL;
    g_autoptr(lh_lhost) lhost = open_text(text, problems, &path);

    assert_problems(problems, path, {10, "member 'base2' duplicates member 'base' (line 6)"});
}
END_TEST

/* ---- order ------------------------------------------------------------------ */

START_TEST(lhost_order_ip_before_disk)
{
    static const char text[] =
        "[member vip]\n"                        /*  1 */
        "agent = ocf:heartbeat:IPaddr2\n"       /*  2 */
        "ip = 192.0.2.10\n"                     /*  3 */
        DISK_MEMBER;                            /*  4-8 */
    g_autoptr(GPtrArray) problems = new_problems();
    g_autofree char *path = NULL;
    g_autoptr(lh_lhost) lhost = open_text(text, problems, &path);

    assert_problems(problems, path, {4, "member 'disk' (disk) comes after 'vip' (ip)"});
}
END_TEST

/* Both things wrong are said: the manager has no base before it, and the base
 * comes after the manager. */
START_TEST(lhost_order_manager_before_base)
{
    static const char text[] =
        DISK_MEMBER                             /*  1-5 */
        "[member im]\n"                         /*  6 */
        "agent = ocf:lhost:jp1im\n"             /*  7 */
        "logical_host = lhA\n"                  /*  8 */
        "shared_dir = /shared/lhA/im\n"         /*  9 */
        "[member base]\n"                       /* 10 */
        "agent = ocf:lhost:jp1base\n"           /* 11 */
        "logical_host = lhA\n"                  /* 12 */
        "shared_dir = /shared/lhA/base\n";      /* 13 */
    g_autoptr(GPtrArray) problems = new_problems();
    g_autofree char *path = NULL;
    g_autoptr(lh_lhost) lhost = open_text(text, problems, &path);

    assert_problems(problems, path,
                    {6, "manager 'im' (ocf:lhost:jp1im) has no base member before it"},
                    {10, "member 'base' (base) comes after 'im' (manager)"});
}
END_TEST

/* JP1/AJS3 is a manager too: it needs a base before it, and it comes after JP1/IM -
 * Manager when a logical host has both. */
START_TEST(lhost_order_ajs3_before_base_and_im)
{
    static const char text[] =
        DISK_MEMBER                             /*  1-5 */
        "[member ajs]\n"                        /*  6 */
        "agent = ocf:lhost:ajs3\n"              /*  7 */
        "logical_host = lhA\n"                  /*  8 */
        "shared_dir = /shared/lhA/ajs\n"        /*  9 */
        "[member base]\n"                       /* 10 */
        "agent = ocf:lhost:jp1base\n"           /* 11 */
        "logical_host = lhA\n"                  /* 12 */
        "shared_dir = /shared/lhA/base\n"       /* 13 */
        "[member im]\n"                         /* 14 */
        "agent = ocf:lhost:jp1im\n"             /* 15 */
        "logical_host = lhA\n"                  /* 16 */
        "shared_dir = /shared/lhA/im\n";        /* 17 */
    g_autoptr(GPtrArray) problems = new_problems();
    g_autofree char *path = NULL;
    g_autoptr(lh_lhost) lhost = open_text(text, problems, &path);

    assert_problems(problems, path,
                    {6, "manager 'ajs' (ocf:lhost:ajs3) has no base member before it"},
                    {6, "member 'ajs' (ocf:lhost:ajs3) comes before 'im' (ocf:lhost:jp1im, "
                        "line 14): JP1/AJS3 - Manager starts after JP1/IM - Manager"},
                    {10, "member 'base' (base) comes after 'ajs' (manager)"});
}
END_TEST

START_TEST(lhost_order_five_members)
{
    static const char text[] =
        DISK_MEMBER                             /*  1-5 */
        "[member base]\n"                       /*  6 */
        "agent = ocf:lhost:jp1base\n"           /*  7 */
        "logical_host = lhA\n"                  /*  8 */
        "shared_dir = /shared/lhA/base\n"       /*  9 */
        "[member im]\n"                         /* 10 */
        "agent = ocf:lhost:jp1im\n"             /* 11 */
        "logical_host = lhA\n"                  /* 12 */
        "shared_dir = /shared/lhA/im\n"         /* 13 */
        "[member ajs]\n"                        /* 14 */
        "agent = ocf:lhost:ajs3\n"              /* 15 */
        "logical_host = lhA\n"                  /* 16 */
        "shared_dir = /shared/lhA/ajs\n";       /* 17 */
    g_autoptr(GPtrArray) problems = new_problems();
    g_autofree char *path = NULL;
    g_autoptr(lh_lhost) lhost = open_text(text, problems, &path);

    ck_assert_ptr_nonnull(lhost);
    ck_assert_uint_eq(problems->len, 0);
}
END_TEST

START_TEST(lhost_order_manager_without_base)
{
    static const char text[] =
        DISK_MEMBER                             /*  1-5 */
        "[member im]\n"                         /*  6 */
        "agent = ocf:lhost:jp1im\n"             /*  7 */
        "logical_host = lhA\n"                  /*  8 */
        "shared_dir = /shared/lhA/im\n";        /*  9 */
    g_autoptr(GPtrArray) problems = new_problems();
    g_autofree char *path = NULL;
    g_autoptr(lh_lhost) lhost = open_text(text, problems, &path);

    assert_problems(problems, path,
                    {6, "manager 'im' (ocf:lhost:jp1im) has no base member before it"});
}
END_TEST

/* ---- shared directories ------------------------------------------------------ */

/* Off the disk, including a directory that only starts with the mount point's
 * name (/shared/lhA2 is not under /shared/lhA). */
START_TEST(lhost_shared_dir_off_the_disk)
{
    static const char text[] =
        DISK_MEMBER                             /*  1-5 */
        "[member base]\n"                       /*  6 */
        "agent = ocf:lhost:jp1base\n"           /*  7 */
        "logical_host = lhA\n"                  /*  8 */
        "shared_dir = /srv/jp1base\n"           /*  9 */
        "[member im]\n"                         /* 10 */
        "agent = ocf:lhost:jp1im\n"             /* 11 */
        "shared_dir = /shared/lhA2/jp1im\n"     /* 12 */
        "logical_host = lhA\n";                 /* 13 */
    g_autoptr(GPtrArray) problems = new_problems();
    g_autofree char *path = NULL;
    g_autoptr(lh_lhost) lhost = open_text(text, problems, &path);

    assert_problems(problems, path,
                    {9, "member 'base': shared_dir /srv/jp1base is on no shared disk"},
                    {12, "member 'im': shared_dir /shared/lhA2/jp1im is on no shared disk"});
}
END_TEST

/* A second definition lhB.conf beside lhA.conf (DISK_MEMBER, device at line 3,
 * directory at line 4), of one Filesystem member with @device at its line 4 and
 * @directory at its line 5; lhA opened. */
static lh_lhost *open_beside(const char *device, const char *directory, GPtrArray *problems,
                             char **path, char **sibling)
{
    g_autofree char *root = make_ocf_root();
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *text = g_strdup_printf("[member data]\n"                    /* 1 */
                                            "agent = ocf:heartbeat:Filesystem\n" /* 2 */
                                            "fstype = xfs\n"                     /* 3 */
                                            "device = %s\n"                      /* 4 */
                                            "directory = %s\n",                  /* 5 */
                                            device, directory);

    *path = write_def(dir, "lhA", DISK_MEMBER);
    *sibling = write_def(dir, "lhB", text);
    return lh_lhost_open(*path, root, NULL, problems);
}

START_TEST(lhost_sibling_same_directory)
{
    g_autoptr(GPtrArray) problems = new_problems();
    g_autofree char *path = NULL, *sibling = NULL;
    g_autoptr(lh_lhost) lhost = open_beside("/dev/sdc1", "/shared/lhA", problems, &path, &sibling);
    g_autofree char *what = g_strdup_printf("shared directory /shared/lhA is also used by "
                                            "logical host lhB (%s:5)", sibling);

    assert_problems(problems, path, {4, what});
}
END_TEST

/* One mount point within the other, either way round, is the same disk space. */
START_TEST(lhost_sibling_nested_directory)
{
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(GPtrArray) problems2 = new_problems();
    g_autofree char *path = NULL, *sibling = NULL, *path2 = NULL, *sibling2 = NULL;
    g_autoptr(lh_lhost) inner =
        open_beside("/dev/sdc1", "/shared/lhA/inner", problems, &path, &sibling);
    g_autoptr(lh_lhost) outer = open_beside("/dev/sdc1", "/shared", problems2, &path2, &sibling2);
    g_autofree char *what = g_strdup_printf("shared directory /shared/lhA is also used by "
                                            "logical host lhB (%s:5)", sibling);
    g_autofree char *what2 = g_strdup_printf("shared directory /shared/lhA is also used by "
                                             "logical host lhB (%s:5)", sibling2);

    assert_problems(problems, path, {4, what});
    assert_problems(problems2, path2, {4, what2});
}
END_TEST

START_TEST(lhost_sibling_same_device)
{
    g_autoptr(GPtrArray) problems = new_problems();
    g_autofree char *path = NULL, *sibling = NULL;
    g_autoptr(lh_lhost) lhost = open_beside("/dev/sdb1", "/shared/lhB", problems, &path, &sibling);
    g_autofree char *what = g_strdup_printf("shared disk /dev/sdb1 is also used by logical "
                                            "host lhB (%s:4)", sibling);

    assert_problems(problems, path, {3, what});
}
END_TEST

/* Another definition's product directory on this one's disk. */
START_TEST(lhost_sibling_shared_dir_on_my_disk)
{
    static const char other[] =
        "[member data]\n"                       /* 1 */
        "agent = ocf:heartbeat:Filesystem\n"    /* 2 */
        "device = /dev/sdc1\n"                  /* 3 */
        "directory = /shared/lhB\n"             /* 4 */
        "fstype = ext4\n"                       /* 5 */
        "[member base]\n"                       /* 6 */
        "agent = ocf:lhost:jp1base\n"           /* 7 */
        "logical_host = lhB\n"                  /* 8 */
        "shared_dir = /shared/lhA/jp1base\n";   /* 9 */
    g_autofree char *root = make_ocf_root();
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "lhA", DISK_MEMBER);
    g_autofree char *sibling = write_def(dir, "lhB", other);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_lhost) lhost = lh_lhost_open(path, root, NULL, problems);
    g_autofree char *what = g_strdup_printf("shared directory /shared/lhA is also used by "
                                            "logical host lhB (%s:9)", sibling);

    assert_problems(problems, path, {4, what});
}
END_TEST

/* What is not another definition, or claims nothing of ours, is no problem: a
 * backup copy (not .conf), a directory that only shares a prefix, a broken file. */
START_TEST(lhost_sibling_unrelated)
{
    g_autofree char *root = make_ocf_root();
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = write_def(dir, "lhA", valid_text);
    g_autofree char *backup = g_build_filename(dir, "lhA.conf.bak", NULL);
    g_autofree char *prefix = write_def(dir, "lhB", "[member data]\n"
                                                    "agent = ocf:heartbeat:Filesystem\n"
                                                    "device = /dev/sdb10\n"
                                                    "directory = /shared/lhAB\n"
                                                    "fstype = ext4\n");
    g_autofree char *broken = write_def(dir, "lhC", "junk\n[member\n");
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_lhost) lhost = NULL;

    lh_test_write_file(backup, valid_text, 0644);
    lhost = lh_lhost_open(path, root, NULL, problems);
    assert_no_problems(problems);
}
END_TEST

/* Open bug: check_siblings() (lib/engine/lhcheck.c) skips the definition itself by
 * comparing g_build_filename(dirname(path), entry) with the path as given, as
 * text. A path with a doubled slash (or a relative one without a directory, as
 * below) does not compare equal, so the definition is read as its own sibling and
 * every claim clashes with itself: here 2 problems ("shared disk /dev/sdb1 is also
 * used by logical host lhA (DIR/lhA.conf:3)", the same for /shared/lhA) instead of
 * none. Comparing st_dev/st_ino would not be fooled. */
START_TEST(lhost_doubled_slash_is_not_a_sibling)
{
    g_autofree char *root = make_ocf_root();
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *written = write_def(dir, "lhA", DISK_MEMBER);
    g_autofree char *path = g_strconcat(dir, "//lhA.conf", NULL);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_lhost) lhost = lh_lhost_open(path, root, NULL, problems);

    assert_no_problems(problems);
}
END_TEST

/* Open bug: as above, with "lhA.conf" opened from its own directory (dirname ".",
 * so the sibling's path is "./lhA.conf"): 2 problems instead of none. */
START_TEST(lhost_relative_path_is_not_a_sibling)
{
    g_autofree char *root = make_ocf_root();
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *written = write_def(dir, "lhA", DISK_MEMBER);
    g_autoptr(GPtrArray) problems = new_problems();
    g_autoptr(lh_lhost) lhost = NULL;

    ck_assert_int_eq(chdir(dir), 0);
    lhost = lh_lhost_open("lhA.conf", root, NULL, problems);
    assert_no_problems(problems);
}
END_TEST

/* ---- meta-data ------------------------------------------------------------- */

static const char handwritten_metadata[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE resource-agent SYSTEM \"ra-api-1.dtd\">\n"
    "<resource-agent name=\"demo\" version=\"1.0\">\n"
    "  <version>1.1</version>\n"
    "  <shortdesc lang=\"en\">demo</shortdesc>\n"
    "  <parameters>\n"
    "    <parameter name=\"path\" required=\"1\" unique=\"1\">\n"
    "      <content type=\"string\"/>\n"
    "    </parameter>\n"
    "    <parameter name=\"mode\" required=\"0\" unique=\"0\">\n"
    "      <shortdesc lang=\"en\">mode</shortdesc>\n"
    "      <content type=\"string\" default=\"fast\"/>\n"
    "    </parameter>\n"
    "    <parameter name=\"host\" unique-group=\"endpoint\">\n"
    "      <content type=\"string\"/>\n"
    "    </parameter>\n"
    "    <parameter name=\"port\" unique-group=\"endpoint\">\n"
    "      <content type=\"integer\" default=\"80\"/>\n"
    "    </parameter>\n"
    "    <parameter name=\"plain\"/>\n"
    "  </parameters>\n"
    "  <actions>\n"
    "    <action name=\"start\" timeout=\"90s\"/>\n"
    "    <action name=\"stop\" timeout=\"2min\"/>\n"
    "    <action name=\"monitor\" depth=\"10\" timeout=\"120s\" interval=\"5min\"/>\n"
    "    <action name=\"monitor\" depth=\"0\" timeout=\"30s\" interval=\"15s\"/>\n"
    "    <action name=\"meta-data\" timeout=\"5\"/>\n"
    "  </actions>\n"
    "</resource-agent>\n";

static const lh_agent_param *param_at(const lh_agent_info *info, guint i)
{
    ck_assert_uint_lt(i, info->params->len);
    return g_ptr_array_index(info->params, i);
}

static const lh_agent_action *action_at(const lh_agent_info *info, guint i)
{
    ck_assert_uint_lt(i, info->actions->len);
    return g_ptr_array_index(info->actions, i);
}

START_TEST(agentinfo_parse_handwritten)
{
    static const struct {
        const char *name;
        gboolean required, unique;
        const char *default_value;
    } params[] = {
        {"path", TRUE, TRUE, NULL},   {"mode", FALSE, FALSE, "fast"}, {"host", FALSE, TRUE, NULL},
        {"port", FALSE, TRUE, "80"},  {"plain", FALSE, FALSE, NULL},
    };
    static const struct {
        const char *name;
        gint64 timeout_ms, interval_ms;
        int depth;
    } actions[] = {
        {"start", 90000, -1, 0},       {"stop", 120000, -1, 0},
        {"monitor", 120000, 300000, 10}, {"monitor", 30000, 15000, 0},
        {"meta-data", 5000, -1, 0},
    };
    char *reason = NULL;
    g_autoptr(lh_agent_info) info =
        lh_agent_info_parse(handwritten_metadata, strlen(handwritten_metadata), &reason);

    ck_assert_msg(info != NULL, "not parsed: %s", reason != NULL ? reason : "(no reason)");
    ck_assert_uint_eq(info->params->len, G_N_ELEMENTS(params));
    for (guint i = 0; i < G_N_ELEMENTS(params); i++) {
        const lh_agent_param *p = param_at(info, i);

        ck_assert_str_eq(p->name, params[i].name);
        ck_assert_msg(!p->required == !params[i].required, "%s: required %d", p->name,
                      p->required);
        ck_assert_msg(!p->unique == !params[i].unique, "%s: unique %d", p->name, p->unique);
        ck_assert_pstr_eq(p->default_value, params[i].default_value);
        ck_assert_ptr_eq(lh_agent_info_param(info, params[i].name), p);
    }
    ck_assert_ptr_null(lh_agent_info_param(info, "nope"));
    ck_assert_uint_eq(info->actions->len, G_N_ELEMENTS(actions));
    for (guint i = 0; i < G_N_ELEMENTS(actions); i++) {
        const lh_agent_action *a = action_at(info, i);

        ck_assert_str_eq(a->name, actions[i].name);
        ck_assert_int_eq(a->timeout_ms, actions[i].timeout_ms);
        ck_assert_int_eq(a->interval_ms, actions[i].interval_ms);
        ck_assert_int_eq(a->depth, actions[i].depth);
    }
    /* The monitor of depth 0, although the depth-10 one comes first. */
    ck_assert_int_eq(lh_agent_info_timeout_ms(info, "monitor"), 30000);
    ck_assert_int_eq(lh_agent_info_interval_ms(info, "monitor"), 15000);
    ck_assert_int_eq(lh_agent_info_timeout_ms(info, "start"), 90000);
    ck_assert_int_eq(lh_agent_info_interval_ms(info, "start"), -1);
    ck_assert_int_eq(lh_agent_info_timeout_ms(info, "stop"), 120000);
    ck_assert_int_eq(lh_agent_info_timeout_ms(info, "promote"), -1);
    ck_assert_int_eq(lh_agent_info_interval_ms(info, "promote"), -1);
}
END_TEST

START_TEST(agentinfo_parse_garbage)
{
    static const char *const garbage[] = {
        "",
        "this is not XML at all",
        "<resource-agent name=\"cut\"><parameters>",
        "<?xml version=\"1.0\"?><html><body/></html>",
        "<?xml version=\"1.0\"?><resource-agents/>",
    };

    for (gsize i = 0; i < G_N_ELEMENTS(garbage); i++) {
        g_autofree char *reason = NULL;
        g_autoptr(lh_agent_info) info = lh_agent_info_parse(garbage[i], strlen(garbage[i]),
                                                            &reason);

        ck_assert_msg(info == NULL, "'%s' parsed as meta-data", garbage[i]);
        ck_assert_msg(reason != NULL && reason[0] != '\0', "'%s': no reason", garbage[i]);
    }
}
END_TEST

/* The real Filesystem agent, run for its meta-data. */
START_TEST(agentinfo_load_real_agent)
{
    g_autofree char *root = make_ocf_root();
    g_autofree char *env_root = g_strconcat("OCF_ROOT=", root, NULL);
    char *const envp[] = {(char *)LH_TEST_PATH, env_root, NULL};
    g_autofree char *reason = NULL;
    g_autofree char *missing_reason = NULL;
    g_autoptr(lh_agent_info) info = lh_agent_info_load(root, "heartbeat", "Filesystem", envp,
                                                       &reason);
    g_autoptr(lh_agent_info) missing = lh_agent_info_load(root, "heartbeat", "NoSuchAgent",
                                                          envp, &missing_reason);
    g_autofree char *agent = lh_agent_path(root, "heartbeat", "Filesystem");

    ck_assert_msg(info != NULL, "Filesystem: %s", reason != NULL ? reason : "(no reason)");
    ck_assert_str_eq(info->path, agent);
    ck_assert(lh_agent_info_param(info, "device")->required);
    ck_assert(lh_agent_info_param(info, "directory")->required);
    ck_assert(lh_agent_info_param(info, "fstype")->required);
    ck_assert(!lh_agent_info_param(info, "options")->required);
    ck_assert_int_eq(lh_agent_info_timeout_ms(info, "start"), 60000);
    ck_assert_int_eq(lh_agent_info_interval_ms(info, "monitor"), 20000);
    ck_assert_ptr_null(missing);
    ck_assert_ptr_nonnull(missing_reason);
    ck_assert_msg(strstr(missing_reason, "ocf:heartbeat:NoSuchAgent") != NULL, "reason: %s",
                  missing_reason);
}
END_TEST

/* ---- the CIB ----------------------------------------------------------------- */

static xmlDocPtr parse_xml(const char *xml)
{
    xmlDocPtr doc = xmlReadMemory(xml, (int)strlen(xml), "cib.xml", NULL,
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);

    ck_assert_msg(doc != NULL, "not well-formed XML:\n%s", xml);
    return doc;
}

static xmlXPathObjectPtr xpath_eval(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr obj = xmlXPathEvalExpression((const xmlChar *)expr, ctx);

    xmlXPathFreeContext(ctx);
    ck_assert_msg(obj != NULL, "bad XPath %s", expr);
    return obj;
}

/* The string value of an XPath expression (caller frees). */
static char *xpath_string(xmlDocPtr doc, const char *expr)
{
    xmlXPathObjectPtr obj = xpath_eval(doc, expr);
    xmlChar *value = xmlXPathCastToString(obj);
    char *copy = g_strdup((const char *)value);

    xmlFree(value);
    xmlXPathFreeObject(obj);
    return copy;
}

static void assert_xpath(xmlDocPtr doc, const char *expr, const char *expected)
{
    g_autofree char *value = xpath_string(doc, expr);

    ck_assert_msg(strcmp(value, expected) == 0, "%s: '%s', expected '%s'", expr, value,
                  expected);
}

/* The elements @expr selects, each as its @attrs' values joined by ':', joined by
 * ' ' (an element's name for the attribute "()"). */
static char *describe(xmlDocPtr doc, const char *expr, const char *const *attrs)
{
    xmlXPathObjectPtr obj = xpath_eval(doc, expr);
    GString *text = g_string_new(NULL);
    int n = obj->nodesetval != NULL ? obj->nodesetval->nodeNr : 0;

    for (int i = 0; i < n; i++) {
        xmlNodePtr node = obj->nodesetval->nodeTab[i];

        for (int a = 0; attrs[a] != NULL; a++) {
            xmlChar *value = strcmp(attrs[a], "()") == 0
                                 ? xmlStrdup(node->name)
                                 : xmlGetProp(node, (const xmlChar *)attrs[a]);

            g_string_append_printf(text, "%s%s", a > 0 ? ":" : (i > 0 ? " " : ""),
                                   value != NULL ? (const char *)value : "(none)");
            xmlFree(value);
        }
    }
    xmlXPathFreeObject(obj);
    return g_string_free(text, FALSE);
}

static void assert_described(xmlDocPtr doc, const char *expr, const char *const *attrs,
                             const char *expected)
{
    g_autofree char *text = describe(doc, expr, attrs);

    ck_assert_msg(strcmp(text, expected) == 0, "%s:\n  '%s', expected\n  '%s'", expr, text,
                  expected);
}

static const char *const NAME_VALUE[] = {"name", "value", NULL};
static const char *const OP[] = {"name", "interval", "timeout", NULL};
static const char *const PRIMITIVE[] = {"id", "class", "provider", "type", NULL};
static const char *const ELEMENT[] = {"()", NULL};
static const char *const NAME[] = {"name", NULL};

/* Every id attribute in @doc is different from every other. */
static void assert_ids_unique(xmlDocPtr doc)
{
    xmlXPathObjectPtr obj = xpath_eval(doc, "//@id");
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    int n = obj->nodesetval != NULL ? obj->nodesetval->nodeNr : 0;

    ck_assert_int_gt(n, 0);
    for (int i = 0; i < n; i++) {
        xmlChar *id = xmlNodeGetContent(obj->nodesetval->nodeTab[i]);
        char *copy = g_strdup((const char *)id);

        xmlFree(id);
        ck_assert_msg(g_hash_table_add(seen, copy), "id '%s' appears twice", copy);
    }
    xmlXPathFreeObject(obj);
}

static char *cib_of(const char *text)
{
    g_autoptr(GPtrArray) problems = new_problems();
    g_autofree char *path = NULL;
    g_autoptr(lh_lhost) lhost = open_text(text, problems, &path);

    assert_no_problems(problems);
    return lh_lhost_cib(lhost);
}

START_TEST(cib_group_of_the_members)
{
    g_autofree char *cib = cib_of(valid_text);
    xmlDocPtr doc = parse_xml(cib);

    ck_assert(g_str_has_suffix(cib, "\n"));
    assert_xpath(doc, "name(/*)", "group");
    assert_xpath(doc, "/group/@id", "lhA");
    assert_described(doc, "/group/*", ELEMENT, "meta_attributes primitive primitive primitive "
                                               "primitive");
    /* The policy: the defaults, no stickiness unless set. */
    assert_described(doc, "/group/meta_attributes/nvpair", NAME_VALUE,
                     "migration-threshold:3 failure-timeout:600s");
    /* The members in order, their parameters in file order. */
    assert_described(doc, "/group/primitive", PRIMITIVE,
                     "lhA-disk:ocf:heartbeat:Filesystem lhA-vip:ocf:heartbeat:IPaddr2 "
                     "lhA-base:ocf:lhost:jp1base lhA-im:ocf:lhost:jp1im");
    assert_described(doc, "/group/primitive[1]/instance_attributes/nvpair", NAME_VALUE,
                     "fstype:ext4 device:/dev/sdb1 directory:/shared/lhA");
    assert_described(doc, "/group/primitive[2]/instance_attributes/nvpair", NAME_VALUE,
                     "ip:192.0.2.10 cidr_netmask:24");
    assert_described(doc, "/group/primitive[3]/instance_attributes/nvpair", NAME_VALUE,
                     "shared_dir:/shared/lhA/jp1base logical_host:lhA");
    assert_described(doc, "/group/primitive[4]/instance_attributes/nvpair", NAME_VALUE,
                     "logical_host:lhA shared_dir:/shared/lhA/jp1im");
    /* Operations: the meta-data's timeouts (Filesystem 60s, 60s, monitor 40s every
     * 20s; IPaddr2 20s), the definition's overrides (IPaddr2's monitor every 45s,
     * jp1base's start 7min). */
    assert_described(doc, "/group/primitive[1]/operations/op", OP,
                     "start:0s:60s stop:0s:60s monitor:20s:40s");
    assert_described(doc, "/group/primitive[2]/operations/op", OP,
                     "start:0s:20s stop:0s:20s monitor:45s:20s");
    assert_described(doc, "/group/primitive[3]/operations/op", NAME, "start stop monitor");
    assert_xpath(doc, "/group/primitive[3]/operations/op[@name='start']/@timeout", "420s");
    assert_described(doc, "/group/primitive[4]/operations/op", NAME, "start stop monitor");
    assert_ids_unique(doc);
    xmlFreeDoc(doc);
}
END_TEST

START_TEST(cib_policy_and_other_operations)
{
    static const char text[] =
        "[logical-host]\n"
        "migration-threshold = 2\n"
        "failure-timeout = 90\n"
        "resource-stickiness = 100\n"
        "kill-timeout = 5s\n"
        "[member app]\n"
        "agent = ocf:heartbeat:Dummy\n"
        "op.monitor.timeout = 1500ms\n"
        "op.reload.timeout = 45s\n";
    g_autofree char *cib = cib_of(text);
    xmlDocPtr doc = parse_xml(cib);

    assert_described(doc, "/group/meta_attributes/nvpair", NAME_VALUE,
                     "migration-threshold:2 failure-timeout:90s resource-stickiness:100");
    /* No parameters: no instance attributes. */
    assert_described(doc, "/group/primitive/*", ELEMENT, "operations");
    /* Dummy's meta-data: start, stop 20s, a monitor every 10s. */
    assert_described(doc, "/group/primitive/operations/op", OP,
                     "start:0s:20s stop:0s:20s monitor:10s:1500ms reload:0s:45s");
    assert_ids_unique(doc);
    xmlFreeDoc(doc);
}
END_TEST

/* Ids are built by joining names with '-': a member named like the group's own
 * attribute set, or with a '-' in its name, could make two ids one, and Pacemaker
 * refuses a CIB with a duplicate id. Validation refuses such names. */
START_TEST(cib_member_name_that_would_duplicate_an_id)
{
    static const char *const names[] = {"meta_attributes", "disk-instance_attributes"};

    for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *text =
            g_strdup_printf(DISK_MEMBER "[member %s]\nagent = ocf:heartbeat:Dummy\n", names[i]);
        g_autofree char *path = NULL;
        g_autoptr(GPtrArray) problems = new_problems();
        g_autoptr(lh_lhost) lhost = open_text(text, problems, &path);

        ck_assert_uint_eq(problems->len, 1);
        ck_assert_ptr_nonnull(strstr(g_ptr_array_index(problems, 0), "member name"));
    }
}
END_TEST

START_TEST(cib_duration_format)
{
    static const struct {
        gint64 ms;
        const char *text;
    } cases[] = {
        {20000, "20s"}, {1500, "1500ms"}, {0, "0s"},          {1, "1ms"},
        {1000, "1s"},   {600000, "600s"}, {3600000, "3600s"}, {G_GINT64_CONSTANT(86400000000), "86400000s"},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *text = lh_duration_format(cases[i].ms);

        ck_assert_str_eq(text, cases[i].text);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lhost");

    add_tcase(s, lhost_valid_definition);
    add_tcase(s, lhost_order_of_other_members_and_named_roles);
    add_tcase(s, lhost_shared_dir_on_the_disk);
    add_tcase(s, lhost_missing_required_parameter);
    add_tcase(s, lhost_unknown_parameter);
    add_tcase(s, lhost_unknown_agent);
    add_tcase(s, lhost_agent_without_valid_metadata);
    add_tcase(s, lhost_agent_with_nameless_parameters);
    add_tcase(s, lhost_duplicate_ip);
    add_tcase(s, lhost_duplicate_base);
    add_tcase(s, lhost_order_ip_before_disk);
    add_tcase(s, lhost_order_manager_before_base);
    add_tcase(s, lhost_order_manager_without_base);
    add_tcase(s, lhost_order_ajs3_before_base_and_im);
    add_tcase(s, lhost_order_five_members);
    add_tcase(s, lhost_shared_dir_off_the_disk);
    add_tcase(s, lhost_sibling_same_directory);
    add_tcase(s, lhost_sibling_nested_directory);
    add_tcase(s, lhost_sibling_same_device);
    add_tcase(s, lhost_sibling_shared_dir_on_my_disk);
    add_tcase(s, lhost_sibling_unrelated);
    add_tcase(s, agentinfo_parse_handwritten);
    add_tcase(s, agentinfo_parse_garbage);
    add_tcase(s, agentinfo_load_real_agent);
    add_tcase(s, cib_group_of_the_members);
    add_tcase(s, cib_policy_and_other_operations);
    add_tcase(s, cib_duration_format);
    add_tcase(s, lhost_doubled_slash_is_not_a_sibling);
    add_tcase(s, lhost_relative_path_is_not_a_sibling);
    add_tcase(s, cib_member_name_that_would_duplicate_an_id);
    return lh_test_run_suite(s);
}
