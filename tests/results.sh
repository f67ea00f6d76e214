# tests/results.sh: reading a build's automake test results (its .trs and .log
# files). Sourced by tests/run and tests/hardening/run.
# shellcheck shell=bash

# result_count BUILD_DIR RESULT_REGEX: how many tests ended so, e.g. PASS or
# '(FAIL|ERROR|XPASS)'.
result_count() {
    cat "$1"/tests/*/*.trs "$1"/heartbeat/*.trs 2>/dev/null \
        | grep -c -E "^:test-result: $2" || true
}

# show_failures BUILD_DIR: the whole log of every test that failed, for the reader.
show_failures() {
    grep -l -E '^:test-result: (FAIL|ERROR|XPASS)' "$1"/tests/*/*.trs "$1"/heartbeat/*.trs 2>/dev/null \
        | while read -r trs; do echo "---- ${trs%.trs}.log"; cat "${trs%.trs}.log"; done
}
