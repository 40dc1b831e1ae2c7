package io.github.tdmpc2j.tasks.metaworld;

import io.github.tdmpc2j.bridge.py4j.RemoteEnvProvider;
import io.github.tdmpc2j.spi.TaskSpec;
import java.util.List;

/**
 * Meta-World 3.x's MT50 tasks in a Python worker (venv {@code metaworld}). The raw env is the task's
 * goal-observable variant, seeded by {@code reset(seed)}, with a new goal and object placement each episode; its
 * step info carries {@code success} as a Boolean made from Meta-World's own success value.
 */
public final class MetaWorldProvider extends RemoteEnvProvider {

    public MetaWorldProvider() {
        super(MetaWorldTasks.DOMAIN);
    }

    @Override
    public String description() {
        return "Meta-World 3.1 MT50 (goal-observable, 100 agent steps, action repeat 2), in a Python worker";
    }

    @Override
    public List<TaskSpec> tasks() {
        return MetaWorldTasks.all();
    }
}
