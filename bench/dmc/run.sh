#!/usr/bin/env bash
# Agent steps per second of the native DMControl tasks (tdmpc2j-tasks-dmc) against dm_control stepped in a plain
# Python loop and against the bare MuJoCo step loop, all in one run on this machine. Prints a markdown section;
# with --record it also adds it to bench/RESULTS.md, after the last section of this topic.
#   bench/dmc/run.sh [--record]        env: STEPS (Java, default 20000), PY_STEPS (Python, default 4000),
#                                      TASKS (space-separated ids, default the six below),
#                                      CLASSPATH_FIRST (paths put before the installed jars, e.g.
#                                      spi/target/classes:tasks/dmc/target/classes to measure a build not installed)
# Needs tdmpc2j-tasks-dmc installed (cd tasks/dmc && mvn -B -o install) and a Python with dm_control 1.0.50.
set -euo pipefail
cd "$(dirname "$0")/../.."

steps="${STEPS:-20000}"
py_steps="${PY_STEPS:-4000}"
read -r -a tasks <<< "${TASKS:-dmc/cartpole-swingup dmc/walker-walk dmc/cheetah-run dmc/humanoid-walk dmc/quadruped-walk dmc/dog-walk}"

python=""
for candidate in "${TDMPC2J_VENVS:-$HOME/.cache/tdmpc2j/venvs}/dmc/bin/python" "${TDMPC2J_DMC_PYTHON:-}" /tmp/dmcref/bin/python; do
  if [[ -n "$candidate" && -x "$candidate" ]]; then python="$candidate"; break; fi
done
[[ -n "$python" ]] || { echo "no Python with dm_control; see tasks/dmc/README.md" >&2; exit 1; }

(cd bench && mvn -B -q -o compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null)
java_out="$(java -cp "${CLASSPATH_FIRST:+$CLASSPATH_FIRST:}bench/target/classes:$(cat bench/target/classpath.txt)" io.github.tdmpc2j.bench.DmcStepBench \
  "$steps" "${tasks[@]}" 2>/dev/null)"
py_out="$("$python" bench/dmc/dm_control_loop.py "$py_steps" "${tasks[@]}" 2>/dev/null)"

section="$(python3 - "$java_out" "$py_out" "$steps" "$py_steps" <<'PY'
import datetime, platform, subprocess, sys
java, py, steps, py_steps = sys.argv[1:5]
order = ['dmc/cartpole-swingup', 'dmc/walker-walk', 'dmc/cheetah-run', 'dmc/humanoid-walk', 'dmc/quadruped-walk',
         'dmc/dog-stand', 'dmc/dog-walk', 'dmc/dog-trot', 'dmc/dog-run']
wall, cpu = {}, {}
for line in (java + '\n' + py).splitlines():
    kind, task, per_wall, per_cpu = line.split()
    wall[(kind, task)], cpu[(kind, task)] = float(per_wall), float(per_cpu)
tasks = sorted({t for _, t in wall}, key=lambda t: order.index(t) if t in order else 99)
sh = lambda c: subprocess.run(c, shell=True, capture_output=True, text=True).stdout.strip()
print('## Native DMControl tasks: agent steps/s, Java vs dm_control vs raw MuJoCo (%s)' % datetime.datetime.utcnow().strftime('%Y-%m-%d %H:%M UTC'))
print()
print('Random actions, action repeat 2 (one agent step = 2 control steps), 500-step episodes. native: `EnvRegistry.make`')
print('env (all wrappers); raw: bare `mj_step` loop on the same model, the same physics steps per agent step, nothing')
print('read back; dm_control: `suite.load` env stepped in a Python loop. Episode e starts from the task\'s initial state')
print('for seed e with actions from a generator seeded e (native and raw: the same starts and actions); every episode')
print('runs 5 times (native and raw alternating) and its fastest pass counts. Rates per wall second and per CPU second')
print('of the stepping thread.')
import os
env = ''.join('%s="%s" ' % (k, os.environ[k]) for k in ('TASKS', 'CLASSPATH_FIRST') if os.environ.get(k))
print('Command: `%sbench/dmc/run.sh --record` (STEPS=%s agent steps per loop for Java, PY_STEPS=%s for Python, in 500-step episodes). Machine: %s, %s cores,' % (env, steps, py_steps, sh("lscpu | sed -n 's/^Model name: *//p'"), sh('nproc')))
print('load average at the end %s. MuJoCo 3.17.0 on both sides; Python %s; %s.' % (sh("cut -d' ' -f1-3 /proc/loadavg"), platform.python_version(), sh("java -version 2>&1 | head -1")))
print()
print('| task | clock | native (steps/s) | dm_control (steps/s) | raw MuJoCo (steps/s) | native / dm_control | native / raw | raw / dm_control |')
print('|---|---|---|---|---|---|---|---|')
for t in tasks:
    for clock, rate in (('wall', wall), ('CPU', cpu)):
        n, d, r = rate[('native', t)], rate[('dm_control', t)], rate[('raw', t)]
        print('| %s | %s | %.0f | %.0f | %.0f | %.1fx | %.2f | %.1fx |' % (t, clock, n, d, r, n / d, n / r, r / d))
PY
)"
echo "$section"
if [[ "${1:-}" == "--record" ]]; then
  # after the last section of this topic (newest last within a topic), else at the end
  python3 - "$section" <<'PY'
import sys
path, section = 'bench/RESULTS.md', sys.argv[1].rstrip('\n') + '\n'
lines = open(path).read().splitlines(keepends=True)
ours = [i for i, l in enumerate(lines) if l.startswith('## Native DMControl tasks:')]
at = len(lines)
if ours:
    later = [i for i in range(ours[-1] + 1, len(lines)) if lines[i].startswith('## ')]
    at = later[0] if later else len(lines)
block = section + '\n' if at < len(lines) else '\n' + section
lines.insert(at, block)
open(path, 'w').write(''.join(lines))
PY
fi
