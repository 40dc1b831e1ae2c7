package io.github.tdmpc2j.spi.wrappers;

import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.PluginException;
import io.github.tdmpc2j.spi.ResetResult;
import io.github.tdmpc2j.spi.StepResult;

/** Truncates the episode after {@code maxSteps} steps (a step that also terminates stays terminated). */
public final class TimeLimit extends EnvWrapper {
    private final int maxSteps;
    private int elapsed;

    public TimeLimit(Env inner, int maxSteps) {
        super(inner);
        if (maxSteps <= 0) {
            throw new PluginException("a time limit of " + maxSteps + " steps on " + inner.spec().id()
                    + ": give it 1 or more");
        }
        this.maxSteps = maxSteps;
    }

    public int maxSteps() {
        return maxSteps;
    }

    public int elapsedSteps() {
        return elapsed;
    }

    @Override
    public ResetResult reset(long seed) {
        elapsed = 0;
        return inner.reset(seed);
    }

    @Override
    public StepResult step(float[] action) {
        StepResult r = inner.step(action);
        elapsed++;
        if (elapsed >= maxSteps && !r.truncated()) {
            return new StepResult(r.observation(), r.reward(), r.terminated(), true, r.info());
        }
        return r;
    }
}
