package io.github.tdmpc2j.bench;

import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.MultitaskEnv;
import io.github.tdmpc2j.spi.TaskSpace;
import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.Agents;
import io.github.tdmpc2j.spi.rollout.Rollout;
import io.github.tdmpc2j.spi.vector.EpisodeSchedule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Env steps per second of the rollout engine that {@code train} runs, for N rows at once: acting alone (the
 * agent plans for all N rows in one batch and the rows step on threads; no learning) and training (acting plus
 * one update per env step, {@code update_every=1}, as the reference), measured apart in one run.
 *
 * <p>Usage: {@code RolloutBench [task=dmc/cartpole-swingup] [rows=1,4,8,16] [train-rows=1,4] [seconds=20]
 * [rounds=3] [key=value ...]}, the other keys being agent settings (default: the cpu preset on the cpu). Training
 * is measured for the {@code train-rows} counts only: its warm-up runs every row through one episode with an
 * update per env step (N x 500 updates for N rows of a DMControl task), which takes long on 2 cores. Every configuration is warmed up
 * once and kept; then the row counts take turns, round after round, and the best round counts, so a load spike
 * on a shared machine hits one measurement, not one row count. Acting is also given as each round's rate over the
 * first row count's in the same round, the median over rounds: with many short rounds ({@code seconds=2
 * rounds=15}) it follows a machine whose speed drifts from one minute to the next.
 */
public final class RolloutBench {
    /** One configuration kept alive through the rounds: its rows, its agent and its rollout. */
    private record Runner(MultitaskEnv rows, Agent agent, Rollout rollout) implements AutoCloseable {
        static Runner start(EnvRegistry registry, TaskSpace space, int n, Map<String, String> params,
                Rollout.Mode mode, long warmup) {
            MultitaskEnv rows = MultitaskEnv.make(registry, space, MultitaskEnv.spread(space, n), 1);
            Agent agent = Agents.find("tdmpc2").create(AgentContext.of(space, params, 1));
            Rollout rollout = new Rollout(rows, agent, mode);
            rollout.start(EpisodeSchedule.sequential(1, n));
            long steps = 0;
            while (steps < warmup + 2L * n) {
                steps += rollout.step().stepped();
            }
            return new Runner(rows, agent, rollout);
        }

        /** Env steps per second over {@code seconds}. */
        double rate(double seconds) {
            long counted = 0;
            long t0 = System.nanoTime();
            while ((System.nanoTime() - t0) / 1e9 < seconds) {
                counted += rollout.step().stepped();
            }
            return counted / ((System.nanoTime() - t0) / 1e9);
        }

        @Override
        public void close() {
            agent.close();
            rows.close();
        }
    }

    public static void main(String[] args) {
        Map<String, String> opts = new HashMap<>(Map.of("task", "dmc/cartpole-swingup", "rows", "1,4,8,16",
                "seconds", "20", "rounds", "3", "train-rows", "1,4"));
        Map<String, String> params = new HashMap<>(Map.of("preset", "cpu", "device", "cpu"));
        // its own keys go to opts, the rest are agent settings
        Args.parse(Map.of(), args).forEach((k, v) -> (opts.containsKey(k) ? opts : params).put(k, v));
        double seconds = Double.parseDouble(opts.get("seconds"));
        int rounds = Integer.parseInt(opts.get("rounds"));
        int cores = Runtime.getRuntime().availableProcessors();
        int[] sizes = java.util.Arrays.stream(opts.get("rows").split(",")).mapToInt(r -> Integer.parseInt(r.trim()))
                .toArray();
        java.util.Set<Integer> trainSizes = new java.util.HashSet<>();
        for (String r : opts.get("train-rows").split(",")) {
            trainSizes.add(Integer.parseInt(r.trim()));
        }
        System.out.printf("task %s, agent settings %s, %s, %.0f s per measurement, best of %s in which the row "
                + "counts take turns%n", opts.get("task"), params, Messages.plural(cores, "core"), seconds,
                Messages.plural(rounds, "round"));
        List<Runner> acting = new ArrayList<>();
        List<Runner> training = new ArrayList<>();
        try (EnvRegistry registry = EnvRegistry.discover()) {
            TaskSpace space = TaskSpace.of(List.of(registry.resolve(opts.get("task"))));
            long episode = space.spec(0).maxEpisodeSteps();
            try {
                for (int n : sizes) {
                    // acting: planning from the first step (no seed phase), nothing learned
                    Map<String, String> act = new HashMap<>(params);
                    act.put("seed_steps", "0");
                    acting.add(Runner.start(registry, space, n, act, Rollout.Mode.COLLECT, 0));
                    // training: a short seed phase fills the buffer, then one update per env step; warm-up: every
                    // row finishes one episode, so the catch-up updates (which wait for a finished episode in the
                    // buffer) are over before the measurement
                    Map<String, String> train = new HashMap<>(params);
                    train.put("seed_steps", "200");
                    train.put("update_every", "1");
                    training.add(!trainSizes.contains(n) ? null : Runner.start(registry, space, n, train,
                            Rollout.Mode.TRAIN, n * (episode + 1)));
                    System.out.printf("warmed up: %s%n", Messages.plural(n, "row"));
                }
                double[] act = new double[sizes.length];
                double[] train = new double[sizes.length];
                // per round, each row count's acting rate over the first's, measured a few windows apart: the
                // median of these is steady where this machine's speed drifts between rounds (a shared VM's
                // phases move the single row's rate by a third), which the best of rounds is not
                double[][] paired = new double[sizes.length][rounds];
                for (int r = 0; r < rounds; r++) {
                    double[] rates = new double[sizes.length];
                    // every other round in reverse order, so that no row count always comes first
                    for (int j = 0; j < sizes.length; j++) {
                        int i = r % 2 == 0 ? j : sizes.length - 1 - j;
                        rates[i] = acting.get(i).rate(seconds);
                        act[i] = Math.max(act[i], rates[i]);
                        if (training.get(i) != null) {
                            train[i] = Math.max(train[i], training.get(i).rate(seconds));
                        }
                    }
                    for (int i = 0; i < sizes.length; i++) {
                        paired[i][r] = rates[i] / rates[0];
                    }
                    System.out.printf("round %d done%n", r + 1);
                }
                System.out.println("| rows | acting env steps/s | acting vs 1 row | acting vs 1 row, median of rounds |"
                        + " training env steps/s | training vs 1 row | ms per update (training minus acting, per env"
                        + " step) |");
                System.out.println("|---|---|---|---|---|---|---|");
                for (int i = 0; i < sizes.length; i++) {
                    double[] ratios = paired[i].clone();
                    java.util.Arrays.sort(ratios);
                    double median = (ratios[(rounds - 1) / 2] + ratios[rounds / 2]) / 2;
                    if (training.get(i) == null) {
                        System.out.printf(java.util.Locale.ROOT, "| %d | %.1f | %.2fx | %.2fx | - | - | - |%n",
                                sizes[i], act[i], act[i] / act[0], median);
                    } else {
                        System.out.printf(java.util.Locale.ROOT, "| %d | %.1f | %.2fx | %.2fx | %.1f | %.2fx | %.1f |%n",
                                sizes[i], act[i], act[i] / act[0], median, train[i], train[i] / train[0],
                                1000 / train[i] - 1000 / act[i]);
                    }
                }
            } finally {
                acting.forEach(Runner::close);
                training.stream().filter(java.util.Objects::nonNull).forEach(Runner::close);
            }
        }
    }
}
