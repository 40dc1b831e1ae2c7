package io.github.tdmpc2j.bench;

import io.github.tdmpc2j.mujoco.MjData;
import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.tasks.dmc.DmcEnv;
import io.github.tdmpc2j.tasks.dmc.DmcPhysics;
import io.github.tdmpc2j.tasks.dmc.DmcProvider;
import io.github.tdmpc2j.tasks.dmc.DmcTaskDefinition;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.DoubleBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Agent steps per second of the native DMControl tasks with random actions: the env as users make it
 * ({@code EnvRegistry.make}: action repeat 2, time limit, checks), against the bare MuJoCo loop under it, the
 * physical floor: random ctrl, {@code mj_step} as many times per agent step as the env's physics steps, nothing read
 * back. {@code bench/dmc/run.sh} runs this and the dm_control loop of {@code bench/dmc/dm_control_loop.py} in the
 * same run.
 *
 * <p>Both loops run the same episodes: episode e starts from the task's own initial state for seed e and takes the
 * actions of a generator seeded with e (the env's pass through its float rescaling, so they agree to float
 * rounding), so both simulate the same kind of motion and contacts, which is what a step costs. Each episode is timed
 * {@value #PASSES} times per loop, the two loops alternating episode by episode, and its fastest pass counts: on a
 * shared machine a burst of other work then spoils single passes, not the result. Prints one line per loop:
 * {@code <native|raw> <task> <agent steps per wall second> <per CPU second of this thread>}. Arguments: agent steps
 * (rounded up to whole 500-step episodes), then task ids (default: cartpole-swingup, walker-walk, cheetah-run).
 */
public final class DmcStepBench {
    private static final int PASSES = 5;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private DmcStepBench() {
    }

    private interface Episode {
        void run(int seed);
    }

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        List<String> tasks = args.length > 1 ? List.of(args).subList(1, args.length)
                : List.of("dmc/cartpole-swingup", "dmc/walker-walk", "dmc/cheetah-run");
        int episodes = Math.max(1, (steps + DmcProvider.MAX_EPISODE_STEPS - 1) / DmcProvider.MAX_EPISODE_STEPS);
        DmcProvider provider = new DmcProvider();
        try (EnvRegistry registry = EnvRegistry.discover()) {
            for (String task : tasks) {
                TaskSpec spec = registry.resolve(task);
                DmcTaskDefinition definition = provider.definition(spec.id());
                try (Env env = registry.make(spec.id()); DmcEnv starts = (DmcEnv) provider.create(
                        provider.tasks().stream().filter(t -> t.id().equals(spec.id())).findFirst().orElseThrow(),
                        EnvOptions.defaults())) {
                    Episode nativeEpisode = seed -> nativeEpisode(env, seed);
                    Episode rawEpisode = seed -> rawEpisode(starts, definition, seed);
                    for (int seed = 0; seed < Math.min(episodes, 4); seed++) { // warm-up
                        nativeEpisode.run(seed);
                        rawEpisode.run(seed);
                    }
                    long[][] nativeBest = fastest(episodes);
                    long[][] rawBest = fastest(episodes);
                    for (int pass = 0; pass < PASSES; pass++) {
                        for (int seed = 0; seed < episodes; seed++) {
                            if ((seed + pass) % 2 == 0) {
                                time(nativeEpisode, seed, nativeBest);
                                time(rawEpisode, seed, rawBest);
                            } else {
                                time(rawEpisode, seed, rawBest);
                                time(nativeEpisode, seed, nativeBest);
                            }
                        }
                    }
                    print("native", spec.id(), nativeBest);
                    print("raw", spec.id(), rawBest);
                }
            }
        }
    }

    /** Per episode: the fastest wall and CPU nanoseconds seen so far. */
    private static long[][] fastest(int episodes) {
        long[][] best = new long[2][episodes];
        Arrays.fill(best[0], Long.MAX_VALUE);
        Arrays.fill(best[1], Long.MAX_VALUE);
        return best;
    }

    private static void time(Episode episode, int seed, long[][] best) {
        long wall = System.nanoTime();
        long cpu = THREADS.getCurrentThreadCpuTime();
        episode.run(seed);
        best[1][seed] = Math.min(best[1][seed], THREADS.getCurrentThreadCpuTime() - cpu);
        best[0][seed] = Math.min(best[0][seed], System.nanoTime() - wall);
    }

    private static void print(String loop, String task, long[][] best) {
        double steps = (double) DmcProvider.MAX_EPISODE_STEPS * best[0].length;
        double wall = Arrays.stream(best[0]).sum() / 1e9;
        double cpu = Arrays.stream(best[1]).sum() / 1e9;
        System.out.printf("%s %s %.0f %.0f%n", loop, task, steps / wall, steps / cpu);
    }

    private static void nativeEpisode(Env env, int seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] action = new float[env.spec().actionSize()];
        env.reset(seed);
        boolean done = false;
        while (!done) {
            for (int a = 0; a < action.length; a++) {
                action[a] = (float) (2 * rng.nextDouble() - 1);
            }
            done = env.step(action).done();
        }
    }

    /** The bare loop; {@code starts} only draws the episode's initial state, as the native env does. */
    private static void rawEpisode(DmcEnv starts, DmcTaskDefinition definition, int seed) {
        int physicsStepsPerAgentStep = definition.nSubSteps() * DmcProvider.ACTION_REPEAT;
        DmcPhysics physics = starts.physics();
        MjData data = physics.data();
        DoubleBuffer ctrl = physics.ctrl();
        int nu = ctrl.limit();
        SplittableRandom rng = new SplittableRandom(seed);
        starts.reset(seed);
        for (int i = 0; i < DmcProvider.MAX_EPISODE_STEPS; i++) {
            for (int a = 0; a < nu; a++) {
                ctrl.put(a, (float) (2 * rng.nextDouble() - 1));
            }
            data.step(physicsStepsPerAgentStep);
        }
    }
}
