package io.github.tdmpc2j.spi;

import java.util.List;

/**
 * A task plug-in, found through {@link java.util.ServiceLoader}: a jar with
 * {@code META-INF/services/io.github.tdmpc2j.spi.EnvProvider} naming an implementation.
 *
 * <p>{@link #create} returns the raw env: one env step per {@code step}, the provider's own action bounds,
 * no time limit needed. {@link EnvRegistry#make} adds the standard wrappers the {@link TaskSpec} asks for.
 */
public interface EnvProvider extends AutoCloseable {
    /** The domain, the part of every task id before the slash. Unique across installed plug-ins. */
    String domain();

    /** A line for {@code tasks list}: what backs this domain (native MuJoCo, a Python suite...). */
    default String description() {
        return domain();
    }

    /** Every task this plug-in can make, whether or not it is ready now. */
    List<TaskSpec> tasks();

    /**
     * A task this plug-in can make although {@link #tasks()} does not list it (any registered Gymnasium id, say),
     * named without the domain; empty when there is none. Called only for {@code domain/name} ids the registry
     * does not know; may be slow (it may ask a simulator) and may throw a {@link TdmpcException} that says why the
     * name cannot be made.
     */
    default java.util.Optional<TaskSpec> describeTask(String name) {
        return java.util.Optional.empty();
    }

    /** Ready, or why not and the command that fixes it. Cheap: called when listing tasks. */
    Availability availability();

    /**
     * Whether one task can be made now: the plug-in's {@link #availability()} unless a task needs more than the
     * rest (objects from a download, say). Cheap: called for every task when listing them.
     */
    default Availability availability(TaskSpec task) {
        return availability();
    }

    /** Makes the raw env of one of {@link #tasks()}. */
    Env create(TaskSpec task, EnvOptions options);

    /**
     * The envs of several rows as one batched vector env, or empty where this plug-in has no batched form (the
     * default: the registry then makes one env per row). Row j runs {@code tasks.get(j)} made with
     * {@code options.get(j)}, and gives step for step what {@link EnvRegistry#wrap}
     * {@code (create(tasks.get(j), options.get(j)))} would give in a {@link io.github.tdmpc2j.spi.vector.VectorEnv}
     * of its own: the same observations, rewards, flags and infos. The tasks are this plug-in's, available, in
     * any mix. Called by {@link EnvRegistry#makeVector}.
     */
    default java.util.Optional<io.github.tdmpc2j.spi.vector.VectorEnv> createVector(List<TaskSpec> tasks,
            List<EnvOptions> options) {
        return java.util.Optional.empty();
    }

    /**
     * {@link #createVector(List, List)} that gives up once {@code stop} answers true (a command's Ctrl-C), asked
     * before each row's env is made: the envs made are closed and the answer is empty, after which the registry
     * makes no env either. By default the rows are made without asking it: a plug-in whose rows take long to make
     * (a Python worker that starts, then makes each row's env) asks it.
     */
    default java.util.Optional<io.github.tdmpc2j.spi.vector.VectorEnv> createVector(List<TaskSpec> tasks,
            List<EnvOptions> options, java.util.function.BooleanSupplier stop) {
        return createVector(tasks, options);
    }

    /** Frees whatever the plug-in holds across envs (worker processes, caches). */
    @Override
    default void close() {
    }
}
