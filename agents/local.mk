# The agents are built straight into heartbeat/, the provider tree as installed
# ($(ocfrootdir)/resource.d/lhost), so that tests can point OCF_ROOT at the build.
ocfagentdir = $(ocfrootdir)/resource.d/lhost
ocfagent_PROGRAMS = heartbeat/jp1base

heartbeat_jp1base_SOURCES = agents/jp1base.c
heartbeat_jp1base_LDADD = $(LHOST_LIBS)
