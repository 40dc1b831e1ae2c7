package io.github.tdmpc2j.spi.agent;

import java.io.IOException;
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

    /**
     * Writes the agent's full state as files into {@code dir}, a new empty folder that {@link CheckpointFolder}
     * then seals as one checkpoint (a caller can add its own files to the same folder, as the trainer does).
     */
    void writeState(Path dir) throws IOException;

    /**
     * Restores what {@link #writeState} wrote into {@code dir}, a folder {@link CheckpointFolder#open} has
     * verified. Fails with a {@link CheckpointException} that says why for a checkpoint of another shape.
     */
    void readState(Path dir);

    /** Saves the agent as one checkpoint folder {@code dir}, replacing the one there ({@link CheckpointFolder}). */
    default void save(Path dir) {
        CheckpointFolder.write(dir, steps(), this::writeState);
    }

    /** Loads the checkpoint folder {@code dir} after checking that it is complete and unchanged. */
    default void load(Path dir) {
        readState(CheckpointFolder.open(dir).dir());
    }

    @Override
    void close();
}
