package io.github.tdmpc2j.agent.gpu;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * tdmpc2j's native extension of DJL's PyTorch engine ({@code agent/src/main/resources/.../gpu/tdmpc2j_torch.cc}):
 * CUDA graph capture and replay, in-place copies, a one-op Mish, fused kernels for planning and a profiler hook. It
 * is compiled against the torch that DJL runs on by {@code tdmpc2j setup gpu} and found at
 * {@code $TDMPC2J_TORCH_NATIVE}, or else at {@link GpuSetup#nativeLibrary}
 * ({@code ~/.cache/tdmpc2j/gpu/libtdmpc2j_torch-<torch version>.so}). Without it (always on the CPU build of the
 * natives) the agent runs eagerly; {@link #unavailableReason()} says why and what to do.
 */
public final class TorchNative {
    private static final Logger LOG = LoggerFactory.getLogger(TorchNative.class);
    public static final String PATH_VARIABLE = "TDMPC2J_TORCH_NATIVE";
    private static volatile Boolean loaded;
    private static volatile String reason = "not looked for yet";

    private TorchNative() {
    }

    /** The file the extension is looked for at, for the given torch version. */
    public static Path expectedPath(String torchVersion) {
        String explicit = System.getenv(PATH_VARIABLE);
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        return GpuSetup.nativeLibrary(torchVersion);
    }

    /**
     * Why the extension is not looked for, or null when it is: DJL runs its bundled CPU natives (no torch chosen,
     * neither by {@code TDMPC2J_TORCH} nor by {@code tdmpc2j setup gpu}, nor DJL pointed at one by
     * {@code PYTORCH_LIBRARY_PATH}) and no extension is named ({@code explicitNative}): the one {@code setup gpu}
     * built is for its torch, and loading it here failed with advice to rebuild it (TDMPC2J_TORCH=bundled after a
     * setup).
     */
    static String notForThisTorch(String explicitNative, String djlLibraryPath, boolean torchSelected) {
        if ((explicitNative != null && !explicitNative.isBlank()) || djlLibraryPath != null || torchSelected) {
            return null;
        }
        return "DJL runs its bundled CPU natives (TDMPC2J_TORCH=bundled, or no `tdmpc2j setup gpu` on this machine), "
                + "for which there is no native extension: it is built for the torch of `tdmpc2j setup gpu`";
    }

    /** Loads the extension once (after DJL's engine, whose libtorch it links to); false when it is not there. */
    public static boolean available() {
        Boolean known = loaded;
        return known != null ? known : load();
    }

    private static synchronized boolean load() {
        if (loaded != null) {
            return loaded;
        }
        boolean selected;
        try {
            selected = GpuSetup.selected().isPresent();
        } catch (RuntimeException e) { // the engine's own setup said so before this
            selected = false;
        }
        String skip = notForThisTorch(System.getenv(PATH_VARIABLE),
                ai.djl.util.Utils.getEnvOrSystemProperty("PYTORCH_LIBRARY_PATH"), selected);
        if (skip != null) {
            reason = skip;
            loaded = false;
            return false;
        }
        Engine engine = Engine.getEngine("PyTorch");
        String version = engine.getVersion();
        Path path = expectedPath(version);
        if (!Files.isRegularFile(path)) {
            reason = "no native extension at " + path + " (run `tdmpc2j setup gpu`, or set " + PATH_VARIABLE + ")";
            loaded = false;
            return false;
        }
        try {
            System.load(path.toAbsolutePath().toString());
            String built = torchVersion();
            if (!version.startsWith(built.replaceFirst("\\+.*", ""))) {
                reason = path + " was built for torch " + built + " but DJL runs torch " + version
                        + "; rebuild it with `tdmpc2j setup gpu`";
                loaded = false;
                return false;
            }
            String stale = staleReason(path, builtFrom());
            if (stale != null) {
                reason = stale;
                loaded = false;
                return false;
            }
            loaded = true;
            reason = null;
            LOG.info("tdmpc2j native extension loaded from {} (torch {})", path, built);
        } catch (UnsatisfiedLinkError e) {
            reason = path + " did not load (" + e.getMessage() + "); rebuild it with `tdmpc2j setup gpu`";
            loaded = false;
        }
        return loaded;
    }

    /** The hash of the source the loaded library was built from ("unrecorded" if built before builds recorded it). */
    private static String builtFrom() {
        try {
            return sourceHash();
        } catch (UnsatisfiedLinkError e) {
            return "unrecorded";
        }
    }

    /**
     * Why a library built from the source with hash {@code builtFrom} cannot serve this tdmpc2j (whose Java side
     * calls its functions with this version's shapes and signatures), or null when it was built from this
     * version's source ({@link GpuSetup#sourceHash()}).
     */
    static String staleReason(Path path, String builtFrom) {
        String expected = GpuSetup.sourceHash();
        return expected.equals(builtFrom) ? null : path + " was built from another version of tdmpc2j's native source ("
                + builtFrom + ", this version's " + expected + "); rebuild it with `tdmpc2j setup gpu` (until then the "
                + "agent runs eagerly on the GPU)";
    }

    /** Why {@link #available()} is false, with the fix; empty when it is loaded. */
    public static Optional<String> unavailableReason() {
        available();
        return Optional.ofNullable(reason);
    }

    /** DJL's handle of an array: the address of its {@code torch::Tensor}. */
    public static long handle(NDArray array) {
        return ((PtNDArray) array).getHandle();
    }

    /** Wraps a tensor the extension made as an array of {@code like}'s manager. */
    public static NDArray wrap(NDArray like, long handle) {
        return new PtNDArray((ai.djl.pytorch.engine.PtNDManager) like.getManager(), handle);
    }

    public static NDArray mish(NDArray x) {
        return wrap(x, mish(handle(x)));
    }

    /**
     * {@code x} (plus {@code bias}, or null), LayerNorm with {@code gamma} and {@code beta}, then Mish ({@code group}
     * 0) or a softmax over each {@code group} consecutive entries (SimNorm), as one kernel: {@code x} [rows, width]
     * with gamma, beta [width], or an ensemble's [members, rows, width] with bias, gamma, beta [members, 1, width].
     * This and the kernels below are compiled with NVRTC at first use, for arrays without gradients on a GPU
     * ({@code nn.FusedKernels} decides where they are used).
     */
    public static NDArray normAct(NDArray x, NDArray bias, NDArray gamma, NDArray beta, int group, float eps) {
        return wrap(x, normAct(handle(x), bias == null ? 0 : handle(bias), handle(gamma), handle(beta), group, eps));
    }

    /** Two-hot logits [..., bins] to values [..., 1]: softmax, times the bin centres, summed, symexp. */
    public static NDArray decode(NDArray logits, NDArray centres) {
        return wrap(logits, decode(handle(logits), handle(centres)));
    }

    /**
     * The planner's values [...] from logits [H + 2, ..., bins] (H rewards, then two Q heads): the decoded rewards
     * times {@code stepWeights} [H] summed, plus the heads' sum times {@code headWeight} (0-d); for logits
     * [H + 2, B, S, bins] also per planned row, with {@code stepWeights} [H, B, ...] and {@code headWeight} [B, ...].
     * With {@code alive} [H + 1, ...] (survival masks of an episodic task; null for none) each reward is first
     * multiplied by its step's mask and the heads' term by the last. NaN becomes 0.
     */
    public static NDArray value(NDArray logits, NDArray centres, NDArray stepWeights, NDArray headWeight,
            NDArray alive) {
        return wrap(logits, value(handle(logits), handle(centres), handle(stepWeights), handle(headWeight),
                alive == null ? 0 : handle(alive)));
    }

    /** tanh(mu + eps * exp(lo + (tanh(s) + 1) * halfSpan)) for the policy head's [mu, s] [..., 2A] and eps [..., A]. */
    public static NDArray squash(NDArray raw, NDArray eps, float lo, float halfSpan) {
        return wrap(raw, squash(handle(raw), handle(eps), lo, halfSpan));
    }

    /**
     * MPPI's refit: from the elites [B, E, ...] and their values [B, E], the weights softmax(temperature * value)
     * [B, E], the weighted mean [B, ...] and the weighted standard deviation clamped to [minStd, maxStd]; returned
     * as {mean, std, weights}.
     */
    public static NDArray[] refit(NDArray elites, NDArray values, float temperature, float minStd, float maxStd) {
        long[] out = refit(handle(elites), handle(values), temperature, minStd, maxStd);
        return new NDArray[] {wrap(elites, out[0]), wrap(elites, out[1]), wrap(elites, out[2])};
    }

    /**
     * The planner's candidates [B, S, H, A]: the policy's trajectories [B, P, H, A] (null for none), then
     * clamp(noise * std + mean, -1, 1) for noise [B, S - P, H, A] and mean, std [B, H, A].
     */
    public static NDArray sample(NDArray pi, NDArray noise, NDArray mean, NDArray std) {
        return wrap(noise, sample(pi == null ? 0 : handle(pi), handle(noise), handle(mean), handle(std)));
    }

    public static void copyInto(NDArray dst, NDArray src) {
        copyInto(handle(dst), handle(src));
    }

    public static void copyFromHost(NDArray dst, float[] data) {
        copyFromHost(handle(dst), data);
    }

    /**
     * {@code dst} takes {@code src}'s values: in place (same storage, as a captured graph needs) when the extension
     * is loaded and {@code dst} is on a GPU, else by taking over {@code src}'s tensor (which is closed).
     */
    public static void assign(NDArray dst, NDArray src) {
        if (dst.getDevice().isGpu() && available()) {
            copyInto(dst, src);
        } else {
            dst.intern(src);
        }
    }

    /**
     * One Adam step on the device (see tdmpc2j_torch.cc): global-norm clipping, a non-finite norm skips the step,
     * PyTorch's fused Adam per learning rate, gradients zeroed; the norm goes to {@code norm} (0-d).
     */
    public static void adamStep(NDArray[] params, NDArray[] expAvgs, NDArray[] expAvgSqs, double[] lrs,
            NDArray step, double beta1, double beta2, double eps, double clipNorm, NDArray norm) {
        adamStep(handles(params), handles(expAvgs), handles(expAvgSqs), lrs, handle(step), beta1, beta2, eps,
                clipNorm, handle(norm));
    }

    private static long[] handles(NDArray[] arrays) {
        long[] out = new long[arrays.length];
        for (int i = 0; i < arrays.length; i++) {
            out[i] = handle(arrays[i]);
        }
        return out;
    }

    private static native void adamStep(long[] params, long[] expAvgs, long[] expAvgSqs, double[] lrs, long step,
            double beta1, double beta2, double eps, double clipNorm, long norm);

    static native String torchVersion();

    private static native String sourceHash();

    static native int cudaDeviceCount();

    /** TF32 tensor cores for float32 matrix products and convolutions (the reference turns them on). */
    public static native void setTf32(boolean on);

    static native void synchronize(int device);

    static native long sideStreamEnter(int device);

    static native void sideStreamExit(long side);

    static native long graphNew();

    static native void graphCaptureBegin(long graph);

    static native void graphCaptureEnd(long graph);

    static native void graphReplay(long graph);

    static native void graphDelete(long graph);

    private static native void copyInto(long dst, long src);

    private static native void copyFromHost(long dst, float[] data);

    private static native long mish(long x);

    /**
     * Starts PyTorch's Kineto profiler on this thread: its ops and, with {@code cuda}, the GPU's kernels (kernels
     * replayed by a CUDA graph included); {@link #profileStop} writes the trace (for {@code bench/KernelProfile}).
     */
    public static native void profileStart(boolean cuda);

    /** Stops the profiler started by {@link #profileStart} and writes its Chrome trace to {@code path}. */
    public static native void profileStop(String path);

    private static native long normAct(long x, long bias, long gamma, long beta, int group, float eps);

    private static native long decode(long logits, long centres);

    private static native long value(long logits, long centres, long stepWeights, long headWeight, long alive);

    private static native long squash(long raw, long eps, float lo, float halfSpan);

    private static native long[] refit(long elites, long values, float temperature, float minStd, float maxStd);

    private static native long sample(long pi, long noise, long mean, long std);
}
