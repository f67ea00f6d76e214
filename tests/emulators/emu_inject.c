/*
 * emu_inject.c - fault injection for the JP1 emulator.
 *
 * Tests script a command's next answers in $JP1EMU_ROOT/inject/LHOST/
 * <command>.codes, one whitespace-separated token consumed per invocation:
 *
 *   0..255    exit with that code at once, doing nothing else
 *   hang      sleep until killed (the caller's timeout must act)
 *   hang:MS   sleep MS milliseconds (not scaled), then behave normally
 *   real      behave normally
 *
 * Agents may run several commands at once (a monitor racing a stop), so a
 * token is taken under flock() and the rest written back in place: two
 * invocations never consume the same token.
 *
 * Flag files (inject/LHOST/<key>.<flag>) switch on lasting faults; they
 * are read at the moment the behaviour they change is decided. A few hold
 * a number (jajs_schd.restart-ms).
 */
#define _GNU_SOURCE
#include "jp1emu.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define INJECT_FILE_MAX 16384
#define INJECT_TOKEN_MAX 32
#define INJECT_BAD_RC 125	/* not a JP1 code: a test typo must show */

enum inject_kind { INJ_NONE, INJ_CODE, INJ_HANG, INJ_DELAY, INJ_BAD };

struct inject {
	enum inject_kind kind;
	long value;		/* exit code or delay in ms */
	char token[INJECT_TOKEN_MAX];
};

bool emu_inject_dir(const struct emu_ctx *ctx, const char *lhost,
		    char *buf, size_t size)
{
	return emu_path(buf, size, "%s/inject/%s", ctx->root, lhost);
}

bool emu_inject_flag(const struct emu_ctx *ctx, const char *lhost,
		     const char *key, const char *flag)
{
	char path[EMU_PATH_MAX];

	return emu_path(path, sizeof(path), "%s/inject/%s/%s.%s", ctx->root,
			lhost, key, flag) &&
	       emu_exists(path);
}

int emu_inject_number(const struct emu_ctx *ctx, const char *lhost,
		      const char *flag, long min, long max, long *out)
{
	char path[EMU_PATH_MAX], text[32], *end;
	ssize_t n;
	int fd;

	if (!emu_path(path, sizeof(path), "%s/inject/%s/%s", ctx->root, lhost,
		      flag))
		return 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n < 0)
		return -1;
	text[n] = '\0';
	for (end = text + n; end > text && strchr(" \t\r\n", end[-1]); end--)
		*(end - 1) = '\0';
	return emu_parse_long(text, min, max, out) ? 1 : -1;
}

/* Reads the whole (small) file; -1 if it is too big to rewrite safely. */
static ssize_t read_all(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;

	while (len < size && (n = read(fd, buf + len, size - len)) > 0)
		len += (size_t)n;
	return len < size ? (ssize_t)len : -1;
}

/* Cuts the first token out of buf[0..len) into tok; returns the rest. */
static const char *cut_token(const char *buf, size_t len, char *tok,
			     size_t toksize, size_t *restlen)
{
	size_t i = 0, start, n;

	while (i < len && strchr(" \t\r\n", buf[i]) != NULL)
		i++;
	start = i;
	while (i < len && strchr(" \t\r\n", buf[i]) == NULL)
		i++;
	n = i - start < toksize - 1 ? i - start : toksize - 1;
	memcpy(tok, buf + start, n);
	tok[n] = '\0';
	/* so that a used-up sequence leaves an empty file, not a newline */
	while (i < len && strchr(" \t\r\n", buf[i]) != NULL)
		i++;
	*restlen = len - i;
	return buf + i;
}

/* Takes one token from an open codes file; false if there is none. */
static bool take_token(int fd, char *tok, size_t toksize)
{
	char buf[INJECT_FILE_MAX];
	const char *rest;
	size_t restlen;
	ssize_t len;

	if (flock(fd, LOCK_EX) < 0)
		return false;
	len = read_all(fd, buf, sizeof(buf));
	if (len < 0) {
		snprintf(tok, toksize, "<file too large>");
		return true;
	}
	rest = cut_token(buf, (size_t)len, tok, toksize, &restlen);
	if (tok[0] == '\0')
		return false;
	if (pwrite(fd, rest, restlen, 0) < 0 ||
	    ftruncate(fd, (off_t)restlen) < 0)
		snprintf(tok, toksize, "<cannot rewrite>");
	return true;	/* the lock goes with the descriptor */
}

static void parse_token(struct inject *inj)
{
	const char *t = inj->token;

	if (strcmp(t, "real") == 0)
		inj->kind = INJ_NONE;
	else if (strcmp(t, "hang") == 0)
		inj->kind = INJ_HANG;
	else if (strncmp(t, "hang:", 5) == 0 &&
		 emu_parse_long(t + 5, 0, 86400000L, &inj->value))
		inj->kind = INJ_DELAY;
	else if (emu_parse_long(t, 0, 255, &inj->value))
		inj->kind = INJ_CODE;
	else
		inj->kind = INJ_BAD;
}

static void inject_next(const struct emu_ctx *ctx, const char *lhost,
			struct inject *inj)
{
	char path[EMU_PATH_MAX];
	int fd;

	inj->kind = INJ_NONE;
	if (!emu_path(path, sizeof(path), "%s/inject/%s/%s.codes", ctx->root,
		      lhost, ctx->name))
		return;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return;		/* the common case: nothing injected */
	if (take_token(fd, inj->token, sizeof(inj->token)))
		parse_token(inj);
	close(fd);
}

int emu_inject_apply(const struct emu_ctx *ctx, const char *lhost)
{
	struct inject inj;

	inject_next(ctx, lhost, &inj);
	switch (inj.kind) {
	case INJ_CODE:
		return emu_finish(ctx, (int)inj.value, "injected");
	case INJ_HANG:
		emu_log_cmd(ctx, "hang (injected)");
		emu_hang();
	case INJ_DELAY:
		emu_sleep_ms(inj.value);
		return EMU_CONTINUE;
	case INJ_BAD:
		fprintf(stderr, "jp1emu: bad injection token '%s' for %s\n",
			inj.token, ctx->name);
		return emu_finish(ctx, INJECT_BAD_RC, "bad injection token");
	case INJ_NONE:
		break;
	}
	return EMU_CONTINUE;
}
