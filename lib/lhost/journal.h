/* lhost/journal.h - the per-node decision journal: its record, writer and reader.
 *
 * Every agent action and every lhost operation leaves records in this node's
 * journal: the action began; each command it ran (argv, how it ended, rc, ms); each
 * decision taken from a status (decision, OCF code); the action's result (OCF code,
 * exit reason, ms). The runtime writes them (agent.c, run.c, poll.c): agents never
 * call this module themselves. `lhost journal merge` (lhost/jmerge.h) interleaves
 * several nodes' journals into one cluster-wide timeline.
 *
 * The format (text, one record per line, documented in lhost-journal(5)):
 *
 *   LHJ1 SEQ TIME NODE KIND KEY=VALUE... crc=XXXXXXXX\n
 *
 *   SEQ    this node's sequence number, decimal, from 1, never repeated
 *   TIME   UTC, 2026-12-03T07:17:28.123456Z (microseconds, always 27 bytes)
 *   NODE   the node's name as Pacemaker knows it (OCF_RESKEY_CRM_meta_on_node),
 *          else the kernel's nodename
 *   KIND   begin | command | decision | result | rotate | ...  ([a-z-]+)
 *   KEY    [a-z_]+ ; VALUE: any bytes, escaped: every byte outside 0x21..0x7e and
 *          '%' and '=' as %XX (upper-case hex), so a record never holds a space,
 *          a newline or a control character inside a field
 *   crc    CRC-32 (IEEE 802.3, as zlib's crc32) of every byte of the line before
 *          " crc=", in lower-case hex
 *
 * NODE is escaped as a VALUE is. Fields are separated by exactly one space; SEQ has
 * no leading zero; a record may have no KEY=VALUE at all, a VALUE may be empty, and
 * a KEY may repeat (lh_jrecord_get() gives the first). Escapes are canonical: a byte
 * that needs no escape is never written as %XX, and a line that does so is damaged.
 *
 * The records the runtime writes (keys in this order; [optional]):
 *
 *   begin     agent= resource= action= pid=
 *   command   argv= end=exited|signalled|timed-out|not-started [pid=] [rc=]
 *             [signal=] [error=] ms=
 *               argv: each argument escaped as a VALUE is, joined with single
 *               spaces, and the whole escaped again as a VALUE: unescaped once it
 *               reads "/opt/jp1base/bin/jbs_spmd_status -h lhA"; split on spaces
 *               and unescape each word for the exact argv (lh_journal_argv_split).
 *               rc when it exited; signal when a signal ended it (timed-out too:
 *               the one that killed it); error when it did not start, or was not
 *               run because the deadline had passed (end=timed-out, no pid)
 *   decision  check= context=monitor|probe|start|stop run= [rc=] decision= [ocf=]
 *               check: the status command's label, else its name; run: which run
 *               of it (1 for the first; retries count on); rc: when it exited;
 *               decision: lh_decision_name(); ocf: lh_ocf_code_name() of what the
 *               action would return, only once the check has settled (a check out
 *               of retries or of time ends with a record that has ocf=)
 *   result    ocf= code= [reason=] ms=
 *               ocf: lh_ocf_code_name(code); code: the exit code in decimal
 *   rotate    next=FILE NAME
 * Any record may end with truncated=yes: the writer cut its longest values (to one
 * length, the shorter ones whole, every key kept) so that the line stays within
 * LH_JOURNAL_LINE_MAX. Readers ignore keys they do not know.
 * An action's records are written in one append with consecutive sequence numbers,
 * begin first and result last; a record's TIME is when it was noted, so records of
 * actions that overlapped (several agents at once) interleave in TIME but not in SEQ.
 *
 * A line that does not parse, or whose crc does not match, is damaged: readers
 * report it with its file and byte offset and go on with the next line. A last line
 * without its newline is a torn tail (a writer killed mid-write, a full disk). A
 * writer that finds a torn tail ends it with a newline first (so it reads as one
 * damaged line) and never glues a record to it.
 *
 * Files: DIR/journal-NNNNNNNNNNNNNNNNNNNN.lhj, NNN the first SEQ the file holds,
 * 20 digits, so that names sort in creation order (every SEQ in a file is at least
 * its NNN and below the next file's). The newest file is the open one;
 * when appending would take it past the size limit, the writer ends it with a
 * "rotate" record (next=FILE NAME) and starts the next. A file whose last record is
 * a rotate is closed. At most LHOST_JOURNAL_FILES files are kept, the oldest go first.
 * A file grows past the size limit only by the rotate record that closes it, or when
 * one action's records alone are larger than the limit (they go whole into a new file).
 *
 * Environment (how Pacemaker passes settings to every agent, as HA_LOGFACILITY):
 *   LHOST_JOURNAL_DIR        default /var/lib/lhost/journal; "off" turns it off
 *                            (an absolute path: a relative one does not parse)
 *   LHOST_JOURNAL_FILES      files kept, default 8 (at least 2)
 *   LHOST_JOURNAL_FILE_SIZE  bytes per file before rotation, default 1 MiB
 *                            (at least 4096)
 * A value that does not parse is ignored for the default, with a warning once.
 *
 * Writing never blocks nor fails an action: records are kept in memory during the
 * action and written at its end in one append, under an flock(2) of DIR/.lock that
 * is waited for at most LH_JOURNAL_LOCK_WAIT_MS; a directory that cannot be made or
 * written, a full disk or a lock not had in time is logged once (per process) and
 * the records are dropped. An agent killed in the middle of an action leaves no
 * records of it. The sequence number comes from DIR/seq (the next number, written
 * under the lock); if that file is lost or damaged, from the newest file's last
 * valid record, plus one.
 *
 * Dropped records take no number: a node's SEQs have no gap but where a crash left
 * damaged lines (a torn tail), which is what lets `lhost journal merge` insist on
 * unbroken series. A short write (a full disk) is truncated back, so it leaves no
 * torn record either; a rotate record that was written stays, and the records that
 * follow it go to the file it names (made by the next writer if need be).
 *
 * DIR/seq is the writer's own: "NNNNNNNNNNNNNNNNNNNN journal-NNNNNNNNNNNNNNNNNNNN.lhj\n",
 * the next SEQ and the open file, both 20 digits (rewritten in place, always 54
 * bytes), so that an append finds its file without listing the directory. It is
 * rewritten after the records are appended, and the open file's last record is
 * checked against it: a crash in between, or a DIR/seq restored from an older copy,
 * neither repeats nor skips a number. DIR is
 * made 0700 (with its parents), files 0600; DIR must be owned by the writer and
 * writable by no one else, and neither DIR nor anything in it may be a symbolic
 * link: those are refused, not followed. Nothing is fsynced: a crash may lose the
 * last actions or leave a torn tail, never a record that reads as valid but is not.
 */
#ifndef LHOST_JOURNAL_H
#define LHOST_JOURNAL_H

#include <glib.h>
#include <stdio.h>

G_BEGIN_DECLS

#define LH_JOURNAL_MAGIC "LHJ1"
#define LH_JOURNAL_DEFAULT_DIR "/var/lib/lhost/journal"
#define LH_JOURNAL_DEFAULT_FILES 8
#define LH_JOURNAL_DEFAULT_FILE_SIZE (1024 * 1024)
#define LH_JOURNAL_LOCK_WAIT_MS 200
#define LH_JOURNAL_TIME_LEN 27 /* "2026-12-03T07:17:28.123456Z" */
#define LH_JOURNAL_LINE_MAX 65536 /* bytes of a line, its newline not counted */

/* ---- the record ------------------------------------------------------------ */

typedef struct lh_jrecord {
    guint64 seq;
    gint64 time_us;   /* UTC, microseconds since the epoch */
    char *node;       /* unescaped */
    char *kind;
    GPtrArray *keys;  /* char *, in line order (unescaped) */
    GPtrArray *values;
} lh_jrecord;

#define LH_JRECORD_INIT {0, 0, NULL, NULL, NULL, NULL}

void lh_jrecord_init(lh_jrecord *rec, guint64 seq, gint64 time_us, const char *node,
                     const char *kind);
/* Frees what @rec holds and leaves it as LH_JRECORD_INIT (released twice is fine). */
void lh_jrecord_release(lh_jrecord *rec);
/* Appends KEY=VALUE (both copied); KEY must match [a-z_]+ and not be "crc". */
void lh_jrecord_add(lh_jrecord *rec, const char *key, const char *value);
/* The first value of @key, or NULL. */
const char *lh_jrecord_get(const lh_jrecord *rec, const char *key);

/* The record as one line, newline and crc included (the caller's to free). */
char *lh_jrecord_format(const lh_jrecord *rec);
/* Parses one line (@len bytes, without its newline). FALSE with *why (the caller's
 * to free) when it is damaged: malformed, or its crc does not match. @rec must be
 * initialised (LH_JRECORD_INIT, or a record: it is released first); on FALSE it is
 * left released. @why may be NULL. */
gboolean lh_jrecord_parse(const char *line, gsize len, lh_jrecord *rec, char **why);

guint32 lh_crc32(const void *data, gsize len);

/* "2026-12-03T07:17:28.123456Z" into @buf (LH_JOURNAL_TIME_LEN + 1 bytes). Years
 * 0000 to 9999; a time outside is clamped to them. */
void lh_journal_time_format(gint64 time_us, char *buf);
/* Exactly that form (a real date, hours to 23, seconds to 59), NUL-terminated. */
gboolean lh_journal_time_parse(const char *text, gint64 *time_us);

/* A command record's argv= value, unescaped (the caller's to free): each argument
 * escaped, joined with single spaces. */
char *lh_journal_argv_join(const char *const *argv);
/* The argv back from it (the caller's to g_strfreev), or NULL when it is not
 * such a value. */
char **lh_journal_argv_split(const char *joined);

/* ---- checking a line without building its record ---------------------------- */

/* What `lhost journal merge` needs of a line, which it reads twice and copies to its
 * output as it is (a line that parses is canonical: it is lh_jrecord_format()'s). */
typedef struct lh_jline {
    const char *text; /* the line, its newline included (len bytes); from a reader,
                       * its buffer's: valid until its next call */
    gsize len;
    guint64 seq;
    gint64 time_us;
    GString *node;    /* unescaped; the caller's (reused from line to line) */
    const char *kind; /* in the line: kind_len bytes */
    gsize kind_len;
} lh_jline;

/* TRUE exactly when lh_jrecord_parse() would take the line (@len bytes, without its
 * newline), filling seq, time_us, node and kind (not text, len) without allocating.
 * No *why: parse the line in full for that. */
gboolean lh_jline_parse(const char *line, gsize len, lh_jline *out);

/* ---- reading a file --------------------------------------------------------- */

typedef struct lh_jreader lh_jreader;

typedef enum lh_jread {
    LH_JREAD_RECORD,  /* *rec holds the next record */
    LH_JREAD_DAMAGED, /* a damaged line at *offset, skipped; *why says what */
    LH_JREAD_TORN,    /* a last line without its newline, at *offset */
    LH_JREAD_END,
    LH_JREAD_ERROR,   /* an I/O error; *why says what */
} lh_jread;

/* NULL with *why when the file cannot be opened. Reads line by line with a bounded
 * buffer: a line longer than 64 KiB is damaged. */
lh_jreader *lh_jreader_open(const char *path, char **why);
/* @rec is released and refilled on LH_JREAD_RECORD. *offset: the line's byte offset.
 * *why is set (the caller's to free) on DAMAGED and ERROR only, NULL otherwise;
 * @offset and @why may be NULL. After TORN, END or ERROR, it returns END. */
lh_jread lh_jreader_next(lh_jreader *reader, lh_jrecord *rec, goffset *offset, char **why);
/* lh_jreader_next() with lh_jline_parse(): the same results and *why. @line->node
 * must be a GString. */
lh_jread lh_jreader_next_line(lh_jreader *reader, lh_jline *line, goffset *offset, char **why);
void lh_jreader_free(lh_jreader *reader);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(lh_jreader, lh_jreader_free)

/* ---- writing: what the runtime calls ------------------------------------------ */

/* Starts this process's journal for one action: @agent ("jp1base", "lhost"),
 * @resource (OCF_RESOURCE_INSTANCE or the logical host), @action. Reads the
 * environment above. Idempotent: a second begin ends nothing. */
void lh_journal_begin(const char *agent, const char *resource, const char *action);
/* Adds a record of @kind with KEY, VALUE pairs (NULL-ended) to what the action will
 * write; a NULL VALUE leaves its KEY out. Does nothing before lh_journal_begin() or
 * when the journal is off. */
void lh_journal_note(const char *kind, ...) G_GNUC_NULL_TERMINATED;
/* The action's result: writes everything noted, then this "result" record. */
void lh_journal_end(int ocf_code, const char *reason, gint64 duration_ms);

/* TRUE between begin and end with the journal on: what a caller would only build
 * to note it (an argv joined) need not be built otherwise. */
gboolean lh_journal_recording(void);
/* For tests and lhost: the directory in use after begin (still after end, until the
 * next begin), or NULL when off. */
const char *lh_journal_dir(void);

G_END_DECLS

#endif
