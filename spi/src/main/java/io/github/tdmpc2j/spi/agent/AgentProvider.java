package io.github.tdmpc2j.spi.agent;

/** An agent plug-in, found through {@link java.util.ServiceLoader} and chosen by {@link #name()}. */
public interface AgentProvider {
    String name();

    default String description() {
        return name();
    }

    Agent create(AgentContext context);
}
