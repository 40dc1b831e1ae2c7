package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.RandomAgent;
import io.github.tdmpc2j.spi.agent.Transition;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The random agent, each call handed to it: the agent plug-ins of the command tests extend it and override the call
 * they make fail or change.
 */
class RandomDelegate implements Agent {
    private final Agent random;

    RandomDelegate(AgentContext context) {
        random = new RandomAgent(context);
    }

    @Override
    public void beginEpisode(int row, int task, boolean eval, long seed) {
        random.beginEpisode(row, task, eval, seed);
    }

    @Override
    public float[][] act(float[][] observations, int[] tasks, boolean eval) {
        return random.act(observations, tasks, eval);
    }

    @Override
    public Map<String, Double> observe(Transition[] transitions) {
        return random.observe(transitions);
    }

    @Override
    public long steps() {
        return random.steps();
    }

    @Override
    public void writeState(Path dir) throws IOException {
        random.writeState(dir);
    }

    @Override
    public void readState(Path dir) {
        random.readState(dir);
    }

    @Override
    public void close() {
        random.close();
    }
}
