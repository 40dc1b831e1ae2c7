#!/usr/bin/env bash
# Issue 12's GPU measurements as one command on the GPU machine, through ../shared/tools/gpu's bundle
# (.gpu-bundle/, made by make-bundle). The machine has no compiler, so the native extension is built here against
# the same torch wheel (PyPI torch==2.11.0 unpacked, CUDA headers from nvidia-cuda-runtime and nvidia-cuda-crt):
#   java -cp "cli/target/lib/*" io.github.tdmpc2j.agent.gpu.GpuSetup WHEEL/torch \
#        .gpu-bundle/native/libtdmpc2j_torch.so CUDA_INCLUDE_DIR
# From the project root:
#   bench/gpu-check.sh bench           AgentBench at every size with act CUDA graphs, then 5M eager, device=gpu
#   bench/gpu-check.sh train MINUTES   dmc/walker-walk, paper preset, on the GPU for MINUTES (curve, steps/s)
#   bench/gpu-check.sh quick           AgentBench at every size (2 rounds), then walker-walk for 2.5 minutes
# Results go to $OUT/<phase>/ (run.log and the run's files) when $OUT is set.
set -uo pipefail
cd "$(dirname "$0")/.."
[ -x .gpu-bundle/run.sh ] || { echo "no .gpu-bundle: run ../shared/tools/gpu/make-bundle first" >&2; exit 2; }
export TDMPC2J_TORCH_NATIVE="$PWD/.gpu-bundle/native/libtdmpc2j_torch.so"
[ -f "$TDMPC2J_TORCH_NATIVE" ] || echo "WARNING: no $TDMPC2J_TORCH_NATIVE: act runs eagerly (no CUDA graphs, no TF32)"
root_out="${OUT:-}"
phase() { # name budget_s command...
    local name=$1 budget=$2; shift 2
    [ -n "$root_out" ] && mkdir -p "$root_out/$name"
    echo "=== $name (budget ${budget}s): $*"
    OUT="${root_out:+$root_out/$name}" BUDGET_S=$budget bash .gpu-bundle/run.sh "$@"
}
case "${1:-bench}" in
    bench)
        phase graphs "${BUDGET_S:-230}" java io.github.tdmpc2j.bench.AgentBench preset=paper sizes=1,5,19,48,317 \
            rounds=3 device=gpu
        phase eager 110 java io.github.tdmpc2j.bench.AgentBench preset=paper sizes=5,317 rounds=3 device=gpu \
            cuda_graphs=false
        ;;
    train)
        minutes=${2:-8}
        RESULTS="runs/gpu-walker" phase train $(( minutes * 60 + 100 )) cli train --task dmc/walker-walk \
            --preset paper --device gpu --seed 1 --steps 1000000 --time-limit "$minutes" --eval-every 5000 \
            --out runs/gpu-walker
        ;;
    quick)
        phase graphs 75 java io.github.tdmpc2j.bench.AgentBench preset=paper sizes=1,5,19,48,317 rounds=2 device=gpu
        RESULTS="runs/gpu-walker" phase train 170 cli train --task dmc/walker-walk --preset paper --device gpu \
            --seed 1 --steps 1000000 --time-limit 2.5 --eval-every 5000 --out runs/gpu-walker
        ;;
    *) echo "usage: bench/gpu-check.sh bench | train MINUTES | quick" >&2; exit 2 ;;
esac
