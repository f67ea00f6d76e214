/* metadata.c - meta-data (OCF 1.1), man page and --help, from the agent's tables.
 *
 * The three documents come from the same parameter, action and code-map tables as
 * the parsing does, so they cannot drift apart. The XML is written with GLib's
 * markup escaping rather than libxml2: an agent binary that links libxml2 pays for
 * loading it (and ICU) on every monitor, about 2.7 M instructions against a budget of
 * 0.39 M for the whole monitor. The output is checked against the OCF 1.1 RELAX NG
 * schema with libxml2 in the test suite instead.
 */
#include "config.h"

#include <string.h>

#include <lhost/codemap.h>
#include <lhost/ocf.h>

static const char *const type_names[] = {
    [LH_PARAM_STRING] = "string",
    [LH_PARAM_INTEGER] = "integer",
    [LH_PARAM_BOOLEAN] = "boolean",
    [LH_PARAM_SELECT] = "select",
};

static void append_content(GString *xml, const lh_param *p)
{
    g_string_append_printf(xml, "      <content type=\"%s\"", type_names[p->type]);
    if (p->default_value != NULL) {
        g_autofree char *value = g_markup_escape_text(p->default_value, -1);

        g_string_append_printf(xml, " default=\"%s\"", value);
    }
    if (p->type != LH_PARAM_SELECT) {
        g_string_append(xml, "/>\n");
        return;
    }
    g_string_append(xml, ">\n");
    {
        g_auto(GStrv) options = g_strsplit(p->choices, "|", -1);

        for (gsize i = 0; options[i] != NULL; i++) {
            g_autofree char *value = g_markup_escape_text(options[i], -1);

            g_string_append_printf(xml, "        <option value=\"%s\"/>\n", value);
        }
    }
    g_string_append(xml, "      </content>\n");
}

static void append_parameter(GString *xml, const lh_param *p)
{
    g_autofree char *head = g_markup_printf_escaped(
        "    <parameter name=\"%s\" required=\"%d\" reloadable=\"%d\"", p->name,
        (p->flags & LH_PARAM_REQUIRED) != 0, (p->flags & LH_PARAM_RELOADABLE) != 0);
    g_autofree char *descs = g_markup_printf_escaped(
        "      <longdesc lang=\"en\">%s</longdesc>\n"
        "      <shortdesc lang=\"en\">%s</shortdesc>\n",
        p->longdesc, p->shortdesc);

    g_string_append(xml, head);
    if (p->flags & LH_PARAM_UNIQUE) {
        /* Each unique parameter is its own group: no two resources share a value. */
        g_autofree char *group = g_markup_printf_escaped(" unique-group=\"%s\"", p->name);

        g_string_append(xml, group);
    }
    g_string_append(xml, ">\n");
    g_string_append(xml, descs);
    append_content(xml, p);
    g_string_append(xml, "    </parameter>\n");
}

static void append_action(GString *xml, const char *name, guint timeout_s, guint interval_s,
                          const char *role)
{
    g_string_append_printf(xml, "    <action name=\"%s\" timeout=\"%us\"", name, timeout_s);
    if (interval_s > 0) {
        g_string_append_printf(xml, " interval=\"%us\" depth=\"0\"", interval_s);
    }
    if (role != NULL) {
        g_string_append_printf(xml, " role=\"%s\"", role);
    }
    g_string_append(xml, "/>\n");
}

/* A promotable agent's recurring monitor, once per role: Pacemaker tells two
 * recurring operations of one action apart by their intervals only, so the
 * Unpromoted one runs a second later than the Promoted one. */
static guint role_interval_s(const lh_action *a, lh_ocf_role role)
{
    return role == LH_OCF_ROLE_UNPROMOTED ? a->interval_s + 1 : a->interval_s;
}

static gboolean is_role_monitor(const lh_agent *agent, const lh_action *a)
{
    return agent->promotable && a->interval_s > 0 && strcmp(a->name, "monitor") == 0;
}

static void append_actions(GString *xml, const lh_agent *agent)
{
    static const lh_ocf_role roles[] = {LH_OCF_ROLE_PROMOTED, LH_OCF_ROLE_UNPROMOTED};

    for (const lh_action *a = agent->actions; a->name != NULL; a++) {
        if (!is_role_monitor(agent, a)) {
            append_action(xml, a->name, a->timeout_s, a->interval_s, NULL);
            continue;
        }
        for (gsize r = 0; r < G_N_ELEMENTS(roles); r++) {
            append_action(xml, a->name, a->timeout_s, role_interval_s(a, roles[r]),
                          lh_ocf_role_name(roles[r]));
        }
    }
}

char *lh_agent_metadata(const lh_agent *agent)
{
    GString *xml = g_string_new("<?xml version=\"1.0\"?>\n");
    g_autofree char *head = g_markup_printf_escaped(
        "<resource-agent name=\"%s\" version=\"%s\">\n"
        "  <version>1.1</version>\n"
        "  <longdesc lang=\"en\">%s</longdesc>\n"
        "  <shortdesc lang=\"en\">%s</shortdesc>\n",
        agent->name, agent->version, agent->longdesc, agent->shortdesc);

    g_string_append(xml, head);
    g_string_append(xml, "  <parameters>\n");
    for (size_t i = 0; i < agent->n_params; i++) {
        append_parameter(xml, &agent->params[i]);
    }
    g_string_append(xml, "  </parameters>\n  <actions>\n");
    append_actions(xml, agent);
    append_action(xml, "validate-all", LH_VALIDATE_TIMEOUT_S, 0, NULL);
    append_action(xml, "meta-data", LH_META_DATA_TIMEOUT_S, 0, NULL);
    g_string_append(xml, "  </actions>\n</resource-agent>\n");
    return g_string_free(xml, FALSE);
}

/* ---- man page ------------------------------------------------------------ */

/* Text safe for roff: backslashes doubled, no line opening with a control char. */
static char *roff_text(const char *text)
{
    GString *out = g_string_new(NULL);
    gboolean line_start = TRUE;

    for (const char *p = text; *p != '\0'; p++) {
        if (line_start && (*p == '.' || *p == '\'')) {
            g_string_append(out, "\\&");
        }
        if (*p == '\\') {
            g_string_append(out, "\\e");
        } else if (*p == '-') {
            g_string_append(out, "\\-");
        } else {
            g_string_append_c(out, *p);
        }
        line_start = *p == '\n';
    }
    return g_string_free(out, FALSE);
}

static void append_man_params(GString *man, const lh_agent *agent)
{
    g_string_append(man, ".SH PARAMETERS\n");
    for (size_t i = 0; i < agent->n_params; i++) {
        const lh_param *p = &agent->params[i];
        g_autofree char *name = roff_text(p->name);
        g_autofree char *desc = roff_text(p->longdesc);
        g_autofree char *def = roff_text(p->default_value ? p->default_value : "");

        g_string_append_printf(man, ".TP\n\\fB%s\\fR (%s%s%s%s%s)\n%s\n", name,
                               type_names[p->type],
                               p->flags & LH_PARAM_REQUIRED ? ", required" : ", optional",
                               p->flags & LH_PARAM_UNIQUE ? ", unique" : "",
                               p->default_value ? ", default " : "", def, desc);
    }
}

static void append_man_actions(GString *man, const lh_agent *agent)
{
    g_string_append(man, ".SH ACTIONS\n.TS\nallbox tab(\t);\nl l l.\naction\ttimeout\tinterval\n");
    for (const lh_action *a = agent->actions; a->name != NULL; a++) {
        g_autofree char *interval = a->interval_s ? g_strdup_printf("%us", a->interval_s)
                                                  : g_strdup("\\-");

        if (is_role_monitor(agent, a)) {
            g_string_append_printf(man, "%s (Promoted)\t%us\t%us\n%s (Unpromoted)\t%us\t%us\n",
                                   a->name, a->timeout_s, role_interval_s(a, LH_OCF_ROLE_PROMOTED),
                                   a->name, a->timeout_s,
                                   role_interval_s(a, LH_OCF_ROLE_UNPROMOTED));
            continue;
        }
        g_string_append_printf(man, "%s\t%us\t%s\n", a->name, a->timeout_s, interval);
    }
    g_string_append_printf(man, "validate-all\t%us\t\\-\nmeta-data\t%us\t\\-\n.TE\n",
                           LH_VALIDATE_TIMEOUT_S, LH_META_DATA_TIMEOUT_S);
}

static void append_man_codemaps(GString *man, const lh_agent *agent)
{
    if (agent->codemaps == NULL) {
        return;
    }
    g_string_append(man, ".SH RETURN CODES OF THE PRODUCT'S COMMANDS\n"
                         "What each return code means, what it decides, and what the agent "
                         "then does in each context.\n");
    for (const lh_codemap *const *map = agent->codemaps; *map != NULL; map++) {
        g_autofree char *table = lh_codemap_table(*map, TRUE);
        g_autofree char *command = roff_text((*map)->command);

        g_string_append_printf(man, ".SS %s\n%s", command, table);
    }
}

char *lh_agent_manpage(const lh_agent *agent)
{
    GString *man = g_string_new(NULL);
    g_autofree char *upper = g_ascii_strup(agent->name, -1);
    g_autofree char *shortdesc = roff_text(agent->shortdesc);
    g_autofree char *longdesc = roff_text(agent->longdesc);

    g_string_append_printf(man, "'\\\" t\n.TH OCF_LHOST_%s 7 \"\" \"lhost %s\" \"OCF resource agents\"\n",
                           upper, agent->version);
    g_string_append_printf(man, ".SH NAME\nocf_lhost_%s \\- %s\n", agent->name, shortdesc);
    g_string_append_printf(man, ".SH SYNOPSIS\n\\fB%s\\fR \\fIaction\\fR [\\fB\\-\\-parameter\\fR "
                                "\\fIvalue\\fR ...] [\\fB\\-\\-verbose\\fR]\n",
                           agent->name);
    g_string_append_printf(man, ".SH DESCRIPTION\n%s\n", longdesc);
    append_man_params(man, agent);
    append_man_actions(man, agent);
    append_man_codemaps(man, agent);
    if (agent->man_notes != NULL) {
        g_string_append(man, agent->man_notes);
    }
    g_string_append_printf(man, ".SH SEE ALSO\n\\fBcrm_resource\\fR(8), \\fBocf-tester\\fR(8)\n");
    return g_string_free(man, FALSE);
}

/* ---- --help -------------------------------------------------------------- */

char *lh_agent_usage(const lh_agent *agent)
{
    GString *text = g_string_new(NULL);

    g_string_append_printf(text, "usage: %s ACTION [--PARAMETER VALUE ...] [--verbose]\n\n%s.\n\n"
                                 "actions:",
                           agent->name, agent->shortdesc);
    for (const lh_action *a = agent->actions; a->name != NULL; a++) {
        g_string_append_printf(text, " %s", a->name);
    }
    g_string_append(text, " validate-all meta-data\n");
    for (const lh_action *a = agent->actions; a->name != NULL; a++) {
        if (is_role_monitor(agent, a)) {
            g_string_append_printf(text, "promotable clone: monitor every %us in the Promoted role, "
                                         "every %us in the Unpromoted role\n",
                                   role_interval_s(a, LH_OCF_ROLE_PROMOTED),
                                   role_interval_s(a, LH_OCF_ROLE_UNPROMOTED));
        }
    }
    g_string_append(text, "\nparameters (or OCF_RESKEY_<name>):\n");
    for (size_t i = 0; i < agent->n_params; i++) {
        const lh_param *p = &agent->params[i];
        g_autofree char *option = g_strdelimit(g_strdup(p->name), "_", '-');

        g_autofree char *fallback = p->default_value
                                        ? g_strdup_printf(" [default: %s]", p->default_value)
                                        : g_strdup("");

        g_string_append_printf(text, "  --%-24s %s%s%s\n", option, p->shortdesc,
                               p->flags & LH_PARAM_REQUIRED ? " (required)" : "", fallback);
    }
    for (const lh_codemap *const *map = agent->codemaps; map && *map; map++) {
        g_autofree char *table = lh_codemap_table(*map, FALSE);

        g_string_append_printf(text, "\n%s return codes:\n%s", (*map)->command, table);
    }
    return g_string_free(text, FALSE);
}
