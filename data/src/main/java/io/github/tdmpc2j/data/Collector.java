package io.github.tdmpc2j.data;

import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.MultitaskEnv;
import io.github.tdmpc2j.spi.TaskSpace;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.Episode;
import io.github.tdmpc2j.spi.rollout.Rollout;
import io.github.tdmpc2j.spi.vector.EpisodeSchedule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Multitask data collection: N episodes of each task on the rollout engine, the rows of every task stepped on K
 * threads and the policy acting on all of them in one batch, each episode written to the dataset as soon as it
 * ends. Episodes already in the folder are skipped, so a killed run resumes where it
 * stopped and loses only the episodes that were in flight.
 *
 * <p>Episode {@code k} of task {@code i} resets with seed {@code seed + 1_000_003 * i + k}, whichever worker
 * runs it, and the policy begins it with the same seed ({@link Agent#beginEpisode(int, int, boolean, long)}), so
 * the random policy's actions, too, are the same whatever the worker count and order.
 */
public final class Collector {
    /** Called after each written episode. */
    public interface Listener {
        void episodeWritten(DatasetTask task, int k, Episode episode);

        /** Called once, before the collection, with the damaged episode files it writes anew and why. */
        default void damagedFound(Map<Path, String> files) {
        }

        /**
         * Called when the collection's envs fail to close ({@code e}, a plug-in's {@code close()} that threw) after
         * every episode was written: the episodes stand, and the caller says so (as a warning); by default the
         * failure is the collection's.
         */
        default void envsCloseFailed(TdmpcException e) {
            throw e;
        }

        /**
         * Called when the collection's agent fails to close ({@code e}) after every episode was written, as
         * {@link #envsCloseFailed} is for the envs; by default the failure is the collection's.
         */
        default void agentCloseFailed(TdmpcException e) {
            throw e;
        }

        /**
         * Called once, before the collection first writes into its folder (its index, an earlier run's leftovers
         * removed), after what writes nothing: a folder that holds a dataset already is opened first (another
         * collection's is refused, a whole one ends there, before a Python worker starts); a new one once the envs
         * are made, so that a task that cannot be made, or a stop while the envs start, leaves no folder. Where
         * the caller takes the folder's lock, whose release removes the index of a new dataset that got no episode
         * (a stop before the first), so that its folder holds nothing of it.
         */
        default void writing() {
        }

        /**
         * Whether to stop before the next step (a signal): asked before the folder is opened, before each env is
         * made, once the envs are made and before each step, never once the work is done (a true answer stops the
         * collection short). The episodes written stay whole; those in progress are given up.
         */
        default boolean stopRequested() {
            return false;
        }
    }

    /** Where a finished episode goes: a {@link DatasetWriter}, or bytes for a cluster's driver. */
    public interface EpisodeSink {
        void write(int k, Episode episode, long seed, boolean[] truncated, boolean[] terminated);
    }

    private final EnvRegistry registry;
    private final List<TaskSpec> specs;
    private final DatasetIndex index;
    private final TaskSpace space;

    /** A collection of the tasks {@code taskIds}, in this order, by {@code policy} (as the index records it). */
    public Collector(EnvRegistry registry, List<String> taskIds, DatasetPolicy policy) {
        this.registry = registry;
        this.specs = taskIds.stream().map(registry::resolve).toList();
        this.space = TaskSpace.of(specs);
        this.index = DatasetIndex.of(space, policy);
    }

    /**
     * The dataset folder {@code out} opened for this collection with base seed {@code seed}: a new dataset, or
     * this collection resumed; a dataset of other tasks, another seed or another policy is refused
     * ({@link DatasetWriter#open}).
     */
    public DatasetWriter open(Path out, long seed) {
        return DatasetWriter.open(out, index.withSeed(seed));
    }

    /** The dataset's task space: its tasks in order, observations and actions padded to the largest. */
    public TaskSpace space() {
        return space;
    }

    /** The space of the tasks {@code ids} (resolved by this collector's registry), for an agent made for them. */
    public TaskSpace spaceOf(List<String> ids) {
        return TaskSpace.of(ids.stream().map(registry::resolve).toList());
    }

    /** What an agent acting in this dataset's unified space is made for. */
    public AgentContext agentContext(Map<String, String> params, long seed) {
        return AgentContext.of(space, params, seed);
    }

    /**
     * Whether {@code out} holds a dataset of these tasks already (its index, or episodes of one of them): a
     * collection opens it before anything else, and writes a new one only once its tasks can be made.
     */
    public boolean holdsDataset(Path out) {
        return Files.exists(DatasetLayout.index(out))
                || index.tasks().stream().anyMatch(t -> Files.isDirectory(DatasetLayout.taskDir(out, t.id())));
    }

    /**
     * Collects into {@code out}; returns the number of episodes written by this call (fewer than were missing when
     * {@link Listener#stopRequested} stopped it). The policy acts on every row in one batch ({@link Rollout});
     * each task has {@code ceil(workers / tasks)} rows (at most its episode count), and the rows step on
     * {@code workers} threads.
     *
     * @param policy makes the acting agent (in this dataset's space: {@link #agentContext})
     */
    public int collect(Path out, int episodesPerTask, int workers, long seed, Supplier<Agent> policy,
            Listener listener) {
        Listener calls = listener != null ? listener : (task, k, episode) -> { };
        registry.requireAvailable(specs); // before the folder gets an index it could not fill
        if (calls.stopRequested()) {
            return 0;
        }
        // an existing dataset first: refused, or whole, before any worker starts
        DatasetWriter writer = null;
        if (holdsDataset(out)) {
            calls.writing();
            writer = open(out, seed, calls);
        }
        if (writer != null && missing(writer, episodesPerTask) == 0) {
            return 0;
        }
        int perTask = Math.max(1, Math.min(episodesPerTask, (workers + specs.size() - 1) / specs.size()));
        List<String> rowIds = new ArrayList<>();
        for (TaskSpec spec : specs) {
            for (int i = 0; i < perTask; i++) {
                rowIds.add(spec.id());
            }
        }
        boolean finished = false;
        int written = 0;
        TdmpcException agentFailed = null;
        // a signal while the envs are made: the next env is not made, those made are closed, nothing written
        Optional<MultitaskEnv> made = MultitaskEnv.make(registry, space, rowIds, seed, workers, calls::stopRequested);
        if (made.isEmpty()) {
            return 0;
        }
        try (MultitaskEnv env = made.get()) {
            if (calls.stopRequested()) { // a signal once the last env was made: nothing written
                return 0;
            }
            if (writer == null) { // a new dataset, written now that its tasks are made
                calls.writing(); // told first (the caller's lock): another collection may have made it meanwhile
                writer = open(out, seed, calls);
                if (missing(writer, episodesPerTask) == 0) {
                    return 0;
                }
            }
            try (Agent agent = policy.get()) {
                Rollout rollout = new Rollout(env, agent, Rollout.Mode.COLLECT);
                rollout.start(EpisodeSchedule.perTask(env.tasks(), episodesPerTask,
                        (t, k) -> episodeSeed(seed, t, k), writer::has));
                while (rollout.active() && !calls.stopRequested()) {
                    for (Rollout.Finished f : rollout.step().finished()) {
                        int k = (int) (f.episode() - (long) f.task() * episodesPerTask);
                        writer.write(k, f.recorded().episode(), f.seed(), f.recorded().truncated(),
                                f.recorded().terminated());
                        written++;
                        calls.episodeWritten(index.tasks().get(f.task()), k, f.recorded().episode());
                    }
                }
                finished = true; // before the agent's close, whose failure leaves every episode written
            } catch (TdmpcException e) {
                if (!finished || listener == null) {
                    throw e;
                }
                agentFailed = e; // every episode is written: only the agent's close failed
            }
        } catch (TdmpcException e) {
            if (!finished || listener == null) {
                throw e;
            }
            calls.envsCloseFailed(e); // every episode is written: only the envs' close failed
        }
        if (agentFailed != null) {
            calls.agentCloseFailed(agentFailed);
        }
        return written;
    }

    /** The folder opened for writing (the listener told first, {@link Listener#writing}), its damaged files named. */
    private DatasetWriter open(Path out, long seed, Listener calls) {
        DatasetWriter writer = open(out, seed);
        if (!writer.damaged().isEmpty()) {
            calls.damagedFound(new java.util.TreeMap<>(writer.damaged()));
        }
        return writer;
    }

    /** How many of the episodes asked for are not in the writer's folder yet. */
    private int missing(DatasetWriter writer, int episodesPerTask) {
        int missing = 0;
        for (int t = 0; t < specs.size(); t++) {
            for (int k = 0; k < episodesPerTask; k++) {
                missing += writer.has(t, k) ? 0 : 1;
            }
        }
        return missing;
    }

    // ---- one unit, for running it elsewhere (a cluster's executor): the same rows, seeds and engine as collect

    /** The dataset's index (tasks, padded sizes, action masks). */
    public DatasetIndex index() {
        return index;
    }

    /** A row of task {@code t} (in this dataset's space) for a collection with base seed {@code seed}. */
    public MultitaskEnv makeEnv(int t, long seed) {
        return MultitaskEnv.make(registry, space, List.of(specs.get(t).id()), seed + t, 1);
    }

    /** The reset (and policy) seed of episode {@code k} of task {@code t}, whichever row runs it. */
    public static long episodeSeed(long seed, int t, int k) {
        return seed + 1_000_003L * t + k;
    }

    /**
     * Runs episode {@code k} of task {@code t} on {@code env} (one row, from {@link #makeEnv}) on the rollout
     * engine, as {@link #collect} runs it, and hands it to {@code sink}. The policy's draws start over from the
     * episode's seed ({@link Agent#reseed}), so the episode is the same whichever episodes the policy ran before
     * (a cluster's executor runs the episodes it is given with one policy).
     */
    public Episode collectOne(MultitaskEnv env, Agent policy, int t, int k, long seed, EpisodeSink sink) {
        return collectOne(env, policy, t, k, seed, sink, () -> false);
    }

    /**
     * {@link #collectOne(MultitaskEnv, Agent, int, int, long, EpisodeSink)}, asking {@code stop} before each step,
     * as {@link Listener#stopRequested} is asked: a true answer gives the episode up, nothing handed to
     * {@code sink}, and returns null (a cluster's unit whose job was stopped).
     */
    public Episode collectOne(MultitaskEnv env, Agent policy, int t, int k, long seed, EpisodeSink sink,
            java.util.function.BooleanSupplier stop) {
        if (env.numEnvs() != 1 || env.task(0) != t) {
            throw new IllegalArgumentException("collectOne needs the one row of task " + t + " from makeEnv");
        }
        Rollout rollout = new Rollout(env, policy, Rollout.Mode.COLLECT);
        long episodeSeed = episodeSeed(seed, t, k);
        // the episode depends on its seed alone, whichever episodes this policy acted in before
        policy.reseed(episodeSeed);
        rollout.start((row, n) -> n == 0 ? new EpisodeSchedule.Ticket(k, episodeSeed) : null);
        while (rollout.active()) {
            if (stop.getAsBoolean()) {
                return null;
            }
            for (Rollout.Finished f : rollout.step().finished()) {
                sink.write(k, f.recorded().episode(), f.seed(), f.recorded().truncated(), f.recorded().terminated());
                return f.recorded().episode();
            }
        }
        throw new IllegalStateException("episode " + k + " of task " + t + " did not end");
    }
}
