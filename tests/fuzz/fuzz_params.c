/* fuzz_params.c - OCF parameter parsing and validation (lib/runtime/params.c).
 *
 * Feeds lh_params_parse() the real parameter tables of jp1base, jp1im, ajs3, iws and ctmplex, and a
 * small table of the types the agents do not use (select, negative bounds).
 * Input: one byte choosing the table, then NUL-separated records: "name=value" is
 * an override (as from --name value), "$name=value" is OCF_RESKEY_name=value in the
 * environment.
 * Asserts, beyond no crash: the parse succeeds exactly when every parameter's
 * effective value (override, else environment, else default; empty = unset, but
 * for a parameter flagged LH_PARAM_EMPTY_IS_VALUE, where empty is a value) is
 * present when required, clean (no control character, valid UTF-8, at most 4096
 * bytes), of its type and accepted by its validator; a failure names every
 * parameter at fault; and after a success every field really meets its type: an
 * integer is the number written and within its bounds, a boolean is TRUE or FALSE
 * as spelled, a select is one of its choices, a path is absolute without "..", a
 * host name is a host name.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>

#include "fuzz.h"
#include "fuzz_agents.h"

/* The types no agent table uses yet. */
typedef struct fz_config {
    const char *mode;
    int offset;
    gboolean flag;
    const char *home;
    const char *note;
} fz_config;

static const lh_param fz_params[] = {
    {"mode", LH_PARAM_SELECT, LH_PARAM_REQUIRED, NULL, "fast|safe|para-noid", 0, 0, NULL,
     offsetof(fz_config, mode), "mode", "A select."},
    {"offset", LH_PARAM_INTEGER, 0, "-1", NULL, -100, 100, NULL, offsetof(fz_config, offset),
     "offset", "Negative bounds."},
    {"flag", LH_PARAM_BOOLEAN, 0, NULL, NULL, 0, 0, NULL, offsetof(fz_config, flag), "flag",
     "No default."},
    {"home", LH_PARAM_STRING, 0, NULL, NULL, 0, 0, lh_check_absolute_path,
     offsetof(fz_config, home), "home", "A path."},
    {"note", LH_PARAM_STRING, 0, "", NULL, 0, 0, NULL, offsetof(fz_config, note), "note",
     "Free text, an empty default."},
};

typedef struct fz_table {
    const lh_param *params;
    size_t n;
    size_t config_size;
} fz_table;

static const fz_table tables[] = {
    {jp1base_params, G_N_ELEMENTS(jp1base_params), sizeof(jp1base_config)},
    {jp1im_params, G_N_ELEMENTS(jp1im_params), sizeof(jp1im_config)},
    {ajs3_params, G_N_ELEMENTS(ajs3_params), sizeof(ajs3_config)},
    {fz_params, G_N_ELEMENTS(fz_params), sizeof(fz_config)},
    {iws_params, G_N_ELEMENTS(iws_params), sizeof(iws_config)},
    {ctm_params, G_N_ELEMENTS(ctm_params), sizeof(ctm_config)}, /* last: the seeds' first bytes keep their table */
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fz_quiet_logs();
    return 0;
}

static char *env_name(const char *param)
{
    return g_strconcat("OCF_RESKEY_", param, NULL);
}

/* The precedence ocf.h documents, independently of params.c. */
static const char *effective_value(const lh_param *p, GHashTable *overrides)
{
    g_autofree char *var = env_name(p->name);
    const char *value = g_hash_table_lookup(overrides, p->name);
    gboolean empty_counts = (p->flags & LH_PARAM_EMPTY_IS_VALUE) != 0;

    if (value == NULL || (*value == '\0' && !empty_counts)) {
        value = getenv(var);
    }
    if (value == NULL || (*value == '\0' && !empty_counts)) {
        value = p->default_value;
    }
    return value;
}

static gboolean is_clean(const char *value)
{
    if (strlen(value) > 4096 || !g_utf8_validate(value, -1, NULL)) {
        return FALSE;
    }
    for (const unsigned char *c = (const unsigned char *)value; *c != '\0'; c++) {
        if (*c < 0x20 || *c == 0x7f) {
            return FALSE;
        }
    }
    return TRUE;
}

/* A decimal integer, optionally signed, nothing around it. */
static gboolean integer_of(const char *value, gint64 *number)
{
    const char *digits = value + (value[0] == '+' || value[0] == '-');
    char *end = NULL;

    if (digits[0] == '\0' || strspn(digits, "0123456789") != strlen(digits)) {
        return FALSE;
    }
    errno = 0;
    *number = strtoll(value, &end, 10);
    return errno == 0 && *end == '\0';
}

static int boolean_of(const char *value)
{
    static const char *const yes[] = {"1", "true", "yes", "on", "y"};
    static const char *const no[] = {"0", "false", "no", "off", "n"};

    for (gsize i = 0; i < G_N_ELEMENTS(yes); i++) {
        if (g_ascii_strcasecmp(value, yes[i]) == 0) {
            return TRUE;
        }
        if (g_ascii_strcasecmp(value, no[i]) == 0) {
            return FALSE;
        }
    }
    return -1;
}

static gboolean is_choice(const lh_param *p, const char *value)
{
    g_auto(GStrv) choices = g_strsplit(p->choices, "|", -1);

    return g_strv_contains((const char *const *)choices, value);
}

/* Whether @value (NULL: unset) should pass the row, by the rules above. */
static gboolean should_pass(const lh_param *p, const char *value)
{
    gint64 number;
    g_autofree char *why = NULL;

    if (value == NULL) {
        return !(p->flags & LH_PARAM_REQUIRED);
    }
    if (!is_clean(value)) {
        return FALSE;
    }
    switch (p->type) {
    case LH_PARAM_INTEGER:
        if (!integer_of(value, &number) || number < p->min || number > p->max) {
            return FALSE;
        }
        break;
    case LH_PARAM_BOOLEAN:
        if (boolean_of(value) < 0) {
            return FALSE;
        }
        break;
    case LH_PARAM_SELECT:
        if (!is_choice(p, value)) {
            return FALSE;
        }
        break;
    case LH_PARAM_STRING:
        break;
    }
    return p->check == NULL || p->check(value, &why);
}

/* What a validator that accepted @value promises about it. */
static void assert_validated(const lh_param *p, const char *value)
{
    if (p->check == lh_check_absolute_path) {
        g_auto(GStrv) parts = g_strsplit(value, "/", -1);

        FZ_ASSERT(value[0] == '/' && strlen(value) < PATH_MAX, "%s: '%s' is not absolute",
                  p->name, value);
        for (gsize i = 0; parts[i] != NULL; i++) {
            FZ_ASSERT(strcmp(parts[i], "..") != 0, "%s: '%s' has '..'", p->name, value);
        }
    } else if (p->check == lh_check_host_name) {
        FZ_ASSERT(g_ascii_isalnum(value[0]) && strlen(value) <= 255
                      && strspn(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                       "0123456789-_.") == strlen(value),
                  "%s: '%s' is not a host name", p->name, value);
    }
}

/* After a successful parse: the field holds the value, as its type says. */
static void assert_field(const lh_param *p, const char *value, const void *config)
{
    const char *field = (const char *)config + p->offset;
    gint64 number = 0;

    if (value == NULL) {
        return; /* optional and unset: the field keeps what it had */
    }
    switch (p->type) {
    case LH_PARAM_INTEGER:
        FZ_ASSERT(integer_of(value, &number), "%s: '%s' accepted as an integer", p->name, value);
        FZ_ASSERT(*(const int *)(const void *)field == number && number >= p->min
                      && number <= p->max,
                  "%s: '%s' stored as %d (bounds %d..%d)", p->name, value,
                  *(const int *)(const void *)field, p->min, p->max);
        break;
    case LH_PARAM_BOOLEAN:
        FZ_ASSERT(*(const gboolean *)(const void *)field == boolean_of(value),
                  "%s: '%s' stored as %d", p->name, value, *(const gboolean *)(const void *)field);
        break;
    case LH_PARAM_SELECT:
    case LH_PARAM_STRING:
        FZ_ASSERT(g_strcmp0(*(const char *const *)(const void *)field, value) == 0,
                  "%s: '%s' not stored", p->name, value);
        FZ_ASSERT(p->type == LH_PARAM_STRING || is_choice(p, value), "%s: '%s' not a choice",
                  p->name, value);
        FZ_ASSERT(is_clean(value), "%s: unclean value accepted", p->name);
        assert_validated(p, value);
        break;
    }
}

static void check_parse(const fz_table *t, GHashTable *overrides)
{
    g_autofree void *config = g_malloc0(t->config_size);
    g_autofree char *reason = NULL;
    gboolean expected = TRUE;
    gboolean ok = lh_params_parse(t->params, t->n, overrides, config, &reason);

    FZ_ASSERT(ok == (reason == NULL), "parse returned %d with reason '%s'", ok,
              reason != NULL ? reason : "(none)");
    for (size_t i = 0; i < t->n; i++) {
        const lh_param *p = &t->params[i];
        const char *value = effective_value(p, overrides);
        g_autofree char *named = g_strdup_printf("parameter '%s' ", p->name);

        if (!should_pass(p, value)) {
            expected = FALSE;
            FZ_ASSERT(reason != NULL && strstr(reason, named) != NULL,
                      "'%s' should be rejected, reason: %s", value ? value : "(unset)",
                      reason ? reason : "(none)");
        } else if (ok) {
            assert_field(p, value, config);
        }
    }
    FZ_ASSERT(ok == expected, "parse %s, expected %s: %s", ok ? "passed" : "failed",
              expected ? "a pass" : "a failure", reason != NULL ? reason : "");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = {data, size, 0};
    const fz_table *t = &tables[fz_byte(&in) % G_N_ELEMENTS(tables)];
    g_autoptr(GHashTable) overrides =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    g_autoptr(GPtrArray) env = g_ptr_array_new_with_free_func(g_free);

    while (fz_more(&in)) {
        g_autofree char *record = fz_string(&in);
        gboolean to_env = record[0] == '$';
        char *name = record + to_env;
        char *eq = strchr(name, '=');

        if (eq == NULL || eq == name) {
            continue;
        }
        *eq = '\0';
        if (to_env) {
            /* putenv(), not setenv(): glibc keeps every string setenv() was ever
             * given, which would grow without bound over millions of runs. */
            char *var = g_strdup_printf("OCF_RESKEY_%s=%s", name, eq + 1);

            putenv(var);
            g_ptr_array_add(env, var);
        } else {
            g_hash_table_insert(overrides, g_strdup(name), g_strdup(eq + 1));
        }
    }
    check_parse(t, overrides);
    for (guint i = 0; i < env->len; i++) {
        const char *var = g_ptr_array_index(env, i);
        g_autofree char *name = g_strndup(var, (gsize)(strchr(var, '=') - var));

        unsetenv(name); /* before the string it points to is freed */
    }
    return 0;
}
