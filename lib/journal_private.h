/* journal_private.h - what the journal's files share (lib/runtime/journal.c the
 * writer, jrecord.c the record, jcrc.c, jtime.c, jreader.c), and nothing outside
 * liblhost uses.
 */
#ifndef LHOST_JOURNAL_PRIVATE_H
#define LHOST_JOURNAL_PRIVATE_H

#include <lhost/journal.h>

G_BEGIN_DECLS

/* Appends @value escaped (lhost/journal.h) to @out while @out stays within @limit
 * bytes: FALSE when it had to stop before the end of @value. */
gboolean lh__journal_escape(GString *out, const char *value, gsize limit);

/* How many bytes @value takes escaped. */
gsize lh__journal_escaped_len(const char *value);

/* Appends the line "LHJ1 SEQ TIME NODE REST crc=XXXXXXXX\n" to @out: @node already
 * escaped, @rest the escaped "KIND KEY=VALUE..." (@rest_len bytes). What
 * lh_jrecord_format() writes, without building a record. */
void lh__journal_line(GString *out, guint64 seq, gint64 time_us, const char *node,
                      const char *rest, gsize rest_len);

/* @value in decimal, written at the end of @buf; the text's start (in @buf). For the
 * values of the runtime's records: no printf on the monitor's path. */
const char *lh__journal_int(char buf[24], gint64 value);

/* TRUE when @text is a KEY ([a-z_]+, @key) or a KIND ([a-z-]+). */
gboolean lh__journal_is_name(const char *text, gboolean key);

/* A quick look at a line (@len bytes, no newline) that the writer wrote: TRUE when
 * its crc matches, with its SEQ and whether it is a rotate record. */
gboolean lh__journal_peek(const char *line, gsize len, guint64 *seq, gboolean *rotate);

/* A reader of the file open at @fd, which it takes over (and closes when freed):
 * the writer reads the files it opened without following a link, never by path.
 * @name is for messages. */
lh_jreader *lh__jreader_open_fd(int fd, const char *name);

/* lh_crc32() eight bytes at a time (the merge's pass over every line). */
guint32 lh__journal_crc_sliced(const guchar *p, gsize len);

/* The time at @text, exactly LH_JOURNAL_TIME_LEN bytes (not NUL-terminated). */
gboolean lh__journal_parse_time(const char *text, gint64 *time_us);

G_END_DECLS

#endif
