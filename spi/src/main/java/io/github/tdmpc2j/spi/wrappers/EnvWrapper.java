package io.github.tdmpc2j.spi.wrappers;

import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.PluginException;
import io.github.tdmpc2j.spi.ResetResult;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.TaskSpec;

/** An env around another env: every call passes through unless a subclass changes it. */
public abstract class EnvWrapper implements Env {
    protected final Env inner;

    protected EnvWrapper(Env inner) {
        if (inner == null) {
            throw new PluginException(getClass().getSimpleName() + " needs an env to wrap, got null");
        }
        this.inner = inner;
    }

    /** The env this one wraps. */
    public Env unwrapped() {
        return inner instanceof EnvWrapper w ? w.unwrapped() : inner;
    }

    public Env inner() {
        return inner;
    }

    @Override
    public TaskSpec spec() {
        return inner.spec();
    }

    @Override
    public ResetResult reset(long seed) {
        return inner.reset(seed);
    }

    @Override
    public StepResult step(float[] action) {
        return inner.step(action);
    }

    @Override
    public void close() {
        inner.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "<" + inner + ">";
    }
}
