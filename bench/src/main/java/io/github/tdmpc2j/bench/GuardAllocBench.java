package io.github.tdmpc2j.bench;

import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.StepResult;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What the registry's guard around a plug-in's env adds to an agent step: heap bytes allocated (the thread's
 * allocation counter) and thread CPU time over the same episodes of a native task, stepped through
 * {@code EnvRegistry.make} (the plug-in's env guarded, then the standard wrappers) and through
 * {@code EnvRegistry.wrap(makeRaw)} (the same wrappers, no guard), in turn, after a warm-up round. Their difference
 * per step is the guard's. Arguments (key=value): task (dmc/cartpole-swingup), steps per round (200000), rounds (5).
 */
public final class GuardAllocBench {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private GuardAllocBench() {
    }

    public static void main(String[] args) {
        Map<String, String> opts = Args.parse(Map.of("task", "dmc/cartpole-swingup", "steps", "200000",
                "rounds", "5"), args);
        String task = opts.get("task");
        int steps = Integer.parseInt(opts.get("steps"));
        int rounds = Integer.parseInt(opts.get("rounds"));
        try (EnvRegistry registry = EnvRegistry.discover();
                Env guarded = registry.make(task);
                Env unguarded = EnvRegistry.wrap(registry.makeRaw(task, EnvOptions.defaults()))) {
            String[] names = {"EnvRegistry.make (guarded)", "EnvRegistry.wrap(makeRaw) (no guard)"};
            Env[] envs = {guarded, unguarded};
            double[] bytes = {Double.MAX_VALUE, Double.MAX_VALUE};
            double[] nanos = {Double.MAX_VALUE, Double.MAX_VALUE};
            float[] action = new float[guarded.spec().actionSize()];
            for (int round = 0; round <= rounds; round++) { // round 0 warms up
                for (int v = 0; v < envs.length; v++) {
                    long[] took = run(envs[v], action, steps);
                    System.out.printf("round %d  %-40s %8.1f bytes/step %8.0f ns/step%n", round, names[v],
                            (double) took[0] / steps, (double) took[1] / steps);
                    if (round > 0) {
                        bytes[v] = Math.min(bytes[v], (double) took[0] / steps);
                        nanos[v] = Math.min(nanos[v], (double) took[1] / steps);
                    }
                }
            }
            System.out.printf("%s, %d steps x %d rounds, least per step:%n", task, steps, rounds);
            for (int v = 0; v < envs.length; v++) {
                System.out.printf("  %-40s %8.1f bytes/step %8.0f ns/step (thread CPU)%n", names[v], bytes[v],
                        nanos[v]);
            }
            System.out.printf("  the guard's share                        %8.1f bytes/step %8.0f ns/step%n",
                    bytes[0] - bytes[1], nanos[0] - nanos[1]);
        }
    }

    /**
     * Bytes allocated and thread CPU nanoseconds over {@code steps} agent steps of seeded episodes (episode e from
     * seed e, actions from a generator seeded 1, so both envs get the same steps), resets included.
     */
    private static long[] run(Env env, float[] action, int steps) {
        SplittableRandom rng = new SplittableRandom(1);
        long episode = 0;
        env.reset(episode);
        long bytes = THREADS.getCurrentThreadAllocatedBytes();
        long cpu = THREADS.getCurrentThreadCpuTime();
        for (int t = 0; t < steps; t++) {
            for (int i = 0; i < action.length; i++) {
                action[i] = (float) (rng.nextDouble() * 2 - 1);
            }
            StepResult r = env.step(action);
            if (r.done()) {
                env.reset(++episode);
            }
        }
        return new long[] {THREADS.getCurrentThreadAllocatedBytes() - bytes, THREADS.getCurrentThreadCpuTime() - cpu};
    }
}
