/*
 * emu_env.c - environment knobs, paths, small file helpers, clocks and the
 * event log of the JP1 emulator.
 *
 * The log is how tests prove ordering across processes (stop before
 * killall, status polls after start), so every line is written with one
 * write() on an O_APPEND descriptor: lines from concurrent processes never
 * interleave.
 */
#define _GNU_SOURCE
#include "jp1emu.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define EMU_LINE_MAX 2048

static double env_double(const char *name, double dflt)
{
	const char *s = getenv(name);
	char *end;
	double v;

	if (s == NULL || *s == '\0')
		return dflt;
	errno = 0;
	v = strtod(s, &end);
	/* A typo must not silently turn a 3 s start-up into 0 s. */
	if (errno != 0 || *end != '\0' || v < 0.0) {
		fprintf(stderr, "jp1emu: ignoring bad %s='%s'\n", name, s);
		return dflt;
	}
	return v;
}

static long env_long(const char *name, long dflt)
{
	const char *s = getenv(name);
	long v;

	if (s == NULL || *s == '\0')
		return dflt;
	if (!emu_parse_long(s, 0, 86400000L, &v)) {
		fprintf(stderr, "jp1emu: ignoring bad %s='%s'\n", name, s);
		return dflt;
	}
	return v;
}

/*
 * The daemon runs with / as its working directory, so a relative root
 * would mean something else to it: make it absolute and export it.
 */
static void ctx_set_root(struct emu_ctx *ctx)
{
	const char *root = getenv("JP1EMU_ROOT");
	char cwd[EMU_PATH_MAX];

	if (root == NULL || *root == '\0')
		root = EMU_DEFAULT_ROOT;
	if (root[0] == '/' || getcwd(cwd, sizeof(cwd)) == NULL) {
		emu_path(ctx->root, sizeof(ctx->root), "%s", root);
		return;
	}
	if (emu_path(ctx->root, sizeof(ctx->root), "%s/%s", cwd, root))
		setenv("JP1EMU_ROOT", ctx->root, 1);
}

void emu_ctx_init(struct emu_ctx *ctx, int argc, char **argv)
{
	const char *slash;

	ctx->name = "jp1emu";
	if (argc > 0 && argv[0] != NULL) {
		slash = strrchr(argv[0], '/');
		ctx->name = slash != NULL ? slash + 1 : argv[0];
	}
	ctx->argc = argc > 0 ? argc - 1 : 0;
	ctx->argv = argc > 0 ? argv + 1 : argv;
	ctx_set_root(ctx);
	ctx->scale = env_double("JP1EMU_TIME_SCALE", 1.0);
	ctx->start_ms = env_long("JP1EMU_START_MS", 3000);
	ctx->stop_ms = env_long("JP1EMU_STOP_MS", 1000);
}

long emu_scaled_ms(const struct emu_ctx *ctx, long ms)
{
	return (long)((double)ms * ctx->scale + 0.5);
}

bool emu_path(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size) {
		buf[0] = '\0';
		return false;
	}
	return true;
}

static bool is_alnum(char c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/*
 * Logical host names become path components and argv entries, so only
 * host-name characters are accepted, and never a leading '-' or '.'.
 */
bool emu_lhost_valid(const char *lhost)
{
	size_t len;

	if (lhost == NULL || !is_alnum(lhost[0]))
		return false;
	for (len = 0; lhost[len] != '\0'; len++) {
		char c = lhost[len];

		if (!is_alnum(c) && c != '-' && c != '.' && c != '_')
			return false;
	}
	return len <= EMU_LHOST_MAX;
}

/* A scheduler service name: 1 to 30 bytes of [A-Za-z0-9_]. */
bool emu_service_valid(const char *service)
{
	size_t len;

	if (service == NULL)
		return false;
	for (len = 0; service[len] != '\0'; len++)
		if (!is_alnum(service[len]) && service[len] != '_')
			return false;
	return len >= 1 && len <= EMU_SVC_MAX;
}

bool emu_parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s < '0' || *s > '9')
		return false;	/* no sign, no blanks: "-t -1" is an error */
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool emu_mkdirs(const char *path)
{
	char buf[EMU_PATH_MAX];
	char *p;

	if (!emu_path(buf, sizeof(buf), "%s", path))
		return false;
	for (p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return false;
		*p = '/';
	}
	return mkdir(buf, 0755) == 0 || errno == EEXIST;
}

bool emu_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* Replaces path with text (write + rename), so that a reader never sees half of it. */
bool emu_write_atomic(const char *path, const char *text, size_t len)
{
	char tmp[EMU_PATH_MAX];
	bool ok;
	int fd;

	if (!emu_path(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()))
		return false;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return false;
	ok = write(fd, text, len) == (ssize_t)len;
	ok = close(fd) == 0 && ok;
	if (ok && rename(tmp, path) == 0)
		return true;
	emu_unlink(tmp);
	return false;
}

bool emu_touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		return false;
	close(fd);
	return true;
}

void emu_unlink(const char *path)
{
	(void)unlink(path);
}

long long emu_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void emu_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	if (ms <= 0)
		return;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

_Noreturn void emu_hang(void)
{
	for (;;)
		pause();
}

static void log_write(const struct emu_ctx *ctx, const char *text)
{
	char line[EMU_LINE_MAX], path[EMU_PATH_MAX];
	struct timespec ts;
	int fd, n;

	clock_gettime(CLOCK_REALTIME, &ts);
	n = snprintf(line, sizeof(line), "%lld.%09ld %d %s %s\n",
		     (long long)ts.tv_sec, ts.tv_nsec, (int)getpid(),
		     ctx->name, text);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line)) {	/* keep one line per event */
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	if (!emu_path(path, sizeof(path), "%s/log", ctx->root))
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 && errno == ENOENT && emu_mkdirs(ctx->root))
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
			  0644);
	if (fd < 0)
		return;
	if (write(fd, line, (size_t)n) < 0) {
		/* nowhere left to report it: the log is best effort */
	}
	close(fd);
}

void emu_log_event(const struct emu_ctx *ctx, const char *fmt, ...)
{
	char text[EMU_LINE_MAX];
	va_list ap;
	int n;

	n = snprintf(text, sizeof(text), "event ");
	va_start(ap, fmt);
	vsnprintf(text + n, sizeof(text) - (size_t)n, fmt, ap);
	va_end(ap);
	log_write(ctx, text);
}

void emu_log_cmd(const struct emu_ctx *ctx, const char *outcome)
{
	char text[EMU_LINE_MAX];
	size_t len = 0;
	int i, n;

	text[0] = '\0';
	for (i = 0; i < ctx->argc && len < sizeof(text); i++) {
		n = snprintf(text + len, sizeof(text) - len, "%s ",
			     ctx->argv[i]);
		if (n < 0)
			break;
		len += (size_t)n;
	}
	if (len < sizeof(text))
		snprintf(text + len, sizeof(text) - len, "-> %s", outcome);
	log_write(ctx, text);
}

int emu_finish(const struct emu_ctx *ctx, int rc, const char *note)
{
	char outcome[128];

	if (note != NULL)
		snprintf(outcome, sizeof(outcome), "rc %d (%s)", rc, note);
	else
		snprintf(outcome, sizeof(outcome), "rc %d", rc);
	emu_log_cmd(ctx, outcome);
	return rc;
}
