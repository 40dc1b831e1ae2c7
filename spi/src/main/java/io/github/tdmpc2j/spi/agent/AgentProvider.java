package io.github.tdmpc2j.spi.agent;

import io.github.tdmpc2j.spi.Messages;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An agent plug-in, found through {@link java.util.ServiceLoader} and chosen by {@link #name()}. */
public interface AgentProvider {
    String name();

    default String description() {
        return name();
    }

    Agent create(AgentContext context);

    /**
     * Refuses, before any env is made or step taken, a training run that an agent made for {@code context} could not
     * finish: settings that do not fit its tasks (a size, a horizon longer than an episode), or memory that a run of
     * {@code steps} agent steps (all rows counted, a resumed run's total) on {@code envs} envs would fill beyond
     * {@code heapBytes}, the Java heap the run's JVM may grow to ({@link Long#MAX_VALUE} when the run is to happen
     * elsewhere). A command calls it for each run it is about to train (a bench for all of them, before the first),
     * so that such a run fails in seconds, not after hours of others; it throws a
     * {@link io.github.tdmpc2j.spi.TdmpcException} that says what to change. The default checks nothing
     * ({@link #create} may still refuse).
     */
    default void checkRun(AgentContext context, long steps, int envs, long heapBytes) {
    }

    /**
     * Refuses what {@link #checkRun} was given that is no run, whatever the agent, with a
     * {@link io.github.tdmpc2j.spi.TdmpcException} that says what to pass: fewer than 1 step or env, or a heap of no
     * bytes. A mistake of the caller, refused before a plug-in's {@code checkRun} is called with it.
     */
    static void requireRun(long steps, int envs, long heapBytes) {
        if (steps < 1) {
            throw new io.github.tdmpc2j.spi.TdmpcException("checkRun was given " + Messages.plural(steps, "step")
                    + ": pass the agent steps the run is to take, all rows together, 1 or more (its --steps; a "
                    + "resumed run's total)");
        }
        if (envs < 1) {
            throw new io.github.tdmpc2j.spi.TdmpcException("checkRun was given " + Messages.plural(envs, "env")
                    + ": pass how many envs the run steps at once, 1 or more (its --envs)");
        }
        requireHeap("checkRun", heapBytes);
    }

    /**
     * Refuses what {@link #checkOfflineRun} was given that is no dataset or JVM, whatever the agent, as
     * {@link #requireRun} does for {@link #checkRun}: fewer than 0 dataset steps, or a heap of no bytes.
     */
    static void requireOfflineRun(long datasetSteps, long heapBytes) {
        if (datasetSteps < 0) {
            throw new io.github.tdmpc2j.spi.TdmpcException("checkOfflineRun was given "
                    + Messages.plural(datasetSteps, "dataset step") + ": pass the steps the dataset's episodes hold, "
                    + "all tasks together, 0 or more (or a bound on them, as its files times their episode length)");
        }
        requireHeap("checkOfflineRun", heapBytes);
    }

    private static void requireHeap(String method, long heapBytes) {
        if (heapBytes < 1) {
            throw new io.github.tdmpc2j.spi.TdmpcException(method + " was given a heap of "
                    + Messages.plural(heapBytes, "byte") + ": pass the Java heap the run's JVM may grow to "
                    + "(Runtime.getRuntime().maxMemory()), or Long.MAX_VALUE for a run that is to happen elsewhere");
        }
    }

    /**
     * Refuses, before any episode is read, offline training from a dataset of {@code datasetSteps} recorded steps
     * that an agent made for {@code context} could not do: settings that do not fit its tasks, a dataset it cannot
     * hold whole, or one that would fill its memory beyond {@code heapBytes}, the Java heap of the JVM that loads
     * it; so that such a run fails in seconds, not once minutes of loading have filled the heap. It throws a
     * {@link io.github.tdmpc2j.spi.TdmpcException} that says what to change ({@link #checkRun}'s counterpart for
     * offline training). The default checks nothing ({@link #create} and {@link OfflineLearner#addEpisode} may
     * still refuse); a negative step count or a heap of no bytes is the caller's mistake ({@link #requireOfflineRun}).
     */
    default void checkOfflineRun(AgentContext context, long datasetSteps, long heapBytes) {
    }

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

    /**
     * A line {@code eval} shows before an agent made with {@code params} (a checkpoint's settings, with the command's
     * overrides) acts, when those settings make it act otherwise than a user of this agent would take for granted
     * (TD-MPC2 trained with planning off acts with its policy alone), saying how to act the usual way; empty when they
     * do not. The default says nothing.
     */
    default Optional<String> actingNotice(Map<String, String> params) {
        return Optional.empty();
    }
}
