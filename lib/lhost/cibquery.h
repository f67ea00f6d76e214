/* lhost/cibquery.h - answers read from the XML that Pacemaker's tools print.
 *
 * A command that drives Pacemaker runs its tools (lhost/run.h) and reads their
 * standard output here: parse it once into an lh_pcmk_doc, then ask it what the
 * command needs. Nothing here runs a tool, reads a file or keeps state: every
 * function works on text or on a parsed document, so that the answers can be tested
 * against the tools' own output.
 *
 *   g_autoptr(lh_pcmk_doc) doc = lh_pcmk_doc_parse(out, &why);     (cibadmin --query)
 *   g_autoptr(lh_cib_primitive) p = lh_cib_primitive_find(doc, "iws-clone", &why);
 *   ... p->id "iws", p->clone "iws-clone", p->provider "lhost", p->monitor_ms 11000
 *
 * The forms read are Pacemaker 2.1's: `cibadmin --query --scope resources` (a
 * <resources> section), `crm_resource --locate --output-as=xml` (<nodes><node>NAME),
 * and any tool's --output-as=xml failure (<status><errors><error>TEXT).
 */
#ifndef LHOST_CIBQUERY_H
#define LHOST_CIBQUERY_H

#include <glib.h>

G_BEGIN_DECLS

/* A parsed document (opaque). */
typedef struct lh_pcmk_doc lh_pcmk_doc;

/* @xml parsed (the caller's to free), or NULL with *why (the caller's): "not XML
 * (line N: the parser's message)". No network, no DTD, no entity of its own. */
lh_pcmk_doc *lh_pcmk_doc_parse(const char *xml, char **why);
void lh_pcmk_doc_free(lh_pcmk_doc *doc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(lh_pcmk_doc, lh_pcmk_doc_free)

/* What a failed tool said (the caller's, never NULL, "" for nothing): the first line
 * of its standard error @err, stripped, or, when @err holds only blanks, the first
 * line of the first <error> that its standard output @out holds (--output-as=xml
 * prints its errors there). */
char *lh_pcmk_tool_said(const char *err, const char *out);

/* The primitive that a resource id names in a <resources> section: the primitive
 * itself, or the primitive of its own that a clone (or master) holds. Its agent comes
 * from the primitive, or from its template when the primitive names one and has no
 * class of its own. Strings are the caller's with the object; NULL when absent. */
typedef struct lh_cib_primitive {
    char *id;          /* the primitive's id */
    char *clone;       /* the clone (or master) holding it, directly or through a
                        * group; NULL: the primitive is in no clone */
    char *agent_class; /* "ocf", "systemd"... */
    char *provider;
    char *type;
    gint64 monitor_ms; /* the longest enabled recurring monitor interval, of the
                        * primitive's and its template's; 0: none */
} lh_cib_primitive;

/* The primitive that @id names in @resources (the caller's to free), or NULL with
 * *why (the caller's): no resource @id; a clone with no primitive of its own (a
 * clone of a group); @id a group or a bundle. */
lh_cib_primitive *lh_cib_primitive_find(const lh_pcmk_doc *resources, const char *id,
                                        char **why);
void lh_cib_primitive_free(lh_cib_primitive *primitive);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(lh_cib_primitive, lh_cib_primitive_free)

/* The nodes of the first <nodes> in @doc (crm_resource --locate --output-as=xml):
 * each <node>'s text, stripped, the empty ones left out, each once, in name order.
 * The caller's to free (g_strfreev); empty when no instance is active, NULL when
 * @doc holds no <nodes>. */
char **lh_pcmk_doc_nodes(const lh_pcmk_doc *doc);

G_END_DECLS

#endif
