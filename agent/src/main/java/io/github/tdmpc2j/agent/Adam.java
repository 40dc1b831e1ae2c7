package io.github.tdmpc2j.agent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.github.tdmpc2j.agent.gpu.TorchNative;
import io.github.tdmpc2j.agent.nn.ParamStore;
import io.github.tdmpc2j.agent.nn.ScriptOps;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Adam (PyTorch's update, bias-corrected) over a set of parameters with a learning rate per parameter, after
 * clipping the gradients' global L2 norm. Moments live in the {@link ParamStore} as {@code <prefix>.<name>.exp_avg}
 * and {@code .exp_avg_sq}, so checkpoints carry them; the step counter is {@link #steps()}.
 *
 * <p>The whole step runs on the device without reading anything back: the gradients' global norm, the clipping,
 * PyTorch's fused Adam per learning rate with a non-finite norm skipping the step, and the step counter, a 0-d
 * tensor on the device. On a GPU with tdmpc2j's native extension it is that extension's call (so a CUDA graph
 * can capture it), elsewhere the same operators through {@link ScriptOps}: for the cpu preset's model (40 tensors,
 * 1.0 M weights) 1.4 ms on 2 CPU cores where DJL's per-parameter {@code adamUpdate}, which it replaced, took
 * 3.6-4.2 ms (bench/RESULTS.md, "Adam and the soft update as foreach kernels").
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
    private final boolean onNative;
    /** The parameters by learning rate, in first-seen order, with their moments: ScriptOps' groups. */
    private final List<Float> groupLrs = new ArrayList<>();
    private final List<List<NDArray>> groupParams = new ArrayList<>();
    private final List<List<NDArray>> groupExpAvgs = new ArrayList<>();
    private final List<List<NDArray>> groupExpAvgSqs = new ArrayList<>();
    private final double[] groupRates;

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
        for (Slot s : slots) {
            int g = groupLrs.indexOf(s.lr);
            if (g < 0) {
                g = groupLrs.size();
                groupLrs.add(s.lr);
                groupParams.add(new ArrayList<>());
                groupExpAvgs.add(new ArrayList<>());
                groupExpAvgSqs.add(new ArrayList<>());
            }
            groupParams.get(g).add(s.param);
            groupExpAvgs.get(g).add(s.expAvg);
            groupExpAvgSqs.get(g).add(s.expAvgSq);
        }
        this.groupRates = groupLrs.stream().mapToDouble(Float::doubleValue).toArray();
        NDManager manager = store.manager();
        this.deviceSteps = manager.zeros(new Shape());
        this.onNative = manager.getDevice().isGpu() && TorchNative.available();
        ScriptOps.load();
    }

    /** The step counter on the device, for state snapshots. */
    NDArray deviceSteps() {
        return deviceSteps;
    }

    public long steps() {
        return (long) deviceSteps.getFloat();
    }

    public void setSteps(long steps) {
        deviceSteps.set(new NDIndex("..."), (float) steps);
    }

    /**
     * One step from the accumulated gradients, which it then zeroes (on a GPU with the native extension: drops, so
     * that the next backward pass writes them afresh instead of adding into zeros). Returns the gradient norm before
     * clipping, a 0-d array in {@code m}.
     */
    public NDArray step(NDManager m) {
        if (onNative) {
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
        return scriptStep(m);
    }

    /** The same step through {@link ScriptOps}, one fused Adam per learning-rate group. */
    private NDArray scriptStep(NDManager m) {
        return ScriptOps.adamStep(m, groupParams, groupExpAvgs, groupExpAvgSqs, groupRates, deviceSteps, beta1, beta2,
                eps, clipNorm);
    }
}
