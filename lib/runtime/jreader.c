/* jreader.c - reading a journal file line by line, with a bounded buffer.
 *
 * A line is returned as a record (lh_jreader_next) or as its sort keys only
 * (lh_jreader_next_line, for the merge); a damaged line is reported with its offset
 * and skipped, a last line without its newline is a torn tail. Memory is one buffer
 * of the longest line plus a chunk, whatever the file's size.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lhost/journal.h>

#include "journal_private.h"

#define READ_CHUNK 16384

struct lh_jreader {
    int fd;
    char *path;
    char *buf;        /* BUF_SIZE bytes: a longest line, its newline and a chunk */
    gsize start, end; /* the bytes read but not yet returned: buf[start, end) */
    goffset offset;   /* the file offset of buf[start] */
    gboolean eof;
    gboolean done;    /* nothing more to return */
};

#define BUF_SIZE (LH_JOURNAL_LINE_MAX + 1 + READ_CHUNK)

lh_jreader *lh__jreader_open_fd(int fd, const char *name)
{
    lh_jreader *reader = g_new0(lh_jreader, 1);

    reader->fd = fd;
    reader->path = g_strdup(name);
    reader->buf = g_malloc(BUF_SIZE);
    return reader;
}

lh_jreader *lh_jreader_open(const char *path, char **why)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

    if (fd < 0) {
        *why = g_strdup_printf("cannot open %s: %s", path, g_strerror(errno));
        return NULL;
    }
    /* A FIFO or a device would block or never end. */
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        *why = g_strdup_printf("cannot read %s: not a regular file", path);
        close(fd);
        return NULL;
    }
    return lh__jreader_open_fd(fd, path);
}

void lh_jreader_free(lh_jreader *reader)
{
    if (reader == NULL) {
        return;
    }
    close(reader->fd);
    g_free(reader->path);
    g_free(reader->buf);
    g_free(reader);
}

/* Reads more after what is buffered: 1, 0 at the end of the file, -1 on error. */
static int fill(lh_jreader *r)
{
    ssize_t n;

    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->end -= r->start;
        r->start = 0;
    }
    do {
        n = read(r->fd, r->buf + r->end, BUF_SIZE - r->end);
    } while (n < 0 && errno == EINTR);
    if (n > 0) {
        r->end += (gsize)n;
    } else if (n == 0) {
        r->eof = TRUE;
    }
    return n > 0 ? 1 : n == 0 ? 0 : -1;
}

static void consume(lh_jreader *r, gsize n)
{
    r->start += n;
    r->offset += (goffset)n;
}

static lh_jread read_error(lh_jreader *r, char **why)
{
    r->done = TRUE;
    *why = g_strdup_printf("cannot read %s: %s", r->path, g_strerror(errno));
    return LH_JREAD_ERROR;
}

/* A line longer than LH_JOURNAL_LINE_MAX starts at r->offset: skips it whole. */
static lh_jread skip_long_line(lh_jreader *r, goffset *offset, char **why)
{
    *offset = r->offset;
    for (;;) {
        const char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);

        if (nl != NULL) {
            consume(r, (gsize)(nl - (r->buf + r->start)) + 1);
            *why = g_strdup_printf("a line longer than %d bytes", LH_JOURNAL_LINE_MAX);
            return LH_JREAD_DAMAGED;
        }
        consume(r, r->end - r->start);
        if (r->eof) {
            r->done = TRUE;
            return LH_JREAD_TORN;
        }
        if (fill(r) < 0) {
            return read_error(r, why);
        }
    }
}

/* Parses a line (@len bytes, without its newline) into what the caller reads into:
 * FALSE with *why when it is damaged. */
typedef gboolean (*parse_fn)(const char *line, gsize len, gpointer into, char **why);

static gboolean parse_record(const char *line, gsize len, gpointer into, char **why)
{
    lh_jrecord parsed = LH_JRECORD_INIT;

    if (!lh_jrecord_parse(line, len, &parsed, why)) {
        return FALSE;
    }
    lh_jrecord_release(into);
    *(lh_jrecord *)into = parsed;
    return TRUE;
}

/* The light parse; a damaged line (rare) is parsed again in full for what is wrong
 * with it, so that both readers give the same words. */
static gboolean parse_jline(const char *line, gsize len, gpointer into, char **why)
{
    lh_jline *out = into;
    lh_jrecord rec = LH_JRECORD_INIT;

    if (lh_jline_parse(line, len, out)) {
        out->text = line;
        out->len = len + 1;
        return TRUE;
    }
    if (lh_jrecord_parse(line, len, &rec, why)) { /* both take the same lines */
        g_warn_if_reached();
        lh_jrecord_release(&rec);
        *why = g_strdup("damaged");
    }
    return FALSE;
}

/* The next line, its newline included, is buf[start, nl]. */
static lh_jread take_line(lh_jreader *r, const char *nl, parse_fn parse, gpointer into,
                          goffset *offset, char **why)
{
    const char *line = r->buf + r->start;
    gsize len = (gsize)(nl - line);
    lh_jread got = LH_JREAD_RECORD;

    *offset = r->offset;
    if (len > LH_JOURNAL_LINE_MAX) {
        *why = g_strdup_printf("a line longer than %d bytes", LH_JOURNAL_LINE_MAX);
        got = LH_JREAD_DAMAGED;
    } else if (!parse(line, len, into, why)) {
        got = LH_JREAD_DAMAGED;
    }
    consume(r, len + 1);
    return got;
}

static lh_jread next_line(lh_jreader *r, parse_fn parse, gpointer into, goffset *offset,
                          char **why)
{
    for (;;) {
        const char *nl = memchr(r->buf + r->start, '\n', r->end - r->start);

        if (nl != NULL) {
            return take_line(r, nl, parse, into, offset, why);
        }
        if (r->end - r->start > LH_JOURNAL_LINE_MAX) {
            return skip_long_line(r, offset, why);
        }
        if (r->eof) {
            r->done = TRUE;
            *offset = r->offset;
            return r->end > r->start ? LH_JREAD_TORN : LH_JREAD_END;
        }
        if (fill(r) < 0) {
            return read_error(r, why);
        }
    }
}

static lh_jread next(lh_jreader *reader, parse_fn parse, gpointer into, goffset *offset,
                     char **why)
{
    goffset at = 0;
    char *problem = NULL;
    lh_jread got = LH_JREAD_END;

    if (!reader->done) {
        got = next_line(reader, parse, into, &at, &problem);
    }
    if (offset != NULL) {
        *offset = at;
    }
    if (why != NULL) {
        *why = problem;
    } else {
        g_free(problem);
    }
    return got;
}

lh_jread lh_jreader_next(lh_jreader *reader, lh_jrecord *rec, goffset *offset, char **why)
{
    return next(reader, parse_record, rec, offset, why);
}

lh_jread lh_jreader_next_line(lh_jreader *reader, lh_jline *line, goffset *offset, char **why)
{
    return next(reader, parse_jline, line, offset, why);
}
