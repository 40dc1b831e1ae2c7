#!/usr/bin/env bash
# Agent steps per second of the native DMControl tasks (tdmpc2j-tasks-dmc) against dm_control stepped in a plain
# Python loop and against the bare MuJoCo step loop, all in one run on this machine. Prints a markdown section;
# with --record it also appends it to bench/RESULTS.md.
#   bench/dmc/run.sh [--record]        env: STEPS (Java, default 20000), PY_STEPS (Python, default 4000)
# Needs tdmpc2j-tasks-dmc installed (cd tasks/dmc && mvn -B -o install) and a Python with dm_control 1.0.50.
set -euo pipefail
cd "$(dirname "$0")/../.."

steps="${STEPS:-20000}"
py_steps="${PY_STEPS:-4000}"
tasks=(dmc/cartpole-swingup dmc/walker-walk dmc/cheetah-run)

python=""
for candidate in "${TDMPC2J_VENVS:-$HOME/.cache/tdmpc2j/venvs}/dmc/bin/python" "${TDMPC2J_DMC_PYTHON:-}" /tmp/dmcref/bin/python; do
  if [[ -n "$candidate" && -x "$candidate" ]]; then python="$candidate"; break; fi
done
[[ -n "$python" ]] || { echo "no Python with dm_control; see tasks/dmc/README.md" >&2; exit 1; }

(cd bench && mvn -B -q -o compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null)
java_out="$(java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.github.tdmpc2j.bench.DmcStepBench \
  "$steps" "${tasks[@]}" 2>/dev/null)"
py_out="$("$python" bench/dmc/dm_control_loop.py "$py_steps" "${tasks[@]}" 2>/dev/null)"

section="$(python3 - "$java_out" "$py_out" "$steps" "$py_steps" <<'PY'
import datetime, platform, subprocess, sys
java, py, steps, py_steps = sys.argv[1:5]
rate = {}
for line in (java + '\n' + py).splitlines():
    kind, task, value = line.split()
    rate[(kind, task)] = float(value)
tasks = sorted({t for _, t in rate}, key=lambda t: ['dmc/cartpole-swingup', 'dmc/walker-walk', 'dmc/cheetah-run'].index(t) if t in ['dmc/cartpole-swingup', 'dmc/walker-walk', 'dmc/cheetah-run'] else 99)
cpu = subprocess.run("lscpu | sed -n 's/^Model name: *//p'", shell=True, capture_output=True, text=True).stdout.strip()
print('## Native DMControl tasks: agent steps/s, Java vs dm_control vs raw MuJoCo (%s)' % datetime.date.today())
print()
print('Random actions, action repeat 2 (one agent step = 2 control steps), reset at episode end, best of 3 rounds.')
print('native: `EnvRegistry.make` env (all wrappers); raw: bare `mj_step` loop on the same model, same physics')
print('steps per agent step, nothing read back; dm_control: `suite.load` env stepped in a Python loop.')
print('Command: `bench/dmc/run.sh --record` (Java %s agent steps per round, Python %s). Machine: %s, %s cores,' % (steps, py_steps, cpu, subprocess.run('nproc', capture_output=True, text=True).stdout.strip()))
print('24 GiB, shared with other jobs (load varies). MuJoCo 3.17.0 on both sides; %s.' % platform.python_version().join(['Python ', '']))
print()
print('| task | native (steps/s) | dm_control (steps/s) | raw MuJoCo (steps/s) | native / dm_control | native / raw |')
print('|---|---|---|---|---|---|')
for t in tasks:
    n, d, r = rate.get(('native', t)), rate.get(('dm_control', t)), rate.get(('raw', t))
    print('| %s | %.0f | %.0f | %.0f | %.1fx | %.2f |' % (t, n, d, r, n / d, n / r))
PY
)"
echo "$section"
if [[ "${1:-}" == "--record" ]]; then
  printf '\n%s\n' "$section" >> bench/RESULTS.md
fi
