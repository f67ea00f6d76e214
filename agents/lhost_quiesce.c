/* lhost_quiesce.c - `lhost quiesce|resume RESOURCE [--timeout SECONDS] [--verbose]`.
 *
 * CA IDMS's rule for a group-wide quiesce, applied to a clone: the request is
 * broadcast to every member, then its completion is observed in every member; no
 * command's return is taken as proof. The members are the active instances of a
 * clone (ocf:lhost:iws: one IWS per node), and both ways go through Pacemaker's
 * transient node attributes, P being the primitive's id:
 *
 *   lhost -> node   attrd_updater -n P-quiesce -U "quiesce ID" -N NODE  ("resume ID")
 *   node -> lhost   P-quiesce-state: "ID quiesced" | "ID pending JOB,..." |
 *                   "ID resumed" | "ID failed REASON"
 *
 * The instance on a node answers at its next recurring monitor. ID is new for every
 * call ("q" or "r", the epoch in ms, "-", the pid), so that the answer to an earlier
 * request, which carries another ID, is never taken for this one's.
 *
 * Each step is a Pacemaker tool run through lh_run() (an argv, a deadline, no shell):
 *   1. cibadmin --query --scope resources: RESOURCE (a primitive, or the clone that
 *      holds it), its agent, its recurring monitor intervals (the default timeout);
 *   2. crm_resource --show-metadata ocf:PROVIDER:TYPE: the agent has quiesce and resume;
 *   3. crm_resource --locate: the nodes where an instance is active;
 *   4. the request, to each of those nodes;
 *   5. attrd_updater -Q -A -n P-quiesce-state every second (lh_attr_get_all), until
 *      every node has
 *      answered for good (done or failed) or the timeout has passed; one last look
 *      is taken at the timeout.
 * The tools' XML is read by lhost/cibquery.h.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <lhost/agentinfo.h>
#include <lhost/attr.h>
#include <lhost/cibquery.h>
#include <lhost/deadline.h>
#include <lhost/lhdef.h>
#include <lhost/run.h>

#include "lhost_quiesce.h"

#define TOOL_TIMEOUT_MS 30000   /* cibadmin, crm_resource, one attrd_updater -U */
#define POLL_TOOL_TIMEOUT_MS 5000 /* one attrd_updater -Q: a local IPC */
#define POLL_MS 1000
#define TOOL_CAPTURE_MAX ((gsize)16 * 1024 * 1024) /* a large cluster's resources */
#define TIMEOUT_MARGIN_S 10
#define TIMEOUT_MAX_S 604800 /* a week */

typedef enum answer { ANSWER_NONE, ANSWER_PENDING, ANSWER_DONE, ANSWER_FAILED } answer;

typedef struct node_state {
    char *name;
    answer answer;
    char *detail; /* PENDING: the jobs; FAILED: the reason */
} node_state;

typedef struct quiesce {
    const char *verb;     /* "quiesce" or "resume" */
    const char *done;     /* "quiesced" or "resumed" */
    const char *resource; /* as given */
    gint64 timeout_s;     /* 0: from the monitor intervals */
    gboolean progress;    /* on stderr: a terminal, or --verbose */
    char **envp;
    char *primitive, *clone, *agent;
    gint64 monitor_ms; /* the longest recurring monitor interval; 0: none */
    GPtrArray *nodes;  /* node_state *, by name */
    char *id;
    gint64 started_us;
} quiesce;

static void progress(const quiesce *q, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void progress(const quiesce *q, const char *fmt, ...)
{
    va_list ap;

    if (!q->progress) {
        return;
    }
    va_start(ap, fmt);
    fprintf(stderr, "lhost %s: ", q->verb);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* ---- Pacemaker's tools ----------------------------------------------------------- */

/* Runs a tool with lhost's environment. TRUE with its stdout in *out (the caller's)
 * when it exited 0; else FALSE with *why (the command, how it ended, what it said). */
static gboolean run_tool(const quiesce *q, const char *const *argv, char **out, char **why)
{
    lh_run_result res = LH_RUN_RESULT_INIT;
    gboolean ok;

    lh_run(argv, &(lh_run_options){.envp = q->envp, .deadline = lh_deadline_in_ms(TOOL_TIMEOUT_MS),
                                   .capture_max = TOOL_CAPTURE_MAX},
           &res);
    ok = lh_run_succeeded(&res) && res.out_dropped == 0;
    if (ok) {
        *out = g_strdup(res.out->str);
    } else {
        g_autofree char *line = lh_argv_to_string(argv);
        g_autofree char *how = lh_run_succeeded(&res) ? g_strdup("printed too much")
                                                      : lh_run_describe(&res);
        g_autofree char *said = lh_pcmk_tool_said(res.err->str, res.out->str);

        *why = g_strdup_printf("%s %s%s%s", line, how, *said != '\0' ? ": " : "", said);
    }
    lh_run_result_release(&res);
    return ok;
}

static lh_pcmk_doc *run_xml_tool(const quiesce *q, const char *const *argv, char **why)
{
    g_autofree char *out = NULL;
    g_autofree char *bad = NULL;
    lh_pcmk_doc *doc;

    if (!run_tool(q, argv, &out, why)) {
        return NULL;
    }
    doc = lh_pcmk_doc_parse(out, &bad);
    if (doc == NULL) {
        g_autofree char *line = lh_argv_to_string(argv);

        *why = g_strdup_printf("%s printed %s", line, bad);
    }
    return doc;
}

/* ---- 1. the resource, from the CIB ----------------------------------------------- */

/* q->primitive, q->clone, q->agent ("ocf:PROVIDER:TYPE") and q->monitor_ms. */
static gboolean read_cib(quiesce *q, char **why)
{
    const char *argv[] = {"cibadmin", "--query", "--scope", "resources", NULL};
    g_autoptr(lh_pcmk_doc) doc = run_xml_tool(q, argv, why);
    g_autoptr(lh_cib_primitive) p = doc != NULL ? lh_cib_primitive_find(doc, q->resource, why)
                                                : NULL;

    if (p == NULL) {
        return FALSE;
    }
    if (p->clone == NULL) {
        *why = g_strdup_printf("%s is not in a clone: %s asks every instance of a clone",
                               q->resource, q->verb);
        return FALSE;
    }
    q->primitive = g_strdup(p->id);
    q->clone = g_strdup(p->clone);
    if (g_strcmp0(p->agent_class, "ocf") != 0 || p->provider == NULL) {
        *why = g_strdup_printf("%s is of class %s: only OCF agents have quiesce and resume",
                               q->primitive, p->agent_class != NULL ? p->agent_class : "(none)");
        return FALSE;
    }
    q->agent = g_strdup_printf("ocf:%s:%s", p->provider, p->type != NULL ? p->type : "(null)");
    q->monitor_ms = p->monitor_ms;
    return TRUE;
}

/* ---- 2. the agent ---------------------------------------------------------------- */

static gboolean has_action(const lh_agent_info *info, const char *name)
{
    for (guint i = 0; i < info->actions->len; i++) {
        const lh_agent_action *action = g_ptr_array_index(info->actions, i);

        if (strcmp(action->name, name) == 0) {
            return TRUE;
        }
    }
    return FALSE;
}

static gboolean check_agent(const quiesce *q, char **why)
{
    const char *argv[] = {"crm_resource", "--show-metadata", q->agent, NULL};
    g_autofree char *out = NULL;
    g_autofree char *bad = NULL;
    g_autoptr(lh_agent_info) info = NULL;

    if (!run_tool(q, argv, &out, why)) {
        return FALSE;
    }
    info = lh_agent_info_parse(out, strlen(out), &bad);
    if (info == NULL) {
        *why = g_strdup_printf("%s (agent of %s): %s", q->agent, q->primitive, bad);
        return FALSE;
    }
    if (!has_action(info, "quiesce") || !has_action(info, "resume")) {
        *why = g_strdup_printf("%s (agent of %s) does not support quiesce: its meta-data lists "
                               "no %s action", q->agent, q->primitive,
                               has_action(info, "quiesce") ? "resume" : "quiesce");
        return FALSE;
    }
    return TRUE;
}

/* ---- 3. the nodes ---------------------------------------------------------------- */

static void node_state_free(gpointer data)
{
    node_state *n = data;

    g_free(n->name);
    g_free(n->detail);
    g_free(n);
}

/* Where the clone's instances are active, as Pacemaker computes it from the status
 * section: crm_resource --locate on the clone gives every instance's node, and nothing
 * else, in XML (<nodes><node>NAME</node>...). crm_mon's XML would hold the same inside
 * the whole cluster's status, in a schema whose role names changed between releases. */
static gboolean locate(quiesce *q, char **why)
{
    const char *argv[] = {"crm_resource", "--locate",        "--resource",
                          q->clone,       "--output-as=xml", NULL};
    g_autoptr(lh_pcmk_doc) doc = run_xml_tool(q, argv, why);
    g_auto(GStrv) names = doc != NULL ? lh_pcmk_doc_nodes(doc) : NULL;

    if (doc != NULL && names == NULL) {
        *why = g_strdup_printf("crm_resource --locate --resource %s printed no <nodes>", q->clone);
    }
    for (guint i = 0; names != NULL && names[i] != NULL; i++) {
        node_state *s = g_new0(node_state, 1);

        s->name = g_strdup(names[i]);
        g_ptr_array_add(q->nodes, s);
    }
    if (names != NULL && q->nodes->len == 0) {
        *why = g_strdup_printf("no instance of %s is active: there is no node to ask", q->clone);
    }
    return names != NULL && q->nodes->len > 0;
}

/* ---- 4. the request -------------------------------------------------------------- */

/* lhost/attr.h's calls, with lhost's environment and a deadline of their own. */
static lh_op tool_op(const quiesce *q, gint64 timeout_ms)
{
    lh_op op = {0};

    op.envp = q->envp;
    op.deadline = lh_deadline_in_ms(timeout_ms);
    return op;
}

static gboolean send_request(const quiesce *q, char **why)
{
    g_autofree char *name = g_strconcat(q->primitive, "-quiesce", NULL);
    g_autofree char *value = g_strdup_printf("%s %s", q->verb, q->id);
    g_autoptr(GString) reached = g_string_new(NULL);

    for (guint i = 0; i < q->nodes->len; i++) {
        const node_state *n = g_ptr_array_index(q->nodes, i);
        lh_op op = tool_op(q, TOOL_TIMEOUT_MS);
        g_autofree char *failed = NULL;

        if (!lh_attr_set(&op, name, value, n->name, LH_ATTR_REBOOT, &failed)) {
            *why = g_strdup_printf("the request did not reach %s (%s)%s%s", n->name, failed,
                                   reached->len > 0 ? "; it reached" : "", reached->str);
            return FALSE;
        }
        g_string_append_printf(reached, " %s", n->name);
    }
    return TRUE;
}

/* ---- 5. the answers -------------------------------------------------------------- */

/* @value as this request's answer: an answer only when it starts with this ID. */
static answer read_answer(const quiesce *q, const char *value, char **detail)
{
    g_auto(GStrv) word = g_strsplit(value != NULL ? value : "", " ", 3);

    if (word[0] == NULL || strcmp(word[0], q->id) != 0) {
        return ANSWER_NONE; /* none yet, or stale: another request's */
    }
    if (g_strcmp0(word[1], q->done) == 0 && word[2] == NULL) {
        return ANSWER_DONE;
    }
    if (g_strcmp0(word[1], "pending") == 0) {
        *detail = g_strdelimit(g_strdup(word[2] != NULL ? word[2] : ""), ",", ' ');
        return ANSWER_PENDING;
    }
    *detail = g_strcmp0(word[1], "failed") == 0 && word[2] != NULL
                  ? g_strdup(word[2])
                  : g_strdup_printf("unexpected answer \"%s\"", value);
    g_strdelimit(*detail, "\r\n", ' '); /* one line per node */
    return ANSWER_FAILED;
}

static char *node_line(const quiesce *q, const node_state *n)
{
    switch (n->answer) {
    case ANSWER_DONE:
        return g_strdup_printf("%s %s", n->name, q->done);
    case ANSWER_PENDING:
        return g_strdup_printf("%s pending%s%s", n->name, *n->detail != '\0' ? " " : "", n->detail);
    case ANSWER_FAILED:
        return g_strdup_printf("%s failed %s", n->name, n->detail);
    case ANSWER_NONE:
    default:
        return g_strdup_printf("%s no answer", n->name);
    }
}

static void set_answer(const quiesce *q, node_state *n, const char *value)
{
    g_autofree char *detail = NULL;
    answer a = read_answer(q, value, &detail);

    if (a != n->answer || g_strcmp0(detail, n->detail) != 0) {
        g_autofree char *line = NULL;

        n->answer = a;
        g_free(n->detail);
        n->detail = g_steal_pointer(&detail);
        line = node_line(q, n);
        progress(q, "%s (after %.1f s)", line,
                 (double)(g_get_monotonic_time() - q->started_us) / 1e6);
    }
}

/* One look at the answers. FALSE with *why when attrd could not be asked. */
static gboolean poll_answers(const quiesce *q, char **why)
{
    g_autofree char *name = g_strconcat(q->primitive, "-quiesce-state", NULL);
    lh_op op = tool_op(q, POLL_TOOL_TIMEOUT_MS);
    g_autoptr(GHashTable) values = NULL;

    if (!lh_attr_get_all(&op, name, &values, why)) {
        return FALSE;
    }
    for (guint i = 0; i < q->nodes->len; i++) {
        node_state *n = g_ptr_array_index(q->nodes, i);

        set_answer(q, n, g_hash_table_lookup(values, n->name));
    }
    return TRUE;
}

static gboolean all_final(const quiesce *q)
{
    for (guint i = 0; i < q->nodes->len; i++) {
        answer a = ((const node_state *)g_ptr_array_index(q->nodes, i))->answer;

        if (a == ANSWER_NONE || a == ANSWER_PENDING) {
            return FALSE;
        }
    }
    return TRUE;
}

/* Polls until every node answered for good or the timeout passed. FALSE with *why
 * when the last look could not be taken. */
static gboolean wait_answers(const quiesce *q, char **why)
{
    lh_deadline deadline = lh_deadline_in_ms(q->timeout_s * 1000);
    g_autofree char *told = NULL;

    for (;;) {
        g_clear_pointer(why, g_free);
        if (poll_answers(q, why) && all_final(q)) {
            return TRUE;
        }
        if (*why != NULL && g_strcmp0(*why, told) != 0) {
            progress(q, "cannot read the answers yet: %s", *why);
            g_free(told);
            told = g_strdup(*why);
        }
        if (lh_deadline_passed(deadline)) {
            return *why == NULL;
        }
        g_usleep((gulong)lh_deadline_clamp_ms(deadline, POLL_MS) * 1000);
    }
}

static lhost_quiesce_code outcome(const quiesce *q)
{
    gboolean seen[ANSWER_FAILED + 1] = {FALSE};

    for (guint i = 0; i < q->nodes->len; i++) {
        seen[((const node_state *)g_ptr_array_index(q->nodes, i))->answer] = TRUE;
    }
    return seen[ANSWER_FAILED]    ? LHOST_QUIESCE_ERROR
           : seen[ANSWER_NONE]    ? LHOST_QUIESCE_NO_ANSWER
           : seen[ANSWER_PENDING] ? LHOST_QUIESCE_PENDING
                                  : LHOST_QUIESCE_DONE;
}

/* ---- the command ----------------------------------------------------------------- */

/* The timeout: --timeout, else twice the longest recurring monitor plus a margin
 * (every instance acts at its next monitor, which may be late by up to an interval). */
static gboolean choose_timeout(quiesce *q, char **why)
{
    if (q->timeout_s > 0) {
        return TRUE;
    }
    if (q->monitor_ms <= 0) {
        *why = g_strdup_printf("%s has no recurring monitor in the CIB that lhost can read: an "
                               "instance acts at its next monitor; give --timeout", q->primitive);
        return FALSE;
    }
    q->timeout_s = (2 * q->monitor_ms + 999) / 1000 + TIMEOUT_MARGIN_S;
    return TRUE;
}

static int report(const quiesce *q, gboolean answered, const char *why)
{
    lhost_quiesce_code code = outcome(q);

    for (guint i = 0; i < q->nodes->len; i++) {
        g_autofree char *line = node_line(q, g_ptr_array_index(q->nodes, i));

        printf("%s\n", line);
    }
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "lhost %s: cannot write to standard output\n", q->verb);
        return LHOST_QUIESCE_ERROR;
    }
    if (!answered && code != LHOST_QUIESCE_DONE) {
        fprintf(stderr, "lhost %s: %s: cannot read the answers: %s\n", q->verb, q->clone, why);
        return LHOST_QUIESCE_ERROR;
    }
    if (code != LHOST_QUIESCE_DONE) {
        fprintf(stderr, "lhost %s: %s: %s\n", q->verb, q->clone,
                code == LHOST_QUIESCE_ERROR ? "a node could not (see its line)"
                : code == LHOST_QUIESCE_NO_ANSWER
                    ? "the timeout passed with a node not answering"
                    : "the timeout passed with a node still pending");
    }
    return code;
}

static int run(quiesce *q)
{
    g_autofree char *why = NULL;
    gboolean answered;

    if (!read_cib(q, &why) || !check_agent(q, &why) || !choose_timeout(q, &why) ||
        !locate(q, &why)) {
        fprintf(stderr, "lhost %s: %s\n", q->verb, why);
        return LHOST_QUIESCE_ERROR;
    }
    q->id = g_strdup_printf("%c%" G_GINT64_FORMAT "-%d", q->verb[0], g_get_real_time() / 1000,
                            (int)getpid());
    q->started_us = g_get_monotonic_time();
    progress(q, "%s (%s, clone %s): request \"%s %s\" to %u node%s; waiting up to %" G_GINT64_FORMAT
             " s", q->primitive, q->agent, q->clone, q->verb, q->id, q->nodes->len,
             q->nodes->len == 1 ? "" : "s", q->timeout_s);
    if (!send_request(q, &why)) {
        fprintf(stderr, "lhost %s: %s\n", q->verb, why);
        return LHOST_QUIESCE_ERROR;
    }
    answered = wait_answers(q, &why);
    return report(q, answered, why);
}

static const char description[] =
    "Exit: 0 every node answered; 1 error (no such resource, not in a clone, an agent\n"
    "without quiesce, no cluster) or a node answered failed; 2 usage; 3 the timeout\n"
    "passed with a node pending; 4 the timeout passed with a node not answering.\n"
    "Default timeout: twice the resource's longest recurring monitor interval in the\n"
    "CIB, plus 10 s (32 s for monitors of 10 s and 11 s). See lhost(8).";

static gboolean parse_timeout(const char *text, gint64 *timeout_s, const char *verb)
{
    guint64 value = 0;

    if (text == NULL) {
        return TRUE;
    }
    if (!g_ascii_string_to_unsigned(text, 10, 1, TIMEOUT_MAX_S, &value, NULL)) {
        fprintf(stderr, "lhost %s: --timeout %s: not a number of seconds from 1 to %d\n", verb,
                text, TIMEOUT_MAX_S);
        return FALSE;
    }
    *timeout_s = (gint64)value;
    return TRUE;
}

static gboolean parse_args(int *argc, char ***argv, quiesce *q)
{
    g_autofree char *timeout = NULL;
    const GOptionEntry entries[] = {
        {"timeout", 't', 0, G_OPTION_ARG_STRING, &timeout,
         "How long to wait for the answers (default: from the monitor intervals)", "SECONDS"},
        {"verbose", 'v', 0, G_OPTION_ARG_NONE, &q->progress,
         "Report progress on stderr even when not on a terminal", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    g_autoptr(GOptionContext) context = g_option_context_new("RESOURCE");
    g_autoptr(GError) error = NULL;

    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_summary(context, strcmp(q->verb, "quiesce") == 0
        ? "Quiesce every instance of a cloned resource (through node attributes) and wait."
        : "Resume every instance of a cloned resource (through node attributes) and wait.");
    g_option_context_set_description(context, description);
    if (!g_option_context_parse(context, argc, argv, &error)) {
        fprintf(stderr, "lhost %s: %s\n", q->verb, error->message);
        return FALSE;
    }
    if (*argc != 2) {
        fprintf(stderr, "lhost %s: %s\n", q->verb, *argc < 2 ? "no RESOURCE" : "one RESOURCE only");
        return FALSE;
    }
    q->resource = (*argv)[1];
    return parse_timeout(timeout, &q->timeout_s, q->verb);
}

int lhost_quiesce_main(int argc, char **argv)
{
    quiesce q = {0};
    int code;

    q.verb = strcmp(argv[0], "resume") == 0 ? "resume" : "quiesce";
    q.done = strcmp(q.verb, "resume") == 0 ? "resumed" : "quiesced";
    g_set_prgname(strcmp(q.verb, "resume") == 0 ? "lhost resume" : "lhost quiesce");
    if (!parse_args(&argc, &argv, &q)) {
        fprintf(stderr, "usage: lhost %s RESOURCE [--timeout SECONDS] [--verbose]\n", q.verb);
        return LHOST_QUIESCE_USAGE;
    }
    q.progress = q.progress || isatty(STDERR_FILENO);
    q.envp = g_get_environ();
    q.nodes = g_ptr_array_new_with_free_func(node_state_free);
    code = run(&q);
    g_strfreev(q.envp);
    g_ptr_array_unref(q.nodes);
    g_free(q.primitive);
    g_free(q.clone);
    g_free(q.agent);
    g_free(q.id);
    return code;
}
