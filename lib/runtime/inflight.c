/* inflight.c - the commands an agent has running (lhost/inflight.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <lhost/inflight.h>
#include <lhost/proc.h>

#define DEFAULT_DIR "/run/resource-agents"
#define POLL_MS 20

static char *record_path;    /* NULL: not recording */
static guint64 self_start;   /* this agent's start time */

typedef struct entry {
    int leader;
    guint64 leader_start;
    int owner;
    guint64 owner_start;
    char *argv0;
} entry;

void lh_inflight_open(const char *dir, const char *agent, const char *resource)
{
    g_autofree char *name = g_strdup_printf("lhost-%s-%s.inflight", agent, resource);

    g_strcanon(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-", '_');
    if (dir == NULL || *dir == '\0') {
        dir = g_getenv("HA_RSCTMP");
    }
    if (dir == NULL || *dir == '\0') {
        dir = DEFAULT_DIR;
    }
    g_free(record_path);
    record_path = g_build_filename(dir, name, NULL);
    if (!lh_proc_start_time(NULL, (int)getpid(), &self_start)) {
        self_start = 0;
    }
}

void lh_inflight_close(void)
{
    g_free(record_path);
    record_path = NULL;
}

const char *lh_inflight_path(void)
{
    return record_path;
}

/* One write(2) with O_APPEND: lines of two writers never interleave. */
void lh_inflight_add(pid_t leader, const char *argv0)
{
    guint64 start = 0;
    g_autofree char *name = NULL;
    g_autofree char *line = NULL;
    int fd;

    if (record_path == NULL || !lh_proc_start_time(NULL, (int)leader, &start)) {
        return;
    }
    name = g_strdelimit(g_strdup(argv0), "\n", ' '); /* one line per command */
    line = g_strdup_printf("%d %" G_GUINT64_FORMAT " %d %" G_GUINT64_FORMAT " %s\n", (int)leader,
                           start, (int)getpid(), self_start, name);
    fd = open(record_path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        return; /* no record: the command still runs, it just cannot be reaped later */
    }
    if (write(fd, line, strlen(line)) < 0) {
        (void)0; /* as above */
    }
    close(fd);
}

static gboolean parse_entry(const char *line, entry *e)
{
    g_auto(GStrv) f = g_strsplit(line, " ", 5);
    gint64 leader, owner;

    if (g_strv_length(f) < 4 || !g_ascii_string_to_signed(f[0], 10, 2, G_MAXINT, &leader, NULL) ||
        !g_ascii_string_to_unsigned(f[1], 10, 0, G_MAXUINT64, &e->leader_start, NULL) ||
        !g_ascii_string_to_signed(f[2], 10, 1, G_MAXINT, &owner, NULL) ||
        !g_ascii_string_to_unsigned(f[3], 10, 0, G_MAXUINT64, &e->owner_start, NULL)) {
        return FALSE;
    }
    e->leader = (int)leader;
    e->owner = (int)owner;
    e->argv0 = g_strdup(f[4] != NULL ? f[4] : "");
    return TRUE;
}

/* The record's lines; a missing file has none. */
static GStrv read_lines(void)
{
    g_autofree char *text = NULL;

    if (!g_file_get_contents(record_path, &text, NULL, NULL)) {
        return g_new0(char *, 1);
    }
    return g_strsplit(text, "\n", -1);
}

/* Writes @keep back (write + rename), or removes the file when nothing is kept. */
static void write_lines(GString *keep)
{
    g_autofree char *tmp = NULL;

    if (keep->len == 0) {
        (void)unlink(record_path);
        return;
    }
    tmp = g_strdup_printf("%s.tmp", record_path);
    if (g_file_set_contents_full(tmp, keep->str, (gssize)keep->len, G_FILE_SET_CONTENTS_NONE,
                                 0600, NULL)) {
        (void)rename(tmp, record_path);
    }
}

void lh_inflight_remove(pid_t leader)
{
    GStrv lines;
    GString *keep;

    if (record_path == NULL) {
        return;
    }
    lines = read_lines();
    keep = g_string_new(NULL);
    for (char **line = lines; *line != NULL; line++) {
        entry e = {0};

        if (**line == '\0') {
            continue;
        }
        if (!parse_entry(*line, &e) || e.leader != (int)leader || e.owner != (int)getpid()) {
            g_string_append_printf(keep, "%s\n", *line);
        }
        g_free(e.argv0);
    }
    write_lines(keep);
    g_string_free(keep, TRUE);
    g_strfreev(lines);
}

static gboolean same_process(int pid, guint64 start)
{
    guint64 now = 0;

    return lh_proc_start_time(NULL, pid, &now) && now == start;
}

/* SIGTERM to the group, @grace_ms for its leader to go, then SIGKILL. */
static void end_group(const entry *e, gint64 grace_ms)
{
    gint64 until = g_get_monotonic_time() + grace_ms * 1000;

    (void)kill(-e->leader, SIGTERM);
    while (same_process(e->leader, e->leader_start) && g_get_monotonic_time() < until) {
        g_usleep((gulong)POLL_MS * 1000);
    }
    (void)kill(-e->leader, SIGKILL);
}

guint lh_inflight_reap(gint64 grace_ms, GString *report)
{
    GStrv lines;
    GString *keep;
    guint ended = 0;

    if (record_path == NULL) {
        return 0;
    }
    lines = read_lines();
    keep = g_string_new(NULL);
    for (char **line = lines; *line != NULL; line++) {
        entry e = {0};

        if (**line == '\0' || !parse_entry(*line, &e)) {
            continue; /* a torn or foreign line: nothing to end */
        }
        if (same_process(e.owner, e.owner_start)) {
            g_string_append_printf(keep, "%s\n", *line); /* its agent still runs */
        } else if (same_process(e.leader, e.leader_start)) {
            end_group(&e, grace_ms);
            ended++;
            if (report != NULL) {
                g_string_append_printf(report, "%scommand group %d (%s) left by agent %d, which "
                                               "is gone: ended",
                                       report->len > 0 ? "; " : "", e.leader, e.argv0, e.owner);
            }
        }
        g_free(e.argv0);
    }
    write_lines(keep);
    g_string_free(keep, TRUE);
    g_strfreev(lines);
    return ended;
}
