/*
 * ctm_main.c - a test emulator of BMC Control-M CTMPLEX monitors
 * (PRODUCTS.md section 3). A test fixture: it never ships.
 *
 * One multi-call binary: main() looks at basename(argv[0]) and becomes a
 * command (start_ctm, shut_ctm, status_ctm, ctmplex, ctmcf), the monitor
 * process (p_ctmsu), or, as `ctmemu`, the admin helper tests use:
 *
 *   ctmemu setup HOME MEMBER CF_DIR [--priority N]
 *   ctmemu ps | reset
 *   ctmemu cf fail [K|never] | cf restore
 *
 * An installation is HOME/ctm_server/exe holding hard links (or copies)
 * of this binary under every name, so that /proc/PID/exe of the monitor is
 * HOME/ctm_server/exe/p_ctmsu: that is how one installation's monitor is
 * told from another's on the same node.
 */
#define _GNU_SOURCE
#include "ctmemu.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXE_DIR "/ctm_server/exe"

static const char *const names[] = {
	"ctmemu", "start_ctm", "shut_ctm", "status_ctm", "ctmplex", "ctmcf",
	CTM_MONITOR, NULL
};

/* ---- the context -------------------------------------------------- */

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
		fprintf(stderr, "ctmemu: ignoring bad %s='%s'\n", name, s);
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
	if (!ctm_parse_long(s, 0, max, &v)) {
		fprintf(stderr, "ctmemu: ignoring bad %s='%s'\n", name, s);
		return dflt;
	}
	return v;
}

/* HOME from our own executable: .../ctm_server/exe/NAME; else $CTMEMU_HOME. */
static void ctx_set_home(struct ctm_ctx *ctx)
{
	char exe[CTM_PATH_MAX];
	const char *env = getenv("CTMEMU_HOME");
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	size_t dlen = strlen(EXE_DIR);

	ctx->home[0] = '\0';
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash != NULL) {
			size_t len;

			*slash = '\0';
			len = strlen(exe);
			if (len > dlen && strcmp(exe + len - dlen, EXE_DIR) == 0) {
				exe[len - dlen] = '\0';
				ctm_path(ctx->home, sizeof(ctx->home), "%s", exe);
				return;
			}
		}
	}
	if (env != NULL && env[0] == '/')
		ctm_path(ctx->home, sizeof(ctx->home), "%s", env);
}

bool ctm_member_valid(const char *name)
{
	size_t i;

	if (name == NULL || !((name[0] | 0x20) >= 'a' && (name[0] | 0x20) <= 'z'))
		return false;
	for (i = 0; name[i] != '\0'; i++) {
		char c = name[i];

		if (!((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' &&
		      (c | 0x20) <= 'z') || c == '_' || c == '-'))
			return false;
	}
	return i <= CTM_MEMBER_MAX;
}

bool ctm_ctx_load(struct ctm_ctx *ctx)
{
	char path[CTM_PATH_MAX], text[8192], *line, *save = NULL;
	char key[64], val[CTM_PATH_MAX];
	const char *env = getenv("CTMEMU_CF"), *root = getenv("CTMEMU_ROOT");
	long v;

	ctx->member[0] = ctx->cf[0] = '\0';
	ctx->priority = CTM_PRIORITY_DEFAULT;
	if (ctx->home[0] == '\0' ||
	    !ctm_path(path, sizeof(path), "%s/ctm_server/data/config.dat",
		      ctx->home) ||
	    ctm_read_file(path, text, sizeof(text)) < 0)
		return false;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, " %63[A-Za-z_] %4095s", key, val) != 2)
			continue;
		if (strcmp(key, "CTMPLEX_MEMBER") == 0 && ctm_member_valid(val)) {
			snprintf(ctx->member, sizeof(ctx->member), "%.8s", val);
			ctm_upcase(ctx->member);
		} else if (strcmp(key, "CTMPLEX_PRIORITY") == 0 &&
			   ctm_parse_long(val, 0, 999, &v)) {
			ctx->priority = (int)v;
		} else if (strcmp(key, "CTMEMU_CF") == 0) {
			ctm_path(ctx->cf, sizeof(ctx->cf), "%s", val);
		}
	}
	if (env != NULL && env[0] == '/')
		ctm_path(ctx->cf, sizeof(ctx->cf), "%s", env);
	if (root == NULL || root[0] != '/')
		ctm_path(ctx->root, sizeof(ctx->root), "%s/emu", ctx->home);
	return ctx->member[0] != '\0' && ctx->cf[0] != '\0';
}

void ctm_ctx_init(struct ctm_ctx *ctx, int argc, char **argv)
{
	const char *slash, *root = getenv("CTMEMU_ROOT"), *cf = getenv("CTMEMU_CF");

	memset(ctx, 0, sizeof(*ctx));
	ctx->name = "ctmemu";
	if (argc > 0 && argv[0] != NULL) {
		slash = strrchr(argv[0], '/');
		ctx->name = slash != NULL ? slash + 1 : argv[0];
	}
	ctx->argc = argc > 0 ? argc - 1 : 0;
	ctx->argv = argc > 0 ? argv + 1 : argv;
	ctx->scale = env_double("CTMEMU_TIME_SCALE", 1.0);
	ctx->start_ms = env_long("CTMEMU_START_MS", 1000, 86400000L);
	ctx->stop_ms = env_long("CTMEMU_STOP_MS", 500, 86400000L);
	ctx->connect_ms = env_long("CTMEMU_CONNECT_MS", 1000, 86400000L);
	ctx->stale_ms = env_long("CTMEMU_STALE_MS", 3000, 86400000L);
	ctx->takeover = env_long("CTMEMU_TAKEOVER", 1, 1) == 1;
	ctx_set_home(ctx);
	if (root != NULL && root[0] == '/')
		ctm_path(ctx->root, sizeof(ctx->root), "%s", root);
	if (!ctm_ctx_load(ctx) && cf != NULL && cf[0] == '/')
		ctm_path(ctx->cf, sizeof(ctx->cf), "%s", cf);
}

long ctm_scaled(const struct ctm_ctx *ctx, long ms)
{
	return (long)((double)ms * ctx->scale + 0.5);
}

long ctm_stale_ms(const struct ctm_ctx *ctx)
{
	long ms = ctm_scaled(ctx, ctx->stale_ms);

	return ms > CTM_STALE_MIN_MS ? ms : CTM_STALE_MIN_MS;
}

/* ---- the admin helper --------------------------------------------- */

static int usage(void)
{
	fputs("usage: ctmemu setup HOME MEMBER CF_DIR [--priority N]\n"
	      "       ctmemu ps | reset          (as HOME/ctm_server/exe/ctmemu,\n"
	      "                                  or with CTMEMU_HOME)\n"
	      "       ctmemu cf fail [K|never] | cf restore   (or with CTMEMU_CF)\n",
	      stderr);
	return 1;
}

/* to = a hard link to from (a copy across file systems), atomically. */
static bool install_binary(const char *from, const char *to)
{
	char tmp[CTM_PATH_MAX];

	if (!ctm_path(tmp, sizeof(tmp), "%s.tmp.%d", to, (int)getpid()))
		return false;
	(void)unlink(tmp);
	if (link(from, tmp) < 0 && (errno != EXDEV || !ctm_copy_file(from, tmp)))
		return false;
	(void)chmod(tmp, 0755);
	if (rename(tmp, to) == 0)
		return true;
	(void)unlink(tmp);
	return false;
}

static bool setup_files(const char *home, const char *member, long prio,
			const char *cf)
{
	char exe[CTM_PATH_MAX], dir[CTM_PATH_MAX], path[CTM_PATH_MAX];
	char text[CTM_PATH_MAX + 128];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	size_t i;

	if (n <= 0 || !ctm_path(dir, sizeof(dir), "%s%s", home, EXE_DIR) ||
	    !ctm_mkdirs(dir) || !ctm_mkdirs(cf))
		return false;
	exe[n] = '\0';
	for (i = 0; names[i] != NULL; i++)
		if (!ctm_path(path, sizeof(path), "%s/%s", dir, names[i]) ||
		    (strcmp(path, exe) != 0 && !install_binary(exe, path)))
			return false;
	if (!ctm_path(dir, sizeof(dir), "%s/ctm_server/data", home) ||
	    !ctm_mkdirs(dir) ||
	    !ctm_path(text, sizeof(text), "CTMPLEX_MEMBER %s\n"
		      "CTMPLEX_PRIORITY %ld\nCTMEMU_CF %s\n", member, prio, cf) ||
	    !ctm_path(path, sizeof(path), "%s/config.dat", dir))
		return false;
	return ctm_write_atomic(path, text);
}

static int admin_setup(struct ctm_ctx *ctx)
{
	char member[CTM_MEMBER_MAX + 1];
	struct ctm_plex p;
	long prio = CTM_PRIORITY_DEFAULT;
	int fd;

	if (ctx->argc == 6 && strcmp(ctx->argv[4], "--priority") == 0) {
		if (!ctm_parse_long(ctx->argv[5], 0, 999, &prio))
			return usage();
	} else if (ctx->argc != 4) {
		return usage();
	}
	if (ctx->argv[1][0] != '/' || ctx->argv[3][0] != '/' ||
	    !ctm_member_valid(ctx->argv[2]))
		return usage();
	snprintf(member, sizeof(member), "%s", ctx->argv[2]);
	ctm_upcase(member);
	if (!setup_files(ctx->argv[1], member, prio, ctx->argv[3]))
		goto fail;
	ctm_path(ctx->home, sizeof(ctx->home), "%s", ctx->argv[1]);
	if (!ctm_ctx_load(ctx) || (fd = ctm_plex_lock(ctx)) < 0)
		goto fail;
	ctm_plex_load(ctx, &p);		/* creates the plex file once */
	if (!ctm_plex_save(ctx, &p)) {
		ctm_unlock(fd);
		goto fail;
	}
	ctm_unlock(fd);
	return ctm_finish(ctx, 0, NULL);
fail:
	perror("ctmemu setup");
	return 1;
}

static int admin_cf(const struct ctm_ctx *ctx)
{
	const char *sub = ctx->argc >= 2 ? ctx->argv[1] : "";
	struct ctm_plex p;
	struct ctm_cf cf = { true, 0, 0 };
	bool ok;
	int fd;

	if (ctx->cf[0] == '\0')
		return usage();
	if (strcmp(sub, "fail") == 0 && ctx->argc <= 3) {
		if (ctx->argc == 3 && strcmp(ctx->argv[2], "never") != 0 &&
		    !ctm_parse_long(ctx->argv[2], 1, 1000000L, &cf.recover_at))
			return usage();
	} else if (strcmp(sub, "restore") != 0 || ctx->argc != 2) {
		return usage();
	}
	if ((fd = ctm_plex_lock(ctx)) < 0)
		return 1;
	ctm_plex_load(ctx, &p);
	if (strcmp(sub, "restore") == 0) {
		cf.failed = false;	/* repaired: new, empty structures */
		p.gen++;
	}
	ok = ctm_cf_save(ctx, &cf) && ctm_plex_save(ctx, &p);
	ctm_unlock(fd);
	return ctm_finish(ctx, ok ? 0 : 1, NULL);
}

static void remove_dir_files(const char *dir)
{
	char path[CTM_PATH_MAX];
	const char *const files[] = { "p_ctmsu.die", "start_ctm.codes",
		"shut_ctm.codes", "status_ctm.codes", "ctmplex.codes",
		"ctmcf.codes", NULL };
	size_t i;

	for (i = 0; files[i] != NULL; i++)
		if (ctm_path(path, sizeof(path), "%s/%s", dir, files[i]))
			(void)unlink(path);
	(void)rmdir(dir);
}

/* As after setup: no monitor, record, heartbeat or injection; the Global
 * role cleared if it is this member's (the Locals are not shut down). */
static int admin_reset(const struct ctm_ctx *ctx)
{
	char path[CTM_PATH_MAX];
	long long end = ctm_now_ms() + 2000;
	struct ctm_plex p;
	pid_t pid;
	int fd;

	while ((pid = ctm_find_monitor(ctx)) != 0 && ctm_now_ms() < end) {
		(void)kill(pid, SIGKILL);
		ctm_sleep_ms(20);
	}
	if (ctm_inject_dir(ctx, path, sizeof(path)))
		remove_dir_files(path);
	if (ctm_path(path, sizeof(path), "%s/ctm_server/data/monitor",
		     ctx->home))
		(void)unlink(path);
	/* Under the plex lock, the name first: a Local must never see this
	 * member named Global without a heartbeat (it would take over). */
	fd = ctm_plex_lock(ctx);
	ctm_plex_load(ctx, &p);
	if (fd >= 0 && strcmp(p.global, ctx->member) == 0) {
		p.global[0] = '\0';
		(void)ctm_plex_save(ctx, &p);
	}
	ctm_member_remove(ctx, ctx->member);
	ctm_unlock(fd);
	return ctm_finish(ctx, pid == 0 ? 0 : 1, NULL);
}

static int admin_main(struct ctm_ctx *ctx)
{
	const char *sub = ctx->argc > 0 ? ctx->argv[0] : "";
	pid_t pid;

	if (strcmp(sub, "setup") == 0)
		return admin_setup(ctx);
	if (strcmp(sub, "cf") == 0)
		return admin_cf(ctx);
	if (ctx->argc != 1 || (strcmp(sub, "ps") != 0 && strcmp(sub, "reset") != 0))
		return usage();
	if (ctx->member[0] == '\0') {
		fputs("ctmemu: no installation (run HOME/ctm_server/exe/ctmemu "
		      "or set CTMEMU_HOME)\n", stderr);
		return 1;
	}
	if (strcmp(sub, "reset") == 0)
		return admin_reset(ctx);
	pid = ctm_find_monitor(ctx);
	if (pid > 0)
		printf("%d %s %s\n", (int)pid, CTM_MONITOR, ctx->member);
	return fflush(stdout) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	struct ctm_ctx ctx;

	ctm_ctx_init(&ctx, argc, argv);
	if (strcmp(ctx.name, CTM_MONITOR) == 0)
		return ctm_monitor_main(&ctx);
	if (strcmp(ctx.name, "start_ctm") == 0)
		return ctm_start(&ctx);
	if (strcmp(ctx.name, "shut_ctm") == 0)
		return ctm_shut(&ctx);
	if (strcmp(ctx.name, "status_ctm") == 0)
		return ctm_status(&ctx);
	if (strcmp(ctx.name, "ctmplex") == 0)
		return ctm_ctmplex(&ctx);
	if (strcmp(ctx.name, "ctmcf") == 0)
		return ctm_ctmcf(&ctx);
	if (strcmp(ctx.name, "ctmemu") == 0)
		return admin_main(&ctx);
	fprintf(stderr, "ctmemu: unknown command name '%s'\n", ctx.name);
	return 1;
}
