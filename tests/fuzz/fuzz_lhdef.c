/* fuzz_lhdef.c - a logical host's definition file (lib/engine/lhdef.c), and the CIB made
 * of it (lib/engine/cib.c).
 *
 * Input: the bytes of a definition, written as lhA.conf in a scratch directory
 * and loaded with lh_def_load().
 * Asserts, beyond no crash:
 *   - every problem is "PATH: text" or "PATH:LINE: text" with a line of the file;
 *   - the definition is consistent: members with distinct ids and their header's
 *     line, parameters listed once each with a value and a line of their own,
 *     operation overrides unset (-1) or positive, one per action, and the policy
 *     within its documented ranges;
 *   - nothing is dropped in silence: every "key = value" line of a member is its
 *     agent, its role, an operation override or a parameter, or has a problem at
 *     its line, and so has every line whose value GKeyFile cannot read (not
 *     UTF-8);
 *   - a definition without problems becomes a CIB <group> (lh_lhost_cib, with
 *     no agent meta-data: the fallback timeouts) that is well-formed XML with
 *     unique ids, and in which every member is a primitive of its agent whose
 *     instance attributes are the definition's parameters, names and values
 *     exactly, in file order.
 */
#include "config.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <unistd.h>

#include <lhost/cib.h>
#include <lhost/lhost.h>

#include "fuzz.h"

static char *path;

static void quiet_xml(void *ctx, const char *msg, ...)
{
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fz_quiet_logs();
    xmlSetGenericErrorFunc(NULL, quiet_xml);
    path = g_build_filename(fz_scratch_dir(), "lhA.conf", NULL);
    return 0;
}

static void assert_problems(GPtrArray *problems, guint lines)
{
    g_autofree char *prefix = g_strconcat(path, ":", NULL);

    for (guint i = 0; i < problems->len; i++) {
        const char *p = g_ptr_array_index(problems, i);
        const char *rest = p + strlen(prefix);
        guint64 line = 0;

        FZ_ASSERT(g_str_has_prefix(p, prefix), "problem without the file: '%s'", p);
        if (rest[0] == ' ') {
            /* Of the whole file: only these; any other (GKeyFile's own refusal)
             * means a line the index let through. */
            FZ_ASSERT(g_str_has_prefix(rest, " no [member NAME] group"),
                      "problem '%s': of no line", p);
            continue;
        }
        FZ_ASSERT(g_ascii_isdigit(rest[0]), "problem '%s': no line", p);
        line = g_ascii_strtoull(rest, NULL, 10);
        FZ_ASSERT(line >= 1 && line <= lines, "problem '%s': the file has %u lines", p, lines);
    }
}

static void assert_member(const lh_def *def, const lh_member *m, guint lines)
{
    FZ_ASSERT(m->id != NULL && m->line >= 1 && (guint)m->line <= lines,
              "member '%s' at line %d", m->id, m->line);
    FZ_ASSERT(m->param_names->len == g_hash_table_size(m->params),
              "member '%s': %u names, %u parameters", m->id, m->param_names->len,
              g_hash_table_size(m->params));
    for (guint i = 0; i < m->param_names->len; i++) {
        const char *name = g_ptr_array_index(m->param_names, i);
        int line = lh_def_line(def, m, name);

        FZ_ASSERT(g_hash_table_lookup(m->params, name) != NULL, "'%s' has no value", name);
        FZ_ASSERT(line > m->line && (guint)line <= lines, "'%s' at line %d", name, line);
    }
    for (guint i = 0; i < m->op_overrides->len; i++) {
        const lh_op_override *o = g_ptr_array_index(m->op_overrides, i);

        FZ_ASSERT(o->action != NULL && o->action[0] != '\0', "an override without action");
        FZ_ASSERT((o->timeout_ms == -1 || o->timeout_ms > 0)
                      && (o->interval_ms == -1 || o->interval_ms > 0)
                      && (o->timeout_ms > 0 || o->interval_ms > 0),
                  "op.%s: timeout %" G_GINT64_FORMAT ", interval %" G_GINT64_FORMAT,
                  o->action, o->timeout_ms, o->interval_ms);
        FZ_ASSERT(lh_member_override_timeout_ms(m, o->action) == o->timeout_ms,
                  "op.%s is overridden twice", o->action);
    }
}

static void assert_definition(const lh_def *def, guint lines)
{
    g_autoptr(GHashTable) ids = g_hash_table_new(g_str_hash, g_str_equal);
    const lh_policy *p = &def->policy;

    FZ_ASSERT(strcmp(def->name, "lhA") == 0, "the definition is named '%s'", def->name);
    FZ_ASSERT(p->migration_threshold >= 0 && p->migration_threshold <= LH_INFINITY
                  && p->failure_timeout_ms >= 0 && p->kill_timeout_ms >= 0
                  && p->resource_stickiness >= -1 && p->resource_stickiness <= LH_INFINITY,
              "policy out of range");
    for (guint i = 0; i < def->members->len; i++) {
        const lh_member *m = g_ptr_array_index(def->members, i);

        assert_member(def, m, lines);
        FZ_ASSERT(g_hash_table_add(ids, m->id), "member '%s' twice", m->id);
    }
}

static gboolean has_problem_at(GPtrArray *problems, int line)
{
    g_autofree char *at = g_strdup_printf("%s:%d: ", path, line);

    for (guint i = 0; i < problems->len; i++) {
        if (g_str_has_prefix(g_ptr_array_index(problems, i), at)) {
            return TRUE;
        }
    }
    return FALSE;
}

static const lh_member *member_named(const lh_def *def, const char *group)
{
    for (guint i = 0; g_str_has_prefix(group, "member ") && i < def->members->len; i++) {
        const lh_member *m = g_ptr_array_index(def->members, i);

        if (strcmp(m->id, group + strlen("member ")) == 0) {
            return m;
        }
    }
    return NULL;
}

/* Whether GKeyFile reads @line (a "key = value" line) of @group without error. */
static gboolean readable(const char *group, const char *key, const char *line)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autofree char *one = g_strdup_printf("[%s]\n%s\n", group, line);
    g_autofree char *value = NULL;

    if (!g_key_file_load_from_data(kf, one, (gsize)-1, G_KEY_FILE_NONE, NULL)) {
        return TRUE; /* a line the loader itself reports */
    }
    value = g_key_file_get_string(kf, group, key, NULL);
    return value != NULL;
}

/* Is the key line @n of @group used, or reported? */
static void assert_accounted(const lh_def *def, GPtrArray *problems, const char *group,
                             const char *line, int n)
{
    const lh_member *m = member_named(def, group);
    g_autofree char *key = g_strchomp(g_strndup(line, (gsize)(strchr(line, '=') - line)));
    gboolean used = FALSE;

    if (has_problem_at(problems, n) || (m == NULL && strcmp(group, "logical-host") != 0)) {
        return; /* reported, or in a group reported as unknown */
    }
    FZ_ASSERT(readable(group, key, line), "line %d: '%s' cannot be read, yet no problem", n,
              line);
    if (m == NULL) {
        return; /* the policy: its keys have defaults, unknown ones are reported */
    }
    if (strcmp(key, "agent") == 0) {
        used = m->agent != NULL;
    } else if (strcmp(key, "role") == 0) {
        used = TRUE;
    } else if (g_str_has_prefix(key, "op.")) {
        g_auto(GStrv) parts = g_strsplit(key, ".", 3);

        used = g_strv_length(parts) == 3
               && (lh_member_override_timeout_ms(m, parts[1]) > 0
                   || lh_member_override_interval_ms(m, parts[1]) > 0);
    } else {
        used = g_hash_table_contains(m->params, key);
    }
    FZ_ASSERT(used, "line %d of [%s]: '%s' was dropped without a problem", n, group, line);
}

/* Whether GKeyFile takes @group as a group name. */
static gboolean group_name_ok(const char *group)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    g_autofree char *header = g_strdup_printf("[%s]\n", group);

    return g_key_file_load_from_data(kf, header, (gsize)-1, G_KEY_FILE_NONE, NULL);
}

/* Walks the lines as the loader does (lhdef.h): groups, then their keys. A
 * repeated group, or one GKeyFile refuses, is reported at its header and its
 * lines are dropped. */
static void assert_nothing_dropped(const lh_def *def, GPtrArray *problems, char *text)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_autofree char *group = NULL;
    gboolean skip = TRUE; /* before any group, or in a repeated one */

    for (int n = 0; lines[n] != NULL; n++) {
        char *line = g_strstrip(lines[n]);

        if (line[0] == '[' && line[strlen(line) - 1] == ']') {
            g_free(group);
            group = g_strndup(line + 1, strlen(line) - 2);
            skip = !g_hash_table_add(seen, g_strdup(group)) || !group_name_ok(group);
        } else if (!skip && line[0] != '\0' && line[0] != '#' && strchr(line, '=') != NULL) {
            assert_accounted(def, problems, group, line, n + 1);
        }
    }
}

static char *prop(xmlNode *node, const char *name)
{
    xmlChar *value = xmlGetProp(node, (const xmlChar *)name);
    char *copy = g_strdup((const char *)value);

    xmlFree(value);
    return copy;
}

static xmlNode *next_element(xmlNode *node)
{
    while (node != NULL && node->type != XML_ELEMENT_NODE) {
        node = node->next;
    }
    return node;
}

static void collect_ids(xmlNode *node, GHashTable *ids)
{
    for (; node != NULL; node = node->next) {
        char *id;

        if (node->type != XML_ELEMENT_NODE) {
            continue;
        }
        id = prop(node, "id");
        if (id != NULL) {
            FZ_ASSERT(!g_hash_table_contains(ids, id), "id '%s' twice in the CIB", id);
            g_hash_table_add(ids, id);
        }
        collect_ids(node->children, ids);
    }
}

/* The primitive's instance attributes are exactly the member's parameters. */
static void assert_primitive(xmlNode *primitive, const lh_def *def, const lh_member *m)
{
    g_autofree char *id = prop(primitive, "id");
    g_autofree char *rsc = lh_member_rsc_id(def, m);
    g_autofree char *type = prop(primitive, "type");
    xmlNode *attrs = next_element(primitive->children);
    xmlNode *nv = NULL;

    FZ_ASSERT(g_strcmp0(id, rsc) == 0 && g_strcmp0(type, m->type) == 0,
              "member '%s' is primitive '%s' of type '%s'", m->id, id, type);
    if (m->param_names->len == 0) {
        return;
    }
    FZ_ASSERT(attrs != NULL && xmlStrcmp(attrs->name, BAD_CAST "instance_attributes") == 0,
              "member '%s' has no instance attributes", m->id);
    nv = next_element(attrs->children);
    for (guint i = 0; i < m->param_names->len; i++, nv = next_element(nv->next)) {
        const char *name = g_ptr_array_index(m->param_names, i);
        g_autofree char *nv_name = NULL;
        g_autofree char *nv_value = NULL;

        FZ_ASSERT(nv != NULL, "member '%s': parameter '%s' is missing", m->id, name);
        nv_name = prop(nv, "name");
        nv_value = prop(nv, "value");
        FZ_ASSERT(g_strcmp0(nv_name, name) == 0, "'%s' became '%s'", name, nv_name);
        FZ_ASSERT(g_strcmp0(nv_value, g_hash_table_lookup(m->params, name)) == 0,
                  "'%s' = '%s' became '%s'", name,
                  (const char *)g_hash_table_lookup(m->params, name), nv_value);
    }
    FZ_ASSERT(nv == NULL, "member '%s': more attributes than parameters", m->id);
}

static void check_cib(lh_def *def)
{
    g_autoptr(GPtrArray) infos = g_ptr_array_new();
    lh_lhost lhost = {def, NULL, NULL, infos, NULL, NULL};
    g_autofree char *cib = NULL;
    g_autoptr(GHashTable) ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    xmlDoc *doc;
    xmlNode *group, *node;
    guint i = 0;

    for (guint m = 0; m < def->members->len; m++) {
        g_ptr_array_add(infos, NULL); /* no meta-data: the fallbacks */
    }
    cib = lh_lhost_cib(&lhost);
    doc = xmlReadMemory(cib, (int)strlen(cib), "cib", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    FZ_ASSERT(doc != NULL, "the CIB of a sound definition is not XML:\n%s", cib);
    group = xmlDocGetRootElement(doc);
    collect_ids(group, ids);
    for (node = next_element(group->children); node != NULL; node = next_element(node->next)) {
        if (xmlStrcmp(node->name, BAD_CAST "primitive") == 0) {
            FZ_ASSERT(i < def->members->len, "more primitives than members");
            assert_primitive(node, def, g_ptr_array_index(def->members, i++));
        }
    }
    FZ_ASSERT(i == def->members->len, "%u primitives for %u members", i, def->members->len);
    xmlFreeDoc(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(lh_def) def = NULL;
    g_autofree char *text = fz_text(data, size);
    guint lines = 1;

    for (const char *p = text; *p != '\0'; p++) {
        lines += *p == '\n';
    }
    FZ_ASSERT(g_file_set_contents(path, (const char *)data, (gssize)size, NULL),
              "cannot write %s", path);
    def = lh_def_load(path, problems);
    assert_problems(problems, lines);
    assert_definition(def, lines);
    if (def->members->len > 0 || problems->len > 0) {
        assert_nothing_dropped(def, problems, text);
    }
    if (problems->len == 0) {
        check_cib(def);
    }
    return 0;
}
