/* state.c - atomic, owner-only, symlink-proof per-resource state files. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lhost/log.h>
#include <lhost/state.h>

#define STATE_GROUP "state"
#define STATE_MAX_BYTES ((ssize_t)64 * 1024) /* compared with read()'s result */
#define DEFAULT_STATE_DIR "/run/resource-agents"

struct lh_state {
    char *dir;
    char *path;
    GHashTable *values; /* key -> value, both owned; GKeyFile is only the file format */
    char *problem;
    gboolean changed;   /* a value set or removed since the load or the last save */
};

/* A resource id becomes part of a file name: keep it to a safe alphabet. */
static char *safe_name(const char *agent, const char *resource)
{
    char *name = g_strdup_printf("lhost-%s-%s.state", agent, resource);

    g_strcanon(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-", '_');
    return name;
}

/* Reads the file without following a link; NULL with *problem when unusable, and
 * *corrupt when the file is there but is no state (to be set aside). */
static char *read_state_file(const char *path, char **problem, gboolean *corrupt)
{
    char buf[STATE_MAX_BYTES + 1];
    struct stat st;
    ssize_t n;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);

    *corrupt = FALSE;
    if (fd < 0) {
        if (errno != ENOENT) {
            *problem = g_strdup_printf("refused %s: %s", path,
                                       errno == ELOOP ? "it is a symbolic link"
                                                      : g_strerror(errno));
        }
        return NULL;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        *problem = g_strdup_printf("refused %s: not a regular file", path);
        close(fd);
        return NULL;
    }
    do {
        n = read(fd, buf, sizeof(buf));
    } while (n < 0 && errno == EINTR);
    close(fd);
    /* A crash can leave zero bytes behind: a NUL is never part of a state. */
    if (n < 0 || n > STATE_MAX_BYTES || memchr(buf, '\0', (size_t)n) != NULL) {
        *problem = g_strdup_printf("corrupt %s: %s", path,
                                   n < 0                  ? g_strerror(errno)
                                   : n > STATE_MAX_BYTES ? "larger than a state can be"
                                                          : "it contains NUL bytes");
        *corrupt = n >= 0;
        return NULL;
    }
    return g_strndup(buf, (gsize)n);
}

/* A corrupt file is kept aside for whoever investigates, then replaced. */
static void set_aside(const char *path)
{
    g_autofree char *aside = g_strconcat(path, ".corrupt", NULL);

    if (rename(path, aside) != 0) {
        unlink(path);
    }
}

/* Fills @values from the file's text; FALSE with *problem when it does not parse. */
static gboolean parse_state(const char *path, const char *data, GHashTable *values,
                            char **problem)
{
    g_autoptr(GKeyFile) file = g_key_file_new();
    g_autoptr(GError) error = NULL;
    g_auto(GStrv) keys = NULL;

    if (!g_key_file_load_from_data(file, data, strlen(data), G_KEY_FILE_NONE, &error)) {
        *problem = g_strdup_printf("corrupt %s: %s", path, error->message);
        return FALSE;
    }
    keys = g_key_file_get_keys(file, STATE_GROUP, NULL, NULL);
    for (gsize i = 0; keys != NULL && keys[i] != NULL; i++) {
        char *value = g_key_file_get_string(file, STATE_GROUP, keys[i], NULL);

        if (value != NULL) {
            g_hash_table_insert(values, g_strdup(keys[i]), value);
        }
    }
    return TRUE;
}

lh_state *lh_state_load(const char *dir, const char *agent, const char *resource)
{
    lh_state *state = g_new0(lh_state, 1);
    g_autofree char *name = safe_name(agent, resource);
    g_autofree char *data = NULL;
    gboolean corrupt = FALSE;

    if (dir == NULL || *dir == '\0') {
        dir = getenv("HA_RSCTMP");
    }
    if (dir == NULL || *dir == '\0') {
        dir = DEFAULT_STATE_DIR; /* never a relative path: the cwd is anyone's */
    }
    state->dir = g_strdup(dir);
    state->path = g_build_filename(dir, name, NULL);
    state->values = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    data = read_state_file(state->path, &state->problem, &corrupt);
    if (data != NULL && !parse_state(state->path, data, state->values, &state->problem)) {
        g_hash_table_remove_all(state->values);
        corrupt = TRUE;
    }
    if (corrupt) {
        set_aside(state->path);
    }
    if (state->problem != NULL) {
        lh_warn("state: %s; starting from an empty state", state->problem);
    }
    return state;
}

void lh_state_free(lh_state *state)
{
    if (state == NULL) {
        return;
    }
    g_hash_table_unref(state->values);
    g_free(state->dir);
    g_free(state->path);
    g_free(state->problem);
    g_free(state);
}

const char *lh_state_problem(const lh_state *state)
{
    return state->problem;
}

const char *lh_state_path(const lh_state *state)
{
    return state->path;
}

const char *lh_state_get(lh_state *state, const char *key)
{
    return g_hash_table_lookup(state->values, key);
}

gint64 lh_state_get_int(lh_state *state, const char *key, gint64 fallback)
{
    const char *text = lh_state_get(state, key);
    gint64 value;

    if (text == NULL || !g_ascii_string_to_signed(text, 10, G_MININT64, G_MAXINT64, &value,
                                                  NULL)) {
        return fallback;
    }
    return value;
}

void lh_state_set(lh_state *state, const char *key, const char *value)
{
    if (value == NULL) {
        lh_state_remove(state, key);
        return;
    }
    if (g_strcmp0(g_hash_table_lookup(state->values, key), value) == 0) {
        return;
    }
    g_hash_table_insert(state->values, g_strdup(key), g_strdup(value));
    state->changed = TRUE;
}

void lh_state_set_int(lh_state *state, const char *key, gint64 value)
{
    g_autofree char *text = g_strdup_printf("%" G_GINT64_FORMAT, value);

    lh_state_set(state, key, text);
}

void lh_state_remove(lh_state *state, const char *key)
{
    if (g_hash_table_remove(state->values, key)) {
        state->changed = TRUE;
    }
}

gboolean lh_state_changed(const lh_state *state)
{
    return state->changed;
}

gboolean lh_state_save_changes(lh_state *state, char **reason)
{
    *reason = NULL;
    return !state->changed || lh_state_save(state, reason);
}

static char *serialise(GHashTable *values)
{
    g_autoptr(GKeyFile) file = g_key_file_new();
    GHashTableIter iter;
    gpointer key, value;

    g_key_file_set_comment(file, NULL, NULL, " lhost resource state; rewritten atomically",
                           NULL);
    g_hash_table_iter_init(&iter, values);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        g_key_file_set_string(file, STATE_GROUP, key, value); /* escapes newlines */
    }
    return g_key_file_to_data(file, NULL, NULL);
}

/* Writes all of @data to a new file; the file is synced before it is renamed. */
static gboolean write_new_file(const char *tmp, const char *data, char **reason)
{
    gsize len = strlen(data), done = 0;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);

    if (fd < 0) {
        *reason = g_strdup_printf("cannot create %s: %s", tmp, g_strerror(errno));
        return FALSE;
    }
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);

        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            *reason = g_strdup_printf("cannot write %s: %s", tmp, g_strerror(errno));
            close(fd);
            return FALSE;
        }
        done += (gsize)n;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        *reason = g_strdup_printf("cannot sync %s: %s", tmp, g_strerror(errno));
        return FALSE;
    }
    return TRUE;
}

static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

gboolean lh_state_save(lh_state *state, char **reason)
{
    g_autofree char *data = serialise(state->values);
    g_autofree char *tmp = g_strdup_printf("%s.%d.tmp", state->path, (int)getpid());

    *reason = NULL;
    if (g_mkdir_with_parents(state->dir, 0755) != 0) {
        *reason = g_strdup_printf("cannot create %s: %s", state->dir, g_strerror(errno));
        return FALSE;
    }
    unlink(tmp); /* a leftover of a killed earlier run with our pid */
    if (!write_new_file(tmp, data, reason)) {
        unlink(tmp);
        return FALSE;
    }
    /* rename() replaces a symlink planted at the path; it never writes through it. */
    if (rename(tmp, state->path) != 0) {
        *reason = g_strdup_printf("cannot rename %s: %s", tmp, g_strerror(errno));
        unlink(tmp);
        return FALSE;
    }
    sync_dir(state->dir);
    state->changed = FALSE;
    return TRUE;
}

gboolean lh_state_delete(lh_state *state, char **reason)
{
    *reason = NULL;
    g_hash_table_remove_all(state->values);
    if (unlink(state->path) != 0 && errno != ENOENT) {
        *reason = g_strdup_printf("cannot remove %s: %s", state->path, g_strerror(errno));
        return FALSE;
    }
    return TRUE;
}
