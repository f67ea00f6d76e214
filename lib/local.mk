# liblhost: the OCF runtime. Installed as a static archive with its headers: agents
# are small executables, and a static library costs a monitor nothing to load.
lib_LIBRARIES += lib/liblhost.a
lib_liblhost_a_SOURCES = \
	lib/agent.c lib/clustercmd.c lib/codemap.c lib/deadline.c lib/log.c \
	lib/metadata.c lib/ocf.c lib/params.c lib/poll.c lib/run.c lib/state.c \
	lib/lhdef.c lib/lhcheck.c lib/lhengine.c lib/agentinfo.c lib/cib.c
# agentinfo.c and cib.c read and write XML with libxml2. Only the lhost command
# links them: an agent pulls from a static archive just the objects it calls.
lib_liblhost_a_CFLAGS = $(AM_CFLAGS) $(LIBXML_CFLAGS)

lhostincludedir = $(includedir)/lhost
lhostinclude_HEADERS = \
	lib/lhost/clustercmd.h lib/lhost/codemap.h lib/lhost/deadline.h lib/lhost/log.h \
	lib/lhost/ocf.h lib/lhost/poll.h lib/lhost/run.h lib/lhost/state.h \
	lib/lhost/lhdef.h lib/lhost/agentinfo.h lib/lhost/lhost.h lib/lhost/cib.h

# What every program built on liblhost links.
LHOST_LIBS = lib/liblhost.a $(AGENT_GLIB_LIBS)
# ... and what the logical host engine (lhost/lhost.h, lhost/cib.h) adds.
LHOST_ENGINE_LIBS = lib/liblhost.a $(LIBXML_LIBS) $(GLIB_LIBS)
