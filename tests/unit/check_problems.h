/* check_problems.h - assertions on the problems a definition's validation reports
 * ("PATH:LINE: text"), shared by the suites of lhdef and lhost. */
#ifndef LHOST_CHECK_PROBLEMS_H
#define LHOST_CHECK_PROBLEMS_H

#include <lhost/lhdef.h>

#include "check_common.h"

/* A problem a test planted: the line it must be reported at (0: the "PATH: ..."
 * form) and a part of its message. */
typedef struct planted {
    int line;
    const char *text;
} planted;

static char *join_problems(const GPtrArray *problems)
{
    GString *all = g_string_new(NULL);

    for (guint i = 0; i < problems->len; i++) {
        g_string_append_printf(all, "\n  %s", (const char *)g_ptr_array_index(problems, i));
    }
    return g_string_free(all, FALSE);
}

/* @problems are exactly @expected: each planted problem reported once at its line,
 * in any order, and nothing else. */
static void assert_problems_are(const GPtrArray *problems, const char *path,
                                const planted *expected, guint n)
{
    g_autofree gboolean *used = g_new0(gboolean, problems->len + 1);
    g_autofree char *all = join_problems(problems);

    for (guint e = 0; e < n; e++) {
        g_autofree char *prefix = expected[e].line > 0
                                      ? g_strdup_printf("%s:%d: ", path, expected[e].line)
                                      : g_strdup_printf("%s: ", path);
        gboolean found = FALSE;

        for (guint i = 0; i < problems->len && !found; i++) {
            const char *p = g_ptr_array_index(problems, i);

            if (!used[i] && g_str_has_prefix(p, prefix) && strstr(p, expected[e].text) != NULL) {
                used[i] = found = TRUE;
            }
        }
        ck_assert_msg(found, "no problem \"%s...%s...\" among:%s", prefix, expected[e].text, all);
    }
    ck_assert_msg(problems->len == n, "%u problems planted, %u reported:%s", n, problems->len,
                  all);
}

#define assert_problems(problems, path, ...)                                                   \
    assert_problems_are((problems), (path), (const planted[]){__VA_ARGS__},                    \
                        G_N_ELEMENTS(((const planted[]){__VA_ARGS__})))

static void assert_no_problems(const GPtrArray *problems)
{
    g_autofree char *all = join_problems(problems);

    ck_assert_msg(problems->len == 0, "unexpected problems:%s", all);
}

static GPtrArray *new_problems(void)
{
    return g_ptr_array_new_with_free_func(g_free);
}

/* Writes @text as @dir/@name.conf; its path (caller frees). */
static char *write_def(const char *dir, const char *name, const char *text)
{
    char *path = lh_def_path(dir, name);

    lh_test_write_file(path, text, 0644);
    return path;
}

#endif
