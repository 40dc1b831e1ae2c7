package io.github.tdmpc2j.cluster;

import io.github.tdmpc2j.spi.EnvRegistry;
import java.io.Serializable;

/**
 * The check {@link UnitRunner} runs before any unit of a job runs, once per task of its units (on a cluster: on an
 * executor, which makes units of that task): the task can be made there (its suite set up). Without it a task not
 * set up on a node was found only when its unit ran, after other units had trained, collected or evaluated. It
 * makes nothing and writes nothing.
 *
 * @param <U> the job's unit
 */
public final class TaskCheck<U> implements UnitCheck<U> {
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
    public String key(U unit) {
        return taskOf.task(unit);
    }

    @Override
    public void check(String task) {
        checkAll(java.util.List.of(task));
    }

    /** Every task at once: one error names each that cannot be made, with what fixes it. */
    @Override
    public void checkAll(java.util.List<String> tasks) {
        EnvRegistry registry = registry();
        registry.requireAvailable(tasks.stream().map(registry::resolve).toList());
    }

    private EnvRegistry registry() {
        return local != null ? local : ExecutorCache.get().registry();
    }
}
