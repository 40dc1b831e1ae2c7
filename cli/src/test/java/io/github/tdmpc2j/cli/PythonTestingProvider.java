package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.bridge.py4j.RemoteEnv;
import io.github.tdmpc2j.bridge.py4j.RemoteEnvProvider;
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

    /** What a command's output says once this plug-in's Python worker has started (it then makes the env asked). */
    static final String WORKER_STARTED = "python worker gymnasium started";

    /** Skips the calling test where the gymnasium venv, in which this plug-in's worker runs, is not set up. */
    static void assumeSetUp() {
        org.junit.jupiter.api.Assumptions.assumeTrue(new PythonTestingProvider().availability().ready(),
                "the gymnasium venv is not set up");
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
        if (task.equals(DIVERGING) || task.equals(MISFIT)) {
            extras.put("wrong", task.equals(DIVERGING) ? "nan-obs" : "obs+1");
            extras.put("wrong_at", "5");
            extras.put("wrong_after", "20");
        } else if (task.equals(SLOW) || task.equals(SLOW_START)) {
            extras.put("seconds", "0.5");
            if (task.equals(SLOW_START)) {
                extras.put("make_seconds", "3");
            }
        } else {
            extras.put(task.equals(FAULTY) ? "fail_at" : "exit_at", "25");
        }
        return super.create(task, new EnvOptions(options.seed(), extras));
    }
}
