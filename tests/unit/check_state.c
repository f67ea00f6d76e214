/* check_state.c - lhost/state.h: small per-resource state files.
 *
 * Every test works in a private temporary directory. What a caller relies on: a
 * missing file is an empty state and no problem; what is saved loads back the same;
 * the file is owner-only and replaced atomically (no temporary file left behind);
 * a symlink planted at the path is neither written through nor read through; a
 * corrupt file is reported, set aside as .corrupt and read as empty; a save that
 * cannot be done says why; a resource id cannot lead the file out of its directory.
 */
#include "config.h"

#include <dirent.h>
#include <sys/stat.h>

#include <lhost/state.h>

#include "check_common.h"

static gint compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The entries of @dir, sorted, space-separated (caller frees). */
static char *list_dir(const char *dir)
{
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    DIR *d = opendir(dir);
    struct dirent *e;

    ck_assert_ptr_nonnull(d);
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0) {
            g_ptr_array_add(names, g_strdup(e->d_name));
        }
    }
    closedir(d);
    g_ptr_array_sort(names, compare_names);
    g_ptr_array_add(names, NULL);
    return g_strjoinv(" ", (char **)names->pdata);
}

/* @dir holds exactly @expected (sorted, space-separated names). */
static void assert_dir_holds(const char *dir, const char *expected)
{
    g_autofree char *names = list_dir(dir);

    ck_assert_str_eq(names, expected);
}

static lh_state *load(const char *dir)
{
    return lh_state_load(dir, "demo", "rsc_demo");
}

static void save_ok(lh_state *state)
{
    char *reason = NULL;
    gboolean ok = lh_state_save(state, &reason);

    ck_assert_msg(ok, "save failed: %s", reason ? reason : "(no reason)");
    ck_assert_ptr_null(reason);
}

/* The path a state of "demo"/"rsc_demo" in @dir is kept at. */
static char *state_path(const char *dir)
{
    g_autoptr(lh_state) state = load(dir);

    return g_strdup(lh_state_path(state));
}

START_TEST(state_missing_file_is_empty)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autoptr(lh_state) state = load(dir);

    ck_assert_ptr_null(lh_state_problem(state));
    ck_assert_ptr_null(lh_state_get(state, "anything"));
    ck_assert_int_eq(lh_state_get_int(state, "count", -7), -7);
    ck_assert_ptr_nonnull(lh_state_path(state));
    ck_assert(g_str_has_prefix(lh_state_path(state), dir));
    /* Loading creates nothing. */
    assert_dir_holds(dir, "");
    lh_test_rmtree(dir);
}
END_TEST

START_TEST(state_set_get_remove)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autoptr(lh_state) state = load(dir);

    lh_state_set(state, "last_start", "2026-01-01 00:00:00, OCF_SUCCESS");
    lh_state_set_int(state, "count", 42);
    lh_state_set_int(state, "negative", -5);
    lh_state_set_int(state, "big", G_MAXINT64);
    ck_assert_str_eq(lh_state_get(state, "last_start"), "2026-01-01 00:00:00, OCF_SUCCESS");
    ck_assert_int_eq(lh_state_get_int(state, "count", 0), 42);
    ck_assert_str_eq(lh_state_get(state, "count"), "42");
    ck_assert_int_eq(lh_state_get_int(state, "negative", 0), -5);
    ck_assert_int_eq(lh_state_get_int(state, "big", 0), G_MAXINT64);
    /* Not a number: the fallback. */
    ck_assert_int_eq(lh_state_get_int(state, "last_start", 9), 9);
    /* Set again: replaced. */
    lh_state_set(state, "last_start", "later");
    ck_assert_str_eq(lh_state_get(state, "last_start"), "later");
    lh_state_remove(state, "last_start");
    ck_assert_ptr_null(lh_state_get(state, "last_start"));
    lh_state_remove(state, "never-set");
    lh_test_rmtree(dir);
}
END_TEST

/* An agent's monitor that changes nothing writes nothing: what counts as a change. */
START_TEST(state_changes_and_save_changes)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autoptr(lh_state) state = load(dir);
    g_autoptr(lh_state) again = NULL;
    char *why = NULL;

    ck_assert(!lh_state_changed(state));
    lh_state_remove(state, "absent");
    ck_assert(!lh_state_changed(state));
    ck_assert(lh_state_save_changes(state, &why));
    assert_dir_holds(dir, ""); /* nothing changed: nothing written */
    lh_state_set(state, "role", "promoted");
    lh_state_set_int(state, "limit", 42);
    ck_assert(lh_state_changed(state));
    ck_assert(lh_state_save_changes(state, &why));
    ck_assert(!lh_state_changed(state));
    lh_state_set(state, "role", "promoted");
    lh_state_set_int(state, "limit", 42);
    ck_assert(!lh_state_changed(state)); /* the same values */
    lh_state_set(state, "role", NULL);    /* NULL removes */
    ck_assert(lh_state_changed(state));
    ck_assert_ptr_null(lh_state_get(state, "role"));
    ck_assert(lh_state_save_changes(state, &why));
    again = load(dir);
    ck_assert_ptr_null(lh_state_get(again, "role"));
    ck_assert_int_eq(lh_state_get_int(again, "limit", 0), 42);
    ck_assert(!lh_state_changed(again)); /* a load is no change */
    lh_test_rmtree(dir);
}
END_TEST

START_TEST(state_save_load_round_trip)
{
    g_autofree char *dir = lh_test_tmpdir();
    lh_state *state = load(dir);
    g_autoptr(lh_state) again = NULL;

    lh_state_set(state, "plain", "value");
    lh_state_set(state, "spaces", "a value with spaces");
    lh_state_set(state, "punctuation", "a=b; [c] #d, 50%, \xc3\xa9t\xc3\xa9");
    lh_state_set(state, "empty", "");
    lh_state_set_int(state, "count", 12345);
    lh_state_set(state, "removed", "x");
    lh_state_remove(state, "removed");
    save_ok(state);
    lh_state_free(state);

    again = load(dir);
    ck_assert_ptr_null(lh_state_problem(again));
    ck_assert_str_eq(lh_state_get(again, "plain"), "value");
    ck_assert_str_eq(lh_state_get(again, "spaces"), "a value with spaces");
    ck_assert_str_eq(lh_state_get(again, "punctuation"), "a=b; [c] #d, 50%, \xc3\xa9t\xc3\xa9");
    ck_assert_str_eq(lh_state_get(again, "empty"), "");
    ck_assert_int_eq(lh_state_get_int(again, "count", 0), 12345);
    ck_assert_ptr_null(lh_state_get(again, "removed"));
    lh_test_rmtree(dir);
}
END_TEST

/* Saves {key: @value, "sentinel": ...}, loads it back and compares. */
static void assert_value_round_trips(const char *value)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *want = g_strescape(value, NULL);
    g_autofree char *shown = NULL;
    lh_state *state = load(dir);
    g_autoptr(lh_state) again = NULL;
    const char *got;

    lh_state_set(state, "value", value);
    lh_state_set(state, "sentinel", "still here");
    save_ok(state);
    lh_state_free(state);
    again = load(dir);
    ck_assert_msg(lh_state_problem(again) == NULL, "with '%s' saved, the state does not load: %s",
                  want, lh_state_problem(again));
    ck_assert_str_eq(lh_state_get(again, "sentinel"), "still here");
    got = lh_state_get(again, "value");
    shown = got != NULL ? g_strescape(got, NULL) : g_strdup("(null)");
    ck_assert_msg(got != NULL && strcmp(got, value) == 0, "'%s' came back as '%s'", want, shown);
    lh_test_rmtree(dir);
}

START_TEST(state_round_trip_of_backslashes_and_trailing_spaces)
{
    assert_value_round_trips("back\\slash \\n not a newline");
    assert_value_round_trips("trailing spaces  ");
    assert_value_round_trips("[not a group]");
}
END_TEST

/* Any string set is a string got back after a save, whatever it holds: an agent
 * may keep a command's message. */
START_TEST(state_round_trip_of_a_newline)
{
    /* Regression (fixed): lh_state_save() writes values raw with g_key_file_set_value(): a newline
     * in one value makes the whole file unparsable, so the next load reports it
     * corrupt and every key is lost. */
    assert_value_round_trips("line one\nline two");
}
END_TEST

START_TEST(state_round_trip_of_leading_spaces)
{
    /* Regression (fixed): same cause: "key=  value" is read back as "value". */
    assert_value_round_trips("  leading spaces");
}
END_TEST

START_TEST(state_file_is_owner_only_and_no_temp_remains)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autoptr(lh_state) state = load(dir);
    g_autofree char *name = g_path_get_basename(lh_state_path(state));
    struct stat st;
    mode_t old_umask = umask(0); /* even with a permissive umask */

    lh_state_set(state, "secret", "x");
    save_ok(state);
    umask(old_umask);
    ck_assert_int_eq(lstat(lh_state_path(state), &st), 0);
    ck_assert(S_ISREG(st.st_mode));
    ck_assert_int_eq(st.st_mode & 07777, 0600);
    /* Saving again replaces it; only the state file is ever left. */
    lh_state_set(state, "secret", "y");
    save_ok(state);
    assert_dir_holds(dir, name);
    ck_assert_int_eq(lstat(lh_state_path(state), &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, 0600);
    lh_test_rmtree(dir);
}
END_TEST

START_TEST(state_save_creates_the_directory)
{
    g_autofree char *top = lh_test_tmpdir();
    g_autofree char *dir = g_build_filename(top, "resource-agents", "sub", NULL);
    g_autoptr(lh_state) state = load(dir);
    g_autoptr(lh_state) again = NULL;

    lh_state_set(state, "k", "v");
    save_ok(state);
    again = load(dir);
    ck_assert_str_eq(lh_state_get(again, "k"), "v");
    lh_test_rmtree(top);
}
END_TEST

START_TEST(state_symlink_is_not_written_through)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *victim = g_build_filename(dir, "victim", NULL);
    g_autofree char *path = state_path(dir);
    g_autoptr(lh_state) state = NULL;
    g_autofree char *after = NULL;
    struct stat st;

    lh_test_write_file(victim, "precious\n", 0644);
    ck_assert_int_eq(symlink(victim, path), 0);
    state = load(dir);
    lh_state_set(state, "k", "v");
    /* Saving may replace the link or refuse; it must never write into the target. */
    {
        char *reason = NULL;

        lh_state_save(state, &reason);
        g_free(reason);
    }
    after = lh_test_read_file(victim);
    ck_assert_str_eq(after, "precious\n");
    ck_assert_int_eq(stat(victim, &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, 0644);
    lh_test_rmtree(dir);
}
END_TEST

START_TEST(state_symlink_is_not_read_through)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *elsewhere = g_build_filename(dir, "elsewhere", NULL);
    g_autofree char *path = state_path(dir);
    g_autoptr(lh_state) state = NULL;

    /* A perfectly valid state, but reached through a link. */
    lh_test_write_file(elsewhere, "[state]\nk=planted\n", 0600);
    ck_assert_int_eq(symlink(elsewhere, path), 0);
    state = load(dir);
    ck_assert_ptr_nonnull(lh_state_problem(state));
    ck_assert_ptr_null(lh_state_get(state, "k"));
    lh_test_rmtree(dir);
}
END_TEST

START_TEST(state_fifo_is_refused_without_blocking)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = state_path(dir);
    g_autoptr(lh_state) state = NULL;

    /* A FIFO would block a plain open() for ever: a monitor must not hang on it. */
    ck_assert_int_eq(mkfifo(path, 0600), 0);
    state = load(dir);
    ck_assert_ptr_nonnull(lh_state_problem(state));
    lh_test_rmtree(dir);
}
END_TEST

/* Writes @content (of @len bytes) at the state path, loads, and checks the outcome. */
static void assert_corrupt(const char *content, gsize len)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = state_path(dir);
    g_autofree char *aside = g_strconcat(path, ".corrupt", NULL);
    g_autoptr(lh_state) state = NULL;
    g_autofree char *kept = NULL;
    gsize kept_len = 0;

    ck_assert(g_file_set_contents(path, content, (gssize)len, NULL));
    state = load(dir);
    ck_assert_msg(lh_state_problem(state) != NULL, "a corrupt file loaded without a problem");
    ck_assert_ptr_null(lh_state_get(state, "k"));
    /* Set aside, intact, for whoever investigates; the path is free again. */
    ck_assert_msg(g_file_get_contents(aside, &kept, &kept_len, NULL), "no %s", aside);
    ck_assert_uint_eq(kept_len, len);
    ck_assert(memcmp(kept, content, len) == 0);
    ck_assert(!g_file_test(path, G_FILE_TEST_EXISTS));
    /* And the state is usable: a save works and loads back. */
    lh_state_set(state, "k", "fresh");
    save_ok(state);
    {
        g_autoptr(lh_state) again = load(dir);

        ck_assert_ptr_null(lh_state_problem(again));
        ck_assert_str_eq(lh_state_get(again, "k"), "fresh");
    }
    lh_test_rmtree(dir);
}

START_TEST(state_corrupt_key_file)
{
    static const char *const corrupt[] = {
        "this is not a key file\n",
        "k=value before any group\n",
        "[state\nk=v\n",
        "[state]\nk=v\njust words\n",
    };

    for (gsize i = 0; i < G_N_ELEMENTS(corrupt); i++) {
        assert_corrupt(corrupt[i], strlen(corrupt[i]));
    }
}
END_TEST

START_TEST(state_corrupt_binary_garbage)
{
    static const char garbage[] = "\x89PNG\r\n\x1a\n\xff\xfe\xfd\x01\x02\x03garbage\x80\x81";

    assert_corrupt(garbage, sizeof(garbage) - 1);
}
END_TEST

/* What a crash during a write-back can leave on some file systems: zeros. */
START_TEST(state_corrupt_zero_filled)
{
    static const char half[] = "[state]\nk=v\n\0\0\0\0garbage after the zeros\n";
    char zeros[4096];

    memset(zeros, 0, sizeof(zeros));
    /* Regression (fixed): read_state_file() keeps the bytes with g_strndup() and parse_state()
     * measures them with strlen(), so everything after the first NUL is ignored: a
     * file of zeros parses as an empty key file and loads with no problem, is not
     * set aside, and a valid prefix followed by garbage is accepted. */
    assert_corrupt(zeros, sizeof(zeros));
    assert_corrupt(half, sizeof(half) - 1);
}
END_TEST

START_TEST(state_oversized_file_is_corrupt)
{
    gsize len = 200 * 1024;
    g_autofree char *big = g_malloc(len);

    /* Well-formed but far larger than any state: reported, set aside. */
    memset(big, '#', len);
    big[len - 1] = '\n';
    /* Regression (fixed): read_state_file() reports a file over 64 KiB as "corrupt" but
     * lh_state_load() sets aside only files that fail to parse, so it is neither
     * kept as .corrupt, as state.h promises for a corrupt file, nor removed. */
    assert_corrupt(big, len);
}
END_TEST

START_TEST(state_unwritable_directory_fails_with_a_reason)
{
    g_autofree char *top = lh_test_tmpdir();
    g_autofree char *file = g_build_filename(top, "a-file", NULL);
    g_autofree char *below_file = g_build_filename(file, "state", NULL);
    g_autoptr(lh_state) state = NULL;
    char *reason = NULL;

    /* A directory that cannot exist (under a regular file): true even for root. */
    lh_test_write_file(file, "", 0644);
    state = lh_state_load(below_file, "demo", "rsc_demo");
    lh_state_set(state, "k", "v");
    ck_assert(!lh_state_save(state, &reason));
    ck_assert_ptr_nonnull(reason);
    ck_assert_str_ne(reason, "");
    g_free(reason);
    reason = NULL;

    /* Without write permission (meaningless for root, who may write anyway). */
    if (geteuid() != 0) {
        g_autofree char *locked = g_build_filename(top, "locked", NULL);
        g_autoptr(lh_state) in_locked = NULL;

        ck_assert_int_eq(mkdir(locked, 0500), 0);
        in_locked = lh_state_load(locked, "demo", "rsc_demo");
        lh_state_set(in_locked, "k", "v");
        ck_assert(!lh_state_save(in_locked, &reason));
        ck_assert_ptr_nonnull(reason);
        g_free(reason);
        reason = NULL;
    }
    lh_test_rmtree(top);
}
END_TEST

START_TEST(state_failed_rename_leaves_no_temp)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autofree char *path = state_path(dir);
    g_autofree char *name = g_path_get_basename(path);
    g_autoptr(lh_state) state = NULL;
    char *reason = NULL;

    /* A non-empty directory where the file goes: the rename cannot replace it. */
    ck_assert_int_eq(mkdir(path, 0700), 0);
    {
        g_autofree char *inside = g_build_filename(path, "x", NULL);

        lh_test_write_file(inside, "x", 0600);
    }
    state = load(dir);
    lh_state_set(state, "k", "v");
    ck_assert(!lh_state_save(state, &reason));
    ck_assert_ptr_nonnull(reason);
    g_free(reason);
    assert_dir_holds(dir, name);
    lh_test_rmtree(dir);
}
END_TEST

START_TEST(state_resource_id_cannot_escape)
{
    static const char *const hostile[] = {
        "../../etc/passwd", "a/b", "..", "/abs", "x\ny", "rsc with spaces",
    };
    g_autofree char *top = lh_test_tmpdir();
    g_autofree char *dir = g_build_filename(top, "states", NULL);

    ck_assert_int_eq(mkdir(dir, 0755), 0);
    for (gsize i = 0; i < G_N_ELEMENTS(hostile); i++) {
        g_autoptr(lh_state) state = lh_state_load(dir, "demo", hostile[i]);
        g_autofree char *parent = g_path_get_dirname(lh_state_path(state));
        g_autofree char *base = g_path_get_basename(lh_state_path(state));

        ck_assert_msg(strcmp(parent, dir) == 0, "'%s' leads to %s", hostile[i],
                      lh_state_path(state));
        ck_assert_ptr_null(strchr(base, '/'));
        ck_assert_ptr_null(strchr(base, '\n'));
        ck_assert_str_ne(base, "..");
        lh_state_set(state, "k", "v");
        save_ok(state);
    }
    /* Nothing was written beside the state directory. */
    assert_dir_holds(top, "states");
    lh_test_rmtree(top);
}
END_TEST

START_TEST(state_different_resources_different_files)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autoptr(lh_state) a = lh_state_load(dir, "demo", "rsc_a");
    g_autoptr(lh_state) b = lh_state_load(dir, "demo", "rsc_b");
    g_autoptr(lh_state) other_agent = lh_state_load(dir, "other", "rsc_a");

    ck_assert_str_ne(lh_state_path(a), lh_state_path(b));
    ck_assert_str_ne(lh_state_path(a), lh_state_path(other_agent));
    lh_test_rmtree(dir);
}
END_TEST

START_TEST(state_default_directory_is_ha_rsctmp)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autoptr(lh_state) state = NULL;
    g_autofree char *parent = NULL;

    g_setenv("HA_RSCTMP", dir, TRUE);
    state = lh_state_load(NULL, "demo", "rsc_demo");
    parent = g_path_get_dirname(lh_state_path(state));
    ck_assert_str_eq(parent, dir);
    lh_test_rmtree(dir);
}
END_TEST

/* An empty HA_RSCTMP is an unset one, as every empty OCF variable is here: the state
 * must not land in whatever directory the agent happens to run in. */
START_TEST(state_empty_ha_rsctmp_is_unset)
{
    g_autoptr(lh_state) state = NULL;

    g_setenv("HA_RSCTMP", "", TRUE);
    state = lh_state_load(NULL, "demo", "rsc_demo");
    /* Regression (fixed): lh_state_load() uses "" as the directory, so the path is relative
     * ("lhost-demo-rsc_demo.state", in the current directory). */
    ck_assert_msg(g_path_is_absolute(lh_state_path(state)), "state path '%s' is relative",
                  lh_state_path(state));
}
END_TEST

START_TEST(state_delete)
{
    g_autofree char *dir = lh_test_tmpdir();
    g_autoptr(lh_state) state = load(dir);
    g_autoptr(lh_state) again = NULL;
    char *reason = NULL;

    lh_state_set(state, "k", "v");
    save_ok(state);
    ck_assert(g_file_test(lh_state_path(state), G_FILE_TEST_EXISTS));
    ck_assert(lh_state_delete(state, &reason));
    ck_assert_ptr_null(reason);
    ck_assert(!g_file_test(lh_state_path(state), G_FILE_TEST_EXISTS));
    ck_assert_ptr_null(lh_state_get(state, "k"));
    /* Deleting what is not there is no error. */
    ck_assert(lh_state_delete(state, &reason));
    ck_assert_ptr_null(reason);
    again = load(dir);
    ck_assert_ptr_null(lh_state_problem(again));
    ck_assert_ptr_null(lh_state_get(again, "k"));
    assert_dir_holds(dir, "");
    lh_test_rmtree(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("state");

    add_tcase(s, state_missing_file_is_empty);
    add_tcase(s, state_set_get_remove);
    add_tcase(s, state_save_load_round_trip);
    add_tcase(s, state_round_trip_of_backslashes_and_trailing_spaces);
    add_tcase(s, state_round_trip_of_a_newline);
    add_tcase(s, state_round_trip_of_leading_spaces);
    add_tcase(s, state_file_is_owner_only_and_no_temp_remains);
    add_tcase(s, state_save_creates_the_directory);
    add_tcase(s, state_symlink_is_not_written_through);
    add_tcase(s, state_symlink_is_not_read_through);
    add_tcase(s, state_fifo_is_refused_without_blocking);
    add_tcase(s, state_corrupt_key_file);
    add_tcase(s, state_corrupt_binary_garbage);
    add_tcase(s, state_corrupt_zero_filled);
    add_tcase(s, state_oversized_file_is_corrupt);
    add_tcase(s, state_unwritable_directory_fails_with_a_reason);
    add_tcase(s, state_failed_rename_leaves_no_temp);
    add_tcase(s, state_resource_id_cannot_escape);
    add_tcase(s, state_different_resources_different_files);
    add_tcase(s, state_default_directory_is_ha_rsctmp);
    add_tcase(s, state_empty_ha_rsctmp_is_unset);
    add_tcase(s, state_delete);
    add_tcase(s, state_changes_and_save_changes);
    return lh_test_run_suite(s);
}
