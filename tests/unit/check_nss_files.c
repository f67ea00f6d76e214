/* check_nss_files.c - lib/runtime/nss_files.c: the static agents' user database.
 *
 * What a caller (glib's gutils.o) relies on: getpwnam_r, getpwuid_r and getpwuid find
 * root and any other user of /etc/passwd with every field as the file has it; an
 * absent user is 0 with *result NULL (getpwuid: NULL, errno unchanged); a buffer too
 * small is ERANGE with *result NULL and nothing written past it, and the same call
 * with a larger buffer then succeeds; results live in the caller's buffer only, so
 * lookups interleaved or in parallel threads do not disturb each other.
 *
 * The suite compiles nss_files.c into itself: an object's definitions win over
 * libc's and over the sanitizers' interceptors, which an archive's would not (a shared
 * library named first defines the symbols before the archive is searched). errno,
 * which glibc's getpwnam_r sets and these leave alone, shows which ones ran. The
 * expected entries are read from /etc/passwd with fgetpwent, which is libc's.
 */
#include "config.h"

#include <pthread.h>
#include <pwd.h>

#include "check_common.h"

#define PASSWD "/etc/passwd"
#define NO_SUCH_USER "lhost-no-such-user"
#define CANARY 0x5a

/* The test's own copy of an entry of /etc/passwd. */
typedef struct {
    char *name, *passwd, *gecos, *dir, *shell;
    uid_t uid;
    gid_t gid;
} expected_user;

static void expected_user_set(expected_user *user, const struct passwd *pw)
{
    user->name = g_strdup(pw->pw_name);
    user->passwd = g_strdup(pw->pw_passwd);
    user->gecos = g_strdup(pw->pw_gecos);
    user->dir = g_strdup(pw->pw_dir);
    user->shell = g_strdup(pw->pw_shell);
    user->uid = pw->pw_uid;
    user->gid = pw->pw_gid;
}

static void expected_user_release(expected_user *user)
{
    g_free(user->name);
    g_free(user->passwd);
    g_free(user->gecos);
    g_free(user->dir);
    g_free(user->shell);
}

/* Every line of /etc/passwd, in order, as libc's fgetpwent reads it. */
static GArray *read_passwd(void)
{
    GArray *users = g_array_new(FALSE, TRUE, sizeof(expected_user));
    FILE *f = fopen(PASSWD, "re");
    struct passwd *pw;

    g_array_set_clear_func(users, (GDestroyNotify)expected_user_release);
    ck_assert_ptr_nonnull(f);
    while ((pw = fgetpwent(f)) != NULL) {
        expected_user user;

        expected_user_set(&user, pw);
        g_array_append_val(users, user);
    }
    fclose(f);
    return users;
}

/* Whether a line of @users before @upto has @name (or, @name NULL, @uid). */
static gboolean passwd_has_before(const GArray *users, guint upto, const char *name, uid_t uid)
{
    for (guint i = 0; i < upto && i < users->len; i++) {
        const expected_user *user = &g_array_index(users, expected_user, i);

        if (name != NULL ? strcmp(user->name, name) == 0 : user->uid == uid) {
            return TRUE;
        }
    }
    return FALSE;
}

static void expected_user_copy(expected_user *to, const expected_user *from)
{
    *to = (expected_user){g_strdup(from->name), g_strdup(from->passwd), g_strdup(from->gecos),
                          g_strdup(from->dir), g_strdup(from->shell), from->uid, from->gid};
}

/* The entry of uid 0 that a lookup by uid finds (the first), and the last user of
 * /etc/passwd whose name and uid are its first: found by name and by uid alike. */
static void read_expected(expected_user *root, expected_user *other)
{
    g_autoptr(GArray) users = read_passwd();
    const expected_user *first_root = NULL, *last_other = NULL;

    for (guint i = 0; i < users->len; i++) {
        const expected_user *user = &g_array_index(users, expected_user, i);

        if (user->uid == 0 && first_root == NULL) {
            first_root = user;
        } else if (user->uid != 0 && !passwd_has_before(users, i, user->name, 0)
                   && !passwd_has_before(users, i, NULL, user->uid)) {
            last_other = user;
        }
    }
    ck_assert_msg(first_root != NULL, PASSWD " has no uid 0");
    ck_assert_msg(last_other != NULL, PASSWD " has no user besides uid 0");
    expected_user_copy(root, first_root);
    expected_user_copy(other, last_other);
}

static void assert_user(const struct passwd *pw, const expected_user *user)
{
    ck_assert_ptr_nonnull(pw);
    ck_assert_str_eq(pw->pw_name, user->name);
    ck_assert_str_eq(pw->pw_passwd, user->passwd);
    ck_assert_str_eq(pw->pw_gecos, user->gecos);
    ck_assert_str_eq(pw->pw_dir, user->dir);
    ck_assert_str_eq(pw->pw_shell, user->shell);
    ck_assert_uint_eq(pw->pw_uid, user->uid);
    ck_assert_uint_eq(pw->pw_gid, user->gid);
}

/* Whether every string of @pw lies within @buf[0..@len). */
static gboolean strings_within(const struct passwd *pw, const char *buf, size_t len)
{
    const char *fields[] = {pw->pw_name, pw->pw_passwd, pw->pw_gecos, pw->pw_dir, pw->pw_shell};

    for (size_t i = 0; i < G_N_ELEMENTS(fields); i++) {
        if (fields[i] < buf || fields[i] + strlen(fields[i]) >= buf + len) {
            return FALSE;
        }
    }
    return TRUE;
}

/* A uid that no line of /etc/passwd has. */
static uid_t absent_uid(void)
{
    g_autoptr(GArray) users = read_passwd();
    uid_t uid = 4000000000U;

    while (passwd_has_before(users, G_MAXUINT, NULL, uid)) {
        uid++;
    }
    return uid;
}

START_TEST(root_and_another_user_by_name_and_by_uid)
{
    expected_user root, other;
    struct passwd pwd, *result = NULL;
    char buf[4096];
    int rc, saved;

    read_expected(&root, &other);
    errno = EDOM;
    rc = getpwnam_r("root", &pwd, buf, sizeof buf, &result);
    saved = errno;
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(saved, EDOM);
    ck_assert_ptr_eq(result, &pwd);
    ck_assert_uint_eq(pwd.pw_uid, 0);
    ck_assert(strings_within(&pwd, buf, sizeof buf));

    result = NULL;
    ck_assert_int_eq(getpwuid_r(0, &pwd, buf, sizeof buf, &result), 0);
    ck_assert_ptr_eq(result, &pwd);
    assert_user(result, &root);

    result = NULL;
    ck_assert_int_eq(getpwnam_r(other.name, &pwd, buf, sizeof buf, &result), 0);
    ck_assert_ptr_eq(result, &pwd);
    assert_user(result, &other);
    ck_assert(strings_within(&pwd, buf, sizeof buf));

    result = NULL;
    ck_assert_int_eq(getpwuid_r(other.uid, &pwd, buf, sizeof buf, &result), 0);
    ck_assert_ptr_eq(result, &pwd);
    assert_user(result, &other);

    assert_user(getpwuid(0), &root);
    assert_user(getpwuid(other.uid), &other);
    expected_user_release(&root);
    expected_user_release(&other);
}
END_TEST

START_TEST(absent_users_are_0_and_null_errno_unchanged)
{
    struct passwd pwd, *result = &pwd, *pw;
    char buf[4096];
    uid_t uid = absent_uid();
    int rc, saved;

    /* errno is read at once: Check's assertions may change it. */
    errno = EDOM;
    rc = getpwnam_r(NO_SUCH_USER, &pwd, buf, sizeof buf, &result);
    saved = errno;
    ck_assert_int_eq(rc, 0);
    ck_assert_ptr_null(result);
    ck_assert_int_eq(saved, EDOM);

    result = &pwd;
    ck_assert_int_eq(getpwnam_r("", &pwd, buf, sizeof buf, &result), 0);
    ck_assert_ptr_null(result);

    result = &pwd;
    errno = EDOM;
    rc = getpwuid_r(uid, &pwd, buf, sizeof buf, &result);
    saved = errno;
    ck_assert_int_eq(rc, 0);
    ck_assert_ptr_null(result);
    ck_assert_int_eq(saved, EDOM);

    errno = EDOM;
    pw = getpwuid(uid);
    saved = errno;
    ck_assert_ptr_null(pw);
    ck_assert_int_eq(saved, EDOM);
}
END_TEST

/* Every buffer size from 0 up: ERANGE and NULL until the entry fits, nothing written
 * past the size given, and from the first size that fits, the entry. */
static void assert_small_buffers(const char *name, const expected_user *user)
{
    enum { MAX = 4096 };
    char buf[MAX + 64];
    size_t len;
    gboolean fitted = FALSE;

    for (len = 0; len <= MAX && !fitted; len++) {
        struct passwd pwd, *result = &pwd;
        int rc;

        memset(buf, CANARY, sizeof buf);
        rc = name != NULL ? getpwnam_r(name, &pwd, buf, len, &result)
                          : getpwuid_r(user->uid, &pwd, buf, len, &result);
        for (size_t i = len; i < sizeof buf; i++) {
            ck_assert_msg(buf[i] == (char)CANARY, "size %zu: byte %zu written", len, i);
        }
        if (rc == ERANGE) {
            ck_assert_ptr_null(result);
            continue;
        }
        ck_assert_msg(rc == 0, "size %zu: %d", len, rc);
        assert_user(result, user);
        ck_assert(strings_within(&pwd, buf, len));
        fitted = TRUE;
    }
    ck_assert_msg(fitted, "%s never fitted in %d bytes", user->name, MAX);
    ck_assert_uint_gt(len, 1);
}

START_TEST(small_buffers_are_erange_and_never_overrun)
{
    expected_user root, other;
    struct passwd pwd, *result = &pwd;
    char buf[1];
    int rc, saved;

    read_expected(&root, &other);
    errno = EDOM;
    rc = getpwnam_r("root", &pwd, buf, sizeof buf, &result);
    saved = errno;
    ck_assert_int_eq(rc, ERANGE);
    ck_assert_ptr_null(result);
    ck_assert_int_eq(saved, EDOM);
    assert_small_buffers(root.name, &root);
    assert_small_buffers(NULL, &root);
    assert_small_buffers(other.name, &other);
    assert_small_buffers(NULL, &other);
    expected_user_release(&root);
    expected_user_release(&other);
}
END_TEST

START_TEST(interleaved_lookups_keep_their_own_buffers)
{
    expected_user root, other;
    struct passwd pwd_root, pwd_other, *result_root = NULL, *result_other = NULL;
    char buf_root[1024], buf_other[1024];

    read_expected(&root, &other);
    ck_assert_int_eq(getpwuid_r(0, &pwd_root, buf_root, sizeof buf_root, &result_root), 0);
    ck_assert_int_eq(getpwnam_r(other.name, &pwd_other, buf_other, sizeof buf_other,
                                &result_other), 0);
    /* getpwuid's static storage is not the caller's either. */
    ck_assert_ptr_nonnull(getpwuid(other.uid));
    assert_user(result_root, &root);
    assert_user(result_other, &other);
    expected_user_release(&root);
    expected_user_release(&other);
}
END_TEST

typedef struct {
    const expected_user *user;
    int failures;
} lookup_job;

static void *lookup_many(void *data)
{
    lookup_job *job = data;

    for (int i = 0; i < 200; i++) {
        struct passwd pwd, *result = NULL;
        char buf[512];
        int rc = i % 2 ? getpwnam_r(job->user->name, &pwd, buf, sizeof buf, &result)
                       : getpwuid_r(job->user->uid, &pwd, buf, sizeof buf, &result);

        if (rc != 0 || result != &pwd || strcmp(pwd.pw_name, job->user->name) != 0
            || pwd.pw_uid != job->user->uid || strcmp(pwd.pw_dir, job->user->dir) != 0) {
            job->failures++;
        }
    }
    return NULL;
}

START_TEST(parallel_lookups_in_threads)
{
    expected_user root, other;
    pthread_t threads[4];
    lookup_job jobs[4];

    read_expected(&root, &other);
    for (int i = 0; i < 4; i++) {
        jobs[i] = (lookup_job){i % 2 ? &other : &root, 0};
        ck_assert_int_eq(pthread_create(&threads[i], NULL, lookup_many, &jobs[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(pthread_join(threads[i], NULL), 0);
        ck_assert_int_eq(jobs[i].failures, 0);
    }
    expected_user_release(&root);
    expected_user_release(&other);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("nss_files");

    add_tcase(s, root_and_another_user_by_name_and_by_uid);
    add_tcase(s, absent_users_are_0_and_null_errno_unchanged);
    add_tcase(s, small_buffers_are_erange_and_never_overrun);
    add_tcase(s, interleaved_lookups_keep_their_own_buffers);
    add_tcase_timeout(s, parallel_lookups_in_threads, 30);
    return lh_test_run_suite(s);
}
