# liblhost, in two parts that the folders name:
#   lib/runtime/  the OCF runtime every agent links: parameters, actions, meta-data,
#                 the command runner, code maps, polling, state, logging, and the
#                 cluster-command pattern. glib only: an agent's monitor loads nothing
#                 else (DESIGN.md's budget).
#   lib/engine/   the logical-host engine that only the lhost command uses: definition
#                 files, members' meta-data, validation, ordered start/stop/monitor/
#                 kill, and the Pacemaker CIB. It reads and writes XML with libxml2.
# Both are installed as static archives with their headers (lib/lhost/, installed as
# <lhost/...>): agents are small executables, and a static archive costs a monitor
# nothing to load; an agent pulls from it just the objects it calls.
lib_LIBRARIES += lib/liblhost.a lib/liblhost-engine.a
lib_liblhost_a_SOURCES = \
	lib/runtime/agent.c lib/runtime/clustercmd.c lib/runtime/codemap.c \
	lib/runtime/deadline.c lib/runtime/log.c lib/runtime/metadata.c lib/runtime/ocf.c \
	lib/runtime/params.c lib/runtime/poll.c lib/runtime/run.c lib/runtime/state.c

lib_liblhost_engine_a_SOURCES = \
	lib/engine/lhdef.c lib/engine/lhcheck.c lib/engine/lhengine.c \
	lib/engine/agentinfo.c lib/engine/cib.c
lib_liblhost_engine_a_CFLAGS = $(AM_CFLAGS) $(LIBXML_CFLAGS)

lhostincludedir = $(includedir)/lhost
lhostinclude_HEADERS = \
	lib/lhost/clustercmd.h lib/lhost/codemap.h lib/lhost/deadline.h lib/lhost/log.h \
	lib/lhost/ocf.h lib/lhost/poll.h lib/lhost/run.h lib/lhost/state.h \
	lib/lhost/lhdef.h lib/lhost/agentinfo.h lib/lhost/lhost.h lib/lhost/cib.h

# What every program built on the runtime links.
LHOST_LIBS = lib/liblhost.a $(AGENT_GLIB_LIBS)
# ... and what the logical host engine (lhost/lhost.h, lhost/cib.h) adds.
LHOST_ENGINE_LIBS = lib/liblhost-engine.a lib/liblhost.a $(LIBXML_LIBS) $(GLIB_LIBS)
# The decision journal (lhost/journal.h): its records and reader, and its writer.
lib_liblhost_a_SOURCES += lib/runtime/jrecord.c lib/runtime/jcrc.c lib/runtime/jtime.c lib/runtime/jreader.c lib/runtime/journal.c lib/journal_private.h
lhostinclude_HEADERS += lib/lhost/journal.h
# Merging nodes' journals into one timeline, and showing records (lhost/jmerge.h):
# only the lhost command uses it (lhost journal merge|show).
lib_liblhost_engine_a_SOURCES += lib/engine/jmerge.c lib/engine/jmerge_scan.c \
	lib/engine/jmerge_write.c lib/engine/jshow.c lib/engine/jmerge_private.h
lhostinclude_HEADERS += lib/lhost/jmerge.h
# A merged journal drawn as SVG (lhost/jtimeline.h): lhost timeline.
lib_liblhost_engine_a_SOURCES += lib/engine/jtimeline.c lib/engine/jtimeline_svg.c \
	lib/engine/jtimeline_private.h
lhostinclude_HEADERS += lib/lhost/jtimeline.h
# What Pacemaker's tools print, read with XPath (lhost/cibquery.h): a primitive and
# its clone in the CIB, the nodes of crm_resource --locate, a tool's error; for lhost
# quiesce and resume.
lib_liblhost_engine_a_SOURCES += lib/engine/cibquery.c
lhostinclude_HEADERS += lib/lhost/cibquery.h
# Promotable agents: the notification environment (lhost/notify.h) and Pacemaker
# node attributes and promotion scores (lhost/attr.h).
lib_liblhost_a_SOURCES += lib/runtime/notify.c lib/runtime/attr.c
lhostinclude_HEADERS += lib/lhost/notify.h lib/lhost/attr.h
# The processes of one installation, by executable path (lhost/proc.h).
lib_liblhost_a_SOURCES += lib/runtime/proc.c
lhostinclude_HEADERS += lib/lhost/proc.h
# An automatic recovery's attempts: interval, maximum, kept in the state, what peers
# are told (lhost/attempts.h); Control-M's RECOVERT/RECOVERM first.
lib_liblhost_a_SOURCES += lib/runtime/attempts.c
lhostinclude_HEADERS += lib/lhost/attempts.h
# The static agents' user database (lib/runtime/nss_files.c): getpwnam_r, getpwuid_r
# and getpwuid over /etc/passwd alone, so that glib's gutils.o does not pull glibc's
# NSS into a static link. Archived apart and linked only into static agents, after
# glib (LHOST_AGENT_LIBS); a dynamic agent keeps libc's functions.
noinst_LIBRARIES = lib/liblhost-nss-files.a
lib_liblhost_nss_files_a_SOURCES = lib/runtime/nss_files.c
if LH_STATIC_AGENTS
LHOST_AGENT_LIBS = $(LHOST_LIBS) lib/liblhost-nss-files.a
else
LHOST_AGENT_LIBS = $(LHOST_LIBS)
endif
# The commands an agent has running, recorded so that the next action ends what a
# killed agent left behind (lhost/inflight.h).
lib_liblhost_a_SOURCES += lib/runtime/inflight.c
lhostinclude_HEADERS += lib/lhost/inflight.h
# The product processes whose death is a failure, recorded for the watcher
# (lhost/watchrec.h): written after a start, removed before any other action.
lib_liblhost_a_SOURCES += lib/runtime/watchrec.c
lhostinclude_HEADERS += lib/lhost/watchrec.h
