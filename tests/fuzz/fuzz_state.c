/* fuzz_state.c - the state file reader and writer (lib/runtime/state.c).
 *
 * Input: one byte choosing what lies at the state file's path, then the bytes of
 * a file. 0: a regular file of those bytes; 1: a symbolic link to such a file;
 * 2: a directory; 3: a FIFO. The state is loaded from a private scratch directory
 * as an agent would (lh_state_load), then saved and loaded again.
 * Asserts, beyond no crash:
 *   - a regular file is usable exactly when it is a [state] key file (GKeyFile) of
 *     at most 64 KiB without NUL bytes; then every key of [state] reads as
 *     GKeyFile reads it, and the state round-trips: saved (0600, no temporary file
 *     left) and loaded again, it holds the same keys and values, and a value set
 *     through the API (UTF-8 text, see state.h) comes back as it was set;
 *   - an unusable file is reported and set aside as <file>.corrupt, unchanged;
 *   - a symbolic link, a directory or a FIFO is refused without blocking, a link
 *     is never read or written through (its target keeps its bytes; a save
 *     replaces the link), and a directory makes the save fail with a reason.
 */
#include "config.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lhost/state.h>

#include "fuzz.h"

#define STATE_MAX_BYTES (64 * 1024)

static char *path;   /* where lh_state_load(dir, "fuzz", "r") looks */
static char *target; /* what a planted link points to */
static char *aside;  /* <path>.corrupt */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    const char *dir;

    fz_quiet_logs();
    dir = fz_scratch_dir();
    path = g_build_filename(dir, "lhost-fuzz-r.state", NULL);
    target = g_build_filename(dir, "target", NULL);
    aside = g_strconcat(path, ".corrupt", NULL);
    return 0;
}

static void clear_scratch(void)
{
    if (unlink(path) != 0 && errno == EISDIR) {
        rmdir(path);
    }
    rmdir(path);
    unlink(target);
    unlink(aside);
}

static void write_bytes(const char *file, const uint8_t *data, size_t size)
{
    g_autoptr(GError) error = NULL;

    FZ_ASSERT(g_file_set_contents(file, (const char *)data, (gssize)size, &error),
              "cannot write %s: %s", file, error->message);
}

static gboolean same_bytes(const char *file, const uint8_t *data, size_t size)
{
    g_autofree char *text = NULL;
    gsize len = 0;

    return g_file_get_contents(file, &text, &len, NULL) && len == size
           && memcmp(text, data, size) == 0;
}

static gboolean no_temporary_left(void)
{
    g_autoptr(GDir) dir = g_dir_open(fz_scratch_dir(), 0, NULL);
    const char *entry;

    while (dir != NULL && (entry = g_dir_read_name(dir)) != NULL) {
        if (g_str_has_suffix(entry, ".tmp")) {
            return FALSE;
        }
    }
    return TRUE;
}

/* Every key of [state] in @kf reads the same from @state; the number of keys
 * with a value (a key written twice counts once, as GKeyFile keeps the last). */
static guint assert_same_keys(GKeyFile *kf, lh_state *state)
{
    g_auto(GStrv) keys = g_key_file_get_keys(kf, "state", NULL, NULL);
    g_autoptr(GHashTable) seen = g_hash_table_new(g_str_hash, g_str_equal);

    for (gsize i = 0; keys != NULL && keys[i] != NULL; i++) {
        g_autofree char *value = g_key_file_get_string(kf, "state", keys[i], NULL);

        FZ_ASSERT(g_strcmp0(lh_state_get(state, keys[i]), value) == 0,
                  "key '%s': state has '%s', the file '%s'", keys[i],
                  lh_state_get(state, keys[i]), value);
        if (value != NULL) {
            g_hash_table_add(seen, keys[i]);
        }
    }
    return g_hash_table_size(seen);
}

/* Saves @state, loads it again: the same keys and values, and @key = @value. */
static void assert_round_trip(GKeyFile *kf, lh_state *state, const char *key, const char *value)
{
    g_autofree char *reason = NULL;
    g_autoptr(lh_state) again = NULL;
    g_autoptr(GKeyFile) saved = g_key_file_new();
    struct stat st;
    guint n;

    FZ_ASSERT(lh_state_save(state, &reason), "save failed: %s", reason);
    FZ_ASSERT(lstat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0600,
              "the saved state is not an owner-only file");
    FZ_ASSERT(no_temporary_left(), "a temporary file was left behind");
    again = lh_state_load(fz_scratch_dir(), "fuzz", "r");
    FZ_ASSERT(lh_state_problem(again) == NULL, "the saved state does not load: %s",
              lh_state_problem(again));
    n = assert_same_keys(kf, again);
    FZ_ASSERT(g_strcmp0(lh_state_get(again, key), value) == 0,
              "'%s' = '%s' came back as '%s'", key, value, lh_state_get(again, key));
    /* Nothing more was written than what was there, plus the one key set. */
    FZ_ASSERT(g_key_file_load_from_file(saved, path, G_KEY_FILE_NONE, NULL),
              "the saved state is no key file");
    {
        g_auto(GStrv) keys = g_key_file_get_keys(saved, "state", NULL, NULL);
        guint written = keys != NULL ? g_strv_length(keys) : 0;

        FZ_ASSERT(written == n + !g_key_file_has_key(kf, "state", key, NULL),
                  "%u keys written for %u read", written, n);
    }
}

static void check_regular(const uint8_t *data, size_t size)
{
    g_autoptr(GKeyFile) kf = g_key_file_new();
    gboolean usable = size <= STATE_MAX_BYTES && memchr(data, '\0', size) == NULL
                      && g_key_file_load_from_data(kf, (const char *)data, size,
                                                   G_KEY_FILE_NONE, NULL);
    g_autoptr(lh_state) state = NULL;
    g_autofree char *value = NULL;

    write_bytes(path, data, size);
    state = lh_state_load(fz_scratch_dir(), "fuzz", "r");
    if (!usable) {
        FZ_ASSERT(lh_state_problem(state) != NULL, "an unusable file loaded without a problem");
        FZ_ASSERT(!g_file_test(path, G_FILE_TEST_EXISTS) && same_bytes(aside, data, size),
                  "the unusable file was not set aside unchanged");
        return;
    }
    FZ_ASSERT(lh_state_problem(state) == NULL, "a key file was refused: %s",
              lh_state_problem(state));
    assert_same_keys(kf, state);
    /* A value of the agent's own: the input made into UTF-8 text, less what
     * state.h says the format cannot keep (a leading vertical tab or form feed). */
    value = g_utf8_make_valid(size > 0 ? (const char *)data : "", (gssize)MIN(size, 200));
    lh_state_set(state, "fuzz_value", value + strspn(value, "\v\f"));
    assert_round_trip(kf, state, "fuzz_value", value + strspn(value, "\v\f"));
}

static void check_refused(int what, const uint8_t *data, size_t size)
{
    g_autoptr(lh_state) state = NULL;
    g_autofree char *reason = NULL;
    gboolean saved;
    struct stat st;

    state = lh_state_load(fz_scratch_dir(), "fuzz", "r");
    FZ_ASSERT(lh_state_problem(state) != NULL, "kind %d was not refused", what);
    FZ_ASSERT(lstat(path, &st) == 0, "what was refused is gone");
    FZ_ASSERT(what != 1 || S_ISLNK(st.st_mode), "the link was moved or replaced on load");
    lh_state_set(state, "k", "v");
    saved = lh_state_save(state, &reason);
    FZ_ASSERT(saved == (what != 2) && (saved || reason != NULL),
              "save over kind %d: %d (%s)", what, saved, reason);
    FZ_ASSERT(no_temporary_left(), "a temporary file was left behind");
    FZ_ASSERT(what != 1 || same_bytes(target, data, size), "written through the link");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int what = size > 0 ? data[0] % 4 : 0;

    data += size > 0;
    size -= size > 0;
    clear_scratch();
    switch (what) {
    case 0:
        check_regular(data, size);
        return 0;
    case 1:
        write_bytes(target, data, size);
        FZ_ASSERT(symlink(target, path) == 0, "cannot plant a link");
        break;
    case 2:
        FZ_ASSERT(mkdir(path, 0700) == 0, "cannot make a directory");
        break;
    case 3:
        FZ_ASSERT(mkfifo(path, 0600) == 0, "cannot make a FIFO");
        break;
    }
    check_refused(what, data, size);
    return 0;
}
