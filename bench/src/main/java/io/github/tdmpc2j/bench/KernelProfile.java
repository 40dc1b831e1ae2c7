package io.github.tdmpc2j.bench;

import com.google.gson.JsonObject;
import io.github.tdmpc2j.agent.DjlRuntime;
import io.github.tdmpc2j.agent.TdmpcAgent;
import io.github.tdmpc2j.agent.TdmpcConfig;
import io.github.tdmpc2j.agent.gpu.TorchNative;
import io.github.tdmpc2j.agent.nn.FusedKernels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the time of one act and one update goes on a GPU: PyTorch's Kineto profiler (through the native extension)
 * records the GPU's kernels while the agent acts and updates as usual (replaying its CUDA graphs when they are on),
 * and this prints, per call, the kernels and their summed time, the GPU's busy share of the call's wall time (the
 * rest is launch gaps, copies in and out and the host), and the kernels that take the most time, by name. On the CPU
 * (no GPU, or the CPU fallback) it records the operators instead.
 *
 * <p>Usage: {@code KernelProfile [preset=paper] [sizes=5,317] [calls=5] [top=12] [key=value ...]}; the other keys
 * are agent settings ({@code device=gpu}, {@code cuda_graphs=false}, ...). Needs the native extension.
 */
public final class KernelProfile {
    private KernelProfile() {
    }

    /** One profiled call kind: what ran and how long, per call. */
    record Profile(int kernels, double kernelUs, double busyUs, double wallUs, Map<String, double[]> byName) {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> opts = Args.parse(Map.of("preset", "paper", "sizes", "5,317", "calls", "5", "top", "12"),
                args);
        int calls = Integer.parseInt(opts.get("calls"));
        int top = Integer.parseInt(opts.get("top"));
        if (!TorchNative.available()) {
            System.out.println("KernelProfile needs tdmpc2j's native extension: "
                    + TorchNative.unavailableReason().orElse(""));
            System.exit(2);
        }
        List<String> details = new ArrayList<>();
        System.out.printf("| size | call | device | graphs | kernels per call | kernel time per call (us) "
                + "| wall per call (us) | GPU busy share of wall |%n|---|---|---|---|---|---|---|---|%n");
        for (String size : opts.get("sizes").split(",")) {
            Map<String, String> params = new HashMap<>(Map.of("preset", opts.get("preset"), "model_size", size,
                    "seed_steps", "1000000000"));
            opts.forEach((k, v) -> {
                if (!List.of("preset", "sizes", "calls", "top").contains(k)) {
                    params.put(k, v);
                }
            });
            try (TdmpcAgent agent = AgentBench.filledAgent(params)) {
                float[] obs = new float[24];
                // warm: the graphs are captured on the first calls
                for (int i = 0; i < 3; i++) {
                    agent.update();
                    agent.act(obs, 0, true);
                }
                boolean gpu = DjlRuntime.device(TdmpcConfig.from(params).device()).isGpu();
                for (String call : new String[] {"act", "update"}) {
                    Runnable run = call.equals("act") ? () -> agent.act(obs, 0, true) : agent::update;
                    Profile p = profile(run, calls, gpu);
                    System.out.printf("| %sM | %s | %s | %s | %d | %.0f | %.0f | %.2f |%n", size, call,
                            gpu ? "gpu" : "cpu", agent.cudaGraphsActive(), p.kernels(), p.kernelUs(), p.wallUs(),
                            p.busyUs() / p.wallUs());
                    StringBuilder d = new StringBuilder(size + "M " + call + ", top " + (gpu ? "kernels" : "ops")
                            + " by time per call (us, count):");
                    p.byName().entrySet().stream()
                            .sorted(Comparator.comparingDouble((Map.Entry<String, double[]> e) -> -e.getValue()[0]))
                            .limit(top).forEach(e -> d.append(String.format("%n    %8.1f %4.0f  %s",
                                    e.getValue()[0], e.getValue()[1], e.getKey())));
                    details.add(d.toString());
                }
            }
            // each size's details as soon as it is done, so that a run stopped by its time budget keeps them
            details.forEach(System.out::println);
            details.clear();
        }
        System.out.println("fused kernels " + FusedKernels.decisions());
    }

    /** Profiles {@code calls} calls of {@code run} (a call returns after its results are on the host). */
    static Profile profile(Runnable run, int calls, boolean gpu) throws IOException {
        Path trace = Files.createTempFile("tdmpc2j-kernels", ".json");
        try {
            TorchNative.profileStart(gpu);
            long t0 = System.nanoTime();
            for (int i = 0; i < calls; i++) {
                run.run();
            }
            double wallUs = (System.nanoTime() - t0) / 1e3 / calls;
            TorchNative.profileStop(trace.toString());
            List<double[]> spans = new ArrayList<>();
            Map<String, double[]> byName = new TreeMap<>();
            double total = 0;
            for (JsonObject o : OpCount.spans(trace)) {
                String cat = o.has("cat") ? o.get("cat").getAsString() : "";
                if (gpu ? !cat.equals("kernel") : !cat.equals("cpu_op")) {
                    continue;
                }
                double ts = o.get("ts").getAsDouble();
                double dur = o.get("dur").getAsDouble();
                spans.add(new double[] {ts, ts + dur});
                total += dur;
                double[] acc = byName.computeIfAbsent(shortName(o.get("name").getAsString()), k -> new double[2]);
                acc[0] += dur / calls;
                acc[1] += 1.0 / calls;
            }
            return new Profile((int) Math.round((double) spans.size() / calls), total / calls, union(spans) / calls,
                    wallUs, byName);
        } finally {
            Files.deleteIfExists(trace);
        }
    }

    /** The time covered by at least one of the intervals. */
    static double union(List<double[]> spans) {
        spans.sort(Comparator.comparingDouble(s -> s[0]));
        double covered = 0;
        double start = Double.NaN;
        double end = Double.NaN;
        for (double[] s : spans) {
            if (Double.isNaN(end) || s[0] > end) {
                if (!Double.isNaN(end)) {
                    covered += end - start;
                }
                start = s[0];
                end = s[1];
            } else {
                end = Math.max(end, s[1]);
            }
        }
        return Double.isNaN(end) ? covered : covered + end - start;
    }

    /** A kernel's name, without a leading "void ", at most 110 characters (template arguments name the functor). */
    static String shortName(String name) {
        String s = name.startsWith("void ") ? name.substring(5) : name;
        return s.length() > 110 ? s.substring(0, 110) : s;
    }
}
