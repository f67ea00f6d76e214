/*
 * jp1emu.c - a test emulator of the JP1/Base, JP1/IM - Manager and JP1/AJS3
 * - Manager cluster commands (PRODUCTS.md section 1). A test fixture: it
 * never ships.
 *
 * One multi-call binary: main() looks at basename(argv[0]) and becomes a
 * JP1 command (jbs_start.cluster, jco_spmd_status, ajsstatus...), a
 * product process (jbs_spmd, evflow, jajs_schd...), or, as `jp1emu`, the
 * admin helper tests use to set a node up and clean it:
 *
 *   jp1emu setup LHOST SHARED_DIR [--imdb] [--ajs-services "NAME..."]
 *   jp1emu ps [LHOST]
 *   jp1emu reset LHOST
 *
 * See README in this directory for the knobs.
 */
#define _GNU_SOURCE
#include "jp1emu.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef int emu_cmd_fn(const struct emu_ctx *ctx,
		       const struct emu_product *prod);

static const struct {
	const char *name;
	emu_cmd_fn *fn;
	const struct emu_product *prod;
} commands[] = {
	{ "jbs_start.cluster", emu_cmd_start, &emu_jp1base },
	{ "jbs_stop.cluster", emu_cmd_stop, &emu_jp1base },
	{ "jbs_killall.cluster", emu_cmd_killall, &emu_jp1base },
	{ "jbs_spmd_status", emu_cmd_spmd_status, &emu_jp1base },
	{ "jco_start.cluster", emu_cmd_start, &emu_jp1cons },
	{ "jco_stop.cluster", emu_cmd_stop, &emu_jp1cons },
	{ "jco_killall.cluster", emu_cmd_killall, &emu_jp1cons },
	{ "jco_spmd_status", emu_cmd_spmd_status, &emu_jp1cons },
	{ "jimdbstatus", emu_cmd_jimdbstatus, &emu_jp1cons },
	{ "jevstat", emu_cmd_jevstat, &emu_jp1base },
	{ "jajs_start.cluster", emu_cmd_start, &emu_jp1ajs2 },
	{ "jajs_stop.cluster", emu_cmd_stop, &emu_jp1ajs2 },
	{ "jajs_killall.cluster", emu_cmd_killall, &emu_jp1ajs2 },
	{ "jajs_spmd_status", emu_cmd_spmd_status, &emu_jp1ajs2 },
	{ "ajsstatus", emu_cmd_ajsstatus, &emu_jp1ajs2 },
};

#define SETUP_USAGE "usage: jp1emu setup LHOST /SHARED_DIR [--imdb] " \
	"[--ajs-services \"NAME...\"]\n"


static int usage(void)
{
	fputs(SETUP_USAGE
	      "       jp1emu ps [LHOST]\n"
	      "       jp1emu reset LHOST\n"
	      "or run it under a JP1 command name (see README)\n", stderr);
	return 1;
}

/* Replaces the hosts/LHOST symlink atomically (a symlink to a missing
 * directory is fine: the shared disk may be mounted on another node). */
static bool setup_link(const struct emu_ctx *ctx, const char *lhost,
		       const char *shared)
{
	char link[EMU_PATH_MAX], tmp[EMU_PATH_MAX], dir[EMU_PATH_MAX];

	if (!emu_path(dir, sizeof(dir), "%s/hosts", ctx->root) ||
	    !emu_mkdirs(dir) ||
	    !emu_host_link(ctx, lhost, link, sizeof(link)) ||
	    !emu_path(tmp, sizeof(tmp), "%s.tmp.%d", link, (int)getpid()))
		return false;
	emu_unlink(tmp);
	if (symlink(shared, tmp) == 0 && rename(tmp, link) == 0)
		return true;
	emu_unlink(tmp);
	return false;
}

static bool setup_imdb(const struct emu_ctx *ctx, const char *lhost, bool on)
{
	char marker[EMU_PATH_MAX], dir[EMU_PATH_MAX];

	if (!emu_imdb_marker(ctx, lhost, marker, sizeof(marker)) ||
	    !emu_path(dir, sizeof(dir), "%s/imdb", ctx->root))
		return false;
	if (!on) {
		emu_unlink(marker);
		return true;
	}
	return emu_mkdirs(dir) && emu_touch(marker);
}

/* Writes ajs/LHOST (write + rename), or removes it for the default. */
static bool setup_services(const struct emu_ctx *ctx, const char *lhost,
			   const struct emu_services *sv)
{
	char path[EMU_PATH_MAX], dir[EMU_PATH_MAX];
	char text[EMU_SVC_LIST_MAX];
	size_t len = 0, i;

	if (!emu_services_path(ctx, lhost, path, sizeof(path)) ||
	    !emu_path(dir, sizeof(dir), "%s/ajs", ctx->root))
		return false;
	if (sv->n == 0) {
		emu_unlink(path);
		return true;
	}
	for (i = 0; i < sv->n; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s\n",
					sv->name[i]);
	return emu_mkdirs(dir) && emu_write_atomic(path, text, len);
}

/* LHOST SHARED_DIR, then each option at most once, in any order. */
static bool setup_args(const struct emu_ctx *ctx, bool *imdb,
		       struct emu_services *sv)
{
	bool ajs = false;
	int i;

	*imdb = false;
	sv->n = 0;
	if (ctx->argc < 3 || !emu_lhost_valid(ctx->argv[1]) ||
	    ctx->argv[2][0] != '/')
		return false;
	for (i = 3; i < ctx->argc; i++) {
		if (strcmp(ctx->argv[i], "--imdb") == 0 && !*imdb) {
			*imdb = true;
		} else if (strcmp(ctx->argv[i], "--ajs-services") == 0 &&
			   !ajs && i + 1 < ctx->argc) {
			ajs = true;
			if (!emu_services_parse(ctx->argv[++i], sv))
				return false;
		} else {
			return false;
		}
	}
	return true;
}

static int admin_setup(const struct emu_ctx *ctx)
{
	struct emu_services sv;
	const char *lhost;
	bool imdb;

	if (!setup_args(ctx, &imdb, &sv)) {
		fputs(SETUP_USAGE, stderr);
		return emu_finish(ctx, 1, "argument error");
	}
	lhost = ctx->argv[1];
	if (!setup_link(ctx, lhost, ctx->argv[2]) ||
	    !setup_imdb(ctx, lhost, imdb) ||
	    !setup_services(ctx, lhost, &sv)) {
		perror("jp1emu setup");
		return emu_finish(ctx, 1, "cannot write the setup");
	}
	return emu_finish(ctx, 0, NULL);
}

static void ps_print(pid_t pid, const char *name, const char *lhost,
		     const char *svc, void *arg)
{
	const char *want = arg;

	if (want == NULL || strcmp(want, lhost) == 0)
		printf("%d %s %s%s%s\n", (int)pid, name, lhost,
		       svc != NULL ? " " : "", svc != NULL ? svc : "");
}

/* Lists live emulated processes as "pid name lhost [service]"; exempt from
 * the log because tests call it in loops. */
static int admin_ps(const struct emu_ctx *ctx)
{
	const char *lhost = ctx->argc == 2 ? ctx->argv[1] : NULL;

	if (ctx->argc > 2 || (lhost != NULL && !emu_lhost_valid(lhost)))
		return usage();
	emu_scan(ctx->root, ps_print, (void *)lhost);
	return fflush(stdout) == 0 ? 0 : 1;
}

/* Removes every file in inject/LHOST, known names or typos alike. */
static void reset_injections(const struct emu_ctx *ctx, const char *lhost)
{
	char dir[EMU_PATH_MAX];
	struct dirent *e;
	DIR *d;

	if (!emu_inject_dir(ctx, lhost, dir, sizeof(dir)) ||
	    (d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' || (e->d_name[1] != '\0' &&
					    strcmp(e->d_name, "..") != 0))
			(void)unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
	(void)rmdir(dir);
}

/* Leaves the node as after `setup`: no process, no run state, no fault. */
static int admin_reset(const struct emu_ctx *ctx)
{
	const struct emu_product *prods[] = {
		&emu_jp1ajs2, &emu_jp1cons, &emu_jp1base
	};
	char dir[EMU_PATH_MAX];
	size_t i;

	if (ctx->argc != 2 || !emu_lhost_valid(ctx->argv[1]))
		return usage();
	reset_injections(ctx, ctx->argv[1]);
	for (i = 0; i < sizeof(prods) / sizeof(prods[0]); i++) {
		emu_killall(ctx, prods[i], ctx->argv[1]);
		if (emu_state_dir(ctx, prods[i], ctx->argv[1], dir,
				  sizeof(dir))) {
			emu_state_clear(dir);
			emu_marker_clear(dir, "db-active");
		}
	}
	return emu_finish(ctx, 0, NULL);
}

static int admin_main(const struct emu_ctx *ctx)
{
	const char *sub = ctx->argc > 0 ? ctx->argv[0] : "";

	if (strcmp(sub, "setup") == 0)
		return admin_setup(ctx);
	if (strcmp(sub, "ps") == 0)
		return admin_ps(ctx);
	if (strcmp(sub, "reset") == 0)
		return admin_reset(ctx);
	return usage();
}

int main(int argc, char **argv)
{
	const struct emu_product *prod;
	struct emu_ctx ctx;
	size_t i;

	emu_ctx_init(&ctx, argc, argv);
	prod = emu_product_of(ctx.name);
	if (prod != NULL)
		return emu_process_main(&ctx, prod);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(ctx.name, commands[i].name) == 0)
			return commands[i].fn(&ctx, commands[i].prod);
	if (strcmp(ctx.name, "jp1emu") == 0)
		return admin_main(&ctx);
	fprintf(stderr, "jp1emu: unknown command name '%s'\n", ctx.name);
	return 1;
}
