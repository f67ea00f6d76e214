/*
 * emu_state.c - the product tables, the node-local setup and the run state
 * of the JP1 emulator.
 *
 * Node-local configuration (what `jp1emu setup` records):
 *   $JP1EMU_ROOT/hosts/LHOST  symlink to LHOST's shared directory
 *   $JP1EMU_ROOT/imdb/LHOST   present if the IM database is set up here
 *   $JP1EMU_ROOT/ajs/LHOST    the scheduler services of JP1/AJS3, one name
 *                             a line (absent: AJSROOT1 alone)
 *
 * Run state lives on the shared directory, so it follows a failover:
 *   SHARED/<key>/emu/procs     "name pid starttime [service]" lines,
 *                              replaced by write-temp + rename so readers
 *                              never see half a file
 *   SHARED/<key>/emu/ready     the parent finished its start-up
 *   SHARED/<key>/emu/stopping  the parent is stopping its children
 *   SHARED/jp1cons/emu/db-active  the IM database was started and has not
 *                              been stopped normally since (jimdbstatus
 *                              tells "stopped abnormally" from "normally")
 *
 * The shared directory is "present on this node" when the hosts/LHOST
 * symlink resolves to an existing directory: on a passive node the disk
 * is not mounted, the target is missing, and the status commands say 1.
 */
#define _GNU_SOURCE
#include "jp1emu.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const base_spmd[] = {
	"jbs_spmd", "jbsroute", "jevservice", "jcocmd", "jbsplugind",
	"jbshcd", "jbssrvmgr", "jbscomd", NULL
};

/* What jbs_spmd_status judges: every JP1/Base process but the event service
 * (BASE0315), which jevstat checks. */
static const char *const base_judged[] = {
	"jbs_spmd", "jbsroute", "jcocmd", "jbsplugind", "jbshcd",
	"jbssrvmgr", "jbscomd", NULL
};

static const char *const cons_spmd[] = {
	"jco_spmd", "evflow", "jcamain", "evtcon", "evgen", "jcsmain",
	"jcfmain", NULL
};

/* HiRDB-like names: the service control first, then the database core. */
static const char *const cons_db[] = { "pdprcd", "pdrdmd", "pdsds", NULL };

/* What jajs_spmd_status judges: never the scheduler services (jajs_schd,
 * one per service, spawned after jajs_hstd), which it cannot see. */
static const char *const ajs_spmd[] = {
	"jajs_spmd", "jajs_dbmd", "jajs_hstd", "jajs_agtd", "ajsqlagtd", NULL
};

const struct emu_product emu_jp1base = {
	.key = "jp1base", .spmd = base_spmd, .judged = base_judged,
	.lhost_max = EMU_LHOST_MAX, .status_opts = "ht",
};
/* JP1/IM - Manager works on top of JP1/Base of the same logical host. */
const struct emu_product emu_jp1cons = {
	.key = "jp1cons", .spmd = cons_spmd, .db = cons_db,
	.needs = &emu_jp1base, .lhost_max = EMU_LHOST_MAX, .status_opts = "ht",
};
/* JP1/AJS3 - Manager too; its logical host name is 1 to 63 bytes. */
const struct emu_product emu_jp1ajs2 = {
	.key = "jp1ajs2", .spmd = ajs_spmd, .needs = &emu_jp1base,
	.svc = "jajs_schd", .svc_after = "jajs_hstd",
	.lhost_max = 63, .status_opts = "htsa",
};

static const struct emu_product *const products[] = {
	&emu_jp1base, &emu_jp1cons, &emu_jp1ajs2
};

static bool in_list(const char *const *list, const char *name)
{
	for (; list != NULL && *list != NULL; list++)
		if (strcmp(*list, name) == 0)
			return true;
	return false;
}

bool emu_is_svc(const struct emu_product *prod, const char *name)
{
	return prod->svc != NULL && strcmp(prod->svc, name) == 0;
}

bool emu_product_owns(const struct emu_product *prod, const char *name)
{
	return in_list(prod->spmd, name) || in_list(prod->db, name) ||
	       emu_is_svc(prod, name);
}

const struct emu_product *emu_product_of(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(products) / sizeof(products[0]); i++)
		if (emu_product_owns(products[i], name))
			return products[i];
	return NULL;
}

bool emu_product_lhost_valid(const struct emu_product *prod,
			     const char *lhost)
{
	return emu_lhost_valid(lhost) && strlen(lhost) <= prod->lhost_max;
}

bool emu_is_db_control(const struct emu_product *prod, const char *name)
{
	return prod->db != NULL && strcmp(prod->db[0], name) == 0;
}

bool emu_host_link(const struct emu_ctx *ctx, const char *lhost,
		   char *buf, size_t size)
{
	return emu_path(buf, size, "%s/hosts/%s", ctx->root, lhost);
}

bool emu_host_known(const struct emu_ctx *ctx, const char *lhost)
{
	char path[EMU_PATH_MAX];
	struct stat st;

	return emu_host_link(ctx, lhost, path, sizeof(path)) &&
	       lstat(path, &st) == 0;
}

bool emu_shared_present(const struct emu_ctx *ctx, const char *lhost)
{
	char path[EMU_PATH_MAX];
	struct stat st;

	return emu_host_link(ctx, lhost, path, sizeof(path)) &&
	       stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool emu_imdb_marker(const struct emu_ctx *ctx, const char *lhost,
		     char *buf, size_t size)
{
	return emu_path(buf, size, "%s/imdb/%s", ctx->root, lhost);
}

bool emu_services_path(const struct emu_ctx *ctx, const char *lhost,
		       char *buf, size_t size)
{
	return emu_path(buf, size, "%s/ajs/%s", ctx->root, lhost);
}

bool emu_services_has(const struct emu_services *sv, const char *name)
{
	size_t i;

	for (i = 0; i < sv->n; i++)
		if (strcmp(sv->name[i], name) == 0)
			return true;
	return false;
}

bool emu_services_parse(const char *text, struct emu_services *sv)
{
	char buf[EMU_SVC_LIST_MAX];
	char *tok, *save = NULL;

	sv->n = 0;
	if (!emu_path(buf, sizeof(buf), "%s", text))
		return false;
	for (tok = strtok_r(buf, " \t\r\n", &save); tok != NULL;
	     tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (sv->n >= EMU_MAX_SERVICES || !emu_service_valid(tok) ||
		    emu_services_has(sv, tok))
			return false;
		strcpy(sv->name[sv->n++], tok);
	}
	return sv->n > 0;
}

/* A list that setup did not write (hand-edited, malformed) is no list:
 * the host then has no scheduler service at all. */
void emu_services_load(const struct emu_ctx *ctx, const char *lhost,
		       struct emu_services *sv)
{
	char path[EMU_PATH_MAX], text[EMU_SVC_LIST_MAX];
	ssize_t n = -1;
	int fd;

	if (emu_services_path(ctx, lhost, path, sizeof(path)) &&
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		n = read(fd, text, sizeof(text) - 1);
		close(fd);
		if (n < 0 || (size_t)n == sizeof(text) - 1)
			n = 0;
		text[n] = '\0';
		if (!emu_services_parse(text, sv))
			sv->n = 0;
		return;
	}
	sv->n = 1;
	strcpy(sv->name[0], "AJSROOT1");
}

/* Reached through the symlink, so it is valid only while it resolves. */
bool emu_state_dir(const struct emu_ctx *ctx, const struct emu_product *prod,
		   const char *lhost, char *buf, size_t size)
{
	return emu_path(buf, size, "%s/hosts/%s/%s/emu", ctx->root, lhost,
			prod->key);
}

static void procs_parse(char *text, struct emu_procs *ps)
{
	char *line, *save = NULL;
	char name[EMU_NAME_MAX], svc[EMU_SVC_MAX + 1];
	unsigned long long start;
	int pid, n;

	for (line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		n = sscanf(line, "%15s %d %llu %30s", name, &pid, &start, svc);
		if (n >= 3 && pid > 0)
			emu_procs_add(ps, name, n == 4 ? svc : NULL,
				      (pid_t)pid, start);
	}
}

/* A missing or unreadable file is an empty table: nothing runs. */
void emu_procs_load(const char *dir, struct emu_procs *ps)
{
	char path[EMU_PATH_MAX], text[4096];
	ssize_t n;
	int fd;

	ps->n = 0;
	if (!emu_path(path, sizeof(path), "%s/procs", dir))
		return;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return;
	text[n] = '\0';
	procs_parse(text, ps);
}

bool emu_procs_save(const char *dir, const struct emu_procs *ps)
{
	char path[EMU_PATH_MAX], text[4096];
	size_t len = 0, i;

	for (i = 0; i < ps->n; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"%s %d %llu%s%s\n", ps->p[i].name,
					(int)ps->p[i].pid, ps->p[i].start,
					ps->p[i].svc[0] != '\0' ? " " : "",
					ps->p[i].svc);
	return emu_path(path, sizeof(path), "%s/procs", dir) &&
	       emu_write_atomic(path, text, len);
}

bool emu_procs_add(struct emu_procs *ps, const char *name, const char *svc,
		   pid_t pid, unsigned long long start)
{
	struct emu_proc *p;

	if (svc == NULL)
		svc = "";
	if (ps->n >= EMU_MAX_PROCS || strlen(name) >= EMU_NAME_MAX ||
	    strlen(svc) > EMU_SVC_MAX)
		return false;
	p = &ps->p[ps->n++];
	strcpy(p->name, name);
	strcpy(p->svc, svc);
	p->pid = pid;
	p->start = start;
	return true;
}

/* The last entry wins: a re-spawned name supersedes the old one. */
const struct emu_proc *emu_procs_find(const struct emu_procs *ps,
				      const char *name)
{
	size_t i;

	for (i = ps->n; i > 0; i--)
		if (strcmp(ps->p[i - 1].name, name) == 0)
			return &ps->p[i - 1];
	return NULL;
}

const struct emu_proc *emu_procs_find_svc(const struct emu_procs *ps,
					  const char *name, const char *svc)
{
	size_t i;

	for (i = ps->n; i > 0; i--)
		if (strcmp(ps->p[i - 1].name, name) == 0 &&
		    strcmp(ps->p[i - 1].svc, svc) == 0)
			return &ps->p[i - 1];
	return NULL;
}

bool emu_proc_alive(const struct emu_proc *p)
{
	return p != NULL && emu_pid_alive(p->pid, p->name, p->start);
}

bool emu_procs_any_alive(const struct emu_procs *ps)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (emu_proc_alive(&ps->p[i]))
			return true;
	return false;
}

size_t emu_count_alive(const struct emu_procs *ps, const char *const *names,
		       size_t *total)
{
	size_t alive = 0, n = 0;

	for (; names != NULL && *names != NULL; names++, n++)
		if (emu_proc_alive(emu_procs_find(ps, *names)))
			alive++;
	if (total != NULL)
		*total = n;
	return alive;
}

static bool marker_path(const char *dir, const char *marker, char *buf,
			size_t size)
{
	return emu_path(buf, size, "%s/%s", dir, marker);
}

bool emu_marker(const char *dir, const char *marker)
{
	char path[EMU_PATH_MAX];

	return marker_path(dir, marker, path, sizeof(path)) &&
	       emu_exists(path);
}

void emu_marker_set(const char *dir, const char *marker)
{
	char path[EMU_PATH_MAX];

	if (marker_path(dir, marker, path, sizeof(path)))
		emu_touch(path);
}

void emu_marker_clear(const char *dir, const char *marker)
{
	char path[EMU_PATH_MAX];

	if (marker_path(dir, marker, path, sizeof(path)))
		emu_unlink(path);
}

void emu_state_clear(const char *dir)
{
	emu_marker_clear(dir, "procs");
	emu_marker_clear(dir, "ready");
	emu_marker_clear(dir, "stopping");
}

/* The spmd status judges the parent and its own children, not the IM
 * database, which has a status command of its own (jimdbstatus), nor the
 * scheduler services of JP1/AJS3 (ajsstatus): AJS3's own status command
 * cannot see a scheduler service that ended abnormally (PRODUCTS.md). */
int emu_spmd_rc(const struct emu_procs *ps, const struct emu_product *prod)
{
	const char *const *judged = prod->judged != NULL ? prod->judged
							  : prod->spmd;
	size_t total, alive = emu_count_alive(ps, judged, &total);

	if (alive == total)
		return 0;
	return alive == 0 ? 8 : 4;
}

bool emu_product_running(const struct emu_ctx *ctx,
			 const struct emu_product *prod, const char *lhost)
{
	char dir[EMU_PATH_MAX];
	struct emu_procs ps;

	if (!emu_shared_present(ctx, lhost) ||
	    !emu_state_dir(ctx, prod, lhost, dir, sizeof(dir)))
		return false;
	emu_procs_load(dir, &ps);
	return emu_spmd_rc(&ps, prod) == 0;
}
