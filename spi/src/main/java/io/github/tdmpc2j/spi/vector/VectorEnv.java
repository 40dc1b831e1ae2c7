package io.github.tdmpc2j.spi.vector;

import io.github.tdmpc2j.spi.TaskSpec;

/**
 * N envs (rows) stepped together. Rows may run different tasks ({@link #spec}); a {@code MultitaskEnv} puts
 * them into one space.
 *
 * <p>Autoreset follows Gymnasium 1.x's default ("next-step"): the step on which row i's episode ends returns
 * that episode's last observation with terminated or truncated set. On the following {@link #step}, row i's
 * action is ignored; it is reset instead into the next episode of the {@link EpisodeSchedule} given at
 * {@link #reset(EpisodeSchedule)} and returns that episode's first observation, reward 0, terminated and
 * truncated false, and {@code "autoreset" = true} in its info. A row the schedule has no episode for is idle:
 * its observation is null from then on. A null action leaves its row as it is for that step (null observation).
 * The bookkeeping is {@link Autoreset}'s, shared by every implementation.
 */
public interface VectorEnv extends AutoCloseable {
    String AUTORESET = "autoreset";

    int numEnvs();

    /** The spec of row i. */
    TaskSpec spec(int i);

    /** Resets every row into its first episode of {@code schedule}; null entries for idle rows. */
    float[][] reset(EpisodeSchedule schedule);

    /** {@link #reset(EpisodeSchedule)} with {@link EpisodeSchedule#sequential}: row i starts with {@code seed + i}. */
    default float[][] reset(long seed) {
        return reset(EpisodeSchedule.sequential(seed, numEnvs()));
    }

    VectorStepResult step(float[][] actions);

    /**
     * Refuses, with an {@link io.github.tdmpc2j.spi.InvalidActionException} and before any row moves, the actions
     * {@link #step} would refuse: not one (or null) per row, or a row that steps with an action of another size
     * than its task's or with an entry that is not finite (the actions of rows that reset or are idle are ignored,
     * as a step ignores them). {@link #step} checks so first, so that a refused step changes no row and the
     * vector env stays usable. The default checks the count only.
     */
    default void checkActions(float[][] actions) {
        Autoreset.checkCount(numEnvs(), actions);
    }

    /** The episode row {@code i} is in; null when it is idle. */
    EpisodeSchedule.Ticket episode(int i);

    /** True when every row is idle: its schedule has no more episodes for it. */
    default boolean allIdle() {
        for (int i = 0; i < numEnvs(); i++) {
            if (episode(i) != null) {
                return false;
            }
        }
        return true;
    }

    @Override
    void close();
}
