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
NATIVE(jlong, mish)(JNIEnv* env, jclass, jlong x) {
  GUARDED(0, { return handleOf(at::mish(tensor(x))); })
}

namespace {

// A fused LayerNorm and activation for planning (no autograd): one kernel where PyTorch runs a LayerNorm, then
// (ensemble heads) a scale and a shift, then Mish or the grouped softmax of SimNorm. Compiled at first use with
// NVRTC, for the GPU's architecture, and launched on the current stream (so a CUDA graph captures it). NVRTC and
// the CUDA driver are opened with dlopen: the torch in use brings NVRTC (PyPI's nvidia-cuda-nvrtc) and the driver
// brings libcuda, and neither is needed to build or load this library.
//
// One block per row of `width` entries: mean and variance (biased, as LayerNorm) by two block reductions, then
// h = (x - mean) * rstd * gamma + beta with the row's member's gamma and beta (member = row / rows_per_member,
// member_stride 0 for a single network), then Mish h * tanh(log1p(exp(h))) (PyTorch's formula) when group is 0,
// else a softmax over each `group` consecutive entries.
const char* kNormActSource = R"(
__device__ __forceinline__ float tdmpc2j_block_sum(float v, float* shared) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  int lane = threadIdx.x & 31;
  int warp = threadIdx.x >> 5;
  __syncthreads();
  if (lane == 0) shared[warp] = v;
  __syncthreads();
  v = lane < (int)(blockDim.x >> 5) ? shared[lane] : 0.f;
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

extern "C" __global__ void tdmpc2j_norm_act(const float* __restrict__ x, float* __restrict__ y,
    const float* __restrict__ gamma, const float* __restrict__ beta, long long member_stride, int width,
    long long rows_per_member, int group, float eps) {
  __shared__ float shared[32];
  long long row = blockIdx.x;
  const float* xr = x + row * width;
  float* yr = y + row * width;
  long long member = row / rows_per_member;
  const float* g = gamma + member * member_stride;
  const float* b = beta + member * member_stride;
  float s = 0.f;
  for (int i = threadIdx.x; i < width; i += blockDim.x) s += xr[i];
  float mean = tdmpc2j_block_sum(s, shared) / width;
  float v = 0.f;
  for (int i = threadIdx.x; i < width; i += blockDim.x) {
    float d = xr[i] - mean;
    v += d * d;
  }
  float rstd = rsqrtf(tdmpc2j_block_sum(v, shared) / width + eps);
  if (group == 0) {
    for (int i = threadIdx.x; i < width; i += blockDim.x) {
      float h = (xr[i] - mean) * rstd * g[i] + b[i];
      yr[i] = h * tanhf(log1pf(expf(h)));
    }
    return;
  }
  for (int k = threadIdx.x * group; k < width; k += blockDim.x * group) {
    float m = -3.402823466e+38f;
    for (int j = 0; j < group; j++) m = fmaxf(m, (xr[k + j] - mean) * rstd * g[k + j] + b[k + j]);
    float sum = 0.f;
    for (int j = 0; j < group; j++) sum += expf((xr[k + j] - mean) * rstd * g[k + j] + b[k + j] - m);
    for (int j = 0; j < group; j++) yr[k + j] = expf((xr[k + j] - mean) * rstd * g[k + j] + b[k + j] - m) / sum;
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
std::map<int, void*> normActKernels;  // device -> CUfunction

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
  if (fn == nullptr) throw std::runtime_error(std::string("fused norm: no symbol ") + name);
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
    throw std::runtime_error("fused norm: NVRTC (libnvrtc.so.13 or .12) not found by name nor next to torch's libraries");
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
  if (cuda == nullptr) throw std::runtime_error("fused norm: the CUDA driver (libcuda.so.1) not found");
  bind(cuda, "cuCtxGetCurrent", jit.ctxGetCurrent);
  bind(cuda, "cuModuleLoadData", jit.moduleLoadData);
  bind(cuda, "cuModuleGetFunction", jit.moduleGetFunction);
  bind(cuda, "cuLaunchKernel", jit.launch);
}

// The kernel's PTX for compute capability major.minor (NVRTC; no GPU needed).
std::string normActPtx(int major, int minor) {
  openJit();
  void* program = nullptr;
  if (jit.create(&program, kNormActSource, "tdmpc2j_norm_act.cu", 0, nullptr, nullptr) != 0) {
    throw std::runtime_error("fused norm: nvrtcCreateProgram failed");
  }
  std::string arch = "--gpu-architecture=compute_" + std::to_string(major) + std::to_string(minor);
  const char* options[] = {arch.c_str()};
  int compiled = jit.compile(program, 1, options);
  if (compiled != 0) {
    size_t n = 0;
    jit.logSize(program, &n);
    std::string log(n, '\0');
    jit.log(program, log.data());
    jit.destroy(&program);
    throw std::runtime_error("fused norm: NVRTC could not compile the kernel (" + arch + "): " + log);
  }
  size_t n = 0;
  jit.ptxSize(program, &n);
  std::string ptx(n, '\0');
  jit.ptx(program, ptx.data());
  jit.destroy(&program);
  return ptx;
}

// The kernel for `device`, compiled and loaded on first use (which must not be inside a graph capture: the
// agent's graphed calls run eagerly twice first).
void* normActKernel(int device) {
  std::lock_guard<std::mutex> lock(jitMutex);
  auto found = normActKernels.find(device);
  if (found != normActKernels.end()) return found->second;
  openDriver();
  int major = 0;
  int minor = 0;
  C10_CUDA_CHECK(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device));
  C10_CUDA_CHECK(cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, device));
  std::string ptx = normActPtx(major, minor);
  C10_CUDA_CHECK(cudaSetDevice(device));
  void* context = nullptr;
  if (jit.ctxGetCurrent(&context) != 0 || context == nullptr) {
    C10_CUDA_CHECK(cudaFree(nullptr));
  }
  void* module = nullptr;
  int loaded = jit.moduleLoadData(&module, ptx.c_str());
  if (loaded != 0) throw std::runtime_error("fused norm: cuModuleLoadData failed with CUresult " + std::to_string(loaded));
  void* fn = nullptr;
  int got = jit.moduleGetFunction(&fn, module, "tdmpc2j_norm_act");
  if (got != 0) throw std::runtime_error("fused norm: cuModuleGetFunction failed with CUresult " + std::to_string(got));
  normActKernels[device] = fn;
  return fn;
}

}  // namespace

// LayerNorm with gamma and beta, then Mish (group 0) or a softmax over groups of `group` entries, as one kernel:
// x [rows, width] with gamma, beta [width], or an ensemble's x [members, rows, width] with gamma, beta
// [members, 1, width] (any member stride, last axis contiguous). Float32, no autograd.
NATIVE(jlong, normAct)(JNIEnv* env, jclass, jlong jx, jlong jgamma, jlong jbeta, jint group, jfloat eps) {
  GUARDED(0, {
    at::Tensor x = tensor(jx).contiguous();
    const at::Tensor& gamma = tensor(jgamma);
    const at::Tensor& beta = tensor(jbeta);
    if (!x.is_cuda() || x.scalar_type() != at::kFloat || gamma.scalar_type() != at::kFloat ||
        beta.scalar_type() != at::kFloat || x.dim() < 1) {
      throw std::invalid_argument("normAct: float32 CUDA tensors expected");
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
    at::Tensor y = at::empty_like(x);
    if (rows == 0) return handleOf(y);
    int device = x.get_device();
    void* fn = normActKernel(device);
    const float* xp = x.data_ptr<float>();
    float* yp = y.data_ptr<float>();
    const float* gp = gamma.data_ptr<float>();
    const float* bp = beta.data_ptr<float>();
    long long ms = memberStride;
    int w = static_cast<int>(width);
    long long rpm = rowsPerMember;
    int g = group;
    float e = eps;
    void* args[] = {&xp, &yp, &gp, &bp, &ms, &w, &rpm, &g, &e};
    unsigned threads = width > 1024 ? 256 : 128;
    void* stream = c10::cuda::getCurrentCUDAStream(device).stream();
    int launched = jit.launch(fn, static_cast<unsigned>(rows), 1, 1, threads, 1, 1, 0, stream, args, nullptr);
    if (launched != 0) {
      throw std::runtime_error("normAct: cuLaunchKernel failed with CUresult " + std::to_string(launched));
    }
    return handleOf(y);
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
// gradients' global L2 norm is written to `norm`, the gradients are scaled to at most `clip_norm`, a non-finite norm
// skips the whole step (PyTorch's found_inf), the shared step counter `step` (0-d float32) counts the steps taken,
// PyTorch's fused Adam updates each group of parameters with its learning rate, and the gradients are zeroed.
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
    at::Tensor coef = at::clamp_max(at::reciprocal(total + 1e-6) * clip_norm, 1.0);
    at::_foreach_mul_(grads, coef);
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
      at::_fused_adam_(p, g, m, v, {}, s, lr, beta1, beta2, 0.0, eps, false, false, std::nullopt, found_inf);
    }
    at::_foreach_zero_(grads);
  })
}
