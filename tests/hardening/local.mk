# Hardening (issue 7). The memcheck suite runs in a build whose agents are dynamic
# (configure --disable-static-agents): `tests/run check` makes one for it.
if LH_DYNAMIC_AGENTS
TESTS += tests/hardening/valgrind.sh
endif
dist_check_SCRIPTS += tests/hardening/valgrind.sh
EXTRA_DIST += tests/hardening/static-analysis tests/hardening/cppcheck.suppress .clang-tidy
# The fuzz targets, their seeds, dictionaries and kept crash inputs (tests/fuzz/run).
EXTRA_DIST += tests/fuzz
