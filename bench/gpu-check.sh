#!/usr/bin/env bash
# Issues 12 and 13's GPU measurements as one command on the GPU machine, through ../shared/tools/gpu's bundle
# (.gpu-bundle/). Prepare it here first with bench/gpu-prepare.sh: it makes the bundle, builds the native extension
# against the GPU machine's torch (which that machine, having no compiler, cannot) and prints the device call.
# From the project root:
#   bench/gpu-check.sh bench           AgentBench at every size with CUDA graphs, then 5M and 317M eager, then 5M
#                                      and 317M graphed without the fused planning kernels (TDMPC2J_FUSED=off),
#                                      and with them but the planner in its CPU form (TDMPC2J_PLAN_FORM=cpu),
#                                      then KernelProfile (kernel by kernel, 5M and 317M), then a 5M multitask agent
#                                      over 3 tasks, device=gpu; then FuserBench (TorchScript's fuser on two of
#                                      the planner's element-wise tails, eager and graphed)
#   bench/gpu-check.sh train MINUTES   dmc/walker-walk, paper preset, on the GPU for MINUTES (curve, steps/s)
#   bench/gpu-check.sh rollout         RolloutBench (issue 13): env steps/s of the rollout engine, cpu preset on the
#                                      GPU, N = 1, 4, 8, 16 rows acting and 1, 8 training; then the paper preset at
#                                      1 and 8 rows
#   bench/gpu-check.sh multitask MIN   online multitask training, 3 DMControl tasks, 3 envs, paper preset (act and
#                                      update each one CUDA graph with the tasks as input), for MIN minutes (default 4)
#   bench/gpu-check.sh quick           AgentBench at every size (2 rounds), at 5M and 317M without fused kernels,
#                                      KernelProfile at 5M and 317M, AgentBench for a 5M 3-task agent, a short
#                                      RolloutBench (1, 8, 16 rows acting), then AgentBench at 5M and 317M with the
#                                      planner in its CPU form (TDMPC2J_PLAN_FORM=cpu: the GPU form's A/B)
# Each form first runs the fused planning kernels' checks on a 1M agent (phase fused-probe); if any kernel is not in
# use there, the later phases run without them (TDMPC2J_FUSED=off).
# Results go to $OUT/<phase>/ (run.log and the run's files) when $OUT is set.
set -uo pipefail
cd "$(dirname "$0")/.."
[ -x .gpu-bundle/run.sh ] || { echo "no .gpu-bundle: run bench/gpu-prepare.sh first" >&2; exit 2; }
export TDMPC2J_TORCH_NATIVE="$PWD/.gpu-bundle/native/libtdmpc2j_torch.so"
[ -f "$TDMPC2J_TORCH_NATIVE" ] || echo "WARNING: no $TDMPC2J_TORCH_NATIVE: act runs eagerly (no CUDA graphs, no TF32)"
root_out="${OUT:-}"
# the bundle holds both the command line's jar and the benchmarks' jar, each with a logback.xml: logback then prints
# its whole configuration status (about 40 lines) at every start; the command line's is the one used either way
export TDMPC2J_JAVA_OPTS="${TDMPC2J_JAVA_OPTS:-} -Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener"
phase() { # name budget_s command...
    local name=$1 budget=$2; shift 2
    [ -n "$root_out" ] && mkdir -p "$root_out/$name"
    echo "=== $name (budget ${budget}s): $*"
    OUT="${root_out:+$root_out/$name}" BUDGET_S=$budget bash .gpu-bundle/run.sh "$@"
}
probe() { # the fused planning kernels' first-use checks, once, on a 1M agent: if any is not in use (or the run fails,
    # say with a CUDA error), every later phase runs without them (TDMPC2J_FUSED=off), so that one broken kernel does
    # not cost the other measurements
    local log
    log=$(mktemp)
    phase fused-probe 40 java io.github.tdmpc2j.bench.AgentBench preset=paper sizes=1 rounds=1 device=gpu | tee "$log"
    if grep -q "fused kernels {.*=true" "$log" && ! grep -q "fused kernels {.*=false" "$log"; then
        echo "=== fused kernels: all in use"
    else
        export TDMPC2J_FUSED=off
        echo "=== fused kernels: NOT all in use (see fused-probe): the later phases run with TDMPC2J_FUSED=off"
    fi
    rm -f "$log"
}
mt_agent() { # budget_s rounds: AgentBench for a 5M agent over 3 tasks (its act and update graphed with tasks as input)
    phase multitask-agent "$1" java io.github.tdmpc2j.bench.AgentBench preset=paper sizes=5 tasks=3 rounds="$2" \
        device=gpu
}
unfused() { # budget_s rounds: the same graphed agent planning with PyTorch's separate kernels (no fused ones)
    TDMPC2J_FUSED=off phase unfused "$1" java io.github.tdmpc2j.bench.AgentBench preset=paper sizes=5,317 \
        rounds="$2" device=gpu
}
cpu_form() { # budget_s rounds: the fused kernels with the planner in its CPU form (the GPU form's A/B)
    TDMPC2J_PLAN_FORM=cpu phase cpu-form "$1" java io.github.tdmpc2j.bench.AgentBench preset=paper sizes=5,317 \
        rounds="$2" device=gpu
}
kernels() { # budget_s: where one act and one update spend their time on the GPU, kernel by kernel (5M and 317M)
    phase kernels "$1" java io.github.tdmpc2j.bench.KernelProfile preset=paper sizes=5,317 calls=5 top=15 device=gpu
}
fuser() { # whether TorchScript's fuser shortens the planner's element-wise tails, eagerly and in a CUDA graph
    phase fuser 35 java io.github.tdmpc2j.bench.FuserBench device=gpu rows=1
}
mt_train() { # minutes budget_s: online training over 3 DMControl tasks, 3 envs, paper preset
    RESULTS="runs/gpu-mt3" phase multitask "$2" cli train --tasks dmc/walker-walk,dmc/cheetah-run,dmc/cartpole-swingup \
        --envs 3 --preset paper --device gpu --seed 1 --steps 1000000 --time-limit "$1" --eval-every 6000 \
        --out runs/gpu-mt3
}
case "${1:-bench}" in
    bench)
        probe
        phase graphs "${BUDGET_S:-200}" java io.github.tdmpc2j.bench.AgentBench preset=paper sizes=1,5,19,48,317 \
            rounds=3 device=gpu
        phase eager 90 java io.github.tdmpc2j.bench.AgentBench preset=paper sizes=5,317 rounds=3 device=gpu \
            cuda_graphs=false
        unfused 60 3
        cpu_form 40 2
        kernels 70
        mt_agent 60 3
        fuser
        ;;
    train)
        minutes=${2:-8}
        probe
        RESULTS="runs/gpu-walker" phase train $(( minutes * 60 + 100 )) cli train --task dmc/walker-walk \
            --preset paper --device gpu --seed 1 --steps 1000000 --time-limit "$minutes" --eval-every 5000 \
            --out runs/gpu-walker
        ;;
    rollout)
        probe
        phase rollout-cpu-preset 150 java io.github.tdmpc2j.bench.RolloutBench device=gpu rows=1,4,8,16 \
            train-rows=1,8 seconds=5 rounds=2
        phase rollout-paper 80 java io.github.tdmpc2j.bench.RolloutBench device=gpu preset=paper rows=1,8 \
            train-rows=0 seconds=5 rounds=2
        ;;
    quick)
        probe
        phase graphs 75 java io.github.tdmpc2j.bench.AgentBench preset=paper sizes=1,5,19,48,317 rounds=2 device=gpu
        unfused 45 2
        kernels 50
        mt_agent 40 2
        phase rollout 70 java io.github.tdmpc2j.bench.RolloutBench device=gpu rows=1,8,16 train-rows=0 seconds=4 \
            rounds=2
        cpu_form 45 2
        ;;
    multitask)
        minutes=${2:-4}
        probe
        mt_train "$minutes" $(( minutes * 60 + 100 ))
        ;;
    *) echo "usage: bench/gpu-check.sh bench | train MINUTES | rollout | multitask MINUTES | quick" >&2; exit 2 ;;
esac
