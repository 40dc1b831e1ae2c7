package io.github.tdmpc2j.cluster;

import io.github.tdmpc2j.data.Collector;
import io.github.tdmpc2j.data.DatasetIndex;
import io.github.tdmpc2j.data.DatasetPolicy;
import io.github.tdmpc2j.data.DatasetTask;
import io.github.tdmpc2j.data.DatasetWriter;
import io.github.tdmpc2j.spi.GivingUp;
import io.github.tdmpc2j.spi.MultitaskEnv;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.agent.Episode;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code collect --master}: one unit per (task, episode k), run by {@link UnitRunner} on a Spark cluster. The
 * driver lists the episodes not yet in the folder and, once every unit's task passed its check on the executors
 * ({@link TaskCheck}), writes the dataset's index; each unit runs its episode with
 * {@link Collector#collectOne} (the code path of a collection in one process, with the same seeds) and writes its
 * file under a temporary name and a rename into the folder every node sees, or, with {@code gather}, returns the
 * file's bytes and the driver writes it. A retried unit writes the same bytes under the same name, so the folder
 * ends with exactly one file per episode; after the job the driver deletes the temporary files of killed
 * executors. A driver that died leaves whole files only: running the command again runs the missing episodes.
 */
public final class DistributedCollect {
    /** Called in the driver after each episode is in the dataset. */
    @FunctionalInterface
    public interface Listener {
        void episodeDone(DatasetTask task, int k, Result result);

        /**
         * Called once in the driver before the job first writes into the dataset folder, as
         * {@link Collector.Listener#writing}: for a folder that holds a dataset already before Spark starts, for a
         * new one once the cluster took the job and every task passed its check. Where the caller takes the
         * folder's lock.
         */
        default void writing() {
        }
    }

    /**
     * A collection's settings, as they travel to executors.
     *
     * @param datasetPolicy what the dataset's index records as the policy
     * @param out     the dataset folder, as every node sees it (ignored by executors with {@code gather})
     */
    public record Job(List<String> taskIds, DatasetPolicy datasetPolicy, CollectPolicy policy, String out, int episodes,
            long seed, boolean gather) implements Serializable {
        public Job {
            taskIds = new ArrayList<>(taskIds);
        }

        String key() {
            return String.join(",", taskIds) + "|" + datasetPolicy + "|" + policy + "|" + seed;
        }
    }

    /** One unit: episode {@code k} of task {@code task} ({@code id}). */
    public record Unit(int task, int k, String id) implements Serializable {
        @Override
        public String toString() { // as the cluster's messages name it
            return "episode " + k + " of " + id;
        }
    }

    /**
     * What a unit tells the driver.
     *
     * @param npz        the episode's file with {@code gather}, else null (the executor wrote it)
     * @param executor   the process that ran it ({@code pid@host})
     * @param envsMade   how many envs that process had made when the unit ended (they are kept across units)
     */
    public record Result(int length, double episodeReturn, byte[] npz, String executor, int envsMade)
            implements Serializable {
    }

    private DistributedCollect() {
    }

    /**
     * Runs the job's missing episodes; returns how many this call wrote. A new dataset's folder is written (its
     * index) only once the cluster took the job and every unit's task passed its check on the executors: a
     * collection the cluster refuses leaves no folder behind. A folder that holds a dataset already is opened first,
     * so that another collection's is refused before Spark starts.
     */
    public static int run(ClusterSettings settings, EnvRegistry registry, Job job, Listener listener) {
        return run(settings, registry, job, listener, null);
    }

    /**
     * {@link #run(ClusterSettings, EnvRegistry, Job, Listener)}, stopped by {@code stop} (may be null) when it is
     * asked (Ctrl-C): the episodes in progress are given up on the executors and the call returns once their units
     * have ended, with how many episodes were written meanwhile (whole; {@link UnitRunner.Stop#cutShort} says
     * whether it stopped short). A stop before the units run leaves a new dataset's folder unwritten.
     */
    public static int run(ClusterSettings settings, EnvRegistry registry, Job job, Listener listener,
            UnitRunner.Stop stop) {
        UnitRunner.requireReachableMaster(settings); // before the folder is made
        Collector collector = new Collector(registry, job.taskIds(), job.datasetPolicy());
        Path out = Path.of(job.out());
        List<DatasetTask> tasks = collector.index().tasks();
        // a folder with an index or episodes: opened now (another collection's is refused); a new one is written
        // when the units may run
        Listener calls = listener != null ? listener : (task, k, result) -> { };
        AtomicReference<DatasetWriter> writer = new AtomicReference<>();
        if (collector.holdsDataset(out)) {
            calls.writing();
            writer.set(collector.open(out, job.seed()));
        }
        List<Unit> units = new ArrayList<>();
        for (int k = 0; k < job.episodes(); k++) {
            for (int t = 0; t < job.taskIds().size(); t++) {
                if (writer.get() == null || !writer.get().has(t, k)) {
                    units.add(new Unit(t, k, job.taskIds().get(t)));
                }
            }
        }
        java.util.concurrent.atomic.AtomicInteger written = new java.util.concurrent.atomic.AtomicInteger();
        UnitRunner.run(settings, "collect", units, new TaskCheck<Unit>(null, u -> job.taskIds().get(u.task())),
                () -> {
                    if (writer.get() == null) {
                        calls.writing();
                        writer.set(collector.open(out, job.seed()));
                    }
                }, new OnExecutor(job),
                (i, unit, result) -> {
                    if (result.npz() != null) {
                        writer.get().writeEncoded(unit.task(), unit.k(), result.npz());
                    }
                    written.incrementAndGet();
                    calls.episodeDone(tasks.get(unit.task()), unit.k(), result);
                }, stop);
        if (writer.get() == null) {
            return written.get();
        }
        writer.get().removeTemporaryFiles(); // of executors killed mid-write; no unit runs any more
        // the episodes this call's units left in the folder: after a stop, units an executor began before the job's
        // cancellation reached it may have written theirs without their results coming back (a stop said "3
        // episodes kept" of 9 written)
        long onDisk = units.stream().filter(u -> writer.get().has(u.task(), u.k())).count();
        return (int) Math.max(written.get(), onDisk);
    }

    /** The unit as an executor runs it: envs and the policy from the executor's cache. */
    static final class OnExecutor implements UnitFunction<Unit, Result> {
        private static final long serialVersionUID = 1L;
        private final Job job;

        OnExecutor(Job job) {
            this.job = job;
        }

        @Override
        public Result run(Unit unit) {
            ExecutorCache cache = ExecutorCache.get();
            EnvRegistry registry = cache.registry();
            String key = job.key();
            Collector collector = cache.shared("collector:" + key,
                    () -> new Collector(registry, job.taskIds(), job.datasetPolicy()));
            String envKey = "env:" + job.taskIds().get(unit.task()) + ":" + (job.seed() + unit.task());
            CollectPolicy policy = job.policy().onDevice(UnitRunner.assignedGpu());
            String agentKey = "agent:" + key + ":" + policy.params().get("device");
            // a policy's model made and its checkpoint read (a minute for a large model on a CPU) are given up
            // when the job is stopped, as in one process: null, nothing kept
            Result r = cache.withLeased(envKey, () -> collector.makeEnv(unit.task(), job.seed()), agentKey,
                    () -> GivingUp.unless(UnitRunner::stopRequested, () -> policy.create(collector, job.seed()
                            + cache.made("agent:"))).orElse(null), (MultitaskEnv env, Agent agent) -> {
                        Captured captured = job.gather() ? new Captured(collector.index()) : null;
                        Collector.EpisodeSink sink = captured != null ? captured
                                : cache.shared("writer:" + job.out() + "|" + key,
                                        () -> DatasetWriter.attach(Path.of(job.out()), collector.index()));
                        // a stopped job's episode in progress is given up, as a collection in one process gives it
                        // up: null, and the env and agent, mid-episode, are not handed to another unit
                        Episode e = collector.collectOne(env, agent, unit.task(), unit.k(), job.seed(), sink,
                                UnitRunner::stopRequested);
                        return e == null ? null : new Result(e.length(), e.episodeReturn(),
                                captured == null ? null : captured.bytes, ProcessHandle.current().pid() + "@"
                                + UnitRunner.hostName(), cache.made("env:"));
                    });
            // a given-up episode's result is not used: Spark ends the unit as killed
            return r != null ? r : new Result(0, Double.NaN, null, ProcessHandle.current().pid() + "@"
                    + UnitRunner.hostName(), cache.made("env:"));
        }
    }

    /** The bytes of the episode's file, for the driver to write. */
    private static final class Captured implements Collector.EpisodeSink {
        private final DatasetIndex index;
        private byte[] bytes;

        Captured(DatasetIndex index) {
            this.index = index;
        }

        @Override
        public void write(int k, Episode episode, long seed, boolean[] truncated, boolean[] terminated) {
            bytes = DatasetWriter.encode(index, episode, seed, truncated, terminated);
        }
    }
}
