package io.github.tdmpc2j.spi.agent;

import io.github.tdmpc2j.spi.TaskSpace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A learning agent. It acts on batches of rows (one per env of a vector env) in [-1, 1] (entries outside a
 * task's action mask are 0) and owns its training schedule: {@link #observe} records a step of every training
 * row and runs whatever updates the agent's algorithm calls for.
 */
public interface Agent extends AutoCloseable {
    /**
     * Begins an episode in row {@code row} of the batches this agent acts on. Rows are independent episodes (one
     * per env of a vector env); training rows ({@code eval} false) and evaluation rows ({@code eval} true) keep
     * separate state, so an evaluation never disturbs the training episodes in progress.
     *
     * @param seed the seed the episode's env was reset with. An agent whose acting draws random numbers per
     *             episode may reseed them from it, so that the episode depends on the seed alone, not on the
     *             episodes this agent acted in before (the random agent does; data collection relies on it)
     */
    void beginEpisode(int row, int task, boolean eval, long seed);

    /**
     * Starts the agent's own random draws over from {@code seed}, as if it had just been made with it; weights and
     * learned state stay. A unit of work that may run on any worker, after any other unit on the same agent (one
     * task's evaluation, one collected episode), calls it first, so that its results depend on its seed alone. An
     * agent whose draws do not carry over from one episode to the next need not do anything.
     */
    default void reseed(long seed) {
    }

    /**
     * Actions for a batch of rows, each in [-1, 1] with 0 outside its task's action mask. Row {@code i} is the
     * row of {@link #beginEpisode}; a null observation (a row with no episode in progress this step) gets a null
     * action. A row that no {@link #beginEpisode} has begun acts as at the start of an episode (its draws come
     * from the agent's own generator, {@link #reseed}), so that a caller acting on single observations
     * ({@link #act(float[], int, boolean)}) need not begin one; a row's next episode is begun before its first act,
     * else it goes on from the last one's plan. An agent may plan all rows in one batch.
     *
     * @param eval true for evaluation (no exploration noise, no random seed-phase actions)
     */
    float[][] act(float[][] observations, int[] tasks, boolean eval);

    /** One row's action: {@link #act(float[][], int[], boolean)} for row 0 alone. */
    default float[] act(float[] observation, int task, boolean eval) {
        return act(new float[][] {observation}, new int[] {task}, eval)[0];
    }

    /**
     * Records one step of the training rows: {@code transitions[i]} is row {@code i}'s, null for a row that did
     * not step. Runs whatever updates the agent's schedule calls for; returns the metrics of the last update it
     * ran (empty when none).
     */
    Map<String, Double> observe(Transition[] transitions);

    /**
     * Asks an {@link #observe} in progress to return before its next gradient update; safe to call from any
     * thread (a signal handler's). A run that stops need not wait for a long one: the seed phase's catch-up runs as
     * many updates as there were seed steps (an hour and more with the paper preset on a CPU). The updates it leaves
     * stay owed and run in the next {@code observe}; a request made between two calls applies to the next one. The
     * default does nothing, for agents whose {@code observe} is short.
     */
    default void interruptUpdates() {
    }

    /** Row 0's step alone. */
    default Map<String, Double> observe(Transition transition) {
        return observe(new Transition[] {transition});
    }

    /** Environment steps observed so far. */
    long steps();

    /**
     * The tasks and sizes this agent was made for ({@link AgentContext#space()}), where the agent says them: a
     * {@link io.github.tdmpc2j.spi.rollout.Rollout} then refuses an env of other tasks or sizes when it is made,
     * naming both, rather than at the first act. Empty by default: such an agent is checked at act alone.
     */
    default Optional<TaskSpace> space() {
        return Optional.empty();
    }

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

    /**
     * Loads the checkpoint folder {@code dir} after checking that it is complete and unchanged; one that its writer
     * replaces meanwhile (a run's, while it trains) is read again ({@link CheckpointFolder#read}).
     */
    default void load(Path dir) {
        CheckpointFolder.read(dir, m -> {
            readState(m.dir());
            return null;
        });
    }

    @Override
    void close();
}
