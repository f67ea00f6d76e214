/* check_params.c - lhost/ocf.h: parameters, OCF code names, results.
 *
 * A small parameter table of every type is parsed from OCF_RESKEY_* variables and
 * overrides, as an agent's would be. What a caller relies on: each type accepts what
 * it documents and rejects the rest; a required parameter must be there; a default
 * fills in; an empty value is unset (unless the parameter says it is a value, which
 * its validator still judges); an override beats the environment, which beats
 * the default; every problem is reported at once; and no value that could forge a
 * log line or break a command line gets through.
 */
#include "config.h"

#include <limits.h>
#include <stddef.h>

#include <lhost/ocf.h>

#include "check_common.h"

typedef struct test_config {
    const char *host;
    const char *home;
    int count;
    gboolean flag;
    const char *mode;
    const char *note;
} test_config;

#define FIELD(f) offsetof(test_config, f)

static const lh_param test_params[] = {
    {"host", LH_PARAM_STRING, LH_PARAM_REQUIRED | LH_PARAM_UNIQUE, NULL, NULL, 0, 0,
     lh_check_host_name, FIELD(host), "logical host", "The logical host."},
    {"home", LH_PARAM_STRING, 0, "/opt/product", NULL, 0, 0, lh_check_absolute_path,
     FIELD(home), "home directory", "Where the product lives."},
    {"count", LH_PARAM_INTEGER, 0, "5", NULL, 1, 10, NULL, FIELD(count), "count",
     "A number from 1 to 10."},
    {"flag", LH_PARAM_BOOLEAN, 0, "false", NULL, 0, 0, NULL, FIELD(flag), "flag", "A flag."},
    {"mode", LH_PARAM_SELECT, 0, "safe", "fast|safe|paranoid", 0, 0, NULL, FIELD(mode),
     "mode", "How careful to be."},
    {"note", LH_PARAM_STRING, 0, NULL, NULL, 0, 0, NULL, FIELD(note), "note",
     "Any text, no validator."},
};

/* Forgets any OCF_RESKEY_ of the table the test environment may carry. */
static void clear_env(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(test_params); i++) {
        g_autofree char *name = g_strconcat("OCF_RESKEY_", test_params[i].name, NULL);

        g_unsetenv(name);
    }
}

static void set_param(const char *name, const char *value)
{
    g_autofree char *var = g_strconcat("OCF_RESKEY_", name, NULL);

    g_setenv(var, value, TRUE);
}

/* Parses the table into @config; returns the reason (caller frees) or NULL. */
static char *parse(GHashTable *overrides, test_config *config, gboolean *ok)
{
    char *reason = NULL;

    memset(config, 0, sizeof(*config));
    *ok = lh_params_parse(test_params, G_N_ELEMENTS(test_params), overrides, config, &reason);
    return reason;
}

/* The parse must fail, for @param alone, with a reason naming it. */
static void assert_rejected(const char *param, const char *value)
{
    test_config config;
    gboolean ok;
    g_autofree char *reason = NULL;
    g_autofree char *quoted = g_strescape(value, NULL);

    clear_env();
    set_param("host", "lhA");
    set_param(param, value);
    reason = parse(NULL, &config, &ok);
    ck_assert_msg(!ok, "%s=\"%.80s\" was accepted", param, quoted);
    ck_assert_msg(reason != NULL && strstr(reason, param) != NULL,
                  "%s=\"%.80s\": the reason '%s' does not name the parameter", param, quoted,
                  reason ? reason : "(null)");
    /* One problem, one message. */
    ck_assert_msg(strstr(reason, "; ") == NULL, "more than one problem: %s", reason);
}

/* The parse must succeed with nothing to say. */
static void assert_accepted(test_config *config, GHashTable *overrides)
{
    gboolean ok;
    g_autofree char *reason = parse(overrides, config, &ok);

    ck_assert_msg(ok, "rejected: %s", reason ? reason : "(no reason)");
    ck_assert_msg(reason == NULL, "a reason for a good parse: %s", reason);
}

/* ---- defaults, required, empty, precedence ------------------------------------- */

START_TEST(params_defaults_fill_in)
{
    test_config config;

    clear_env();
    set_param("host", "lhA");
    assert_accepted(&config, NULL);
    ck_assert_str_eq(config.host, "lhA");
    ck_assert_str_eq(config.home, "/opt/product");
    ck_assert_int_eq(config.count, 5);
    ck_assert(!config.flag);
    ck_assert_str_eq(config.mode, "safe");
    /* No value, no default: the field is left alone. */
    ck_assert_ptr_null(config.note);
}
END_TEST

START_TEST(params_every_type_from_the_environment)
{
    test_config config;

    clear_env();
    set_param("host", "lh-B.example_1");
    set_param("home", "/srv/jp1");
    set_param("count", "10");
    set_param("flag", "yes");
    set_param("mode", "paranoid");
    set_param("note", "free text, with spaces; and (punctuation) \xc3\xa9t\xc3\xa9");
    assert_accepted(&config, NULL);
    ck_assert_str_eq(config.host, "lh-B.example_1");
    ck_assert_str_eq(config.home, "/srv/jp1");
    ck_assert_int_eq(config.count, 10);
    ck_assert(config.flag);
    ck_assert_str_eq(config.mode, "paranoid");
    ck_assert_str_eq(config.note, "free text, with spaces; and (punctuation) \xc3\xa9t\xc3\xa9");
}
END_TEST

START_TEST(params_required_missing)
{
    test_config config;
    gboolean ok;
    g_autofree char *reason = NULL;

    clear_env();
    reason = parse(NULL, &config, &ok);
    ck_assert(!ok);
    ck_assert_ptr_nonnull(reason);
    ck_assert_ptr_nonnull(strstr(reason, "host"));
    ck_assert_ptr_nonnull(strstr(reason, "required"));
}
END_TEST

START_TEST(params_empty_value_is_unset)
{
    test_config config;
    gboolean ok;
    g_autofree char *reason = NULL;

    clear_env();
    /* Empty and required: missing. */
    set_param("host", "");
    reason = parse(NULL, &config, &ok);
    ck_assert(!ok);
    ck_assert_ptr_nonnull(strstr(reason, "required"));

    /* Empty with a default: the default. */
    set_param("host", "lhA");
    set_param("count", "");
    set_param("mode", "");
    set_param("flag", "");
    set_param("home", "");
    assert_accepted(&config, NULL);
    ck_assert_int_eq(config.count, 5);
    ck_assert_str_eq(config.mode, "safe");
    ck_assert(!config.flag);
    ck_assert_str_eq(config.home, "/opt/product");
}
END_TEST

START_TEST(params_precedence_override_env_default)
{
    test_config config;
    g_autoptr(GHashTable) overrides = g_hash_table_new(g_str_hash, g_str_equal);

    clear_env();
    set_param("host", "lhEnv");
    assert_accepted(&config, NULL);
    ck_assert_int_eq(config.count, 5); /* default */
    ck_assert_str_eq(config.host, "lhEnv");

    set_param("count", "7");
    assert_accepted(&config, overrides);
    ck_assert_int_eq(config.count, 7); /* the environment beats the default */

    g_hash_table_insert(overrides, (char *)"count", (char *)"9");
    g_hash_table_insert(overrides, (char *)"host", (char *)"lhOverride");
    assert_accepted(&config, overrides);
    ck_assert_int_eq(config.count, 9); /* an override beats the environment */
    ck_assert_str_eq(config.host, "lhOverride");

    /* An override alone satisfies a required parameter. */
    g_unsetenv("OCF_RESKEY_host");
    assert_accepted(&config, overrides);
    ck_assert_str_eq(config.host, "lhOverride");

    /* A bad override is reported even when the environment holds a good value. */
    g_hash_table_insert(overrides, (char *)"count", (char *)"99");
    {
        gboolean ok;
        g_autofree char *reason = parse(overrides, &config, &ok);

        ck_assert(!ok);
        ck_assert_ptr_nonnull(strstr(reason, "count"));
    }
}
END_TEST

/* An empty override is an unset one too: the next source, the environment, applies. */
START_TEST(params_empty_override_is_unset)
{
    test_config config;
    g_autoptr(GHashTable) overrides = g_hash_table_new(g_str_hash, g_str_equal);

    clear_env();
    set_param("host", "lhA");
    set_param("count", "7");
    g_hash_table_insert(overrides, (char *)"count", (char *)"");
    assert_accepted(&config, overrides);
    /* Regression (fixed): lookup_value() takes the empty override as found, skips OCF_RESKEY_count
     * and falls back to the default (5). */
    ck_assert_int_eq(config.count, 7);
}
END_TEST

/* ---- types ---------------------------------------------------------------- */

START_TEST(params_integer_bounds)
{
    static const char *const bad[] = {"0",  "11", "-1", "abc", "5x",   " 5",
                                      "5 ", "1.5", "0x5", "+",  "99999999999999999999"};
    test_config config;

    clear_env();
    set_param("host", "lhA");
    set_param("count", "1");
    assert_accepted(&config, NULL);
    ck_assert_int_eq(config.count, 1);
    set_param("count", "10");
    assert_accepted(&config, NULL);
    ck_assert_int_eq(config.count, 10);
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        assert_rejected("count", bad[i]);
    }
}
END_TEST

START_TEST(params_boolean_spellings)
{
    static const char *const yes[] = {"1", "true", "yes", "on", "y", "TRUE", "Yes", "ON"};
    static const char *const no[] = {"0", "false", "no", "off", "n", "FALSE", "No", "Off"};
    static const char *const bad[] = {"2", "maybe", "tru", "yess", "-1", "enabled"};
    test_config config;

    clear_env();
    set_param("host", "lhA");
    for (gsize i = 0; i < G_N_ELEMENTS(yes); i++) {
        set_param("flag", yes[i]);
        assert_accepted(&config, NULL);
        ck_assert_msg(config.flag == TRUE, "'%s' is not true", yes[i]);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(no); i++) {
        set_param("flag", no[i]);
        config.flag = TRUE;
        assert_accepted(&config, NULL);
        ck_assert_msg(config.flag == FALSE, "'%s' is not false", no[i]);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        assert_rejected("flag", bad[i]);
    }
}
END_TEST

START_TEST(params_select_choices)
{
    static const char *const bad[] = {"slow", "fas", "fast|safe", "safe ", "|", "paranoid|"};
    test_config config;
    gboolean ok;
    g_autofree char *reason = NULL;

    clear_env();
    set_param("host", "lhA");
    set_param("mode", "fast");
    assert_accepted(&config, NULL);
    ck_assert_str_eq(config.mode, "fast");
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        assert_rejected("mode", bad[i]);
    }
    /* The reason says what would have been accepted. */
    set_param("mode", "slow");
    reason = parse(NULL, &config, &ok);
    ck_assert(!ok);
    ck_assert_ptr_nonnull(strstr(reason, "fast"));
    ck_assert_ptr_nonnull(strstr(reason, "paranoid"));
}
END_TEST

START_TEST(params_validators_run)
{
    clear_env();
    assert_rejected("home", "relative/path");
    assert_rejected("home", "/opt/../etc");
    assert_rejected("host", "-h");
    assert_rejected("host", "lhA;reboot");
}
END_TEST

/* A validator that refuses everything, to see that it is called. */
static gboolean refuse_all(const char *value, char **reason)
{
    *reason = g_strdup("refused by the agent's own validator");
    return FALSE;
}

typedef struct validated_config {
    int port;
    gboolean enabled;
    const char *level;
} validated_config;

/* ocf.h: "check: NULL: type checks only", so a validator adds to the type checks of
 * every type. */
START_TEST(params_validator_runs_for_every_type)
{
    static const lh_param validated[] = {
        {"port", LH_PARAM_INTEGER, 0, "80", NULL, 1, 65535, refuse_all,
         offsetof(validated_config, port), "port", "A port."},
        {"enabled", LH_PARAM_BOOLEAN, 0, "true", NULL, 0, 0, refuse_all,
         offsetof(validated_config, enabled), "enabled", "A flag."},
        {"level", LH_PARAM_SELECT, 0, "low", "low|high", 0, 0, refuse_all,
         offsetof(validated_config, level), "level", "A choice."},
    };
    validated_config config;
    char *reason = NULL;
    gboolean ok;

    g_unsetenv("OCF_RESKEY_port");
    g_unsetenv("OCF_RESKEY_enabled");
    g_unsetenv("OCF_RESKEY_level");
    ok = lh_params_parse(validated, G_N_ELEMENTS(validated), NULL, &config, &reason);
    ck_assert(!ok);
    ck_assert_ptr_nonnull(reason);
    ck_assert_ptr_nonnull(strstr(reason, "level"));
    /* Regression (fixed): store_value() returns before calling p->check for INTEGER and BOOLEAN
     * parameters: their validators are silently never run. */
    ck_assert_msg(strstr(reason, "port") != NULL, "integer validator not run: %s", reason);
    ck_assert_msg(strstr(reason, "enabled") != NULL, "boolean validator not run: %s", reason);
    g_free(reason);
}
END_TEST

START_TEST(params_several_problems_reported_together)
{
    test_config config;
    gboolean ok;
    g_autofree char *reason = NULL;

    clear_env();
    /* host missing, count not a number, mode not a choice, home relative. */
    set_param("count", "abc");
    set_param("mode", "slow");
    set_param("home", "opt");
    reason = parse(NULL, &config, &ok);
    ck_assert(!ok);
    ck_assert_ptr_nonnull(reason);
    ck_assert_ptr_nonnull(strstr(reason, "host"));
    ck_assert_ptr_nonnull(strstr(reason, "count"));
    ck_assert_ptr_nonnull(strstr(reason, "mode"));
    ck_assert_ptr_nonnull(strstr(reason, "home"));
    /* Four problems, joined with "; ". */
    ck_assert_int_eq(lh_test_count(reason, "; "), 3);
    ck_assert_ptr_null(strchr(reason, '\n'));
}
END_TEST

/* ---- LH_PARAM_EMPTY_IS_VALUE ------------------------------------------------ */

/* Refuses "" alone, to see that a validator still judges an empty value. */
static gboolean refuse_empty(const char *value, char **reason)
{
    if (*value == '\0') {
        *reason = g_strdup("must not be empty");
        return FALSE;
    }
    return TRUE;
}

typedef struct empty_config {
    const char *filter;  /* empty is a value: "no filter" */
    const char *plain;   /* empty is unset: the default */
    const char *guarded; /* empty is a value, which its validator refuses */
} empty_config;

static const lh_param empty_params[] = {
    {"filter", LH_PARAM_STRING, LH_PARAM_EMPTY_IS_VALUE, "*.log", NULL, 0, 0, NULL,
     offsetof(empty_config, filter), "filter", "Empty: no filter."},
    {"plain", LH_PARAM_STRING, 0, "*.log", NULL, 0, 0, NULL, offsetof(empty_config, plain),
     "plain", "Empty: the default."},
    {"guarded", LH_PARAM_STRING, LH_PARAM_EMPTY_IS_VALUE, "on", NULL, 0, 0, refuse_empty,
     offsetof(empty_config, guarded), "guarded", "Never empty."},
};

static void clear_empty_env(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(empty_params); i++) {
        g_autofree char *name = g_strconcat("OCF_RESKEY_", empty_params[i].name, NULL);

        g_unsetenv(name);
    }
}

/* Parses empty_params into @config; returns the reason (caller frees) or NULL. */
static char *parse_empty(GHashTable *overrides, empty_config *config, gboolean *ok)
{
    char *reason = NULL;

    memset(config, 0, sizeof(*config));
    *ok = lh_params_parse(empty_params, G_N_ELEMENTS(empty_params), overrides, config, &reason);
    return reason;
}

START_TEST(params_empty_is_value_from_the_environment)
{
    empty_config config;
    gboolean ok;
    g_autofree char *reason = NULL;

    clear_empty_env();
    /* Unset: the default, with or without the flag. */
    reason = parse_empty(NULL, &config, &ok);
    ck_assert_msg(ok, "%s", reason);
    ck_assert_str_eq(config.filter, "*.log");
    ck_assert_str_eq(config.plain, "*.log");
    ck_assert_str_eq(config.guarded, "on");

    /* Empty: a value with the flag, unset (the default) without. */
    set_param("filter", "");
    set_param("plain", "");
    reason = parse_empty(NULL, &config, &ok);
    ck_assert_msg(ok, "%s", reason);
    ck_assert_ptr_nonnull(config.filter);
    ck_assert_str_eq(config.filter, "");
    ck_assert_str_eq(config.plain, "*.log");

    /* A value is a value either way. */
    set_param("filter", "*.txt");
    set_param("plain", "*.txt");
    reason = parse_empty(NULL, &config, &ok);
    ck_assert_msg(ok, "%s", reason);
    ck_assert_str_eq(config.filter, "*.txt");
    ck_assert_str_eq(config.plain, "*.txt");
}
END_TEST

START_TEST(params_empty_is_value_from_an_override)
{
    empty_config config;
    gboolean ok;
    g_autofree char *reason = NULL;
    g_autoptr(GHashTable) overrides = g_hash_table_new(g_str_hash, g_str_equal);

    clear_empty_env();
    set_param("filter", "*.txt");
    set_param("plain", "*.txt");
    g_hash_table_insert(overrides, (char *)"filter", (char *)"");
    g_hash_table_insert(overrides, (char *)"plain", (char *)"");
    reason = parse_empty(overrides, &config, &ok);
    ck_assert_msg(ok, "%s", reason);
    /* With the flag an empty override is the value: it beats the environment... */
    ck_assert_str_eq(config.filter, "");
    /* ... without, it is unset and the environment applies. */
    ck_assert_str_eq(config.plain, "*.txt");

    /* With nothing in the environment either: still empty, not the default. */
    clear_empty_env();
    reason = parse_empty(overrides, &config, &ok);
    ck_assert_msg(ok, "%s", reason);
    ck_assert_str_eq(config.filter, "");
    ck_assert_str_eq(config.plain, "*.log");
}
END_TEST

START_TEST(params_empty_is_value_still_validated)
{
    empty_config config;
    gboolean ok;
    g_autofree char *reason = NULL;
    g_autofree char *override_reason = NULL;
    g_autoptr(GHashTable) overrides = g_hash_table_new(g_str_hash, g_str_equal);

    clear_empty_env();
    set_param("guarded", "");
    reason = parse_empty(NULL, &config, &ok);
    /* The empty value reaches the validator, which refuses it: one problem, naming
     * the parameter and what it got. */
    ck_assert(!ok);
    ck_assert_ptr_nonnull(reason);
    ck_assert_msg(strstr(reason, "'guarded' must not be empty") != NULL, "%s", reason);
    ck_assert_ptr_nonnull(strstr(reason, "(got \"\")"));
    ck_assert_ptr_null(strstr(reason, "; "));

    /* The same from an override, over a good value in the environment. */
    set_param("guarded", "off");
    g_hash_table_insert(overrides, (char *)"guarded", (char *)"");
    override_reason = parse_empty(overrides, &config, &ok);
    ck_assert(!ok);
    ck_assert_msg(override_reason != NULL && strstr(override_reason, "must not be empty") != NULL,
                  "%s", override_reason);
}
END_TEST

/* ---- hostile values -------------------------------------------------------- */

/* The reason becomes the ocf-exit-reason line and a log line: one clean line. */
static void assert_reason_is_one_clean_line(const char *param, const char *value)
{
    test_config config;
    gboolean ok;
    g_autofree char *reason = NULL;

    clear_env();
    set_param("host", "lhA");
    set_param(param, value);
    reason = parse(NULL, &config, &ok);
    ck_assert(!ok);
    ck_assert(g_utf8_validate(reason, -1, NULL));
    for (const char *p = reason; *p != '\0'; p++) {
        ck_assert_msg(!g_ascii_iscntrl(*p), "control character 0x%02x in the reason '%s'",
                      (unsigned)(guchar)*p, reason);
    }
    ck_assert_msg(strlen(reason) < 1024, "a reason of %zu bytes", strlen(reason));
}

START_TEST(params_hostile_values_rejected)
{
    static const char *const hostile[] = {
        "lhA\nJan  1 00:00:00 node1 pacemaker: forged line",
        "carriage\rreturn",
        "tab\there",
        "escape \x1b[31mred",
        "delete\x7f",
        "bell\a",
        "invalid utf-8 \xff\xfe",
        "overlong \xc0\xaf",
        "truncated \xe6\x97",
    };
    g_autofree char *too_long = g_strnfill(4097, 'a');

    for (gsize i = 0; i < G_N_ELEMENTS(hostile); i++) {
        /* "note" has no validator: only the library's own cleanliness checks. */
        assert_rejected("note", hostile[i]);
        assert_reason_is_one_clean_line("note", hostile[i]);
    }
    assert_rejected("note", too_long);
    assert_reason_is_one_clean_line("note", too_long);
}
END_TEST

START_TEST(params_long_value_at_the_limit_accepted)
{
    g_autofree char *at_limit = g_strnfill(4096, 'a');
    test_config config;

    clear_env();
    set_param("host", "lhA");
    set_param("note", at_limit);
    assert_accepted(&config, NULL);
    ck_assert_uint_eq(strlen(config.note), 4096);
}
END_TEST

/* ---- shared validators ------------------------------------------------------ */

static void assert_check(lh_param_check check, const char *value, gboolean expected)
{
    char *reason = NULL;
    gboolean ok = check(value, &reason);
    g_autofree char *quoted = g_strescape(value, NULL);

    ck_assert_msg(ok == expected, "'%.80s' %s", quoted, expected ? "rejected" : "accepted");
    if (ok) {
        ck_assert_msg(reason == NULL, "'%.80s' accepted with a reason: %s", quoted, reason);
    } else {
        ck_assert_msg(reason != NULL && *reason != '\0', "'%.80s' rejected without a reason",
                      quoted);
    }
    g_free(reason);
}

START_TEST(params_check_absolute_path)
{
    g_autofree char *long_path = g_strnfill(PATH_MAX + 10, 'a');

    long_path[0] = '/';
    assert_check(lh_check_absolute_path, "/opt/jp1base/bin/jbs_spmd_status", TRUE);
    assert_check(lh_check_absolute_path, "/", TRUE);
    assert_check(lh_check_absolute_path, "/shdsk/lhA", TRUE);
    assert_check(lh_check_absolute_path, "/opt/..hidden/x", TRUE); /* a name, not '..' */
    assert_check(lh_check_absolute_path, "/opt/x..", TRUE);
    assert_check(lh_check_absolute_path, "relative/path", FALSE);
    assert_check(lh_check_absolute_path, "./x", FALSE);
    assert_check(lh_check_absolute_path, "", FALSE);
    assert_check(lh_check_absolute_path, "~/x", FALSE);
    assert_check(lh_check_absolute_path, "/opt/../etc/shadow", FALSE);
    assert_check(lh_check_absolute_path, "/opt/..", FALSE);
    assert_check(lh_check_absolute_path, "/..", FALSE);
    assert_check(lh_check_absolute_path, "/a//../b", FALSE);
    assert_check(lh_check_absolute_path, long_path, FALSE);
}
END_TEST

START_TEST(params_check_host_name)
{
    g_autofree char *max_name = g_strnfill(255, 'a');
    g_autofree char *too_long = g_strnfill(256, 'a');

    assert_check(lh_check_host_name, "lhA", TRUE);
    assert_check(lh_check_host_name, "lh-a.example_1", TRUE);
    assert_check(lh_check_host_name, "1host", TRUE);
    assert_check(lh_check_host_name, max_name, TRUE);
    assert_check(lh_check_host_name, too_long, FALSE);
    assert_check(lh_check_host_name, "", FALSE);
    assert_check(lh_check_host_name, "-h", FALSE);
    assert_check(lh_check_host_name, "--help", FALSE);
    assert_check(lh_check_host_name, ".hidden", FALSE);
    assert_check(lh_check_host_name, "_x", FALSE);
    assert_check(lh_check_host_name, "lhA;reboot", FALSE);
    assert_check(lh_check_host_name, "lh A", FALSE);
    assert_check(lh_check_host_name, " lhA", FALSE);
    assert_check(lh_check_host_name, "lhA ", FALSE);
    assert_check(lh_check_host_name, "lh/A", FALSE);
    assert_check(lh_check_host_name, "lh$A", FALSE);
    assert_check(lh_check_host_name, "lh`id`", FALSE);
    assert_check(lh_check_host_name, "lhA\n", FALSE);
    assert_check(lh_check_host_name, "h\xc3\xa9te", FALSE);
}
END_TEST

/* ---- OCF codes and results ------------------------------------------------- */

START_TEST(ocf_codes_have_the_spec_values_and_names)
{
    static const struct {
        int code;
        int value;
        const char *name;
    } codes[] = {
        {LH_OCF_SUCCESS, 0, "OCF_SUCCESS"},
        {LH_OCF_ERR_GENERIC, 1, "OCF_ERR_GENERIC"},
        {LH_OCF_ERR_ARGS, 2, "OCF_ERR_ARGS"},
        {LH_OCF_ERR_UNIMPLEMENTED, 3, "OCF_ERR_UNIMPLEMENTED"},
        {LH_OCF_ERR_PERM, 4, "OCF_ERR_PERM"},
        {LH_OCF_ERR_INSTALLED, 5, "OCF_ERR_INSTALLED"},
        {LH_OCF_ERR_CONFIGURED, 6, "OCF_ERR_CONFIGURED"},
        {LH_OCF_NOT_RUNNING, 7, "OCF_NOT_RUNNING"},
        {LH_OCF_RUNNING_PROMOTED, 8, "OCF_RUNNING_PROMOTED"},
        {LH_OCF_FAILED_PROMOTED, 9, "OCF_FAILED_PROMOTED"},
        {LH_OCF_DEGRADED, 190, "OCF_DEGRADED"},
        {LH_OCF_DEGRADED_PROMOTED, 191, "OCF_DEGRADED_PROMOTED"},
    };
    const char *unknown_text = lh_ocf_code_text(-1);

    for (gsize i = 0; i < G_N_ELEMENTS(codes); i++) {
        const char *text = lh_ocf_code_text(codes[i].code);

        ck_assert_int_eq(codes[i].code, codes[i].value);
        ck_assert_str_eq(lh_ocf_code_name(codes[i].value), codes[i].name);
        ck_assert_msg(text != NULL && *text != '\0', "no text for %d", codes[i].value);
        ck_assert_str_ne(text, unknown_text);
        /* Each code its own description. */
        for (gsize j = 0; j < i; j++) {
            ck_assert_str_ne(text, lh_ocf_code_text(codes[j].code));
        }
    }
    ck_assert_str_eq(lh_ocf_code_text(LH_OCF_NOT_RUNNING), "not running");
    ck_assert_str_eq(lh_ocf_code_text(LH_OCF_ERR_INSTALLED), "not installed");
}
END_TEST

START_TEST(ocf_unknown_codes)
{
    static const int unknown[] = {-1, 10, 11, 99, 189, 192, 255, 256, G_MAXINT, G_MININT};

    for (gsize i = 0; i < G_N_ELEMENTS(unknown); i++) {
        ck_assert_str_eq(lh_ocf_code_name(unknown[i]), "OCF_UNKNOWN");
        ck_assert_ptr_nonnull(lh_ocf_code_text(unknown[i]));
        ck_assert_str_ne(lh_ocf_code_text(unknown[i]), lh_ocf_code_text(LH_OCF_SUCCESS));
    }
}
END_TEST

START_TEST(ocf_result_new_and_clear)
{
    lh_result ok = lh_result_new(LH_OCF_SUCCESS, NULL);
    lh_result failed = lh_result_new(LH_OCF_ERR_INSTALLED, "%s %s: %d", "status_cmd",
                                     "/opt/x", 42);
    lh_result literal = LH_RESULT_OK;

    ck_assert_int_eq(ok.code, LH_OCF_SUCCESS);
    ck_assert_ptr_null(ok.reason);
    ck_assert_int_eq(failed.code, LH_OCF_ERR_INSTALLED);
    ck_assert_str_eq(failed.reason, "status_cmd /opt/x: 42");
    ck_assert_int_eq(literal.code, LH_OCF_SUCCESS);
    ck_assert_ptr_null(literal.reason);

    lh_result_clear(&failed);
    ck_assert_ptr_null(failed.reason);
    ck_assert_int_eq(failed.code, LH_OCF_SUCCESS);
    /* Clearing twice, or a result without a reason, is harmless. */
    lh_result_clear(&failed);
    lh_result_clear(&ok);
    ck_assert_ptr_null(ok.reason);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("params");

    add_tcase(s, params_defaults_fill_in);
    add_tcase(s, params_every_type_from_the_environment);
    add_tcase(s, params_required_missing);
    add_tcase(s, params_empty_value_is_unset);
    add_tcase(s, params_precedence_override_env_default);
    add_tcase(s, params_empty_override_is_unset);
    add_tcase(s, params_integer_bounds);
    add_tcase(s, params_boolean_spellings);
    add_tcase(s, params_select_choices);
    add_tcase(s, params_validators_run);
    add_tcase(s, params_validator_runs_for_every_type);
    add_tcase(s, params_several_problems_reported_together);
    add_tcase(s, params_empty_is_value_from_the_environment);
    add_tcase(s, params_empty_is_value_from_an_override);
    add_tcase(s, params_empty_is_value_still_validated);
    add_tcase(s, params_hostile_values_rejected);
    add_tcase(s, params_long_value_at_the_limit_accepted);
    add_tcase(s, params_check_absolute_path);
    add_tcase(s, params_check_host_name);
    add_tcase(s, ocf_codes_have_the_spec_values_and_names);
    add_tcase(s, ocf_unknown_codes);
    add_tcase(s, ocf_result_new_and_clear);
    return lh_test_run_suite(s);
}
