#!/usr/bin/env bash
# Steps/s of MujocoStepBench (Java, through the tdmpc2j-mujoco jar) against step_loop.c (C), on
# the same libmujoco 3.17.0 and the same models, in one run; prints a Markdown section for
# bench/RESULTS.md. usage: bench/mujoco/run.sh [STEPS_PER_REPEAT] [ROUNDS]
# Needs: the module built (mvn -B -o -pl bridges/mujoco install), gcc, a JDK.
set -euo pipefail

steps="${1:-100000}"
rounds="${2:-10}"
repeats=2
seed=20261125
root="$(cd "$(dirname "$0")/../.." && pwd)"
mujoco_home="${MUJOCO_HOME:-$HOME/.cache/tdmpc2j/mujoco/3.17.0}"
jar="$root/bridges/mujoco/target/tdmpc2j-mujoco-0.1.0-SNAPSHOT.jar"
models=("$root/bridges/mujoco/src/test/resources/models/planar_walker.xml" "$root/bench/mujoco/cartpole.xml")
dims=("9/9/6" "2/2/1")

[[ -f "$jar" ]] || { echo "build the binding first: mvn -B -o -pl bridges/mujoco install" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# the C program links the very library file the jar carries
mkdir -p "$work/jar"
(cd "$work/jar" && jar xf "$jar" io/github/tdmpc2j/mujoco/raw/linux-x86_64/libmujoco.so.3.17.0)
cmp "$work/jar/io/github/tdmpc2j/mujoco/raw/linux-x86_64/libmujoco.so.3.17.0" "$mujoco_home/lib/libmujoco.so.3.17.0"
gcc -O2 -std=gnu11 -o "$work/step_loop" "$root/bench/mujoco/step_loop.c" -I"$mujoco_home/include" \
  "$work/jar/io/github/tdmpc2j/mujoco/raw/linux-x86_64/libmujoco.so.3.17.0" \
  -Wl,-rpath,"$work/jar/io/github/tdmpc2j/mujoco/raw/linux-x86_64"

mvn -B -q -o -f "$root/bridges/mujoco/pom.xml" dependency:build-classpath -Dmdep.outputFile="$work/cp.txt" >/dev/null
classpath="$jar:$(cat "$work/cp.txt")"
mkdir -p "$work/classes"
javac -d "$work/classes" -cp "$classpath" "$root/bench/src/main/java/io/github/tdmpc2j/bench/MujocoStepBench.java" \
  "$root/bench/src/main/java/io/github/tdmpc2j/bench/MujocoCallOverheadBench.java"

differed=()
median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
run_c() { "$work/step_loop" "$1" "$steps" "$repeats" "$seed"; }
run_java() { java -cp "$work/classes:$classpath" io.github.tdmpc2j.bench.MujocoStepBench "$1" "$steps" "$repeats" "$seed"; }

# The machine is shared, so the load drifts: each round runs C and Java back to back (alternating
# which goes first) and the ratio is taken per round; the table shows medians over rounds.
echo "| model | nq/nv/nu | C steps/CPU-s | Java steps/CPU-s | Java / C, CPU time (median of rounds) | range | C steps/wall-s | Java steps/wall-s | Java / C, wall (median of rounds) | same checksum |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for i in "${!models[@]}"; do
  model="${models[$i]}"
  : >"$work/c.txt"; : >"$work/java.txt"; : >"$work/ratio.txt"; : >"$work/sums.txt"
  : >"$work/cw.txt"; : >"$work/jw.txt"; : >"$work/ratio_wall.txt"
  for ((r = 0; r < rounds; r++)); do
    if ((r % 2 == 0)); then
      c_out="$(run_c "$model")"; j_out="$(run_java "$model")"
    else
      j_out="$(run_java "$model")"; c_out="$(run_c "$model")"
    fi
    c=$(cut -d' ' -f3 <<<"$c_out" | median); j=$(cut -d' ' -f3 <<<"$j_out" | median)
    cw=$(cut -d' ' -f1 <<<"$c_out" | median); jw=$(cut -d' ' -f1 <<<"$j_out" | median)
    echo "$c" >>"$work/c.txt"; echo "$j" >>"$work/java.txt"; echo "$cw" >>"$work/cw.txt"; echo "$jw" >>"$work/jw.txt"
    awk -v j="$j" -v c="$c" 'BEGIN {print j / c}' >>"$work/ratio.txt"
    awk -v j="$jw" -v c="$cw" 'BEGIN {print j / c}' >>"$work/ratio_wall.txt"
    { cut -d' ' -f2 <<<"$c_out"; cut -d' ' -f2 <<<"$j_out"; } >>"$work/sums.txt"
  done
  same=$( [[ $(sort -u "$work/sums.txt" | wc -l) == 1 ]] && echo yes || echo NO)
  [[ $same == yes ]] || differed+=("$(basename "$model")")
  printf '| %s | %s | %.0f | %.0f | %.3f | %.2f to %.2f | %.0f | %.0f | %.3f | %s |\n' "$(basename "$model")" "${dims[$i]}" \
    "$(median <"$work/c.txt")" "$(median <"$work/java.txt")" "$(median <"$work/ratio.txt")" \
    "$(sort -g "$work/ratio.txt" | head -1)" "$(sort -g "$work/ratio.txt" | tail -1)" \
    "$(median <"$work/cw.txt")" "$(median <"$work/jw.txt")" "$(median <"$work/ratio_wall.txt")" "$same"
done
echo
overhead=$(java -cp "$work/classes:$classpath" io.github.tdmpc2j.bench.MujocoCallOverheadBench "${models[1]}" 2000000 5 | median)
echo "Fixed cost of one binding call without physics (step(0): JNI + error guard + warning check): $overhead ns (median of 5 x 2M calls)."
echo "Per round and side: median of $repeats repeats of $steps steps (reset every 1000), seed $seed; $rounds rounds per model."
if ((${#differed[@]})); then
  echo "the C and Java loops ended in different states (checksums) for: ${differed[*]}; their times compare different work" >&2
  exit 1
fi
