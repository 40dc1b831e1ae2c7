// tdmpc2j's small native extension of DJL's PyTorch engine: CUDA graphs (capture and replay of what the agent
// issues through DJL), in-place copies, and a few fused ops. Built by `tdmpc2j setup gpu`
// against the headers and libraries of the torch that DJL runs on (io.github.tdmpc2j.agent.gpu.GpuSetup); loaded by
// io.github.tdmpc2j.agent.gpu.TorchNative.
// Arrays cross as DJL's handles: a jlong that is a torch::Tensor* owned by DJL (never deleted here).
#include <jni.h>

#include <ATen/ATen.h>
#include <ATen/Context.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/core/GradMode.h>
#include <c10/cuda/CUDAException.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAStream.h>
#include <torch/csrc/api/include/torch/version.h>
#include <torch/csrc/autograd/profiler_kineto.h>

#include <dirent.h>
#include <dlfcn.h>

#include <algorithm>
#include <cstring>
#include <exception>
#include <map>
#include <mutex>
#include <stdexcept>
#include <vector>
#include <optional>
#include <string>

namespace {

const char* kError = "io/github/tdmpc2j/agent/gpu/TorchNativeException";

void raise(JNIEnv* env, const std::string& message) {
  jclass type = env->FindClass(kError);
  if (type == nullptr) {
    env->ExceptionClear();
    type = env->FindClass("java/lang/IllegalStateException");
  }
  env->ThrowNew(type, message.c_str());
}

at::Tensor& tensor(jlong handle) { return *reinterpret_cast<at::Tensor*>(handle); }

jlong handleOf(const at::Tensor& t) { return reinterpret_cast<jlong>(new at::Tensor(t)); }

// A side stream made current for warm-up and capture (PyTorch refuses to capture on the default stream).
struct SideStream {
  c10::cuda::CUDAStream previous;
  c10::cuda::CUDAStream stream;
};

}  // namespace

#define NATIVE(ret, name) extern "C" JNIEXPORT ret JNICALL Java_io_github_tdmpc2j_agent_gpu_TorchNative_##name
#define GUARDED(fallback, ...)                  \
  try {                                         \
    __VA_ARGS__                                 \
  } catch (const std::exception& e) {           \
    raise(env, e.what());                       \
    return fallback;                            \
  } catch (...) {                               \
    raise(env, "unknown C++ exception");        \
    return fallback;                            \
  }

NATIVE(jstring, torchVersion)(JNIEnv* env, jclass) { return env->NewStringUTF(TORCH_VERSION); }

// The hash of this source that the build was given (GpuSetup passes it), so that a library built from another
// version of this file is not used with this one's Java side.
#ifndef TDMPC2J_SOURCE_HASH
#define TDMPC2J_SOURCE_HASH "unknown"
#endif
NATIVE(jstring, sourceHash)(JNIEnv* env, jclass) { return env->NewStringUTF(TDMPC2J_SOURCE_HASH); }

NATIVE(jint, cudaDeviceCount)(JNIEnv* env, jclass) {
  GUARDED(0, { return static_cast<jint>(c10::cuda::device_count()); })
}

NATIVE(void, setTf32)(JNIEnv* env, jclass, jboolean on) {
  GUARDED(, {
    at::globalContext().setFloat32MatmulPrecision(on ? "high" : "highest");
    at::globalContext().setAllowTF32CuDNN(on);
  })
}

NATIVE(void, synchronize)(JNIEnv* env, jclass, jint device) {
  GUARDED(, { c10::cuda::device_synchronize(); })
}

NATIVE(jlong, sideStreamEnter)(JNIEnv* env, jclass, jint device) {
  GUARDED(0, {
    c10::cuda::device_synchronize();
    auto previous = c10::cuda::getCurrentCUDAStream(device);
    auto stream = c10::cuda::getStreamFromPool(false, device);
    c10::cuda::setCurrentCUDAStream(stream);
    return reinterpret_cast<jlong>(new SideStream{previous, stream});
  })
}

NATIVE(void, sideStreamExit)(JNIEnv* env, jclass, jlong handle) {
  GUARDED(, {
    auto* side = reinterpret_cast<SideStream*>(handle);
    side->stream.synchronize();
    c10::cuda::setCurrentCUDAStream(side->previous);
    delete side;
  })
}

NATIVE(jlong, graphNew)(JNIEnv* env, jclass) {
  GUARDED(0, { return reinterpret_cast<jlong>(new at::cuda::CUDAGraph()); })
}

NATIVE(void, graphCaptureBegin)(JNIEnv* env, jclass, jlong graph) {
  GUARDED(, { reinterpret_cast<at::cuda::CUDAGraph*>(graph)->capture_begin(); })
}

NATIVE(void, graphCaptureEnd)(JNIEnv* env, jclass, jlong graph) {
  GUARDED(, { reinterpret_cast<at::cuda::CUDAGraph*>(graph)->capture_end(); })
}

NATIVE(void, graphReplay)(JNIEnv* env, jclass, jlong graph) {
  GUARDED(, { reinterpret_cast<at::cuda::CUDAGraph*>(graph)->replay(); })
}

NATIVE(void, graphDelete)(JNIEnv* env, jclass, jlong graph) {
  GUARDED(, { delete reinterpret_cast<at::cuda::CUDAGraph*>(graph); })
}

// dst.copy_(src) without autograd: the in-place write a captured graph needs (DJL's copyTo goes through the host).
NATIVE(void, copyInto)(JNIEnv* env, jclass, jlong dst, jlong src) {
  GUARDED(, {
    c10::NoGradGuard no_grad;
    tensor(dst).copy_(tensor(src));
  })
}

// dst (any device, float32, contiguous) <- the host floats, in place.
NATIVE(void, copyFromHost)(JNIEnv* env, jclass, jlong dst, jfloatArray data) {
  GUARDED(, {
    c10::NoGradGuard no_grad;
    at::Tensor& target = tensor(dst);
    jsize n = env->GetArrayLength(data);
    if (n != target.numel() || target.scalar_type() != at::kFloat) {
      raise(env, "copyFromHost: " + std::to_string(n) + " floats for a tensor of " +
                     std::to_string(target.numel()) + " elements of type " + std::string(c10::toString(target.scalar_type())));
      return;
    }
    at::Tensor host = at::empty({n}, at::TensorOptions().dtype(at::kFloat));
    env->GetFloatArrayRegion(data, 0, n, host.data_ptr<float>());
    target.view({n}).copy_(host);
  })
}

// mish(x) = x * tanh(softplus(x)) as one differentiable op (DJL composes it from three).
// PyTorch's Kineto profiler for this thread's ops and, with `cuda`, the GPU's kernels (through CUPTI, kernels that a
// graph replays included): started here, stopped by profileStop, which writes a Chrome trace to `path`.
NATIVE(void, profileStart)(JNIEnv* env, jclass, jboolean cuda) {
  GUARDED(, {
    using torch::profiler::impl::ActivityType;
    torch::profiler::impl::ProfilerConfig config(torch::profiler::impl::ProfilerState::KINETO);
    std::set<ActivityType> activities{ActivityType::CPU};
    if (cuda) activities.insert(ActivityType::CUDA);
    torch::autograd::profiler::prepareProfiler(config, activities);
    torch::autograd::profiler::enableProfiler(config, activities);
  })
}

NATIVE(void, profileStop)(JNIEnv* env, jclass, jstring path) {
  GUARDED(, {
    auto result = torch::autograd::profiler::disableProfiler();
    const char* chars = env->GetStringUTFChars(path, nullptr);
    std::string file(chars);
    env->ReleaseStringUTFChars(path, chars);
    result->save(file);
  })
}

NATIVE(jlong, mish)(JNIEnv* env, jclass, jlong x) {
  GUARDED(0, { return handleOf(at::mish(tensor(x))); })
}

namespace {

// Fused kernels for planning (no autograd), where PyTorch runs a chain of small kernels: compiled at first use with
// NVRTC for the GPU's architecture, without FMA contraction (so element-wise chains round as PyTorch's separate
// kernels do), and launched on the current stream (so a CUDA graph captures them). NVRTC and the CUDA driver are
// opened with dlopen: the torch in use brings NVRTC (PyPI's nvidia-cuda-nvrtc) and the driver brings libcuda, and
// neither is needed to build or load this library.
//
// tdmpc2j_norm_act: one block per row of `width` entries: x (plus the row's member's bias, when given), LayerNorm
//   (biased variance, by two block reductions) with the member's gamma and beta (member = row / rows_per_member;
//   stride 0 for a single network), then Mish h * tanh(log1p(exp(h))) (PyTorch's formula) when group is 0, else a
//   softmax over each `group` consecutive entries (SimNorm).
// tdmpc2j_decode: one warp per row of two-hot logits: softmax, the probabilities times the bin centres summed, symexp.
// tdmpc2j_value: the planner's value of each trajectory from its H reward logits and two Q heads' logits: the decoded
//   rewards times their discount weights, summed, plus the heads' sum times half the last discount (a single task's
//   weights, or each planned row's own); NaN becomes 0.
// tdmpc2j_squash: the policy's action from its head's output [rows, 2A] and a standard normal draw [rows, A]:
//   tanh(mu + eps * exp(lo + (tanh(s) + 1) * half_span)).
// tdmpc2j_refit: one block per planned row: the elites' softmax weights of temperature * value, then per action entry
//   the weighted mean and the weighted standard deviation clamped to [min_std, max_std].
// tdmpc2j_sample: the planner's candidate actions [B, S, H*A]: the policy's trajectories first, then
//   clamp(noise * std + mean, -1, 1).
const char* kKernelsSource = R"(
__device__ __forceinline__ float tdmpc2j_warp_sum(float v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

__device__ __forceinline__ float tdmpc2j_warp_max(float v) {
  for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}

// every thread gets the block's sum (or maximum); blockDim.x a multiple of 32
template <bool MAX>
__device__ __forceinline__ float tdmpc2j_block_reduce(float v, float* shared) {
  v = MAX ? tdmpc2j_warp_max(v) : tdmpc2j_warp_sum(v);
  int lane = threadIdx.x & 31;
  int warp = threadIdx.x >> 5;
  __syncthreads();
  if (lane == 0) shared[warp] = v;
  __syncthreads();
  v = lane < (int)(blockDim.x >> 5) ? shared[lane] : (MAX ? -3.402823466e+38f : 0.f);
  return MAX ? tdmpc2j_warp_max(v) : tdmpc2j_warp_sum(v);
}

extern "C" __global__ void tdmpc2j_norm_act(const float* __restrict__ x, float* __restrict__ y,
    const float* __restrict__ bias, const float* __restrict__ gamma, const float* __restrict__ beta,
    long long member_stride, int width, long long rows_per_member, int group, float eps) {
  __shared__ float shared[32];
  long long row = blockIdx.x;
  const float* xr = x + row * width;
  float* yr = y + row * width;
  long long member = row / rows_per_member;
  const float* bi = bias == 0 ? 0 : bias + member * member_stride;
  const float* g = gamma + member * member_stride;
  const float* b = beta + member * member_stride;
  float s = 0.f;
  for (int i = threadIdx.x; i < width; i += blockDim.x) s += bi == 0 ? xr[i] : xr[i] + bi[i];
  float mean = tdmpc2j_block_reduce<false>(s, shared) / width;
  float v = 0.f;
  for (int i = threadIdx.x; i < width; i += blockDim.x) {
    float d = (bi == 0 ? xr[i] : xr[i] + bi[i]) - mean;
    v += d * d;
  }
  float rstd = rsqrtf(tdmpc2j_block_reduce<false>(v, shared) / width + eps);
  if (group == 0) {
    for (int i = threadIdx.x; i < width; i += blockDim.x) {
      float h = ((bi == 0 ? xr[i] : xr[i] + bi[i]) - mean) * rstd * g[i] + b[i];
      yr[i] = h * tanhf(log1pf(expf(h)));
    }
    return;
  }
  for (int k = threadIdx.x * group; k < width; k += blockDim.x * group) {
    float m = -3.402823466e+38f;
    for (int j = 0; j < group; j++) {
      float h = ((bi == 0 ? xr[k + j] : xr[k + j] + bi[k + j]) - mean) * rstd * g[k + j] + b[k + j];
      yr[k + j] = h;
      m = fmaxf(m, h);
    }
    float sum = 0.f;
    for (int j = 0; j < group; j++) sum += expf(yr[k + j] - m);
    for (int j = 0; j < group; j++) yr[k + j] = expf(yr[k + j] - m) / sum;
  }
}

// a warp's two-hot decode of one row of logits (every lane gets the value)
__device__ __forceinline__ float tdmpc2j_decode_row(const float* __restrict__ l, const float* __restrict__ centres,
    int bins) {
  int lane = threadIdx.x & 31;
  float m = -3.402823466e+38f;
  for (int k = lane; k < bins; k += 32) m = fmaxf(m, l[k]);
  m = tdmpc2j_warp_max(m);
  float s = 0.f;
  for (int k = lane; k < bins; k += 32) s += expf(l[k] - m);
  s = tdmpc2j_warp_sum(s);
  float v = 0.f;
  for (int k = lane; k < bins; k += 32) v += expf(l[k] - m) / s * centres[k];
  v = tdmpc2j_warp_sum(v);
  float sign = v > 0.f ? 1.f : (v < 0.f ? -1.f : 0.f);
  return sign * (expf(fabsf(v)) - 1.f);
}

extern "C" __global__ void tdmpc2j_decode(const float* __restrict__ logits, const float* __restrict__ centres,
    float* __restrict__ out, long long rows, int bins) {
  long long row = (long long)blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
  if (row >= rows) return;
  float v = tdmpc2j_decode_row(logits + row * bins, centres, bins);
  if ((threadIdx.x & 31) == 0) out[row] = v;
}

// logits [H + 2, rows, bins]: H rewards, then two Q heads; out[r] = sum_t reward_t * step_weights[t, w]
// + (q0 + q1) * head_weight[w], NaN -> 0, where w = r / rows_per_weight is the row's weight row (step_weights
// [H, weight_rows], head_weight [weight_rows]; one weight row for a single task, one per planned row for a batch of
// tasks); with survival masks alive [H + 1, rows] (episodic tasks: null otherwise) each reward_t is multiplied by
// alive[t] first and the heads' term by alive[H]
extern "C" __global__ void tdmpc2j_value(const float* __restrict__ logits, const float* __restrict__ centres,
    const float* __restrict__ step_weights, const float* __restrict__ head_weight, const float* __restrict__ alive,
    float* __restrict__ out, long long rows, int bins, int horizon, long long rows_per_weight, int weight_rows) {
  long long row = (long long)blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
  if (row >= rows) return;
  int w = (int)(row / rows_per_weight);
  float g = 0.f;
  for (int t = 0; t < horizon; t++) {
    float reward = tdmpc2j_decode_row(logits + ((long long)t * rows + row) * bins, centres, bins);
    if (alive != 0) reward = reward * alive[(long long)t * rows + row];
    g += reward * step_weights[t * weight_rows + w];
  }
  float q0 = tdmpc2j_decode_row(logits + ((long long)horizon * rows + row) * bins, centres, bins);
  float q1 = tdmpc2j_decode_row(logits + ((long long)(horizon + 1) * rows + row) * bins, centres, bins);
  float q = (q0 + q1) * head_weight[w];
  if (alive != 0) q = q * alive[(long long)horizon * rows + row];
  float v = g + q;
  if ((threadIdx.x & 31) == 0) out[row] = v != v ? 0.f : v;
}

extern "C" __global__ void tdmpc2j_squash(const float* __restrict__ raw, const float* __restrict__ eps,
    float* __restrict__ out, long long rows, int a, float lo, float half_span) {
  long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= rows * a) return;
  long long r = i / a;
  int k = (int)(i - r * a);
  float log_std = (tanhf(raw[r * 2 * a + a + k]) + 1.f) * half_span + lo;
  out[i] = tanhf(raw[r * 2 * a + k] + eps[i] * expf(log_std));
}

extern "C" __global__ void tdmpc2j_refit(const float* __restrict__ elites, const float* __restrict__ values,
    float* __restrict__ mean, float* __restrict__ std, float* __restrict__ score, int e, int n, float temperature,
    float min_std, float max_std) {
  __shared__ float shared[32];
  __shared__ float weights[1024];
  long long b = blockIdx.x;
  const float* v = values + b * e;
  float m = -3.402823466e+38f;
  for (int k = threadIdx.x; k < e; k += blockDim.x) m = fmaxf(m, v[k] * temperature);
  m = tdmpc2j_block_reduce<true>(m, shared);
  float s = 0.f;
  for (int k = threadIdx.x; k < e; k += blockDim.x) s += expf(v[k] * temperature - m);
  s = tdmpc2j_block_reduce<false>(s, shared);
  for (int k = threadIdx.x; k < e; k += blockDim.x) {
    float w = expf(v[k] * temperature - m) / s;
    weights[k] = w;
    score[b * e + k] = w;
  }
  __syncthreads();
  const float* x = elites + b * e * n;
  for (int j = threadIdx.x; j < n; j += blockDim.x) {
    float mu = 0.f;
    for (int k = 0; k < e; k++) mu += x[(long long)k * n + j] * weights[k];
    float var = 0.f;
    for (int k = 0; k < e; k++) {
      float d = x[(long long)k * n + j] - mu;
      var += d * d * weights[k];
    }
    mean[b * n + j] = mu;
    std[b * n + j] = fminf(fmaxf(sqrtf(var), min_std), max_std);
  }
}

extern "C" __global__ void tdmpc2j_sample(const float* __restrict__ pi, const float* __restrict__ noise,
    const float* __restrict__ mean, const float* __restrict__ std, float* __restrict__ out, long long rows, int s,
    int p, int n) {
  long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= rows * s * n) return;
  long long b = i / ((long long)s * n);
  long long rest = i - b * s * n;
  int sample = (int)(rest / n);
  int j = (int)(rest - (long long)sample * n);
  if (sample < p) {
    out[i] = pi[(b * p + sample) * n + j];
  } else {
    float x = noise[(b * (s - p) + sample - p) * n + j] * std[b * n + j] + mean[b * n + j];
    out[i] = fminf(fmaxf(x, -1.f), 1.f);
  }
}
)";

// The few NVRTC and driver entry points used, by their C signatures (opaque handles as pointers, results as int).
struct Jit {
  int (*create)(void**, const char*, const char*, int, const char* const*, const char* const*) = nullptr;
  int (*compile)(void*, int, const char* const*) = nullptr;
  int (*ptxSize)(void*, size_t*) = nullptr;
  int (*ptx)(void*, char*) = nullptr;
  int (*logSize)(void*, size_t*) = nullptr;
  int (*log)(void*, char*) = nullptr;
  int (*destroy)(void**) = nullptr;
  int (*ctxGetCurrent)(void**) = nullptr;
  int (*moduleLoadData)(void**, const void*) = nullptr;
  int (*moduleGetFunction)(void**, void*, const char*) = nullptr;
  int (*launch)(void*, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, void*, void**,
                void**) = nullptr;
};

std::mutex jitMutex;
Jit jit;
bool jitOpened = false;
std::map<int, void*> modules;                          // device -> CUmodule
std::map<std::pair<int, std::string>, void*> kernels;  // (device, name) -> CUfunction

// dlopen the first of `names` that loads: by name, then next to the torch libraries' NVIDIA packages.
void* openLibrary(const std::vector<std::string>& names, const std::vector<std::string>& dirs) {
  for (const auto& n : names) {
    if (void* h = dlopen(n.c_str(), RTLD_NOW | RTLD_GLOBAL)) return h;
  }
  for (const auto& d : dirs) {
    for (const auto& n : names) {
      std::string path = d + "/" + n;
      if (void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_GLOBAL)) return h;
    }
  }
  return nullptr;
}

template <typename F>
void bind(void* lib, const char* name, F& fn) {
  fn = reinterpret_cast<F>(dlsym(lib, name));
  if (fn == nullptr) throw std::runtime_error(std::string("fused kernels: no symbol ") + name);
}

// NVRTC, found by name or in the NVIDIA packages beside torch's libraries.
void openJit() {
  if (jitOpened) return;
  // where torch's own libraries are (site-packages/torch/lib): PyPI's NVIDIA packages sit at ../../nvidia
  std::vector<std::string> dirs;
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(&c10::cuda::device_count), &info) != 0 && info.dli_fname != nullptr) {
    std::string lib(info.dli_fname);
    std::string torchLib = lib.substr(0, lib.find_last_of('/'));
    for (const char* sub : {"/../../nvidia/cu13/lib", "/../../nvidia/cuda_nvrtc/lib", "/../../nvidia/cu12/lib"}) {
      dirs.push_back(torchLib + sub);
    }
    dirs.push_back(torchLib);
  }
  void* nvrtc = openLibrary({"libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so"}, dirs);
  if (nvrtc == nullptr) {
    throw std::runtime_error(
        "fused kernels: NVRTC (libnvrtc.so.13 or .12) not found by name nor next to torch's libraries");
  }
  // NVRTC opens its builtins library by name when it compiles; load it first from NVRTC's own folder (PyPI's
  // packages are not on the loader's path unless LD_LIBRARY_PATH says so), so that name finds it
  void* createSymbol = dlsym(nvrtc, "nvrtcCreateProgram");
  Dl_info nvrtcInfo;
  if (createSymbol != nullptr && dladdr(createSymbol, &nvrtcInfo) != 0 && nvrtcInfo.dli_fname != nullptr) {
    std::string path(nvrtcInfo.dli_fname);
    std::string dir = path.substr(0, path.find_last_of('/'));
    if (DIR* listing = opendir(dir.c_str())) {
      while (dirent* entry = readdir(listing)) {
        std::string name(entry->d_name);
        if (name.rfind("libnvrtc-builtins.so.", 0) == 0) dlopen((dir + "/" + name).c_str(), RTLD_NOW | RTLD_GLOBAL);
      }
      closedir(listing);
    }
  }
  bind(nvrtc, "nvrtcCreateProgram", jit.create);
  bind(nvrtc, "nvrtcCompileProgram", jit.compile);
  bind(nvrtc, "nvrtcGetPTXSize", jit.ptxSize);
  bind(nvrtc, "nvrtcGetPTX", jit.ptx);
  bind(nvrtc, "nvrtcGetProgramLogSize", jit.logSize);
  bind(nvrtc, "nvrtcGetProgramLog", jit.log);
  bind(nvrtc, "nvrtcDestroyProgram", jit.destroy);
  jitOpened = true;
}

void openDriver() {
  if (jit.launch != nullptr) return;
  void* cuda = openLibrary({"libcuda.so.1", "libcuda.so"}, {});
  if (cuda == nullptr) throw std::runtime_error("fused kernels: the CUDA driver (libcuda.so.1) not found");
  bind(cuda, "cuCtxGetCurrent", jit.ctxGetCurrent);
  bind(cuda, "cuModuleLoadData", jit.moduleLoadData);
  bind(cuda, "cuModuleGetFunction", jit.moduleGetFunction);
  bind(cuda, "cuLaunchKernel", jit.launch);
}

// The kernels' PTX for compute capability major.minor (NVRTC; no GPU needed).
std::string kernelsPtx(int major, int minor) {
  openJit();
  void* program = nullptr;
  if (jit.create(&program, kKernelsSource, "tdmpc2j_kernels.cu", 0, nullptr, nullptr) != 0) {
    throw std::runtime_error("fused kernels: nvrtcCreateProgram failed");
  }
  std::string arch = "--gpu-architecture=compute_" + std::to_string(major) + std::to_string(minor);
  const char* options[] = {arch.c_str(), "--fmad=false"};
  int compiled = jit.compile(program, 2, options);
  if (compiled != 0) {
    size_t n = 0;
    jit.logSize(program, &n);
    std::string log(n, '\0');
    jit.log(program, log.data());
    jit.destroy(&program);
    throw std::runtime_error("fused kernels: NVRTC could not compile them (" + arch + "): " + log);
  }
  size_t n = 0;
  jit.ptxSize(program, &n);
  std::string ptx(n, '\0');
  jit.ptx(program, ptx.data());
  jit.destroy(&program);
  return ptx;
}

// The kernel `name` for `device`; the module is compiled and loaded on the device's first use (which must not be
// inside a graph capture: the agent's graphed calls run eagerly twice first, and each kernel is checked eagerly).
void* kernel(int device, const std::string& name) {
  std::lock_guard<std::mutex> lock(jitMutex);
  auto key = std::make_pair(device, name);
  auto found = kernels.find(key);
  if (found != kernels.end()) return found->second;
  auto loadedModule = modules.find(device);
  void* module = nullptr;
  if (loadedModule != modules.end()) {
    module = loadedModule->second;
  } else {
    openDriver();
    int major = 0;
    int minor = 0;
    C10_CUDA_CHECK(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device));
    C10_CUDA_CHECK(cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, device));
    std::string ptx = kernelsPtx(major, minor);
    C10_CUDA_CHECK(cudaSetDevice(device));
    void* context = nullptr;
    if (jit.ctxGetCurrent(&context) != 0 || context == nullptr) {
      C10_CUDA_CHECK(cudaFree(nullptr));
    }
    int loaded = jit.moduleLoadData(&module, ptx.c_str());
    if (loaded != 0) {
      throw std::runtime_error("fused kernels: cuModuleLoadData failed with CUresult " + std::to_string(loaded));
    }
    modules[device] = module;
  }
  void* fn = nullptr;
  int got = jit.moduleGetFunction(&fn, module, name.c_str());
  if (got != 0) {
    throw std::runtime_error("fused kernels: cuModuleGetFunction(" + name + ") failed with CUresult " +
                             std::to_string(got));
  }
  kernels[key] = fn;
  return fn;
}

// Launches `name` on the current stream of `device`.
void launch(int device, const std::string& name, int64_t blocks, unsigned threads, void** args) {
  if (blocks <= 0) return;
  if (blocks > INT32_MAX) throw std::invalid_argument(name + ": too many rows");
  void* fn = kernel(device, name);
  void* stream = c10::cuda::getCurrentCUDAStream(device).stream();
  int launched = jit.launch(fn, static_cast<unsigned>(blocks), 1, 1, threads, 1, 1, 0, stream, args, nullptr);
  if (launched != 0) {
    throw std::runtime_error(name + ": cuLaunchKernel failed with CUresult " + std::to_string(launched));
  }
}

// A float32 CUDA tensor, made contiguous.
at::Tensor floats(const at::Tensor& t, const char* what) {
  if (!t.is_cuda() || t.scalar_type() != at::kFloat) {
    throw std::invalid_argument(std::string(what) + ": a float32 CUDA tensor expected");
  }
  return t.contiguous();
}

// Two-hot logits [..., bins] and their bin centres [bins], checked; the number of bins.
int64_t twoHotBins(const at::Tensor& logits, const at::Tensor& centres, const char* what) {
  int64_t bins = logits.size(-1);
  if (centres.numel() != bins || bins == 0) throw std::invalid_argument(std::string(what) + ": one centre per bin");
  return bins;
}

// Launches a kernel that takes one warp per row, four rows per block.
void launchWarpRows(int device, const std::string& name, long long rows, void** args) {
  launch(device, name, (rows + 3) / 4, 128, args);
}

}  // namespace

// [bias], LayerNorm with gamma and beta, then Mish (group 0) or a softmax over groups of `group` entries, as one
// kernel: x [rows, width] with gamma, beta [width] (bias: handle 0, none), or an ensemble's x [members, rows, width]
// with bias, gamma, beta [members, 1, width] (one member stride for the three, last axis contiguous).
NATIVE(jlong, normAct)(JNIEnv* env, jclass, jlong jx, jlong jbias, jlong jgamma, jlong jbeta, jint group,
                       jfloat eps) {
  GUARDED(0, {
    at::Tensor x = floats(tensor(jx), "normAct x");
    const at::Tensor& gamma = tensor(jgamma);
    const at::Tensor& beta = tensor(jbeta);
    if (gamma.scalar_type() != at::kFloat || beta.scalar_type() != at::kFloat || x.dim() < 1) {
      throw std::invalid_argument("normAct: float32 gamma and beta expected");
    }
    int64_t width = x.size(-1);
    int64_t rows = width == 0 ? 0 : x.numel() / width;
    int64_t memberStride = 0;
    int64_t rowsPerMember = std::max<int64_t>(rows, 1);
    if (gamma.dim() == 3) {
      if (x.dim() != 3 || gamma.size(0) != x.size(0) || beta.sizes() != gamma.sizes() ||
          beta.strides() != gamma.strides()) {
        throw std::invalid_argument("normAct: ensemble gamma/beta [members, 1, width] need x [members, rows, width]");
      }
      memberStride = gamma.stride(0);
      rowsPerMember = std::max<int64_t>(x.size(1), 1);
    } else if (gamma.dim() != 1 || beta.dim() != 1) {
      throw std::invalid_argument("normAct: gamma and beta must be [width] or [members, 1, width]");
    }
    if (gamma.size(-1) != width || gamma.stride(-1) != 1 || beta.stride(-1) != 1 ||
        (group > 0 && width % group != 0) || width > INT32_MAX) {
      throw std::invalid_argument("normAct: gamma/beta do not match x's last axis (or it is not a multiple of group)");
    }
    const float* bp = nullptr;
    if (jbias != 0) {
      const at::Tensor& bias = tensor(jbias);
      if (bias.scalar_type() != at::kFloat || bias.sizes() != gamma.sizes() || bias.strides() != gamma.strides()) {
        throw std::invalid_argument("normAct: the bias must be laid out as gamma");
      }
      bp = bias.data_ptr<float>();
    }
    at::Tensor y = at::empty_like(x);
    const float* xp = x.data_ptr<float>();
    float* yp = y.data_ptr<float>();
    const float* gp = gamma.data_ptr<float>();
    const float* betap = beta.data_ptr<float>();
    long long ms = memberStride;
    int w = static_cast<int>(width);
    long long rpm = rowsPerMember;
    int g = group;
    float e = eps;
    void* args[] = {&xp, &yp, &bp, &gp, &betap, &ms, &w, &rpm, &g, &e};
    launch(x.get_device(), "tdmpc2j_norm_act", rows, width > 1024 ? 256 : 128, args);
    return handleOf(y);
  })
}

// Two-hot logits [..., bins] -> values [..., 1] (softmax, times the bin centres [bins], summed, symexp).
NATIVE(jlong, decode)(JNIEnv* env, jclass, jlong jlogits, jlong jcentres) {
  GUARDED(0, {
    at::Tensor logits = floats(tensor(jlogits), "decode logits");
    at::Tensor centres = floats(tensor(jcentres), "decode centres");
    int64_t bins = twoHotBins(logits, centres, "decode");
    std::vector<int64_t> shape(logits.sizes().begin(), logits.sizes().end());
    shape.back() = 1;
    at::Tensor out = at::empty(shape, logits.options());
    long long rows = logits.numel() / bins;
    const float* lp = logits.data_ptr<float>();
    const float* cp = centres.data_ptr<float>();
    float* op = out.data_ptr<float>();
    int nb = static_cast<int>(bins);
    void* args[] = {&lp, &cp, &op, &rows, &nb};
    launchWarpRows(logits.get_device(), "tdmpc2j_decode", rows, args);
    return handleOf(out);
  })
}

// The planner's values [rows...] from logits [H + 2, rows..., bins] (H rewards, two Q heads), the per-step weights
// and the heads' weight: [H] and one (a single task), or [H, B] and [B] for logits [H + 2, B, S, bins] (a batch of
// tasks, each planned row with its own discount); survival masks [H + 1, rows...] or handle 0 (none).
NATIVE(jlong, value)(JNIEnv* env, jclass, jlong jlogits, jlong jcentres, jlong jsteps, jlong jhead,
                      jlong jalive) {
  GUARDED(0, {
    at::Tensor logits = floats(tensor(jlogits), "value logits");
    at::Tensor centres = floats(tensor(jcentres), "value centres");
    at::Tensor steps = floats(tensor(jsteps), "value step weights");
    at::Tensor head = floats(tensor(jhead), "value head weight");
    int64_t bins = twoHotBins(logits, centres, "value");
    int64_t horizon = logits.dim() < 3 ? 0 : logits.size(0) - 2;
    int64_t weightRows = head.numel();
    if (horizon < 1 || weightRows < 1 || steps.numel() != horizon * weightRows ||
        (weightRows > 1 && (logits.dim() < 4 || logits.size(1) != weightRows))) {
      throw std::invalid_argument("value: logits [H + 2, ..., bins] with H step weights and one head weight, or "
                                  "logits [H + 2, B, S, bins] with step weights [H, B] and head weights [B], expected");
    }
    std::vector<int64_t> shape(logits.sizes().begin() + 1, logits.sizes().end() - 1);
    at::Tensor out = at::empty(shape, logits.options());
    long long rows = logits.numel() / bins / (horizon + 2);
    at::Tensor alive;
    const float* ap = nullptr;
    if (jalive != 0) {
      alive = floats(tensor(jalive), "value survival masks");
      if (alive.numel() != (horizon + 1) * rows) {
        throw std::invalid_argument("value: survival masks [H + 1, rows...] expected");
      }
      ap = alive.data_ptr<float>();
    }
    const float* lp = logits.data_ptr<float>();
    const float* cp = centres.data_ptr<float>();
    const float* sp = steps.data_ptr<float>();
    const float* hp = head.data_ptr<float>();
    float* op = out.data_ptr<float>();
    int nb = static_cast<int>(bins);
    int h = static_cast<int>(horizon);
    long long perWeight = std::max<long long>(rows / weightRows, 1);
    int wr = static_cast<int>(weightRows);
    void* args[] = {&lp, &cp, &sp, &hp, &ap, &op, &rows, &nb, &h, &perWeight, &wr};
    launchWarpRows(logits.get_device(), "tdmpc2j_value", rows, args);
    return handleOf(out);
  })
}

// The policy's squashed action [..., A] from its head's output [..., 2A] and a standard normal draw [..., A].
NATIVE(jlong, squash)(JNIEnv* env, jclass, jlong jraw, jlong jeps, jfloat lo, jfloat halfSpan) {
  GUARDED(0, {
    at::Tensor raw = floats(tensor(jraw), "squash raw");
    at::Tensor eps = floats(tensor(jeps), "squash eps");
    int64_t a = eps.size(-1);
    if (raw.size(-1) != 2 * a || raw.numel() != 2 * eps.numel()) {
      throw std::invalid_argument("squash: the head's output must be [..., 2A] for a draw [..., A]");
    }
    at::Tensor out = at::empty_like(eps);
    long long rows = a == 0 ? 0 : eps.numel() / a;
    const float* rp = raw.data_ptr<float>();
    const float* ep = eps.data_ptr<float>();
    float* op = out.data_ptr<float>();
    int ai = static_cast<int>(a);
    float l = lo;
    float h = halfSpan;
    void* args[] = {&rp, &ep, &op, &rows, &ai, &l, &h};
    launch(raw.get_device(), "tdmpc2j_squash", (eps.numel() + 255) / 256, 256, args);
    return handleOf(out);
  })
}

// MPPI's refit from the elites [B, E, ...] and their values [B, E]: mean and std [B, ...] and the weights [B, E].
NATIVE(jlongArray, refit)(JNIEnv* env, jclass, jlong jelites, jlong jvalues, jfloat temperature, jfloat minStd,
                          jfloat maxStd) {
  GUARDED(nullptr, {
    at::Tensor elites = floats(tensor(jelites), "refit elites");
    at::Tensor values = floats(tensor(jvalues), "refit values");
    if (values.dim() != 2 || elites.dim() < 3 || elites.size(0) != values.size(0) ||
        elites.size(1) != values.size(1) || values.size(1) > 1024) {
      throw std::invalid_argument("refit: elites [B, E, ...] and values [B, E] (E <= 1024) expected");
    }
    int64_t b = values.size(0);
    int e = static_cast<int>(values.size(1));
    std::vector<int64_t> shape;
    shape.push_back(b);
    for (int64_t d = 2; d < elites.dim(); d++) shape.push_back(elites.size(d));
    at::Tensor mean = at::empty(shape, elites.options());
    at::Tensor std = at::empty(shape, elites.options());
    at::Tensor score = at::empty_like(values);
    int n = static_cast<int>(b == 0 ? 0 : mean.numel() / b);
    const float* xp = elites.data_ptr<float>();
    const float* vp = values.data_ptr<float>();
    float* mp = mean.data_ptr<float>();
    float* sp = std.data_ptr<float>();
    float* wp = score.data_ptr<float>();
    float t = temperature;
    float lo = minStd;
    float hi = maxStd;
    void* args[] = {&xp, &vp, &mp, &sp, &wp, &e, &n, &t, &lo, &hi};
    launch(elites.get_device(), "tdmpc2j_refit", b, 128, args);
    jlongArray out = env->NewLongArray(3);
    jlong handles[] = {handleOf(mean), handleOf(std), handleOf(score)};
    env->SetLongArrayRegion(out, 0, 3, handles);
    return out;
  })
}

// The planner's candidates [B, S, H, A]: the policy's P trajectories [B, P, H, A] (handle 0 when P is 0), then
// clamp(noise [B, S - P, H, A] * std + mean, -1, 1) with mean and std [B, H, A].
NATIVE(jlong, sample)(JNIEnv* env, jclass, jlong jpi, jlong jnoise, jlong jmean, jlong jstd) {
  GUARDED(0, {
    at::Tensor noise = floats(tensor(jnoise), "sample noise");
    at::Tensor mean = floats(tensor(jmean), "sample mean");
    at::Tensor std = floats(tensor(jstd), "sample std");
    at::Tensor pi;
    int64_t p = 0;
    if (jpi != 0) {
      pi = floats(tensor(jpi), "sample pi");
      p = pi.size(1);
    }
    if (noise.dim() != 4 || mean.dim() != 3 || std.sizes() != mean.sizes() || noise.size(0) != mean.size(0) ||
        noise.size(2) != mean.size(1) || noise.size(3) != mean.size(2) ||
        (jpi != 0 && (pi.dim() != 4 || pi.size(0) != noise.size(0) || pi.size(2) != noise.size(2) ||
                      pi.size(3) != noise.size(3)))) {
      throw std::invalid_argument("sample: noise [B, S-P, H, A], mean and std [B, H, A], pi [B, P, H, A] expected");
    }
    int64_t b = noise.size(0);
    int64_t s = p + noise.size(1);
    at::Tensor out = at::empty({b, s, noise.size(2), noise.size(3)}, noise.options());
    const float* pp = jpi == 0 ? nullptr : pi.data_ptr<float>();
    const float* np = noise.data_ptr<float>();
    const float* mp = mean.data_ptr<float>();
    const float* sp = std.data_ptr<float>();
    float* op = out.data_ptr<float>();
    long long rows = b;
    int si = static_cast<int>(s);
    int pi32 = static_cast<int>(p);
    int n = static_cast<int>(noise.size(2) * noise.size(3));
    void* args[] = {&pp, &np, &mp, &sp, &op, &rows, &si, &pi32, &n};
    launch(noise.get_device(), "tdmpc2j_sample", (out.numel() + 255) / 256, 256, args);
    return handleOf(out);
  })
}

namespace {

std::vector<at::Tensor> tensors(JNIEnv* env, jlongArray handles) {
  jsize n = env->GetArrayLength(handles);
  std::vector<jlong> raw(n);
  env->GetLongArrayRegion(handles, 0, n, raw.data());
  std::vector<at::Tensor> out;
  out.reserve(n);
  for (jlong h : raw) out.push_back(tensor(h));
  return out;
}

}  // namespace

// One Adam step over the parameters, all on the device and nothing read back, so that it can be captured: the
// gradients' global L2 norm is written to `norm`, the gradients are scaled to at most `clip_norm` (inside the fused
// Adam, through its grad_scale), a non-finite norm skips the whole step (PyTorch's found_inf), the shared step counter
// `step` (0-d float32) counts the steps taken, PyTorch's fused Adam updates each group of parameters with its
// learning rate, and the gradients are dropped.
NATIVE(void, adamStep)(JNIEnv* env, jclass, jlongArray jparams, jlongArray jexp_avgs, jlongArray jexp_avg_sqs,
                       jdoubleArray jlrs, jlong jstep, jdouble beta1, jdouble beta2, jdouble eps, jdouble clip_norm,
                       jlong jnorm) {
  GUARDED(, {
    c10::NoGradGuard no_grad;
    auto params = tensors(env, jparams);
    auto exp_avgs = tensors(env, jexp_avgs);
    auto exp_avg_sqs = tensors(env, jexp_avg_sqs);
    std::vector<double> lrs(params.size());
    env->GetDoubleArrayRegion(jlrs, 0, static_cast<jsize>(lrs.size()), lrs.data());
    std::vector<at::Tensor> grads;
    grads.reserve(params.size());
    for (auto& p : params) {
      if (!p.grad().defined()) p.mutable_grad() = at::zeros_like(p);
      grads.push_back(p.grad());
    }
    at::Tensor& step = tensor(jstep);
    at::Tensor total = at::linalg_vector_norm(at::stack(at::_foreach_norm(grads, 2)), 2);
    tensor(jnorm).copy_(total);
    at::Tensor found_inf = at::logical_not(at::isfinite(total)).to(at::kFloat);
    // clipping, g * min(clip_norm / (norm + 1e-6), 1), is done inside the fused Adam as g / grad_scale with
    // grad_scale = max((norm + 1e-6) / clip_norm, 1): the fused Adam then reads and writes the gradients once, where
    // a multiply of its own read and wrote them before the fused Adam read them (at 317M 1.27 GB less per step)
    at::Tensor grad_scale = at::clamp_min((total + 1e-6) / clip_norm, 1.0);
    step.add_(1.0 - found_inf);
    // parameters grouped by learning rate, in first-seen order
    std::vector<double> seen;
    for (double lr : lrs) {
      if (std::find(seen.begin(), seen.end(), lr) != seen.end()) continue;
      seen.push_back(lr);
      std::vector<at::Tensor> p, g, m, v, s;
      for (size_t i = 0; i < params.size(); ++i) {
        if (lrs[i] != lr) continue;
        p.push_back(params[i]);
        g.push_back(grads[i]);
        m.push_back(exp_avgs[i]);
        v.push_back(exp_avg_sqs[i]);
        s.push_back(step);
      }
      at::_fused_adam_(p, g, m, v, {}, s, lr, beta1, beta2, 0.0, eps, false, false, grad_scale, found_inf);
    }
    // the gradients dropped rather than zeroed (PyTorch's set_to_none): the next backward pass then hands each
    // parameter its gradient buffer instead of adding it into a zeroed one, a write and a read-modify-write of
    // every gradient less per step (at 317M about 5 GB of memory traffic); the same values, as 0 + g is g
    grads.clear();
    for (auto& param : params) param.mutable_grad().reset();
  })
}
