/* fuzz_agentinfo.c - an OCF agent's meta-data, as lhost reads it (lib/engine/agentinfo.c),
 * and what the engine does with it (lib/engine/lhcheck.c, lib/engine/lhengine.c, lib/engine/cib.c).
 *
 * Meta-data is what any agent prints, lhost's or not: untrusted XML. Input: the
 * document, parsed with lh_agent_info_parse(). The result then serves both
 * members of a fixed definition (two members of one agent, with parameters), as
 * lh_lhost_open() would use it: validation against it, the members' timeouts and
 * intervals, and the CIB.
 * Asserts, beyond no crash:
 *   - a document is parsed or refused with a reason, never both nor neither;
 *   - every parameter and every action has a name; a parameter is found by its
 *     name (the first of that name); advertised timeouts and intervals are -1 or
 *     a duration; an action's timeout is the first depth-0 entry's;
 *   - the members' timeouts are positive, the definition's overrides win over
 *     the meta-data, and the CIB is XML.
 */
#include "config.h"

#include <libxml/parser.h>
#include <unistd.h>

#include <lhost/agentinfo.h>
#include <lhost/cib.h>
#include <lhost/lhost.h>

#include "fuzz.h"

/* Two members of one agent, so that the duplicate check compares them. */
static const char definition[] = "[member a]\n"
                                 "agent = ocf:fuzz:agent\n"
                                 "name = one\n"
                                 "port = 80\n"
                                 "op.start.timeout = 90s\n"
                                 "[member b]\n"
                                 "agent = ocf:fuzz:agent\n"
                                 "name = two\n";

static lh_def *def;

static void quiet_xml(void *ctx, const char *msg, ...)
{
}

static void free_def(void)
{
    g_clear_pointer(&def, lh_def_free);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    g_autofree char *path = g_build_filename(fz_scratch_dir(), "lhA.conf", NULL);
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);

    fz_quiet_logs();
    xmlSetGenericErrorFunc(NULL, quiet_xml);
    FZ_ASSERT(g_file_set_contents(path, definition, -1, NULL), "cannot write %s", path);
    def = lh_def_load(path, problems);
    FZ_ASSERT(problems->len == 0 && def->members->len == 2, "the fixed definition is unsound");
    atexit(free_def);
    return 0;
}

static const lh_agent_action *first_action(const lh_agent_info *info, const char *name)
{
    for (guint i = 0; i < info->actions->len; i++) {
        const lh_agent_action *a = g_ptr_array_index(info->actions, i);

        if (g_strcmp0(a->name, name) == 0 && a->depth == 0) {
            return a;
        }
    }
    return NULL;
}

static void assert_info(const lh_agent_info *info)
{
    for (guint i = 0; i < info->params->len; i++) {
        const lh_agent_param *p = g_ptr_array_index(info->params, i);

        FZ_ASSERT(p->name != NULL, "parameter %u has no name", i);
        FZ_ASSERT(lh_agent_info_param(info, p->name) != NULL
                      && strcmp(lh_agent_info_param(info, p->name)->name, p->name) == 0,
                  "parameter '%s' is not found by its name", p->name);
    }
    for (guint i = 0; i < info->actions->len; i++) {
        const lh_agent_action *a = g_ptr_array_index(info->actions, i);
        const lh_agent_action *first;

        FZ_ASSERT(a->name != NULL, "action %u has no name", i);
        FZ_ASSERT(a->timeout_ms >= -1 && a->interval_ms >= -1, "action '%s': %" G_GINT64_FORMAT
                  " ms, every %" G_GINT64_FORMAT " ms", a->name, a->timeout_ms, a->interval_ms);
        first = first_action(info, a->name);
        FZ_ASSERT(lh_agent_info_timeout_ms(info, a->name) == (first ? first->timeout_ms : -1)
                      && lh_agent_info_interval_ms(info, a->name)
                             == (first ? first->interval_ms : -1),
                  "action '%s': not the first depth-0 entry's settings", a->name);
    }
}

/* Both members of the definition on @info, as lh_lhost_open() leaves them. */
static void check_engine(lh_agent_info *info)
{
    g_autoptr(GPtrArray) infos = g_ptr_array_new();
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    lh_lhost lhost = {def, NULL, NULL, infos, NULL, NULL};
    g_autofree char *cib = NULL;
    xmlDoc *doc;

    g_ptr_array_add(infos, info);
    g_ptr_array_add(infos, info);
    lh_lhost_validate(&lhost, problems);
    for (guint i = 0; i < 2; i++) {
        FZ_ASSERT(lh_lhost_timeout_ms(&lhost, i, "monitor") > 0
                      && lh_lhost_interval_ms(&lhost, i, "monitor") > 0
                      && lh_lhost_timeout_ms(&lhost, i, "stop") > 0,
                  "member %u: a timeout or interval that is not positive", i);
    }
    FZ_ASSERT(lh_lhost_timeout_ms(&lhost, 0, "start") == 90000, "the override did not win");
    cib = lh_lhost_cib(&lhost);
    doc = xmlReadMemory(cib, (int)strlen(cib), "cib", NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    FZ_ASSERT(doc != NULL, "the CIB is not XML:\n%s", cib);
    xmlFreeDoc(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    g_autofree char *reason = NULL;
    g_autoptr(lh_agent_info) info = lh_agent_info_parse((const char *)data, size, &reason);

    FZ_ASSERT((info == NULL) != (reason == NULL), "parsed %d with reason '%s'", info != NULL,
              reason != NULL ? reason : "(none)");
    if (info != NULL) {
        assert_info(info);
        check_engine(info);
    }
    return 0;
}
