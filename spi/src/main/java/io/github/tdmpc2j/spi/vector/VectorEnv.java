package io.github.tdmpc2j.spi.vector;

import io.github.tdmpc2j.spi.TaskSpec;

/**
 * N envs of one observation and action size stepped together.
 *
 * <p>Autoreset follows Gymnasium 1.x's default ("next-step"): the step on which env i's episode ends returns
 * that episode's last observation with terminated or truncated set. On the following {@link #step}, env i's
 * action is ignored; it is reset instead and returns the new episode's first observation, reward 0,
 * terminated and truncated false, and {@code "autoreset" = true} in its info.
 *
 * <p>Seeds: {@link #reset(long)} resets env i with {@code seed + i}; env i's k-th autoreset uses
 * {@code seed + i + k * numEnvs()}, so a run is reproducible from one seed and no two episodes share one.
 */
public interface VectorEnv extends AutoCloseable {
    String AUTORESET = "autoreset";

    int numEnvs();

    /** The spec of env i. */
    TaskSpec spec(int i);

    float[][] reset(long seed);

    VectorStepResult step(float[][] actions);

    @Override
    void close();
}
