/* nss_files.c - the user database of the static agents: /etc/passwd, without NSS.
 *
 * glib's gutils.o calls getpwnam_r, getpwuid_r and getpwuid (for g_get_home_dir,
 * g_get_user_name and g_get_real_name), and a static agent links gutils.o. No agent
 * relies on those functions: they resolve no user themselves. Yet libc.a's versions
 * bring NSS with them: nsswitch.conf, and at run time a dlopen of the libnss_*.so of
 * the very glibc that linked the agent (ld's "Using 'getpwnam_r' in statically linked
 * applications requires at runtime the shared libraries from the glibc version used
 * for linking"): in jp1base, 72 more objects of libc.a and 90 KB more text.
 *
 * This file defines exactly the three functions ld warns about. It is archived on its
 * own (lib/liblhost-nss-files.a) and linked only into the static agents, after glib
 * and before libc.a, so the link takes these and never pulls libc's NSS objects. They
 * read /etc/passwd with fgetpwent_r, which parses without NSS, as the "files" service
 * does; a user known only to LDAP or sssd is unknown to them.
 *
 * They keep libc's contract (getpwnam_r(3)):
 * - getpwnam_r/getpwuid_r return 0 and set *result to pwd when the user is found;
 *   0 and *result NULL when it is absent; ERANGE and *result NULL when buf cannot hold
 *   an entry read on the way (glibc's "files" service does the same: the caller retries
 *   with a larger buffer); the error of opening or reading /etc/passwd otherwise. The
 *   strings of *pwd point into buf. errno is left as it was.
 * - getpwuid returns static storage, overwritten by the next call (not thread-safe, as
 *   libc's result is not); NULL with errno unchanged for an absent user, NULL with errno
 *   set on an error.
 */
#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#define LH_NSS_PASSWD "/etc/passwd"
/* getpwuid's own buffer: grown on ERANGE up to this (a 1 MiB entry is not a user). */
#define LH_NSS_BUF_START ((size_t)1024)
#define LH_NSS_BUF_MAX ((size_t)1024 * 1024)

/* The entry of /etc/passwd named @name, or (with @name NULL) of uid @uid. */
static int lh__nss_passwd_find(const char *name, uid_t uid, struct passwd *pwd, char *buf,
                               size_t buflen, struct passwd **result)
{
    int saved_errno = errno;
    FILE *file;
    int rc;

    *result = NULL;
    file = fopen(LH_NSS_PASSWD, "re");
    if (file == NULL) {
        rc = errno;
        goto done;
    }
    while ((rc = fgetpwent_r(file, pwd, buf, buflen, result)) == 0) {
        if (name != NULL ? strcmp(pwd->pw_name, name) == 0 : pwd->pw_uid == uid) {
            break;
        }
        *result = NULL;
    }
    (void)fclose(file); /* read only: nothing to lose */
    if (rc == ENOENT) { /* the end of the file: no such user */
        rc = 0;
    }
done:
    if (rc != 0) {
        *result = NULL;
    }
    errno = saved_errno;
    return rc;
}

/* <pwd.h> names the parameters with reserved identifiers (__resultbuf...): these
 * definitions keep readable ones. */
// NOLINTNEXTLINE(readability-inconsistent-declaration-parameter-name)
int getpwnam_r(const char *name, struct passwd *pwd, char *buf, size_t buflen,
               struct passwd **result)
{
    return lh__nss_passwd_find(name, 0, pwd, buf, buflen, result);
}

// NOLINTNEXTLINE(readability-inconsistent-declaration-parameter-name)
int getpwuid_r(uid_t uid, struct passwd *pwd, char *buf, size_t buflen,
               struct passwd **result)
{
    return lh__nss_passwd_find(NULL, uid, pwd, buf, buflen, result);
}

/* malloc, not g_malloc: libc's contract is NULL and ENOMEM, not an abort. */
struct passwd *getpwuid(uid_t uid)
{
    static struct passwd entry;
    static char *buf;
    static size_t buflen;
    struct passwd *result = NULL;
    int rc;

    if (buf == NULL) {
        buf = malloc(LH_NSS_BUF_START);
        if (buf == NULL) {
            return NULL; /* errno: ENOMEM */
        }
        buflen = LH_NSS_BUF_START;
    }
    while ((rc = getpwuid_r(uid, &entry, buf, buflen, &result)) == ERANGE
           && buflen < LH_NSS_BUF_MAX) {
        char *bigger = realloc(buf, buflen * 2);

        if (bigger == NULL) {
            return NULL; /* errno: ENOMEM */
        }
        buf = bigger;
        buflen *= 2;
    }
    if (rc != 0) {
        errno = rc;
        return NULL;
    }
    return result;
}
