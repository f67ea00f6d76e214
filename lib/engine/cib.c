/* cib.c - a logical host as a Pacemaker <group>, built with libxml2 (see lhost/cib.h). */
#include "config.h"

#include <string.h>

#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include <lhost/cib.h>

char *lh_duration_format(gint64 ms)
{
    if (ms % 1000 == 0) {
        return g_strdup_printf("%" G_GINT64_FORMAT "s", ms / 1000);
    }
    return g_strdup_printf("%" G_GINT64_FORMAT "ms", ms);
}

static xmlNode *add(xmlNode *parent, const char *name, const char *id)
{
    xmlNode *node = xmlNewChild(parent, NULL, (const xmlChar *)name, NULL);

    xmlNewProp(node, (const xmlChar *)"id", (const xmlChar *)id);
    return node;
}

static void set(xmlNode *node, const char *name, const char *value)
{
    xmlNewProp(node, (const xmlChar *)name, (const xmlChar *)value);
}

/* <nvpair id="<set id>-<name>" name= value=/> */
static void add_nvpair(xmlNode *set_node, const char *set_id, const char *name, const char *value)
{
    g_autofree char *id = g_strdup_printf("%s-%s", set_id, name);
    xmlNode *nv = add(set_node, "nvpair", id);

    set(nv, "name", name);
    set(nv, "value", value);
}

static void add_group_policy(xmlNode *group, const lh_def *def)
{
    g_autofree char *set_id = g_strdup_printf("%s-meta_attributes", def->name);
    xmlNode *meta = add(group, "meta_attributes", set_id);
    g_autofree char *threshold = def->policy.migration_threshold >= LH_INFINITY
                                     ? g_strdup("INFINITY")
                                     : g_strdup_printf("%d", def->policy.migration_threshold);
    g_autofree char *expiry = lh_duration_format(def->policy.failure_timeout_ms);

    add_nvpair(meta, set_id, "migration-threshold", threshold);
    add_nvpair(meta, set_id, "failure-timeout", expiry);
    if (def->policy.resource_stickiness >= 0) {
        g_autofree char *stickiness = g_strdup_printf("%d", def->policy.resource_stickiness);

        add_nvpair(meta, set_id, "resource-stickiness", stickiness);
    }
}

static void add_params(xmlNode *primitive, const char *rsc, const lh_member *m)
{
    g_autofree char *set_id = g_strdup_printf("%s-instance_attributes", rsc);
    xmlNode *attrs;

    if (m->param_names->len == 0) {
        return;
    }
    attrs = add(primitive, "instance_attributes", set_id);
    for (guint i = 0; i < m->param_names->len; i++) {
        const char *name = g_ptr_array_index(m->param_names, i);

        add_nvpair(attrs, set_id, name, g_hash_table_lookup(m->params, name));
    }
}

static void add_op(xmlNode *ops, const char *rsc, const char *action, gint64 interval_ms,
                   gint64 timeout_ms)
{
    g_autofree char *interval = lh_duration_format(interval_ms);
    g_autofree char *timeout = lh_duration_format(timeout_ms);
    g_autofree char *id = g_strdup_printf("%s-%s-interval-%s", rsc, action, interval);
    xmlNode *op = add(ops, "op", id);

    set(op, "name", action);
    set(op, "interval", interval);
    set(op, "timeout", timeout);
}

/* start, stop and the recurring monitor, then any other operation the definition
 * sets a timeout or interval for. */
static void add_operations(xmlNode *primitive, const char *rsc, const lh_lhost *lhost, guint i)
{
    static const char *const standard[] = {"start", "stop", "monitor", NULL};
    const lh_member *m = g_ptr_array_index(lhost->def->members, i);
    xmlNode *ops = xmlNewChild(primitive, NULL, (const xmlChar *)"operations", NULL);

    add_op(ops, rsc, "start", 0, lh_lhost_timeout_ms(lhost, i, "start"));
    add_op(ops, rsc, "stop", 0, lh_lhost_timeout_ms(lhost, i, "stop"));
    add_op(ops, rsc, "monitor", lh_lhost_interval_ms(lhost, i, "monitor"),
           lh_lhost_timeout_ms(lhost, i, "monitor"));
    for (guint j = 0; j < m->op_overrides->len; j++) {
        const lh_op_override *o = g_ptr_array_index(m->op_overrides, j);

        if (!g_strv_contains(standard, o->action)) {
            add_op(ops, rsc, o->action, MAX(o->interval_ms, 0),
                   lh_lhost_timeout_ms(lhost, i, o->action));
        }
    }
}

static void add_primitive(xmlNode *group, const lh_lhost *lhost, guint i)
{
    const lh_member *m = g_ptr_array_index(lhost->def->members, i);
    g_autofree char *rsc = lh_member_rsc_id(lhost->def, m);
    xmlNode *primitive = add(group, "primitive", rsc);

    set(primitive, "class", "ocf");
    set(primitive, "provider", m->provider);
    set(primitive, "type", m->type);
    add_params(primitive, rsc, m);
    add_operations(primitive, rsc, lhost, i);
}

char *lh_lhost_cib(const lh_lhost *lhost)
{
    xmlNode *group = xmlNewNode(NULL, (const xmlChar *)"group");
    xmlBuffer *buffer = xmlBufferCreate();
    char *text;

    xmlNewProp(group, (const xmlChar *)"id", (const xmlChar *)lhost->def->name);
    add_group_policy(group, lhost->def);
    for (guint i = 0; i < lhost->def->members->len; i++) {
        add_primitive(group, lhost, i);
    }
    xmlNodeDump(buffer, NULL, group, 0, 1);
    text = g_strconcat((const char *)xmlBufferContent(buffer), "\n", NULL);
    xmlBufferFree(buffer);
    xmlFreeNode(group);
    return text;
}
