/* check_cibquery.c - lhost/cibquery.h: answers read from Pacemaker's XML.
 *
 * The documents are what Pacemaker 2.1.5's tools printed on a CIB file that
 * crm_simulate ran (three nodes, the resources of RESOURCES below):
 * `cibadmin --query --scope resources` and `crm_resource --locate --resource R
 * --output-as=xml`, for a clone active on two nodes, a primitive stopped, and a
 * resource that does not exist. What lhost quiesce relies on: a primitive is found by
 * its id or its clone's, with the clone, the agent (from a template too) and the
 * longest enabled monitor; a group, a bundle, a clone of a group and an op's id are
 * refused with a reason; the located nodes come sorted, each once; a failed tool's
 * reason is its stderr's first line, else its XML <error>'s.
 */
#include "config.h"

#include <lhost/cibquery.h>

#include "check_common.h"

/* cibadmin --query --scope resources, as printed, and a group and a bundle added. */
static const char RESOURCES[] =
    "<resources>\n"
    "  <template id=\"tq\" class=\"ocf\" provider=\"lhost\" type=\"iws\">\n"
    "    <operations>\n"
    "      <op id=\"tq-mon\" name=\"monitor\" interval=\"20s\"/>\n"
    "    </operations>\n"
    "  </template>\n"
    "  <clone id=\"iws-clone\">\n"
    "    <meta_attributes id=\"iws-meta\">\n"
    "      <nvpair id=\"iws-p\" name=\"promotable\" value=\"true\"/>\n"
    "      <nvpair id=\"iws-cm\" name=\"clone-max\" value=\"2\"/>\n"
    "    </meta_attributes>\n"
    "    <primitive id=\"iws\" class=\"ocf\" provider=\"lhost\" type=\"iws\">\n"
    "      <operations>\n"
    "        <op id=\"iws-p1\" name=\"monitor\" interval=\"10s\" role=\"Promoted\"/>\n"
    "        <op id=\"iws-u\" name=\"monitor\" interval=\"11s\" role=\"Unpromoted\"/>\n"
    "        <op id=\"iws-off\" name=\"monitor\" interval=\"1min\" enabled=\"false\"/>\n"
    "      </operations>\n"
    "    </primitive>\n"
    "  </clone>\n"
    "  <clone id=\"tclone\">\n"
    "    <primitive id=\"tp\" template=\"tq\">\n"
    "      <operations>\n"
    "        <op id=\"tp-mon\" name=\"monitor\" interval=\"5s\"/>\n"
    "      </operations>\n"
    "    </primitive>\n"
    "  </clone>\n"
    "  <clone id=\"gclone\">\n"
    "    <group id=\"g\">\n"
    "      <primitive id=\"gq\" class=\"ocf\" provider=\"lhost\" type=\"iws\"/>\n"
    "    </group>\n"
    "  </clone>\n"
    "  <master id=\"ms\">\n"
    "    <primitive id=\"st\" class=\"ocf\" provider=\"pacemaker\" type=\"Stateful\">\n"
    "      <operations>\n"
    "        <op id=\"st-mon\" name=\"monitor\" interval=\"15s\" enabled=\"no\"/>\n"
    "        <op id=\"st-start\" name=\"start\" interval=\"0s\" timeout=\"99s\"/>\n"
    "      </operations>\n"
    "    </primitive>\n"
    "  </master>\n"
    "  <bundle id=\"bu\">\n"
    "    <docker image=\"pcmk:test\"/>\n"
    "    <primitive id=\"bp\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"/>\n"
    "  </bundle>\n"
    "  <primitive id=\"solo\" class=\"ocf\" provider=\"heartbeat\" type=\"Dummy\"/>\n"
    "  <primitive id=\"sd\" class=\"systemd\" type=\"sshd\"/>\n"
    "</resources>\n";

static const char LOCATE_TWO[] =
    "<pacemaker-result api-version=\"2.25\" request=\"crm_resource --locate --resource "
    "iws-clone --output-as=xml\">\n"
    "  <nodes resource=\"iws-clone\">\n"
    "    <node>node2</node>\n"
    "    <node>node1</node>\n"
    "  </nodes>\n"
    "  <status code=\"0\" message=\"OK\"/>\n"
    "</pacemaker-result>\n";

static const char LOCATE_NONE[] =
    "<pacemaker-result api-version=\"2.25\" request=\"crm_resource --locate --resource solo "
    "--output-as=xml\">\n"
    "  <nodes resource=\"solo\"/>\n"
    "  <status code=\"0\" message=\"OK\"/>\n"
    "</pacemaker-result>\n";

static const char LOCATE_MISSING[] =
    "<pacemaker-result api-version=\"2.25\" request=\"crm_resource --locate --resource nope "
    "--output-as=xml\">\n"
    "  <status code=\"105\" message=\"No such object\">\n"
    "    <errors>\n"
    "      <error>crm_resource: Resource 'nope' not found\n"
    "Error performing operation: No such object</error>\n"
    "    </errors>\n"
    "  </status>\n"
    "</pacemaker-result>\n";

static lh_pcmk_doc *parse_ok(const char *xml)
{
    g_autofree char *why = NULL;
    lh_pcmk_doc *doc = lh_pcmk_doc_parse(xml, &why);

    ck_assert_msg(doc != NULL, "not parsed: %s", why);
    return doc;
}

/* The primitive that @id names, which must be found. */
static lh_cib_primitive *find_ok(const char *id)
{
    g_autoptr(lh_pcmk_doc) doc = parse_ok(RESOURCES);
    g_autofree char *why = NULL;
    lh_cib_primitive *p = lh_cib_primitive_find(doc, id, &why);

    ck_assert_msg(p != NULL, "%s not found: %s", id, why);
    return p;
}

/* The reason why @id names no primitive. */
static char *find_refused(const char *id)
{
    g_autoptr(lh_pcmk_doc) doc = parse_ok(RESOURCES);
    char *why = NULL;
    g_autoptr(lh_cib_primitive) p = lh_cib_primitive_find(doc, id, &why);

    ck_assert_msg(p == NULL, "%s found as %s", id, p != NULL ? p->id : "");
    ck_assert_ptr_nonnull(why);
    return why;
}

START_TEST(doc_parse_refuses_what_is_not_xml)
{
    static const char *const bad[] = {"", "  \n", "crm_resource: not XML", "<a><b></a>",
                                      "<a/><b/>"};

    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_autofree char *why = NULL;
        g_autoptr(lh_pcmk_doc) doc = lh_pcmk_doc_parse(bad[i], &why);

        ck_assert_msg(doc == NULL, "\"%s\" parsed", bad[i]);
        ck_assert_msg(g_str_has_prefix(why, "not XML (line "), "\"%s\": %s", bad[i], why);
        ck_assert_msg(strchr(why, '\n') == NULL, "one line: %s", why);
    }
}
END_TEST

START_TEST(primitive_by_its_own_id)
{
    g_autoptr(lh_cib_primitive) p = find_ok("iws");

    ck_assert_str_eq(p->id, "iws");
    ck_assert_str_eq(p->clone, "iws-clone");
    ck_assert_str_eq(p->agent_class, "ocf");
    ck_assert_str_eq(p->provider, "lhost");
    ck_assert_str_eq(p->type, "iws");
    ck_assert_int_eq(p->monitor_ms, 11000); /* the disabled 1min does not count */
}
END_TEST

START_TEST(primitive_by_its_clone_id)
{
    g_autoptr(lh_cib_primitive) p = find_ok("iws-clone");

    ck_assert_str_eq(p->id, "iws");
    ck_assert_str_eq(p->clone, "iws-clone");
}
END_TEST

START_TEST(primitive_agent_and_monitors_from_its_template)
{
    g_autoptr(lh_cib_primitive) p = find_ok("tclone");

    ck_assert_str_eq(p->id, "tp");
    ck_assert_str_eq(p->agent_class, "ocf");
    ck_assert_str_eq(p->provider, "lhost");
    ck_assert_str_eq(p->type, "iws");
    ck_assert_int_eq(p->monitor_ms, 20000); /* the template's 20s over its own 5s */
}
END_TEST

START_TEST(primitive_in_a_cloned_group_has_the_clone)
{
    g_autoptr(lh_cib_primitive) p = find_ok("gq");

    ck_assert_str_eq(p->clone, "gclone");
    ck_assert_int_eq(p->monitor_ms, 0);
}
END_TEST

START_TEST(primitive_of_a_master_has_it_as_clone)
{
    g_autoptr(lh_cib_primitive) p = find_ok("ms");

    ck_assert_str_eq(p->id, "st");
    ck_assert_str_eq(p->clone, "ms");
    ck_assert_int_eq(p->monitor_ms, 0); /* enabled="no", and a start is no monitor */
}
END_TEST

START_TEST(primitive_in_no_clone_has_none)
{
    g_autoptr(lh_cib_primitive) solo = find_ok("solo");
    g_autoptr(lh_cib_primitive) in_bundle = find_ok("bp");
    g_autoptr(lh_cib_primitive) sd = find_ok("sd");

    ck_assert_ptr_null(solo->clone);
    ck_assert_ptr_null(in_bundle->clone);
    ck_assert_str_eq(sd->agent_class, "systemd");
    ck_assert_ptr_null(sd->provider);
}
END_TEST

START_TEST(primitive_refused_with_a_reason)
{
    static const struct {
        const char *id, *why;
    } cases[] = {
        {"nope", "no resource nope in the CIB"},
        {"iws-p1", "no resource iws-p1 in the CIB"}, /* an op's id */
        {"tq", "no resource tq in the CIB"},         /* a template is no resource */
        {"x' or @id='iws", "no resource x' or @id='iws in the CIB"},
        {"g", "g is a <group>: name a primitive in a clone, or the clone"},
        {"bu", "bu is a <bundle>: name a primitive in a clone, or the clone"},
        {"gclone", "clone gclone holds no primitive of its own: name the primitive"},
    };

    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *why = find_refused(cases[i].id);

        ck_assert_str_eq(why, cases[i].why);
    }
}
END_TEST

START_TEST(nodes_sorted_each_once)
{
    static const char twice[] = "<r><nodes><node> b </node><node>a</node><node>b</node>"
                                "<node/><other>c</other></nodes><nodes><node>d</node></nodes></r>";
    g_autoptr(lh_pcmk_doc) doc = parse_ok(LOCATE_TWO);
    g_autoptr(lh_pcmk_doc) other = parse_ok(twice);
    g_auto(GStrv) nodes = lh_pcmk_doc_nodes(doc);
    g_auto(GStrv) first = lh_pcmk_doc_nodes(other);
    g_autofree char *joined = NULL;

    ck_assert_ptr_nonnull(nodes);
    joined = g_strjoinv(" ", nodes);
    ck_assert_str_eq(joined, "node1 node2");
    g_free(g_steal_pointer(&joined));
    joined = g_strjoinv(" ", first);
    ck_assert_str_eq(joined, "a b");
}
END_TEST

START_TEST(nodes_empty_or_absent)
{
    g_autoptr(lh_pcmk_doc) none = parse_ok(LOCATE_NONE);
    g_autoptr(lh_pcmk_doc) missing = parse_ok(LOCATE_MISSING);
    g_auto(GStrv) empty = lh_pcmk_doc_nodes(none);
    g_auto(GStrv) absent = lh_pcmk_doc_nodes(missing);

    ck_assert_ptr_nonnull(empty);
    ck_assert_ptr_null(empty[0]);
    ck_assert_ptr_null(absent);
}
END_TEST

START_TEST(tool_said_stderr_first)
{
    g_autofree char *err = lh_pcmk_tool_said("\n  Could not connect: refused\nmore\n",
                                             LOCATE_MISSING);
    g_autofree char *xml = lh_pcmk_tool_said(" \n", LOCATE_MISSING);
    g_autofree char *nothing = lh_pcmk_tool_said("", "not XML");
    g_autofree char *no_error = lh_pcmk_tool_said("", LOCATE_TWO);

    ck_assert_str_eq(err, "Could not connect: refused");
    ck_assert_str_eq(xml, "crm_resource: Resource 'nope' not found");
    ck_assert_str_eq(nothing, "");
    ck_assert_str_eq(no_error, "");
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cibquery");

    add_tcase(s, doc_parse_refuses_what_is_not_xml);
    add_tcase(s, primitive_by_its_own_id);
    add_tcase(s, primitive_by_its_clone_id);
    add_tcase(s, primitive_agent_and_monitors_from_its_template);
    add_tcase(s, primitive_in_a_cloned_group_has_the_clone);
    add_tcase(s, primitive_of_a_master_has_it_as_clone);
    add_tcase(s, primitive_in_no_clone_has_none);
    add_tcase(s, primitive_refused_with_a_reason);
    add_tcase(s, nodes_sorted_each_once);
    add_tcase(s, nodes_empty_or_absent);
    add_tcase(s, tool_said_stderr_first);
    return lh_test_run_suite(s);
}
