# The agents are built straight into heartbeat/, the provider tree as installed
# ($(ocfrootdir)/resource.d/lhost), so that tests can point OCF_ROOT at the build.
ocfagentdir = $(ocfrootdir)/resource.d/lhost
ocfagent_PROGRAMS = heartbeat/jp1base heartbeat/jp1im heartbeat/ajs3 heartbeat/iws \
	heartbeat/ctmplex

heartbeat_jp1base_SOURCES = agents/jp1base.c agents/jp1.c agents/jp1.h
heartbeat_jp1base_LDADD = $(LHOST_AGENT_LIBS)
heartbeat_jp1base_LDFLAGS = $(AM_LDFLAGS) $(AGENT_LDFLAGS)

heartbeat_jp1im_SOURCES = agents/jp1im.c agents/jp1.c agents/jp1.h
heartbeat_jp1im_LDADD = $(LHOST_AGENT_LIBS)
heartbeat_jp1im_LDFLAGS = $(AM_LDFLAGS) $(AGENT_LDFLAGS)

heartbeat_ajs3_SOURCES = agents/ajs3.c agents/jp1.c agents/jp1.h
heartbeat_ajs3_LDADD = $(LHOST_AGENT_LIBS)
heartbeat_ajs3_LDFLAGS = $(AM_LDFLAGS) $(AGENT_LDFLAGS)

heartbeat_iws_SOURCES = agents/iws.c agents/iws_conman.c agents/iws_node.c \
	agents/iws_recovery.c agents/iws.h
heartbeat_iws_LDADD = $(LHOST_AGENT_LIBS)
heartbeat_iws_LDFLAGS = $(AM_LDFLAGS) $(AGENT_LDFLAGS)

heartbeat_ctmplex_SOURCES = agents/ctmplex.c agents/ctmplex_plex.c agents/ctmplex.h
heartbeat_ctmplex_LDADD = $(LHOST_AGENT_LIBS)
heartbeat_ctmplex_LDFLAGS = $(AM_LDFLAGS) $(AGENT_LDFLAGS)

# The lhost command: a logical host's members in order, for any cluster software.
sbin_PROGRAMS = agents/lhost
agents_lhost_SOURCES = agents/lhost.c agents/lhost_journal.c agents/lhost_journal.h \
	agents/lhost_quiesce.c agents/lhost_quiesce.h
agents_lhost_CPPFLAGS = $(AM_CPPFLAGS) \
	-DLH_DEFINITIONS_DIR='"$(sysconfdir)/lhost"' -DLH_OCF_ROOT='"$(ocfrootdir)"' \
	-DLH_STATE_DIR='"/run/lhost"'
agents_lhost_CFLAGS = $(AM_CFLAGS) $(LIBQB_CFLAGS) $(LIBXML_CFLAGS)
agents_lhost_LDADD = $(LHOST_ENGINE_LIBS) $(LIBQB_LIBS)
