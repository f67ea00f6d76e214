/* clockjump.c - a test fixture preloaded into an agent (LD_PRELOAD): the wall clock
 * jumps in the middle of the run, the monotonic clock does not.
 *
 * CLOCKJUMP_AFTER_MS=N CLOCKJUMP_BY_S=S: from N milliseconds after the process
 * started (on the monotonic clock), the wall clock reads S seconds off: S > 0 is an
 * NTP step or an admin's `date -s` forward, S < 0 backward. It covers the three ways
 * a program reads the wall clock (clock_gettime on a realtime clock, gettimeofday,
 * time); every other clock passes through untouched. A program that measures its
 * waits on the wall clock sees S seconds pass in an instant (or never pass); one
 * that uses the monotonic clock sees nothing.
 *
 * The real clocks are read with the system call itself, so nothing here depends on
 * finding the C library's own functions under the ones this file replaces.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static struct timespec started;
static long long after_ns;
static long long by_s;

static int real_clock(clockid_t clock, struct timespec *ts)
{
    return (int)syscall(SYS_clock_gettime, clock, ts);
}

__attribute__((constructor)) static void clockjump_init(void)
{
    const char *after = getenv("CLOCKJUMP_AFTER_MS");
    const char *by = getenv("CLOCKJUMP_BY_S");

    real_clock(CLOCK_MONOTONIC, &started);
    after_ns = after != NULL ? atoll(after) * 1000000LL : 0;
    by_s = by != NULL ? atoll(by) : 0;
}

/* The seconds to add to the wall clock now. */
static long long offset_s(void)
{
    struct timespec now;
    long long elapsed_ns;

    real_clock(CLOCK_MONOTONIC, &now);
    elapsed_ns = (now.tv_sec - started.tv_sec) * 1000000000LL + (now.tv_nsec - started.tv_nsec);
    return elapsed_ns >= after_ns ? by_s : 0;
}

int clock_gettime(clockid_t clock, struct timespec *ts)
{
    int rc = real_clock(clock, ts);

    if (rc == 0
        && (clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE || clock == CLOCK_TAI)) {
        ts->tv_sec += offset_s();
    }
    return rc;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
    struct timespec ts;

    (void)tz;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0) {
        return -1;
    }
    tv->tv_sec = ts.tv_sec; /* the C library declares tv non-null */
    tv->tv_usec = ts.tv_nsec / 1000;
    return 0;
}

time_t time(time_t *out)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    if (out != NULL) {
        *out = ts.tv_sec;
    }
    return ts.tv_sec;
}
