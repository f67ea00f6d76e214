#!/bin/sh
# mkbin.sh DIR EMUBINARY - create DIR/<name> -> EMUBINARY for every JP1
# command and product process name the emulator answers to.
#
# EMUBINARY is used verbatim as the link target, so give it relative to
# DIR (e.g. ../jp1emu) for a relocatable tree, or as an absolute path.
# The emulator dispatches on basename(argv[0]), so the link names are
# the whole interface.
set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 DIR EMUBINARY" >&2
	exit 1
fi
dir=$1
target=$2

commands="jbs_start.cluster jbs_stop.cluster jbs_killall.cluster
jbs_spmd_status jevstat jco_start.cluster jco_stop.cluster jco_killall.cluster
jco_spmd_status jimdbstatus jajs_start.cluster jajs_stop.cluster
jajs_killall.cluster jajs_spmd_status ajsstatus jp1emu"
processes="jbs_spmd jbsroute jcocmd jbsplugind jbshcd jbssrvmgr jbscomd
jevservice jco_spmd evflow jcamain evtcon evgen jcsmain jcfmain
pdprcd pdrdmd pdsds jajs_spmd jajs_dbmd jajs_hstd jajs_schd jajs_agtd
ajsqlagtd"

mkdir -p "$dir"
# Resolve the target as the links will: relative to DIR.
if ! (cd "$dir" && [ -x "$target" ]); then
	echo "$0: $target (relative to $dir) is not an executable" >&2
	exit 1
fi
for name in $commands $processes; do
	ln -sfn "$target" "$dir/$name"
done
