/* params.c - OCF_RESKEY_* parsing and validation from the parameter table. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <lhost/ocf.h>

/* No parameter of ours is longer; anything longer is an attack or an accident. */
#define PARAM_MAX_LEN 4096

/* A value crosses into argv, file names and logs: no control characters (a newline
 * would forge a log line), valid UTF-8, bounded length. */
static gboolean value_is_clean(const char *value, char **reason)
{
    if (strlen(value) > PARAM_MAX_LEN) {
        *reason = g_strdup_printf("is longer than %d bytes", PARAM_MAX_LEN);
        return FALSE;
    }
    if (!g_utf8_validate(value, -1, NULL)) {
        *reason = g_strdup("is not valid UTF-8");
        return FALSE;
    }
    for (const char *p = value; *p != '\0'; p++) {
        if (g_ascii_iscntrl(*p)) {
            *reason = g_strdup_printf("contains the control character 0x%02x", (unsigned)*p);
            return FALSE;
        }
    }
    return TRUE;
}

gboolean lh_check_absolute_path(const char *value, char **reason)
{
    g_auto(GStrv) parts = NULL;

    if (value[0] != '/') {
        *reason = g_strdup("must be an absolute path");
        return FALSE;
    }
    if (strlen(value) >= PATH_MAX) {
        *reason = g_strdup("is longer than a path can be");
        return FALSE;
    }
    parts = g_strsplit(value, "/", -1);
    for (gsize i = 0; parts[i] != NULL; i++) {
        if (strcmp(parts[i], "..") == 0) {
            *reason = g_strdup("must not contain '..'");
            return FALSE;
        }
    }
    return TRUE;
}

/* JP1 logical host names are host names: letters, digits, '-', '_', '.', starting
 * with a letter or digit (so never read as an option), at most 255 bytes. */
gboolean lh_check_host_name(const char *value, char **reason)
{
    if (!g_ascii_isalnum(value[0]) || strlen(value) > 255) {
        *reason = g_strdup("must start with a letter or digit and have at most 255 characters");
        return FALSE;
    }
    for (const char *p = value; *p != '\0'; p++) {
        if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_' && *p != '.') {
            *reason = g_strdup_printf("must contain only letters, digits, '-', '_' and '.'");
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean parse_boolean(const char *value, gboolean *out)
{
    static const char *const yes[] = {"1", "true", "yes", "on", "y"};
    static const char *const no[] = {"0", "false", "no", "off", "n"};

    for (gsize i = 0; i < G_N_ELEMENTS(yes); i++) {
        if (g_ascii_strcasecmp(value, yes[i]) == 0) {
            *out = TRUE;
            return TRUE;
        }
        if (g_ascii_strcasecmp(value, no[i]) == 0) {
            *out = FALSE;
            return TRUE;
        }
    }
    return FALSE;
}

static gboolean select_has(const char *choices, const char *value)
{
    g_auto(GStrv) options = g_strsplit(choices, "|", -1);

    return g_strv_contains((const char *const *)options, value);
}

/* Checks @value against the row's type, then its validator, then stores it;
 * FALSE with *reason otherwise. */
static gboolean store_value(const lh_param *p, const char *value, void *config, char **reason)
{
    char *field = (char *)config + p->offset;
    gint64 number = 0;
    gboolean flag = FALSE;

    if (p->type == LH_PARAM_INTEGER
        && !g_ascii_string_to_signed(value, 10, p->min, p->max, &number, NULL)) {
        *reason = g_strdup_printf("must be an integer from %d to %d", p->min, p->max);
        return FALSE;
    }
    if (p->type == LH_PARAM_BOOLEAN && !parse_boolean(value, &flag)) {
        *reason = g_strdup("must be true or false");
        return FALSE;
    }
    if (p->type == LH_PARAM_SELECT && !select_has(p->choices, value)) {
        *reason = g_strdup_printf("must be one of %s", p->choices);
        return FALSE;
    }
    if (p->check != NULL && !p->check(value, reason)) {
        return FALSE;
    }
    if (p->type == LH_PARAM_INTEGER) {
        *(int *)(void *)field = (int)number;
    } else if (p->type == LH_PARAM_BOOLEAN) {
        *(gboolean *)(void *)field = flag;
    } else {
        *(const char **)(void *)field = value;
    }
    return TRUE;
}

/* Whether a value found is taken: an empty one counts as unset, as an empty
 * instance attribute does in a CIB, unless the parameter says empty means "off". */
static gboolean value_set(const lh_param *p, const char *value)
{
    return value != NULL && (*value != '\0' || (p->flags & LH_PARAM_EMPTY_IS_VALUE));
}

/* Where a value comes from: an override, the environment, the default. */
static const char *lookup_value(const lh_param *p, GHashTable *overrides)
{
    const char *value = overrides ? g_hash_table_lookup(overrides, p->name) : NULL;

    if (!value_set(p, value)) {
        g_autofree char *env = g_strconcat("OCF_RESKEY_", p->name, NULL);

        value = getenv(env);
    }
    if (!value_set(p, value)) {
        value = p->default_value;
    }
    return value;
}

static void add_problem(GString *problems, const char *name, const char *what)
{
    if (problems->len > 0) {
        g_string_append(problems, "; ");
    }
    g_string_append_printf(problems, "parameter '%s' %s", name, what);
}

gboolean lh_params_parse(const lh_param *params, size_t n, GHashTable *overrides,
                         void *config, char **reason)
{
    g_autoptr(GString) problems = g_string_new(NULL);

    for (size_t i = 0; i < n; i++) {
        const lh_param *p = &params[i];
        const char *value = lookup_value(p, overrides);
        g_autofree char *why = NULL;

        if (value == NULL) {
            if (p->flags & LH_PARAM_REQUIRED) {
                add_problem(problems, p->name, "is required");
            }
            continue;
        }
        if (!value_is_clean(value, &why) || !store_value(p, value, config, &why)) {
            g_autofree char *quoted = g_strescape(value, NULL);
            g_autofree char *what = g_strdup_printf("%s (got \"%.64s\")", why, quoted);

            add_problem(problems, p->name, what);
        }
    }
    *reason = problems->len > 0 ? g_strdup(problems->str) : NULL;
    return problems->len == 0;
}
