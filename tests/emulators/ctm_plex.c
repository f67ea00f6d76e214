/*
 * ctm_plex.c - the shared state of the Control-M CTMPLEX emulator.
 *
 * CF_DIR is shared by every node (as IWS's domain directory):
 *   plex          "global MEMBER|-", "gen G" (the CF structures'
 *                 generation), "stopseq S" (bumped when a Global stops on
 *                 purpose); changed under flock(plex.lock), written with
 *                 write + rename. It stands for the sysplex itself (XCF)
 *                 and stays readable while the CF is down.
 *   FAILED        the CF is down while this file exists: "K [N]" (the
 *                 connection attempt K since the failure succeeds; N
 *                 attempts made) or "never [N]"; an empty file is "never".
 *                 It is the injection file: `echo 2 > CF_DIR/FAILED`.
 *   members/NAME  "REALTIME_MS ROLE PID PRIORITY", each monitor's
 *                 heartbeat, every 50 ms.
 * Node-local: HOME/ctm_server/data/monitor, the monitor's record ("role R",
 * "gen G", "stopseq S", "shut 0|1"), under flock(monitor.lock).
 */
#define _GNU_SOURCE
#include "ctmemu.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define TEXT_MAX 1024

static const struct {
	enum ctm_role role;
	const char *name;
} role_names[] = {
	{ CTM_GLOBAL, "GLOBAL" }, { CTM_LOCAL, "LOCAL" },
	{ CTM_STANDALONE, "STANDALONE" }, { CTM_PAUSED, "PAUSED" },
	{ CTM_DOWN, "DOWN" }, { CTM_SHUT, "SHUT" }, { CTM_ERROR, "ERROR" },
};

const char *ctm_role_name(enum ctm_role role)
{
	size_t i;

	for (i = 0; i < sizeof(role_names) / sizeof(role_names[0]); i++)
		if (role_names[i].role == role)
			return role_names[i].name;
	return "ERROR";
}

static enum ctm_role role_parse(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(role_names) / sizeof(role_names[0]); i++)
		if (strcmp(role_names[i].name, s) == 0)
			return role_names[i].role;
	return CTM_ERROR;
}

/* ---- the plex ----------------------------------------------------- */

int ctm_plex_lock(const struct ctm_ctx *ctx)
{
	char path[CTM_PATH_MAX];

	if (ctx->cf[0] == '\0' || !ctm_mkdirs(ctx->cf) ||
	    !ctm_path(path, sizeof(path), "%s/plex.lock", ctx->cf))
		return -1;
	return ctm_lock(path);
}

void ctm_plex_load(const struct ctm_ctx *ctx, struct ctm_plex *p)
{
	char path[CTM_PATH_MAX], text[TEXT_MAX], name[32], *line, *save = NULL;
	unsigned u;

	memset(p, 0, sizeof(*p));
	if (!ctm_path(path, sizeof(path), "%s/plex", ctx->cf) ||
	    ctm_read_file(path, text, sizeof(text)) < 0)
		return;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "global %31s", name) == 1 &&
		    ctm_member_valid(name))
			snprintf(p->global, sizeof(p->global), "%.8s", name);
		else if (sscanf(line, "gen %u", &u) == 1)
			p->gen = u;
		else if (sscanf(line, "stopseq %u", &u) == 1)
			p->stopseq = u;
	}
}

bool ctm_plex_save(const struct ctm_ctx *ctx, const struct ctm_plex *p)
{
	char path[CTM_PATH_MAX], text[TEXT_MAX];

	snprintf(text, sizeof(text), "global %s\ngen %u\nstopseq %u\n",
		 p->global[0] != '\0' ? p->global : "-", p->gen, p->stopseq);
	return ctm_path(path, sizeof(path), "%s/plex", ctx->cf) &&
	       ctm_write_atomic(path, text);
}

/* ---- the CF ------------------------------------------------------- */

void ctm_cf_load(const struct ctm_ctx *ctx, struct ctm_cf *cf)
{
	char path[CTM_PATH_MAX], text[TEXT_MAX], first[32] = "";
	long n = 0;

	memset(cf, 0, sizeof(*cf));
	if (!ctm_path(path, sizeof(path), "%s/FAILED", ctx->cf) ||
	    ctm_read_file(path, text, sizeof(text)) < 0)
		return;
	cf->failed = true;
	if (sscanf(text, "%31s %ld", first, &n) < 1 ||
	    !ctm_parse_long(first, 1, 1000000L, &cf->recover_at))
		cf->recover_at = 0;		/* never */
	cf->attempts = n > 0 ? n : 0;
}

bool ctm_cf_save(const struct ctm_ctx *ctx, const struct ctm_cf *cf)
{
	char path[CTM_PATH_MAX], text[64];

	if (!ctm_path(path, sizeof(path), "%s/FAILED", ctx->cf))
		return false;
	if (!cf->failed)
		return unlink(path) == 0 || !ctm_exists(path);
	if (cf->recover_at > 0)
		snprintf(text, sizeof(text), "%ld %ld\n", cf->recover_at,
			 cf->attempts);
	else
		snprintf(text, sizeof(text), "never %ld\n", cf->attempts);
	return ctm_write_atomic(path, text);
}

bool ctm_cf_attempt(const struct ctm_ctx *ctx, struct ctm_plex *p,
		    struct ctm_cf *cf)
{
	if (!cf->failed)
		return true;
	cf->attempts++;
	if (cf->recover_at == 0 || cf->attempts < cf->recover_at) {
		(void)ctm_cf_save(ctx, cf);
		return false;
	}
	cf->failed = false;
	p->gen++;			/* new structures, allocated, populated */
	return ctm_plex_save(ctx, p) && ctm_cf_save(ctx, cf);
}

/* ---- the node's monitor record ------------------------------------ */

int ctm_mon_lock(const struct ctm_ctx *ctx)
{
	char path[CTM_PATH_MAX];

	if (ctx->home[0] == '\0' ||
	    !ctm_path(path, sizeof(path), "%s/ctm_server/data/monitor.lock",
		      ctx->home))
		return -1;
	return ctm_lock(path);
}

void ctm_mon_load(const struct ctm_ctx *ctx, struct ctm_mon *m)
{
	char path[CTM_PATH_MAX], text[TEXT_MAX], name[32], *line, *save = NULL;
	unsigned u;

	memset(m, 0, sizeof(*m));
	m->role = CTM_LOCAL;
	if (!ctm_path(path, sizeof(path), "%s/ctm_server/data/monitor",
		      ctx->home) ||
	    ctm_read_file(path, text, sizeof(text)) < 0)
		return;
	for (line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (sscanf(line, "role %31s", name) == 1)
			m->role = role_parse(name);
		else if (sscanf(line, "gen %u", &u) == 1)
			m->gen = u;
		else if (sscanf(line, "stopseq %u", &u) == 1)
			m->stopseq = u;
		else if (sscanf(line, "shut %u", &u) == 1)
			m->shut = u != 0;
	}
}

bool ctm_mon_save(const struct ctm_ctx *ctx, const struct ctm_mon *m)
{
	char path[CTM_PATH_MAX], text[TEXT_MAX];

	snprintf(text, sizeof(text), "role %s\ngen %u\nstopseq %u\nshut %d\n",
		 ctm_role_name(m->role), m->gen, m->stopseq, m->shut ? 1 : 0);
	return ctm_path(path, sizeof(path), "%s/ctm_server/data/monitor",
			ctx->home) &&
	       ctm_write_atomic(path, text);
}

/* ---- heartbeats --------------------------------------------------- */

bool ctm_member_publish(const struct ctm_ctx *ctx, enum ctm_role role)
{
	char dir[CTM_PATH_MAX], path[CTM_PATH_MAX], text[128];

	snprintf(text, sizeof(text), "%lld %s %d %d\n", ctm_real_ms(),
		 ctm_role_name(role), (int)getpid(), ctx->priority);
	return ctm_path(dir, sizeof(dir), "%s/members", ctx->cf) &&
	       ctm_mkdirs(dir) &&
	       ctm_path(path, sizeof(path), "%s/%s", dir, ctx->member) &&
	       ctm_write_atomic(path, text);
}

void ctm_member_remove(const struct ctm_ctx *ctx, const char *name)
{
	char path[CTM_PATH_MAX];

	if (ctm_path(path, sizeof(path), "%s/members/%s", ctx->cf, name))
		(void)unlink(path);
}

bool ctm_member_read(const struct ctm_ctx *ctx, const char *name,
		     struct ctm_member *m)
{
	char path[CTM_PATH_MAX], text[128], role[32];

	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), "%s", name);
	if (!ctm_path(path, sizeof(path), "%s/members/%s", ctx->cf, name) ||
	    ctm_read_file(path, text, sizeof(text)) < 0 ||
	    sscanf(text, "%lld %31s %d %d", &m->at, role, &m->pid,
		   &m->priority) != 4)
		return false;
	m->role = role_parse(role);
	m->fresh = ctm_real_ms() - m->at < ctm_stale_ms(ctx);
	return true;
}

bool ctm_takeover_candidate(const struct ctm_ctx *ctx, char *name,
			    size_t size)
{
	char dir[CTM_PATH_MAX];
	struct ctm_member m, best;
	struct dirent *e;
	bool found = false;
	DIR *d;

	if (!ctm_path(dir, sizeof(dir), "%s/members", ctx->cf) ||
	    (d = opendir(dir)) == NULL)
		return false;
	while ((e = readdir(d)) != NULL) {
		if (!ctm_member_valid(e->d_name) ||
		    !ctm_member_read(ctx, e->d_name, &m) || !m.fresh ||
		    m.role != CTM_LOCAL)
			continue;
		if (!found || m.priority > best.priority ||
		    (m.priority == best.priority &&
		     strcmp(m.name, best.name) < 0)) {
			best = m;
			found = true;
		}
	}
	closedir(d);
	if (found)
		snprintf(name, size, "%s", best.name);
	return found;
}

/* ---- the rule ----------------------------------------------------- */

static enum ctm_role derive_global(const struct ctm_ctx *ctx,
				   const struct ctm_mon *m,
				   const struct ctm_plex *p, bool on_cf,
				   const char **why)
{
	if (strcmp(p->global, ctx->member) != 0) {
		*why = "the Global role is no longer this member's";
		return m->role == CTM_GLOBAL && on_cf ? CTM_LOCAL : CTM_PAUSED;
	}
	if (!on_cf) {
		*why = "CTMPLEX resources released, no CF connection";
		return CTM_STANDALONE;
	}
	if (m->role == CTM_STANDALONE) {
		*why = "standalone until ctmcf connect or STARTPLEX";
		return CTM_STANDALONE;
	}
	*why = "connected to the CF";
	return CTM_GLOBAL;
}

enum ctm_role ctm_derive(const struct ctm_ctx *ctx, const struct ctm_mon *m,
			 const struct ctm_plex *p, const struct ctm_cf *cf,
			 const char **why)
{
	bool on_cf = !cf->failed && m->gen == p->gen;

	switch (m->role) {
	case CTM_GLOBAL:
	case CTM_STANDALONE:
		return derive_global(ctx, m, p, on_cf, why);
	case CTM_LOCAL:
	case CTM_PAUSED:
		if (p->stopseq != m->stopseq) {
			*why = "the Global stopped (CTMX03I)";
			return CTM_SHUT;
		}
		if (m->role == CTM_PAUSED) {
			*why = "paused until RESUME";
			return CTM_PAUSED;
		}
		if (!on_cf) {
			*why = cf->failed ? "the CF is unavailable"
					  : "the CF structures were rebuilt";
			return CTM_PAUSED;
		}
		*why = "connected to the CF";
		return CTM_LOCAL;
	default:
		*why = "no monitor record";
		return CTM_ERROR;
	}
}
