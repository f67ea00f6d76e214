/* check_metadata.c - lhost/ocf.h: meta-data, man page and --help from the tables.
 *
 * A small agent is described here, with a parameter of every type, flags, a select,
 * actions with and without an interval, a code map and descriptions full of markup
 * characters. Its meta-data is parsed with libxml2 and checked the way Pacemaker
 * reads it (and against the OCF 1.1 RELAX NG schema, whose path comes from the
 * OCF_SCHEMA environment variable); the man page and the usage are checked for what a
 * reader looks for in them.
 */
#include "config.h"

#include <stddef.h>

#include <libxml/parser.h>
#include <libxml/relaxng.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

#include <lhost/codemap.h>
#include <lhost/ocf.h>

#include "check_common.h"

typedef struct demo_config {
    const char *logical_host;
    const char *shared_dir;
    const char *mode;
    int retries;
    gboolean verbose_log;
    const char *banner;
} demo_config;

#define FIELD(f) offsetof(demo_config, f)

#define HOSTILE_SHORT "<b>bold</b> & \"quoted\" 'single'"
#define HOSTILE_LONG "Ends a CDATA ]]> opens a comment <!-- and an entity &amp; &lt;x&gt;\n" \
                     ".SH INJECTED\n" \
                     "'\\\" a roff comment, a back\\slash and -dashes"
#define HOSTILE_DEFAULT "a<b & \"c\">d"

static const lh_param demo_params[] = {
    {"logical_host", LH_PARAM_STRING, LH_PARAM_REQUIRED | LH_PARAM_UNIQUE, NULL, NULL, 0, 0,
     lh_check_host_name, FIELD(logical_host), "logical host name", "The logical host."},
    {"shared_dir", LH_PARAM_STRING, LH_PARAM_REQUIRED | LH_PARAM_UNIQUE, NULL, NULL, 0, 0,
     lh_check_absolute_path, FIELD(shared_dir), "shared directory",
     "The shared directory of the logical host."},
    {"mode", LH_PARAM_SELECT, 0, "safe", "fast|safe|paranoid", 0, 0, NULL, FIELD(mode),
     "how careful", "How careful the agent is."},
    {"retries", LH_PARAM_INTEGER, LH_PARAM_RELOADABLE, "2", NULL, 0, 10, NULL, FIELD(retries),
     "retries", "How many retries."},
    {"verbose_log", LH_PARAM_BOOLEAN, 0, "false", NULL, 0, 0, NULL, FIELD(verbose_log),
     "log more", "Whether to log more."},
    {"banner", LH_PARAM_STRING, 0, HOSTILE_DEFAULT, NULL, 0, 0, NULL, FIELD(banner),
     HOSTILE_SHORT, HOSTILE_LONG},
};

static lh_result demo_noop(lh_op *op, const void *config)
{
    return LH_RESULT_OK;
}

static const lh_action demo_actions[] = {
    {"start", demo_noop, 60, 0},
    {"stop", demo_noop, 120, 0},
    {"monitor", demo_noop, 30, 10},
    {"reload", demo_noop, 15, 0},
    {NULL, NULL, 0, 0},
};

static const lh_code demo_codes[] = {
    {0, "all running", LH_DECIDE_RUNNING, LH_DECIDE_NONE},
    {1, "error", LH_DECIDE_FAILED, LH_DECIDE_STOPPED},
    {8, "all stopped", LH_DECIDE_STOPPED, LH_DECIDE_NONE},
};

static const lh_codemap demo_map = {"demo_status", demo_codes, G_N_ELEMENTS(demo_codes), NULL};
static const lh_codemap *const demo_maps[] = {&demo_map, NULL};

static const lh_agent demo_agent = {
    .name = "demo",
    .version = "1.2.3",
    .shortdesc = "Demo agent & <friends>",
    .longdesc = "A demo agent for the unit tests: \"quotes\", <tags> & ampersands.",
    .params = demo_params,
    .n_params = G_N_ELEMENTS(demo_params),
    .config_size = sizeof(demo_config),
    .actions = demo_actions,
    .validate = NULL,
    .codemaps = demo_maps,
    .man_notes = NULL,
};

/* ---- XML helpers --------------------------------------------------------------- */

static xmlDocPtr parse_metadata_of(const lh_agent *agent)
{
    g_autofree char *xml = lh_agent_metadata(agent);
    xmlDocPtr doc;

    ck_assert_ptr_nonnull(xml);
    doc = xmlReadMemory(xml, (int)strlen(xml), "metadata.xml", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    ck_assert_msg(doc != NULL, "the meta-data is not well-formed XML:\n%s", xml);
    return doc;
}

static xmlDocPtr parse_metadata(void)
{
    return parse_metadata_of(&demo_agent);
}

/* The string value of an XPath expression (caller frees with g_free). */
static char *xpath_string(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr obj = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
    xmlChar *value;
    char *copy;

    ck_assert_msg(obj != NULL, "bad XPath %s", expr);
    value = xmlXPathCastToString(obj);
    copy = g_strdup((const char *)value);
    xmlFree(value);
    xmlXPathFreeObject(obj);
    xmlXPathFreeContext(ctx);
    return copy;
}

static int xpath_count(xmlDocPtr doc, const char *expr)
{
    g_autofree char *wrapped = g_strdup_printf("count(%s)", expr);
    g_autofree char *text = xpath_string(doc, wrapped);

    return atoi(text);
}

static void assert_xpath(xmlDocPtr doc, const char *expr, const char *expected)
{
    g_autofree char *value = xpath_string(doc, expr);

    ck_assert_msg(strcmp(value, expected) == 0, "%s: '%s', expected '%s'", expr, value,
                  expected);
}

/* The names of the element children of the node at @expr, space-separated. */
static char *child_names(xmlDocPtr doc, const char *expr)
{
    xmlXPathContextPtr ctx = xmlXPathNewContext(doc);
    xmlXPathObjectPtr obj = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
    GString *names = g_string_new(NULL);

    ck_assert_msg(obj != NULL && obj->nodesetval != NULL && obj->nodesetval->nodeNr == 1,
                  "%s does not select one node", expr);
    for (xmlNodePtr n = obj->nodesetval->nodeTab[0]->children; n != NULL; n = n->next) {
        if (n->type == XML_ELEMENT_NODE) {
            g_string_append_printf(names, "%s%s", names->len ? " " : "", (const char *)n->name);
        }
    }
    xmlXPathFreeObject(obj);
    xmlXPathFreeContext(ctx);
    return g_string_free(names, FALSE);
}

/* ---- meta-data ------------------------------------------------------------------ */

/* Validates @agent's meta-data against the OCF 1.1 schema (skipped without one). */
static void assert_validates(const lh_agent *agent, const char *test)
{
    const char *schema_path = g_getenv("OCF_SCHEMA");
    xmlRelaxNGParserCtxtPtr parser;
    xmlRelaxNGPtr schema;
    xmlRelaxNGValidCtxtPtr valid;
    xmlDocPtr doc;
    int rc;

    if (schema_path == NULL || *schema_path == '\0'
        || !g_file_test(schema_path, G_FILE_TEST_IS_REGULAR)) {
        fprintf(stderr, "SKIP %s: OCF_SCHEMA (%s) is "
                        "unset or not a file; configure --with-ocf-schema=FILE\n",
                test, schema_path != NULL ? schema_path : "unset");
        return;
    }
    doc = parse_metadata_of(agent);
    parser = xmlRelaxNGNewParserCtxt(schema_path);
    schema = xmlRelaxNGParse(parser);
    ck_assert_msg(schema != NULL, "cannot parse the schema %s", schema_path);
    valid = xmlRelaxNGNewValidCtxt(schema);
    rc = xmlRelaxNGValidateDoc(valid, doc);
    ck_assert_msg(rc == 0, "the meta-data does not validate against %s (rc %d)", schema_path,
                  rc);
    xmlRelaxNGFreeValidCtxt(valid);
    xmlRelaxNGFree(schema);
    xmlRelaxNGFreeParserCtxt(parser);
    xmlFreeDoc(doc);
}

START_TEST(metadata_validates_against_the_ocf_schema)
{
    assert_validates(&demo_agent, "metadata_validates_against_the_ocf_schema");
}
END_TEST

START_TEST(metadata_header)
{
    xmlDocPtr doc = parse_metadata();
    g_autofree char *order = child_names(doc, "/resource-agent");

    assert_xpath(doc, "/resource-agent/@name", "demo");
    assert_xpath(doc, "/resource-agent/@version", "1.2.3");
    assert_xpath(doc, "/resource-agent/version", "1.1");
    assert_xpath(doc, "/resource-agent/longdesc", demo_agent.longdesc);
    assert_xpath(doc, "/resource-agent/shortdesc", demo_agent.shortdesc);
    assert_xpath(doc, "/resource-agent/longdesc/@lang", "en");
    /* OCF 1.1 order: version, longdesc, shortdesc, parameters, actions. */
    ck_assert_str_eq(order, "version longdesc shortdesc parameters actions");
    xmlFreeDoc(doc);
}
END_TEST

START_TEST(metadata_every_parameter)
{
    static const char *const type_names[] = {
        [LH_PARAM_STRING] = "string",
        [LH_PARAM_INTEGER] = "integer",
        [LH_PARAM_BOOLEAN] = "boolean",
        [LH_PARAM_SELECT] = "select",
    };
    xmlDocPtr doc = parse_metadata();

    ck_assert_int_eq(xpath_count(doc, "/resource-agent/parameters/parameter"),
                     (int)G_N_ELEMENTS(demo_params));
    for (gsize i = 0; i < G_N_ELEMENTS(demo_params); i++) {
        const lh_param *p = &demo_params[i];
        g_autofree char *at = g_strdup_printf("/resource-agent/parameters/parameter[%zu]", i + 1);
        g_autofree char *name = g_strdup_printf("%s/@name", at);
        g_autofree char *type = g_strdup_printf("%s/content/@type", at);
        g_autofree char *has_default = g_strdup_printf("%s/content/@default", at);
        g_autofree char *required = g_strdup_printf("%s/@required", at);
        g_autofree char *reloadable = g_strdup_printf("%s/@reloadable", at);
        g_autofree char *group = g_strdup_printf("%s/@unique-group", at);
        g_autofree char *descs = g_strdup_printf("%s", at);
        g_autofree char *order = NULL;
        g_autofree char *required_value = NULL;
        g_autofree char *reloadable_value = NULL;

        /* In the table's order. */
        assert_xpath(doc, name, p->name);
        assert_xpath(doc, type, type_names[p->type]);
        if (p->default_value != NULL) {
            assert_xpath(doc, has_default, p->default_value);
        } else {
            ck_assert_int_eq(xpath_count(doc, has_default), 0);
        }
        required_value = xpath_string(doc, required);
        reloadable_value = xpath_string(doc, reloadable);
        if (p->flags & LH_PARAM_REQUIRED) {
            ck_assert_str_eq(required_value, "1");
        } else {
            ck_assert_msg(strcmp(required_value, "0") == 0 || *required_value == '\0',
                          "%s: required='%s'", p->name, required_value);
        }
        if (p->flags & LH_PARAM_RELOADABLE) {
            ck_assert_str_eq(reloadable_value, "1");
        } else {
            ck_assert_msg(strcmp(reloadable_value, "0") == 0 || *reloadable_value == '\0',
                          "%s: reloadable='%s'", p->name, reloadable_value);
        }
        ck_assert_int_eq(xpath_count(doc, group), (p->flags & LH_PARAM_UNIQUE) ? 1 : 0);
        order = child_names(doc, descs);
        ck_assert_msg(strcmp(order, "longdesc shortdesc content") == 0, "%s: children '%s'",
                      p->name, order);
    }
    xmlFreeDoc(doc);
}
END_TEST

START_TEST(metadata_unique_parameters_are_separate_groups)
{
    xmlDocPtr doc = parse_metadata();
    g_autofree char *host = xpath_string(
        doc, "/resource-agent/parameters/parameter[@name='logical_host']/@unique-group");
    g_autofree char *dir = xpath_string(
        doc, "/resource-agent/parameters/parameter[@name='shared_dir']/@unique-group");

    /* Two resources may share neither: each is unique on its own, not as a pair. */
    ck_assert_str_ne(host, "");
    ck_assert_str_ne(dir, "");
    ck_assert_str_ne(host, dir);
    xmlFreeDoc(doc);
}
END_TEST

START_TEST(metadata_select_options)
{
    xmlDocPtr doc = parse_metadata();
    const char *base = "/resource-agent/parameters/parameter[@name='mode']/content";
    g_autofree char *options = g_strdup_printf("%s/option", base);
    g_autofree char *first = g_strdup_printf("%s/option[1]/@value", base);
    g_autofree char *second = g_strdup_printf("%s/option[2]/@value", base);
    g_autofree char *third = g_strdup_printf("%s/option[3]/@value", base);

    ck_assert_int_eq(xpath_count(doc, options), 3);
    assert_xpath(doc, first, "fast");
    assert_xpath(doc, second, "safe");
    assert_xpath(doc, third, "paranoid");
    /* Only a select has options. */
    ck_assert_int_eq(xpath_count(doc, "//parameter[@name!='mode']/content/option"), 0);
    xmlFreeDoc(doc);
}
END_TEST

START_TEST(metadata_every_action)
{
    static const struct {
        const char *name, *timeout, *interval;
    } expected[] = {
        {"start", "60s", NULL},           {"stop", "120s", NULL},
        {"monitor", "30s", "10s"},        {"reload", "15s", NULL},
        {"validate-all", "20s", NULL},    {"meta-data", "5s", NULL},
    };
    xmlDocPtr doc = parse_metadata();

    ck_assert_int_eq(xpath_count(doc, "/resource-agent/actions/action"),
                     (int)G_N_ELEMENTS(expected));
    /* Every action has a timeout. */
    ck_assert_int_eq(xpath_count(doc, "/resource-agent/actions/action[not(@timeout)]"), 0);
    for (gsize i = 0; i < G_N_ELEMENTS(expected); i++) {
        g_autofree char *timeout = g_strdup_printf(
            "/resource-agent/actions/action[@name='%s']/@timeout", expected[i].name);
        g_autofree char *interval = g_strdup_printf(
            "/resource-agent/actions/action[@name='%s']/@interval", expected[i].name);

        assert_xpath(doc, timeout, expected[i].timeout);
        if (expected[i].interval != NULL) {
            assert_xpath(doc, interval, expected[i].interval);
        } else {
            ck_assert_int_eq(xpath_count(doc, interval), 0);
        }
    }
    ck_assert_int_eq(LH_VALIDATE_TIMEOUT_S, 20);
    ck_assert_int_eq(LH_META_DATA_TIMEOUT_S, 5);
    xmlFreeDoc(doc);
}
END_TEST

START_TEST(metadata_hostile_text_is_escaped)
{
    xmlDocPtr doc = parse_metadata();
    const char *banner = "/resource-agent/parameters/parameter[@name='banner']";
    g_autofree char *shortdesc = g_strdup_printf("%s/shortdesc", banner);
    g_autofree char *longdesc = g_strdup_printf("%s/longdesc", banner);
    g_autofree char *def = g_strdup_printf("%s/content/@default", banner);
    g_autofree char *xml = lh_agent_metadata(&demo_agent);

    /* What the parser reads back is the text as written: no tag, comment or entity
     * in it took effect. */
    assert_xpath(doc, shortdesc, HOSTILE_SHORT);
    assert_xpath(doc, longdesc, HOSTILE_LONG);
    assert_xpath(doc, def, HOSTILE_DEFAULT);
    ck_assert_int_eq(xpath_count(doc, "//b"), 0);
    ck_assert_int_eq(xpath_count(doc, "//comment()"), 0);
    /* And in the text itself, no raw markup. */
    ck_assert_ptr_null(strstr(xml, "<b>"));
    ck_assert_ptr_null(strstr(xml, "<tags>"));
    ck_assert_ptr_null(strstr(xml, "<!--"));
    xmlFreeDoc(doc);
}
END_TEST

/* ---- man page -------------------------------------------------------------------- */

START_TEST(manpage_has_th_and_every_parameter)
{
    g_autofree char *man = lh_agent_manpage(&demo_agent);
    g_auto(GStrv) lines = g_strsplit(man, "\n", -1);
    int th = 0, sh_name = 0;

    for (gsize i = 0; lines[i] != NULL; i++) {
        th += g_str_has_prefix(lines[i], ".TH ");
        sh_name += strcmp(lines[i], ".SH NAME") == 0;
    }
    ck_assert_int_eq(th, 1);
    ck_assert_int_eq(sh_name, 1);
    ck_assert_ptr_nonnull(strstr(man, ".TH OCF_LHOST_DEMO 7"));
    ck_assert_ptr_nonnull(strstr(man, "ocf_lhost_demo"));
    for (gsize i = 0; i < G_N_ELEMENTS(demo_params); i++) {
        g_autofree char *bold = g_strdup_printf("\\fB%s\\fR", demo_params[i].name);

        ck_assert_msg(strstr(man, bold) != NULL, "parameter %s missing from the man page",
                      demo_params[i].name);
    }
    /* Every action is listed. */
    for (const lh_action *a = demo_actions; a->name != NULL; a++) {
        g_autofree char *row = g_strdup_printf("\n%s\t", a->name);

        ck_assert_msg(strstr(man, row) != NULL, "action %s missing from the man page", a->name);
    }
}
END_TEST

START_TEST(manpage_text_cannot_inject_requests)
{
    g_autofree char *man = lh_agent_manpage(&demo_agent);
    g_auto(GStrv) lines = g_strsplit(man, "\n", -1);
    int sh = 0;

    for (gsize i = 0; lines[i] != NULL; i++) {
        ck_assert_msg(strcmp(lines[i], ".SH INJECTED") != 0,
                      "a description line became a roff request");
        ck_assert_msg(!g_str_has_prefix(lines[i], "'\\\" a roff"),
                      "a description line became a roff comment");
        sh += g_str_has_prefix(lines[i], ".SH ");
    }
    /* Tables for tbl are balanced. */
    ck_assert_int_eq(lh_test_count_lines(man, ".TS"), lh_test_count_lines(man, ".TE"));
    ck_assert_int_ge(lh_test_count_lines(man, ".TS"), 2); /* actions, code map */
    ck_assert_int_ge(sh, 5);
}
END_TEST

START_TEST(manpage_code_map_section)
{
    g_autofree char *man = lh_agent_manpage(&demo_agent);

    ck_assert_ptr_nonnull(strstr(man, "demo_status"));
    ck_assert_ptr_nonnull(strstr(man, "all running"));
    ck_assert_ptr_nonnull(strstr(man, "all stopped"));
}
END_TEST

/* ---- usage ---------------------------------------------------------------------- */

START_TEST(usage_lists_every_parameter_as_an_option)
{
    g_autofree char *usage = lh_agent_usage(&demo_agent);

    for (gsize i = 0; i < G_N_ELEMENTS(demo_params); i++) {
        g_autofree char *option = g_strdelimit(g_strconcat("--", demo_params[i].name, NULL),
                                               "_", '-');

        ck_assert_msg(strstr(usage, option) != NULL, "%s missing from the usage:\n%s", option,
                      usage);
    }
    ck_assert_ptr_null(strstr(usage, "--logical_host"));
    ck_assert_ptr_nonnull(strstr(usage, "--logical-host"));
    ck_assert_ptr_nonnull(strstr(usage, "--verbose-log"));
    /* Every action, and the defaults. */
    for (const lh_action *a = demo_actions; a->name != NULL; a++) {
        ck_assert_ptr_nonnull(strstr(usage, a->name));
    }
    ck_assert_ptr_nonnull(strstr(usage, "validate-all"));
    ck_assert_ptr_nonnull(strstr(usage, "meta-data"));
    ck_assert_ptr_nonnull(strstr(usage, "safe"));
    ck_assert_ptr_nonnull(strstr(usage, "demo_status"));
}
END_TEST

START_TEST(usage_marks_required_parameters)
{
    g_autofree char *usage = lh_agent_usage(&demo_agent);
    g_auto(GStrv) lines = g_strsplit(usage, "\n", -1);
    int host_lines = 0, mode_lines = 0;

    for (gsize i = 0; lines[i] != NULL; i++) {
        if (strstr(lines[i], "--logical-host") != NULL) {
            host_lines++;
            ck_assert_ptr_nonnull(strstr(lines[i], "required"));
        }
        if (strstr(lines[i], "--mode") != NULL) {
            mode_lines++;
            ck_assert_ptr_null(strstr(lines[i], "required"));
            ck_assert_ptr_nonnull(strstr(lines[i], "safe"));
        }
    }
    ck_assert_int_eq(host_lines, 1);
    ck_assert_int_eq(mode_lines, 1);
}
END_TEST

/* ---- a promotable agent ------------------------------------------------------- */

static const lh_action promo_actions[] = {
    {"start", demo_noop, 60, 0},   {"stop", demo_noop, 120, 0},
    {"monitor", demo_noop, 30, 10}, {"promote", demo_noop, 90, 0},
    {"demote", demo_noop, 90, 0},  {"notify", demo_noop, 15, 0},
    {NULL, NULL, 0, 0},
};

static const lh_agent promo_agent = {
    .name = "promo",
    .version = "1.0",
    .shortdesc = "Promotable demo",
    .longdesc = "A promotable demo agent.",
    .params = demo_params,
    .n_params = G_N_ELEMENTS(demo_params),
    .config_size = sizeof(demo_config),
    .actions = promo_actions,
    .promotable = TRUE,
};

START_TEST(promotable_metadata_validates_against_the_ocf_schema)
{
    assert_validates(&promo_agent, "promotable_metadata_validates_against_the_ocf_schema");
}
END_TEST

/* One monitor per role, at distinct intervals; promote, demote and notify once each. */
START_TEST(promotable_metadata_actions)
{
    xmlDocPtr doc = parse_metadata_of(&promo_agent);

    ck_assert_int_eq(xpath_count(doc, "/resource-agent/actions/action"), 9);
    ck_assert_int_eq(xpath_count(doc, "//action[@name='monitor']"), 2);
    assert_xpath(doc, "//action[@name='monitor'][@role='Promoted']/@interval", "10s");
    assert_xpath(doc, "//action[@name='monitor'][@role='Unpromoted']/@interval", "11s");
    assert_xpath(doc, "//action[@name='monitor'][@role='Promoted']/@timeout", "30s");
    assert_xpath(doc, "//action[@name='monitor'][@role='Unpromoted']/@timeout", "30s");
    assert_xpath(doc, "//action[@name='monitor'][@role='Unpromoted']/@depth", "0");
    assert_xpath(doc, "//action[@name='promote']/@timeout", "90s");
    assert_xpath(doc, "//action[@name='demote']/@timeout", "90s");
    assert_xpath(doc, "//action[@name='notify']/@timeout", "15s");
    /* only the recurring monitors carry a role */
    ck_assert_int_eq(xpath_count(doc, "//action[@role]"), 2);
    ck_assert_int_eq(xpath_count(doc, "//action[@name!='monitor'][@interval]"), 0);
    xmlFreeDoc(doc);
    /* the same table without the flag: one monitor, no role */
    {
        lh_agent plain = promo_agent;

        plain.promotable = FALSE;
        doc = parse_metadata_of(&plain);
        ck_assert_int_eq(xpath_count(doc, "//action[@name='monitor']"), 1);
        ck_assert_int_eq(xpath_count(doc, "//action[@role]"), 0);
        assert_xpath(doc, "//action[@name='monitor']/@interval", "10s");
        xmlFreeDoc(doc);
    }
}
END_TEST

/* A monitor without an interval (probes only) is not split by role. */
START_TEST(promotable_metadata_monitor_without_interval)
{
    static const lh_action actions[] = {
        {"start", demo_noop, 60, 0},   {"stop", demo_noop, 120, 0},
        {"monitor", demo_noop, 30, 0}, {"promote", demo_noop, 90, 0},
        {"demote", demo_noop, 90, 0},  {NULL, NULL, 0, 0},
    };
    lh_agent agent = promo_agent;
    xmlDocPtr doc;

    agent.actions = actions;
    doc = parse_metadata_of(&agent);
    ck_assert_int_eq(xpath_count(doc, "//action[@name='monitor']"), 1);
    ck_assert_int_eq(xpath_count(doc, "//action[@role]"), 0);
    xmlFreeDoc(doc);
}
END_TEST

START_TEST(promotable_manpage_and_usage)
{
    g_autofree char *man = lh_agent_manpage(&promo_agent);
    g_autofree char *usage = lh_agent_usage(&promo_agent);

    ck_assert_ptr_nonnull(strstr(man, "\nmonitor (Promoted)\t30s\t10s\n"));
    ck_assert_ptr_nonnull(strstr(man, "\nmonitor (Unpromoted)\t30s\t11s\n"));
    ck_assert_ptr_nonnull(strstr(man, "\npromote\t90s\t\\-\n"));
    ck_assert_ptr_nonnull(strstr(man, "\ndemote\t90s\t\\-\n"));
    ck_assert_ptr_nonnull(strstr(man, "\nnotify\t15s\t\\-\n"));
    ck_assert_ptr_nonnull(
        strstr(usage, "actions: start stop monitor promote demote notify validate-all meta-data\n"));
    ck_assert_ptr_nonnull(strstr(usage, "monitor every 10s in the Promoted role, every 11s in "
                                        "the Unpromoted role"));
    /* a plain agent's usage says nothing of roles */
    {
        g_autofree char *plain = lh_agent_usage(&demo_agent);

        ck_assert_ptr_null(strstr(plain, "Promoted"));
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("metadata");
    int rc;

    add_tcase(s, metadata_validates_against_the_ocf_schema);
    add_tcase(s, metadata_header);
    add_tcase(s, metadata_every_parameter);
    add_tcase(s, metadata_unique_parameters_are_separate_groups);
    add_tcase(s, metadata_select_options);
    add_tcase(s, metadata_every_action);
    add_tcase(s, metadata_hostile_text_is_escaped);
    add_tcase(s, manpage_has_th_and_every_parameter);
    add_tcase(s, manpage_text_cannot_inject_requests);
    add_tcase(s, manpage_code_map_section);
    add_tcase(s, usage_lists_every_parameter_as_an_option);
    add_tcase(s, usage_marks_required_parameters);
    add_tcase(s, promotable_metadata_validates_against_the_ocf_schema);
    add_tcase(s, promotable_metadata_actions);
    add_tcase(s, promotable_metadata_monitor_without_interval);
    add_tcase(s, promotable_manpage_and_usage);
    rc = lh_test_run_suite(s);
    xmlCleanupParser();
    return rc;
}
