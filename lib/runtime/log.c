/* log.c - syslog in resource-agents' conventions, and stderr by hand. */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <lhost/log.h>

static struct {
    char *tag;
    int facility; /* -1: no syslog */
    gboolean debug;
    gboolean to_stderr;
    const char *file; /* HA_LOGFILE: also appended to, as ocf_log does */
} log_config = {NULL, -1, FALSE, FALSE, NULL};

typedef struct facility_row {
    const char *name;
    int value;
} facility_row;

static const facility_row facilities[] = {
    {"auth", LOG_AUTH},     {"authpriv", LOG_AUTHPRIV}, {"cron", LOG_CRON},
    {"daemon", LOG_DAEMON}, {"ftp", LOG_FTP},           {"kern", LOG_KERN},
    {"lpr", LOG_LPR},       {"mail", LOG_MAIL},         {"news", LOG_NEWS},
    {"syslog", LOG_SYSLOG}, {"user", LOG_USER},         {"uucp", LOG_UUCP},
    {"local0", LOG_LOCAL0}, {"local1", LOG_LOCAL1},     {"local2", LOG_LOCAL2},
    {"local3", LOG_LOCAL3}, {"local4", LOG_LOCAL4},     {"local5", LOG_LOCAL5},
    {"local6", LOG_LOCAL6}, {"local7", LOG_LOCAL7},
};

int lh_log_facility(const char *name)
{
    for (gsize i = 0; name != NULL && i < G_N_ELEMENTS(facilities); i++) {
        if (g_ascii_strcasecmp(name, facilities[i].name) == 0) {
            return facilities[i].value;
        }
    }
    return -1;
}

/* HA_debug and the like: "1", "yes", "true", "on" enable. */
static gboolean env_true(const char *name)
{
    const char *value = getenv(name);

    return value != NULL
           && (strcmp(value, "1") == 0 || g_ascii_strcasecmp(value, "yes") == 0
               || g_ascii_strcasecmp(value, "true") == 0 || g_ascii_strcasecmp(value, "on") == 0);
}

int lh_log_env_facility(void)
{
    const char *facility = getenv("HA_LOGFACILITY");

    /* resource-agents logs to daemon when HA_LOGFACILITY is unset. */
    return facility == NULL ? LOG_DAEMON : lh_log_facility(facility);
}

/* Control characters become visible escapes (a newline "\x0a"): a resource id, an
 * ignored meta attribute or anything else a line is made of must not forge a second
 * line in HA_LOGFILE or on stderr, which are written as they are (syslog daemons
 * escape on their side). Caller frees. */
static char *escape_controls(const char *text)
{
    GString *out = g_string_sized_new(strlen(text));

    for (const char *p = text; *p != '\0'; p++) {
        guchar c = (guchar)*p;

        if (c < 0x20 || c == 0x7f) {
            g_string_append_printf(out, "\\x%02x", c);
        } else {
            g_string_append_c(out, (char)c);
        }
    }
    return g_string_free(out, FALSE);
}

void lh_log_open(const char *tag, gboolean to_stderr)
{
    lh_log_close();
    log_config.tag = escape_controls(tag);
    log_config.facility = lh_log_env_facility();
    log_config.debug = env_true("HA_debug");
    log_config.to_stderr = to_stderr;
    log_config.file = getenv("HA_LOGFILE");
    if (log_config.file != NULL && log_config.file[0] == '\0') {
        log_config.file = NULL;
    }
    if (log_config.facility >= 0) {
        openlog(log_config.tag, LOG_PID | LOG_NDELAY, log_config.facility);
    }
}

void lh_log_close(void)
{
    if (log_config.facility >= 0) {
        closelog();
    }
    g_clear_pointer(&log_config.tag, g_free);
    log_config.facility = -1;
    log_config.to_stderr = FALSE;
}

static const char *priority_label(int priority)
{
    switch (priority) {
    case LOG_ERR:
        return "ERROR";
    case LOG_WARNING:
        return "WARNING";
    case LOG_DEBUG:
        return "DEBUG";
    default:
        return "INFO";
    }
}

/* One line appended to HA_LOGFILE in ocf_log's shape ("Nov 21 10:00:00  tag[pid]:
 * INFO: text"), written with a single write(2) to an O_APPEND file, so lines of
 * agents logging at the same time never interleave. Best effort, as ocf_log is. */
static void append_to_file(int priority, const char *message)
{
    char stamp[64] = "";
    time_t now = time(NULL);
    struct tm local;
    g_autofree char *line = NULL;
    int fd;

    /* strftime leaves the array indeterminate when it returns 0: no stamp then. */
    if (localtime_r(&now, &local) == NULL
        || strftime(stamp, sizeof(stamp), "%b %d %T", &local) == 0) {
        stamp[0] = '\0';
    }
    line = g_strdup_printf("%s  %s[%ld]:    %s: %s\n", stamp, log_config.tag ? log_config.tag : "lhost",
                           (long)getpid(), priority_label(priority), message);
    fd = open(log_config.file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
    if (fd >= 0) {
        if (write(fd, line, strlen(line)) < 0) {
            /* nowhere left to say it */
        }
        close(fd);
    }
}

void lh_log(int priority, const char *fmt, ...)
{
    g_autofree char *raw = NULL;
    g_autofree char *message = NULL;
    va_list ap;

    if (priority == LOG_DEBUG && !log_config.debug) {
        return;
    }
    va_start(ap, fmt);
    raw = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    message = escape_controls(raw);
    if (log_config.facility >= 0) {
        syslog(priority, "%s: %s", priority_label(priority), message);
    }
    if (log_config.file != NULL) {
        append_to_file(priority, message);
    }
    /* By hand, the action's own explanation narrates the steps and the exit reason
     * states the failure: only warnings and debugging are worth a copy on stderr. */
    if (log_config.to_stderr && (priority == LOG_WARNING || priority == LOG_DEBUG)) {
        fprintf(stderr, "%s: %s: %s\n", log_config.tag ? log_config.tag : "lhost",
                priority_label(priority), message);
    }
}
