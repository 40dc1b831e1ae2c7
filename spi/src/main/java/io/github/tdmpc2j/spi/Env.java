package io.github.tdmpc2j.spi;

/**
 * A Gymnasium-style environment: one task, one episode at a time.
 *
 * <p>{@link #reset(long)} starts an episode; the same seed gives the same episode. {@link #step(float[])}
 * advances it; after a step that is terminated or truncated, the next call must be {@code reset}.
 * Observations and actions are flat float arrays the sizes of {@link TaskSpec#observationSpace()} and
 * {@link TaskSpec#actionSpace()}. Every observation is a new array: the caller keeps the ones it is given (an env
 * made by {@link EnvRegistry#make} refuses one that returns the same array again). An env is used by one thread at a
 * time.
 */
public interface Env extends AutoCloseable {
    /** The task as seen through this env (wrappers may change the action space). */
    TaskSpec spec();

    ResetResult reset(long seed);

    StepResult step(float[] action);

    /** Frees native or remote resources. Idempotent. */
    @Override
    void close();
}
