package io.github.tdmpc2j.bench;

import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.ResetResult;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.tasks.dmc.DmcEnv;
import io.github.tdmpc2j.tasks.dmc.DmcPhysics;
import io.github.tdmpc2j.tasks.dmc.DmcProvider;
import io.github.tdmpc2j.tasks.dmc.DmcTaskDefinition;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.DoubleBuffer;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Where a native DMControl agent step's time goes, in thread CPU time: the same episodes (seed e: the task's start
 * and a generator seeded e for the actions) run in 4 layers, episode by episode in turn, 40 episodes each —
 * the {@code EnvRegistry.make} env, the raw {@link DmcEnv} stepped twice per agent step, its physics stepping alone
 * ({@link DmcPhysics#step}, no observation or reward), and bare {@code mj_step}; then the task's own work per
 * control step (observe, reward, setting ctrl) and the registry's wrappers around an env that does nothing.
 * Arguments: task ids (default walker-walk).
 */
public final class DmcStepBreakdown {
    private static final int EPISODES = 40;
    private static final int CALLS = 2_000_000;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private DmcStepBreakdown() {
    }

    public static void main(String[] args) {
        List<String> tasks = args.length > 0 ? List.of(args) : List.of("dmc/walker-walk");
        DmcProvider provider = new DmcProvider();
        try (EnvRegistry registry = EnvRegistry.discover()) {
            for (String task : tasks) {
                TaskSpec spec = registry.resolve(task);
                layers(registry, provider, spec);
                taskWork(provider, spec);
                wrappers(spec);
            }
        }
    }

    private static void layers(EnvRegistry registry, DmcProvider provider, TaskSpec spec) {
        DmcTaskDefinition definition = provider.definition(spec.id());
        int n = definition.nSubSteps();
        String[] names = {"registry env", "raw DmcEnv", "DmcPhysics.step only", "bare mj_step"};
        long[] cpu = new long[names.length];
        try (Env wrapped = registry.make(spec.id()); DmcEnv raw = raw(provider, spec); DmcEnv physicsOnly = raw(provider, spec);
                DmcEnv bare = raw(provider, spec)) {
            float[] action = new float[spec.actionSize()];
            for (int e = -4; e < EPISODES; e++) { // 4 warm-up episodes
                int seed = Math.max(e, 0);
                long[] took = new long[names.length];
                SplittableRandom rng = new SplittableRandom(seed);
                long start = THREADS.getCurrentThreadCpuTime();
                wrapped.reset(seed);
                for (int i = 0; i < DmcProvider.MAX_EPISODE_STEPS; i++) {
                    wrapped.step(fill(action, rng));
                }
                took[0] = THREADS.getCurrentThreadCpuTime() - start;
                rng = new SplittableRandom(seed);
                start = THREADS.getCurrentThreadCpuTime();
                raw.reset(seed);
                for (int i = 0; i < DmcProvider.MAX_EPISODE_STEPS; i++) {
                    fill(action, rng);
                    raw.step(action);
                    raw.step(action);
                }
                took[1] = THREADS.getCurrentThreadCpuTime() - start;
                rng = new SplittableRandom(seed);
                start = THREADS.getCurrentThreadCpuTime();
                physicsOnly.reset(seed);
                DmcPhysics physics = physicsOnly.physics();
                for (int i = 0; i < DmcProvider.MAX_EPISODE_STEPS; i++) {
                    physics.setControl(fill(action, rng));
                    physics.step(n);
                    physics.step(n);
                }
                took[2] = THREADS.getCurrentThreadCpuTime() - start;
                rng = new SplittableRandom(seed);
                start = THREADS.getCurrentThreadCpuTime();
                bare.reset(seed);
                DoubleBuffer ctrl = bare.physics().ctrl();
                for (int i = 0; i < DmcProvider.MAX_EPISODE_STEPS; i++) {
                    fill(action, rng);
                    for (int a = 0; a < action.length; a++) {
                        ctrl.put(a, action[a]);
                    }
                    bare.physics().data().step(2 * n);
                }
                took[3] = THREADS.getCurrentThreadCpuTime() - start;
                if (e >= 0) {
                    for (int k = 0; k < cpu.length; k++) {
                        cpu[k] += took[k];
                    }
                }
            }
        }
        for (int k = 0; k < names.length; k++) {
            System.out.printf("%s %-22s %7.1f us per agent step%n", spec.id(), names[k],
                    cpu[k] / 1e3 / EPISODES / DmcProvider.MAX_EPISODE_STEPS);
        }
    }

    private static void taskWork(DmcProvider provider, TaskSpec spec) {
        try (DmcEnv env = raw(provider, spec)) {
            env.reset(1);
            float[] action = new float[spec.actionSize()];
            env.step(action);
            double sink = 0;
            long observe = 0;
            long reward = 0;
            long control = 0;
            for (int round = 0; round < 2; round++) { // the first round warms up
                long start = THREADS.getCurrentThreadCpuTime();
                for (int i = 0; i < CALLS; i++) {
                    sink += env.observe()[0];
                }
                observe = THREADS.getCurrentThreadCpuTime() - start;
                start = THREADS.getCurrentThreadCpuTime();
                for (int i = 0; i < CALLS; i++) {
                    sink += env.reward();
                }
                reward = THREADS.getCurrentThreadCpuTime() - start;
                start = THREADS.getCurrentThreadCpuTime();
                for (int i = 0; i < CALLS; i++) {
                    env.task().beforeStep(env.physics(), action);
                }
                control = THREADS.getCurrentThreadCpuTime() - start;
            }
            System.out.printf("%s per control step: observe %.0f ns, reward %.0f ns, set ctrl %.0f ns%s%n", spec.id(),
                    observe / (double) CALLS, reward / (double) CALLS, control / (double) CALLS, sink == 42 ? " " : "");
        }
    }

    /** The registry's wrappers around an env that only hands back a fresh observation. */
    private static void wrappers(TaskSpec spec) {
        float[] obs = new float[spec.observationSize()];
        Env nothing = new Env() {
            @Override
            public TaskSpec spec() {
                return spec;
            }

            @Override
            public ResetResult reset(long seed) {
                return new ResetResult(obs.clone());
            }

            @Override
            public StepResult step(float[] action) {
                return new StepResult(obs.clone(), action[0], false, false, Map.of());
            }

            @Override
            public void close() {
            }
        };
        Env env = EnvRegistry.wrap(nothing);
        float[] action = new float[spec.actionSize()];
        double sink = 0;
        long took = 0;
        for (int round = 0; round < 2; round++) {
            env.reset(0);
            long start = THREADS.getCurrentThreadCpuTime();
            for (int i = 0; i < CALLS; i++) {
                action[0] = i * 1e-7f;
                StepResult r = env.step(action);
                sink += r.reward();
                if (r.done()) {
                    env.reset(i);
                }
            }
            took = THREADS.getCurrentThreadCpuTime() - start;
        }
        System.out.printf("%s registry wrappers around an env doing nothing: %.0f ns per agent step%s%n", spec.id(),
                took / (double) CALLS, sink == 42 ? " " : "");
    }

    private static DmcEnv raw(DmcProvider provider, TaskSpec spec) {
        return (DmcEnv) provider.create(provider.tasks().stream().filter(t -> t.id().equals(spec.id())).findFirst()
                .orElseThrow(), EnvOptions.defaults());
    }

    private static float[] fill(float[] action, SplittableRandom rng) {
        for (int a = 0; a < action.length; a++) {
            action[a] = (float) (2 * rng.nextDouble() - 1);
        }
        return action;
    }
}
