package io.github.tdmpc2j.cluster;

import io.github.tdmpc2j.spi.EnvRegistry;
import java.io.Serializable;

/**
 * The check {@link UnitRunner} runs on every unit of a job before any unit runs, on the node that will run it: the
 * unit's task can be made there (its suite set up). Without it a task not set up on a node was found only when its
 * unit ran, after other units had trained, collected or evaluated. It makes nothing and writes nothing.
 *
 * @param <U> the job's unit
 */
public final class TaskCheck<U> implements UnitFunction<U, Boolean> {
    private static final long serialVersionUID = 1L;

    /** The task id of a unit; it travels to the executors with the check. */
    @FunctionalInterface
    public interface TaskOf<U> extends Serializable {
        String task(U unit);
    }

    private final transient EnvRegistry local;
    private final TaskOf<U> taskOf;

    /**
     * @param local  the command's registry, which checks the units run in this process; null where every unit runs
     *               on an executor (its own registry checks)
     * @param taskOf the task of a unit
     */
    public TaskCheck(EnvRegistry local, TaskOf<U> taskOf) {
        this.local = local;
        this.taskOf = taskOf;
    }

    @Override
    public Boolean run(U unit) {
        EnvRegistry registry = local != null ? local : ExecutorCache.get().registry();
        registry.requireAvailable(registry.resolve(taskOf.task(unit)));
        return Boolean.TRUE;
    }
}
