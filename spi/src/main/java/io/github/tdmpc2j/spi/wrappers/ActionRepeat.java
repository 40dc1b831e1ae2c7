package io.github.tdmpc2j.spi.wrappers;

import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.PluginException;
import io.github.tdmpc2j.spi.StepResult;

/**
 * Repeats each action {@code repeat} times, summing the rewards; stops early when the episode ends. The
 * observation and info are those of the last inner step.
 */
public final class ActionRepeat extends EnvWrapper {
    private final int repeat;

    public ActionRepeat(Env inner, int repeat) {
        super(inner);
        if (repeat <= 0) {
            throw new PluginException("an action repeat of " + repeat + " on " + inner.spec().id()
                    + ": give it 1 or more");
        }
        this.repeat = repeat;
    }

    public int repeat() {
        return repeat;
    }

    @Override
    public StepResult step(float[] action) {
        double total = 0;
        StepResult r = null;
        for (int i = 0; i < repeat; i++) {
            r = inner.step(action);
            total += r.reward();
            if (r.done()) {
                break;
            }
        }
        return new StepResult(r.observation(), total, r.terminated(), r.truncated(), r.info());
    }
}
