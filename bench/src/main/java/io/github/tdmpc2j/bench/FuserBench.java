package io.github.tdmpc2j.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import io.github.tdmpc2j.agent.DjlRuntime;
import io.github.tdmpc2j.agent.TwoHot;
import io.github.tdmpc2j.agent.gpu.CudaGraph;
import io.github.tdmpc2j.agent.gpu.TorchNative;
import io.github.tdmpc2j.agent.nn.NoGrad;
import io.github.tdmpc2j.agent.nn.Scalars;
import io.github.tdmpc2j.agent.nn.ScriptOps;
import io.github.tdmpc2j.spi.Messages;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Whether TorchScript's fuser would shorten the planner's element-wise tails on a GPU (issue 12: the 5M act replays
 * about a thousand small kernels where the reference's torch.compile fuses them). Two tails of a 5M paper-preset plan,
 * each written twice: as DJL operators, the way the planner issues them, and as one TorchScript method (loaded through
 * {@link ScriptOps#compile}), which PyTorch's profiling executor may fuse on a GPU after its profiled runs. Each is
 * timed eagerly and, with tdmpc2j's native extension, replayed as a CUDA graph captured after warm-up runs (the
 * graph keeps whatever kernels the fuser made).
 *
 * <ul>
 *   <li>{@code decode}: the reward logits of the horizon, [3, 512 B, 101], decoded (softmax, weighted bin sum,
 *       symexp), discounted and summed over the horizon with a terminal value: the value of every sample.
 *   <li>{@code refit}: MPPI's refit of one iteration from values [B, 512] and actions [B, 512, 3, 6]: top 64,
 *       their actions, softmax weights, weighted mean and standard deviation, clamped.
 * </ul>
 *
 * <p>Usage: {@code FuserBench [device=gpu] [rows=1] [calls=200] [warmups=5]}. On the CPU (no fuser without LLVM,
 * no graphs) it only checks that both forms give the same values and times them. On a GPU with the extension it
 * also compares the extension's Adam step with {@link ScriptOps}'s.
 */
public final class FuserBench {
    private static final int SAMPLES = 512;
    private static final int HORIZON = 3;
    private static final int ACTIONS = 6;
    private static final int ELITES = 64;
    private static final int BINS = 101;
    private static final float DISCOUNT = 0.99f;
    private static final float TEMPERATURE = 0.5f;

    private static final String SOURCE = String.join("\n",
            "class ScriptOps(Module):",
            "  __parameters__ = []",
            "  __buffers__ = []",
            "  training : bool",
            "  def forward(self: __torch__.ScriptOps,",
            "    x: Tensor) -> Tensor:",
            "    return x",
            "  def decode(self: __torch__.ScriptOps,",
            "    logits: Tensor,",
            "    centres: Tensor,",
            "    q: Tensor,",
            "    discount: float) -> Tensor:",
            "    y = torch.sum(torch.mul(torch.softmax(logits, -1), centres), [-1], True)",
            "    r = torch.mul(torch.sign(y), torch.sub(torch.exp(torch.abs(y)), 1.))",
            "    g = torch.add(torch.add(r[0], torch.mul(r[1], discount)), torch.mul(r[2], discount * discount))",
            "    return torch.add(g, torch.mul(q, discount * discount * discount))",
            "  def refit(self: __torch__.ScriptOps,",
            "    value: Tensor,",
            "    actions: Tensor,",
            "    offsets: Tensor,",
            "    temperature: float,",
            "    min_std: float,",
            "    max_std: float) -> List[Tensor]:",
            "    top, index = torch.topk(value, " + ELITES + ", 1, True, True)",
            "    flat = torch.reshape(actions, [-1, " + HORIZON + ", " + ACTIONS + "])",
            "    picked = torch.index_select(flat, 0, torch.reshape(torch.add(index, offsets), [-1]))",
            "    elite = torch.reshape(picked, [-1, " + ELITES + ", " + HORIZON + ", " + ACTIONS + "])",
            "    w = torch.reshape(torch.softmax(torch.mul(top, temperature), 1), [-1, " + ELITES + ", 1, 1])",
            "    mean = torch.sum(torch.mul(elite, w), [1])",
            "    d = torch.sub(elite, torch.unsqueeze(mean, 1))",
            "    std = torch.clamp(torch.sqrt(torch.sum(torch.mul(torch.mul(d, d), w), [1])), min_std, max_std)",
            "    return [mean, std]",
            "");

    private FuserBench() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> opts = Args.parse(Map.of("device", "gpu", "rows", "1", "calls", "200", "warmups", "5"),
                args);
        Device device = DjlRuntime.device(opts.get("device"));
        int rows = Integer.parseInt(opts.get("rows"));
        int calls = Integer.parseInt(opts.get("calls"));
        int warmups = Integer.parseInt(opts.get("warmups"));
        boolean graphs = device.isGpu() && TorchNative.available();
        System.out.printf("FuserBench on %s, %s of %d samples, CUDA graphs %s%n", device, Messages.plural(rows, "row"),
                SAMPLES, graphs ? "yes" : "no (" + TorchNative.unavailableReason().orElse("not a GPU") + ")");
        PtSymbolBlock script = ScriptOps.compile(SOURCE);
        TwoHot twoHot = new TwoHot(BINS, -10f, 10f);
        try (NoGrad off = new NoGrad(); NDManager m = DjlRuntime.engine().newBaseManager(device)) {
            NDArray logits = m.randomNormal(new Shape(HORIZON, (long) rows * SAMPLES, BINS));
            NDArray q = m.randomNormal(new Shape((long) rows * SAMPLES, 1));
            NDArray centres = m.linspace(-10f, 10f, BINS);
            NDArray value = m.randomNormal(new Shape(rows, SAMPLES));
            NDArray actions = m.randomUniform(-1f, 1f, new Shape(rows, SAMPLES, HORIZON, ACTIONS));
            NDArray offsets = m.arange(0, rows * SAMPLES, SAMPLES, ai.djl.ndarray.types.DataType.INT64)
                    .reshape(rows, 1);
            NDArray probe = m.zeros(new Shape(1));
            List<String> table = new ArrayList<>();
            table.add("| tail | form | eager us | graph us |");
            table.add("|---|---|---|---|");
            Supplier<NDList> decodeDjl = () -> {
                NDArray r = twoHot.decode(logits);
                NDArray g = r.get(0).add(Scalars.mul(r.get(1), DISCOUNT)).add(Scalars.mul(r.get(2),
                        DISCOUNT * DISCOUNT));
                return new NDList(g.add(Scalars.mul(q, DISCOUNT * DISCOUNT * DISCOUNT)));
            };
            Supplier<NDList> decodeScript = () -> run(m, script, "decode", new IValue[] {
                IValue.from((PtNDArray) logits), IValue.from((PtNDArray) centres), IValue.from((PtNDArray) q),
                IValue.from((double) DISCOUNT)});
            Supplier<NDList> refitDjl = () -> {
                NDList top = value.topK(ELITES, 1, true, true);
                NDArray flat = actions.reshape(-1, HORIZON, ACTIONS);
                NDArray elite = flat.get(new ai.djl.ndarray.index.NDIndex("{}",
                        top.get(1).add(offsets).reshape(-1))).reshape(rows, ELITES, HORIZON, ACTIONS);
                NDArray w = Scalars.mul(top.get(0), TEMPERATURE).softmax(1).reshape(rows, ELITES, 1, 1);
                NDArray mean = elite.mul(w).sum(new int[] {1});
                NDArray std = Scalars.clip(elite.sub(mean.expandDims(1)).square().mul(w).sum(new int[] {1}).sqrt(),
                        0.05f, 2f);
                return new NDList(mean, std);
            };
            Supplier<NDList> refitScript = () -> run(m, script, "refit", new IValue[] {IValue.from((PtNDArray) value),
                IValue.from((PtNDArray) actions), IValue.from((PtNDArray) offsets),
                IValue.from((double) TEMPERATURE), IValue.from(0.05), IValue.from(2.0)});
            compare("decode", decodeDjl, decodeScript);
            compare("refit", refitDjl, refitScript);
            time(table, "decode", "DJL operators", decodeDjl, calls, warmups, graphs, probe);
            time(table, "decode", "TorchScript method", decodeScript, calls, warmups, graphs, probe);
            time(table, "refit", "DJL operators", refitDjl, calls, warmups, graphs, probe);
            time(table, "refit", "TorchScript method", refitScript, calls, warmups, graphs, probe);
            table.forEach(System.out::println);
            if (graphs) {
                adamAgainstTheExtension(m);
            }
        }
    }

    /**
     * On a GPU with the native extension, {@code Adam} runs the extension's step, elsewhere {@link ScriptOps}'s
     * TorchScript one (the same operators). Three steps of each on copies of the same parameters and gradients:
     * if they agree, the extension's C++ step can go and every device runs the one in {@code script_ops.py}.
     */
    private static void adamAgainstTheExtension(NDManager m) {
        double[] lrs = {1e-3, 3e-4};
        NDArray[][] params = new NDArray[2][];
        NDArray[][] moments = new NDArray[2][];
        NDArray[] steps = new NDArray[2];
        for (int k = 0; k < 2; k++) {
            m.getEngine().setRandomSeed(3);
            params[k] = new NDArray[] {m.randomNormal(new Shape(512, 512)), m.randomNormal(new Shape(512))};
            moments[k] = new NDArray[] {params[k][0].zerosLike(), params[k][1].zerosLike(),
                params[k][0].zerosLike(), params[k][1].zerosLike()};
            steps[k] = m.zeros(new Shape());
            for (NDArray p : params[k]) {
                p.setRequiresGradient(true);
            }
        }
        for (int t = 1; t <= 3; t++) {
            for (int k = 0; k < 2; k++) {
                try (io.github.tdmpc2j.agent.nn.Recording rec = new io.github.tdmpc2j.agent.nn.Recording()) {
                    rec.backward(params[k][0].square().sum().add(params[k][1].sin().sum()).mul(t));
                }
            }
            try (NDArray norm = m.zeros(new Shape())) {
                TorchNative.adamStep(params[0], new NDArray[] {moments[0][0], moments[0][1]},
                        new NDArray[] {moments[0][2], moments[0][3]}, lrs, steps[0], 0.9, 0.999, 1e-8, 20.0, norm);
            }
            ScriptOps.adamStep(m, List.of(List.of(params[1][0]), List.of(params[1][1])),
                    List.of(List.of(moments[1][0]), List.of(moments[1][1])),
                    List.of(List.of(moments[1][2]), List.of(moments[1][3])), lrs, steps[1], 0.9, 0.999, 1e-8, 20.0)
                    .close();
        }
        float diff = 0;
        for (int i = 0; i < 2; i++) {
            diff = Math.max(diff, params[0][i].sub(params[1][i]).abs().max().getFloat());
        }
        for (int i = 0; i < 4; i++) {
            diff = Math.max(diff, moments[0][i].sub(moments[1][i]).abs().max().getFloat());
        }
        System.out.printf("Adam, 3 steps: native extension vs TorchScript (ScriptOps), largest difference of weights "
                + "and moments %.3g, step counters %.0f and %.0f%n", diff, steps[0].getFloat(), steps[1].getFloat());
        if (!(diff <= 1e-5f) || steps[0].getFloat() != steps[1].getFloat()) {
            throw new IllegalStateException("Adam: the native extension's step disagrees with ScriptOps' by " + diff
                    + " (step counters " + steps[0].getFloat() + " and " + steps[1].getFloat() + ")");
        }
    }

    private static NDList run(NDManager m, PtSymbolBlock script, String method, IValue[] args) {
        try (IValue out = IValueUtils.runMethod(script, method, args)) {
            if (out.isTensor()) {
                return new NDList(out.toTensor((PtNDManager) m));
            }
            return new NDList(out.toTensorArray((PtNDManager) m));
        } finally {
            Arrays.stream(args).forEach(IValue::close);
        }
    }

    /** Both forms must agree before their times mean anything. */
    private static void compare(String name, Supplier<NDList> a, Supplier<NDList> b) {
        try (NDScope scope = new NDScope()) {
            NDList x = a.get();
            NDList y = b.get();
            for (int i = 0; i < x.size(); i++) {
                float diff = x.get(i).sub(y.get(i)).abs().max().getFloat();
                System.out.printf("%s output %d: largest difference between the forms %.3g%n", name, i, diff);
                if (!(diff <= 1e-4f)) {
                    throw new IllegalStateException(name + ": the two forms disagree by " + diff);
                }
            }
        }
    }

    private static void time(List<String> table, String tail, String form, Supplier<NDList> body, int calls,
            int warmups, boolean graphs, NDArray probe) {
        Device device = probe.getDevice();
        for (int i = 0; i < warmups; i++) {
            // TorchScript's profiling executor profiles the first runs and optimises (on a GPU: fuses) after them
            try (NDScope scope = new NDScope()) {
                body.get();
            }
        }
        double eager = best(() -> {
            try (NDScope scope = new NDScope()) {
                body.get();
            }
        }, calls, probe);
        String graphed = "-";
        if (graphs) {
            NDList[] kept = new NDList[1];
            try (CudaGraph graph = CudaGraph.capture(device.getDeviceId(), warmups, () -> {
                try (NDScope scope = new NDScope()) {
                    NDList out = body.get();
                    out.forEach(NDScope::unregister);
                    if (kept[0] != null) {
                        kept[0].close();
                    }
                    kept[0] = out;
                }
            })) {
                graphed = String.format("%.1f", best(graph::replay, calls, probe));
            } catch (RuntimeException e) {
                graphed = "capture failed: " + e.getMessage();
            } finally {
                if (kept[0] != null) {
                    kept[0].close();
                }
            }
        }
        table.add(String.format("| %s | %s | %.1f | %s |", tail, form, eager, graphed));
    }

    /** Mean microseconds per call over {@code calls} calls, best of 3 rounds, the device synchronised around each. */
    private static double best(Runnable call, int calls, NDArray probe) {
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 3; round++) {
            sync(probe);
            long t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                call.run();
            }
            sync(probe);
            best = Math.min(best, (System.nanoTime() - t0) / 1e3 / calls);
        }
        return best;
    }

    /** Waits for the device: a one-float read back waits for everything queued before it on the stream. */
    private static void sync(NDArray probe) {
        probe.toFloatArray();
    }
}
