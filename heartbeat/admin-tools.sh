#!/usr/bin/env bash
# Our agents as admins meet them: pcs and crmsh render every agent of this provider
# tree (its shortdesc and every parameter), and the README's `pcs resource create`
# lines, run against a CIB file, give a configuration that crm_verify accepts.
#
# pcs and crm find agents only under the real OCF root, so the checks run in a
# private mount namespace where the built heartbeat/ is bind-mounted as the provider
# "lhost": nothing is added to the host's /usr/lib/ocf. pcs and crm run the agents
# as their caller (root here), never as another user.
. "$top_srcdir/tests/agents/lib.sh"

[ "$(id -u)" -eq 0 ] || skip_all "pcs and crm read agents under /usr/lib/ocf: run as root"
for tool in pcs crm crm_verify cibadmin unshare "${XMLLINT:-xmllint}"; do
    command -v "$tool" >/dev/null || skip_all "$tool not found (tests/run installs it)"
done
XMLLINT=${XMLLINT:-xmllint}

if [ -z "${LHOST_ADMIN_WORLD:-}" ]; then
    # The mounts live in the namespace only: seen from here, the mount points under
    # $world are empty directories, which rm -rf removes safely even if the
    # namespace outlived its shell.
    world=$(mktemp -d /tmp/lhost-test.XXXXXX)
    trap 'rm -rf "$world"' EXIT
    unshare -m --propagation private true 2>/dev/null || skip_all "no private mount namespace here"
    LHOST_ADMIN_WORLD=$world LHOST_ADMIN_HOSTNS=$(readlink /proc/$$/ns/mnt) \
        unshare -m --propagation private "$BASH" "$0" "$@"
    exit
fi

world=$LHOST_ADMIN_WORLD
bail() { echo "Bail out! $*"; exit 1; }
[ "$(readlink /proc/$$/ns/mnt)" != "${LHOST_ADMIN_HOSTNS:-}" ] || bail "not in a mount namespace of our own"
ocf=/usr/lib/ocf/resource.d
# The OCF root as the host has it (other providers bound as they are), with this
# build's heartbeat/ as the provider "lhost", hiding any installed one.
mkdir -p "$world/resource.d/lhost"
for p in "$ocf"/*/; do
    p=$(basename "$p")
    [ "$p" = lhost ] && continue
    mkdir -p "$world/resource.d/$p"
    mount --bind "$ocf/$p" "$world/resource.d/$p" || bail "cannot bind $ocf/$p"
done
mount --bind "$AGENTS" "$world/resource.d/lhost" || bail "cannot bind $AGENTS"
mount --rbind "$world/resource.d" "$ocf" || bail "cannot mount over $ocf"
# crmsh 4.4 appends to /var/log/crmsh/crmsh.log (made by its postinst) and dies with
# a traceback without it: a private one, which also keeps the host's log clean.
logdir=/var/log/crmsh
[ -d "$logdir" ] || logdir=/var/log
mount -t tmpfs -o mode=755 lhost-admin-tools "$logdir" || bail "cannot mount a tmpfs on $logdir"
mkdir -p /var/log/crmsh
# A home of our own: crmsh reads ~/.crm.rc and makes ~/.config/crm and ~/.cache/crm.
export HOME="$world/home"
export LHOST_JOURNAL_DIR="$world/journal" # agents pcs and crm run journal here, not on the node
unset XDG_CONFIG_HOME XDG_CACHE_HOME
mkdir -p "$HOME"

# The agents: every executable here that answers meta-data with an OCF agent's XML
# (an in-tree build also has the test scripts here, which must not be run so).
agents=()
for f in "$AGENTS"/*; do
    name=${f##*/}
    case $name in *.sh) continue ;; esac
    [[ -f $f && -x $f ]] || continue
    if timeout 30 "$f" meta-data </dev/null >"$world/$name.xml" 2>/dev/null \
        && [ "$("$XMLLINT" --xpath 'name(/*)' "$world/$name.xml" 2>/dev/null)" = resource-agent ]; then
        agents+=("$name")
    else
        echo "# $name: executable, but no agent meta-data: not an agent"
    fi
done
echo "# agents: ${agents[*]}"
for a in jp1base jp1im iws ctmplex watch; do
    case " ${agents[*]} " in *" $a "*) st=0 ;; *) st=1 ;; esac
    ok "$st" "$a is among the agents found in $AGENTS"
done

# Parameter names from an agent's meta-data, one a line; XPATH-PREDICATE selects.
param_names() { # param_names AGENT [XPATH-PREDICATE]
    "$XMLLINT" --xpath "//parameters/parameter${2:-}/@name" "$world/$1.xml" 2>/dev/null \
        | sed -n 's/^ *name="\([^"]*\)"$/\1/p'
}

# The names, of those given, that no line of FILE shows as a parameter (a line
# matching PREFIX, the name, then SUFFIX; both extended regexes).
missing() { # missing FILE PREFIX SUFFIX NAME...
    local file=$1 prefix=$2 suffix=$3 n out=""
    shift 3
    for n in "$@"; do
        grep -qE -- "$prefix$n$suffix" "$file" || out+="$n "
    done
    printf '%s' "${out% }"
}

# The parameters' part of a rendering: pcs's "Resource options:" up to the blank
# line that ends it, crm's "Parameters (...):" up to the operations.
pcs_params() { sed -n '/^Resource options:$/,/^$/p' "$world/pcs.out" >"$world/params"; }
crm_params() { sed -n '/^Parameters (/,/^Operations/p' "$world/crm.out" >"$world/params"; }

# stderr lines saying error or warning, in any case.
complaints() { grep -iE 'error|warn' "$1" | head -3 | tr '\n' '|'; }

for a in "${agents[@]}"; do
    shortdesc=$("$XMLLINT" --xpath 'string(/resource-agent/shortdesc[1])' "$world/$a.xml")
    mapfile -t all < <(param_names "$a")
    # pcs shows deprecated parameters (and the trace_ra and trace_file it adds
    # itself) only with --full.
    mapfile -t shown < <(param_names "$a" '[not(deprecated)][not(@deprecated="1" or @deprecated="true")]')
    echo "# $a: ${#all[@]} parameters, shortdesc '$shortdesc'"

    # Stdout and stderr to files: pcs wraps lines to the terminal when either is one.
    pcs resource describe "ocf:lhost:$a" </dev/null >"$world/pcs.out" 2>"$world/pcs.err"
    is "$?" 0 "pcs resource describe ocf:lhost:$a: exit status 0"
    is "$(complaints "$world/pcs.err")" "" "pcs resource describe ocf:lhost:$a: no error or warning on stderr"
    is "$(head -1 "$world/pcs.out")" "ocf:lhost:$a - $shortdesc" \
        "pcs resource describe ocf:lhost:$a: the agent's shortdesc"
    pcs_params
    is "$(missing "$world/params" '^  ' '( \(|:)' "${shown[@]}")" "" \
        "pcs resource describe ocf:lhost:$a: every parameter (${#shown[@]})"
    pcs resource describe --full "ocf:lhost:$a" </dev/null >"$world/pcs.out" 2>"$world/pcs.err"
    is "$?:$(complaints "$world/pcs.err")" "0:" "pcs resource describe --full ocf:lhost:$a: exit status 0, no complaint"
    pcs_params
    is "$(missing "$world/params" '^  ' '( \(|:)' "${all[@]}")" "" \
        "pcs resource describe --full ocf:lhost:$a: every parameter, deprecated ones too (${#all[@]})"

    # crm pages its output only to a terminal.
    crm ra info "ocf:lhost:$a" </dev/null >"$world/crm.out" 2>"$world/crm.err"
    is "$?" 0 "crm ra info ocf:lhost:$a: exit status 0"
    is "$(complaints "$world/crm.err")" "" "crm ra info ocf:lhost:$a: no error or warning on stderr"
    is "$(head -1 "$world/crm.out")" "$shortdesc (ocf:lhost:$a)" "crm ra info ocf:lhost:$a: the agent's shortdesc"
    crm_params
    is "$(missing "$world/params" '^' '\*?( \(|:|$)' "${all[@]}")" "" \
        "crm ra info ocf:lhost:$a: every parameter (${#all[@]})"
done

# The README's `pcs resource create` lines, in order, into one CIB file (pcs -f: no
# cluster, no pcsd), as an admin would paste them with `pcs -f FILE` added.
cib="$world/cib.xml"
cibadmin --empty >"$cib"
mapfile -t lines < <(grep -E '^[[:space:]]*pcs resource create ' "$top_srcdir/README")
ok "$([ ${#lines[@]} -gt 0 ]; echo $?)" "README: ${#lines[@]} 'pcs resource create' line(s)"
i=0
for line in "${lines[@]}"; do
    i=$((i + 1))
    # Words split as the shell would split plain words: no quoting, no expansion.
    like "$line" '^[^]['"'"'"\\$`;&|<>(){}*?~#]*$' "README create line $i: plain words (run here word by word)"
    read -ra words <<<"$line"
    pcs -f "$cib" "${words[@]:1}" </dev/null >"$world/create.out" 2>"$world/create.err"
    is "$?" 0 "README create line $i (${words[3]:-}): pcs -f exit status 0"
    is "$(complaints "$world/create.err")" "" "README create line $i (${words[3]:-}): no error or warning on stderr"
done
# The README's lines are for a cluster that has fencing; a CIB file of their resources
# alone has no stonith device, and crm_verify then refuses to start any resource.
pcs -f "$cib" property set stonith-enabled=false </dev/null >/dev/null 2>"$world/prop.err"
is "$?" 0 "pcs -f property set stonith-enabled=false (no fencing device in a CIB file)"
crm_verify -V -x "$cib" >"$world/verify.out" 2>&1
is "$?:$(complaints "$world/verify.out")" "0:" "crm_verify -V -x accepts the README's configuration, without a warning"

# Each line's resource, agent and parameters are in the CIB as the line gave them.
xpath() { "$XMLLINT" --xpath "$1" "$cib" 2>/dev/null; }
i=0
for line in "${lines[@]}"; do
    i=$((i + 1))
    read -ra words <<<"$line"
    id=${words[3]:-} agent=${words[4]:-}
    case $agent in ocf:lhost:?*) type=${agent#ocf:lhost:} ;; *) type="" ;; esac
    is "$(xpath "count(//primitive[@id='$id'][@class='ocf'][@provider='lhost'][@type='$type'])")" 1 \
        "README create line $i: primitive $id of $agent (an ocf:lhost: agent) in the CIB"
    # pcs syntax: ID AGENT [NAME=VALUE...] [op ACTION NAME=VALUE...] [meta NAME=VALUE...]
    # [clone|promotable|bundle ...] [--flags]: instance and meta attributes are checked.
    section=instance_attributes expected=0 wrong=""
    for w in "${words[@]:5}"; do
        case $w in
            op | clone | promotable | bundle) section="" ;;
            meta) section=meta_attributes ;;
            --*) ;;
            ?*=*)
                [ -n "$section" ] || continue
                expected=$((expected + 1))
                [ "$(xpath "string(//primitive[@id='$id']/$section/nvpair[@name='${w%%=*}']/@value)")" = "${w#*=}" ] \
                    || wrong+="$w "
                ;;
        esac
    done
    is "${wrong% }" "" "README create line $i: $id has its $expected attribute(s) as given"
done
finish
