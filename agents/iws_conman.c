/* iws_conman.c - running conman and StartUp, and reading what they answer.
 *
 * conman's exit codes are not documented (PRODUCTS.md section 2), so a command's
 * outcome is decided from its message ids: "AWSBHU001E" (the Symphony cannot be
 * read), "AWSBHU118W" (already the manager), "AWSBHU120I" (switched), any other id
 * ending in E an error. Ids are recognised by their shape (letters, three or four
 * digits, a severity letter), never by the English text around them.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <lhost/log.h>

#include "iws.h"

/* How long a StartUp may take to report that netman runs. */
#define IWS_STARTUP_CAP_MS 30000

/* The argv of @command, through runuser when a TWS user is set: IWS commands run as
 * the TWS user, and runuser switches without a shell. */
static GPtrArray *command_argv(const iws *w, const char *command, const char *argument)
{
    GPtrArray *argv = g_ptr_array_new();

    if (*w->cfg->tws_user != '\0') {
        g_ptr_array_add(argv, (gpointer) "runuser");
        g_ptr_array_add(argv, (gpointer) "-u");
        g_ptr_array_add(argv, (gpointer)w->cfg->tws_user);
        g_ptr_array_add(argv, (gpointer) "--");
    }
    g_ptr_array_add(argv, (gpointer)command);
    if (argument != NULL) {
        g_ptr_array_add(argv, (gpointer)argument);
    }
    g_ptr_array_add(argv, NULL);
    return argv;
}

static lh_deadline command_deadline(const iws *w, gint64 cap_ms)
{
    return lh_deadline_min(w->op->deadline, lh_deadline_in_ms(cap_ms));
}

/* A message id: 3 to 8 capital letters, 3 or 4 digits, then I, W or E. */
static gboolean is_message_id(const char *word, size_t len)
{
    size_t letters = 0, digits = 0;

    while (letters < len && g_ascii_isupper(word[letters])) {
        letters++;
    }
    while (letters + digits < len && g_ascii_isdigit(word[letters + digits])) {
        digits++;
    }
    return letters >= 3 && letters <= 8 && (digits == 3 || digits == 4) &&
           letters + digits + 1 == len && strchr("IWE", word[len - 1]) != NULL;
}

/* Sets the reply's flags from every message id in @line. */
static void scan_line(iws_reply *reply, const char *line)
{
    g_auto(GStrv) words = g_strsplit_set(line, " \t", -1);

    for (char **word = words; *word != NULL; word++) {
        size_t len = strcspn(*word, ":.,;");

        if (!is_message_id(*word, len)) {
            continue;
        }
        if (strncmp(*word, "AWSBHU001E", len) == 0) {
            reply->corrupt = TRUE;
        } else if (strncmp(*word, "AWSBHU118W", len) == 0) {
            reply->already = TRUE;
        } else if (strncmp(*word, "AWSBHU120I", len) == 0) {
            reply->switched = TRUE;
        }
        if ((*word)[len - 1] == 'E') {
            reply->error = TRUE;
            if (reply->first_error == NULL) {
                reply->first_error = g_strstrip(g_strdup(line));
            }
        }
    }
}

static void scan_output(iws_reply *reply, const GString *text)
{
    g_auto(GStrv) lines = NULL;

    if (text == NULL) {
        return;
    }
    lines = g_strsplit(text->str, "\n", -1);
    for (char **line = lines; *line != NULL; line++) {
        scan_line(reply, *line);
    }
}

void iws_conman(iws *w, const char *command, iws_reply *reply)
{
    iws_conman_until(w, command, w->op->deadline, reply);
}

void iws_conman_until(iws *w, const char *command, lh_deadline until, iws_reply *reply)
{
    g_autoptr(GPtrArray) argv = command_argv(w, w->conman, command);
    lh_run_options opts = {
        .envp = w->op->envp,
        .deadline = lh_deadline_min(until, command_deadline(w, (gint64)w->cfg->command_timeout *
                                                                     1000)),
    };
    g_autofree char *how = NULL;

    *reply = (iws_reply){.run = LH_RUN_RESULT_INIT};
    lh_run((const char *const *)argv->pdata, &opts, &reply->run);
    scan_output(reply, reply->run.out);
    scan_output(reply, reply->run.err);
    how = lh_run_describe(&reply->run);
    lh_debug("conman \"%s\" %s%s", command, how, reply->corrupt ? " (AWSBHU001E)" : "");
}

void iws_reply_release(iws_reply *reply)
{
    lh_run_result_release(&reply->run);
    g_clear_pointer(&reply->first_error, g_free);
}

gboolean iws_reply_ok(const iws_reply *reply)
{
    return lh_run_succeeded(&reply->run) && !reply->error;
}

gboolean iws_conman_ok(iws *w, const char *command, char **why)
{
    iws_reply reply;
    gboolean ok;

    iws_conman(w, command, &reply);
    ok = iws_reply_ok(&reply);
    if (!ok) {
        *why = iws_reply_describe(&reply, command);
    }
    iws_reply_release(&reply);
    return ok;
}

char *iws_reply_describe(const iws_reply *reply, const char *command)
{
    g_autofree char *how = lh_run_describe(&reply->run);

    if (reply->first_error != NULL) {
        return g_strdup_printf("conman \"%s\" %s: %s", command, how, reply->first_error);
    }
    return g_strdup_printf("conman \"%s\" %s", command, how);
}

gboolean iws_startup(iws *w, char **why)
{
    g_autoptr(GPtrArray) argv = command_argv(w, w->startup, NULL);
    gint64 cap = MIN((gint64)w->cfg->command_timeout * 1000, IWS_STARTUP_CAP_MS);
    lh_run_options opts = {.envp = w->op->envp, .deadline = command_deadline(w, cap)};
    lh_run_result res = LH_RUN_RESULT_INIT;
    gboolean ok;

    lh_run((const char *const *)argv->pdata, &opts, &res);
    ok = lh_run_succeeded(&res);
    if (!ok) {
        g_autofree char *how = lh_run_describe(&res);

        *why = g_strdup_printf("StartUp %s", how);
    }
    lh_run_result_release(&res);
    return ok;
}

/* ---- showcpus ---------------------------------------------------------------- */

static void cpu_free(gpointer data)
{
    iws_cpu *cpu = data;

    g_free(cpu->name);
    g_free(cpu->type);
    g_free(cpu->flags);
    g_free(cpu);
}

static gboolean parse_int(const char *text, int *value)
{
    gint64 v;

    if (!g_ascii_string_to_signed(text, 10, 0, G_MAXINT, &v, NULL)) {
        return FALSE;
    }
    *value = (int)v;
    return TRUE;
}

/* CPUID RUN NODE(2 words) LIMIT FENCE DATE TIME [STATE words]: a line of the
 * standard format (the NODE column is "UNIX MASTER", "UNIX FTA", ...). */
static iws_cpu *parse_cpu_line(const char *line)
{
    g_auto(GStrv) words = g_strsplit_set(line, " \t", -1);
    GPtrArray *fields = g_ptr_array_new();
    iws_cpu *cpu = NULL;
    GString *flags = g_string_new(NULL);
    int run, limit;

    for (char **word = words; *word != NULL; word++) {
        if (**word != '\0') {
            g_ptr_array_add(fields, *word);
        }
    }
    if (fields->len >= 8 && parse_int(fields->pdata[1], &run) &&
        parse_int(fields->pdata[4], &limit)) {
        for (guint i = 8; i < fields->len; i++) {
            g_string_append(flags, fields->pdata[i]);
        }
        cpu = g_new0(iws_cpu, 1);
        cpu->name = g_ascii_strup(fields->pdata[0], -1);
        cpu->run = run;
        cpu->type = g_strdup(fields->pdata[3]);
        cpu->limit = limit;
        cpu->flags = g_string_free(g_steal_pointer(&flags), FALSE);
    }
    if (flags != NULL) {
        g_string_free(flags, TRUE);
    }
    g_ptr_array_free(fields, TRUE);
    return cpu;
}

GPtrArray *iws_parse_showcpus(const char *text)
{
    GPtrArray *cpus = g_ptr_array_new_with_free_func(cpu_free);
    g_auto(GStrv) lines = g_strsplit(text != NULL ? text : "", "\n", -1);
    gboolean in_table = FALSE;

    for (char **line = lines; *line != NULL; line++) {
        if (g_str_has_prefix(*line, "CPUID")) {
            in_table = TRUE;
        } else if (in_table && (**line == '%' || **line == '\0')) {
            in_table = FALSE;
        } else if (in_table) {
            iws_cpu *cpu = parse_cpu_line(*line);

            if (cpu != NULL) {
                g_ptr_array_add(cpus, cpu);
            }
        }
    }
    return cpus;
}

iws_cpu *iws_cpu_find(GPtrArray *cpus, const char *name)
{
    for (guint i = 0; cpus != NULL && i < cpus->len; i++) {
        iws_cpu *cpu = cpus->pdata[i];

        if (g_ascii_strcasecmp(cpu->name, name) == 0) {
            return cpu;
        }
    }
    return NULL;
}

iws_cpu *iws_cpu_master(GPtrArray *cpus)
{
    for (guint i = 0; cpus != NULL && i < cpus->len; i++) {
        iws_cpu *cpu = cpus->pdata[i];

        if (strcmp(cpu->type, "MASTER") == 0) {
            return cpu;
        }
    }
    return NULL;
}

gboolean iws_cpu_has(const iws_cpu *cpu, char flag)
{
    return cpu != NULL && strchr(cpu->flags, flag) != NULL;
}

/* ---- showjobs ---------------------------------------------------------------- */

/* CPU Schedule Job State Pr Start Pid: the jobs INTRO (handed to jobman) or EXEC. */
GStrv iws_parse_running_jobs(const char *text)
{
    g_autoptr(GStrvBuilder) running = g_strv_builder_new();
    g_auto(GStrv) lines = g_strsplit(text != NULL ? text : "", "\n", -1);
    gboolean in_table = FALSE;

    for (char **line = lines; *line != NULL; line++) {
        g_auto(GStrv) words = NULL;
        const char *fields[4] = {NULL};
        int n = 0;

        if (g_str_has_prefix(*line, "CPU ")) {
            in_table = TRUE;
            continue;
        }
        if (!in_table || **line == '%') {
            in_table = in_table && **line != '%';
            continue;
        }
        words = g_strsplit_set(*line, " \t", -1);
        for (char **word = words; *word != NULL && n < 4; word++) {
            if (**word != '\0') {
                fields[n++] = *word;
            }
        }
        if (n == 4 && (strcmp(fields[3], "EXEC") == 0 || strcmp(fields[3], "INTRO") == 0)) {
            g_strv_builder_add(running, fields[2]);
        }
    }
    return g_strv_builder_end(running);
}
