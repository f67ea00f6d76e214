/* lhost/ocf.h - the OCF agent runtime: exit codes, results, parameters, actions.
 *
 * An agent is data plus a few functions. It declares:
 *   - its parameters once, as a table of lh_param rows (name, type, default,
 *     flags, validator, and the offset of the field that receives the value in the
 *     agent's own config struct);
 *   - its actions as a table of lh_action rows (name, function, default timeout);
 *     a promotable agent (lh_agent.promotable) adds promote, demote and, to hear
 *     about its peers, notify rows, and its monitor answers for both roles;
 *   - an lh_agent descriptor tying both together,
 * and its main() is one call: `return lh_agent_main(&jp1base_agent, argc, argv);`.
 *
 * From the tables the runtime derives everything OCF asks for: parsing of
 * OCF_RESKEY_* (or of --option values when run by hand), validate-all, OCF 1.1
 * meta-data, the man page and --help. An action receives the running operation
 * (lh_op: deadline, probe or not, who to explain to) and the parsed config, and
 * returns an lh_result; only lh_agent_main() turns that result into the
 * `ocf-exit-reason:` line and the process exit status.
 *
 * Four value spaces are never mixed: a C function's return (gboolean), a command's
 * exit status (lh_run_result), an OCF exit code (lh_ocf_code), and whether an
 * action ran at all (lh_run_end).
 */
#ifndef LHOST_OCF_H
#define LHOST_OCF_H

#include <glib.h>
#include <stddef.h>

#include <lhost/deadline.h>
#include <lhost/notify.h>

G_BEGIN_DECLS

/* OCF Resource Agent API 1.1 exit codes, defined here and nowhere else. */
typedef enum lh_ocf_code {
    LH_OCF_SUCCESS = 0,
    LH_OCF_ERR_GENERIC = 1,
    LH_OCF_ERR_ARGS = 2,
    LH_OCF_ERR_UNIMPLEMENTED = 3,
    LH_OCF_ERR_PERM = 4,
    LH_OCF_ERR_INSTALLED = 5,
    LH_OCF_ERR_CONFIGURED = 6,
    LH_OCF_NOT_RUNNING = 7,
    LH_OCF_RUNNING_PROMOTED = 8,
    LH_OCF_FAILED_PROMOTED = 9,
    LH_OCF_DEGRADED = 190,
    LH_OCF_DEGRADED_PROMOTED = 191,
} lh_ocf_code;

/* "OCF_SUCCESS", ... ; "OCF_UNKNOWN" for a value that is not an OCF code. */
const char *lh_ocf_code_name(int code);
/* A short human description: "not running", "not installed", ... */
const char *lh_ocf_code_text(int code);
/* TRUE for the codes that report a fault (everything but success, not running,
 * running promoted and the two degraded codes): an exit reason should say why.
 * OCF_RUNNING_PROMOTED is the truth of a healthy promoted instance, not an error;
 * OCF_FAILED_PROMOTED is one, and lh_agent_main() gives it a reason if it has none. */
gboolean lh_ocf_code_is_failure(int code);

/* What an action returns: an OCF code and, for failures, why (owned, may be NULL). */
typedef struct lh_result {
    lh_ocf_code code;
    char *reason;
} lh_result;

#define LH_RESULT_OK ((lh_result){LH_OCF_SUCCESS, NULL})

lh_result lh_result_new(lh_ocf_code code, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
void lh_result_clear(lh_result *result);

/* ---- parameters ---------------------------------------------------------- */

typedef enum lh_param_type {
    LH_PARAM_STRING,  /* field: const char *  */
    LH_PARAM_INTEGER, /* field: int           */
    LH_PARAM_BOOLEAN, /* field: gboolean      */
    LH_PARAM_SELECT,  /* field: const char *, one of lh_param.choices */
} lh_param_type;

enum {
    LH_PARAM_REQUIRED = 1U << 0,
    LH_PARAM_UNIQUE = 1U << 1,
    LH_PARAM_RELOADABLE = 1U << 2,
    /* An empty value is a value (it turns something off), not "unset": for a
     * parameter whose default does something, empty is how to say "nothing". */
    LH_PARAM_EMPTY_IS_VALUE = 1U << 3,
};

/* A validator for one value; on rejection it sets *reason (the caller's to free). */
typedef gboolean (*lh_param_check)(const char *value, char **reason);

typedef struct lh_param {
    const char *name;
    lh_param_type type;
    unsigned flags;
    const char *default_value; /* NULL: no default */
    const char *choices;       /* SELECT only: "a|b|c" */
    int min, max;              /* INTEGER only: inclusive bounds */
    lh_param_check check;      /* NULL: type checks only */
    size_t offset;             /* offsetof(agent config, field) */
    const char *shortdesc;
    const char *longdesc;
} lh_param;

/* Validators shared by all agents. */
gboolean lh_check_absolute_path(const char *value, char **reason);
gboolean lh_check_host_name(const char *value, char **reason);

/* Parses every parameter of @params (n rows) into @config from, in order of
 * precedence, @overrides (name -> value, e.g. from --options; may be NULL), then
 * OCF_RESKEY_<name>, then the default. Reports every problem, not just the first:
 * returns FALSE and sets *reason to all of them joined with "; ". */
gboolean lh_params_parse(const lh_param *params, size_t n, GHashTable *overrides,
                         void *config, char **reason);

/* ---- the running operation ---------------------------------------------- */

/* The role a monitor checks, from OCF_RESKEY_CRM_meta_role: a promotable clone's
 * recurring monitors run one per role (probes and other actions carry none). */
typedef enum lh_ocf_role {
    LH_OCF_ROLE_NONE,       /* unset, or a value that is neither of the two */
    LH_OCF_ROLE_UNPROMOTED, /* "Unpromoted", or the deprecated "Slave" */
    LH_OCF_ROLE_PROMOTED,   /* "Promoted", or the deprecated "Master" */
} lh_ocf_role;

/* The role a value of OCF_RESKEY_CRM_meta_role names (NULL: LH_OCF_ROLE_NONE). */
lh_ocf_role lh_ocf_role_parse(const char *text);
/* "Promoted", "Unpromoted", "none". */
const char *lh_ocf_role_name(lh_ocf_role role);

typedef struct lh_agent lh_agent;

typedef struct lh_op {
    const lh_agent *agent;
    const char *action;     /* "start", "monitor", ... */
    const char *resource;   /* OCF_RESOURCE_INSTANCE, or the agent name by hand */
    lh_deadline deadline;   /* every wait of the action ends by then */
    guint interval_ms;      /* OCF_RESKEY_CRM_meta_interval */
    gboolean probe;         /* a monitor with interval 0 or unset */
    gboolean interactive;   /* run by hand: explain each step on stderr */
    char **envp;            /* the environment commands run with */
    lh_ocf_role role;       /* OCF_RESKEY_CRM_meta_role: the role a monitor checks */
    lh_notify *notify;      /* notify action only (else NULL): the parsed
                             * OCF_RESKEY_CRM_meta_notify_*; owned by the runtime */
} lh_op;

/* By hand (a terminal, or --verbose): one line on stderr saying what was done,
 * what it returned and what follows. Silent under the cluster. */
void lh_op_explain(const lh_op *op, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* ---- actions and the agent ---------------------------------------------- */

typedef lh_result (*lh_action_fn)(lh_op *op, const void *config);

typedef struct lh_action {
    const char *name;
    lh_action_fn run;
    guint timeout_s;  /* the default timeout advertised in meta-data */
    guint interval_s; /* recommended interval (monitor), 0 otherwise */
} lh_action;

typedef struct lh_codemap lh_codemap;

struct lh_agent {
    const char *name; /* the executable and OCF type: "jp1base" */
    const char *version;
    const char *shortdesc;
    const char *longdesc;
    const lh_param *params;
    size_t n_params;
    size_t config_size;
    const lh_action *actions; /* start, stop, monitor, ...; ends with {NULL} */
    /* Checks beyond the parameter table (commands installed, ...), used by
     * validate-all and before start. NULL: none. */
    lh_action_fn validate;
    const lh_codemap *const *codemaps; /* for the man page and --help; NULL-ended */
    const char *man_notes;             /* extra man page text (roff), may be NULL */
    /* A promotable clone's agent: its meta-data advertises the monitor twice, in
     * the Promoted role at the monitor row's interval and in the Unpromoted role
     * one second later (OCF wants distinct intervals); the action table then has
     * promote and demote rows (and notify, for notify=true clones). Its monitor
     * returns OCF_RUNNING_PROMOTED or OCF_FAILED_PROMOTED for a promoted instance,
     * and it sets its promotion score with lh_attr_set_promotion_score(). */
    gboolean promotable;
    /* The product processes whose death is a failure of this resource, as they run
     * now (lhost/watchrec.h): a GPtrArray of lh_proc * (lhost/proc.h), empty when
     * none is found. lh_agent_main() calls it after any successful action but a
     * stop (and a monitor) under Pacemaker, and the watcher (ocf:lhost:watch) reports
     * their death at once. NULL: nothing to watch. */
    GPtrArray *(*watched)(lh_op *op, const void *config);
};

/* Runs the agent: argv[1] is the action (or --help / --man), options may follow.
 * Returns the process exit status. */
int lh_agent_main(const lh_agent *agent, int argc, char **argv);

/* The OCF 1.1 meta-data document (the caller's to free). */
char *lh_agent_metadata(const lh_agent *agent);
/* The man page, in roff (the caller's to free). */
char *lh_agent_manpage(const lh_agent *agent);
/* --help: usage, parameters with their defaults, code maps (the caller's to free). */
char *lh_agent_usage(const lh_agent *agent);

/* Defaults for meta-data and validate-all, which every agent has; unsigned, as
 * lh_action.timeout_s is. */
#define LH_META_DATA_TIMEOUT_S 5U
#define LH_VALIDATE_TIMEOUT_S 20U

G_END_DECLS

#endif
