package io.github.tdmpc2j.examples.classic;

import io.github.tdmpc2j.spi.Availability;
import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.EnvProvider;
import io.github.tdmpc2j.spi.SuccessMetric;
import io.github.tdmpc2j.spi.TaskSpec;
import java.util.List;

/**
 * Domain {@code classic}: control problems small enough to write in a page of Java. It is the example the README's
 * "add a task plug-in" section walks through, and a quick smoke test that needs no simulator.
 */
public final class ClassicControlProvider implements EnvProvider {
    static final TaskSpec PENDULUM = new TaskSpec("classic/pendulum", List.of("pendulum-v1"),
            new Box(new float[] {-1, -1, -8}, new float[] {1, 1, 8}, new int[] {3}),
            Box.of(1, -2f, 2f), 200, 1, SuccessMetric.RETURN, false);

    @Override
    public String domain() {
        return "classic";
    }

    @Override
    public String description() {
        return "pure-Java classic control (example plug-in)";
    }

    @Override
    public List<TaskSpec> tasks() {
        return List.of(PENDULUM);
    }

    @Override
    public Availability availability() {
        return Availability.ok();
    }

    @Override
    public Env create(TaskSpec task, EnvOptions options) {
        if (!task.id().equals(PENDULUM.id())) {
            throw new IllegalArgumentException("the classic plug-in has no task " + task.id());
        }
        return new PendulumEnv(task);
    }
}
