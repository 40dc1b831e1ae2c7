package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.spi.Availability;
import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.EnvProvider;
import io.github.tdmpc2j.spi.ResetResult;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.SuccessMetric;
import io.github.tdmpc2j.spi.TaskSpec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test plug-in, domain "echo": one task whose reward is the action and whose episodes are all alike whatever the
 * seed, so a run's {@code train.csv} shows the agent's own draws (its seed phase's random actions) and nothing else.
 */
public final class EchoProvider implements EnvProvider {
    static final TaskSpec ACTION = new TaskSpec("echo/action", List.of(), Box.unbounded(2), Box.of(1, -1, 1), 10, 1,
            SuccessMetric.RETURN, false);
    /**
     * How often a command checked up front that its task can be made (the registry's requireAvailable outside the
     * making of envs, which asks again for each env it makes), for tests of how often a command checks.
     */
    static final AtomicInteger UP_FRONT_CHECKS = new AtomicInteger();

    @Override
    public String domain() {
        return "echo";
    }

    /**
     * The revision the plug-in gives its task now: a test raises it to stand for a newer version of the plug-in that
     * changed the task (and puts it back after).
     */
    static volatile int revision = 1;

    @Override
    public List<TaskSpec> tasks() {
        return List.of(ACTION.withRevision(revision));
    }

    @Override
    public Availability availability() {
        boolean upFront = StackWalker.getInstance().walk(frames -> {
            List<String> methods = frames.map(StackWalker.StackFrame::getMethodName).toList();
            return methods.contains("requireAvailable") && !methods.contains("makeVector")
                    && !methods.contains("make");
        });
        if (upFront) {
            UP_FRONT_CHECKS.incrementAndGet();
        }
        return Availability.ok();
    }

    @Override
    public Env create(TaskSpec task, EnvOptions options) {
        return new Env() {
            @Override
            public TaskSpec spec() {
                return task;
            }

            @Override
            public ResetResult reset(long seed) {
                return new ResetResult(new float[] {0, 0});
            }

            @Override
            public StepResult step(float[] action) {
                return new StepResult(new float[] {0, 0}, action[0], false, false, Map.of());
            }

            @Override
            public void close() {
            }
        };
    }
}
