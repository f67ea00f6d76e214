/* check_headers.c - every public header compiles on its own.
 *
 * The build makes one translation unit per public header (tests/unit/local.mk
 * generates tests/unit/headers/<name>.c): it includes <lhost/<name>.h> alone, twice
 * (the include guard), without config.h, under the project's full warning list and
 * -Werror where configured, and defines lh_header_unit_<name>(). That this program
 * links is the proof; the tests below make sure no header was left out of the list.
 */
#include "config.h"

#include <dirent.h>

#include "check_common.h"

#ifndef LH_HEADER_DIR
#error "LH_HEADER_DIR: the directory of the public headers, set by tests/unit/local.mk"
#endif

/* One per generated unit: keep in step with lh_header_units in local.mk. */
const char *lh_header_unit_clustercmd(void);
const char *lh_header_unit_codemap(void);
const char *lh_header_unit_deadline(void);
const char *lh_header_unit_log(void);
const char *lh_header_unit_ocf(void);
const char *lh_header_unit_poll(void);
const char *lh_header_unit_run(void);
const char *lh_header_unit_state(void);
const char *lh_header_unit_lhdef(void);
const char *lh_header_unit_agentinfo(void);
const char *lh_header_unit_lhost(void);
const char *lh_header_unit_cib(void);
const char *lh_header_unit_jmerge(void);
const char *lh_header_unit_journal(void);
const char *lh_header_unit_jtimeline(void);
const char *lh_header_unit_notify(void);
const char *lh_header_unit_attr(void);
const char *lh_header_unit_proc(void);
const char *lh_header_unit_attempts(void);
const char *lh_header_unit_inflight(void);
const char *lh_header_unit_cibquery(void);
const char *lh_header_unit_watchrec(void);
const char *lh_header_unit_watcher(void);

typedef const char *(*unit_fn)(void);

static const unit_fn units[] = {
    lh_header_unit_clustercmd, lh_header_unit_codemap, lh_header_unit_deadline,
    lh_header_unit_log,        lh_header_unit_ocf,     lh_header_unit_poll,
    lh_header_unit_run,        lh_header_unit_state,   lh_header_unit_lhdef,
    lh_header_unit_agentinfo,  lh_header_unit_lhost,   lh_header_unit_cib,
    lh_header_unit_jmerge,     lh_header_unit_journal,  lh_header_unit_jtimeline,
    lh_header_unit_notify,     lh_header_unit_attr,       lh_header_unit_proc,
    lh_header_unit_attempts,   lh_header_unit_inflight,   lh_header_unit_cibquery,
    lh_header_unit_watchrec,   lh_header_unit_watcher,
};

static gboolean has_unit(const char *name)
{
    for (gsize i = 0; i < G_N_ELEMENTS(units); i++) {
        if (strcmp(units[i](), name) == 0) {
            return TRUE;
        }
    }
    return FALSE;
}

START_TEST(headers_each_unit_is_its_header)
{
    for (gsize i = 0; i < G_N_ELEMENTS(units); i++) {
        g_autofree char *path = g_strdup_printf("%s/%s.h", LH_HEADER_DIR, units[i]());

        ck_assert_msg(g_file_test(path, G_FILE_TEST_IS_REGULAR), "%s is gone", path);
    }
}
END_TEST

START_TEST(headers_every_public_header_has_a_unit)
{
    DIR *dir = opendir(LH_HEADER_DIR);
    struct dirent *entry;
    int headers = 0;

    ck_assert_msg(dir != NULL, "cannot read %s", LH_HEADER_DIR);
    while ((entry = readdir(dir)) != NULL) {
        g_autofree char *name = NULL;

        if (!g_str_has_suffix(entry->d_name, ".h")) {
            continue;
        }
        headers++;
        name = g_strndup(entry->d_name, strlen(entry->d_name) - 2);
        ck_assert_msg(has_unit(name),
                      "lhost/%s is not compiled on its own: add tests/unit/headers/%s.c to "
                      "lh_header_units in tests/unit/local.mk and lh_header_unit_%s here",
                      entry->d_name, name, name);
    }
    closedir(dir);
    ck_assert_int_eq(headers, (int)G_N_ELEMENTS(units));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("headers");

    add_tcase(s, headers_each_unit_is_its_header);
    add_tcase(s, headers_every_public_header_has_a_unit);
    return lh_test_run_suite(s);
}
