package io.github.tdmpc2j.bridge.py4j;

import io.github.tdmpc2j.spi.Availability;
import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.EnvProvider;
import io.github.tdmpc2j.spi.GivingUp;
import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.PluginException;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.vector.CompositeVectorEnv;
import io.github.tdmpc2j.spi.vector.VectorEnv;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Base of the plug-ins whose envs live in a Python worker: availability from the venv's marker (no process is
 * started), one shared worker per provider, and a check that the worker's spaces are the listed ones.
 */
public abstract class RemoteEnvProvider implements EnvProvider {
    private final String domain;
    private final String venv;
    private final String suite;
    private final SharedWorker worker;
    private volatile String requirementsHash;

    /**
     * A plug-in whose domain, venv and worker suite share one name.
     *
     * @param domain the task ids' domain ({@code metaworld}), also the venv's name and the worker's suite
     */
    protected RemoteEnvProvider(String domain) {
        this(domain, domain, domain);
    }

    /**
     * @param domain the task ids' domain ({@code dmc-python})
     * @param venv   the Python environment's domain ({@code dmc}), also what {@code tdmpc2j setup} takes
     * @param suite  the worker's suite that makes the envs
     */
    protected RemoteEnvProvider(String domain, String venv, String suite) {
        this.domain = domain;
        this.venv = venv;
        this.suite = suite;
        this.worker = new SharedWorker(WorkerConfig.forDomain(venv, List.of(suite)));
    }

    @Override
    public String domain() {
        return domain;
    }

    /** The name the worker's suite knows the task by; by default the part of the id after the domain. */
    protected String remoteTaskName(TaskSpec task) {
        return task.name();
    }

    @Override
    public Availability availability() {
        if (requirementsHash == null) {
            requirementsHash = Requirements.of(venv).sha256();
        }
        String why = VenvLayout.fromEnvironment().whyNotReady(venv, requirementsHash);
        return why == null ? Availability.ok() : Availability.unavailable(why, "tdmpc2j setup " + venv);
    }

    @Override
    public RemoteEnv create(TaskSpec task, EnvOptions options) {
        if (!task.domain().equals(domain())) {
            throw new PluginException("the " + domain() + " plug-in cannot make " + task.id() + " of another domain");
        }
        return RemoteEnv.make(worker.get(), suite, remoteTaskName(task), options, spaces -> checked(task, spaces));
    }

    /**
     * The rows' envs in this provider's worker, stepped with one call per step for all rows that share an action
     * repeat (one group, so one call, per action repeat) and wrapped as {@code EnvRegistry.make} wraps one env. Row j
     * is made with {@code options.get(j)}; the envs are made in row order.
     */
    @Override
    public Optional<VectorEnv> createVector(List<TaskSpec> tasks, List<EnvOptions> options) {
        return createVector(tasks, options, () -> false);
    }

    /**
     * {@link #createVector(List, List)} that gives up once {@code stop} answers true, asked once the worker has
     * started (seconds, a suite's imports), before each row's env and while it is made (seconds each, a suite that
     * loads its assets: the worker is then killed, {@link PythonWorker#callHeedingStop}): the envs made are closed,
     * and the answer is empty.
     */
    @Override
    public Optional<VectorEnv> createVector(List<TaskSpec> tasks, List<EnvOptions> options, BooleanSupplier stop) {
        List<RemoteEnv> envs = new ArrayList<>(tasks.size());
        Map<Integer, List<Integer>> rowsOfRepeat = new LinkedHashMap<>();
        List<CompositeVectorEnv.Part> parts = new ArrayList<>();
        try {
            worker.get(); // started before the first env is made, so that a stop meanwhile makes none
            for (int j = 0; j < tasks.size(); j++) {
                TaskSpec task = tasks.get(j);
                EnvOptions rowOptions = options.get(j);
                // a stop while the env is made gives it up, the worker killed (PythonWorker#callHeedingStop)
                Optional<RemoteEnv> env = GivingUp.unless(stop, () -> create(task, rowOptions));
                if (env.isEmpty()) {
                    envs.forEach(RemoteEnv::close);
                    return Optional.empty();
                }
                envs.add(env.get());
                rowsOfRepeat.computeIfAbsent(tasks.get(j).actionRepeat(), r -> new ArrayList<>()).add(j);
            }
            if (rowsOfRepeat.size() == 1) {
                return Optional.of(RemoteVectorEnv.wrapped(envs));
            }
            for (List<Integer> rows : rowsOfRepeat.values()) {
                parts.add(new CompositeVectorEnv.Part(RemoteVectorEnv.wrapped(rows.stream().map(envs::get).toList()),
                        rows.stream().mapToInt(Integer::intValue).toArray()));
            }
        } catch (RuntimeException e) {
            envs.forEach(RemoteEnv::close);
            throw e;
        }
        return Optional.of(new CompositeVectorEnv(parts, false)); // one worker answers one call at a time
    }

    /** The worker behind this provider's envs (started on demand). */
    public SharedWorker worker() {
        return worker;
    }

    /** Refuses an env whose spaces are not the ones the task lists. */
    protected TaskSpec checked(TaskSpec task, RemoteSpaces spaces) {
        if (spaces.observation().size() != task.observationSize() || !spaces.action().equals(task.actionSpace())) {
            throw new PluginException(task.id() + " is listed with observations of "
                    + Messages.plural(task.observationSize(), "value") + " and actions in " + task.actionSpace()
                    + ", but Python made one with observations of "
                    + Messages.plural(spaces.observation().size(), "value") + " and actions in " + spaces.action()
                    + "; the plug-in's task list does not match the installed suite");
        }
        return task;
    }

    @Override
    public void close() {
        worker.close();
    }
}
