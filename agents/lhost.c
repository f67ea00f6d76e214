/* lhost - run a logical host (shared disk -> logical IP -> base -> manager) from
 * its definition file, for cluster software that registers start / stop / monitor /
 * forced-termination scripts, and export it to Pacemaker.
 *
 *   lhost [OPTIONS] start|stop|monitor|kill|status|check|cib|blackbox [NAME]
 *   lhost journal merge|show ...   (lhost_journal.c)
 *   lhost timeline MERGED [-o FILE.svg]
 *   lhost quiesce|resume RESOURCE [--timeout SECONDS]   (lhost_quiesce.c)
 *
 * Exit codes are OCF's (lhost(8)): 0 done / running, 1 failed or partly running,
 * 2 bad usage, 5 an agent missing, 6 a bad definition, 7 not running (monitor).
 * journal, timeline, quiesce and resume have their own.
 *
 * Logging goes through libqb: syslog (HA_LOGFACILITY, as the agents), and a blackbox
 * flight recorder of everything down to debug, written to
 * <state dir>/<name>.blackbox when an operation fails. libqb's load cost (about 1 M
 * instructions) is paid here, once per logical host operation, never by an agent's
 * monitor.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <qb/qblog.h>

#include <lhost/cib.h>
#include <lhost/journal.h>
#include <lhost/lhost.h>
#include <lhost/log.h>

#include "lhost_journal.h"
#include "lhost_quiesce.h"

#define BLACKBOX_BYTES (256 * 1024)

typedef struct options {
    char *definitions; /* directory of NAME.conf */
    char *file;        /* one definition file */
    char *ocf_root;
    char *state_dir;
    gboolean verbose;
} options;

typedef int (*command_fn)(const options *opts, const char *name);

/* ---- logging ---------------------------------------------------------------- */

static void log_setup(void)
{
    int syslog_facility = lh_log_env_facility();

    qb_log_init("lhost", syslog_facility >= 0 ? syslog_facility : LOG_DAEMON, LOG_INFO);
    qb_log_ctl(QB_LOG_STDERR, QB_LOG_CONF_ENABLED, QB_FALSE);
    qb_log_ctl(QB_LOG_SYSLOG, QB_LOG_CONF_ENABLED, syslog_facility >= 0 ? QB_TRUE : QB_FALSE);
    qb_log_ctl(QB_LOG_BLACKBOX, QB_LOG_CONF_SIZE, BLACKBOX_BYTES);
    qb_log_ctl(QB_LOG_BLACKBOX, QB_LOG_CONF_ENABLED, QB_TRUE);
    qb_log_filter_ctl(QB_LOG_BLACKBOX, QB_LOG_FILTER_ADD, QB_LOG_FILTER_FILE, "*", LOG_DEBUG);
}

static char *blackbox_path(const options *opts, const char *name)
{
    g_autofree char *file = g_strconcat(name, ".blackbox", NULL);

    return g_build_filename(opts->state_dir, file, NULL);
}

/* libqb prints ring-buffer statistics on stdout when it writes or reads a
 * blackbox, and reports the end of the data as an error on stderr: @fd (1 or 2)
 * goes to /dev/null around such a call and comes back after. */
static int silence(int fd)
{
    int saved, null;

    fflush(fd == STDOUT_FILENO ? stdout : stderr);
    saved = dup(fd);
    null = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, fd);
        close(null);
    }
    return saved;
}

static void restore(int fd, int saved)
{
    fflush(fd == STDOUT_FILENO ? stdout : stderr);
    if (saved >= 0) {
        dup2(saved, fd);
        close(saved);
    }
}

/* A failed operation leaves its flight recording behind for the admin. */
static char *dump_blackbox(const options *opts, const char *name)
{
    char *path = blackbox_path(opts, name);
    ssize_t written = -1;

    if (g_mkdir_with_parents(opts->state_dir, 0700) == 0) {
        int saved = silence(STDOUT_FILENO);

        written = qb_log_blackbox_write_to_file(path);
        restore(STDOUT_FILENO, saved);
    }
    if (written < 0) {
        g_clear_pointer(&path, g_free);
    }
    return path;
}

/* ---- progress on a terminal ------------------------------------------------- */

/* "lhA: [2/4] ip         ocf:heartbeat:IPaddr2        start ..." (no newline). */
static void print_member_head(const lh_lhost *lhost, guint index, const char *action)
{
    const lh_member *m = g_ptr_array_index(lhost->def->members, index);

    fprintf(stderr, "%s: [%u/%u] %-10s %-28s %s ...", lhost->def->name, index + 1,
            lhost->def->members->len, m->id, m->agent, action);
}

/* The journal's "member" record (lhost-journal(5)): one member's step of the
 * operation, as lhost saw it; the member's agent journals the action itself. */
static void journal_member(const lh_member *m, const char *action, const lh_member_outcome *done)
{
    char ms[24];

    g_snprintf(ms, sizeof(ms), "%" G_GINT64_FORMAT, done->elapsed_ms);
    lh_journal_note("member", "member", m->id, "agent", m->agent, "action", action, "ocf",
                    lh_ocf_code_name(done->code), "reason", done->reason, "ms", ms, NULL);
}

/* On a terminal the head is shown while the member works and its result completes
 * the line; with --verbose elsewhere, whole lines only, so logs never hold halves. */
static void show_progress(const lh_lhost *lhost, guint index, const char *action,
                          const lh_member_outcome *done, gpointer data)
{
    const options *opts = data;
    const lh_member *m = g_ptr_array_index(lhost->def->members, index);
    gboolean tty = isatty(STDERR_FILENO);

    if (done == NULL) {
        qb_log(LOG_DEBUG, "%s: %s %s (%s)", lhost->def->name, action, m->id, m->agent);
        if (tty) {
            print_member_head(lhost, index, action);
        }
        return;
    }
    qb_log(done->code == LH_OCF_SUCCESS ? LOG_INFO : LOG_WARNING, "%s: %s %s: %s (%" G_GINT64_FORMAT " ms)%s%s",
           lhost->def->name, action, m->id, lh_ocf_code_name(done->code), done->elapsed_ms,
           done->reason ? ": " : "", done->reason ? done->reason : "");
    journal_member(m, action, done);
    if (!tty && opts->verbose) {
        print_member_head(lhost, index, action);
    }
    if (tty || opts->verbose) {
        fprintf(stderr, " %s (%.2f s)%s%s\n", lh_ocf_code_text(done->code),
                (double)done->elapsed_ms / 1000.0, done->reason ? ": " : "",
                done->reason ? done->reason : "");
    }
}

/* ---- opening a definition --------------------------------------------------- */

static char *definition_path(const options *opts, const char *name)
{
    return opts->file != NULL ? g_strdup(opts->file) : lh_def_path(opts->definitions, name);
}

static void print_problems(GPtrArray *problems)
{
    for (guint i = 0; i < problems->len; i++) {
        fprintf(stderr, "%s\n", (const char *)g_ptr_array_index(problems, i));
    }
}

/* NULL (problems printed) when the definition cannot be used. */
static lh_lhost *open_lhost(const options *opts, const char *name)
{
    g_autofree char *path = definition_path(opts, name);
    g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func(g_free);
    lh_lhost *lhost = lh_lhost_open(path, opts->ocf_root, NULL, problems);

    if (problems->len > 0) {
        print_problems(problems);
        fprintf(stderr, "lhost: %s: %u problem%s in %s; nothing was run\n", lhost->def->name,
                problems->len, problems->len == 1 ? "" : "s", path);
        qb_log(LOG_ERR, "%s: %u problems in %s", lhost->def->name, problems->len, path);
        lh_lhost_free(lhost);
        return NULL;
    }
    lhost->progress = show_progress;
    lhost->progress_data = (gpointer)opts;
    return lhost;
}

/* One operation at a time per logical host: a start racing a stop would leave
 * members half up. Forced termination (kill) never waits for it. */
static int lock_lhost(const options *opts, const char *name)
{
    g_autofree char *file = g_strconcat(name, ".lock", NULL);
    g_autofree char *path = g_build_filename(opts->state_dir, file, NULL);
    int fd;

    if (g_mkdir_with_parents(opts->state_dir, 0700) != 0) {
        return -1;
    }
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        return -2;
    }
    return fd;
}

/* ---- the commands ------------------------------------------------------------ */

static int report(const options *opts, lh_lhost *lhost, const char *verb, lh_result r)
{
    int code = r.code;

    qb_log(r.code == LH_OCF_SUCCESS ? LOG_INFO : LOG_ERR, "%s %s: %s%s%s", verb,
           lhost->def->name, lh_ocf_code_name(r.code), r.reason ? ": " : "",
           r.reason ? r.reason : "");
    if (r.code != LH_OCF_SUCCESS && r.code != LH_OCF_NOT_RUNNING) {
        g_autofree char *box = dump_blackbox(opts, lhost->def->name);

        fprintf(stderr, "lhost: %s %s: %s: %s\n", verb, lhost->def->name,
                lh_ocf_code_name(r.code), r.reason ? r.reason : lh_ocf_code_text(r.code));
        if (box != NULL) {
            fprintf(stderr, "lhost: the operation's log is in %s (lhost blackbox %s)\n", box,
                    lhost->def->name);
        }
    } else if (opts->verbose || isatty(STDERR_FILENO)) {
        fprintf(stderr, "lhost: %s %s: %s\n", verb, lhost->def->name, lh_ocf_code_text(r.code));
    }
    lh_result_clear(&r);
    return code;
}

typedef lh_result (*operation_fn)(lh_lhost *lhost);

static lh_result monitor_op(lh_lhost *lhost)
{
    return lh_lhost_monitor(lhost, FALSE, NULL);
}

/* The operation between the journal's begin and end (lhost/journal.h), as an agent's
 * action is: "lhost" as the agent, the logical host as the resource. The members'
 * agents journal their own actions in their processes (they inherit the environment
 * that says where), and lh_run() notes each member command here. */
static lh_result run_journaled(lh_lhost *lhost, const char *verb, operation_fn operation)
{
    gint64 started_us;
    lh_result r;

    lh_journal_begin("lhost", lhost->def->name, verb);
    started_us = g_get_monotonic_time();
    r = operation(lhost);
    lh_journal_end((int)r.code, r.reason, (g_get_monotonic_time() - started_us) / 1000);
    return r;
}

static int run_operation(const options *opts, const char *name, const char *verb,
                         operation_fn operation, gboolean locked)
{
    g_autoptr(lh_lhost) lhost = open_lhost(opts, name);
    int lock = -1;
    int code;

    if (lhost == NULL) {
        return LH_OCF_ERR_CONFIGURED;
    }
    if (locked && (lock = lock_lhost(opts, lhost->def->name)) == -2) {
        fprintf(stderr, "lhost: %s %s: another lhost start or stop of it is running\n", verb,
                lhost->def->name);
        return LH_OCF_ERR_GENERIC;
    }
    qb_log(LOG_INFO, "%s %s (%u members)", verb, lhost->def->name, lhost->def->members->len);
    code = report(opts, lhost, verb, run_journaled(lhost, verb, operation));
    if (lock >= 0) {
        close(lock);
    }
    return code;
}

static int cmd_start(const options *opts, const char *name)
{
    return run_operation(opts, name, "start", lh_lhost_start, TRUE);
}

static int cmd_stop(const options *opts, const char *name)
{
    return run_operation(opts, name, "stop", lh_lhost_stop, TRUE);
}

static int cmd_kill(const options *opts, const char *name)
{
    return run_operation(opts, name, "kill", lh_lhost_kill, FALSE);
}

static int cmd_monitor(const options *opts, const char *name)
{
    return run_operation(opts, name, "monitor", monitor_op, FALSE);
}

/* check, status and cib answer on stdout: an answer that could not be written
 * whole (a full disk, a closed pipe) must not pass for success. stdio may have
 * failed on an earlier buffer already, hence ferror() as well as the flush. */
static int answered(int code)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "lhost: cannot write to standard output\n");
        return code == LH_OCF_SUCCESS ? LH_OCF_ERR_GENERIC : code;
    }
    return code;
}

static int cmd_check(const options *opts, const char *name)
{
    g_autoptr(lh_lhost) lhost = open_lhost(opts, name);
    GString *members;

    if (lhost == NULL) {
        return LH_OCF_ERR_CONFIGURED;
    }
    members = g_string_new(NULL);
    for (guint i = 0; i < lhost->def->members->len; i++) {
        const lh_member *m = g_ptr_array_index(lhost->def->members, i);

        g_string_append_printf(members, "%s%s", i ? " -> " : "", m->id);
    }
    printf("%s: valid: %s\n", lhost->def->name, members->str);
    g_string_free(members, TRUE);
    return answered(LH_OCF_SUCCESS);
}

static int cmd_cib(const options *opts, const char *name)
{
    g_autoptr(lh_lhost) lhost = open_lhost(opts, name);
    g_autofree char *xml = NULL;

    if (lhost == NULL) {
        return LH_OCF_ERR_CONFIGURED;
    }
    xml = lh_lhost_cib(lhost);
    fputs(xml, stdout);
    return answered(LH_OCF_SUCCESS);
}

static const char *state_word(lh_ocf_code code)
{
    switch (code) {
    case LH_OCF_SUCCESS:
    case LH_OCF_RUNNING_PROMOTED:
        return "running";
    case LH_OCF_NOT_RUNNING:
        return "stopped";
    case LH_OCF_DEGRADED:
    case LH_OCF_DEGRADED_PROMOTED:
        return "degraded";
    default:
        return "FAILED";
    }
}

/* One logical host's rows of the status table. */
static int status_of(const options *opts, const char *name)
{
    g_autoptr(lh_lhost) lhost = open_lhost(opts, name);
    g_autoptr(GArray) outcomes = g_array_new(FALSE, FALSE, sizeof(lh_member_outcome));
    lh_result r;

    if (lhost == NULL) {
        return LH_OCF_ERR_CONFIGURED;
    }
    lhost->progress = NULL;
    r = lh_lhost_monitor(lhost, TRUE, outcomes);
    for (guint i = 0; i < outcomes->len; i++) {
        lh_member_outcome *o = &g_array_index(outcomes, lh_member_outcome, i);

        printf("%-14s %-10s %-8s %-28s %-9s %s\n", lhost->def->name, o->member->id,
               lh_role_name(o->member->role), o->member->agent, state_word(o->code),
               o->reason ? o->reason : "");
        lh_member_outcome_release(o);
    }
    printf("%-14s %s\n\n", lhost->def->name,
           r.code == LH_OCF_SUCCESS       ? "running"
           : r.code == LH_OCF_NOT_RUNNING ? "stopped"
                                          : "PARTLY RUNNING OR FAILED");
    lh_result_clear(&r);
    return LH_OCF_SUCCESS;
}

/* g_ptr_array_sort() hands its comparator pointers to the entries, not the entries. */
static gint compare_names(gconstpointer a, gconstpointer b)
{
    return g_ascii_strcasecmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmd_status(const options *opts, const char *name)
{
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *entry;
    int worst = LH_OCF_SUCCESS;

    printf("%-14s %-10s %-8s %-28s %-9s %s\n", "LOGICAL HOST", "MEMBER", "ROLE", "AGENT",
           "STATE", "DETAIL");
    if (name != NULL) {
        return answered(status_of(opts, name));
    }
    dir = g_dir_open(opts->definitions, 0, NULL);
    while (dir != NULL && (entry = g_dir_read_name(dir)) != NULL) {
        if (g_str_has_suffix(entry, ".conf")) {
            g_ptr_array_add(names, g_strndup(entry, strlen(entry) - strlen(".conf")));
        }
    }
    g_ptr_array_sort(names, compare_names);
    for (guint i = 0; i < names->len; i++) {
        int code = status_of(opts, g_ptr_array_index(names, i)); /* MAX() would run it twice */

        worst = MAX(worst, code);
    }
    return answered(worst);
}

static int cmd_blackbox(const options *opts, const char *name)
{
    g_autofree char *path = blackbox_path(opts, name);
    int saved;

    if (access(path, R_OK) != 0) {
        fprintf(stderr, "lhost: no blackbox for %s (%s): %s\n", name, path, g_strerror(errno));
        return LH_OCF_ERR_GENERIC;
    }
    saved = silence(STDERR_FILENO);
    qb_log_blackbox_print_from_file(path);
    restore(STDERR_FILENO, saved);
    return LH_OCF_SUCCESS;
}

/* ---- main ------------------------------------------------------------------------ */

typedef struct command {
    const char *name;
    command_fn run;
    gboolean needs_name;
} command;

static const command commands[] = {
    {"start", cmd_start, TRUE},   {"stop", cmd_stop, TRUE},     {"monitor", cmd_monitor, TRUE},
    {"kill", cmd_kill, TRUE},     {"status", cmd_status, FALSE}, {"check", cmd_check, TRUE},
    {"cib", cmd_cib, TRUE},       {"blackbox", cmd_blackbox, TRUE},
};

static const char summary[] =
    "Commands:\n"
    "  start NAME     start the members in order; on a failure, stop the started ones\n"
    "  stop NAME      stop the members in reverse order, past any that fails\n"
    "  monitor NAME   monitor every member: 0 running, 7 stopped, 1 partly or failed\n"
    "  kill NAME      forced termination: each member's stop within kill-timeout\n"
    "  status [NAME]  a table of members and their states (all definitions without NAME)\n"
    "  check NAME     validate the definition only\n"
    "  cib NAME       the definition as a Pacemaker <group>, for cibadmin\n"
    "  blackbox NAME  the log of the last failed operation\n"
    "  journal merge [--prior MERGED] [-o OUT] FILE...\n"
    "                 nodes' journals as one timeline (lhost journal merge --help)\n"
    "  journal show [--json] [FILE...]\n"
    "                 journal records, this node's when no FILE is given\n"
    "  timeline MERGED [-o FILE.svg]\n"
    "                 a merged journal drawn as SVG: nodes as lanes, a row per resource\n"
    "  quiesce RESOURCE [--timeout SECONDS]\n"
    "                 ask every instance of a clone to quiesce (node attributes), wait\n"
    "                 for each node's answer: one line per node (lhost quiesce --help)\n"
    "  resume RESOURCE [--timeout SECONDS]\n"
    "                 the same for resume\n"
    "\nExit codes are OCF's, see lhost(8); the journal's own, lhost-journal(5);\n"
    "quiesce and resume: 0 done, 1 error or a node failed, 2 usage, 3 a node pending,\n"
    "4 a node not answering at the timeout.";

static gboolean parse_options(int *argc, char ***argv, options *opts)
{
    GOptionEntry entries[] = {
        {"definitions", 'd', 0, G_OPTION_ARG_FILENAME, &opts->definitions,
         "Directory of NAME.conf definitions (" LH_DEFINITIONS_DIR ", or $LHOST_DEFINITIONS)", "DIR"},
        {"file", 'f', 0, G_OPTION_ARG_FILENAME, &opts->file, "The definition file itself", "FILE"},
        {"ocf-root", 0, 0, G_OPTION_ARG_FILENAME, &opts->ocf_root,
         "OCF root of the member agents ($OCF_ROOT, or " LH_OCF_ROOT ")", "DIR"},
        {"state-dir", 0, 0, G_OPTION_ARG_FILENAME, &opts->state_dir,
         "Locks and blackboxes (" LH_STATE_DIR ")", "DIR"},
        {"verbose", 'v', 0, G_OPTION_ARG_NONE, &opts->verbose,
         "Report each member action on stderr even when not on a terminal", NULL},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    g_autoptr(GOptionContext) context =
        g_option_context_new("start|stop|monitor|kill|status|check|cib|blackbox [NAME]");
    g_autoptr(GError) error = NULL;

    g_option_context_add_main_entries(context, entries, NULL);
    g_option_context_set_summary(context, "Run a logical host from its definition file.");
    g_option_context_set_description(context, summary);
    if (!g_option_context_parse(context, argc, argv, &error)) {
        fprintf(stderr, "lhost: %s (lhost --help)\n", error->message);
        return FALSE;
    }
    return TRUE;
}

static void default_options(options *opts)
{
    const char *env;

    if (opts->definitions == NULL) {
        env = getenv("LHOST_DEFINITIONS");
        opts->definitions = g_strdup(env != NULL ? env : LH_DEFINITIONS_DIR);
    }
    if (opts->ocf_root == NULL) {
        env = getenv("OCF_ROOT");
        opts->ocf_root = g_strdup(env != NULL && env[0] != '\0' ? env : LH_OCF_ROOT);
    }
    if (opts->state_dir == NULL) {
        opts->state_dir = g_strdup(LH_STATE_DIR);
    }
}

static const command *find_command(const char *name)
{
    for (gsize i = 0; name != NULL && i < G_N_ELEMENTS(commands); i++) {
        if (strcmp(commands[i].name, name) == 0) {
            return &commands[i];
        }
    }
    return NULL;
}

static void options_release(options *opts)
{
    g_free(opts->definitions);
    g_free(opts->file);
    g_free(opts->ocf_root);
    g_free(opts->state_dir);
}

int main(int argc, char **argv)
{
    options opts = {0};
    const command *cmd;
    const char *name;
    int code;

    /* The journal's commands, quiesce and resume have options of their own, and OCF
     * exit codes do not fit them: they are commands apart. */
    if (argc > 1 && strcmp(argv[1], "journal") == 0) {
        return lhost_journal_main(argc - 1, argv + 1);
    }
    if (argc > 1 && strcmp(argv[1], "timeline") == 0) {
        return lhost_timeline_main(argc - 1, argv + 1);
    }
    if (argc > 1 && (strcmp(argv[1], "quiesce") == 0 || strcmp(argv[1], "resume") == 0)) {
        return lhost_quiesce_main(argc - 1, argv + 1);
    }
    if (!parse_options(&argc, &argv, &opts)) {
        options_release(&opts);
        return LH_OCF_ERR_ARGS;
    }
    default_options(&opts);
    cmd = find_command(argc > 1 ? argv[1] : NULL);
    name = argc > 2 ? argv[2] : NULL;
    if (name == NULL && opts.file != NULL) {
        name = "";
    }
    if (cmd == NULL || (cmd->needs_name && name == NULL) || argc > 3) {
        fprintf(stderr, "usage: lhost [OPTIONS] start|stop|monitor|kill|status|check|cib|"
                        "blackbox [NAME] (lhost --help)\n"
                        "       lhost journal merge|show ... (lhost-journal(5))\n"
                        "       lhost timeline MERGED [-o FILE.svg]\n"
                        "       lhost quiesce|resume RESOURCE [--timeout SECONDS]\n");
        options_release(&opts);
        return LH_OCF_ERR_ARGS;
    }
    log_setup();
    code = cmd->run(&opts, name);
    qb_log_fini();
    options_release(&opts);
    return code;
}
