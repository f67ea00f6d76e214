/* lhdef.c - loading a logical host's definition file (see lhost/lhdef.h). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <lhost/lhdef.h>

#define POLICY_GROUP "logical-host"
#define MEMBER_PREFIX "member "

static const char *const role_names[] = {"disk", "ip", "base", "manager", "other"};

const char *lh_role_name(lh_role role)
{
    return role <= LH_ROLE_OTHER ? role_names[role] : "?";
}

static gboolean role_parse(const char *text, lh_role *role)
{
    for (guint i = 0; i < G_N_ELEMENTS(role_names); i++) {
        if (g_strcmp0(text, role_names[i]) == 0) {
            *role = (lh_role)i;
            return TRUE;
        }
    }
    return FALSE;
}

/* What a member is when the definition does not say: the agents a logical host is
 * made of. Any other agent may be a member, with no place in the order. */
static lh_role role_of_type(const char *type)
{
    static const struct {
        const char *type;
        lh_role role;
    } known[] = {
        {"Filesystem", LH_ROLE_DISK}, {"LVM-activate", LH_ROLE_DISK},
        {"IPaddr2", LH_ROLE_IP},      {"IPaddr", LH_ROLE_IP},
        {"IPv6addr", LH_ROLE_IP},     {"jp1base", LH_ROLE_BASE},
        {"jp1im", LH_ROLE_MANAGER},   {"ajs3", LH_ROLE_MANAGER},
        {"iws", LH_ROLE_MANAGER},
        {"ctmplex", LH_ROLE_MANAGER},
    };

    for (guint i = 0; type != NULL && i < G_N_ELEMENTS(known); i++) {
        if (strcmp(type, known[i].type) == 0) {
            return known[i].role;
        }
    }
    return LH_ROLE_OTHER;
}

gint64 lh_duration_parse_ms(const char *text)
{
    static const struct {
        const char *unit;
        gint64 ms;
    } units[] = {{"", 1000}, {"s", 1000}, {"sec", 1000}, {"ms", 1},      {"msec", 1},
                 {"m", 60000}, {"min", 60000}, {"h", 3600000}, {"hr", 3600000}};
    char *end = NULL;
    gint64 value;

    if (text == NULL || !g_ascii_isdigit(text[0])) {
        return -1;
    }
    errno = 0;
    value = g_ascii_strtoll(text, &end, 10);
    if (errno != 0 || value > G_MAXINT32) {
        return -1;
    }
    for (guint i = 0; i < G_N_ELEMENTS(units); i++) {
        /* At most 2^31 - 1 seconds: lh_duration_format() writes seconds, and what
         * it writes must read back ("2147483647h" would come back as too many). */
        if (g_ascii_strcasecmp(end, units[i].unit) == 0) {
            return value * units[i].ms <= (gint64)G_MAXINT32 * 1000 ? value * units[i].ms : -1;
        }
    }
    return -1;
}

void lh_def_problem(const lh_def *def, GPtrArray *problems, int line, const char *fmt, ...)
{
    g_autofree char *message = NULL;
    va_list ap;

    va_start(ap, fmt);
    message = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (line > 0) {
        g_ptr_array_add(problems, g_strdup_printf("%s:%d: %s", def->path, line, message));
    } else {
        g_ptr_array_add(problems, g_strdup_printf("%s: %s", def->path, message));
    }
}

static char *line_key(const char *group, const char *key)
{
    return key == NULL ? g_strdup(group) : g_strconcat(group, "\n", key, NULL);
}

static int line_of(const lh_def *def, const char *group, const char *key)
{
    g_autofree char *k = line_key(group, key);

    return GPOINTER_TO_INT(g_hash_table_lookup(def->lines, k));
}

int lh_def_line(const lh_def *def, const lh_member *member, const char *key)
{
    g_autofree char *group = g_strconcat(MEMBER_PREFIX, member->id, NULL);

    return line_of(def, group, key);
}

/* A key GKeyFile accepts and a definition can use: letters, digits, '_', '-', '.'. */
static gboolean valid_key(const char *key)
{
    if (key[0] == '\0') {
        return FALSE;
    }
    for (const char *p = key; *p != '\0'; p++) {
        if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-' && *p != '.') {
            return FALSE;
        }
    }
    return TRUE;
}

/* A group name GKeyFile accepts: not empty, no '[', ']' or control character. */
static gboolean valid_group(const char *group)
{
    if (group[0] == '\0') {
        return FALSE;
    }
    for (const char *p = group; *p != '\0'; p++) {
        if (*p == '[' || *p == ']' || g_ascii_iscntrl(*p)) {
            return FALSE;
        }
    }
    return TRUE;
}

/* Indexes one "key = value" line of @group; FALSE when GKeyFile must not see it.
 * The lines of a @dropped group are checked but never kept. */
static gboolean index_key_line(lh_def *def, const char *group, gboolean dropped,
                               const char *line, int n, GPtrArray *problems)
{
    const char *eq = strchr(line, '=');
    g_autofree char *key = NULL;
    g_autofree char *k = NULL;
    int first;

    if (eq == NULL || eq == line || group == NULL) {
        lh_def_problem(def, problems, n, "%s",
                       group == NULL ? "a key before any [group]"
                                     : "not a key = value line, a [group] or a # comment");
        return FALSE;
    }
    key = g_strchomp(g_strndup(line, (gsize)(eq - line)));
    if (!valid_key(key)) {
        lh_def_problem(def, problems, n,
                       "'%s' is not a key: use letters, digits, '_', '-' and '.'", key);
        return FALSE;
    }
    if (dropped) {
        return FALSE;
    }
    k = line_key(group, key);
    first = GPOINTER_TO_INT(g_hash_table_lookup(def->lines, k));
    if (first > 0) {
        lh_def_problem(def, problems, n, "%s is set twice in [%s] (first at line %d)", key,
                       group, first);
        return FALSE;
    }
    g_hash_table_insert(def->lines, g_steal_pointer(&k), GINT_TO_POINTER(n));
    return TRUE;
}

/* GKeyFile takes "Encoding" in the first group as the file's encoding, and refuses
 * the whole file unless it says UTF-8: one line would hide every other problem. */
static gboolean encoding_refused(const char *line)
{
    const char *eq = strchr(line, '=');
    g_autofree char *key = g_strchomp(g_strndup(line, (gsize)(eq - line)));
    g_autofree char *value = g_strstrip(g_strdup(eq + 1));

    return strcmp(key, "Encoding") == 0 && g_ascii_strcasecmp(value, "UTF-8") != 0;
}

/* Indexes groups and keys by line, reporting what GKeyFile would silently merge or
 * reject, and returns the text GKeyFile may parse. Everything reported is commented
 * out of it, so that GKeyFile neither merges a repeated group into the first, nor
 * keeps the second of a repeated key, nor stops at a line it rejects (a group name
 * it refuses would stop it at once, and with it every check that follows): every
 * other problem is still found. @groups receives the groups in file order. */
static char *index_lines(lh_def *def, const char *text, GPtrArray *groups, GPtrArray *problems)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    GString *clean = g_string_new(NULL);
    g_autofree char *group = NULL;
    gboolean dropped = FALSE; /* a repeated or refused group: lines checked, then dropped */

    for (int n = 0; lines[n] != NULL; n++) {
        char *line = g_strstrip(lines[n]);
        gboolean keep = TRUE;

        if (line[0] == '[' && line[strlen(line) - 1] == ']') {
            int first;

            g_free(group);
            group = g_strndup(line + 1, strlen(line) - 2);
            first = line_of(def, group, NULL);
            dropped = first > 0 || !valid_group(group);
            if (!valid_group(group)) {
                lh_def_problem(def, problems, n + 1,
                               "[%s] is not a group: name it without '[', ']' or control "
                               "characters", group);
            } else if (first > 0) {
                lh_def_problem(def, problems, n + 1, "[%s] appears twice (first at line %d)",
                               group, first);
            } else {
                g_hash_table_insert(def->lines, g_strdup(group), GINT_TO_POINTER(n + 1));
                g_ptr_array_add(groups, g_strdup(group));
            }
            keep = !dropped;
        } else if (line[0] != '\0' && line[0] != '#') {
            keep = index_key_line(def, group, dropped, line, n + 1, problems);
            if (keep && groups->len == 1 && encoding_refused(line)) {
                lh_def_problem(def, problems, n + 1,
                               "Encoding: in the first group, the key file format reads this "
                               "key as the file's encoding, and knows only UTF-8");
                keep = FALSE;
            }
        }
        g_string_append_printf(clean, "%s%s\n", keep ? "" : "# ", line);
    }
    return g_string_free(clean, FALSE);
}

/* The value of @key in @group; NULL when it is absent, and NULL with a problem at
 * its line when GKeyFile cannot read it (not UTF-8): a value must never be dropped
 * in silence, as if the line were not there. (An unknown escape such as \d is kept
 * as written, with an error GKeyFile sets beside the value: not a problem.) */
static char *read_value(lh_def *def, GKeyFile *kf, const char *group, const char *key,
                        GPtrArray *problems)
{
    g_autoptr(GError) error = NULL;
    char *value = g_key_file_get_string(kf, group, key, &error);

    if (value == NULL && !g_error_matches(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND)
        && !g_error_matches(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND)) {
        lh_def_problem(def, problems, line_of(def, group, key),
                       "%s: the value is not UTF-8 text", key);
    }
    return value;
}

static gint64 duration_key(lh_def *def, GKeyFile *kf, const char *key, gint64 fallback,
                           GPtrArray *problems)
{
    g_autofree char *text = read_value(def, kf, POLICY_GROUP, key, problems);
    gint64 ms;

    if (text == NULL) {
        return fallback;
    }
    ms = lh_duration_parse_ms(text);
    if (ms < 0) {
        lh_def_problem(def, problems, line_of(def, POLICY_GROUP, key),
                       "%s: '%s' is not a duration (e.g. 90, 20s, 10min, 1h)", key, text);
        return fallback;
    }
    return ms;
}

static int count_key(lh_def *def, GKeyFile *kf, const char *key, int fallback,
                     GPtrArray *problems)
{
    g_autofree char *text = read_value(def, kf, POLICY_GROUP, key, problems);
    gint64 value;

    if (text == NULL) {
        return fallback;
    }
    if (g_ascii_strcasecmp(text, "INFINITY") == 0) {
        return LH_INFINITY;
    }
    if (!g_ascii_string_to_signed(text, 10, 0, LH_INFINITY, &value, NULL)) {
        lh_def_problem(def, problems, line_of(def, POLICY_GROUP, key),
                       "%s: '%s' is not a whole number from 0 to 1000000, or INFINITY",
                       key, text);
        return fallback;
    }
    return (int)value;
}

static void parse_policy(lh_def *def, GKeyFile *kf, GPtrArray *problems)
{
    static const char *const known[] = {"migration-threshold", "failure-timeout",
                                        "kill-timeout", "resource-stickiness", NULL};
    g_auto(GStrv) keys = g_key_file_get_keys(kf, POLICY_GROUP, NULL, NULL);

    def->policy.migration_threshold =
        count_key(def, kf, "migration-threshold", LH_DEFAULT_MIGRATION_THRESHOLD, problems);
    def->policy.failure_timeout_ms =
        duration_key(def, kf, "failure-timeout", LH_DEFAULT_FAILURE_TIMEOUT_MS, problems);
    def->policy.kill_timeout_ms =
        duration_key(def, kf, "kill-timeout", LH_DEFAULT_KILL_TIMEOUT_MS, problems);
    def->policy.resource_stickiness = count_key(def, kf, "resource-stickiness", -1, problems);
    if (def->policy.migration_threshold == 0) {
        lh_def_problem(def, problems, line_of(def, POLICY_GROUP, "migration-threshold"),
                       "migration-threshold must be at least 1");
    }
    for (int i = 0; keys != NULL && keys[i] != NULL; i++) {
        if (!g_strv_contains(known, keys[i])) {
            lh_def_problem(def, problems, line_of(def, POLICY_GROUP, keys[i]),
                           "unknown policy key '%s' (known: migration-threshold, "
                           "failure-timeout, kill-timeout, resource-stickiness)",
                           keys[i]);
        }
    }
}

static void op_override_free(gpointer data)
{
    lh_op_override *o = data;

    g_free(o->action);
    g_free(o);
}

static lh_op_override *op_override_for(lh_member *member, const char *action)
{
    lh_op_override *o;

    for (guint i = 0; i < member->op_overrides->len; i++) {
        o = g_ptr_array_index(member->op_overrides, i);
        if (strcmp(o->action, action) == 0) {
            return o;
        }
    }
    o = g_new0(lh_op_override, 1);
    o->action = g_strdup(action);
    o->timeout_ms = o->interval_ms = -1;
    g_ptr_array_add(member->op_overrides, o);
    return o;
}

/* op.<action>.timeout = 60s, op.<action>.interval = 20s */
static void parse_op_key(lh_def *def, lh_member *m, const char *key, const char *value,
                         GPtrArray *problems)
{
    g_auto(GStrv) parts = g_strsplit(key, ".", 3);
    int line = lh_def_line(def, m, key);
    gint64 ms;

    if (g_strv_length(parts) != 3 || parts[1][0] == '\0'
        || (strcmp(parts[2], "timeout") != 0 && strcmp(parts[2], "interval") != 0)) {
        lh_def_problem(def, problems, line,
                       "%s: operation keys are op.<action>.timeout or op.<action>.interval",
                       key);
        return;
    }
    /* An operation's id is <rsc>-<action>-interval-<interval>, a parameter's
     * <rsc>-instance_attributes-<name>: an action named like the attribute set
     * could make two ids one (with a parameter named interval-0s, say). */
    if (strcmp(parts[1], "instance_attributes") == 0
        || g_str_has_prefix(parts[1], "instance_attributes-")) {
        lh_def_problem(def, problems, line,
                       "%s: an operation cannot be named like the instance_attributes set",
                       key);
        return;
    }
    ms = lh_duration_parse_ms(value);
    if (ms <= 0) {
        lh_def_problem(def, problems, line, "%s: '%s' is not a duration of more than 0", key,
                       value);
        return;
    }
    if (strcmp(parts[2], "timeout") == 0) {
        op_override_for(m, parts[1])->timeout_ms = ms;
    } else {
        op_override_for(m, parts[1])->interval_ms = ms;
    }
}

static gboolean valid_name(const char *name)
{
    if (name == NULL || !g_ascii_isalpha(name[0])) {
        return FALSE;
    }
    for (const char *p = name; *p != '\0'; p++) {
        if (!g_ascii_isalnum(*p) && *p != '_' && *p != '-' && *p != '.') {
            return FALSE;
        }
    }
    return TRUE;
}

/* "ocf:<provider>:<type>": the only class a logical host runs itself. */
static void parse_agent(lh_def *def, lh_member *m, const char *agent, GPtrArray *problems)
{
    g_auto(GStrv) parts = NULL;

    if (agent == NULL) {
        lh_def_problem(def, problems, m->line, "member '%s' has no agent (agent = ocf:PROVIDER:TYPE)",
                       m->id);
        return;
    }
    m->agent = g_strdup(agent);
    parts = g_strsplit(agent, ":", -1);
    if (g_strv_length(parts) != 3 || strcmp(parts[0], "ocf") != 0 || !valid_name(parts[1])
        || !valid_name(parts[2])) {
        lh_def_problem(def, problems, lh_def_line(def, m, "agent"),
                       "agent '%s' is not ocf:PROVIDER:TYPE", agent);
        return;
    }
    m->provider = g_strdup(parts[1]);
    m->type = g_strdup(parts[2]);
    m->role = role_of_type(m->type);
}

/* The first ASCII control character of @value, or 0. A parameter value goes into
 * an agent's environment and into the CIB, where XML cannot carry most of them
 * (a CIB that cibadmin refuses); agents refuse them too (lhost/ocf.h). */
static int control_char(const char *value)
{
    for (const char *p = value; *p != '\0'; p++) {
        if (g_ascii_iscntrl(*p)) {
            return *p;
        }
    }
    return 0;
}

static void parse_member_key(lh_def *def, GKeyFile *kf, lh_member *m, const char *group,
                             const char *key, GPtrArray *problems)
{
    g_autofree char *value = NULL;

    if (strcmp(key, "agent") == 0) {
        return; /* read by parse_agent() */
    }
    value = read_value(def, kf, group, key, problems);
    if (value == NULL) {
        return;
    }
    if (strcmp(key, "role") == 0) {
        if (!role_parse(value, &m->role)) {
            lh_def_problem(def, problems, lh_def_line(def, m, key),
                           "role '%s' is not one of disk, ip, base, manager, other", value);
        }
    } else if (g_str_has_prefix(key, "op.")) {
        parse_op_key(def, m, key, value, problems);
    } else if (!valid_name(key) || strchr(key, '.') != NULL) {
        lh_def_problem(def, problems, lh_def_line(def, m, key),
                       "'%s' is not a parameter name", key);
    } else if (control_char(value) != 0) {
        lh_def_problem(def, problems, lh_def_line(def, m, key),
                       "%s: the value contains the control character 0x%02x", key,
                       (unsigned)control_char(value));
    } else {
        g_ptr_array_add(m->param_names, g_strdup(key));
        g_hash_table_insert(m->params, g_strdup(key), g_steal_pointer(&value));
    }
}

static void member_free(gpointer data)
{
    lh_member *m = data;

    g_free(m->id);
    g_free(m->agent);
    g_free(m->provider);
    g_free(m->type);
    g_ptr_array_unref(m->param_names);
    g_hash_table_unref(m->params);
    g_ptr_array_unref(m->op_overrides);
    g_free(m);
}

static void parse_member(lh_def *def, GKeyFile *kf, const char *group, GPtrArray *problems)
{
    lh_member *m = g_new0(lh_member, 1);
    g_auto(GStrv) keys = g_key_file_get_keys(kf, group, NULL, NULL);
    g_autofree char *agent = NULL;

    m->id = g_strdup(group + strlen(MEMBER_PREFIX));
    m->line = line_of(def, group, NULL);
    m->role = LH_ROLE_OTHER;
    m->param_names = g_ptr_array_new_with_free_func(g_free);
    m->params = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    m->op_overrides = g_ptr_array_new_with_free_func(op_override_free);
    g_ptr_array_add(def->members, m);
    /* Pacemaker ids are built as <lhost>-<member>-<what>: a '-' in a member name,
     * or the name of the group's own attribute set, could make two ids one. */
    if (!valid_name(m->id) || strchr(m->id, '-') != NULL
        || strcmp(m->id, "meta_attributes") == 0) {
        lh_def_problem(def, problems, m->line,
                       "member name '%s': use letters, digits, '_' and '.', starting with a "
                       "letter (and not meta_attributes)", m->id);
    }
    agent = read_value(def, kf, group, "agent", problems);
    if (agent != NULL || !g_key_file_has_key(kf, group, "agent", NULL)) {
        parse_agent(def, m, agent, problems); /* an unreadable one is reported already */
    }
    for (int i = 0; keys != NULL && keys[i] != NULL; i++) {
        parse_member_key(def, kf, m, group, keys[i], problems);
    }
}

static void parse_groups(lh_def *def, GKeyFile *kf, GPtrArray *groups, GPtrArray *problems)
{
    for (guint i = 0; i < groups->len; i++) {
        const char *group = g_ptr_array_index(groups, i);

        if (strcmp(group, POLICY_GROUP) == 0) {
            continue;
        }
        if (g_str_has_prefix(group, MEMBER_PREFIX)) {
            parse_member(def, kf, group, problems);
        } else {
            lh_def_problem(def, problems, line_of(def, group, NULL),
                           "unknown group [%s] (groups are [logical-host] and [member NAME])",
                           group);
        }
    }
    parse_policy(def, kf, problems);
    if (def->members->len == 0) {
        lh_def_problem(def, problems, 0, "no [member NAME] group: a logical host needs members");
    }
}

static char *name_of_path(const char *path)
{
    g_autofree char *base = g_path_get_basename(path);

    if (g_str_has_suffix(base, ".conf")) {
        base[strlen(base) - strlen(".conf")] = '\0';
    }
    return g_steal_pointer(&base);
}

lh_def *lh_def_load(const char *path, GPtrArray *problems)
{
    lh_def *def = g_new0(lh_def, 1);
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *text = NULL;
    g_autofree char *clean = NULL;

    def->path = g_strdup(path);
    def->name = name_of_path(path);
    def->members = g_ptr_array_new_with_free_func(member_free);
    def->lines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    def->policy = (lh_policy){LH_DEFAULT_MIGRATION_THRESHOLD, LH_DEFAULT_FAILURE_TIMEOUT_MS,
                              LH_DEFAULT_KILL_TIMEOUT_MS, -1};
    if (!valid_name(def->name)) {
        lh_def_problem(def, problems, 0,
                       "'%s' cannot name a logical host: use letters, digits, '_', '-' and "
                       "'.', starting with a letter", def->name);
    }
    if (!g_file_get_contents(path, &text, NULL, &error)) {
        lh_def_problem(def, problems, 0, "cannot read it: %s", error->message);
        return def;
    }
    clean = index_lines(def, text, groups, problems);
    if (!g_key_file_load_from_data(kf, clean, (gsize)-1, G_KEY_FILE_NONE, &error)) {
        if (problems->len == 0) {
            lh_def_problem(def, problems, 0, "%s", error->message);
        }
        return def;
    }
    parse_groups(def, kf, groups, problems);
    return def;
}

void lh_def_free(lh_def *def)
{
    if (def == NULL) {
        return;
    }
    g_free(def->name);
    g_free(def->path);
    g_ptr_array_unref(def->members);
    g_hash_table_unref(def->lines);
    g_free(def);
}

static gint64 override_of(const lh_member *member, const char *action, gboolean timeout)
{
    for (guint i = 0; i < member->op_overrides->len; i++) {
        const lh_op_override *o = g_ptr_array_index(member->op_overrides, i);

        if (strcmp(o->action, action) == 0) {
            return timeout ? o->timeout_ms : o->interval_ms;
        }
    }
    return -1;
}

gint64 lh_member_override_timeout_ms(const lh_member *member, const char *action)
{
    return override_of(member, action, TRUE);
}

gint64 lh_member_override_interval_ms(const lh_member *member, const char *action)
{
    return override_of(member, action, FALSE);
}

char *lh_member_rsc_id(const lh_def *def, const lh_member *member)
{
    return g_strdup_printf("%s-%s", def->name, member->id);
}

char *lh_def_path(const char *dir, const char *name)
{
    g_autofree char *file = g_strconcat(name, ".conf", NULL);

    return g_build_filename(dir, file, NULL);
}
