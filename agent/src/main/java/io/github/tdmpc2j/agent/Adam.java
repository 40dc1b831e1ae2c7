package io.github.tdmpc2j.agent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.tdmpc2j.agent.gpu.TorchNative;
import io.github.tdmpc2j.agent.nn.ParamStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Adam (PyTorch's update, bias-corrected) over a set of parameters with a learning rate per parameter, after
 * clipping the gradients' global L2 norm. Moments live in the {@link ParamStore} as {@code <prefix>.<name>.exp_avg}
 * and {@code .exp_avg_sq}, so checkpoints carry them; the step counter is {@link #steps()}.
 *
 * <p>On a GPU with tdmpc2j's native extension the whole step runs on the device without reading anything back
 * (PyTorch's fused Adam, the step counter a device tensor), so it can be captured in a CUDA graph; otherwise the
 * norm is read back to scale DJL's fused update.
 */
public final class Adam {
    private record Slot(NDArray param, NDArray expAvg, NDArray expAvgSq, float lr) {
    }

    private final List<Slot> slots = new ArrayList<>();
    private final float beta1 = 0.9f;
    private final float beta2 = 0.999f;
    private final float eps;
    private final float clipNorm;
    private final NDArray deviceSteps;
    private long steps;

    /** @param lrByName learning rate of each parameter, in a stable order */
    public Adam(ParamStore store, String prefix, Map<String, Float> lrByName, float eps, float clipNorm) {
        this.eps = eps;
        this.clipNorm = clipNorm;
        lrByName.forEach((name, lr) -> {
            NDArray p = store.get(name);
            NDArray m = store.constant(prefix + "." + name + ".exp_avg", "optim", p.getShape(), 0f, false);
            NDArray v = store.constant(prefix + "." + name + ".exp_avg_sq", "optim", p.getShape(), 0f, false);
            slots.add(new Slot(p, m, v, lr));
        });
        NDManager manager = store.manager();
        this.deviceSteps = manager.getDevice().isGpu() && TorchNative.available() ? manager.zeros(new Shape()) : null;
    }

    /** The step counter on the device (null on the host path), for state snapshots. */
    NDArray deviceSteps() {
        return deviceSteps;
    }

    public long steps() {
        return deviceSteps != null ? (long) deviceSteps.getFloat() : steps;
    }

    public void setSteps(long steps) {
        this.steps = steps;
        if (deviceSteps != null) {
            try (NDArray value = deviceSteps.getManager().full(new Shape(), (float) steps)) {
                TorchNative.copyInto(deviceSteps, value);
            }
        }
    }

    /**
     * One step from the accumulated gradients, which it then zeroes. Returns the gradient norm before clipping, a
     * 0-d array in {@code m}.
     */
    public NDArray step(NDManager m) {
        if (deviceSteps != null) {
            int n = slots.size();
            NDArray[] params = new NDArray[n];
            NDArray[] expAvgs = new NDArray[n];
            NDArray[] expAvgSqs = new NDArray[n];
            double[] lrs = new double[n];
            for (int i = 0; i < n; i++) {
                Slot s = slots.get(i);
                params[i] = s.param;
                expAvgs[i] = s.expAvg;
                expAvgSqs[i] = s.expAvgSq;
                lrs[i] = s.lr;
            }
            NDArray norm = m.zeros(new Shape());
            TorchNative.adamStep(params, expAvgs, expAvgSqs, lrs, deviceSteps, beta1, beta2, eps, clipNorm, norm);
            return norm;
        }
        return hostStep(m);
    }

    private NDArray hostStep(NDManager m) {
        List<NDArray> grads = new ArrayList<>(slots.size());
        NDList norms = new NDList();
        for (Slot s : slots) {
            NDArray g = s.param.getGradient();
            grads.add(g);
            norms.add(g.norm());
        }
        NDArray normArray = NDArrays.stack(norms).norm();
        float norm = normArray.getFloat();
        if (!Float.isFinite(norm)) {
            // a non-finite gradient would poison the moments: drop this step
            for (NDArray g : grads) {
                g.set(new ai.djl.ndarray.index.NDIndex("..."), 0f);
            }
            return normArray;
        }
        float rescale = Math.min(1f, clipNorm / (norm + 1e-6f));
        steps++;
        double bc1 = 1 - Math.pow(beta1, steps);
        double bc2 = 1 - Math.pow(beta2, steps);
        // PyTorch's Adam: p -= lr / bc1 * m / (sqrt(v) / sqrt(bc2) + eps), written with sqrt(bc2) moved out
        float epsHat = (float) (eps * Math.sqrt(bc2));
        for (int i = 0; i < slots.size(); i++) {
            Slot s = slots.get(i);
            float stepSize = (float) (s.lr * Math.sqrt(bc2) / bc1);
            // DJL's fused native update (one call: rescale, moments, step) that also zeroes the gradient
            s.param.getNDArrayInternal().adamUpdate(new NDList(s.param, grads.get(i), s.expAvg, s.expAvgSq),
                    new NDList(s.param), s.lr, stepSize, 0f, rescale, -1f, beta1, beta2, epsHat, false, false);
        }
        return normArray;
    }
}
