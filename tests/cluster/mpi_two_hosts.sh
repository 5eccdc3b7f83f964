#!/usr/bin/env bash
# Two machines, made on one (issue 13): two network namespaces joined by a veth pair, each with
# its own address and host name; mpirun starts in the first and launches the second's daemon
# through an --mca plm_rsh_agent script that runs `ip netns exec` where a cluster would run ssh,
# so ranks reach each other over a real TCP link (10.77.x.1 <-> 10.77.x.2) and nothing else.
# The sweep of mpi_check.sh on 2 ranks, one per "machine", ends bit-identical to one process.
#   tests/cluster/mpi_two_hosts.sh NNLAB SCRATCH       exit 77 (skipped) where namespaces cannot be made
set -euo pipefail
source "$(dirname "$0")/common.sh" "$1" "$2"
command -v ip > /dev/null || skip "no ip (iproute2)"
command -v unshare > /dev/null || skip "no unshare (util-linux)"

tag=$$
a=nnlab-a-$tag b=nnlab-b-$tag
net=$(( tag % 200 + 20 ))  # 10.77.$net.0/24, different for concurrent runs
cleanup() {
  ip netns pids "$a" 2> /dev/null | xargs -r kill -KILL 2> /dev/null || true
  ip netns pids "$b" 2> /dev/null | xargs -r kill -KILL 2> /dev/null || true
  ip netns delete "$a" 2> /dev/null || true
  ip netns delete "$b" 2> /dev/null || true
}
trap cleanup EXIT
ip netns add "$a" 2> netns.err || skip "ip netns add failed ($(head -c 200 netns.err)): this needs root and CAP_SYS_ADMIN"
ip netns add "$b" 2> netns.err || skip "ip netns add failed ($(head -c 200 netns.err))"
ip link add "va$tag" type veth peer name "vb$tag" 2> netns.err || skip "no veth ($(head -c 200 netns.err))"
ip link set "va$tag" netns "$a"
ip link set "vb$tag" netns "$b"
ip -n "$a" addr add "10.77.$net.1/24" dev "va$tag"
ip -n "$b" addr add "10.77.$net.2/24" dev "vb$tag"
for ns in "$a" "$b"; do
  ip -n "$ns" link set lo up
done
ip -n "$a" link set "va$tag" up
ip -n "$b" link set "vb$tag" up

# Where a cluster would ssh to the host, this agent enters the second namespace, as a machine of
# its own name (a UTS namespace), and runs the daemon's command line there.
cat > agent.sh <<AGENT
#!/usr/bin/env bash
# plm_rsh_agent: called as  agent.sh [options] HOST COMMAND...
while [[ \$1 == -* ]]; do shift; done
host=\$1; shift
[[ \$host == 10.77.$net.2 ]] || { echo "agent.sh: unknown host \$host" >&2; exit 1; }
exec ip netns exec $b unshare --uts sh -c "hostname nnlab-node-b; \$*"
AGENT
chmod +x agent.sh
printf '10.77.%s.1 slots=1\n10.77.%s.2 slots=1\n' "$net" "$net" > hosts
mpi=(timeout -s KILL 300 ip netns exec "$a" unshare --uts sh -c 'hostname nnlab-node-a; exec "$@"' sh
     mpirun --allow-run-as-root --hostfile hosts -np 2 --map-by node --mca plm_rsh_agent "$PWD/agent.sh"
     --mca btl self,tcp --mca btl_tcp_if_include "10.77.$net.0/24" --mca oob_tcp_if_include "10.77.$net.0/24"
     -x PATH)

# sweep.yaml (common.sh), longer and with more members, so both ranks train.
longer=(--set train.epochs=300 --set replicates=20)
"$nnlab" run sweep.yaml "${longer[@]}" --quiet --json --store one.db > one.json
"${mpi[@]}" "$nnlab" run sweep.yaml "${longer[@]}" --json --store two.db --threads 1 > two.json 2> two.err || { cat two.err; exit 1; }
"$python" "$here/compare_summaries.py" one.json two.json
"$python" "$here/compare_stores.py" one.db two.db
# Both "machines" trained: the summary says 2 ranks, and the second's host name is its own.
"${mpi[@]}" sh -c 'echo "rank $OMPI_COMM_WORLD_RANK on $(hostname)"' | sort > hostnames
grep -q "rank 1 on nnlab-node-b" hostnames || { cat hostnames; echo "rank 1 did not run in the second namespace"; exit 1; }
grep -q "on 2 MPI ranks" two.err || { cat two.err; echo "the job did not run on 2 ranks"; exit 1; }
# What rank 1 recorded reached rank 0's store through the veth link.
received=$(ip -n "$a" -s -j link show "va$tag" | "$python" -c "import json,sys; print(json.load(sys.stdin)[0]['stats64']['rx']['bytes'])")
(( received > 100000 )) || { echo "only $received bytes crossed the link"; exit 1; }
echo "mpi_two_hosts: 2 ranks in 2 namespaces over TCP, $received bytes to rank 0's namespace ($(tr '\n' ' ' < hostnames)), identical to one process"
