package io.github.tdmpc2j.spi.agent;

import java.nio.file.Path;
import java.util.Map;

/**
 * A learning agent. It acts in [-1, 1] (entries outside a task's action mask are 0) and owns its training
 * schedule: {@link #observe} records a step and runs whatever updates the agent's algorithm calls for.
 */
public interface Agent extends AutoCloseable {
    /** Called at the start of each episode, before its first {@link #act}. */
    void beginEpisode(int task);

    /**
     * Called instead of {@link #beginEpisode(int)} by a caller that wants the episode's random choices to depend
     * on {@code seed} alone, not on the episodes this agent acted in before (data collection, where any worker may
     * run any episode). An agent whose acting draws random numbers reseeds them from {@code seed}; by default the
     * seed is ignored.
     */
    default void beginEpisode(int task, long seed) {
        beginEpisode(task);
    }

    /**
     * The action for an observation of task {@code task}.
     *
     * @param eval true for evaluation (no exploration noise, no random seed-phase actions)
     */
    float[] act(float[] observation, int task, boolean eval);

    /** Records a step; returns training metrics of any update it ran (empty when none). */
    Map<String, Double> observe(Transition transition);

    /** Environment steps observed so far. */
    long steps();

    /** Writes the agent's full state into {@code dir} (created if missing), atomically per file. */
    void save(Path dir);

    /** Restores what {@link #save} wrote. Fails with a clear message for a checkpoint of another shape. */
    void load(Path dir);

    @Override
    void close();
}
