/* check_journal_fixture.h - journals written for the merge and timeline suites.
 *
 * Records are formatted by the journal's own lh_jrecord_format(), so that a fixture
 * is a journal as a node writes it; only the numbers and times are the test's.
 */
#ifndef LHOST_CHECK_JOURNAL_FIXTURE_H
#define LHOST_CHECK_JOURNAL_FIXTURE_H

#include <stdarg.h>

#include <lhost/journal.h>

#include "check_common.h"

#define SEC G_USEC_PER_SEC
/* 2026-12-03T07:00:00Z */
#define T0 ((gint64)1796281200 * SEC)

/* Appends one record, KEY, VALUE pairs NULL-ended (a NULL VALUE leaves its KEY out),
 * to @text. */
G_GNUC_NULL_TERMINATED
static inline void add_record(GString *text, guint64 seq, gint64 time_us, const char *node,
                              const char *kind, ...)
{
    lh_jrecord rec = LH_JRECORD_INIT;
    g_autofree char *line = NULL;
    const char *key;
    va_list ap;

    lh_jrecord_init(&rec, seq, time_us, node, kind);
    va_start(ap, kind);
    while ((key = va_arg(ap, const char *)) != NULL) {
        const char *value = va_arg(ap, const char *);

        if (value != NULL) {
            lh_jrecord_add(&rec, key, value);
        }
    }
    va_end(ap);
    line = lh_jrecord_format(&rec);
    g_string_append(text, line);
    lh_jrecord_release(&rec);
}

/* @text as @dir/@node/@name (the directory made); the path (caller frees). */
static inline char *put_journal(const char *dir, const char *node, const char *name,
                                const GString *text)
{
    g_autofree char *sub = g_build_filename(dir, node, NULL);
    char *path = g_build_filename(sub, name, NULL);

    ck_assert_int_eq(g_mkdir_with_parents(sub, 0700), 0);
    ck_assert(g_file_set_contents(path, text->str, (gssize)text->len, NULL));
    return path;
}

#endif
