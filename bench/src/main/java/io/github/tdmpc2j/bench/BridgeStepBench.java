package io.github.tdmpc2j.bench;

import io.github.tdmpc2j.bridge.py4j.PythonWorker;
import io.github.tdmpc2j.bridge.py4j.RemoteEnv;
import io.github.tdmpc2j.bridge.py4j.RemoteVectorEnv;
import io.github.tdmpc2j.bridge.py4j.VenvLayout;
import io.github.tdmpc2j.bridge.py4j.WorkerConfig;
import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.SuccessMetric;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.vector.SyncVectorEnv;
import io.github.tdmpc2j.spi.vector.ThreadedVectorEnv;
import io.github.tdmpc2j.spi.vector.VectorEnv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the Py4J bridge adds per env step: a trivial Python env (the bridge's testing counter env, obs 17, action 6)
 * stepped from Java one step per call, and 16 envs per {@code stepMany} call, against the same env stepped in a
 * Python loop ({@code bench/bridge_python_loop.py}) in the same venv, in the same run.
 *
 * <p>{@code BridgeStepBench rows [task=metaworld/reach] [rows=1,4,8] [seconds=5]}: agent steps per second of N
 * rows of a bridge task with random actions, made as {@code MultitaskEnv.make} makes them
 * ({@link EnvRegistry#makeVector}: one {@code stepMany} call per step for all rows) against the per-row path (one
 * wrapped env per row, one call per row per step, the rows on min(N, cores) threads), in the same run.
 *
 * <p>Run from the repository root, with the gymnasium venv made ({@code scripts/setup.d/40-python-venvs.sh}):
 * <pre>
 * mvn -B -q -o -pl bench install -DskipTests
 * mvn -B -q -o -pl bench dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
 * java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" io.github.tdmpc2j.bench.BridgeStepBench
 * </pre>
 */
public final class BridgeStepBench {
    private static final int OBS = 17;
    private static final int ACT = 6;
    private static final int BATCH = 16;
    private static final int SINGLE_STEPS = 20_000;
    private static final int BATCHED_CALLS = 4_000;
    private static final int PYTHON_STEPS = 200_000;
    private static final int ROUNDS = 3;
    private static final int ROW_ROUNDS = 2;

    private BridgeStepBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("rows")) {
            rows(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        String domain = args.length > 0 ? args[0] : "gymnasium";
        WorkerConfig config = WorkerConfig.forDomain(domain, List.of("testing"));
        String task = "counter-" + OBS + "-" + ACT;
        EnvOptions options = new EnvOptions(0, Map.of("episode", "1000000000"));
        double single;
        double batched;
        double ping;
        try (PythonWorker worker = PythonWorker.start(config)) {
            RemoteEnv env = RemoteEnv.make(worker, "testing", task, options, BridgeStepBench::spec);
            List<RemoteEnv> envs = new ArrayList<>();
            for (int i = 0; i < BATCH; i++) {
                envs.add(RemoteEnv.make(worker, "testing", task, options, BridgeStepBench::spec));
            }
            try (RemoteVectorEnv vector = RemoteVectorEnv.raw(envs)) {
                env.reset(0);
                vector.reset(0);
                float[] action = new float[ACT];
                float[][] actions = new float[BATCH][ACT];
                stepSingle(env, action, 2_000);
                ping = Double.MAX_VALUE;
                stepBatched(vector, actions, 200);
                single = Double.MAX_VALUE;
                batched = Double.MAX_VALUE;
                for (int round = 0; round < ROUNDS; round++) {
                    ping = Math.min(ping, ping(worker, SINGLE_STEPS));
                    single = Math.min(single, stepSingle(env, action, SINGLE_STEPS));
                    batched = Math.min(batched, stepBatched(vector, actions, BATCHED_CALLS));
                }
            }
            env.close();
        }
        double[] python = pythonLoop(VenvLayout.fromEnvironment().python(domain).toString());
        report(ping, single, batched, python[0], python[1]);
    }

    private static void rows(String[] args) {
        Map<String, String> opts = Args.parse(Map.of("task", "metaworld/reach", "rows", "1,4,8", "seconds", "5"),
                args);
        double seconds = Double.parseDouble(opts.get("seconds"));
        int cores = Runtime.getRuntime().availableProcessors();
        System.out.printf("task %s, %s, %.0f s per measurement, best of %d rounds%n", opts.get("task"),
                Messages.plural(cores, "core"), seconds, ROW_ROUNDS);
        System.out.println("| rows | per-row path, agent steps/s | batched, agent steps/s | batched vs per-row |");
        System.out.println("|---|---|---|---|");
        try (EnvRegistry registry = EnvRegistry.discover()) {
            for (String r : opts.get("rows").split(",")) {
                int n = Integer.parseInt(r.trim());
                int threads = Math.min(n, cores);
                List<String> ids = java.util.Collections.nCopies(n, registry.resolve(opts.get("task")).id());
                List<EnvOptions> seeds = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    seeds.add(EnvOptions.seeded(i));
                }
                double perRow = 0;
                double batched = 0;
                for (int round = 0; round < ROW_ROUNDS; round++) {
                    List<Env> envs = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        envs.add(registry.make(ids.get(i), seeds.get(i)));
                    }
                    perRow = Math.max(perRow, rate(threads > 1 && n > 1 ? new ThreadedVectorEnv(envs, threads)
                            : new SyncVectorEnv(envs), seconds));
                    batched = Math.max(batched, rate(registry.makeVector(ids, seeds, threads), seconds));
                }
                System.out.printf(java.util.Locale.ROOT, "| %d | %.0f | %.0f | %.2fx |%n", n, perRow, batched,
                        batched / perRow);
            }
        }
    }

    /** Agent steps per second (all rows) of random actions over {@code seconds}, after a warm-up; closes the rows. */
    private static double rate(VectorEnv rows, double seconds) {
        try (rows) {
            int n = rows.numEnvs();
            rows.reset(0);
            java.util.SplittableRandom rng = new java.util.SplittableRandom(1);
            float[][] actions = new float[n][rows.spec(0).actionSize()];
            long steps = 0;
            long t0 = 0;
            for (int t = 0; t0 == 0 || (System.nanoTime() - t0) / 1e9 < seconds; t++) {
                if (t == 50) {
                    t0 = System.nanoTime();
                    steps = 0;
                }
                for (float[] a : actions) {
                    for (int j = 0; j < a.length; j++) {
                        a[j] = (float) rng.nextDouble(-1, 1);
                    }
                }
                rows.step(actions);
                steps += n;
            }
            return steps / ((System.nanoTime() - t0) / 1e9);
        }
    }

    private static TaskSpec spec(io.github.tdmpc2j.bridge.py4j.RemoteSpaces s) {
        return new TaskSpec("testing/counter", List.of(), s.observation(), s.action(), Integer.MAX_VALUE, 1,
                SuccessMetric.RETURN, true);
    }

    /** Nanoseconds per empty call (the worker answers its versions line). */
    private static double ping(PythonWorker worker, int calls) {
        long t0 = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            worker.ping();
        }
        return (double) (System.nanoTime() - t0) / calls;
    }

    /** Nanoseconds per env step. */
    private static double stepSingle(RemoteEnv env, float[] action, int steps) {
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            env.step(action);
        }
        return (double) (System.nanoTime() - t0) / steps;
    }

    /** Nanoseconds per env step (calls x batch). */
    private static double stepBatched(RemoteVectorEnv vector, float[][] actions, int calls) {
        long t0 = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            vector.step(actions);
        }
        return (double) (System.nanoTime() - t0) / ((long) calls * BATCH);
    }

    private static double[] pythonLoop(String python) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(python, "bench/bridge_python_loop.py", Integer.toString(PYTHON_STEPS),
                Integer.toString(OBS), Integer.toString(ACT));
        pb.environment().put("PYTHONPATH", "bridges/python");
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("bench/bridge_python_loop.py failed (run from the repository root)");
        }
        String[] parts = out.split("\\s+");
        return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1])};
    }

    private static void report(double ping, double single, double batched, double python, double pythonPacked) {
        System.out.printf("empty call (ping):             %8.1f us/call%n", ping / 1e3);
        System.out.printf("one env, one step per call:   %8.1f us/step%n", single / 1e3);
        System.out.printf("%d envs per stepMany call:    %8.1f us/env-step%n", BATCH, batched / 1e3);
        System.out.printf("Python loop, env.step only:    %8.2f us/step%n", python / 1e3);
        System.out.printf("Python loop, step + packing:   %8.2f us/step%n", pythonPacked / 1e3);
        System.out.printf("bridge overhead per env step: single %.1f us, batched %.1f us (target < 25 us batched)%n",
                (single - python) / 1e3, (batched - python) / 1e3);
        System.out.printf("ratio to the Python loop: single %.0fx, batched %.1fx%n", single / python, batched / python);
    }
}
