/*
 * ctm_cmds.c - the commands of the Control-M CTMPLEX emulator:
 *
 *   start_ctm [-local|-global]   start the monitor (and make it Global)
 *   shut_ctm                     stop it (a Global takes the Locals down)
 *   status_ctm                   its role, as the exit code (ctm_role)
 *   ctmplex VERB                 operator commands: GLOBAL LOCAL PAUSE
 *                                RESUME SHUTDOWN STARTPLEX
 *   ctmcf check|connect          the CF: check; connect, allocate, populate
 *
 * Messages go to stdout and to the node's log. Exit codes are the tables
 * of README.ctm ([guess]: PRODUCTS.md documents none).
 */
#define _GNU_SOURCE
#include "ctmemu.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* ctmplex and ctmcf exit codes (README.ctm) */
enum { RC_OK = 0, RC_USAGE = 1, RC_NO_CF = 2, RC_ROLE = 3, RC_DOWN = 4 };

static bool installed(const struct ctm_ctx *ctx)
{
	if (ctx->member[0] != '\0' && ctx->cf[0] != '\0')
		return true;
	fprintf(stderr, "%s: no installation (run HOME/ctm_server/exe/%s or "
		"set CTMEMU_HOME)\n", ctx->name, ctx->name);
	return false;
}

/* The CF's state as one message: printed, and logged if log. */
static void print_cf(const struct ctm_ctx *ctx, const struct ctm_plex *p,
		     const struct ctm_cf *cf, bool log)
{
	char text[160];

	if (!cf->failed) {
		snprintf(text, sizeof(text), "CTMEMU120I CF AVAILABLE, "
			 "STRUCTURES GENERATION %u", p->gen);
	} else {
		char at[32];

		if (cf->recover_at > 0)
			snprintf(at, sizeof(at), "ATTEMPT %ld", cf->recover_at);
		else
			snprintf(at, sizeof(at), "NEVER");
		snprintf(text, sizeof(text), "CTMEMU121E CF UNAVAILABLE "
			 "(CONNECTION ATTEMPTS %ld, RECOVERS AT %s)",
			 cf->attempts, at);
	}
	if (log)
		ctm_msg(ctx, true, "%s", text);
	else
		printf("%s\n", text);
}

void ctm_stop_monitor(const struct ctm_ctx *ctx)
{
	pid_t pid = ctm_find_monitor(ctx);

	if (pid > 0)
		(void)kill(pid, SIGTERM);
	while (ctm_find_monitor(ctx) != 0)
		ctm_sleep_ms(10);
}

/* The running monitor's role now: the rule applied to the record. */
static enum ctm_role current_role(const struct ctm_ctx *ctx,
				  struct ctm_mon *m, struct ctm_plex *p,
				  struct ctm_cf *cf, const char **why)
{
	ctm_mon_load(ctx, m);
	ctm_plex_load(ctx, p);
	ctm_cf_load(ctx, cf);
	if (ctm_find_monitor(ctx) == 0) {
		*why = m->shut ? "shut down by order" : "not running";
		return m->shut ? CTM_SHUT : CTM_DOWN;
	}
	return ctm_derive(ctx, m, p, cf, why);
}

/* ---- GLOBAL and STARTPLEX ----------------------------------------- */

/* Makes this member the Global, under both locks; the CF is available
 * and p->gen current. Logs how the role came. */
static bool become_global(const struct ctm_ctx *ctx, struct ctm_plex *p,
			  struct ctm_mon *m)
{
	char old[CTM_MEMBER_MAX + 1];
	struct ctm_member g;

	snprintf(old, sizeof(old), "%s", p->global);
	snprintf(p->global, sizeof(p->global), "%s", ctx->member);
	m->role = CTM_GLOBAL;
	m->gen = p->gen;
	m->stopseq = p->stopseq;
	if (!ctm_plex_save(ctx, p) || !ctm_mon_save(ctx, m))
		return false;
	if (old[0] == '\0' || strcmp(old, ctx->member) == 0)
		ctm_msg(ctx, true, "CTMEMU118I %s IS NOW THE GLOBAL MONITOR",
			ctx->member);
	else if (ctm_member_read(ctx, old, &g) && g.fresh)
		ctm_msg(ctx, true, "CTMEMU115I GLOBAL ROLE MOVED FROM %s TO %s",
			old, ctx->member);
	else
		ctm_msg(ctx, true, "CTMX05E GLOBAL MONITOR %s FAILED. LOCAL "
			"MONITOR %s TAKES OVER AS GLOBAL", old, ctx->member);
	return true;
}

/* GLOBAL, or STARTPLEX (connect = one connection attempt first). */
static int plex_global(const struct ctm_ctx *ctx, bool connect)
{
	struct ctm_plex p;
	struct ctm_mon m;
	struct ctm_cf cf;
	const char *why;
	int pfd, mfd, rc = RC_OK;

	if (current_role(ctx, &m, &p, &cf, &why) >= CTM_DOWN) {
		ctm_msg(ctx, true, "CTMEMU130E MONITOR %s NOT RUNNING",
			ctx->member);
		return RC_DOWN;
	}
	if (connect)	/* reload resources, reconnect */
		ctm_sleep_ms(ctm_scaled(ctx, ctx->connect_ms));
	pfd = ctm_plex_lock(ctx);
	mfd = ctm_mon_lock(ctx);
	ctm_plex_load(ctx, &p);
	ctm_cf_load(ctx, &cf);
	ctm_mon_load(ctx, &m);
	if (!connect && ctm_derive(ctx, &m, &p, &cf, &why) == CTM_GLOBAL) {
		ctm_msg(ctx, true, "CTMEMU117I %s IS ALREADY THE GLOBAL MONITOR",
			ctx->member);
		goto done;
	}
	if (connect ? !ctm_cf_attempt(ctx, &p, &cf) : cf.failed) {
		print_cf(ctx, &p, &cf, true);
		rc = RC_NO_CF;
		goto done;
	}
	if (connect)
		ctm_msg(ctx, true, "CTMEMU123I STARTPLEX: RESOURCES RELOADED, %s "
			"RECONNECTED TO THE CF (GENERATION %u)", ctx->member,
			p.gen);
	if (!become_global(ctx, &p, &m))
		rc = RC_USAGE;
done:
	ctm_unlock(mfd);
	ctm_unlock(pfd);
	return rc;
}

/* ---- LOCAL, PAUSE, RESUME, SHUTDOWN ------------------------------- */

/* Each order to a running, non-Global monitor: the record is changed
 * under both locks (taken by plex_local). */
static int order_demote(const struct ctm_ctx *ctx, enum ctm_role r,
			struct ctm_plex *p, struct ctm_mon *m)
{
	int rc = RC_OK;

	if (r == CTM_GLOBAL || r == CTM_STANDALONE) {
		p->global[0] = '\0';
		m->role = CTM_LOCAL;
		m->stopseq = p->stopseq;
		if (!ctm_plex_save(ctx, p) || !ctm_mon_save(ctx, m))
			rc = RC_USAGE;
	}
	ctm_msg(ctx, true, "CTMEMU116I %s IS NOW A LOCAL MONITOR (GLOBAL: %s)",
		ctx->member, p->global[0] != '\0' ? p->global : "NONE");
	return rc;
}

static int order_pause(const struct ctm_ctx *ctx, struct ctm_mon *m)
{
	m->role = CTM_PAUSED;
	ctm_msg(ctx, true, "CTMEMU112I LOCAL MONITOR %s PAUSED BY ORDER",
		ctx->member);
	return ctm_mon_save(ctx, m) ? RC_OK : RC_USAGE;
}

static int order_resume(const struct ctm_ctx *ctx, const struct ctm_plex *p,
			const struct ctm_cf *cf, struct ctm_mon *m)
{
	if (cf->failed) {
		print_cf(ctx, p, cf, true);
		return RC_NO_CF;
	}
	m->role = CTM_LOCAL;
	m->gen = p->gen;
	ctm_msg(ctx, true, "CTMEMU113I LOCAL MONITOR %s RESUMED (CF STRUCTURES "
		"GENERATION %u)", ctx->member, p->gen);
	return ctm_mon_save(ctx, m) ? RC_OK : RC_USAGE;
}

static int order_shutdown(const struct ctm_ctx *ctx, struct ctm_mon *m)
{
	m->shut = true;
	ctm_msg(ctx, true, "CTMEMU114I LOCAL MONITOR %s SHUT DOWN BY ORDER OF "
		"THE GLOBAL", ctx->member);
	return ctm_mon_save(ctx, m) ? RC_OK : RC_USAGE;
}

/* LOCAL, PAUSE, RESUME, SHUTDOWN (verb: as spelt in ctm_ctmplex). */
static int plex_local(const struct ctm_ctx *ctx, const char *verb)
{
	struct ctm_plex p;
	struct ctm_mon m;
	struct ctm_cf cf;
	const char *why;
	bool shutdown = strcmp(verb, "SHUTDOWN") == 0;
	int pfd = ctm_plex_lock(ctx), mfd = ctm_mon_lock(ctx), rc;
	enum ctm_role r = current_role(ctx, &m, &p, &cf, &why);

	if (r >= CTM_DOWN && !shutdown) {
		ctm_msg(ctx, true, "CTMEMU130E MONITOR %s NOT RUNNING",
			ctx->member);
		rc = RC_DOWN;
	} else if (strcmp(verb, "LOCAL") == 0) {
		rc = order_demote(ctx, r, &p, &m);
	} else if (r == CTM_GLOBAL || r == CTM_STANDALONE) {
		ctm_msg(ctx, true, "CTMEMU131E %s REFUSED: %s IS THE GLOBAL "
			"MONITOR", verb, ctx->member);
		rc = RC_ROLE;
	} else if (strcmp(verb, "PAUSE") == 0) {
		rc = order_pause(ctx, &m);
	} else if (strcmp(verb, "RESUME") == 0) {
		rc = order_resume(ctx, &p, &cf, &m);
	} else {
		rc = order_shutdown(ctx, &m);
	}
	ctm_unlock(mfd);
	ctm_unlock(pfd);
	if (rc == RC_OK && shutdown)
		ctm_stop_monitor(ctx);
	return rc;
}

int ctm_ctmplex(const struct ctm_ctx *ctx)
{
	static const char *const verbs[] = {
		"LOCAL", "PAUSE", "RESUME", "SHUTDOWN", NULL
	};
	const char *verb = ctx->argc == 1 ? ctx->argv[0] : "";
	int rc = ctm_inject_apply(ctx);
	size_t i;

	if (rc != CTM_CONTINUE)
		return rc;
	if (!installed(ctx))
		return RC_USAGE;
	if (strcasecmp(verb, "GLOBAL") == 0)
		return ctm_finish(ctx, plex_global(ctx, false), NULL);
	if (strcasecmp(verb, "STARTPLEX") == 0)
		return ctm_finish(ctx, plex_global(ctx, true), NULL);
	for (i = 0; verbs[i] != NULL; i++)
		if (strcasecmp(verb, verbs[i]) == 0)
			return ctm_finish(ctx, plex_local(ctx, verbs[i]), NULL);
	ctm_msg(ctx, true, "CTMEMU100E UNKNOWN OR MISSING COMMAND '%s' (GLOBAL "
		"LOCAL PAUSE RESUME SHUTDOWN STARTPLEX)", verb);
	return ctm_finish(ctx, RC_USAGE, NULL);
}

/* ---- ctmcf -------------------------------------------------------- */

/* After a successful connection: a standalone Global on this node is the
 * Global on the CF again. Called under the plex lock. */
static void reconnect_global(const struct ctm_ctx *ctx,
			     const struct ctm_plex *p, const struct ctm_cf *cf)
{
	struct ctm_mon m;
	const char *why;
	int fd = ctm_mon_lock(ctx);

	ctm_mon_load(ctx, &m);
	if (ctm_find_monitor(ctx) != 0 &&
	    ctm_derive(ctx, &m, p, cf, &why) == CTM_STANDALONE) {
		m.role = CTM_GLOBAL;
		m.gen = p->gen;
		if (ctm_mon_save(ctx, &m))
			ctm_msg(ctx, true, "CTMEMU119I GLOBAL MONITOR %s "
				"RECONNECTED TO THE CF: CTMPLEX RESUMED",
				ctx->member);
	}
	ctm_unlock(fd);
}

static int cf_connect(const struct ctm_ctx *ctx)
{
	struct ctm_plex p;
	struct ctm_cf cf;
	bool was_failed;
	int fd, rc = RC_OK;

	ctm_sleep_ms(ctm_scaled(ctx, ctx->connect_ms));
	fd = ctm_plex_lock(ctx);
	ctm_plex_load(ctx, &p);
	ctm_cf_load(ctx, &cf);
	was_failed = cf.failed;
	if (!ctm_cf_attempt(ctx, &p, &cf)) {
		print_cf(ctx, &p, &cf, true);
		rc = RC_NO_CF;
	} else {
		if (was_failed)
			ctm_msg(ctx, true, "CTMEMU122I CTMPLEX BUILT: CONNECTED, "
				"STRUCTURES ALLOCATED AND POPULATED (GENERATION "
				"%u, ATTEMPT %ld)", p.gen, cf.attempts);
		else
			print_cf(ctx, &p, &cf, true);
		reconnect_global(ctx, &p, &cf);
	}
	ctm_unlock(fd);
	return rc;
}

int ctm_ctmcf(const struct ctm_ctx *ctx)
{
	const char *verb = ctx->argc == 1 ? ctx->argv[0] : "";
	struct ctm_plex p;
	struct ctm_cf cf;
	int rc = ctm_inject_apply(ctx);

	if (rc != CTM_CONTINUE)
		return rc;
	if (!installed(ctx))
		return RC_USAGE;
	if (strcmp(verb, "connect") == 0)
		return ctm_finish(ctx, cf_connect(ctx), NULL);
	if (strcmp(verb, "check") != 0) {
		fprintf(stderr, "usage: ctmcf check|connect\n");
		return ctm_finish(ctx, RC_USAGE, NULL);
	}
	ctm_plex_load(ctx, &p);
	ctm_cf_load(ctx, &cf);
	print_cf(ctx, &p, &cf, false);
	return ctm_finish(ctx, cf.failed ? RC_NO_CF : RC_OK, NULL);
}

/* ---- start_ctm, shut_ctm, status_ctm ------------------------------ */

/* Waits until the new monitor has published its heartbeat. */
static bool await_monitor(const struct ctm_ctx *ctx)
{
	long long end = ctm_now_ms() + ctm_scaled(ctx, ctx->start_ms) + 5000;
	struct ctm_member mb;

	while (ctm_now_ms() < end) {
		pid_t pid = ctm_find_monitor(ctx);

		if (pid > 0 && ctm_member_read(ctx, ctx->member, &mb) &&
		    mb.pid == (int)pid && mb.fresh)
			return true;
		ctm_sleep_ms(10);
	}
	return false;
}

/* A fresh record: a Local of the current structures. A Global that
 * restarts comes back as a Local (the Global role is cleared). */
static bool start_record(const struct ctm_ctx *ctx)
{
	struct ctm_plex p;
	struct ctm_mon m;
	int pfd = ctm_plex_lock(ctx), mfd = ctm_mon_lock(ctx);
	bool ok = pfd >= 0 && mfd >= 0;

	ctm_plex_load(ctx, &p);
	if (strcmp(p.global, ctx->member) == 0) {
		p.global[0] = '\0';
		ok = ctm_plex_save(ctx, &p) && ok;
	}
	memset(&m, 0, sizeof(m));
	m.role = CTM_LOCAL;
	m.gen = p.gen;
	m.stopseq = p.stopseq;
	ok = ctm_mon_save(ctx, &m) && ok;
	ctm_unlock(mfd);
	ctm_unlock(pfd);
	return ok;
}

int ctm_start(const struct ctm_ctx *ctx)
{
	const char *opt = ctx->argc == 1 ? ctx->argv[0] : "-local";
	int rc = ctm_inject_apply(ctx);
	pid_t pid;

	if (rc != CTM_CONTINUE)
		return rc;
	if (!installed(ctx))
		return 1;
	if (ctx->argc > 1 || (strcmp(opt, "-local") != 0 &&
			      strcmp(opt, "-global") != 0)) {
		fprintf(stderr, "usage: start_ctm [-local|-global]\n");
		return ctm_finish(ctx, 1, NULL);
	}
	pid = ctm_find_monitor(ctx);
	if (pid > 0) {
		ctm_msg(ctx, true, "CTMEMU103I MONITOR %s ALREADY RUNNING "
			"(PID %d)", ctx->member, (int)pid);
	} else if (!start_record(ctx) || !ctm_spawn_monitor(ctx) ||
		   !await_monitor(ctx)) {
		ctm_msg(ctx, true, "CTMEMU132E CANNOT START THE MONITOR %s",
			ctx->member);
		return ctm_finish(ctx, 1, NULL);
	} else {
		ctm_msg(ctx, true, "CTMEMU100I CONTROL-M MONITOR %s STARTED "
			"(PID %d)", ctx->member, (int)ctm_find_monitor(ctx));
	}
	if (strcmp(opt, "-global") == 0 && plex_global(ctx, false) != RC_OK)
		return ctm_finish(ctx, 1, "not Global");
	return ctm_finish(ctx, 0, NULL);
}

int ctm_shut(const struct ctm_ctx *ctx)
{
	int rc = ctm_inject_apply(ctx);

	if (rc != CTM_CONTINUE)
		return rc;
	if (!installed(ctx))
		return 1;
	if (ctx->argc != 0) {
		fprintf(stderr, "usage: shut_ctm\n");
		return ctm_finish(ctx, 1, NULL);
	}
	if (ctm_find_monitor(ctx) == 0) {
		ctm_msg(ctx, true, "CTMEMU104I MONITOR %s NOT RUNNING",
			ctx->member);
		return ctm_finish(ctx, 0, NULL);
	}
	ctm_stop_monitor(ctx);
	ctm_msg(ctx, true, "CTMEMU101I CONTROL-M MONITOR %s STOPPED",
		ctx->member);
	return ctm_finish(ctx, 0, NULL);
}

int ctm_status(const struct ctm_ctx *ctx)
{
	struct ctm_plex p;
	struct ctm_mon m;
	struct ctm_cf cf;
	const char *why = "";
	enum ctm_role r;
	int rc = ctm_inject_apply(ctx);

	if (rc != CTM_CONTINUE)
		return rc;
	if (!installed(ctx))
		return CTM_ERROR;
	if (ctx->argc != 0) {
		fprintf(stderr, "usage: status_ctm\n");
		return CTM_ERROR;
	}
	r = current_role(ctx, &m, &p, &cf, &why);
	printf("MEMBER %s PRIORITY %d PID %d\n", ctx->member, ctx->priority,
	       (int)ctm_find_monitor(ctx));
	printf("ROLE %s (%s)\n", ctm_role_name(r), why);
	printf("GLOBAL %s\n", p.global[0] != '\0' ? p.global : "NONE");
	print_cf(ctx, &p, &cf, false);
	return ctm_finish(ctx, (int)r, ctm_role_name(r));
}
