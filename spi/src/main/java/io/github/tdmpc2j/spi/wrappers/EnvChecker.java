package io.github.tdmpc2j.spi.wrappers;

import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvStateException;
import io.github.tdmpc2j.spi.InvalidActionException;
import io.github.tdmpc2j.spi.InvalidEnvOutputException;
import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.ResetResult;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.TaskSpec;
import java.util.function.Supplier;

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
            throw new InvalidActionException("action for " + spec.id() + " has "
                    + Messages.plural(action.length, "entry", "entries") + " but the task takes " + spec.actionSize());
        }
        for (int i = 0; i < action.length; i++) {
            if (!Float.isFinite(action[i])) {
                throw new InvalidActionException("action for " + spec.id() + " has " + action[i] + " at index " + i
                        + ": actions must be finite (check the policy for NaN)");
            }
        }
    }

    /**
     * Throws {@link InvalidEnvOutputException} if {@code observation} or {@code reward} is NaN or infinite, naming the
     * task, the step ({@code when}, made only then) and the entries: a suite that returns them would poison
     * training, and the failure would later seem the policy's.
     */
    public static void checkOutput(TaskSpec spec, float[] observation, double reward, Supplier<String> when) {
        if (finite(observation, reward)) {
            return;
        }
        StringBuilder what = new StringBuilder();
        int bad = 0;
        for (int i = 0; i < observation.length; i++) {
            if (!Float.isFinite(observation[i]) && bad++ < 8) {
                what.append(bad == 1 ? "observation[" : ", [").append(i).append("] = ").append(observation[i]);
            }
        }
        if (bad > 8) {
            what.append(", ... (").append(bad).append(" of ").append(observation.length).append(" entries)");
        }
        if (!Double.isFinite(reward)) {
            what.append(bad > 0 ? " and " : "").append("reward = ").append(reward);
        }
        throw new InvalidEnvOutputException(spec.id() + " returned " + what + " at " + when.get()
                + "; an env's observations and rewards must be finite: a defect of the suite or its plug-in (or a"
                + " simulation that diverged), not of the agent; report it with the task and seed, or leave the task"
                + " out", true);
    }

    /** Whether {@code reward} and every entry of {@code observation} are finite: what {@link #checkOutput} lets pass. */
    public static boolean finite(float[] observation, double reward) {
        boolean finite = Double.isFinite(reward);
        for (int i = 0; i < observation.length && finite; i++) {
            finite = Float.isFinite(observation[i]);
        }
        return finite;
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
