package io.github.tdmpc2j.spi.agent;

import java.util.Map;

/** An agent that can also learn from recorded episodes, with no env (offline training on a dataset). */
public interface OfflineLearner {
    /** Adds a recorded episode to what the agent learns from. */
    void addEpisode(Episode episode);

    /** Runs one learning update on the recorded data; returns its metrics. */
    Map<String, Double> update();
}
