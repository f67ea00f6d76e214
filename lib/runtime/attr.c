/* attr.c - node attributes and promotion scores through Pacemaker's own tools.
 *
 * Each call builds one argv, runs it with lh_run() under the operation's deadline and
 * environment (the tools are found on its PATH), and reads the answer. The tools'
 * exit codes are Pacemaker's (crm_exit_t): 105 (CRM_EX_NOSUCH) on a query is "not
 * set", no error; 102 (CRM_EX_DISCONNECT) is what they return without a cluster.
 * attrd_updater -Q of Pacemaker 2.1 says "not set" its own way: when attrd knows no
 * value it prints nothing, says "attribute does not exist" and returns 78
 * (CRM_EX_CONFIG, from pcmk_rc_schema_validation).
 */
#include "config.h"

#include <string.h>

#include <lhost/attr.h>
#include <lhost/run.h>

#define ATTRD_UPDATER "attrd_updater"
#define CRM_ATTRIBUTE "crm_attribute"

enum { CRM_EX_CONFIG = 78, CRM_EX_DISCONNECT = 102, CRM_EX_NOSUCH = 105 };

/* A command of at most a dozen words. */
typedef struct cmd {
    const char *argv[16];
    int argc;
} cmd;

static void cmd_add(cmd *c, const char *word)
{
    g_assert(c->argc < (int)G_N_ELEMENTS(c->argv) - 1);
    c->argv[c->argc++] = word;
    c->argv[c->argc] = NULL;
}

static void cmd_add_node(cmd *c, const char *node)
{
    if (node != NULL) {
        cmd_add(c, "-N");
        cmd_add(c, node);
    }
}

static const char *exit_hint(int exit_code)
{
    switch (exit_code) {
    case CRM_EX_DISCONNECT:
        return " (not connected to the cluster)";
    case CRM_EX_NOSUCH:
        return " (no such attribute)";
    default:
        return "";
    }
}

/* "attrd_updater -n x -U 1 returned 102 (not connected to the cluster): <stderr>". */
static char *describe_failure(const cmd *c, const lh_run_result *res)
{
    g_autofree char *line = lh_argv_to_string(c->argv);
    g_autofree char *how = lh_run_describe(res);
    g_autofree char *said = g_strstrip(g_strdup(res->err != NULL ? res->err->str : ""));
    char *newline = strchr(said, '\n');

    if (newline != NULL) {
        *newline = '\0'; /* the first line says it; the rest is detail */
    }
    return g_strdup_printf("%s %s%s%s%s", line, how,
                           res->end == LH_RUN_EXITED ? exit_hint(res->exit_code) : "",
                           *said != '\0' ? ": " : "", said);
}

/* Runs @c with @envp into @res (the caller releases it); TRUE when it exited 0, else
 * *why. */
static gboolean run_cmd_env(const lh_op *op, char *const *envp, const cmd *c, lh_run_result *res,
                            char **why)
{
    lh_run(c->argv, &(lh_run_options){.envp = envp, .deadline = op->deadline}, res);
    if (lh_run_succeeded(res)) {
        return TRUE;
    }
    *why = describe_failure(c, res);
    return FALSE;
}

/* Runs @c into @res (the caller releases it); TRUE when it exited 0, else *why. */
static gboolean run_cmd(const lh_op *op, const cmd *c, lh_run_result *res, char **why)
{
    lh_run(c->argv, &(lh_run_options){.envp = op->envp, .deadline = op->deadline}, res);
    if (lh_run_succeeded(res)) {
        return TRUE;
    }
    *why = describe_failure(c, res);
    return FALSE;
}

static gboolean run_simple(const lh_op *op, const cmd *c, char **why)
{
    lh_run_result res = LH_RUN_RESULT_INIT;
    gboolean ok = run_cmd(op, c, &res, why);

    lh_run_result_release(&res);
    return ok;
}

/* crm_attribute -t nodes [-N NODE] -n NAME -l forever */
static void permanent_cmd(cmd *c, const char *name, const char *node)
{
    cmd_add(c, CRM_ATTRIBUTE);
    cmd_add(c, "-t");
    cmd_add(c, "nodes");
    cmd_add_node(c, node);
    cmd_add(c, "-n");
    cmd_add(c, name);
    cmd_add(c, "-l");
    cmd_add(c, "forever");
}

/* attrd_updater -n NAME FLAG [VALUE] [-N NODE], or crm_attribute ... FLAG [VALUE]:
 * a set (-U / -v VALUE) or a delete (-D) of either lifetime. */
static void change_cmd(cmd *c, const char *name, const char *node, lh_attr_lifetime lifetime,
                       gboolean set, const char *value)
{
    if (lifetime == LH_ATTR_REBOOT) {
        cmd_add(c, ATTRD_UPDATER);
        cmd_add(c, "-n");
        cmd_add(c, name);
        cmd_add(c, set ? "-U" : "-D");
        if (set) {
            cmd_add(c, value);
        }
        cmd_add_node(c, node);
    } else {
        permanent_cmd(c, name, node);
        cmd_add(c, set ? "-v" : "-D");
        if (set) {
            cmd_add(c, value);
        }
    }
}

gboolean lh_attr_set(const lh_op *op, const char *name, const char *value, const char *node,
                     lh_attr_lifetime lifetime, char **why)
{
    cmd c = {{NULL}, 0};

    change_cmd(&c, name, node, lifetime, TRUE, value);
    return run_simple(op, &c, why);
}

gboolean lh_attr_delete(const lh_op *op, const char *name, const char *node,
                        lh_attr_lifetime lifetime, char **why)
{
    cmd c = {{NULL}, 0};

    change_cmd(&c, name, node, lifetime, FALSE, NULL);
    return run_simple(op, &c, why);
}

/* attrd_updater -Q prints `name="NAME" host="NODE" value="VALUE"`: the value is what
 * follows value=" up to the line's last quote (a value may hold quotes itself). */
static gboolean parse_attrd_query(const char *out, char **value)
{
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);

    for (gsize i = 0; lines[i] != NULL; i++) {
        const char *start = strstr(lines[i], "value=\"");
        const char *end;

        if (start == NULL) {
            continue;
        }
        start += strlen("value=\"");
        end = strrchr(start, '"');
        if (end == NULL) {
            return FALSE;
        }
        *value = end > start ? g_strndup(start, (gsize)(end - start)) : NULL;
        return TRUE;
    }
    return FALSE;
}

/* TRUE when a query that failed said "not set": an answer, not an error. */
static gboolean query_found_nothing(const lh_run_result *res)
{
    if (res->end != LH_RUN_EXITED) {
        return FALSE;
    }
    return res->exit_code == CRM_EX_NOSUCH
           || (res->exit_code == CRM_EX_CONFIG && res->err != NULL
               && strstr(res->err->str, "attribute does not exist") != NULL);
}

/* crm_attribute -G -q prints the value alone, on one line. */
static char *parse_crm_query(const char *out)
{
    g_autofree char *copy = g_strdup(out);
    char *newline = strchr(copy, '\n');

    if (newline != NULL) {
        *newline = '\0';
    }
    g_strchomp(copy);
    return *copy != '\0' ? g_steal_pointer(&copy) : NULL;
}

static void query_cmd(cmd *c, const char *name, const char *node, lh_attr_lifetime lifetime)
{
    if (lifetime == LH_ATTR_REBOOT) {
        cmd_add(c, ATTRD_UPDATER);
        cmd_add(c, "-Q");
        cmd_add(c, "-n");
        cmd_add(c, name);
        cmd_add_node(c, node);
    } else {
        permanent_cmd(c, name, node);
        cmd_add(c, "-G");
        cmd_add(c, "-q");
    }
}

gboolean lh_attr_get(const lh_op *op, const char *name, const char *node,
                     lh_attr_lifetime lifetime, char **value, char **why)
{
    cmd c = {{NULL}, 0};
    lh_run_result res = LH_RUN_RESULT_INIT;
    gboolean ok;

    *value = NULL;
    query_cmd(&c, name, node, lifetime);
    ok = run_cmd(op, &c, &res, why);
    if (!ok && query_found_nothing(&res)) {
        g_clear_pointer(why, g_free); /* not set: an answer, not an error */
        ok = TRUE;
    } else if (ok && lifetime == LH_ATTR_FOREVER) {
        *value = parse_crm_query(res.out->str);
    } else if (ok && !parse_attrd_query(res.out->str, value)) {
        g_autofree char *line = lh_argv_to_string(c.argv);
        g_autofree char *out = g_strstrip(g_strdup(res.out->str));

        *why = g_strdup_printf("%s printed no value=\"...\": '%s'", line, out);
        ok = FALSE;
    }
    lh_run_result_release(&res);
    return ok;
}

/* One line of attrd_updater -Q -A: `name="NAME" host="NODE" value="VALUE"`. The node
 * runs to the first `" value="` (node names hold no quotes), the value to the line's
 * last quote (values may hold quotes and spaces). Into @values, or FALSE. */
static gboolean parse_attrd_all_line(const char *line, const char *name, GHashTable *values)
{
    g_autofree char *lead = g_strdup_printf("name=\"%s\" host=\"", name);
    const char *node = strstr(line, lead);
    const char *node_end, *value, *value_end;

    if (node == NULL) {
        return FALSE;
    }
    node += strlen(lead);
    node_end = strstr(node, "\" value=\"");
    if (node_end == NULL || node_end == node) {
        return FALSE;
    }
    value = node_end + strlen("\" value=\"");
    value_end = strrchr(value, '"');
    if (value_end == NULL) {
        return FALSE;
    }
    if (value_end > value) {
        g_hash_table_replace(values, g_strndup(node, (gsize)(node_end - node)),
                             g_strndup(value, (gsize)(value_end - value)));
    } else {
        g_autofree char *key = g_strndup(node, (gsize)(node_end - node));

        g_hash_table_remove(values, key); /* empty: deleted, as lh_attr_get reads it */
    }
    return TRUE;
}

/* Every line of @out into @values; FALSE with *why at the first line that is not one. */
static gboolean parse_attrd_all(const cmd *c, const char *out, const char *name,
                                GHashTable *values, char **why)
{
    g_auto(GStrv) lines = g_strsplit(out, "\n", -1);

    for (gsize i = 0; lines[i] != NULL; i++) {
        const char *line = lines[i];

        while (g_ascii_isspace(*line)) {
            line++;
        }
        if (*line != '\0' && !parse_attrd_all_line(line, name, values)) {
            g_autofree char *command = lh_argv_to_string(c->argv);

            *why = g_strdup_printf("%s printed a line not of the form name=\"%s\" "
                                   "host=\"...\" value=\"...\": '%s'",
                                   command, name, g_strchomp(lines[i]));
            return FALSE;
        }
    }
    return TRUE;
}

/* Pacemaker 2.1.5's attrd_updater -Q -A asks for the node that
 * OCF_RESKEY_CRM_meta_on_node (or, in a bundle, ..._physical_host) names instead of
 * every node, which is what an agent's environment holds (fixed in 2.1.6, Pacemaker
 * pull request 3027): the query runs without them. */
static const char *const node_target_vars[] = {"OCF_RESKEY_CRM_meta_on_node",
                                               "OCF_RESKEY_CRM_meta_physical_host"};

gboolean lh_attr_get_all(const lh_op *op, const char *name, GHashTable **values, char **why)
{
    g_auto(GStrv) all_nodes_env = op->envp != NULL ? g_strdupv(op->envp) : NULL;
    cmd c = {{NULL}, 0};
    lh_run_result res = LH_RUN_RESULT_INIT;
    GHashTable *table = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    gboolean ok;

    *values = NULL;
    for (gsize i = 0; i < G_N_ELEMENTS(node_target_vars); i++) {
        all_nodes_env = g_environ_unsetenv(all_nodes_env, node_target_vars[i]);
    }
    cmd_add(&c, ATTRD_UPDATER);
    cmd_add(&c, "-Q");
    cmd_add(&c, "-A");
    cmd_add(&c, "-n");
    cmd_add(&c, name);
    ok = run_cmd_env(op, all_nodes_env, &c, &res, why);
    if (!ok && query_found_nothing(&res)) {
        g_clear_pointer(why, g_free); /* set on no node: an empty answer */
        ok = TRUE;
    } else if (ok) {
        ok = parse_attrd_all(&c, res.out->str, name, table, why);
    }
    lh_run_result_release(&res);
    if (!ok) {
        g_hash_table_destroy(table);
        return FALSE;
    }
    *values = table;
    return TRUE;
}

/* The resource whose score it is: OCF_RESOURCE_INSTANCE of the command's environment. */
static const char *promotion_resource(const lh_op *op, char **why)
{
    const char *value = op->envp != NULL ? g_environ_getenv(op->envp, "OCF_RESOURCE_INSTANCE")
                                         : NULL;

    if (value == NULL || *value == '\0') {
        *why = g_strdup("no promotion score without a resource: OCF_RESOURCE_INSTANCE is unset "
                        "(the cluster sets it)");
        return NULL;
    }
    return value;
}

static gboolean run_promotion(const lh_op *op, const char *verb, const char *value, char **why)
{
    const char *resource = promotion_resource(op, why);
    g_autofree char *option = NULL;
    cmd c = {{NULL}, 0};

    if (resource == NULL) {
        return FALSE;
    }
    option = g_strdup_printf("--promotion=%s", resource);
    cmd_add(&c, CRM_ATTRIBUTE);
    cmd_add(&c, option);
    cmd_add(&c, verb);
    if (value != NULL) {
        cmd_add(&c, value);
    }
    return run_simple(op, &c, why);
}

gboolean lh_attr_set_promotion_score(const lh_op *op, int score, char **why)
{
    g_autofree char *value = g_strdup_printf("%d", score);

    return run_promotion(op, "-v", value, why);
}

gboolean lh_attr_delete_promotion_score(const lh_op *op, char **why)
{
    return run_promotion(op, "-D", NULL, why);
}
