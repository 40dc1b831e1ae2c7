#!/usr/bin/env bash
# Builds tdmpc2j's native extension of DJL's PyTorch engine (agent/src/main/native/tdmpc2j_torch.cc: CUDA graphs,
# in-place copies, fused ops) against one torch install. `tdmpc2j setup gpu` runs it; it needs g++ and a JDK.
#   scripts/build-torch-native.sh TORCH_DIR CUDA_INCLUDE_DIR OUT.so
# TORCH_DIR: the `torch` package folder (holds include/ and lib/); CUDA_INCLUDE_DIR: a folder with
# cuda_runtime_api.h (the PyPI CUDA runtime package's include/ folder).
set -euo pipefail
torch="$1"; cuda_include="$2"; out="$3"
src="$(cd "$(dirname "$0")/.." && pwd)/agent/src/main/native/tdmpc2j_torch.cc"
[ -f "$src" ] || src="${TDMPC2J_NATIVE_SRC:?no tdmpc2j_torch.cc}"
java_home="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"
[ -f "$java_home/include/jni.h" ] || { echo "no jni.h under $java_home/include: set JAVA_HOME to a JDK" >&2; exit 2; }
[ -f "$cuda_include/cuda_runtime_api.h" ] || { echo "no cuda_runtime_api.h in $cuda_include" >&2; exit 2; }
[ -f "$torch/lib/libtorch_cuda.so" ] || { echo "$torch/lib/libtorch_cuda.so is missing: that torch is not a CUDA build" >&2; exit 2; }
mkdir -p "$(dirname "$out")"
g++ -std=c++17 -O2 -fPIC -shared -D_GLIBCXX_USE_CXX11_ABI=1 -w \
    -I"$java_home/include" -I"$java_home/include/linux" \
    -I"$torch/include" -I"$torch/include/torch/csrc/api/include" -I"$cuda_include" \
    "$src" -o "$out.tmp" \
    -L"$torch/lib" -Wl,--no-as-needed -ltorch_cuda -lc10_cuda -ltorch_cpu -lc10 -Wl,--allow-shlib-undefined \
    -Wl,-rpath,'$ORIGIN'
mv "$out.tmp" "$out"
echo "built $out"
