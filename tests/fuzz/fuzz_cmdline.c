/* fuzz_cmdline.c - an agent's command line and OCF environment (lib/runtime/agent.c).
 *
 * Feeds lh_agent_main() of the real jp1base, jp1im, ajs3, iws or ctmplex descriptor an argv from the
 * input: NUL-separated arguments, each its own allocation (so that a read past one
 * is caught); an argument "OCF_NAME=value" goes to the environment instead (the
 * operation's timeout and interval, OCF_CHECK_LEVEL, parameters). The first byte
 * chooses the agent. Inputs that name one of the agent's own actions (start, stop,
 * monitor, iws's promote, demote, notify, quiesce, resume, ctmplex's startplex) are skipped: those
 * run the product's commands. What runs is option
 * parsing, parameter parsing, validate-all, meta-data, --help and --man.
 * What the agent prints on stderr is captured (a memfd in place of fd 2 during the
 * call; the sanitizers report to a copy of the real stderr).
 * Asserts, beyond no crash: the exit status is always an OCF exit code; meta-data,
 * --help and --man never fail; an option the agent refuses is named as it was
 * given; at most one ocf-exit-reason line is printed; and unless the command line
 * itself holds a control character (which the agent may echo back to whoever typed
 * it), every line on stderr is the agent's own: no value from the environment
 * starts a line of its own.
 */
#include "config.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "fuzz_agents.h"

#define MAX_ARGS 16

static const lh_agent *const agents[] = {&jp1base_agent, &jp1im_agent, &ajs3_agent, &iws_agent,
                                         &ctm_agent};

static int captured = -1; /* a memfd: the agent's stderr */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);

    fz_quiet_logs();
    /* validate-all is journaled: not into the host's /var/lib/lhost/journal, run after run */
    setenv("LHOST_JOURNAL_DIR", "off", 1);
    __sanitizer_set_report_fd((void *)(intptr_t)dup(STDERR_FILENO));
    captured = memfd_create("agent-stderr", MFD_CLOEXEC);
    FZ_ASSERT(captured >= 0 && devnull >= 0, "cannot prepare the output files");
    dup2(devnull, STDOUT_FILENO); /* the documents: their content is not checked here */
    close(devnull);
    return 0;
}

/* Runs the agent with fd 2 on the memfd; what it printed (caller frees). */
static char *run_agent(const lh_agent *agent, int argc, char **argv, int *code)
{
    int saved = dup(STDERR_FILENO);
    off_t size;
    char *text;

    FZ_ASSERT(saved >= 0 && ftruncate(captured, 0) == 0, "cannot capture stderr");
    dup2(captured, STDERR_FILENO);
    *code = lh_agent_main(agent, argc, argv);
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    size = lseek(captured, 0, SEEK_END);
    text = g_malloc0((gsize)size + 1);
    FZ_ASSERT(pread(captured, text, (size_t)size, 0) == size, "cannot read stderr back");
    lseek(captured, 0, SEEK_SET);
    return text;
}

static gboolean has_control_char(char **argv, int argc)
{
    for (int i = 0; i < argc; i++) {
        for (const unsigned char *c = (const unsigned char *)argv[i]; *c != '\0'; c++) {
            if (*c < 0x20 || *c == 0x7f) {
                return TRUE;
            }
        }
    }
    return FALSE;
}

/* "unknown option --X (see --help)" and "option --X needs a value": X as given. */
static void assert_options_named(const lh_agent *agent, const char *line, char **argv,
                                 int argc)
{
    static const char *const forms[][2] = {{": unknown option --", " (see --help)"},
                                           {": option --", " needs a value"}};

    for (gsize f = 0; f < G_N_ELEMENTS(forms); f++) {
        g_autofree char *head = g_strconcat(agent->name, forms[f][0], NULL);
        const char *start = g_str_has_prefix(line, head) ? line + strlen(head) : NULL;
        const char *end = start != NULL ? g_strrstr(start, forms[f][1]) : NULL;
        g_autofree char *named = NULL;
        gboolean found = FALSE;

        if (end == NULL) {
            continue;
        }
        named = g_strndup(start, (gsize)(end - start));
        for (int i = 1; i < argc && !found; i++) {
            found = g_str_has_prefix(argv[i], "--") && strcmp(argv[i] + 2, named) == 0;
        }
        FZ_ASSERT(found, "'%s' names an option that is not on the command line", line);
        return;
    }
}

/* Every line is the agent's: its exit reason, or a message under its name. */
static void assert_stderr(const lh_agent *agent, const char *text, char **argv, int argc)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    int reasons = 0;

    /* No action: the usage text. A control character on the command line: the
     * agent may echo it back to whoever typed it, and lines are not lines then. */
    if (g_str_has_prefix(text, "usage: ") || has_control_char(argv, argc)) {
        return;
    }
    for (gsize i = 0; lines[i] != NULL; i++) {
        const char *line = lines[i];

        if (line[0] == '\0' && lines[i + 1] == NULL) {
            break; /* after the last newline */
        }
        reasons += g_str_has_prefix(line, "ocf-exit-reason:");
        FZ_ASSERT(g_str_has_prefix(line, "ocf-exit-reason:") || g_str_has_prefix(line, agent->name),
                  "stderr line %zu is not the agent's: '%s'", i + 1, line);
        assert_options_named(agent, line, argv, argc);
    }
    FZ_ASSERT(reasons <= 1, "%d exit reasons", reasons);
}

static gboolean is_ocf_exit_code(int code)
{
    return (code >= LH_OCF_SUCCESS && code <= LH_OCF_FAILED_PROMOTED)
           || code == LH_OCF_DEGRADED || code == LH_OCF_DEGRADED_PROMOTED;
}

static gboolean runs_an_action(const lh_agent *agent, const char *arg)
{
    for (const lh_action *a = agent->actions; a->name != NULL; a++) {
        if (strcmp(a->name, arg) == 0) {
            return TRUE;
        }
    }
    return FALSE;
}

/* meta-data, --help, --man: the documents, which must always print. */
static gboolean asks_a_document(char **argv, int argc)
{
    gboolean document = FALSE;

    for (int i = 1; i < argc; i++) {
        if (g_str_has_prefix(argv[i], "--") && strcmp(argv[i], "--help") != 0
            && strcmp(argv[i], "--man") != 0 && strcmp(argv[i], "--verbose") != 0) {
            return FALSE; /* a parameter option: it may be refused first */
        }
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "--man") == 0
            || (i == 1 && strcmp(argv[i], "meta-data") == 0)) {
            document = TRUE;
        } else if (i > 1 && strcmp(argv[i], "-v") != 0 && strcmp(argv[i], "--verbose") != 0) {
            return FALSE; /* a second action: a usage error */
        }
    }
    return document;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fz_input in = {data, size, 0};
    const lh_agent *agent = agents[fz_byte(&in) % G_N_ELEMENTS(agents)];
    g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) env = g_ptr_array_new_with_free_func(g_free);
    gboolean skip = FALSE;
    int code;

    g_ptr_array_add(args, g_strdup(agent->name));
    while (fz_more(&in) && args->len < MAX_ARGS) {
        char *arg = fz_string(&in);

        if (g_str_has_prefix(arg, "OCF_") && strchr(arg, '=') != NULL) {
            putenv(arg); /* not setenv(): see fuzz_params.c */
            g_ptr_array_add(env, arg);
            continue;
        }
        skip = skip || runs_an_action(agent, arg);
        g_ptr_array_add(args, arg);
    }
    if (!skip) {
        int argc = (int)args->len;

        g_autofree char *err = NULL;

        g_ptr_array_add(args, NULL);
        err = run_agent(agent, argc, (char **)args->pdata, &code);
        assert_stderr(agent, err, (char **)args->pdata, argc);
        FZ_ASSERT(is_ocf_exit_code(code), "exit status %d is no OCF exit code", code);
        FZ_ASSERT(code == LH_OCF_SUCCESS || !asks_a_document((char **)args->pdata, argc),
                  "a document request failed with %d", code);
    }
    for (guint i = 0; i < env->len; i++) {
        const char *var = g_ptr_array_index(env, i);
        g_autofree char *name = g_strndup(var, (gsize)(strchr(var, '=') - var));

        unsetenv(name);
    }
    return 0;
}
