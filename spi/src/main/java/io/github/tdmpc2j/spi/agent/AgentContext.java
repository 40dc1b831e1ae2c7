package io.github.tdmpc2j.spi.agent;

import io.github.tdmpc2j.spi.MultitaskEnv;
import io.github.tdmpc2j.spi.TaskSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an agent is made for: its tasks (one, or a multitask set in embedding order), the unified observation
 * and action sizes, each task's action mask, free-form parameters ({@code key=value}, meaning is the
 * provider's) and a seed.
 */
public record AgentContext(List<TaskSpec> tasks, int observationSize, int actionSize, List<float[]> actionMasks,
        Map<String, String> params, long seed) {
    public AgentContext {
        tasks = List.copyOf(tasks);
        actionMasks = List.copyOf(actionMasks);
        params = Map.copyOf(params);
        if (tasks.isEmpty() || tasks.size() != actionMasks.size()) {
            throw new IllegalArgumentException("need one action mask per task, and at least one task");
        }
    }

    public static AgentContext single(TaskSpec task, Map<String, String> params, long seed) {
        return new AgentContext(List.of(task), task.observationSize(), task.actionSize(),
                List.of(MultitaskEnv.actionMask(task.actionSize(), task.actionSize())), params, seed);
    }

    public static AgentContext multitask(MultitaskEnv env, Map<String, String> params, long seed) {
        List<float[]> masks = new ArrayList<>();
        for (int i = 0; i < env.taskCount(); i++) {
            masks.add(env.actionMask(i));
        }
        return new AgentContext(env.specs(), env.observationSize(), env.actionSize(), masks, params, seed);
    }

    public boolean multitask() {
        return tasks.size() > 1;
    }

    public float[] actionMask(int task) {
        return actionMasks.get(task).clone();
    }
}
