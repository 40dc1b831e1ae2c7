package io.github.tdmpc2j.spi.agent;

/** The {@code random} agent. */
public final class RandomAgentProvider implements AgentProvider {
    @Override
    public String name() {
        return "random";
    }

    @Override
    public String description() {
        return "uniform random actions in [-1, 1]; a baseline";
    }

    @Override
    public Agent create(AgentContext context) {
        DeviceSetting.check(context, "random agent"); // it runs on none, but takes --device as every agent does
        return new RandomAgent(context);
    }
}
