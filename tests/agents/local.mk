# Black-box tests: the real agent binaries against the emulators (TAP).
TESTS += tests/agents/jp1base.sh tests/agents/jp1im.sh tests/agents/jp1im-pacemaker.sh \
	tests/agents/hostile.sh
dist_check_SCRIPTS += tests/agents/jp1base.sh tests/agents/jp1im.sh tests/agents/jp1im-pacemaker.sh \
	tests/agents/hostile.sh
EXTRA_DIST += tests/agents/lib.sh
