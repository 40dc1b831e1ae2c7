package io.github.tdmpc2j.spi.agent;

import java.nio.file.Path;
import java.util.Map;

/** An agent plug-in, found through {@link java.util.ServiceLoader} and chosen by {@link #name()}. */
public interface AgentProvider {
    String name();

    default String description() {
        return name();
    }

    Agent create(AgentContext context);

    /**
     * The parameters recorded in a checkpoint of this agent ({@code dir}, verified by {@link CheckpointFolder}),
     * so that {@link #create} with them makes an agent that can load it; settings of the machine rather than the
     * model (such as the device) are left out. Empty when the checkpoint records none.
     */
    default Map<String, String> checkpointParams(Path dir) {
        return Map.of();
    }
}
