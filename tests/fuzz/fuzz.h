/* fuzz.h - what every lhost fuzz target shares.
 *
 * A target is one file, tests/fuzz/fuzz_<target>.c, defining LLVMFuzzerTestOneInput
 * (and, when it needs a quiet or prepared process, LLVMFuzzerInitialize). It feeds
 * one parser of lib/ and asserts, beyond "no crash", what the parser's header
 * promises: a failed FZ_ASSERT is reported through the sanitizer's report stream
 * (which libFuzzer keeps even with -close_fd_mask) and aborts, so libFuzzer records
 * the input as a crash. Every target frees all it allocates: leaks are findings.
 *
 * tests/fuzz/run builds and runs every target; see there for how.
 */
#ifndef LHOST_FUZZ_H
#define LHOST_FUZZ_H

#include <glib.h>
#include <sanitizer/common_interface_defs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

G_GNUC_PRINTF(3, 4) G_GNUC_NORETURN
static inline void fz_fail(const char *file, int line, const char *fmt, ...)
{
    g_autofree char *what = NULL;
    g_autofree char *summary = NULL;
    va_list ap;

    va_start(ap, fmt);
    what = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    summary = g_strdup_printf("lhost fuzz assertion failed at %s:%d: %s", file, line, what);
    __sanitizer_report_error_summary(summary);
    abort();
}

/* FZ_ASSERT(cond, "what, with %s", args): the promise that must hold. */
#define FZ_ASSERT(cond, ...)                                                                   \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            fz_fail(__FILE__, __LINE__, __VA_ARGS__);                                          \
        }                                                                                      \
    } while (0)

/* Logging stays off (no syslog, no log file, no debug: lhost/log.h), and no OCF
 * variable of whoever runs the fuzzer leaks into what a target parses. */
static inline void fz_quiet_logs(void)
{
    g_auto(GStrv) names = g_listenv();

    for (gsize i = 0; names[i] != NULL; i++) {
        if (g_str_has_prefix(names[i], "OCF_") || g_str_has_prefix(names[i], "HA_")) {
            g_unsetenv(names[i]);
        }
    }
    g_setenv("HA_LOGFACILITY", "none", TRUE);
}

/* Reads the input front to back; past the end every read gives zeros. */
typedef struct fz_input {
    const uint8_t *data;
    size_t size;
    size_t at;
} fz_input;

static inline guint8 fz_byte(fz_input *in)
{
    return in->at < in->size ? in->data[in->at++] : 0;
}

static inline guint32 fz_u32(fz_input *in)
{
    guint32 v = 0;

    for (int i = 0; i < 4; i++) {
        v = v << 8 | fz_byte(in);
    }
    return v;
}

static inline gboolean fz_more(const fz_input *in)
{
    return in->at < in->size;
}

/* The next string: bytes up to a NUL (or the end), as a new NUL-terminated copy
 * of exactly that length, so that ASan sees any read past it. */
static inline char *fz_string(fz_input *in)
{
    const uint8_t *start = in->data + in->at;
    const uint8_t *nul = memchr(start, '\0', in->size - in->at);
    size_t len = nul != NULL ? (size_t)(nul - start) : in->size - in->at;

    in->at += len + (nul != NULL);
    return g_strndup((const char *)start, len);
}

/* The whole input as a NUL-terminated copy (text after an embedded NUL is kept in
 * memory but invisible to C string functions, as for a parser reading a file). */
static inline char *fz_text(const uint8_t *data, size_t size)
{
    char *text = g_malloc(size + 1);

    memcpy(text, data, size);
    text[size] = '\0';
    return text;
}

/* A private scratch directory for the whole run, removed at exit. Fast when
 * /dev/shm is there: the state writer fsyncs every file. */
static char *fz__scratch;

static inline void fz__remove_scratch(void)
{
    g_autoptr(GDir) dir = g_dir_open(fz__scratch, 0, NULL);
    const char *entry;

    while (dir != NULL && (entry = g_dir_read_name(dir)) != NULL) {
        g_autofree char *path = g_build_filename(fz__scratch, entry, NULL);

        if (remove(path) != 0) {
            /* a directory a target made: one level is all any target makes */
            g_autoptr(GDir) sub = g_dir_open(path, 0, NULL);
            const char *name;

            while (sub != NULL && (name = g_dir_read_name(sub)) != NULL) {
                g_autofree char *inner = g_build_filename(path, name, NULL);

                remove(inner);
            }
            remove(path);
        }
    }
    remove(fz__scratch);
    g_clear_pointer(&fz__scratch, g_free);
}

static inline const char *fz_scratch_dir(void)
{
    if (fz__scratch == NULL) {
        const char *base = g_file_test("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm"
                                                                        : g_get_tmp_dir();
        char *dir = g_build_filename(base, "lhost-fuzz-XXXXXX", NULL);

        if (g_mkdtemp(dir) == NULL) {
            g_free(dir);
            dir = g_dir_make_tmp("lhost-fuzz-XXXXXX", NULL);
        }
        FZ_ASSERT(dir != NULL, "cannot make a scratch directory");
        fz__scratch = dir;
        atexit(fz__remove_scratch);
    }
    return fz__scratch;
}

#endif
