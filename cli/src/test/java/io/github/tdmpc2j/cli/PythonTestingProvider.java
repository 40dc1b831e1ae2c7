package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.bridge.py4j.RemoteEnv;
import io.github.tdmpc2j.bridge.py4j.RemoteEnvProvider;
import io.github.tdmpc2j.spi.Availability;
import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.SuccessMetric;
import io.github.tdmpc2j.spi.TaskSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test plug-in, domain "pytesting": the bridge's testing suite in a real Python worker (the gymnasium venv).
 * {@code pytesting/faulty} raises a Python error on its env's 25th step, in the third episode of 10 steps;
 * {@code pytesting/dying} ends its worker's process there instead; {@code pytesting/diverging} returns a NaN
 * observation value and {@code pytesting/misfit} one observation value too many, at step 5 of the third episode;
 * each step of {@code pytesting/slow} takes half a second; {@code pytesting/slow-start} is that env, whose making
 * takes three seconds (a signal sent once its worker started comes while the command still gets ready).
 */
public final class PythonTestingProvider extends RemoteEnvProvider {
    static final TaskSpec FAULTY = new TaskSpec("pytesting/faulty", List.of(), Box.unbounded(3), Box.of(1, -1, 1), 10,
            1, SuccessMetric.RETURN, false);
    static final TaskSpec DYING = new TaskSpec("pytesting/dying", List.of(), Box.unbounded(3), Box.of(1, -1, 1), 10,
            1, SuccessMetric.RETURN, false);
    static final TaskSpec DIVERGING = new TaskSpec("pytesting/diverging", List.of(), Box.unbounded(3),
            Box.of(1, -1, 1), 10, 1, SuccessMetric.RETURN, false);
    static final TaskSpec SLOW = new TaskSpec("pytesting/slow", List.of(), Box.unbounded(3), Box.of(1, -1, 1), 10, 1,
            SuccessMetric.RETURN, false);
    static final TaskSpec SLOW_START = new TaskSpec("pytesting/slow-start", List.of(), Box.unbounded(3),
            Box.of(1, -1, 1), 10, 1, SuccessMetric.RETURN, false);
    static final TaskSpec MISFIT = new TaskSpec("pytesting/misfit", List.of(), Box.unbounded(3), Box.of(1, -1, 1),
            10, 1, SuccessMetric.RETURN, false);

    /** What each task asks of the testing suite's env, as extras of its options. */
    private static final Map<TaskSpec, Map<String, String>> EXTRAS = Map.of(
            FAULTY, Map.of("fail_at", "25"),
            DYING, Map.of("exit_at", "25"),
            DIVERGING, Map.of("wrong", "nan-obs", "wrong_at", "5", "wrong_after", "20"),
            MISFIT, Map.of("wrong", "obs+1", "wrong_at", "5", "wrong_after", "20"),
            SLOW, Map.of("seconds", "0.5"),
            SLOW_START, Map.of("seconds", "0.5", "make_seconds", "3"));

    /** What a command's output says once this plug-in's Python worker has started (it then makes the env asked). */
    static final String WORKER_STARTED = "python worker gymnasium started";

    /** What a command's output says each time the worker made an env of pytesting/slow-start (testing.py's). */
    static final String SLOW_ENV_MADE = "testing: a slow env was made";

    /**
     * What a command's output says once the worker of the gymnasium plug-in's tasks (gymnasium/Pendulum-v1) has
     * started: in the same venv as this plug-in's, told from it by its suite.
     */
    static final String GYMNASIUM_WORKER_STARTED = "; suites gymnasium";

    /** Skips the calling test where the gymnasium venv, in which this plug-in's worker runs, is not set up. */
    static void assumeSetUp() {
        Availability a = new PythonTestingProvider().availability();
        if (!a.ready()) { // said here too: a run of Maven alone shows only the count of skipped tests
            System.out.println("SKIPPED: the gymnasium venv the pytesting suite runs in: " + a);
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(a.ready(), a::toString);
    }

    public PythonTestingProvider() {
        super("pytesting", "gymnasium", "testing");
    }

    @Override
    public List<TaskSpec> tasks() {
        return List.of(FAULTY, DYING, DIVERGING, MISFIT, SLOW, SLOW_START);
    }

    @Override
    protected String remoteTaskName(TaskSpec task) {
        if (task.equals(SLOW_START)) {
            return "slow";
        }
        return task.equals(DIVERGING) || task.equals(MISFIT) ? "counter-3-1" : task.name();
    }

    @Override
    public RemoteEnv create(TaskSpec task, EnvOptions options) {
        Map<String, String> extras = new HashMap<>(options.extras());
        extras.putAll(EXTRAS.get(task));
        return super.create(task, new EnvOptions(options.seed(), extras));
    }
}
