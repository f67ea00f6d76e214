# The agents are built straight into heartbeat/, the provider tree as installed
# ($(ocfrootdir)/resource.d/lhost), so that tests can point OCF_ROOT at the build.
ocfagentdir = $(ocfrootdir)/resource.d/lhost
ocfagent_PROGRAMS = heartbeat/jp1base heartbeat/jp1im

heartbeat_jp1base_SOURCES = agents/jp1base.c agents/jp1.c agents/jp1.h
heartbeat_jp1base_LDADD = $(LHOST_LIBS)

heartbeat_jp1im_SOURCES = agents/jp1im.c agents/jp1.c agents/jp1.h
heartbeat_jp1im_LDADD = $(LHOST_LIBS)
