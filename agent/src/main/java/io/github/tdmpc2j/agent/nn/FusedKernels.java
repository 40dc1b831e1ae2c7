package io.github.tdmpc2j.agent.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import io.github.tdmpc2j.agent.gpu.TorchNative;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the native extension's fused planning kernels ({@link TorchNative#normAct}, {@code decode},
 * {@code squash}, {@code refit}, {@code sample}) replace a chain of PyTorch's kernels for an array: only on a GPU
 * with the extension, without gradients, unless {@value #VARIABLE}=off, and once the kernel's first use on that
 * device has matched PyTorch's ops on fixed values (its check: the largest error relative to max(1, |expected|),
 * at most 1e-4). A kernel that does not compile, load or agree is not used there, with a warning that says why,
 * and the agent runs PyTorch's ops as before.
 */
public final class FusedKernels {
    /** Set to {@code off} to run PyTorch's separate kernels on a GPU instead (to compare). */
    public static final String VARIABLE = "TDMPC2J_FUSED";
    private static final Logger LOG = LoggerFactory.getLogger(FusedKernels.class);
    private static final double TOLERANCE = 1e-4;
    /** Per device, per kernel: used or not (looked up on every call of a fused op: no key is built). */
    private static final Map<Device, Map<String, Boolean>> DECIDED = new ConcurrentHashMap<>();

    private FusedKernels() {
    }

    /**
     * @param kernel the kernel's name, for the decision and the log
     * @param x      an array the kernel would take (its device decides)
     * @param check  runs the kernel and PyTorch's ops on fixed values in the given manager (on x's device, without
     *               gradients) and returns the largest relative error
     */
    public static boolean use(String kernel, NDArray x, ToDoubleFunction<NDManager> check) {
        if (!x.getDevice().isGpu() || JniUtils.isGradMode() || !TorchNative.available()) {
            return false;
        }
        Map<String, Boolean> onDevice = DECIDED.get(x.getDevice());
        Boolean known = onDevice == null ? null : onDevice.get(kernel);
        return known != null ? known : decide(kernel, x.getManager(), x.getDevice(), check);
    }

    /** Every decision so far, {@code kernel@device -> used}, for reports. */
    public static Map<String, Boolean> decisions() {
        Map<String, Boolean> all = new TreeMap<>();
        DECIDED.forEach((device, kernels) -> kernels.forEach((kernel, used) -> all.put(kernel + "@" + device, used)));
        return all;
    }

    /** The largest error of {@code actual} relative to max(1, |expected|) (a host read: for checks only). */
    public static double error(NDArray actual, NDArray expected) {
        NDArray scale = expected.abs().maximum(1f);
        return actual.sub(expected).abs().div(scale).max().getFloat();
    }

    /** Fixed check data: amplitude * sin(frequency * k) over k = 0, 1, ... in the given shape. */
    public static NDArray wave(NDManager m, Shape shape, float frequency, float amplitude) {
        return m.arange(0f, (float) shape.size()).reshape(shape).mul(frequency).sin().mul(amplitude);
    }


    private static synchronized boolean decide(String kernel, NDManager parent, Device device,
            ToDoubleFunction<NDManager> check) {
        Map<String, Boolean> onDevice = DECIDED.computeIfAbsent(device, d -> new ConcurrentHashMap<>());
        Boolean known = onDevice.get(kernel);
        if (known != null) {
            return known;
        }
        boolean ok = false;
        String setting = System.getenv(VARIABLE);
        if (setting != null && setting.equalsIgnoreCase("off")) {
            LOG.info("{}=off: {} runs as PyTorch's separate kernels on {}", VARIABLE, kernel, device);
        } else {
            try (NDManager m = parent.newSubManager(device); NoGrad off = new NoGrad()) {
                double worst = check.applyAsDouble(m);
                ok = worst <= TOLERANCE;
                if (ok) {
                    LOG.info("fused kernel {} in use on {} (largest relative difference from PyTorch's ops: {})",
                            kernel, device, worst);
                } else {
                    LOG.warn("the fused kernel {} differs from PyTorch's ops by {} on {}: not used (the agent runs "
                            + "PyTorch's ops; please report it)", kernel, worst, device);
                }
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                LOG.warn("the fused kernel {} is not available on {} ({}): the agent runs PyTorch's ops", kernel,
                        device, e.getMessage());
            }
        }
        onDevice.put(kernel, ok);
        return ok;
    }
}
