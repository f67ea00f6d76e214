# Real multi-node Pacemaker/Corosync scenarios (root): each brings up its own lab
# cluster in namespaces, runs a JP1 logical host from `lhost cib` through one kind
# of failure (iws.sh: the IWS promotable clone through five), and tears the lab
# down. Labs take turns (a flock in lab.sh).
# Measured times go to tests/cluster/times; each scenario's nodes' journals, merged,
# to tests/cluster/SCENARIO.merged.lhj and its timeline to SCENARIO.timeline.svg.
lh_cluster_tests = tests/cluster/probes.sh tests/cluster/power-cut.sh tests/cluster/switchover.sh \
	tests/cluster/manager-failure.sh tests/cluster/base-failure.sh tests/cluster/scheduler-failure.sh \
	tests/cluster/retriable.sh \
	tests/cluster/failure-timeout.sh tests/cluster/stop-hang.sh tests/cluster/partition.sh \
	tests/cluster/iws.sh
TESTS += $(lh_cluster_tests)
dist_check_SCRIPTS += $(lh_cluster_tests)
dist_noinst_SCRIPTS += tests/cluster/node-init
# tests/run iws-demo: the IWS promotable clone on this lab, its corrupt-plan recovery shown
dist_noinst_SCRIPTS += tests/demo/iws-demo
EXTRA_DIST += tests/cluster/lab.sh tests/cluster/scenario.sh
# Control-M CTMPLEX (issue 16): the ctmplex clone on the emulator; lab_ctm.sh its plumbing
lh_cluster_tests += tests/cluster/ctmplex.sh
EXTRA_DIST += tests/cluster/lab_ctm.sh
# The watcher (issue 18): a kill detected at once; lab_watch.sh its plumbing, shared
# with tests/bench/detect and the demo
lh_cluster_tests += tests/cluster/watch.sh
EXTRA_DIST += tests/cluster/lab_watch.sh
dist_noinst_SCRIPTS += tests/demo/ctmplex-demo
CLEANFILES += tests/cluster/times tests/cluster/*.merged.lhj tests/cluster/*.timeline.svg
