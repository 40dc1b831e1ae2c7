package io.github.tdmpc2j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.tdmpc2j.agent.DjlRuntime;
import io.github.tdmpc2j.agent.FlopCount;
import io.github.tdmpc2j.agent.TdmpcAgent;
import io.github.tdmpc2j.agent.TdmpcConfig;
import io.github.tdmpc2j.agent.nn.FusedKernels;
import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.SuccessMetric;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.Transition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * TD-MPC2 cost on a DMControl-sized task (obs 24, action 6): FLOPs (from shapes) and milliseconds of one act and
 * one update per model size and preset, and the GFLOP/s they reach next to a large DJL matrix product measured
 * in the same run.
 *
 * <p>Usage: {@code AgentBench [preset=paper] [sizes=1,5] [rounds=3] [rows=1,4,8,16] [tasks=1] [key=value ...]},
 * where the other keys are agent settings (for example {@code batch_size=64}); also prints the FLOP table of every
 * size. {@code rows}: batch sizes (rows of a vector env planned in one act call) to time acting at, per call and per
 * row, taking turns within each round (default 1: the single-env act of the main table only). {@code tasks}: with
 * more than one, a multitask agent over that many tasks of the same sizes (task embeddings, per-task masks and
 * discounts; its buffer's episodes spread over the tasks), whose act and update are timed the same way.
 */
public final class AgentBench {
    private static final int OBS = 24;
    private static final int ACT = 6;

    public static void main(String[] args) {
        Map<String, String> opts = Args.parse(Map.of("preset", "paper", "sizes", "1,5", "rounds", "3", "rows", "1",
                "tasks", "1"), args);
        String preset = opts.get("preset");
        int rounds = Integer.parseInt(opts.get("rounds"));
        int tasks = Integer.parseInt(opts.get("tasks"));
        System.out.println("FLOPs per call (matrix products), obs 24, action 6, preset " + preset
                + (tasks > 1 ? ", a multitask agent over " + tasks + " tasks" : "") + ":");
        System.out.printf("%-6s %12s %14s%n", "size", "act GFLOP", "update GFLOP");
        for (int size : new int[] {1, 5, 19, 48, 317}) {
            TdmpcConfig cfg = TdmpcConfig.from(Map.of("preset", preset, "model_size", Integer.toString(size)));
            System.out.printf("%-6s %12.3f %14.3f%n", size + "M", FlopCount.act(cfg, OBS, ACT, tasks) / 1e9,
                    FlopCount.update(cfg, OBS, ACT, tasks, false) / 1e9);
        }
        double matmul = matmulGflops(rounds);
        System.out.printf("DJL matmul 2048x2048x2048: %.1f GFLOP/s%n", matmul);
        System.out.printf("| size | preset | act ms | act GFLOP/s | act / matmul | update ms | update GFLOP/s "
                + "| update / matmul |%n|---|---|---|---|---|---|---|---|%n");
        for (String s : opts.get("sizes").split(",")) {
            Map<String, String> params = new HashMap<>(Map.of("preset", preset, "model_size", s, "seed_steps",
                    "1000000000", "device", "cpu"));
            opts.forEach((k, v) -> {
                if (!List.of("preset", "sizes", "rounds", "rows", "tasks").contains(k)) {
                    params.put(k, v);
                }
            });
            TdmpcConfig cfg = TdmpcConfig.from(params);
            try (TdmpcAgent agent = filledAgent(params, tasks)) {
                float[] obs = new float[OBS];
                agent.update();
                agent.act(obs, 0, true);
                double bestUpdate = Double.MAX_VALUE;
                double bestAct = Double.MAX_VALUE;
                int calls = 5;
                for (int round = 0; round < rounds; round++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < calls; i++) {
                        agent.update();
                    }
                    long t1 = System.nanoTime();
                    for (int i = 0; i < calls; i++) {
                        // eval=true: the seed phase is never left here, and eval acts always plan
                        agent.act(obs, 0, true);
                    }
                    long t2 = System.nanoTime();
                    bestUpdate = Math.min(bestUpdate, (t1 - t0) / 1e6 / calls);
                    bestAct = Math.min(bestAct, (t2 - t1) / 1e6 / calls);
                }
                System.out.printf("device %s, act CUDA graphs %s%s, fused kernels %s%n",
                        cfg.device(), agent.cudaGraphsActive(), agent.cudaGraphsActive() ? ""
                                : io.github.tdmpc2j.agent.gpu.TorchNative.unavailableReason()
                                        .map(why -> " (" + why + ")").orElse(""),
                        FusedKernels.decisions().isEmpty() ? "not used" : FusedKernels.decisions());
                double actRate = FlopCount.act(cfg, OBS, ACT, tasks) / bestAct / 1e6;
                double updateRate = FlopCount.update(cfg, OBS, ACT, tasks, false) / bestUpdate / 1e6;
                System.out.printf("| %sM | %s | %.1f | %.1f | %.2f | %.1f | %.1f | %.2f |%n", s, preset, bestAct,
                        actRate, actRate / matmul, bestUpdate, updateRate, updateRate / matmul);
                if (!opts.get("rows").equals("1")) {
                    actRows(agent, cfg, opts.get("rows"), rounds, s, preset, matmul);
                }
            }
        }
    }

    /**
     * An agent for a DMControl-sized task (obs 24, action 6) with 2,000 random transitions in its buffer (four
     * 500-step episodes), ready to update; {@code params} as {@code TdmpcConfig} takes them.
     */
    static TdmpcAgent filledAgent(Map<String, String> params) {
        return filledAgent(params, 1);
    }

    /** {@link #filledAgent(Map)} for a multitask agent over {@code tasks} tasks of that size (one for 1). */
    static TdmpcAgent filledAgent(Map<String, String> params, int tasks) {
        List<TaskSpec> specs = new java.util.ArrayList<>();
        for (int k = 0; k < tasks; k++) {
            specs.add(new TaskSpec(tasks == 1 ? "bench/dmc-sized" : "bench/dmc-sized-" + k, List.of(),
                    Box.unbounded(OBS), Box.of(ACT, -1f, 1f), 500, 2, SuccessMetric.RETURN, false));
        }
        TdmpcAgent agent = new TdmpcAgent(tasks == 1 ? AgentContext.single(specs.get(0), params, 1L)
                : AgentContext.of(io.github.tdmpc2j.spi.TaskSpace.of(specs), params, 1L));
        Random r = new Random(1);
        float[] obs = new float[OBS];
        for (int t = 0; t < 2000; t++) {
            float[] next = new float[OBS];
            float[] a = new float[ACT];
            for (int i = 0; i < OBS; i++) {
                next[i] = (float) r.nextGaussian();
            }
            for (int i = 0; i < ACT; i++) {
                a[i] = 2 * r.nextFloat() - 1;
            }
            // 500-step episodes, each of one task, the tasks taking turns
            agent.observe(new Transition((t / 500) % tasks, obs, a, r.nextDouble(), next, false, t % 500 == 499));
            obs = next;
        }
        return agent;
    }

    /**
     * Times act on batches of B rows (different observations, one call plans them all): per batch size the best
     * of {@code rounds} rounds of 5 calls, the batch sizes taking turns within each round (so that a change of
     * load on a shared machine affects them alike); per call and per row, and rows per second relative to B = 1.
     */
    private static void actRows(TdmpcAgent agent, TdmpcConfig cfg, String rowList, int rounds, String size,
            String preset, double matmul) {
        int[] sizes = java.util.Arrays.stream(rowList.split(",")).mapToInt(b -> Integer.parseInt(b.trim())).toArray();
        Random r = new Random(2);
        float[][][] obs = new float[sizes.length][][];
        int[][] tasks = new int[sizes.length][];
        double[] best = new double[sizes.length];
        for (int k = 0; k < sizes.length; k++) {
            obs[k] = new float[sizes[k]][OBS];
            for (float[] o : obs[k]) {
                for (int i = 0; i < OBS; i++) {
                    o[i] = (float) r.nextGaussian();
                }
            }
            tasks[k] = new int[sizes[k]];
            agent.act(obs[k], tasks[k], true);
            best[k] = Double.MAX_VALUE;
        }
        int calls = 5;
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < sizes.length; k++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    agent.act(obs[k], tasks[k], true);
                }
                best[k] = Math.min(best[k], (System.nanoTime() - t0) / 1e6 / calls);
            }
        }
        System.out.printf("| size | preset | rows | act ms per call | act ms per row | rows/s | rows/s vs 1 row "
                + "| act GFLOP/s | act / matmul |%n|---|---|---|---|---|---|---|---|---|%n");
        double single = Double.NaN;
        for (int k = 0; k < sizes.length; k++) {
            double perSecond = sizes[k] / best[k] * 1e3;
            if (sizes[k] == 1) {
                single = perSecond;
            }
            double rate = sizes[k] * FlopCount.act(cfg, OBS, ACT, 1) / best[k] / 1e6;
            System.out.printf("| %sM | %s | %d | %.1f | %.2f | %.1f | %s | %.1f | %.2f |%n", size, preset, sizes[k],
                    best[k], best[k] / sizes[k], perSecond, Double.isNaN(single) ? "-"
                            : String.format("%.2f", perSecond / single), rate, rate / matmul);
        }
    }

    private static double matmulGflops(int rounds) {
        int n = 2048;
        try (NDManager m = DjlRuntime.engine().newBaseManager()) {
            NDArray a = m.randomNormal(new Shape(n, n));
            NDArray b = m.randomNormal(new Shape(n, n));
            a.matMul(b).close();
            double best = Double.MAX_VALUE;
            for (int round = 0; round < rounds; round++) {
                long t0 = System.nanoTime();
                try (NDArray c = a.matMul(b)) {
                    c.getFloat(0, 0);
                }
                best = Math.min(best, (System.nanoTime() - t0) / 1e9);
            }
            return 2.0 * n * n * n / best / 1e9;
        }
    }
}
