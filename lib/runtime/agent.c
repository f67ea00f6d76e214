/* agent.c - lh_agent_main(): from argv and the OCF environment to an exit code.
 *
 * The one place where a result becomes the `ocf-exit-reason:` line and the exit
 * status. Everything an agent action sees is prepared here: the parsed parameters,
 * the deadline, probe detection, and whether a person is watching.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <lhost/codemap.h>
#include <lhost/inflight.h>
#include <lhost/journal.h>
#include <lhost/log.h>
#include <lhost/notify.h>
#include <lhost/ocf.h>
#include <lhost/run.h>
#include <lhost/watchrec.h>


typedef struct invocation {
    const char *action;
    GHashTable *overrides; /* parameter name -> value from --options */
    gboolean verbose;
    gboolean help;
    gboolean man;
} invocation;

void lh_op_explain(const lh_op *op, const char *fmt, ...)
{
    g_autofree char *text = NULL;
    va_list ap;

    va_start(ap, fmt);
    text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (op->interactive) {
        fprintf(stderr, "%s %s: %s\n", op->agent->name, op->action, text);
    } else {
        lh_debug("%s", text);
    }
}

static const lh_param *find_param(const lh_agent *agent, const char *name)
{
    for (size_t i = 0; i < agent->n_params; i++) {
        if (strcmp(agent->params[i].name, name) == 0) {
            return &agent->params[i];
        }
    }
    return NULL;
}

/* --logical-host lhA, --logical-host=lhA, or --logical_host lhA. */
static gboolean parse_option(const lh_agent *agent, invocation *inv, int argc, char **argv,
                             int *i, char **reason)
{
    /* The option as given, for messages: once its value is taken, *i points there
     * (and argv[*i] + 2 would be past the end of a value shorter than two bytes). */
    const char *option = argv[*i] + 2;
    g_autofree char *name = g_strdup(option);
    char *equals = strchr(name, '=');
    const char *value;

    if (equals != NULL) {
        *equals = '\0';
        value = option + (equals - name) + 1;
    } else if (*i + 1 < argc) {
        value = argv[++*i];
    } else {
        *reason = g_strdup_printf("option --%s needs a value", name);
        return FALSE;
    }
    g_strdelimit(name, "-", '_');
    if (find_param(agent, name) == NULL) {
        *reason = g_strdup_printf("unknown option --%s (see --help)", option);
        return FALSE;
    }
    g_hash_table_insert(inv->overrides, g_strdup(name), g_strdup(value));
    return TRUE;
}

static gboolean parse_command_line(const lh_agent *agent, int argc, char **argv,
                                   invocation *inv, char **reason)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];

        if (strcmp(arg, "--help") == 0 || strcmp(arg, "help") == 0 || strcmp(arg, "usage") == 0) {
            inv->help = TRUE;
        } else if (strcmp(arg, "--man") == 0) {
            inv->man = TRUE;
        } else if (strcmp(arg, "--verbose") == 0 || strcmp(arg, "-v") == 0) {
            inv->verbose = TRUE;
        } else if (g_str_has_prefix(arg, "--")) {
            if (!parse_option(agent, inv, argc, argv, &i, reason)) {
                return FALSE;
            }
        } else if (inv->action == NULL) {
            inv->action = arg;
        } else {
            *reason = g_strdup_printf("unexpected argument '%s' (see --help)", arg);
            return FALSE;
        }
    }
    return TRUE;
}

static const lh_action *find_action(const lh_agent *agent, const char *name)
{
    for (const lh_action *a = agent->actions; a->name != NULL; a++) {
        if (strcmp(a->name, name) == 0) {
            return a;
        }
    }
    return NULL;
}

static guint parse_interval_ms(const char *text)
{
    guint64 value = 0;

    if (text == NULL || !g_ascii_string_to_unsigned(text, 10, 0, G_MAXUINT, &value, NULL)) {
        return 0;
    }
    return (guint)value;
}

/* Syslog tag in resource-agents' form: jp1base(rsc_id)[pid]. */
static void open_log(const lh_op *op)
{
    g_autofree char *tag = g_strdup_printf("%s(%s)", op->agent->name, op->resource);

    lh_log_open(tag, op->interactive);
}

/* Prepares the operation: who, what, until when. */
static void init_op(lh_op *op, const lh_agent *agent, const char *action, guint timeout_s,
                    gboolean verbose)
{
    const char *instance = getenv("OCF_RESOURCE_INSTANCE");
    g_autofree char *note = NULL;

    op->agent = agent;
    op->action = action;
    op->resource = instance != NULL && *instance != '\0' ? instance : agent->name;
    op->interactive = verbose || isatty(STDERR_FILENO);
    op->interval_ms = parse_interval_ms(getenv("OCF_RESKEY_CRM_meta_interval"));
    /* OCF: a probe is a monitor with interval 0; by hand the variable is unset. */
    op->probe = strcmp(action, "monitor") == 0 && op->interval_ms == 0;
    op->envp = environ;
    op->role = lh_ocf_role_parse(getenv("OCF_RESKEY_CRM_meta_role"));
    /* Parsed once, here: a notify action reads op->notify, never the environment. */
    op->notify = strcmp(action, "notify") == 0 ? lh_notify_parse(op->envp) : NULL;
    /* The log opens before the first thing worth logging: a warning given before
     * it would go nowhere. */
    open_log(op);
    op->deadline = lh_deadline_for_operation(getenv("OCF_RESKEY_CRM_meta_timeout"),
                                             timeout_s, &note);
    if (note != NULL) {
        lh_warn("%s", note);
    }
}

/* The one place that turns a result into the exit reason and the exit status. */
static int finish(const lh_op *op, lh_result *result)
{
    int code = (int)result->code;

    /* A promoted instance that failed is what the cluster recovers from: it says why
     * even when the action forgot to. (OCF_RUNNING_PROMOTED is no failure: no reason.) */
    if (result->code == LH_OCF_FAILED_PROMOTED && result->reason == NULL) {
        result->reason = g_strdup_printf("%s: %s", op->action, lh_ocf_code_text(code));
    }
    if (result->reason != NULL) {
        if (code == LH_OCF_DEGRADED || code == LH_OCF_DEGRADED_PROMOTED) {
            lh_warn("%s: %s", op->action, result->reason);
        } else if (!lh_ocf_code_is_failure(code)) {
            lh_info("%s: %s", op->action, result->reason);
        } else {
            lh_err("%s failed: %s", op->action, result->reason);
        }
        fprintf(stderr, "ocf-exit-reason:%s\n", result->reason);
    }
    if (op->interactive) {
        fprintf(stderr, "%s %s: => %s (%d): %s\n", op->agent->name, op->action,
                lh_ocf_code_name(code), code, lh_ocf_code_text(code));
    }
    lh_result_clear(result);
    lh_log_close();
    return code;
}

/* Parameters that do not parse: a stop has nothing to do (no start with these
 * parameters can have succeeded, and a failed stop would get the node fenced);
 * every other action reports OCF_ERR_CONFIGURED. */
static lh_result reject_parameters(const lh_op *op, char *problems)
{
    lh_result result;

    if (strcmp(op->action, "stop") == 0) {
        result = lh_result_new(LH_OCF_SUCCESS, "nothing to stop: %s", problems);
    } else {
        result = lh_result_new(LH_OCF_ERR_CONFIGURED, "%s", problems);
    }
    g_free(problems);
    return result;
}

static guint action_timeout_s(const lh_action *action, const char *name)
{
    if (action != NULL) {
        return action->timeout_s;
    }
    return strcmp(name, "validate-all") == 0 ? LH_VALIDATE_TIMEOUT_S : LH_META_DATA_TIMEOUT_S;
}

/* The watcher's record (lhost/watchrec.h) is removed before any action but a
 * monitor acts, so that nothing the action ends on purpose is reported as a failure. */
static gboolean changes_processes(const lh_op *op, const lh_action *action)
{
    return op->agent->watched != NULL && action != NULL && strcmp(op->action, "monitor") != 0;
}

/* ... and written again once any action but a stop succeeded, for the node Pacemaker
 * names, else (by hand) the node of the record the action removed: a start by hand
 * has no cluster to tell, but an admin's quiesce must not end the watching. */
static void record_watched(lh_op *op, const void *config, const lh_result *result,
                           const char *node_before)
{
    const char *node = getenv("OCF_RESKEY_CRM_meta_on_node");
    GPtrArray *procs;

    if (node == NULL || *node == '\0') {
        node = node_before;
    }
    if (result->code != LH_OCF_SUCCESS || node == NULL || *node == '\0' ||
        strcmp(op->action, "stop") == 0) {
        return;
    }
    procs = op->agent->watched(op, config);
    lh_watchrec_after_action(op->agent->name, op->resource, node, procs);
    if (procs != NULL) {
        g_ptr_array_unref(procs);
    }
}

/* Runs a parsed action: parameters, then the agent's own checks, then the action. */
static lh_result run_action(lh_op *op, const lh_action *action, GHashTable *overrides)
{
    g_autofree void *config = g_malloc0(op->agent->config_size);
    char *problems = NULL;
    /* validate-all at OCF_CHECK_LEVEL 0 checks the parameters only, not this node. */
    gboolean validate = action == NULL ? g_strcmp0(getenv("OCF_CHECK_LEVEL"), "0") != 0
                                       : strcmp(op->action, "start") == 0;
    lh_result result = LH_RESULT_OK;
    g_autofree char *watched_node = NULL;

    if (changes_processes(op, action)) {
        watched_node = lh_watchrec_before_action(op->agent->name, op->resource);
    }
    if (!lh_params_parse(op->agent->params, op->agent->n_params, overrides, config, &problems)) {
        return reject_parameters(op, problems);
    }
    if (validate && op->agent->validate != NULL) {
        result = op->agent->validate(op, config);
    }
    if (result.code == LH_OCF_SUCCESS && action != NULL) {
        lh_result_clear(&result);
        result = action->run(op, config);
        if (changes_processes(op, action)) {
            record_watched(op, config, &result, watched_node);
        }
    }
    return result;
}

/* Before an action that changes something, the commands a killed agent of this
 * resource left running are ended (lhost/inflight.h), and this action's own are
 * recorded. A monitor does neither: its commands are short, bounded by its own
 * deadline, and it must stay cheap. */
static void end_orphans(const lh_op *op, const lh_action *action)
{
    g_autoptr(GString) report = g_string_new(NULL);

    if (action == NULL || strcmp(op->action, "monitor") == 0) {
        return;
    }
    lh_inflight_open(NULL, op->agent->name, op->resource);
    if (lh_inflight_reap(LH_RUN_GRACE_DEFAULT_MS, report) > 0) {
        lh_warn("%s", report->str);
        lh_op_explain(op, "%s", report->str);
    }
}

/* Runs the action between the journal's begin and end (lhost/journal.h): every action
 * that ran, validate-all included, leaves its records; documents and usage errors,
 * which run nothing, leave none. */
static lh_result run_journaled(lh_op *op, const lh_action *action, GHashTable *overrides)
{
    gint64 started_us;
    lh_result result;

    lh_journal_begin(op->agent->name, op->resource, op->action);
    started_us = g_get_monotonic_time();
    result = run_action(op, action, overrides);
    lh_journal_end((int)result.code, result.reason,
                   (g_get_monotonic_time() - started_us) / 1000);
    return result;
}

/* --man, --help, meta-data, or no action at all (usage on stderr, OCF_ERR_ARGS). */
static int print_document(const lh_agent *agent, const invocation *inv)
{
    g_autofree char *text = NULL;

    if (inv->man) {
        text = lh_agent_manpage(agent);
    } else if (inv->help || inv->action == NULL) {
        text = lh_agent_usage(agent);
    } else {
        text = lh_agent_metadata(agent);
    }
    if (inv->action == NULL && !inv->help && !inv->man) {
        fputs(text, stderr);
        return LH_OCF_ERR_ARGS;
    }
    /* The document is the whole answer (Pacemaker reads meta-data from a pipe): one
     * that could not be written (a full disk, a closed pipe) must not pass for
     * success. fputs only fills the buffer; the flush is the write. */
    if (fputs(text, stdout) == EOF || fflush(stdout) != 0) {
        fprintf(stderr, "%s: cannot write to standard output: %s\n", agent->name,
                g_strerror(errno));
        return LH_OCF_ERR_GENERIC;
    }
    return LH_OCF_SUCCESS;
}

int lh_agent_main(const lh_agent *agent, int argc, char **argv)
{
    invocation inv = {NULL, g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free),
                      FALSE, FALSE, FALSE};
    const lh_action *action = NULL;
    char *reason = NULL;
    lh_op op = {0};
    lh_result result;
    int code;

    if (!parse_command_line(agent, argc, argv, &inv, &reason)) {
        fprintf(stderr, "%s: %s\n", agent->name, reason);
        g_free(reason);
        code = LH_OCF_ERR_ARGS;
        goto done;
    }
    if (inv.man || inv.help || inv.action == NULL || strcmp(inv.action, "meta-data") == 0) {
        code = print_document(agent, &inv);
        goto done;
    }
    action = find_action(agent, inv.action);
    if (action == NULL && strcmp(inv.action, "validate-all") != 0) {
        fprintf(stderr, "%s: unsupported action '%s' (see --help)\n", agent->name, inv.action);
        code = LH_OCF_ERR_UNIMPLEMENTED;
        goto done;
    }
    init_op(&op, agent, inv.action, action_timeout_s(action, inv.action), inv.verbose);
    end_orphans(&op, action);
    result = run_journaled(&op, action, inv.overrides);
    lh_inflight_close();
    code = finish(&op, &result);
    lh_notify_free(op.notify);
done:
    g_hash_table_unref(inv.overrides);
    return code;
}
