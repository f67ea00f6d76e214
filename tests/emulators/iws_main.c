/*
 * iws_main.c - a test emulator of IBM Workload Scheduler (PRODUCTS.md
 * section 2). A test fixture: it never ships.
 *
 * One multi-call binary: main() looks at basename(argv[0]) and becomes a
 * command (StartUp, conman, JnextPlan), a product process (netman,
 * mailman, batchman, jobman, writer, jobmon), or, as `iwsemu`, the admin
 * helper tests use:
 *
 *   iwsemu setup TWA_HOME WORKSTATION DOMAIN_DIR [--master]
 *   iwsemu ps | reset | symphony [FILE]
 *
 * An installation is TWA_HOME/TWS/bin holding hard links (or copies) of
 * this binary under every name, so that /proc/PID/exe of each process is
 * TWA_HOME/TWS/bin/NAME: that is how "this installation's processes" are
 * told from another installation's on the same node.
 */
#define _GNU_SOURCE
#include "iwsemu.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_ 2048
#define INJECT_BAD_RC 125

static const char *const names[] = {
	"iwsemu", "StartUp", "conman", "JnextPlan", "netman", "mailman",
	"batchman", "jobman", "writer", "jobmon", NULL
};

/* ---- environment, paths, files ----------------------------------- */

static double env_double(const char *name, double dflt)
{
	const char *s = getenv(name);
	char *end;
	double v;

	if (s == NULL || *s == '\0')
		return dflt;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || *end != '\0' || v < 0.0) {
		fprintf(stderr, "iwsemu: ignoring bad %s='%s'\n", name, s);
		return dflt;
	}
	return v;
}

static long env_long(const char *name, long dflt, long max)
{
	const char *s = getenv(name);
	long v;

	if (s == NULL || *s == '\0')
		return dflt;
	if (!iws_parse_long(s, 0, max, &v)) {
		fprintf(stderr, "iwsemu: ignoring bad %s='%s'\n", name, s);
		return dflt;
	}
	return v;
}

/* TWA_home from our own executable: .../TWS/bin/NAME; else $IWSEMU_TWA_HOME. */
static void ctx_set_home(struct iws_ctx *ctx)
{
	char exe[IWS_PATH_MAX], *slash;
	const char *env = getenv("IWSEMU_TWA_HOME");
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	size_t len;

	ctx->home[0] = '\0';
	if (n > 0) {
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash != NULL) {
			*slash = '\0';
			len = strlen(exe);
			if (len > 8 && strcmp(exe + len - 8, "/TWS/bin") == 0) {
				exe[len - 8] = '\0';
				iws_path(ctx->home, sizeof(ctx->home), "%s", exe);
				return;
			}
		}
	}
	if (env != NULL && env[0] == '/')
		iws_path(ctx->home, sizeof(ctx->home), "%s", env);
}

bool iws_ctx_load(struct iws_ctx *ctx)
{
	char path[IWS_PATH_MAX], text[8192], *line, *save = NULL;
	char key[64], val[IWS_PATH_MAX];
	const char *env = getenv("IWSEMU_DOMAIN");

	ctx->ws[0] = ctx->domain[0] = '\0';
	if (ctx->home[0] == '\0' ||
	    !iws_path(path, sizeof(path), "%s/TWS/localopts", ctx->home) ||
	    iws_read_file(path, text, sizeof(text)) < 0)
		return false;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, " %63[A-Za-z_] = %4095s", key, val) != 2)
			continue;
		if (strcasecmp(key, "thiscpu") == 0 && iws_ws_valid(val)) {
			snprintf(ctx->ws, sizeof(ctx->ws), "%.16s", val);
			iws_upcase(ctx->ws);
		} else if (strcasecmp(key, "iwsemu_domain") == 0) {
			iws_path(ctx->domain, sizeof(ctx->domain), "%s", val);
		}
	}
	if (env != NULL && env[0] == '/')
		iws_path(ctx->domain, sizeof(ctx->domain), "%s", env);
	if (getenv("IWSEMU_ROOT") == NULL || getenv("IWSEMU_ROOT")[0] != '/')
		iws_path(ctx->root, sizeof(ctx->root), "%s/emu", ctx->home);
	return ctx->ws[0] != '\0' && ctx->domain[0] != '\0';
}

void iws_ctx_init(struct iws_ctx *ctx, int argc, char **argv)
{
	const char *slash, *root = getenv("IWSEMU_ROOT");

	memset(ctx, 0, sizeof(*ctx));
	ctx->name = "iwsemu";
	if (argc > 0 && argv[0] != NULL) {
		slash = strrchr(argv[0], '/');
		ctx->name = slash != NULL ? slash + 1 : argv[0];
	}
	ctx->argc = argc > 0 ? argc - 1 : 0;
	ctx->argv = argc > 0 ? argv + 1 : argv;
	ctx->scale = env_double("IWSEMU_TIME_SCALE", 1.0);
	ctx->settle_ms = env_long("IWSEMU_SWITCH_SETTLE_MS", 12000, 86400000L);
	ctx->start_ms = env_long("IWSEMU_START_MS", 1500, 86400000L);
	ctx->stop_ms = env_long("IWSEMU_STOP_MS", 500, 86400000L);
	ctx->job_ms = env_long("IWSEMU_JOB_MS", 60000, 86400000L);
	ctx->jobs = env_long("IWSEMU_JOBS", 3, 16);
	ctx_set_home(ctx);
	if (root != NULL && root[0] == '/')
		iws_path(ctx->root, sizeof(ctx->root), "%s", root);
	(void)iws_ctx_load(ctx);
}

long iws_scaled(const struct iws_ctx *ctx, long ms)
{
	return (long)((double)ms * ctx->scale + 0.5);
}

bool iws_path(char *buf, size_t size, const char *fmt, ...)
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

/* 1 to 16 bytes of [A-Za-z0-9_-], beginning with a letter. */
bool iws_ws_valid(const char *ws)
{
	size_t i;

	if (ws == NULL || !((ws[0] | 0x20) >= 'a' && (ws[0] | 0x20) <= 'z'))
		return false;
	for (i = 0; ws[i] != '\0'; i++) {
		char c = ws[i];

		if (!((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' &&
		      (c | 0x20) <= 'z') || c == '_' || c == '-'))
			return false;
	}
	return i <= IWS_WS_MAX;
}

void iws_upcase(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'a' && *s <= 'z')
			*s = (char)(*s - 'a' + 'A');
}

bool iws_parse_long(const char *s, long min, long max, long *out)
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

bool iws_mkdirs(const char *path)
{
	char buf[IWS_PATH_MAX], *p;

	if (!iws_path(buf, sizeof(buf), "%s", path))
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

bool iws_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

bool iws_write_atomic(const char *path, const void *data, size_t len)
{
	char tmp[IWS_PATH_MAX];
	bool ok;
	int fd;

	if (!iws_path(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()))
		return false;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return false;
	ok = write(fd, data, len) == (ssize_t)len;
	ok = close(fd) == 0 && ok;
	if (ok && rename(tmp, path) == 0)
		return true;
	(void)unlink(tmp);
	return false;
}

ssize_t iws_read_file(const char *path, char *buf, size_t size)
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

long long iws_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long iws_real_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void iws_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	if (ms > 0)
		(void)nanosleep(&ts, NULL);	/* a signal cuts it short */
}

/* "<realtime> <pid> <name> <text>", one write() on O_APPEND. */
void iws_log(const struct iws_ctx *ctx, const char *fmt, ...)
{
	char line[LINE_MAX_], path[IWS_PATH_MAX];
	struct timespec ts;
	va_list ap;
	int fd, n;

	if (ctx->root[0] == '\0')
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	n = snprintf(line, sizeof(line), "%lld.%09ld %d %s ",
		     (long long)ts.tv_sec, ts.tv_nsec, (int)getpid(), ctx->name);
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if ((size_t)n >= sizeof(line) - 1)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (!iws_path(path, sizeof(path), "%s/log", ctx->root))
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 && errno == ENOENT && iws_mkdirs(ctx->root))
		fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (write(fd, line, (size_t)n) < 0) {
		/* best effort */
	}
	close(fd);
}

int iws_finish(const struct iws_ctx *ctx, int rc, const char *note)
{
	char args[1024];
	size_t len = 0;
	int i;

	args[0] = '\0';
	for (i = 0; i < ctx->argc && len < sizeof(args) - 1; i++)
		len += (size_t)snprintf(args + len, sizeof(args) - len, "%s ",
					ctx->argv[i]);
	iws_log(ctx, "%s-> rc %d%s%s%s", args, rc, note ? " (" : "",
		note ? note : "", note ? ")" : "");
	return rc;
}

/* ---- fault injection ---------------------------------------------- */

bool iws_inject_dir(const struct iws_ctx *ctx, char *buf, size_t size)
{
	return ctx->root[0] != '\0' && ctx->ws[0] != '\0' &&
	       iws_path(buf, size, "%s/inject/%s", ctx->root, ctx->ws);
}

bool iws_inject_flag(const struct iws_ctx *ctx, const char *flag)
{
	char dir[IWS_PATH_MAX], path[IWS_PATH_MAX];

	return iws_inject_dir(ctx, dir, sizeof(dir)) &&
	       iws_path(path, sizeof(path), "%s/%s", dir, flag) &&
	       iws_exists(path);
}

bool iws_inject_take(const struct iws_ctx *ctx, const char *flag)
{
	char dir[IWS_PATH_MAX], path[IWS_PATH_MAX];

	return iws_inject_dir(ctx, dir, sizeof(dir)) &&
	       iws_path(path, sizeof(path), "%s/%s", dir, flag) &&
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

int iws_inject_apply(const struct iws_ctx *ctx)
{
	char dir[IWS_PATH_MAX], path[IWS_PATH_MAX], tok[32];
	long v;
	int fd;

	if (!iws_inject_dir(ctx, dir, sizeof(dir)) ||
	    !iws_path(path, sizeof(path), "%s/%s.codes", dir, ctx->name))
		return IWS_CONTINUE;
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return IWS_CONTINUE;
	if (!take_token(fd, tok, sizeof(tok))) {
		close(fd);
		return IWS_CONTINUE;
	}
	close(fd);
	if (strcmp(tok, "real") == 0)
		return IWS_CONTINUE;
	if (strcmp(tok, "hang") == 0) {
		iws_log(ctx, "-> hang (injected)");
		for (;;)
			pause();
	}
	if (strncmp(tok, "hang:", 5) == 0 &&
	    iws_parse_long(tok + 5, 0, 86400000L, &v)) {
		iws_sleep_ms(v);
		return IWS_CONTINUE;
	}
	if (iws_parse_long(tok, 0, 255, &v))
		return iws_finish(ctx, (int)v, "injected");
	fprintf(stderr, "iwsemu: bad injection token '%s' for %s\n", tok,
		ctx->name);
	return iws_finish(ctx, INJECT_BAD_RC, "bad injection token");
}

/* ---- the admin helper --------------------------------------------- */

static int usage(void)
{
	fputs("usage: iwsemu setup TWA_HOME WORKSTATION DOMAIN_DIR [--master]\n"
	      "       iwsemu ps | reset | symphony [FILE]   (as TWA_HOME/TWS/bin/iwsemu,\n"
	      "                                            or with IWSEMU_TWA_HOME)\n",
	      stderr);
	return 1;
}

/* to = a hard link to from (a copy across file systems), atomically. */
static bool install_binary(const char *from, const char *to)
{
	char tmp[IWS_PATH_MAX];

	if (!iws_path(tmp, sizeof(tmp), "%s.tmp.%d", to, (int)getpid()))
		return false;
	(void)unlink(tmp);
	if (link(from, tmp) < 0 && (errno != EXDEV || !iws_copy_file(from, tmp)))
		return false;
	(void)chmod(tmp, 0755);
	if (rename(tmp, to) == 0)
		return true;
	(void)unlink(tmp);
	return false;
}

static int admin_setup(struct iws_ctx *ctx)
{
	char exe[IWS_PATH_MAX], bin[IWS_PATH_MAX], path[IWS_PATH_MAX];
	char text[IWS_PATH_MAX + 128], ws[IWS_WS_MAX + 1];
	struct iws_domain d;
	struct iws_wsinfo *w;
	bool master = false;
	ssize_t n;
	size_t i;
	int fd, len;

	if (ctx->argc == 5 && strcmp(ctx->argv[4], "--master") == 0)
		master = true;
	else if (ctx->argc != 4)
		return usage();
	if (ctx->argv[1][0] != '/' || ctx->argv[3][0] != '/' ||
	    !iws_ws_valid(ctx->argv[2]))
		return usage();
	snprintf(ws, sizeof(ws), "%s", ctx->argv[2]);
	iws_upcase(ws);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0 || !iws_path(bin, sizeof(bin), "%s/TWS/bin", ctx->argv[1]) ||
	    !iws_mkdirs(bin) || !iws_mkdirs(ctx->argv[3]))
		goto fail;
	exe[n] = '\0';
	for (i = 0; names[i] != NULL; i++)
		if (!iws_path(path, sizeof(path), "%s/%s", bin, names[i]) ||
		    (strcmp(path, exe) != 0 && !install_binary(exe, path)))
			goto fail;
	len = snprintf(text, sizeof(text), "thiscpu = %s\niwsemu_domain = %s\n",
		       ws, ctx->argv[3]);
	if (!iws_path(path, sizeof(path), "%s/TWS/localopts", ctx->argv[1]) ||
	    len < 0 || (size_t)len >= sizeof(text) ||
	    !iws_write_atomic(path, text, (size_t)len))
		goto fail;
	iws_path(ctx->home, sizeof(ctx->home), "%s", ctx->argv[1]);
	if (!iws_ctx_load(ctx) || (fd = iws_domain_lock(ctx)) < 0)
		goto fail;
	iws_domain_load(ctx, &d);
	w = iws_domain_ws(&d, ws);
	if (w == NULL && d.nws < IWS_MAX_WS) {
		w = &d.ws[d.nws++];
		snprintf(w->name, sizeof(w->name), "%s", ws);
		w->limit = IWS_LIMIT_DEFAULT;
	}
	if (master && w != NULL) {
		snprintf(d.master, sizeof(d.master), "%s", ws);
		d.pending[0] = '\0';
	}
	if (w == NULL || !iws_domain_save(ctx, &d)) {
		iws_domain_unlock(fd);
		goto fail;
	}
	iws_domain_unlock(fd);
	return iws_finish(ctx, 0, NULL);
fail:
	perror("iwsemu setup");
	return 1;
}

static void ps_print(pid_t pid, const char *name, const char *arg, void *data)
{
	const struct iws_ctx *ctx = data;

	printf("%d %s %s%s%s\n", (int)pid, name, ctx->ws, arg[0] ? " " : "", arg);
}

static void kill_one(pid_t pid, const char *name, const char *arg, void *data)
{
	size_t *n = data;

	(void)name;
	(void)arg;
	if (kill(pid, SIGKILL) == 0)
		(*n)++;
}

static void remove_dir_files(const char *dir)
{
	struct dirent *e;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			(void)unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
	(void)rmdir(dir);
}

/* As after setup: no process, plan, job, link, status, injection; the
 * limit back to 100 and the master back to... whoever it is now. */
static int admin_reset(const struct iws_ctx *ctx)
{
	const char *files[] = { "Symphony", "Sinfonia", "emu/jobs", NULL };
	char path[IWS_PATH_MAX];
	long long end = iws_now_ms() + 2000;
	struct iws_domain d;
	struct iws_wsinfo *w;
	size_t n, i;
	int fd;

	do {
		n = 0;
		iws_scan(ctx, kill_one, &n);
		if (n > 0)
			iws_sleep_ms(20);
	} while (n > 0 && iws_now_ms() < end);
	if (iws_inject_dir(ctx, path, sizeof(path)))
		remove_dir_files(path);
	for (i = 0; files[i] != NULL; i++)
		if (iws_path(path, sizeof(path), "%s/TWS/%s", ctx->home, files[i]))
			(void)unlink(path);
	iws_status_remove(ctx, ctx->ws);
	if (iws_path(path, sizeof(path), "%s/xfer/%s.Symphony", ctx->domain,
		     ctx->ws))
		(void)unlink(path);
	fd = iws_domain_lock(ctx);
	if (fd >= 0) {
		iws_domain_load(ctx, &d);
		for (i = 0; i < d.nws; i++)
			iws_link_set(&d, ctx->ws, d.ws[i].name, false);
		if ((w = iws_domain_ws(&d, ctx->ws)) != NULL)
			w->limit = IWS_LIMIT_DEFAULT;
		(void)iws_domain_save(ctx, &d);
		iws_domain_unlock(fd);
	}
	return iws_finish(ctx, n == 0 ? 0 : 1, NULL);
}

/* Prints the Symphony header: "run N length N checksum X" or AWSBHU001E. */
static int admin_symphony(const struct iws_ctx *ctx)
{
	char path[IWS_PATH_MAX];
	struct iws_plan plan;
	int r;

	if (ctx->argc == 2)
		iws_path(path, sizeof(path), "%s", ctx->argv[1]);
	else if (!iws_symphony_path(ctx, path, sizeof(path)))
		return usage();
	r = iws_plan_read(path, &plan);
	if (r == IWS_PLAN_ABSENT) {
		printf("absent\n");
		return 1;
	}
	if (r == IWS_PLAN_CORRUPT) {
		printf("AWSBHU001E corrupt\n");
		return 1;
	}
	printf("run %u jobs %zu created %lld\n", plan.run, plan.njobs,
	       plan.created);
	return 0;
}

static int admin_main(struct iws_ctx *ctx)
{
	const char *sub = ctx->argc > 0 ? ctx->argv[0] : "";

	if (strcmp(sub, "setup") == 0)
		return admin_setup(ctx);
	if (strcmp(sub, "symphony") == 0 && ctx->argc <= 2)
		return admin_symphony(ctx);
	if (ctx->argc != 1 || (strcmp(sub, "ps") != 0 && strcmp(sub, "reset") != 0))
		return usage();
	if (ctx->ws[0] == '\0') {
		fputs("iwsemu: no installation (run TWA_HOME/TWS/bin/iwsemu or "
		      "set IWSEMU_TWA_HOME)\n", stderr);
		return 1;
	}
	if (strcmp(sub, "ps") == 0) {
		iws_scan(ctx, ps_print, ctx);
		return fflush(stdout) == 0 ? 0 : 1;
	}
	return admin_reset(ctx);
}

int main(int argc, char **argv)
{
	struct iws_ctx ctx;

	iws_ctx_init(&ctx, argc, argv);
	if (iws_is_process(ctx.name))
		return iws_process_main(&ctx);
	if (strcmp(ctx.name, "conman") == 0)
		return iws_conman(&ctx);
	if (strcmp(ctx.name, "StartUp") == 0)
		return iws_startup(&ctx);
	if (strcmp(ctx.name, "JnextPlan") == 0)
		return iws_jnextplan(&ctx);
	if (strcmp(ctx.name, "iwsemu") == 0)
		return admin_main(&ctx);
	fprintf(stderr, "iwsemu: unknown command name '%s'\n", ctx.name);
	return 1;
}
