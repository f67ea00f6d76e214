/* agentinfo.c - an OCF agent's meta-data, read with libxml2 (see lhost/agentinfo.h).
 *
 * Only the `lhost` command links this: an agent's monitor never loads libxml2
 * (about 2.7 M instructions with ICU, seven times a monitor's whole budget). */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include <lhost/agentinfo.h>
#include <lhost/lhdef.h>
#include <lhost/run.h>

#define META_DATA_TIMEOUT_MS 10000

char *lh_agent_path(const char *ocf_root, const char *provider, const char *type)
{
    return g_build_filename(ocf_root, "resource.d", provider, type, NULL);
}

static void param_free(gpointer data)
{
    lh_agent_param *p = data;

    g_free(p->name);
    g_free(p->default_value);
    g_free(p);
}

static void action_free(gpointer data)
{
    lh_agent_action *a = data;

    g_free(a->name);
    g_free(a);
}

void lh_agent_info_free(lh_agent_info *info)
{
    if (info == NULL) {
        return;
    }
    g_free(info->path);
    g_ptr_array_unref(info->params);
    g_ptr_array_unref(info->actions);
    g_free(info);
}

static char *attr(xmlNode *node, const char *name)
{
    xmlChar *value = xmlGetProp(node, (const xmlChar *)name);
    char *copy = g_strdup((const char *)value);

    xmlFree(value);
    return copy;
}

static gboolean is_element(xmlNode *node, const char *name)
{
    return node->type == XML_ELEMENT_NODE && xmlStrcmp(node->name, (const xmlChar *)name) == 0;
}

static xmlNode *child(xmlNode *parent, const char *name)
{
    for (xmlNode *n = parent->children; n != NULL; n = n->next) {
        if (is_element(n, name)) {
            return n;
        }
    }
    return NULL;
}

static gboolean attr_true(xmlNode *node, const char *name)
{
    g_autofree char *value = attr(node, name);

    return value != NULL && (strcmp(value, "1") == 0 || strcmp(value, "true") == 0);
}

/* A <parameter> or <action> without a name is nothing lhost can use, and a NULL
 * name would reach hash lookups that cannot take one (the required-parameter
 * check): skipped (NULL). */
static gpointer parse_param(xmlNode *node)
{
    lh_agent_param *p;
    xmlNode *content = child(node, "content");
    g_autofree char *group = attr(node, "unique-group");
    g_autofree char *name = attr(node, "name");

    if (name == NULL) {
        return NULL;
    }
    p = g_new0(lh_agent_param, 1);
    p->name = g_steal_pointer(&name);
    p->required = attr_true(node, "required");
    p->unique = attr_true(node, "unique") || (group != NULL && group[0] != '\0');
    if (content != NULL) {
        p->default_value = attr(content, "default");
    }
    return p;
}

static gint64 duration_attr(xmlNode *node, const char *name)
{
    g_autofree char *value = attr(node, name);

    return lh_duration_parse_ms(value);
}

static gpointer parse_action(xmlNode *node)
{
    lh_agent_action *a;
    g_autofree char *depth = attr(node, "depth");
    g_autofree char *name = attr(node, "name");
    /* Read as atoi read it, but defined when the number does not fit an int. */
    gint64 depth_n = depth != NULL ? g_ascii_strtoll(depth, NULL, 10) : 0;

    if (name == NULL) {
        return NULL;
    }
    a = g_new0(lh_agent_action, 1);
    a->name = g_steal_pointer(&name);
    a->timeout_ms = duration_attr(node, "timeout");
    a->interval_ms = duration_attr(node, "interval");
    a->depth = (int)CLAMP(depth_n, G_MININT, G_MAXINT);
    return a;
}

static void collect(xmlNode *list, const char *name, GPtrArray *into,
                    gpointer (*parse)(xmlNode *))
{
    for (xmlNode *n = list != NULL ? list->children : NULL; n != NULL; n = n->next) {
        gpointer item = is_element(n, name) ? parse(n) : NULL;

        if (item != NULL) {
            g_ptr_array_add(into, item);
        }
    }
}

lh_agent_info *lh_agent_info_parse(const char *xml, gsize len, char **reason)
{
    xmlDoc *doc = xmlReadMemory(xml, (int)MIN(len, (gsize)G_MAXINT), "meta-data", NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    xmlNode *root = doc != NULL ? xmlDocGetRootElement(doc) : NULL;
    lh_agent_info *info;

    if (root == NULL || !is_element(root, "resource-agent")) {
        *reason = g_strdup("its meta-data is not an OCF <resource-agent> document");
        xmlFreeDoc(doc);
        return NULL;
    }
    info = g_new0(lh_agent_info, 1);
    info->params = g_ptr_array_new_with_free_func(param_free);
    info->actions = g_ptr_array_new_with_free_func(action_free);
    collect(child(root, "parameters"), "parameter", info->params, parse_param);
    collect(child(root, "actions"), "action", info->actions, parse_action);
    xmlFreeDoc(doc);
    return info;
}

lh_agent_info *lh_agent_info_load(const char *ocf_root, const char *provider,
                                  const char *type, char *const *envp, char **reason)
{
    g_autofree char *path = lh_agent_path(ocf_root, provider, type);
    const char *argv[] = {path, "meta-data", NULL};
    lh_run_result res = LH_RUN_RESULT_INIT;
    lh_agent_info *info = NULL;

    if (access(path, X_OK) != 0) {
        *reason = g_strdup_printf("no agent ocf:%s:%s (%s is not an executable)", provider,
                                  type, path);
        return NULL;
    }
    lh_run(argv, &(lh_run_options){.envp = envp, .deadline = lh_deadline_in_ms(META_DATA_TIMEOUT_MS)},
           &res);
    if (!lh_run_succeeded(&res)) {
        g_autofree char *how = lh_run_describe(&res);

        *reason = g_strdup_printf("ocf:%s:%s meta-data %s", provider, type, how);
    } else {
        info = lh_agent_info_parse(res.out->str, res.out->len, reason);
        if (info != NULL) {
            info->path = g_steal_pointer(&path);
        }
    }
    lh_run_result_release(&res);
    return info;
}

const lh_agent_param *lh_agent_info_param(const lh_agent_info *info, const char *name)
{
    for (guint i = 0; i < info->params->len; i++) {
        const lh_agent_param *p = g_ptr_array_index(info->params, i);

        if (g_strcmp0(p->name, name) == 0) {
            return p;
        }
    }
    return NULL;
}

static const lh_agent_action *find_action(const lh_agent_info *info, const char *name)
{
    for (guint i = 0; i < info->actions->len; i++) {
        const lh_agent_action *a = g_ptr_array_index(info->actions, i);

        if (g_strcmp0(a->name, name) == 0 && a->depth == 0) {
            return a;
        }
    }
    return NULL;
}

gint64 lh_agent_info_timeout_ms(const lh_agent_info *info, const char *action)
{
    const lh_agent_action *a = find_action(info, action);

    return a != NULL ? a->timeout_ms : -1;
}

gint64 lh_agent_info_interval_ms(const lh_agent_info *info, const char *action)
{
    const lh_agent_action *a = find_action(info, action);

    return a != NULL ? a->interval_ms : -1;
}
