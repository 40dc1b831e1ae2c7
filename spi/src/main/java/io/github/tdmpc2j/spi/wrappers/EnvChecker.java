package io.github.tdmpc2j.spi.wrappers;

import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvStateException;
import io.github.tdmpc2j.spi.InvalidActionException;
import io.github.tdmpc2j.spi.ResetResult;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.TaskSpec;

/**
 * Guards an env against misuse, so that bad input never reaches a simulator: a wrong action length, a NaN or
 * infinite action, a step before reset or after the episode ended, use after close. Each is a typed
 * exception and the env stays usable (except after close).
 */
public final class EnvChecker extends EnvWrapper {
    private enum State { NEEDS_RESET, RUNNING, ENDED, CLOSED }

    private State state = State.NEEDS_RESET;

    public EnvChecker(Env inner) {
        super(inner);
    }

    @Override
    public ResetResult reset(long seed) {
        if (state == State.CLOSED) {
            throw closed();
        }
        ResetResult r = inner.reset(seed);
        state = State.RUNNING;
        return r;
    }

    @Override
    public StepResult step(float[] action) {
        TaskSpec spec = spec();
        switch (state) {
            case CLOSED -> throw closed();
            case NEEDS_RESET -> throw new EnvStateException(
                    "step() called before reset() on " + spec.id() + ": call reset(seed) first");
            case ENDED -> throw new EnvStateException(
                    "step() called after the episode of " + spec.id() + " ended: call reset(seed) to start a new one");
            default -> { }
        }
        check(spec, action);
        StepResult r = inner.step(action);
        if (r.done()) {
            state = State.ENDED;
        }
        return r;
    }

    /** Throws {@link InvalidActionException} unless {@code action} fits the task's action size and is finite. */
    public static void check(TaskSpec spec, float[] action) {
        if (action == null) {
            throw new InvalidActionException("null action for " + spec.id() + ": pass a float[" + spec.actionSize() + "]");
        }
        if (action.length != spec.actionSize()) {
            throw new InvalidActionException("action for " + spec.id() + " has " + action.length
                    + " entries but the task takes " + spec.actionSize());
        }
        for (int i = 0; i < action.length; i++) {
            if (!Float.isFinite(action[i])) {
                throw new InvalidActionException("action for " + spec.id() + " has " + action[i] + " at index " + i
                        + ": actions must be finite (check the policy for NaN)");
            }
        }
    }

    @Override
    public void close() {
        if (state != State.CLOSED) {
            state = State.CLOSED;
            inner.close();
        }
    }

    private EnvStateException closed() {
        return new EnvStateException(spec().id() + " was closed: make a new env with EnvRegistry.make");
    }
}
