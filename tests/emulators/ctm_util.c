/*
 * ctm_util.c - paths, files, clocks, the log and fault injection of the
 * Control-M CTMPLEX emulator (a test fixture: it never ships).
 *
 * The log is ROOT/log, one write() per line on O_APPEND:
 *   "<realtime> <pid> <name> <text>"
 * where text is a product message, or "ARGS -> rc N [(note)]" at the end
 * of each command.
 */
#define _GNU_SOURCE
#include "ctmemu.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LOG_LINE_MAX 2048
#define INJECT_BAD_RC 125

bool ctm_path(char *buf, size_t size, const char *fmt, ...)
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

void ctm_upcase(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'a' && *s <= 'z')
			*s = (char)(*s - 'a' + 'A');
}

bool ctm_parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	if (s == NULL || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return false;
	*out = v;
	return true;
}

bool ctm_mkdirs(const char *path)
{
	char buf[CTM_PATH_MAX], *p;

	if (!ctm_path(buf, sizeof(buf), "%s", path))
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

bool ctm_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static bool write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		data += n;
		len -= (size_t)n;
	}
	return true;
}

static bool write_atomic_len(const char *path, const char *data, size_t len)
{
	char tmp[CTM_PATH_MAX];
	bool ok;
	int fd;

	if (!ctm_path(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()))
		return false;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return false;
	ok = write_all(fd, data, len);
	ok = close(fd) == 0 && ok;
	if (ok && rename(tmp, path) == 0)
		return true;
	(void)unlink(tmp);
	return false;
}

bool ctm_write_atomic(const char *path, const char *text)
{
	return write_atomic_len(path, text, strlen(text));
}

ssize_t ctm_read_file(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while (len < size - 1 && (n = read(fd, buf + len, size - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	return (ssize_t)len;
}

bool ctm_copy_file(const char *from, const char *to)
{
	static char buf[8 << 20];
	size_t len = 0;
	ssize_t n = 0;
	int fd = open(from, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	while (len < sizeof(buf) && (n = read(fd, buf + len, sizeof(buf) - len)) > 0)
		len += (size_t)n;
	close(fd);
	if (n < 0 || len == sizeof(buf))
		return false;
	return write_atomic_len(to, buf, len);
}

int ctm_lock(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

	if (fd >= 0 && flock(fd, LOCK_EX) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

void ctm_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

long long ctm_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long ctm_real_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void ctm_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	if (ms > 0)
		(void)nanosleep(&ts, NULL);	/* a signal cuts it short */
}

static void log_text(const struct ctm_ctx *ctx, const char *text)
{
	char line[LOG_LINE_MAX], path[CTM_PATH_MAX];
	struct timespec ts;
	int fd, n;

	if (ctx->root[0] == '\0' ||
	    !ctm_path(path, sizeof(path), "%s/log", ctx->root))
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	n = snprintf(line, sizeof(line) - 1, "%lld.%09ld %d %s %s",
		     (long long)ts.tv_sec, ts.tv_nsec, (int)getpid(), ctx->name,
		     text);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line) - 1)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 && errno == ENOENT && ctm_mkdirs(ctx->root))
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	(void)write_all(fd, line, (size_t)n);	/* best effort */
	close(fd);
}

void ctm_log(const struct ctm_ctx *ctx, const char *fmt, ...)
{
	char text[LOG_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	log_text(ctx, text);
}

void ctm_msg(const struct ctm_ctx *ctx, bool print, const char *fmt, ...)
{
	char text[LOG_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (print)
		printf("%s\n", text);
	log_text(ctx, text);
}

int ctm_finish(const struct ctm_ctx *ctx, int rc, const char *note)
{
	char args[1024];
	size_t len = 0;
	int i;

	args[0] = '\0';
	for (i = 0; i < ctx->argc && len < sizeof(args) - 1; i++) {
		int n = snprintf(args + len, sizeof(args) - len, "%s ", ctx->argv[i]);
		if (n < 0 || (size_t)n >= sizeof(args) - len)
			break;
		len += (size_t)n;
	}
	ctm_log(ctx, "%s-> rc %d%s%s%s", args, rc, note ? " (" : "",
		note ? note : "", note ? ")" : "");
	return rc;
}

/* ---- fault injection ---------------------------------------------- */

bool ctm_inject_dir(const struct ctm_ctx *ctx, char *buf, size_t size)
{
	return ctx->root[0] != '\0' && ctx->member[0] != '\0' &&
	       ctm_path(buf, size, "%s/inject/%s", ctx->root, ctx->member);
}

bool ctm_inject_take(const struct ctm_ctx *ctx, const char *flag)
{
	char dir[CTM_PATH_MAX], path[CTM_PATH_MAX];

	return ctm_inject_dir(ctx, dir, sizeof(dir)) &&
	       ctm_path(path, sizeof(path), "%s/%s", dir, flag) &&
	       unlink(path) == 0;
}

/* One token per invocation, taken under flock and written back. */
static bool take_token(int fd, char *tok, size_t toksize)
{
	char buf[16384];
	size_t len = 0, i = 0, start, n;
	ssize_t r;

	if (flock(fd, LOCK_EX) < 0)
		return false;
	while (len < sizeof(buf) && (r = read(fd, buf + len, sizeof(buf) - len)) > 0)
		len += (size_t)r;
	while (i < len && strchr(" \t\r\n", buf[i]) != NULL)
		i++;
	start = i;
	while (i < len && strchr(" \t\r\n", buf[i]) == NULL)
		i++;
	n = i - start < toksize - 1 ? i - start : toksize - 1;
	memcpy(tok, buf + start, n);
	tok[n] = '\0';
	while (i < len && strchr(" \t\r\n", buf[i]) != NULL)
		i++;
	if (tok[0] == '\0')
		return false;
	if (pwrite(fd, buf + i, len - i, 0) < 0 ||
	    ftruncate(fd, (off_t)(len - i)) < 0)
		snprintf(tok, toksize, "<cannot rewrite>");
	return true;
}

int ctm_inject_apply(const struct ctm_ctx *ctx)
{
	char dir[CTM_PATH_MAX], path[CTM_PATH_MAX], tok[32];
	long v;
	int fd;

	if (!ctm_inject_dir(ctx, dir, sizeof(dir)) ||
	    !ctm_path(path, sizeof(path), "%s/%s.codes", dir, ctx->name))
		return CTM_CONTINUE;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return CTM_CONTINUE;
	if (!take_token(fd, tok, sizeof(tok))) {
		close(fd);
		return CTM_CONTINUE;
	}
	close(fd);
	if (strcmp(tok, "real") == 0)
		return CTM_CONTINUE;
	if (strcmp(tok, "hang") == 0) {
		ctm_log(ctx, "-> hang (injected)");
		for (;;)
			pause();
	}
	if (strncmp(tok, "hang:", 5) == 0 &&
	    ctm_parse_long(tok + 5, 0, 86400000L, &v)) {
		ctm_sleep_ms(v);
		return CTM_CONTINUE;
	}
	if (ctm_parse_long(tok, 0, 255, &v))
		return ctm_finish(ctx, (int)v, "injected");
	fprintf(stderr, "ctmemu: bad injection token '%s' for %s\n", tok,
		ctx->name);
	return ctm_finish(ctx, INJECT_BAD_RC, "bad injection token");
}
