/* journal.c - the journal's writer: records kept during an action, appended at its end.
 *
 * The runtime calls it around every action (agent.c) and from the command runner and
 * status checks (run.c, poll.c). Everything here is on the monitor's path, whose whole
 * cost is budgeted, so the common append reads two small files and writes two, with no
 * process, no directory listing and no printf of a record: DIR/seq names the open
 * file, and the open file's last line is read back (one pread) to check DIR/seq and to
 * find a torn tail. The directory is listed only to recover (DIR/seq lost, damaged or
 * naming a file that is gone) and to prune after a rotation.
 *
 * Nothing here may fail or hold up the action: every problem becomes one warning per
 * process, and the action's records are dropped.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <lhost/journal.h>
#include <lhost/log.h>
#include <lhost/ocf.h>

#include "journal_private.h"

#define SEQ_FILE "seq"
#define LOCK_FILE ".lock"
#define NAME_PREFIX "journal-"
#define NAME_SUFFIX ".lhj"
#define NAME_LEN 32     /* journal-NNNNNNNNNNNNNNNNNNNN.lhj */
#define SEQ_TEXT_LEN 54 /* NNNNNNNNNNNNNNNNNNNN journal-NNNNNNNNNNNNNNNNNNNN.lhj\n */
#define TAIL_FIRST 4096 /* the last line of a file is read back: usually in this */
#define FILES_MAX 100000
#define FILE_SIZE_MIN 4096
#define FILE_SIZE_MAX (G_GINT64_CONSTANT(1) << 40)
#define LOCK_PAUSE_MAX_US 20000
#define NODE_ESCAPED_MAX 765 /* 255 bytes, each escaped */
#define HEAD_MAX (5 + 20 + 1 + LH_JOURNAL_TIME_LEN + 1 + 1) /* "LHJ1 SEQ TIME " and " " */
#define CRC_LEN 13 /* " crc=XXXXXXXX" */
#define TRUNCATED "truncated=yes"

G_STATIC_ASSERT(sizeof(NAME_PREFIX) - 1 + 20 + sizeof(NAME_SUFFIX) - 1 == NAME_LEN);
G_STATIC_ASSERT(20 + 1 + NAME_LEN + 1 == SEQ_TEXT_LEN);

static struct {
    gboolean recording; /* between begin and end, with the journal on */
    char *dir;          /* in use since the last begin; NULL: off */
    guint files;
    gint64 file_size;
    char *node;         /* escaped, as the lines hold it */
    gsize rest_max;     /* the most a noted record's "KIND KEY=VALUE..." may take */
    GString *notes;     /* each noted record's "KIND KEY=VALUE...\n", escaped */
    GArray *times;      /* gint64: when each was noted */
    gboolean warned;    /* a problem writing has been logged */
    guint env_warned;   /* one bit per variable whose value was refused */
} journal;

/* ---- the environment ------------------------------------------------------------- */

enum { ENV_DIR = 1U << 0, ENV_FILES = 1U << 1, ENV_FILE_SIZE = 1U << 2 };

static void warn_env(guint bit, const char *name, const char *value, const char *wanted,
                     const char *fallback)
{
    if ((journal.env_warned & bit) == 0) {
        journal.env_warned |= bit;
        lh_warn("journal: %s='%s' is not %s: using %s", name, value, wanted, fallback);
    }
}

/* The directory: NULL when the journal is off. */
static const char *env_dir(void)
{
    const char *value = getenv("LHOST_JOURNAL_DIR");

    if (value == NULL || *value == '\0') {
        return LH_JOURNAL_DEFAULT_DIR;
    }
    if (strcmp(value, "off") == 0) {
        return NULL;
    }
    if (value[0] != '/') { /* relative to a working directory that is anyone's */
        warn_env(ENV_DIR, "LHOST_JOURNAL_DIR", value, "an absolute path or \"off\"",
                 LH_JOURNAL_DEFAULT_DIR);
        return LH_JOURNAL_DEFAULT_DIR;
    }
    return value;
}

static gint64 env_number(guint bit, const char *name, gint64 min, gint64 max, gint64 fallback)
{
    const char *value = getenv(name);
    guint64 number = 0;

    if (value == NULL || *value == '\0') {
        return fallback;
    }
    if (!g_ascii_string_to_unsigned(value, 10, (guint64)min, (guint64)max, &number, NULL)) {
        g_autofree char *wanted = g_strdup_printf("a number from %" G_GINT64_FORMAT
                                                  " to %" G_GINT64_FORMAT, min, max);
        g_autofree char *used = g_strdup_printf("%" G_GINT64_FORMAT, fallback);

        warn_env(bit, name, value, wanted, used);
        return fallback;
    }
    return (gint64)number;
}

/* The node's name as Pacemaker knows it, else the kernel's; escaped. */
static char *node_name(void)
{
    const char *pacemaker = getenv("OCF_RESKEY_CRM_meta_on_node");
    const char *name = "unknown";
    struct utsname uts;
    GString *escaped = g_string_new(NULL);

    if (pacemaker != NULL && *pacemaker != '\0') {
        name = pacemaker;
    } else if (uname(&uts) == 0 && uts.nodename[0] != '\0') {
        name = uts.nodename;
    }
    /* Host names have 64 bytes at most, node names 255: more is not a name. */
    lh__journal_escape(escaped, name, NODE_ESCAPED_MAX);
    return g_string_free(escaped, FALSE);
}

/* ---- noting --------------------------------------------------------------------- */

#define PAIRS_MAX 16 /* the runtime's records have eight at most */

typedef struct pair {
    const char *key;
    const char *value;
    gsize room; /* escaped bytes the value may take: G_MAXSIZE, or less once cut */
} pair;

/* The most bytes every escaped value may take so that they all fit in @budget: the
 * longest are cut first, to the same length (the shorter ones are kept whole). */
static gsize fair_cap(const gsize *lens, gsize n, gsize budget)
{
    gsize low = 0, high = budget;

    while (low < high) {
        gsize mid = low + (high - low + 1) / 2, total = 0;

        for (gsize i = 0; i < n; i++) {
            total += MIN(lens[i], mid);
        }
        if (total <= budget) {
            low = mid;
        } else {
            high = mid - 1;
        }
    }
    return low;
}

/* Gives each value the room it may take, cutting the longest when the line would pass
 * LH_JOURNAL_LINE_MAX; TRUE when something was cut. */
static gboolean share_room(const char *kind, pair *pairs, gsize n)
{
    gsize fixed = strlen(kind) + sizeof(TRUNCATED), bound = strlen(kind), budget, cap;
    gsize lens[PAIRS_MAX];
    gboolean cut = FALSE;

    for (gsize i = 0; i < n; i++) {
        fixed += strlen(pairs[i].key) + 2;
        bound += strlen(pairs[i].key) + 2 + 3 * strlen(pairs[i].value);
        pairs[i].room = G_MAXSIZE;
    }
    if (bound <= journal.rest_max) {
        return FALSE; /* a monitor's records: no byte counted twice */
    }
    for (gsize i = 0; i < n; i++) {
        lens[i] = lh__journal_escaped_len(pairs[i].value);
    }
    budget = journal.rest_max > fixed ? journal.rest_max - fixed : 0;
    cap = fair_cap(lens, n, budget);
    for (gsize i = 0; i < n; i++) {
        if (lens[i] > cap) {
            pairs[i].room = cap;
            cut = TRUE;
        }
    }
    return cut;
}

/* A record is kept as the escaped text of its line after the node, and its time: the
 * rest of the line (sequence number, crc) is only known at the write. */
static void note_valist(const char *kind, va_list ap)
{
    GString *notes = journal.notes;
    gint64 now = g_get_real_time();
    pair pairs[PAIRS_MAX];
    gsize n = 0;
    gboolean cut;
    const char *key;

    g_return_if_fail(lh__journal_is_name(kind, FALSE));
    while ((key = va_arg(ap, const char *)) != NULL) {
        const char *value = va_arg(ap, const char *);

        if (!lh__journal_is_name(key, TRUE) || strcmp(key, "crc") == 0 || n == PAIRS_MAX) {
            g_critical("journal: '%s' is no key, or one too many", key);
        } else if (value != NULL) {
            pairs[n++] = (pair){key, value, G_MAXSIZE};
        }
    }
    cut = share_room(kind, pairs, n);
    g_string_append(notes, kind);
    for (gsize i = 0; i < n; i++) {
        g_string_append_c(notes, ' ');
        g_string_append(notes, pairs[i].key);
        g_string_append_c(notes, '=');
        lh__journal_escape(notes, pairs[i].value,
                           pairs[i].room == G_MAXSIZE ? G_MAXSIZE : notes->len + pairs[i].room);
    }
    if (cut) {
        g_string_append(notes, " " TRUNCATED);
    }
    g_string_append_c(notes, '\n');
    g_array_append_val(journal.times, now);
}

void lh_journal_note(const char *kind, ...)
{
    va_list ap;

    if (!journal.recording) {
        return;
    }
    va_start(ap, kind);
    note_valist(kind, ap);
    va_end(ap);
}

void lh_journal_begin(const char *agent, const char *resource, const char *action)
{
    const char *dir;
    char pid[24];

    if (journal.recording) {
        return;
    }
    g_clear_pointer(&journal.dir, g_free);
    dir = env_dir();
    if (dir == NULL) {
        return;
    }
    journal.dir = g_strdup(dir);
    journal.files = (guint)env_number(ENV_FILES, "LHOST_JOURNAL_FILES", 2, FILES_MAX,
                                      LH_JOURNAL_DEFAULT_FILES);
    journal.file_size = env_number(ENV_FILE_SIZE, "LHOST_JOURNAL_FILE_SIZE", FILE_SIZE_MIN,
                                   FILE_SIZE_MAX, (gint64)LH_JOURNAL_DEFAULT_FILE_SIZE);
    g_free(journal.node);
    journal.node = node_name();
    journal.rest_max = LH_JOURNAL_LINE_MAX - HEAD_MAX - strlen(journal.node) - CRC_LEN;
    journal.notes = g_string_sized_new(1024);
    journal.times = g_array_sized_new(FALSE, FALSE, sizeof(gint64), 8);
    journal.recording = TRUE;
    lh_journal_note("begin", "agent", agent, "resource", resource, "action", action, "pid",
                    lh__journal_int(pid, getpid()), NULL);
}

gboolean lh_journal_recording(void)
{
    return journal.recording;
}

const char *lh_journal_dir(void)
{
    return journal.dir;
}

/* ---- names and DIR/seq ------------------------------------------------------------- */

/* The SEQ in a journal file's name; 0 when @name is not one. */
static guint64 name_seq(const char *name, gsize len)
{
    guint64 seq = 0;

    if (len != NAME_LEN || memcmp(name, NAME_PREFIX, sizeof(NAME_PREFIX) - 1) != 0
        || memcmp(name + NAME_LEN - 4, NAME_SUFFIX, 4) != 0) {
        return 0;
    }
    for (gsize i = sizeof(NAME_PREFIX) - 1; i < NAME_LEN - 4; i++) {
        guint64 digit = (guint64)(name[i] - '0');

        if (!g_ascii_isdigit(name[i]) || seq > (G_MAXUINT64 - digit) / 10) {
            return 0;
        }
        seq = seq * 10 + digit;
    }
    return seq;
}

static void put_seq20(char *at, guint64 seq)
{
    for (int i = 19; i >= 0; i--) {
        at[i] = (char)('0' + seq % 10);
        seq /= 10;
    }
}

static void file_name(char name[NAME_LEN + 1], guint64 seq)
{
    memcpy(name, NAME_PREFIX, sizeof(NAME_PREFIX) - 1);
    put_seq20(name + sizeof(NAME_PREFIX) - 1, seq);
    memcpy(name + NAME_LEN - 4, NAME_SUFFIX, sizeof(NAME_SUFFIX)); /* with its NUL */
}

/* Where an append stands, under the lock. */
typedef struct jdir {
    const char *path;
    int dirfd;
    int lockfd;
    int seqfd;
    int curfd;                /* the open file; -1: to be created as @name */
    char name[NAME_LEN + 1];  /* the open file's name */
    guint64 next;             /* the next SEQ */
    gint64 size;              /* of the open file */
    gboolean torn;            /* it ends without a newline */
} jdir;

#define JDIR_INIT(path) {(path), -1, -1, -1, -1, "", 1, 0, FALSE}

/* DIR/seq's content: TRUE when it is exactly what write_seq() writes. */
static gboolean parse_seq_text(const char *text, gsize len, guint64 *next, char *name)
{
    guint64 seq = 0;

    if (len != SEQ_TEXT_LEN || text[20] != ' ' || text[SEQ_TEXT_LEN - 1] != '\n'
        || name_seq(text + 21, NAME_LEN) == 0) {
        return FALSE;
    }
    for (int i = 0; i < 20; i++) {
        guint64 digit = (guint64)(text[i] - '0');

        if (!g_ascii_isdigit(text[i]) || seq > (G_MAXUINT64 - digit) / 10) {
            return FALSE;
        }
        seq = seq * 10 + digit;
    }
    memcpy(name, text + 21, NAME_LEN);
    name[NAME_LEN] = '\0';
    *next = seq;
    return seq > 0;
}

/* Reads DIR/seq, opening (or making) it for the update to come: FALSE when it cannot
 * be opened; *valid says whether its content could be used. */
static gboolean read_seq(jdir *d, gboolean *valid, char **why)
{
    char text[SEQ_TEXT_LEN + 1];
    ssize_t n;

    d->seqfd = openat(d->dirfd, SEQ_FILE, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
                      0600);
    if (d->seqfd < 0) {
        *why = g_strdup_printf("cannot open %s/" SEQ_FILE ": %s", d->path, g_strerror(errno));
        return FALSE;
    }
    n = pread(d->seqfd, text, sizeof(text), 0);
    *valid = n > 0 && parse_seq_text(text, (gsize)n, &d->next, d->name);
    return TRUE;
}

/* Rewrites DIR/seq in place: always SEQ_TEXT_LEN bytes, so nothing to truncate once
 * it has its size. */
static gboolean write_seq(jdir *d, guint64 next, const char *name, char **why)
{
    char text[SEQ_TEXT_LEN];
    struct stat st;

    put_seq20(text, next);
    text[20] = ' ';
    memcpy(text + 21, name, NAME_LEN);
    text[SEQ_TEXT_LEN - 1] = '\n';
    if (pwrite(d->seqfd, text, SEQ_TEXT_LEN, 0) != SEQ_TEXT_LEN
        || (fstat(d->seqfd, &st) == 0 && st.st_size != SEQ_TEXT_LEN
            && ftruncate(d->seqfd, SEQ_TEXT_LEN) != 0)) {
        *why = g_strdup_printf("cannot write %s/" SEQ_FILE ": %s", d->path, g_strerror(errno));
        return FALSE;
    }
    return TRUE;
}

/* ---- the open file --------------------------------------------------------------- */

/* Opens DIR/@name for appending, never through a link: -1 with errno otherwise. */
static int open_journal_file(int dirfd, const char *name, int flags, gint64 *size)
{
    struct stat st;
    int fd = openat(dirfd, name, O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | flags,
                    0600);

    if (fd < 0) {
        return -1;
    }
    /* A hard link would make an append land in another file too. */
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
        close(fd);
        errno = EPERM;
        return -1;
    }
    *size = st.st_size;
    return fd;
}

/* What the last line of an open file says. */
typedef struct tail {
    gboolean torn;   /* the file ends without a newline */
    gboolean known;  /* its last complete line is a valid record: */
    guint64 seq;     /* ... its SEQ */
    gboolean closed; /* ... and it is a rotate */
} tail;

/* The last complete line in buf[0, len) (the file's last @len bytes, @whole when that
 * is the whole file): FALSE when it may start before the buffer. */
static gboolean last_line(const char *buf, gsize len, gboolean whole, gsize *start, gsize *end)
{
    const char *nl = memrchr(buf, '\n', len);
    const char *before;

    if (nl == NULL) {
        return FALSE;
    }
    *end = (gsize)(nl - buf);
    before = *end > 0 ? memrchr(buf, '\n', *end) : NULL;
    if (before == NULL && !whole) {
        return FALSE;
    }
    *start = before != NULL ? (gsize)(before - buf) + 1 : 0;
    return TRUE;
}

/* Reads back the end of the file (@want bytes at most); FALSE when its last line
 * did not fit. */
static gboolean read_tail(int fd, gint64 size, gsize want, tail *t)
{
    gsize len = (gsize)MIN(size, (gint64)want), start = 0, end = 0;
    g_autofree char *buf = g_malloc(len);

    if (pread(fd, buf, len, size - (gint64)len) != (ssize_t)len) {
        return TRUE; /* unreadable: unknown, as a damaged line */
    }
    t->torn = buf[len - 1] != '\n';
    if (!last_line(buf, len, (gint64)len == size, &start, &end)) {
        return (gint64)len == size || len > LH_JOURNAL_LINE_MAX;
    }
    /* The crc is enough to trust a line here: the reader checks the rest. */
    t->known = lh__journal_peek(buf + start, end - start, &t->seq, &t->closed);
    return TRUE;
}

static tail file_tail(int fd, gint64 size)
{
    tail t = {FALSE, FALSE, 0, FALSE};

    if (size > 0 && !read_tail(fd, size, TAIL_FIRST, &t)) {
        read_tail(fd, size, LH_JOURNAL_LINE_MAX + 1, &t);
    }
    return t;
}

/* The highest SEQ among the valid records of an open file, by reading it all. */
static guint64 scan_last_seq(int fd, const char *name)
{
    int copy = dup(fd);
    g_autoptr(lh_jreader) reader = NULL;
    lh_jrecord rec = LH_JRECORD_INIT;
    guint64 last = 0;
    lh_jread got;

    if (copy < 0 || lseek(copy, 0, SEEK_SET) != 0) {
        if (copy >= 0) {
            close(copy);
        }
        return 0;
    }
    reader = lh__jreader_open_fd(copy, name);
    while ((got = lh_jreader_next(reader, &rec, NULL, NULL)) != LH_JREAD_END
           && got != LH_JREAD_ERROR) {
        if (got == LH_JREAD_RECORD) {
            last = MAX(last, rec.seq);
        }
    }
    lh_jrecord_release(&rec);
    return last;
}

/* ---- listing: recovery and pruning ------------------------------------------------- */

static gint compare_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The journal files of DIR, oldest first (names sort in creation order). */
static GPtrArray *list_files(int dirfd)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    int copy = dup(dirfd);
    DIR *dir = copy >= 0 ? fdopendir(copy) : NULL;
    struct dirent *entry;

    if (dir == NULL) {
        if (copy >= 0) {
            close(copy);
        }
        return names;
    }
    rewinddir(dir); /* the copy shares its position with @dirfd: listed once already? */
    /* readdir_r is deprecated (glibc); this process has one thread. */
    // cppcheck-suppress readdirCalled
    while ((entry = readdir(dir)) != NULL) {
        if (name_seq(entry->d_name, strlen(entry->d_name)) > 0) {
            g_ptr_array_add(names, g_strdup(entry->d_name));
        }
    }
    closedir(dir);
    g_ptr_array_sort(names, compare_names);
    return names;
}

/* DIR/seq is lost, damaged, or names a file that is gone or closed: the newest file
 * is the open one, unless it is closed; the next SEQ is past everything seen. A newest
 * file that cannot be read (a link planted there) stops the write: numbers past it
 * could not be known. */
static gboolean recover(jdir *d, guint64 seq_next, char **why)
{
    g_autoptr(GPtrArray) names = list_files(d->dirfd);
    const char *newest = names->len > 0 ? g_ptr_array_index(names, names->len - 1) : NULL;
    guint64 next = MAX(seq_next, 1);
    gint64 size = 0;
    int fd = newest != NULL ? open_journal_file(d->dirfd, newest, 0, &size) : -1;

    if (newest != NULL && fd < 0) {
        *why = g_strdup_printf("cannot open %s/%s: %s", d->path, newest,
                               errno == ELOOP ? "it is a symbolic link" : g_strerror(errno));
        return FALSE;
    }
    if (fd >= 0) {
        tail t = file_tail(fd, size);
        guint64 last = t.known ? t.seq : scan_last_seq(fd, newest);

        next = MAX(next, MAX(name_seq(newest, NAME_LEN), last + 1));
        if (!t.closed) {
            d->curfd = fd;
            d->size = size;
            d->torn = t.torn;
            g_strlcpy(d->name, newest, sizeof(d->name));
            d->next = next;
            return TRUE;
        }
        close(fd);
    }
    d->next = next;
    file_name(d->name, next);
    return TRUE;
}

/* Finds the open file and the next SEQ: from DIR/seq, checked against the open file's
 * last record (DIR/seq may be older than the file after a crash), else by recovery. */
static gboolean find_current(jdir *d, gboolean seq_valid, char **why)
{
    tail t = {FALSE, FALSE, 0, FALSE};

    if (seq_valid) {
        d->curfd = open_journal_file(d->dirfd, d->name, 0, &d->size);
    }
    if (d->curfd >= 0) {
        t = file_tail(d->curfd, d->size);
        if (!t.closed) {
            d->torn = t.torn;
            d->next = MAX(d->next, t.known ? t.seq + 1 : 1);
            return TRUE;
        }
        close(d->curfd);
        d->curfd = -1;
    }
    return recover(d, seq_valid ? MAX(d->next, t.known ? t.seq + 1 : 1) : 0, why);
}

/* Unlinks the oldest files past the number kept. */
static void prune(const jdir *d, guint keep)
{
    g_autoptr(GPtrArray) names = list_files(d->dirfd);

    for (guint i = 0; i + keep < names->len; i++) {
        if (unlinkat(d->dirfd, g_ptr_array_index(names, i), 0) != 0 && errno != ENOENT) {
            lh_debug("journal: cannot remove %s/%s: %s", d->path,
                     (const char *)g_ptr_array_index(names, i), g_strerror(errno));
        }
    }
}

/* ---- appending ----------------------------------------------------------------- */

/* The noted records as lines numbered from @first. */
static GString *format_batch(guint64 first)
{
    GString *batch = g_string_sized_new(journal.notes->len + (gsize)journal.times->len * 96);
    const char *rest = journal.notes->str;

    for (guint i = 0; i < journal.times->len; i++) {
        const char *nl = strchr(rest, '\n');

        lh__journal_line(batch, first + i, g_array_index(journal.times, gint64, i),
                         journal.node, rest, (gsize)(nl - rest));
        rest = nl + 1;
    }
    return batch;
}

/* One write(2) of @text (after a newline when the file ends torn); a short write is
 * taken back, so that a full disk leaves no torn record behind. */
static gboolean append_text(int fd, const char *name, gint64 size, gboolean torn,
                            const GString *text, const char *dir, char **why)
{
    g_autoptr(GString) whole = NULL;
    const GString *out = text;
    ssize_t n;

    if (torn) {
        whole = g_string_new_len("\n", 1);
        g_string_append_len(whole, text->str, (gssize)text->len);
        out = whole;
    }
    n = write(fd, out->str, out->len);
    if (n == (ssize_t)out->len) {
        return TRUE;
    }
    /* A short write says nothing of why: the next one does (ENOSPC, EDQUOT, EFBIG),
     * unless it was only interrupted. */
    if (n >= 0) {
        ssize_t more = write(fd, out->str + n, out->len - (gsize)n);

        if (more == (ssize_t)(out->len - (gsize)n)) {
            return TRUE;
        }
        if (more >= 0) {
            errno = ENOSPC;
        }
    }
    *why = g_strdup_printf("cannot append to %s/%s: %s", dir, name, g_strerror(errno));
    if (n > 0 && ftruncate(fd, size) != 0) {
        lh_debug("journal: cannot take back a short write to %s/%s", dir, name);
    }
    return FALSE;
}

/* DIR/seq follows what was appended. Were it not rewritten (a crash, an I/O error), the
 * open file's last record still gives the next number: nothing to warn about. */
static void advance_seq(jdir *d, guint64 next, const char *name)
{
    g_autofree char *why = NULL;

    if (!write_seq(d, next, name, &why)) {
        lh_debug("journal: %s", why);
    }
}

/* Closes the open file with a rotate record numbered d->next, then appends the noted
 * records, numbered on, to a new file named after the first of them. Whatever fails,
 * no number is skipped: a rotate record that could not be written leaves everything as
 * it was (the new file is only made after it), and a closed file whose next one is
 * missing or empty is continued by recovery with the number its rotate record gave. */
static gboolean rotate_and_append(jdir *d, char **why)
{
    char next_name[NAME_LEN + 1];
    g_autofree char *rest = NULL;
    g_autoptr(GString) closing = g_string_new(NULL);
    g_autoptr(GString) batch = format_batch(d->next + 1);
    gint64 new_size = 0;
    int fd;
    gboolean ok;

    file_name(next_name, d->next + 1);
    rest = g_strconcat("rotate next=", next_name, NULL); /* a name needs no escape */
    lh__journal_line(closing, d->next, g_get_real_time(), journal.node, rest, strlen(rest));
    if (!append_text(d->curfd, d->name, d->size, d->torn, closing, d->path, why)) {
        return FALSE;
    }
    fd = open_journal_file(d->dirfd, next_name, O_CREAT, &new_size);
    if (fd < 0) {
        *why = g_strdup_printf("cannot create %s/%s: %s", d->path, next_name, g_strerror(errno));
        return FALSE;
    }
    ok = append_text(fd, next_name, new_size, FALSE, batch, d->path, why);
    close(fd);
    if (ok) {
        advance_seq(d, d->next + 1 + journal.times->len, next_name);
    }
    prune(d, journal.files);
    return ok;
}

static gboolean append_records(jdir *d, char **why)
{
    g_autoptr(GString) batch = format_batch(d->next);

    if (d->curfd >= 0 && d->size > 0 && d->size + (gint64)batch->len > journal.file_size) {
        return rotate_and_append(d, why);
    }
    if (d->curfd < 0) {
        d->curfd = open_journal_file(d->dirfd, d->name, O_CREAT, &d->size);
        if (d->curfd < 0) {
            *why = g_strdup_printf("cannot create %s/%s: %s", d->path, d->name,
                                   g_strerror(errno));
            return FALSE;
        }
    }
    if (!append_text(d->curfd, d->name, d->size, d->torn, batch, d->path, why)) {
        return FALSE;
    }
    advance_seq(d, d->next + journal.times->len, d->name);
    return TRUE;
}

/* ---- the directory and its lock --------------------------------------------------- */

/* Opens DIR (made 0700 with its parents when missing), refusing a link, a directory
 * of someone else's, or one that others may write to. */
static int open_dir(const char *path, char **why)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

    if (fd < 0 && errno == ENOENT) {
        if (g_mkdir_with_parents(path, 0700) != 0) {
            *why = g_strdup_printf("cannot create %s: %s", path, g_strerror(errno));
            return -1;
        }
        fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    if (fd < 0) {
        int error = errno;
        gboolean link = lstat(path, &st) == 0 && S_ISLNK(st.st_mode); /* ELOOP or ENOTDIR */

        *why = g_strdup_printf("cannot open %s: %s", path,
                               link ? "it is a symbolic link" : g_strerror(error));
        return -1;
    }
    if (fstat(fd, &st) != 0 || st.st_uid != geteuid() || (st.st_mode & 022) != 0) {
        *why = g_strdup_printf("refused %s: it must belong to uid %ld and be writable by no "
                               "one else", path, (long)geteuid());
        close(fd);
        return -1;
    }
    return fd;
}

/* flock(DIR/.lock), polled without blocking for at most LH_JOURNAL_LOCK_WAIT_MS: a
 * writer stuck with the lock must not hold up every agent of the node. */
static int take_lock(const jdir *d, char **why)
{
    gint64 until = g_get_monotonic_time() + (gint64)LH_JOURNAL_LOCK_WAIT_MS * 1000;
    gint64 pause_us = 500;
    int fd = openat(d->dirfd, LOCK_FILE, O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
                    0600);

    if (fd < 0) {
        *why = g_strdup_printf("cannot open %s/" LOCK_FILE ": %s", d->path, g_strerror(errno));
        return -1;
    }
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        gint64 left = until - g_get_monotonic_time();

        if (errno != EWOULDBLOCK && errno != EINTR) {
            *why = g_strdup_printf("cannot lock %s/" LOCK_FILE ": %s", d->path,
                                   g_strerror(errno));
        } else if (left <= 0) {
            *why = g_strdup_printf("%s/" LOCK_FILE " was held by another process for more "
                                   "than %d ms", d->path, LH_JOURNAL_LOCK_WAIT_MS);
        } else {
            g_usleep((gulong)MIN(pause_us, left));
            pause_us = MIN(pause_us * 2, LOCK_PAUSE_MAX_US);
            continue;
        }
        close(fd);
        return -1;
    }
    return fd;
}

static void close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

static void close_jdir(jdir *d)
{
    close_fd(&d->curfd);
    close_fd(&d->seqfd);
    close_fd(&d->lockfd); /* the lock goes with its last descriptor */
    close_fd(&d->dirfd);
}

/* Appends the noted records to the journal in @path; FALSE with *why when not. */
static gboolean write_records(const char *path, char **why)
{
    jdir d = JDIR_INIT(path);
    gboolean seq_valid = FALSE;
    gboolean ok = FALSE;

    d.dirfd = open_dir(path, why);
    if (d.dirfd < 0) {
        goto done;
    }
    d.lockfd = take_lock(&d, why);
    if (d.lockfd < 0 || !read_seq(&d, &seq_valid, why)) {
        goto done;
    }
    ok = find_current(&d, seq_valid, why) && append_records(&d, why);
done:
    close_jdir(&d);
    return ok;
}

void lh_journal_end(int ocf_code, const char *reason, gint64 duration_ms)
{
    char code[24], ms[24];
    g_autofree char *why = NULL;

    if (!journal.recording) {
        return;
    }
    lh_journal_note("result", "ocf", lh_ocf_code_name(ocf_code), "code",
                    lh__journal_int(code, ocf_code), "reason", reason, "ms",
                    lh__journal_int(ms, duration_ms), NULL);
    journal.recording = FALSE;
    if (!write_records(journal.dir, &why)) {
        /* Once per process: a full disk must not flood the log of every action. */
        if (!journal.warned) {
            lh_warn("journal: %s; this action's records are dropped (said once)", why);
            journal.warned = TRUE;
        } else {
            lh_debug("journal: %s; this action's records are dropped", why);
        }
    }
    g_string_free(journal.notes, TRUE);
    journal.notes = NULL;
    g_array_unref(journal.times);
    journal.times = NULL;
}
