# Black-box tests: the real agent binaries against the emulators (TAP).
TESTS += tests/agents/jp1base.sh tests/agents/jp1im.sh tests/agents/ajs3.sh tests/agents/jp1im-pacemaker.sh \
	tests/agents/hostile.sh tests/agents/faults.sh
dist_check_SCRIPTS += tests/agents/jp1base.sh tests/agents/jp1im.sh tests/agents/ajs3.sh tests/agents/jp1im-pacemaker.sh \
	tests/agents/hostile.sh tests/agents/faults.sh
EXTRA_DIST += tests/agents/lib.sh

# A fixture of faults.sh, preloaded into an agent (LD_PRELOAD): the wall clock jumps
# in the middle of a run. A shared object, built without the sanitizer flags (a
# sanitizer runtime must come first in a process, a preloaded object cannot).
check_PROGRAMS += tests/agents/clockjump.so
tests_agents_clockjump_so_SOURCES = tests/agents/clockjump.c
tests_agents_clockjump_so_CFLAGS = -std=gnu11 $(LH_WARN_CFLAGS) -fPIC
tests_agents_clockjump_so_LDFLAGS = -shared
# The promotable IWS agent against the IWS emulator; node attributes through the fake
# attrd_updater and crm_attribute (a directory, $LH_FAKE_ATTRD) put first in PATH.
TESTS += tests/agents/iws.sh
dist_check_SCRIPTS += tests/agents/iws.sh
EXTRA_DIST += tests/agents/fakes/attrd_updater tests/agents/fakes/crm_attribute
# The decision journal as the agents write it (lhost/journal.h), read with shell tools.
TESTS += tests/agents/journal.sh
dist_check_SCRIPTS += tests/agents/journal.sh
# The promotable Control-M CTMPLEX agent against ctmemu (3 installations on one CF and
# a 4th elsewhere), node attributes through the same fake attrd.
TESTS += tests/agents/ctmplex.sh
dist_check_SCRIPTS += tests/agents/ctmplex.sh
# The watcher (issue 18): ocf:lhost:watch running the real lhost-watchd, failures told
# to a fake crm_resource ($LH_FAKE_CRM_LOG), records around real processes, then the
# real jp1base agent's own.
TESTS += tests/agents/watch.sh
dist_check_SCRIPTS += tests/agents/watch.sh
EXTRA_DIST += tests/agents/fakes/watch-crm_resource
