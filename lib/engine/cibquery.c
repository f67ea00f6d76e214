/* cibquery.c - answers read from Pacemaker's XML with libxml2 and XPath (see
 * lhost/cibquery.h).
 *
 * Lookups by id go through an XPath variable ($id), never through the expression's
 * text, so that an id given by a user cannot change the expression.
 */
#include "config.h"

#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <lhost/cibquery.h>
#include <lhost/lhdef.h>

struct lh_pcmk_doc {
    xmlDoc *xml;
};

/* ---- the document ---------------------------------------------------------------- */

lh_pcmk_doc *lh_pcmk_doc_parse(const char *xml, char **why)
{
    xmlParserCtxt *ctxt = xmlNewParserCtxt();
    xmlDoc *doc = NULL;
    lh_pcmk_doc *parsed = NULL;

    g_assert(ctxt != NULL);
    doc = xmlCtxtReadMemory(ctxt, xml, (int)MIN(strlen(xml), (gsize)G_MAXINT), "output", NULL,
                            XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (doc != NULL && ctxt->wellFormed && xmlDocGetRootElement(doc) != NULL) {
        parsed = g_new0(lh_pcmk_doc, 1);
        parsed->xml = g_steal_pointer(&doc);
    } else {
        const xmlError *error = xmlCtxtGetLastError(ctxt);
        g_autofree char *message = g_strdup(error != NULL && error->message != NULL
                                                ? error->message
                                                : "no element");

        *why = g_strdup_printf("not XML (line %d: %s)", error != NULL ? error->line : 1,
                               g_strstrip(message));
    }
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctxt);
    return parsed;
}

void lh_pcmk_doc_free(lh_pcmk_doc *doc)
{
    if (doc != NULL) {
        xmlFreeDoc(doc->xml);
        g_free(doc);
    }
}

/* ---- small readers --------------------------------------------------------------- */

static gboolean is_named(const xmlNode *n, const char *name)
{
    return n != NULL && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static char *attr(const xmlNode *n, const char *name)
{
    xmlChar *value = xmlGetProp(n, (const xmlChar *)name);
    char *copy = g_strdup((const char *)value);

    xmlFree(value);
    return copy;
}

/* The text directly in @n (not its descendants'), as it stands. */
static char *own_text(const xmlNode *n)
{
    GString *text = g_string_new(NULL);

    for (const xmlNode *c = n->children; c != NULL; c = c->next) {
        if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
            g_string_append(text, (const char *)c->content);
        }
    }
    return g_string_free(text, FALSE);
}

/* The elements that @expr selects from @from (the document when NULL), with $id set
 * to @id when not NULL; an empty array when none. The caller frees the array. */
static GPtrArray *select_nodes(const lh_pcmk_doc *doc, xmlNode *from, const char *expr,
                               const char *id)
{
    GPtrArray *found = g_ptr_array_new();
    xmlXPathContext *ctxt = xmlXPathNewContext(doc->xml);
    xmlXPathObject *result = NULL;

    g_assert(ctxt != NULL);
    ctxt->node = from != NULL ? from : (xmlNode *)doc->xml;
    if (id != NULL) {
        xmlXPathRegisterVariable(ctxt, (const xmlChar *)"id",
                                 xmlXPathNewString((const xmlChar *)id));
    }
    result = xmlXPathEvalExpression((const xmlChar *)expr, ctxt);
    for (int i = 0; result != NULL && result->nodesetval != NULL &&
                    i < result->nodesetval->nodeNr; i++) {
        g_ptr_array_add(found, result->nodesetval->nodeTab[i]);
    }
    xmlXPathFreeObject(result);
    xmlXPathFreeContext(ctxt);
    return found;
}

static xmlNode *select_first(const lh_pcmk_doc *doc, xmlNode *from, const char *expr,
                             const char *id)
{
    g_autoptr(GPtrArray) found = select_nodes(doc, from, expr, id);

    return found->len > 0 ? g_ptr_array_index(found, 0) : NULL;
}

char *lh_pcmk_tool_said(const char *err, const char *out)
{
    char *said = g_strstrip(g_strdup(err != NULL ? err : ""));

    if (*said == '\0' && out != NULL) {
        g_autofree char *ignored = NULL;
        lh_pcmk_doc *doc = lh_pcmk_doc_parse(out, &ignored);
        xmlNode *error = doc != NULL ? select_first(doc, NULL, "(//error)[1]", NULL) : NULL;

        if (error != NULL) {
            g_free(said);
            said = g_strstrip(own_text(error));
        }
        lh_pcmk_doc_free(doc);
    }
    said[strcspn(said, "\n")] = '\0';
    return said;
}

/* ---- the resources --------------------------------------------------------------- */

static gboolean is_clone(const xmlNode *n)
{
    return is_named(n, "clone") || is_named(n, "master");
}

static gboolean is_resource(const xmlNode *n)
{
    static const char *const kinds[] = {"primitive", "group", "clone", "master", "bundle"};

    for (gsize i = 0; i < G_N_ELEMENTS(kinds); i++) {
        if (is_named(n, kinds[i])) {
            return TRUE;
        }
    }
    return FALSE;
}

/* The clone holding @primitive, directly or through a group; NULL if none. */
static xmlNode *clone_of(const xmlNode *primitive)
{
    xmlNode *up = primitive->parent;

    if (is_named(up, "group")) {
        up = up->parent;
    }
    return is_clone(up) ? up : NULL;
}

static gboolean is_false(const char *value)
{
    static const char *const no[] = {"false", "no", "off", "0", "n", "f"};

    for (gsize i = 0; value != NULL && i < G_N_ELEMENTS(no); i++) {
        if (g_ascii_strcasecmp(value, no[i]) == 0) {
            return TRUE;
        }
    }
    return FALSE;
}

/* The longest enabled recurring monitor among @rsc's operations, or @longest. */
static gint64 longest_monitor_ms(const lh_pcmk_doc *doc, xmlNode *rsc, gint64 longest)
{
    g_autoptr(GPtrArray) ops =
        select_nodes(doc, rsc, "operations[1]/op[@name='monitor']", NULL);

    for (guint i = 0; i < ops->len; i++) {
        g_autofree char *enabled = attr(g_ptr_array_index(ops, i), "enabled");
        g_autofree char *interval = attr(g_ptr_array_index(ops, i), "interval");

        if (!is_false(enabled)) {
            longest = MAX(longest, lh_duration_parse_ms(interval));
        }
    }
    return longest;
}

/* The agent and the monitors of @p, from @primitive or its template. */
static void read_agent(const lh_pcmk_doc *doc, xmlNode *primitive, lh_cib_primitive *p)
{
    g_autofree char *name = attr(primitive, "template");
    g_autofree char *own_class = attr(primitive, "class");
    xmlNode *tmpl = name != NULL ? select_first(doc, NULL, "(//template[@id=$id])[1]", name)
                                 : NULL;
    xmlNode *from = own_class != NULL || tmpl == NULL ? primitive : tmpl;

    p->agent_class = attr(from, "class");
    p->provider = attr(from, "provider");
    p->type = attr(from, "type");
    p->monitor_ms = longest_monitor_ms(doc, primitive,
                                       tmpl != NULL ? longest_monitor_ms(doc, tmpl, 0) : 0);
}

/* The primitive that @id names: itself, or its clone's own primitive. */
static xmlNode *find_primitive(const lh_pcmk_doc *doc, const char *id, char **why)
{
    xmlNode *found = select_first(doc, NULL, "(//*[@id=$id])[1]", id);
    xmlNode *primitive = found;

    if (!is_resource(found)) {
        *why = g_strdup_printf("no resource %s in the CIB", id);
        return NULL;
    }
    if (is_clone(found)) {
        primitive = select_first(doc, found, "primitive[1]", NULL);
    }
    if (primitive == NULL) {
        *why = g_strdup_printf("clone %s holds no primitive of its own: name the primitive", id);
    } else if (!is_named(primitive, "primitive")) {
        *why = g_strdup_printf("%s is a <%s>: name a primitive in a clone, or the clone", id,
                               (const char *)primitive->name);
        primitive = NULL;
    }
    return primitive;
}

lh_cib_primitive *lh_cib_primitive_find(const lh_pcmk_doc *resources, const char *id,
                                        char **why)
{
    xmlNode *primitive = find_primitive(resources, id, why);
    xmlNode *clone = primitive != NULL ? clone_of(primitive) : NULL;
    lh_cib_primitive *p;

    if (primitive == NULL) {
        return NULL;
    }
    p = g_new0(lh_cib_primitive, 1);
    p->id = attr(primitive, "id");
    p->clone = clone != NULL ? attr(clone, "id") : NULL;
    read_agent(resources, primitive, p);
    return p;
}

void lh_cib_primitive_free(lh_cib_primitive *primitive)
{
    if (primitive != NULL) {
        g_free(primitive->id);
        g_free(primitive->clone);
        g_free(primitive->agent_class);
        g_free(primitive->provider);
        g_free(primitive->type);
        g_free(primitive);
    }
}

/* ---- the nodes ------------------------------------------------------------------- */

static gint compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static gboolean has_name(const GPtrArray *names, const char *name)
{
    for (guint i = 0; i < names->len; i++) {
        if (strcmp(g_ptr_array_index(names, i), name) == 0) {
            return TRUE;
        }
    }
    return FALSE;
}

char **lh_pcmk_doc_nodes(const lh_pcmk_doc *doc)
{
    xmlNode *list = select_first(doc, NULL, "(//nodes)[1]", NULL);
    g_autoptr(GPtrArray) nodes = NULL;
    GPtrArray *names = NULL;

    if (list == NULL) {
        return NULL;
    }
    nodes = select_nodes(doc, list, "node", NULL);
    names = g_ptr_array_new();
    for (guint i = 0; i < nodes->len; i++) {
        char *name = g_strstrip(own_text(g_ptr_array_index(nodes, i)));

        if (*name != '\0' && !has_name(names, name)) {
            g_ptr_array_add(names, name);
        } else {
            g_free(name);
        }
    }
    g_ptr_array_sort(names, compare_names);
    g_ptr_array_add(names, NULL);
    return (char **)g_ptr_array_free(names, FALSE);
}
