package io.github.tdmpc2j.spi.agent;

import java.util.Map;

/**
 * An agent that can also learn from recorded episodes, with no env (offline training on a dataset).
 *
 * <p>The recorded episodes are the agent's data, not its state: the dataset holds them. Once given one, the agent's
 * {@link Agent#writeState} leaves them out (a checkpoint holds the model and the optimiser, not a copy of the
 * dataset), and its {@link Agent#readState} keeps the episodes it was given (a run resumed on a dataset gives them
 * again, before it reads the checkpoint) rather than restoring any it finds in the checkpoint.
 */
public interface OfflineLearner {
    /** Adds a recorded episode to what the agent learns from. */
    void addEpisode(Episode episode);

    /** Runs one learning update on the recorded data; returns its metrics. */
    Map<String, Double> update();
}
