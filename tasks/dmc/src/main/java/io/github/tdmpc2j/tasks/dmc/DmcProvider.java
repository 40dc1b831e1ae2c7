package io.github.tdmpc2j.tasks.dmc;

import io.github.tdmpc2j.spi.Availability;
import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.EnvProvider;
import io.github.tdmpc2j.spi.SuccessMetric;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.UnknownTaskException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The 39 DMControl tasks of TD-MPC2's benchmark (MT30, humanoid, quadruped, dog), simulated in-process on
 * MuJoCo. Each task is listed as {@code dmc/<reference name>} with the bare reference name as alias; episodes are
 * 1000 control steps, seen by the agent as 500 steps with action repeat 2, as in the reference.
 */
public final class DmcProvider implements EnvProvider {
    public static final String DOMAIN = "dmc";
    /** Agent steps per episode: 1000 control steps at action repeat 2. */
    public static final int MAX_EPISODE_STEPS = 500;
    public static final int ACTION_REPEAT = 2;

    private final Map<String, DmcTaskDefinition> definitions = new LinkedHashMap<>();
    private final Map<String, TaskSpec> specs = new LinkedHashMap<>();

    public DmcProvider() {
        for (DmcDomain domain : DmcDomains.ALL) {
            for (DmcTaskDefinition d : domain.tasks()) {
                definitions.put(d.id(), d);
                specs.put(d.id(), specOf(d));
            }
        }
    }

    /** The spec of a task definition, as {@link #tasks()} lists it. */
    public static TaskSpec specOf(DmcTaskDefinition d) {
        return new TaskSpec(d.id(), List.of(d.name()), Box.unbounded(d.observationSize()),
                d.actionSpace(), MAX_EPISODE_STEPS, ACTION_REPEAT, SuccessMetric.RETURN, false);
    }

    @Override
    public String domain() {
        return DOMAIN;
    }

    @Override
    public String description() {
        return "the 39 DMControl tasks of TD-MPC2's benchmark (MT30, humanoid, quadruped, dog), native on MuJoCo "
                + "(no Python)";
    }

    @Override
    public List<TaskSpec> tasks() {
        return List.copyOf(specs.values());
    }

    @Override
    public Availability availability() {
        return NativeCheck.availability();
    }

    @Override
    public Env create(TaskSpec task, EnvOptions options) {
        DmcTaskDefinition definition = definitions.get(task.id());
        if (definition == null) {
            throw new UnknownTaskException("the dmc plug-in has no task " + task.id()
                    + "; its tasks are: " + String.join(", ", definitions.keySet()), List.of());
        }
        return new DmcEnv(specs.get(task.id()), definition);
    }

    /** The definition behind an id, for tests and tools that work below the {@link Env} interface. */
    public DmcTaskDefinition definition(String id) {
        DmcTaskDefinition d = definitions.get(id);
        if (d == null) {
            throw new UnknownTaskException("the dmc plug-in has no task " + id, List.of());
        }
        return d;
    }
}
