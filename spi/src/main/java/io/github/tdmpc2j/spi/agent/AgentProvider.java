package io.github.tdmpc2j.spi.agent;

import java.nio.file.Path;
import java.util.List;
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

    /**
     * The ids of the tasks a checkpoint of this agent ({@code dir}, verified) was made for, in the agent's task
     * order, so that {@link #create} for them makes an agent that can load it; empty when the checkpoint does not
     * record them (it then loads into an agent made for any tasks).
     */
    default List<String> checkpointTasks(Path dir) {
        return List.of();
    }
}
