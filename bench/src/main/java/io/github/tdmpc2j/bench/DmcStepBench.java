package io.github.tdmpc2j.bench;

import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.tasks.dmc.DmcPhysics;
import io.github.tdmpc2j.tasks.dmc.DmcProvider;
import io.github.tdmpc2j.tasks.dmc.DmcTaskDefinition;
import java.nio.DoubleBuffer;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Agent steps per second of the native DMControl tasks with random actions: the env as users make it
 * ({@code EnvRegistry.make}: action repeat 2, time limit, checks; resets when an episode ends), against the bare
 * MuJoCo loop under it (random ctrl, the same number of physics steps per agent step, nothing read back), the
 * physical floor. {@code bench/dmc/run.sh} runs this and the dm_control loop of {@code bench/dmc/dm_control_loop.py}
 * in the same run.
 *
 * <p>Prints one line per measurement: {@code <native|raw> <task> <agent steps per second>}, best of 3 rounds.
 * Arguments: agent steps per round, then task ids (default: cartpole-swingup, walker-walk, cheetah-run).
 */
public final class DmcStepBench {
    private static final int ROUNDS = 3;

    private DmcStepBench() {
    }

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        List<String> tasks = args.length > 1 ? List.of(args).subList(1, args.length)
                : List.of("dmc/cartpole-swingup", "dmc/walker-walk", "dmc/cheetah-run");
        DmcProvider provider = new DmcProvider();
        try (EnvRegistry registry = EnvRegistry.discover()) {
            for (String task : tasks) {
                System.out.printf("native %s %.0f%n", task, best(() -> nativeRound(registry, task, steps)));
                DmcTaskDefinition definition = provider.definition(task);
                System.out.printf("raw %s %.0f%n", task, best(() -> rawRound(definition, steps)));
            }
        }
    }

    private interface Round {
        double run();
    }

    private static double best(Round round) {
        round.run(); // warm-up
        double best = 0;
        for (int i = 0; i < ROUNDS; i++) {
            best = Math.max(best, round.run());
        }
        return best;
    }

    private static double nativeRound(EnvRegistry registry, String task, int steps) {
        try (Env env = registry.make(task)) {
            SplittableRandom rng = new SplittableRandom(0);
            float[] action = new float[env.spec().actionSize()];
            env.reset(0);
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                for (int a = 0; a < action.length; a++) {
                    action[a] = (float) (2 * rng.nextDouble() - 1);
                }
                StepResult r = env.step(action);
                if (r.done()) {
                    env.reset(i);
                }
            }
            return steps / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static double rawRound(DmcTaskDefinition definition, int steps) {
        int physicsStepsPerAgentStep = definition.nSubSteps() * DmcProvider.ACTION_REPEAT;
        try (DmcPhysics physics = DmcPhysics.fromResource(definition.modelFile())) {
            SplittableRandom rng = new SplittableRandom(0);
            DoubleBuffer ctrl = physics.ctrl();
            int nu = ctrl.limit();
            physics.resetData();
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                for (int a = 0; a < nu; a++) {
                    ctrl.put(a, 2 * rng.nextDouble() - 1);
                }
                physics.data().step(physicsStepsPerAgentStep);
                if ((i + 1) % DmcProvider.MAX_EPISODE_STEPS == 0) {
                    physics.resetData();
                }
            }
            return steps / ((System.nanoTime() - start) / 1e9);
        }
    }
}
