/* ajs3 - OCF resource agent for Hitachi JP1/AJS3 - Manager on a logical host.
 *
 * "Running" means: jajs_spmd_status -h LOGICAL_HOST returns 0 AND each scheduler
 * service listed in scheduler_services answers running to the scheduler-service
 * check (SCHEDULER_STATUS_CMD -F SERVICE, with JP1_HOSTNAME=LOGICAL_HOST). The
 * second check is the point of this agent: the AJS3 manual (AJSJ0121) warns that
 * when a scheduler service ends abnormally on its own, AJS3 keeps waiting for
 * commands and jajs_spmd_status still says "running". The scheduler service also
 * restarts itself after such an end (with a new pid), so a failed check is retried
 * within the status retry budget before it is a failure.
 *
 * Start requires the shared directory and a running JP1/Base of the same logical
 * host, runs jajs_start.cluster and polls both checks; stop runs jajs_stop.cluster,
 * then always jajs_killall.cluster, and verifies with both. The logic is the
 * library's (lhost/clustercmd.h, through agents/jp1.h); this file is the AJS3
 * contract as data: PRODUCTS.md section 1, "JP1/AJS3 - Manager".
 */
#include "config.h"

#include <string.h>

#include <lhost/clustercmd.h>
#include <lhost/ocf.h>

#include "jp1.h"

/* AJS3's cluster commands take a logical host name of 1 to 63 bytes (AJSO0152). */
#define AJS3_HOST_MAX 63
/* jajs_spmd_status -t 0 means 60 s (AJSO0149): the agent passes 60, never 0. */
#define AJS3_STATUS_TIMEOUT_ZERO_S 60
/* A scheduler service name is 1 to 30 bytes (AJSO0132); more than a few services
 * per logical host is not a configuration anyone runs. */
#define AJS3_SERVICE_MAX 30
#define AJS3_SERVICES_MAX 16

typedef struct ajs3_config {
    jp1_common common;
    const char *base_status_cmd;
    const char *scheduler_status_cmd; /* empty: the scheduler-service check is off */
    const char *scheduler_services;   /* space-separated */
} ajs3_config;

#define FIELD(f) offsetof(ajs3_config, f)

static gboolean ajs3_check_services(const char *value, char **reason);
static gboolean ajs3_check_optional_path(const char *value, char **reason);

static const lh_param ajs3_params[] = {
    JP1_COMMON_PARAMS(ajs3_config, "JP1/AJS3 - Manager", "/etc/opt/jp1ajs2/jajs_start.cluster",
                      "/etc/opt/jp1ajs2/jajs_stop.cluster",
                      "/etc/opt/jp1ajs2/jajs_killall.cluster", "/opt/jp1ajs2/bin/jajs_spmd_status"),
    {"base_status_cmd", LH_PARAM_STRING, 0, "/opt/jp1base/bin/jbs_spmd_status", NULL, 0, 0,
     lh_check_absolute_path, FIELD(base_status_cmd), "JP1/Base status command",
     "JP1/Base's status command, run at start to check that JP1/Base of the same logical "
     "host is running: JP1/AJS3 - Manager starts only after it."},
    {"scheduler_status_cmd", LH_PARAM_STRING, LH_PARAM_EMPTY_IS_VALUE,
     "/opt/jp1ajs2/bin/ajsstatus", NULL, 0, 0, ajs3_check_optional_path, FIELD(scheduler_status_cmd), "scheduler-service status command",
     "The scheduler-service check, run as SCHEDULER_STATUS_CMD -F SERVICE for each service "
     "of scheduler_services, with JP1_HOSTNAME=LOGICAL_HOST in its environment (how JP1 "
     "commands address a logical host). Return code 0 means the service runs; any other "
     "code means it does not, or is restarting itself. Empty turns the check off, leaving "
     "only jajs_spmd_status, which cannot see a scheduler service that ended on its own."},
    {"scheduler_services", LH_PARAM_STRING, 0, "AJSROOT1", NULL, 0, 0, ajs3_check_services,
     FIELD(scheduler_services), "scheduler services to check",
     "The scheduler services of this logical host that must run, separated by spaces (at "
     "most 16 names of 1 to 30 letters, digits or '_'). Each is checked in every monitor "
     "once jajs_spmd_status says running, and start waits until every one runs."},
};

/* jajs_spmd_status return codes (AJSO0149). The family's codes; its 0 may also cover
 * partly started states [guess], which is why start also waits for the scheduler
 * services. rc 1 is what a node without the shared disk answers. */
static const lh_code ajs_spmd_status_codes[] = {
    {0, "running, or partly started [guess]", LH_DECIDE_RUNNING, LH_DECIDE_NONE,
     LH_DECIDE_NONE},
    {1, "error", LH_DECIDE_FAILED, LH_DECIDE_STOPPED, LH_DECIDE_NONE},
    {4, "some processes stopped", LH_DECIDE_PARTIAL, LH_DECIDE_NONE, LH_DECIDE_NONE},
    {8, "all processes stopped", LH_DECIDE_STOPPED, LH_DECIDE_NONE, LH_DECIDE_NONE},
    {12, "retriable error", LH_DECIDE_RETRY, LH_DECIDE_NONE, LH_DECIDE_NONE},
};

static const lh_codemap jajs_spmd_status_map = {"jajs_spmd_status", ajs_spmd_status_codes,
                                                G_N_ELEMENTS(ajs_spmd_status_codes), NULL};

/* The scheduler-service check: only 0 has a meaning anyone documents [guess]. Any
 * other code is a service that is down or restarting itself with a new pid
 * (AJSJ0121): retried in a monitor, waited for in a start, and what a stop wants. */
static const lh_code scheduler_running[] = {
    {0, "the service runs", LH_DECIDE_RUNNING, LH_DECIDE_NONE, LH_DECIDE_NONE},
};
static const lh_code scheduler_not_running = {
    -1, "not running, or restarting [guess]", LH_DECIDE_RETRY,
    LH_DECIDE_STOPPED, LH_DECIDE_STOPPED};

static const lh_codemap scheduler_status_map = {"scheduler-service check", scheduler_running,
                                                G_N_ELEMENTS(scheduler_running),
                                                &scheduler_not_running};

static const lh_codemap *const ajs3_codemaps[] = {&jajs_spmd_status_map, &scheduler_status_map,
                                                  NULL};

static gboolean ajs3_check_optional_path(const char *value, char **reason)
{
    return value[0] == '\0' || lh_check_absolute_path(value, reason);
}

static gboolean service_name_valid(const char *name)
{
    size_t n = strlen(name);

    if (n == 0 || n > AJS3_SERVICE_MAX) {
        return FALSE;
    }
    for (const char *p = name; *p != '\0'; p++) {
        if (!g_ascii_isalnum(*p) && *p != '_') {
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean ajs3_check_services(const char *value, char **reason)
{
    g_auto(GStrv) names = g_strsplit(value, " ", -1);
    guint n = 0;

    for (guint i = 0; names[i] != NULL; i++) {
        if (names[i][0] == '\0') {
            continue; /* several spaces */
        }
        if (!service_name_valid(names[i]) || ++n > AJS3_SERVICES_MAX) {
            *reason = g_strdup_printf("must be at most %d scheduler service names of 1 to %d "
                                      "letters, digits or '_', separated by spaces",
                                      AJS3_SERVICES_MAX, AJS3_SERVICE_MAX);
            return FALSE;
        }
    }
    if (n == 0) {
        *reason = g_strdup("must name at least one scheduler service");
        return FALSE;
    }
    return TRUE;
}

/* JP1/AJS3 as the library drives it: the spmd check, then one check per scheduler
 * service. Initialised in place (it points into itself); released after use. */
typedef struct ajs3_product {
    jp1_common common;          /* the config's, with a status timeout AJS3 reads right */
    jp1_spmd_check spmd;
    char **services;            /* owned */
    char **envp;                /* owned: the operation's, plus JP1_HOSTNAME */
    const char *argv[AJS3_SERVICES_MAX][4];
    char *labels[AJS3_SERVICES_MAX]; /* owned */
    lh_status_cmd checks[1 + AJS3_SERVICES_MAX];
    lh_clustercmd cmd;
} ajs3_product;

static void ajs3_scheduler_check_init(ajs3_product *p, const ajs3_config *c, size_t i,
                                      const char *service)
{
    p->argv[i][0] = c->scheduler_status_cmd;
    p->argv[i][1] = "-F";
    p->argv[i][2] = service;
    p->argv[i][3] = NULL;
    p->labels[i] = g_strdup_printf("the check of scheduler service %s", service);
    p->checks[1 + i] = (lh_status_cmd){
        .argv = p->argv[i],
        .map = &scheduler_status_map,
        .retries = c->common.status_retries,
        .retry_interval_ms = (gint64)c->common.status_retry_interval * 1000,
        .run_timeout_ms = p->spmd.cmd.run_timeout_ms,
        .shared_dir = c->common.shared_dir,
        .label = p->labels[i],
        .envp = p->envp,
    };
}

static void ajs3_product_init(ajs3_product *p, const lh_op *op, const ajs3_config *c)
{
    size_t n = 1;

    memset(p, 0, sizeof(*p));
    p->common = c->common;
    if (p->common.status_timeout == 0) {
        p->common.status_timeout = AJS3_STATUS_TIMEOUT_ZERO_S;
    }
    jp1_spmd_check_init(&p->spmd, &jajs_spmd_status_map, c->common.status_cmd, &p->common);
    p->checks[0] = p->spmd.cmd;
    if (c->scheduler_status_cmd[0] != '\0') {
        p->envp = g_environ_setenv(g_strdupv(op->envp), "JP1_HOSTNAME",
                                   c->common.logical_host, TRUE);
        p->services = g_strsplit(c->scheduler_services, " ", -1);
        for (char **s = p->services; *s != NULL && n <= AJS3_SERVICES_MAX; s++) {
            if (**s != '\0') {
                ajs3_scheduler_check_init(p, c, n - 1, *s);
                n++;
            }
        }
    }
    p->cmd = jp1_clustercmd("JP1/AJS3 - Manager", &p->common, p->checks, n);
}

static void ajs3_product_release(ajs3_product *p)
{
    for (size_t i = 0; i < AJS3_SERVICES_MAX; i++) {
        g_free(p->labels[i]);
    }
    g_strfreev(p->services);
    g_strfreev(p->envp);
}

static lh_result ajs3_validate(lh_op *op, const void *config)
{
    const ajs3_config *c = config;
    lh_result r;

    if (strlen(c->common.logical_host) > AJS3_HOST_MAX) {
        return lh_result_new(LH_OCF_ERR_CONFIGURED,
                             "logical_host '%s' has %zu bytes: JP1/AJS3's cluster commands "
                             "take 1 to %d",
                             c->common.logical_host, strlen(c->common.logical_host),
                             AJS3_HOST_MAX);
    }
    r = jp1_require_commands(&c->common);
    if (r.code == LH_OCF_SUCCESS) {
        r = lh_require_executable("base_status_cmd", c->base_status_cmd);
    }
    if (r.code == LH_OCF_SUCCESS && c->scheduler_status_cmd[0] != '\0') {
        r = lh_require_executable("scheduler_status_cmd", c->scheduler_status_cmd);
    }
    return r;
}

/* Runs @fn (jp1_monitor, jp1_stop) on JP1/AJS3 as the config describes it. */
static lh_result ajs3_with_product(lh_op *op, const void *config,
                                   lh_result (*fn)(lh_op *, const lh_clustercmd *))
{
    ajs3_product product;
    lh_result result;

    ajs3_product_init(&product, op, config);
    result = fn(op, &product.cmd);
    ajs3_product_release(&product);
    /* The result owns its reason (lh_result_new); nothing in it points into product,
     * which cppcheck cannot tell through the function pointer. */
    // cppcheck-suppress returnDanglingLifetime
    return result;
}

static lh_result ajs3_monitor(lh_op *op, const void *config)
{
    return ajs3_with_product(op, config, jp1_monitor);
}

/* The documented order: JP1/Base of the same logical host runs before JP1/AJS3. */
static lh_result ajs3_start(lh_op *op, const void *config)
{
    const ajs3_config *c = config;
    ajs3_product product;
    jp1_spmd_check base;
    lh_result result;

    ajs3_product_init(&product, op, c);
    jp1_spmd_check_init(&base, &jbs_spmd_status_map, c->base_status_cmd, &product.common);
    result = jp1_start(op, &product.cmd, &base, "JP1/Base");
    ajs3_product_release(&product);
    return result;
}

static lh_result ajs3_stop(lh_op *op, const void *config)
{
    return ajs3_with_product(op, config, jp1_stop);
}

/* The watcher's process: the parent jajs_spmd of this logical host, never a
 * scheduler service's jajs_schd. PRODUCTS.md (AJSJ0121): a scheduler service that
 * ends abnormally restarts itself with a new pid, which must never be taken for a
 * failure; its end is the monitor's to judge, within the retry budget. */
static GPtrArray *ajs3_watched(lh_op *op, const void *config)
{
    const ajs3_config *c = config;

    (void)op;
    return jp1_watched_parent("jajs_spmd", &c->common);
}

static const lh_action ajs3_actions[] = {
    {"start", ajs3_start, 300, 0},
    {"stop", ajs3_stop, 180, 0},
    {"monitor", ajs3_monitor, 90, 30},
    {NULL, NULL, 0, 0},
};

static const char ajs3_man_notes[] =
    ".SH THE SCHEDULER SERVICE\n"
    "When a scheduler service ends abnormally on its own, JP1/AJS3 keeps waiting for "
    "commands and \\fBjajs_spmd_status\\fR still returns 0 (AJS3 Administration Guide, "
    "AJSJ0121). ajs3 therefore checks every service of \\fBscheduler_services\\fR once "
    "jajs_spmd_status says running. The scheduler service restarts itself after an "
    "abnormal end, with a new process id, and gives up after three such ends within six "
    "hours: a failed check is retried \\fBstatus_retries\\fR times, "
    "\\fBstatus_retry_interval\\fR seconds apart, before the monitor reports "
    "OCF_ERR_GENERIC naming the service. Set the two so that their product covers the "
    "service's restart time, or the cluster will restart what was healing itself. A "
    "changed process id is never a failure: the check asks the product, not a pid.\n"
    ".PP\n"
    "Which command answers for a scheduler service is not settled by the public manuals: "
    "AJSJ0121 names \\fBjajs_status\\fR without an argument form, and \\fBajsstatus "
    "\\-F\\fR \\fIservice\\fR (AJSO0132) documents its output but not its return codes. "
    "The default is ajsstatus, run with JP1_HOSTNAME set to the logical host; that 0 means "
    "running and any other code means not running is a guess [guess], so the command is a "
    "parameter. Empty \\fBscheduler_status_cmd\\fR turns the check off.\n"
    ".SH GUESSES\n"
    "jajs_spmd_status's return table is the JP1 family's (0, 1, 4, 8, 12) [guess: AJSO0149 "
    "gives the values, not every meaning]; its 0 may also cover partly started states "
    "[guess], which is why start waits for the scheduler services too. "
    "\\fBstatus_timeout\\fR 0 is passed as 60, which is what jajs_spmd_status makes of 0.\n"
    ".SH LOGICAL HOST ORDER\n"
    "shared disk, logical IP, JP1/Base (\\fBocf:lhost:jp1base\\fR), JP1/IM \\- Manager "
    "(\\fBocf:lhost:jp1im\\fR) when the logical host has one, then JP1/AJS3 \\- Manager; "
    "stopped in reverse. ajs3 refuses to start while JP1/Base of the same logical host is "
    "not running, and while the shared directory is absent. A logical host name is 1 to 63 "
    "bytes for AJS3's cluster commands. A name this node's JP1 does not know makes start "
    "fail at once (JP1/Base's status command answers 1 for it, and the reason asks whether "
    "the logical host is set up here) and stop succeed: jajs_stop.cluster answers an "
    "argument error, and nothing can run under a name the product does not know.\n"
    ".SH EXAMPLE\n.nf\n"
    "pcs resource create lhA\\-ajs ocf:lhost:ajs3 logical_host=lhA shared_dir=/shdsk/lhA "
    "scheduler_services=\"AJSROOT1 AJSROOT2\" \\-\\-group lhA\n"
    ".fi\n";

static const lh_agent ajs3_agent = {
    .name = "ajs3",
    .version = PACKAGE_VERSION,
    .shortdesc = "JP1/AJS3 - Manager on a logical host",
    .longdesc =
        "Runs Hitachi JP1/AJS3 - Manager, the job scheduler of a JP1 logical host, through "
        "its cluster commands. Start requires the logical host's shared directory and a "
        "running JP1/Base of the same logical host, runs jajs_start.cluster and polls "
        "jajs_spmd_status and the scheduler-service check until everything runs. Stop runs "
        "jajs_stop.cluster, then always jajs_killall.cluster, and verifies. Monitor maps "
        "jajs_spmd_status's return code to an OCF code and then checks each scheduler "
        "service, which jajs_spmd_status cannot see when it ends alone.",
    .params = ajs3_params,
    .n_params = G_N_ELEMENTS(ajs3_params),
    .config_size = sizeof(ajs3_config),
    .actions = ajs3_actions,
    .validate = ajs3_validate,
    .codemaps = ajs3_codemaps,
    .man_notes = ajs3_man_notes,
    .watched = ajs3_watched,
};

int main(int argc, char **argv)
{
    return lh_agent_main(&ajs3_agent, argc, argv);
}
