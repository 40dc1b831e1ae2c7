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
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAStream.h>
#include <torch/csrc/api/include/torch/version.h>

#include <algorithm>
#include <exception>
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
