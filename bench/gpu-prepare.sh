#!/usr/bin/env bash
# Everything the one GPU run of bench/gpu-check.sh needs, prepared on this machine (no GPU needed; about 1.5
# minutes here, a cold download cache included): ../shared/tools/gpu's bundle (make-bundle) without the jars only
# Spark uses, checked on the CPU on the bundle's own JRE; then tdmpc2j's native extension (CUDA graphs, fused Adam,
# fused planning kernels, TF32) built against the GPU machine's torch, which that machine cannot compile itself.
# That torch is PyPI's torch==2.11.0 (2.11.0+cu130); its headers and libraries come from the wheel, the CUDA 13.0
# runtime and crt headers from the nvidia-cuda-runtime and nvidia-cuda-crt wheels of the versions torch's
# cuda-toolkit pin names. Nothing is installed: the wheels are unpacked under $CACHE (about 1.5 GB: 0.5 of wheels,
# 1 unpacked). Then it prints the device call.
# Usage, from the project root:
#   bench/gpu-prepare.sh [quick | bench | rollout | train MINUTES | multitask MINUTES]   (default quick)
set -euo pipefail
cd "$(dirname "$0")/.."
TORCH_VERSION=${TORCH_VERSION:-2.11.0}
CUDA_RUNTIME=${CUDA_RUNTIME:-13.0.96}
CUDA_CRT=${CUDA_CRT:-13.0.88}
CACHE=${CACHE:-$HOME/.cache/tdmpc2j/gpu-machine-torch-$TORCH_VERSION}
[ -x ../shared/tools/gpu/make-bundle ] \
    || { echo "no ../shared/tools/gpu/make-bundle beside this checkout" >&2; exit 2; }

# make-bundle copies every jar of the command line's class path, Spark's 130 included (about 220 MB, for --master
# only), then refuses a bundle over the 64 MiB a device call carries; what runs on the GPU never starts Spark, so
# those jars are left out here and the size checked again
log=$(mktemp)
if ! ../shared/tools/gpu/make-bundle 2>&1 | tee "$log"; then
    grep -q "over .* MiB" "$log" || { rm -f "$log"; exit 1; }
fi
rm -f "$log"
[ -x .gpu-bundle/run.sh ] || { echo "gpu-prepare: make-bundle wrote no .gpu-bundle/run.sh" >&2; exit 1; }
mvn -B -q -o -Dstyle.color=never dependency:build-classpath -DincludeScope=runtime \
    -Dmdep.outputFile=target/runtime-classpath.txt >/dev/null 2>&1
jars() { tr ':' '\n' < "$1" | sed 's#.*/##' | { grep -v '^tdmpc2j-' || true; } | sort -u; }  # a plug-in module (spi provided) names none
others=$(mktemp)
for f in */target/runtime-classpath.txt */*/target/runtime-classpath.txt; do
    case "$f" in cluster/*|cli/*|bench/*) ;; *) jars "$f" ;; esac
done | sort -u > "$others"
pruned=0
for j in $(jars cluster/target/runtime-classpath.txt | comm -23 - "$others"); do
    [ -f ".gpu-bundle/lib/$j" ] && rm ".gpu-bundle/lib/$j" && pruned=$((pruned + 1))
done
rm -f "$others"
echo "pruned from the bundle: $pruned jars that only the cluster module (Spark) uses" >> .gpu-bundle/MANIFEST.txt
size=$(du -sm .gpu-bundle | cut -f1)
echo "gpu-prepare: left out $pruned Spark jars; .gpu-bundle is now $size MiB"
[ "$size" -le 60 ] || { echo "gpu-prepare: .gpu-bundle is still over 60 MiB" >&2; exit 1; }
# what the GPU commands run must still run from the jars left and on the bundle's own JRE (jlink'd: Java SE's
# modules that make-bundle names, not a whole JDK): a short training (a config file, plans and updates, a
# checkpoint) and the two benchmark programs, here on DJL's CPU natives from the local Maven repository
natives=$(find "$HOME/.m2/repository/ai/djl/pytorch" -name 'pytorch-native-cpu-*-linux-x86_64.jar' -o \
    -name 'pytorch-jni-*.jar' | tr '\n' ':')
smoke=$(mktemp -d)
tar -xzf .gpu-bundle/jre.tar.gz -C "$smoke"
printf 'num_samples: 32\nseed_steps: 20\n' > "$smoke/config.yaml"
run_slim() {
    "$smoke/jre/bin/java" -Dai.djl.offline=true -Dtdmpc2j.torch=bundled -cp ".gpu-bundle/lib/*:$natives" "$@" \
        > "$smoke/log" 2>&1 || { tail -20 "$smoke/log" >&2
        echo "gpu-prepare: '$*' failed on the pruned jars and the bundle's JRE" >&2; exit 1; }
}
run_slim io.github.tdmpc2j.cli.Main train --task dmc/cartpole-balance --preset cpu --steps 40 --eval-every 40 \
    --eval-episodes 1 --config "$smoke/config.yaml" --out "$smoke/run"
[ -f "$smoke/run/checkpoint/manifest.properties" ] \
    || { echo "gpu-prepare: the smoke training wrote no checkpoint" >&2; exit 1; }
run_slim io.github.tdmpc2j.bench.RolloutBench rows=1 train-rows=0 seconds=1 rounds=1
run_slim io.github.tdmpc2j.bench.AgentBench preset=cpu sizes=1 rounds=1
rm -rf "$smoke"
echo "gpu-prepare: train, RolloutBench and AgentBench run from the pruned jars on the bundle's JRE (checked here on the CPU)"

site=$CACHE/site
if [ ! -f "$site/torch/version.py" ] || [ ! -d "$site/nvidia" ]; then
    echo "gpu-prepare: torch $TORCH_VERSION and the CUDA headers, from PyPI into $CACHE"
    mkdir -p "$CACHE/wheels"
    python3 -m pip download -q --no-deps -d "$CACHE/wheels" "torch==$TORCH_VERSION" \
        "nvidia-cuda-runtime==$CUDA_RUNTIME.*" "nvidia-cuda-crt==$CUDA_CRT.*"
    rm -rf "$site.tmp" && mkdir -p "$site.tmp"
    for w in "$CACHE"/wheels/torch-"$TORCH_VERSION"-*.whl; do
        unzip -q -o "$w" 'torch/include/*' 'torch/lib/*' 'torch/version.py' -d "$site.tmp"
    done
    for w in "$CACHE"/wheels/nvidia_cuda_runtime-*.whl "$CACHE"/wheels/nvidia_cuda_crt-*.whl; do
        unzip -q -o "$w" 'nvidia/*' -d "$site.tmp"
    done
    rm -rf "$site" && mv "$site.tmp" "$site"
fi
grep -q "__version__ = '$TORCH_VERSION" "$site/torch/version.py" \
    || { echo "gpu-prepare: $site/torch is not torch $TORCH_VERSION" >&2; exit 1; }

version=$(sed -n "s/^__version__ = '\(.*\)'/\1/p" "$site/torch/version.py")
echo "gpu-prepare: building the native extension against torch $version"
java -cp "cli/target/lib/*" io.github.tdmpc2j.agent.gpu.GpuSetup "$site/torch" \
    .gpu-bundle/native/libtdmpc2j_torch.so

what=${*:-quick}
case "${1:-quick}" in
    quick) timeout=450 ;;
    bench) timeout=600 ;;
    rollout) timeout=300 ;;
    train) timeout=$(( ${2:-8} * 60 + 170 )) ;;
    multitask) timeout=$(( ${2:-4} * 60 + 170 )) ;;
    *) echo "usage: bench/gpu-prepare.sh [quick | bench | rollout | train MINUTES | multitask MINUTES]" >&2; exit 2 ;;
esac
echo
echo "The device call (one run; check status first, give_back after):"
echo "  command:   bash bench/gpu-check.sh $what"
echo "  carry:     [\".gpu-bundle\"]"
echo "  timeout_s: $timeout"
