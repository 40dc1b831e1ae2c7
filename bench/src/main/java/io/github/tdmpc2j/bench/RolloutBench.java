package io.github.tdmpc2j.bench;

import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.MultitaskEnv;
import io.github.tdmpc2j.spi.TaskSpace;
import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.Agents;
import io.github.tdmpc2j.spi.rollout.Rollout;
import io.github.tdmpc2j.spi.vector.EpisodeSchedule;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Env steps per second of the rollout engine that {@code train} runs, for N rows at once: acting alone (the
 * agent plans for all N rows in one batch and the rows step on threads; no learning) and training (acting plus
 * one update per env step, {@code update_every=1}, as the reference), measured apart in one run.
 *
 * <p>Usage: {@code RolloutBench [task=dmc/cartpole-swingup] [rows=1,4,8,16] [seconds=20] [key=value ...]}, the
 * other keys being agent settings (default: the cpu preset on the cpu).
 */
public final class RolloutBench {
    public static void main(String[] args) {
        Map<String, String> opts = new HashMap<>(Map.of("task", "dmc/cartpole-swingup", "rows", "1,4,8,16",
                "seconds", "20"));
        Map<String, String> params = new HashMap<>(Map.of("preset", "cpu", "device", "cpu"));
        for (String a : args) {
            String k = a.substring(0, a.indexOf('='));
            String v = a.substring(a.indexOf('=') + 1);
            (opts.containsKey(k) ? opts : params).put(k, v);
        }
        double seconds = Double.parseDouble(opts.get("seconds"));
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("task %s, agent settings %s, %d cores, %.0f s per measurement%n", opts.get("task"), params,
                cores, seconds);
        System.out.println("| rows | acting env steps/s | acting vs 1 row | training env steps/s | training vs 1 row "
                + "| ms per update (training minus acting, per env step) |");
        System.out.println("|---|---|---|---|---|---|");
        double actOne = 0;
        double trainOne = 0;
        try (EnvRegistry registry = EnvRegistry.discover()) {
            TaskSpace space = TaskSpace.of(List.of(registry.resolve(opts.get("task"))));
            for (String r : opts.get("rows").split(",")) {
                int n = Integer.parseInt(r.trim());
                // acting: planning from the first step (no seed phase), nothing learned
                Map<String, String> acting = new HashMap<>(params);
                acting.put("seed_steps", "0");
                double act = rate(registry, space, n, cores, acting, Rollout.Mode.COLLECT, seconds, 0)[0];
                // training: a short seed phase fills the buffer, then one update per env step
                Map<String, String> training = new HashMap<>(params);
                training.put("seed_steps", "200");
                training.put("update_every", "1");
                // warm-up: every row finishes one episode, so the catch-up updates (which wait for a finished
                // episode in the buffer) are over before the measurement
                long episode = space.spec(0).maxEpisodeSteps();
                double[] train = rate(registry, space, n, cores, training, Rollout.Mode.TRAIN, seconds,
                        n * (episode + 1));
                if (n == 1 || actOne == 0) {
                    actOne = act;
                    trainOne = train[0];
                }
                System.out.printf(java.util.Locale.ROOT, "| %d | %.1f | %.2fx | %.1f | %.2fx | %.1f |%n", n, act,
                        act / actOne, train[0], train[0] / trainOne, 1000 / train[0] - 1000 / act);
            }
        }
    }

    /** Env steps per second over {@code seconds}, after {@code warmup} env steps. */
    private static double[] rate(EnvRegistry registry, TaskSpace space, int n, int cores, Map<String, String> params,
            Rollout.Mode mode, double seconds, long warmup) {
        try (MultitaskEnv rows = MultitaskEnv.make(registry, space, MultitaskEnv.spread(space, n), 1,
                Math.min(n, cores));
                Agent agent = Agents.find("tdmpc2").create(AgentContext.of(space, params, 1))) {
            Rollout rollout = new Rollout(rows, agent, mode);
            rollout.start(EpisodeSchedule.sequential(1, n));
            long steps = 0;
            while (steps < warmup + 2L * n) {
                steps += rollout.step().stepped();
            }
            long counted = 0;
            long t0 = System.nanoTime();
            while ((System.nanoTime() - t0) / 1e9 < seconds) {
                counted += rollout.step().stepped();
            }
            return new double[] {counted / ((System.nanoTime() - t0) / 1e9)};
        }
    }
}
