#!/usr/bin/env bash
# A Spark standalone cluster on 127.0.0.1 from tdmpc2j's own jars: `cluster master`, two `cluster worker`s, and
# `collect --master spark://...` while one worker's whole process group (its JVM, the Worker and its executor) is
# SIGKILLed. The dataset must equal, byte for byte, the one the same collect writes without --master: no episode
# lost, none duplicated, no temporary file left. Every process the script starts is ended when it exits.
#   usage: cluster-fault-test.sh DIR      env: TDMPC2J_CP (class path), TDMPC2J_JAVA_OPTS (JVM options)
# Run it under `timeout`: on SIGTERM it ends what it started.
set -euo pipefail
export SPARK_LOCAL_IP=127.0.0.1 # loopback only
dir=$1
mkdir -p "$dir"
tasks=dmc/cartpole-balance,dmc/reacher-easy
episodes=40
groups=()
deadline=$((SECONDS + 180)) # for each wait; `timeout` bounds the whole

tdmpc2j() { exec java ${TDMPC2J_JAVA_OPTS:-} -cp "$TDMPC2J_CP" io.github.tdmpc2j.cli.Main "$@"; }
# starts `tdmpc2j ARGS` in a process group of its own (setsid: its pid is the group's id), output to LOG
start() { local log=$1; shift; setsid bash -c "$(declare -f tdmpc2j); tdmpc2j $*" >"$log" 2>&1 & groups+=($!); }
running() { ps -o stat= -g "$1" 2>/dev/null | grep -qv '^Z'; } # a live (not zombie) process in group $1
cleanup() {
    for g in "${groups[@]}"; do kill -TERM -- "-$g" 2>/dev/null || true; done
    for _ in $(seq 75); do
        local any=0
        for g in "${groups[@]}"; do if running "$g"; then any=1; fi; done
        [ $any = 0 ] && break
        sleep 0.2
    done
    for g in "${groups[@]}"; do
        if running "$g"; then kill -KILL -- "-$g" 2>/dev/null || true; echo "group $g needed SIGKILL"; fi
    done
    wait 2>/dev/null || true
    sleep 0.5
    for g in "${groups[@]}"; do
        if running "$g"; then echo "FAIL: process group $g still running"; ps -o pid,stat,args -g "$g"; exit 1; fi
    done
    echo "all ${#groups[@]} process groups ended"
}
trap cleanup EXIT
trap 'exit 1' TERM INT
wait_for() { # wait_for WHAT COMMAND...
    local what=$1; shift
    until "$@"; do
        if [ $SECONDS -ge $deadline ]; then echo "FAIL: timed out waiting for $what"; tail -n 30 "$dir"/*.log; exit 1; fi
        sleep 0.1
    done
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
workers_alive() {
    python3 - "$1" "$2" <<'PY'
import json, sys, urllib.request
try:
    state = json.load(urllib.request.urlopen("http://127.0.0.1:%s/json/" % sys.argv[1], timeout=2))
except Exception:
    sys.exit(1)
sys.exit(0 if state.get("aliveworkers", 0) >= int(sys.argv[2]) else 1)
PY
}
episode_count() { find "$1" -name 'episode-*.npz' 2>/dev/null | wc -l; }

echo "== reference: collect in this process"
(tdmpc2j collect --tasks $tasks --episodes $episodes --out "$dir/reference" >"$dir/reference.log" 2>&1)

port=$(free_port); ui=$(free_port)
url=spark://127.0.0.1:$port
echo "== master $url, two workers"
start "$dir/master.log" cluster master --host 127.0.0.1 --port "$port" --webui-port "$ui"
for i in 1 2; do
    start "$dir/worker$i.log" cluster worker "$url" --host 127.0.0.1 --cores 1 --memory 1024 \
        --spark-home "$dir/spark-home-$i" --webui-port "$(free_port)"
done
wait_for "two workers registered" workers_alive "$ui" 2
grep -h "tdmpc2j cluster" "$dir/master.log" "$dir/worker1.log"

echo "== collect --master $url, worker 1's process group killed mid-collect"
start "$dir/collect.log" collect --tasks $tasks --episodes $episodes --out "$dir/cluster" --master "$url" \
    --spark-conf spark.driver.host=127.0.0.1
collect_group=${groups[-1]}
some_written() { [ "$(episode_count "$dir/cluster")" -ge 6 ]; }
wait_for "episodes from the cluster" some_written
at_kill=$(episode_count "$dir/cluster")
kill -KILL -- "-${groups[1]}"
echo "killed worker 1 (process group ${groups[1]}) with $at_kill of $((2 * episodes)) episodes written"
[ "$at_kill" -lt $((2 * episodes)) ] || { echo "FAIL: the collection ended before the kill"; exit 1; }
status=0; wait "$collect_group" || status=$?
tail -n 2 "$dir/collect.log"
[ $status = 0 ] && grep -q "$((2 * episodes)) episodes written" "$dir/collect.log" \
    || { echo "FAIL: collect did not finish (exit $status)"; tail -n 40 "$dir/collect.log"; exit 1; }

echo "== the files"
leftovers=$(find "$dir/cluster" -name '*.tmp' | wc -l)
[ "$leftovers" = 0 ] || { echo "FAIL: $leftovers temporary files left"; exit 1; }
diff -r "$dir/reference/episodes" "$dir/cluster/episodes"

echo "== a normal stop: SIGTERM to the master and worker 2"
kill -TERM -- "-${groups[0]}" "-${groups[2]}"
stopped() { ! running "${groups[0]}" && ! running "${groups[2]}"; }
wait_for "the master and worker 2 to stop" stopped
grep -h "stopping: SIGTERM" "$dir/master.log" "$dir/worker2.log" || true
if grep -H "ERROR" "$dir/master.log" "$dir/worker2.log"; then echo "FAIL: a normal stop logged an ERROR"; exit 1; fi
grep -q "Master - stopping: SIGTERM received" "$dir/master.log" \
    || { echo "FAIL: the master did not say it stops"; tail -n 5 "$dir/master.log"; exit 1; }
echo "PASS: $(episode_count "$dir/cluster") episode files, byte-identical to the collection without --master"
