/* fuzz_metadata.c - meta-data, man page and --help written from an agent's tables
 * (lib/runtime/metadata.c), read back by lhost's meta-data reader (lib/engine/agentinfo.c).
 *
 * The tables are the agent author's, not untrusted, but any text may go in a
 * description or a default, and the writer and the reader must agree on all of
 * it. Input: an agent made from the bytes: up to six parameters (a name, a type,
 * flags, a default or none, select choices, descriptions) and a subset of the
 * usual actions with their timeouts and intervals. Texts are drawn from an
 * alphabet with XML's and roff's special characters, newlines and multi-byte
 * UTF-8; a default or choice has no newline or tab (XML normalises those in an
 * attribute), a choice no '|'.
 * Asserts, beyond no crash:
 *   - lh_agent_metadata() is a document lh_agent_info_parse() takes, with every
 *     parameter in order: same name, required and unique flags, default; and
 *     every action's timeout and interval in seconds, plus validate-all and
 *     meta-data;
 *   - the man page has no line that opens with a roff control character other
 *     than its own requests (no text of the tables can inject one);
 *   - --help offers every parameter as its --option.
 */
#include "config.h"

#include <lhost/agentinfo.h>
#include <lhost/ocf.h>

#include "fuzz.h"

#define MAX_PARAMS 6
#define MAX_TEXT 40

typedef struct fz_agent {
    lh_param params[MAX_PARAMS];
    lh_action actions[9];
    GPtrArray *texts; /* every string the tables point to */
    lh_agent agent;
} fz_agent;

static const char *const action_names[] = {"start",   "stop",  "monitor", "reload",
                                           "promote", "demote", "notify",  "migrate_to"};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fz_quiet_logs();
    return 0;
}

static lh_result no_action(lh_op *op, const void *config)
{
    return LH_RESULT_OK;
}

/* Up to MAX_TEXT characters of @alphabet (single characters, then the multi-byte
 * ones), chosen by the input. */
static const char *text(fz_agent *a, fz_input *in, const char *alphabet, gboolean multibyte)
{
    static const char *const wide[] = {"\xc3\xa9", "\xe6\x97\xa5", "\xe2\x82\xac"};
    GString *s = g_string_new(NULL);
    size_t n = strlen(alphabet) + (multibyte ? G_N_ELEMENTS(wide) : 0);
    guint len = fz_byte(in) % (MAX_TEXT + 1);
    char *str;

    for (guint i = 0; i < len; i++) {
        size_t c = fz_byte(in) % n;

        if (c < strlen(alphabet)) {
            g_string_append_c(s, alphabet[c]);
        } else {
            g_string_append(s, wide[c - strlen(alphabet)]);
        }
    }
    str = g_string_free(s, FALSE);

    g_ptr_array_add(a->texts, str);
    return str;
}

#define NAME_CHARS "abcdefghijklmnopqrstuvwxyz0123456789_"
#define VALUE_CHARS "abcXYZ 019<>&\"'.-\\=/:;#%$!~*()[]{}"
#define DESC_CHARS VALUE_CHARS "|\n\t"

static const char *name(fz_agent *a, fz_input *in, const char *first)
{
    const char *rest = text(a, in, NAME_CHARS, FALSE);
    char *whole = g_strconcat(first, rest, NULL);

    g_ptr_array_add(a->texts, whole);
    return whole;
}

static void make_agent(fz_agent *a, fz_input *in)
{
    size_t n = fz_byte(in) % (MAX_PARAMS + 1);
    guint8 which = fz_byte(in);
    size_t k = 0;

    a->texts = g_ptr_array_new_with_free_func(g_free);
    for (size_t i = 0; i < n; i++) {
        lh_param *p = &a->params[i];
        GString *choices = g_string_new(NULL);

        p->name = name(a, in, "p");
        p->type = (lh_param_type)(fz_byte(in) % 4);
        p->flags = fz_byte(in) % 8;
        p->default_value = fz_byte(in) % 2 ? text(a, in, VALUE_CHARS, TRUE) : NULL;
        for (guint c = 0, nc = 1 + fz_byte(in) % 3; c < nc; c++) {
            g_string_append_printf(choices, "%s%s", c > 0 ? "|" : "",
                                   text(a, in, VALUE_CHARS, TRUE));
        }
        g_ptr_array_add(a->texts, choices->str);
        p->choices = g_string_free(choices, FALSE);
        p->shortdesc = text(a, in, DESC_CHARS, TRUE);
        p->longdesc = text(a, in, DESC_CHARS, TRUE);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(action_names); i++) {
        if (which & (1u << i)) {
            guint timeout_s = fz_byte(in) << 8;
            guint interval_s;

            timeout_s |= fz_byte(in);
            interval_s = fz_byte(in) << 8;
            interval_s |= fz_byte(in);
            a->actions[k++] = (lh_action){action_names[i], no_action, timeout_s, interval_s};
        }
    }
    a->actions[k] = (lh_action){NULL, NULL, 0, 0};
    a->agent = (lh_agent){
        .name = name(a, in, "a"),
        .version = "1.0",
        .shortdesc = text(a, in, DESC_CHARS, TRUE),
        .longdesc = text(a, in, DESC_CHARS, TRUE),
        .params = a->params,
        .n_params = n,
        .config_size = 8,
        .actions = a->actions,
    };
}

static void assert_action(const lh_agent_info *info, const char *name, guint timeout_s,
                          guint interval_s)
{
    gint64 timeout = lh_agent_info_timeout_ms(info, name);
    gint64 interval = lh_agent_info_interval_ms(info, name);

    FZ_ASSERT(timeout == (gint64)timeout_s * 1000, "%s: %us read as %" G_GINT64_FORMAT " ms",
              name, timeout_s, timeout);
    FZ_ASSERT(interval == (interval_s > 0 ? (gint64)interval_s * 1000 : -1),
              "%s: every %us read as %" G_GINT64_FORMAT " ms", name, interval_s, interval);
}

static void check_metadata(const lh_agent *agent)
{
    g_autofree char *xml = lh_agent_metadata(agent);
    g_autofree char *reason = NULL;
    g_autoptr(lh_agent_info) info = lh_agent_info_parse(xml, strlen(xml), &reason);

    FZ_ASSERT(info != NULL, "the meta-data does not read back (%s):\n%s", reason, xml);
    FZ_ASSERT(info->params->len == agent->n_params, "%u parameters of %zu",
              info->params->len, agent->n_params);
    for (size_t i = 0; i < agent->n_params; i++) {
        const lh_param *p = &agent->params[i];
        const lh_agent_param *read = g_ptr_array_index(info->params, i);

        FZ_ASSERT(strcmp(read->name, p->name) == 0, "'%s' read as '%s'", p->name, read->name);
        FZ_ASSERT(!read->required == !(p->flags & LH_PARAM_REQUIRED)
                      && !read->unique == !(p->flags & LH_PARAM_UNIQUE),
                  "%s: flags %u read as required %d, unique %d", p->name, p->flags,
                  read->required, read->unique);
        FZ_ASSERT(g_strcmp0(read->default_value, p->default_value) == 0,
                  "%s: default '%s' read as '%s'", p->name, p->default_value,
                  read->default_value);
    }
    for (const lh_action *a = agent->actions; a->name != NULL; a++) {
        assert_action(info, a->name, a->timeout_s, a->interval_s);
    }
    assert_action(info, "validate-all", LH_VALIDATE_TIMEOUT_S, 0);
    assert_action(info, "meta-data", LH_META_DATA_TIMEOUT_S, 0);
}

static void check_manpage(const lh_agent *agent)
{
    static const char *const requests[] = {".TH ", ".SH ", ".SS ", ".TP", ".TS", ".TE",
                                           "'\\\" t"};
    g_autofree char *man = lh_agent_manpage(agent);
    g_auto(GStrv) lines = g_strsplit(man, "\n", -1);

    for (gsize i = 0; lines[i] != NULL; i++) {
        gboolean request = FALSE;

        if (lines[i][0] != '.' && lines[i][0] != '\'') {
            continue;
        }
        for (gsize r = 0; r < G_N_ELEMENTS(requests) && !request; r++) {
            request = g_str_has_prefix(lines[i], requests[r]);
        }
        FZ_ASSERT(request, "man page line %zu opens with a control character: '%s'", i + 1,
                  lines[i]);
    }
}

static void check_usage(const lh_agent *agent)
{
    g_autofree char *usage = lh_agent_usage(agent);

    for (size_t i = 0; i < agent->n_params; i++) {
        g_autofree char *option = g_strdelimit(g_strdup(agent->params[i].name), "_", '-');
        g_autofree char *offered = g_strconcat("  --", option, " ", NULL);

        FZ_ASSERT(strstr(usage, offered) != NULL, "--help does not offer --%s", option);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = {data, size, 0};
    fz_agent a;

    make_agent(&a, &in);
    check_metadata(&a.agent);
    check_manpage(&a.agent);
    check_usage(&a.agent);
    g_ptr_array_unref(a.texts);
    return 0;
}
