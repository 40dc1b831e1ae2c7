#!/usr/bin/env bash
# Collect throughput without --master, with local[2] and with local-cluster[2,1,1024] in one run (native DMControl
# tasks, random policy): Spark's overhead as a ratio. Prints a markdown section; with --record it also appends it
# to bench/RESULTS.md.
#   bench/cluster/run.sh [--record]     env: EPISODES (per task, default 150), ROUNDS (default 2)
set -euo pipefail
cd "$(dirname "$0")/../.."
episodes="${EPISODES:-150}"
rounds="${ROUNDS:-2}"
tasks=(dmc/walker-walk dmc/cheetah-run)

mvn -B -q -o -pl bench -am install -DskipTests >/dev/null
(cd bench && mvn -B -q -o dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null)
mkdir -p bench/target/spark-home
opts="$(java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.github.tdmpc2j.bench.SparkJavaOptions 2>/dev/null)"
out="$(SPARK_HOME="$PWD/bench/target/spark-home" SPARK_LOCAL_IP=127.0.0.1 java $opts -Dai.djl.offline=true \
  -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.github.tdmpc2j.bench.ClusterCollectBench \
  "$episodes" "$rounds" "${tasks[@]}" 2>/dev/null | grep -E "^(none|local)")"

section="$(python3 - "$out" "$episodes" "$rounds" "${tasks[*]}" <<'PY'
import datetime, subprocess, sys
out, episodes, rounds, tasks = sys.argv[1:5]
rows = {}
for line in out.splitlines():
    mode, rnd, n, secs, steady = line.split()
    rows.setdefault(mode, []).append((int(n), float(secs), float(steady)))
sh = lambda c: subprocess.run(c, shell=True, capture_output=True, text=True).stdout.strip()
print('## Collect on Spark: episodes/minute without --master, local[2], local-cluster[2,1,1024] (%s)'
      % datetime.datetime.utcnow().strftime('%Y-%m-%d %H:%M UTC'))
print()
print('Native DMControl tasks %s, random policy, %s episodes per task (500 agent steps each), written to a local'
      % (', '.join('`%s`' % t for t in tasks.split()), episodes))
print('folder. Without --master: today\'s collect, 2 worker threads in one process. With --master: one Spark task per')
print('episode. Each mode is timed from the call to its end, Spark\'s start and stop included (as a command sees it); the')
print('best of %s rounds (alternating order) counts. Steady: from the first episode\'s end to the last\'s, (N - 1) episodes,' % rounds)
print('Spark\'s start and stop left out. Command: `bench/cluster/run.sh --record` (EPISODES=%s ROUNDS=%s).' % (episodes, rounds))
print('Machine: %s, %s cores; load average at the end %s; %s.' % (
    sh("lscpu | sed -n 's/^Model name: *//p'") or 'unknown CPU', sh('nproc'),
    sh("cut -d' ' -f1-3 /proc/loadavg"), sh("java -version 2>&1 | grep -v Picked | head -1")))
print()
print('| mode | episodes | best time (s) | episodes/minute | vs without --master | steady episodes/minute | steady vs without |')
print('|---|---:|---:|---:|---:|---:|---:|')
base = steady_base = None
for mode in ['none', 'local[2]', 'local-cluster[2,1,1024]']:
    n, secs, _ = min(rows[mode], key=lambda r: r[1])
    steady = max(60 * (r[0] - 1) / r[2] for r in rows[mode])
    rate = 60 * n / secs
    base = base or rate
    steady_base = steady_base or steady
    name = 'without --master' if mode == 'none' else '`--master %s`' % mode
    print('| %s | %d | %.1f | %.0f | %.2f | %.0f | %.2f |' % (name, n, secs, rate, rate / base, steady, steady / steady_base))
PY
)"
echo "$section"
if [[ "${1:-}" == "--record" ]]; then
  printf '\n%s\n' "$section" >> bench/RESULTS.md
fi
