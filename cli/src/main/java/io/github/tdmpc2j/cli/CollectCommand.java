package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.cluster.ClusterSettings;
import io.github.tdmpc2j.cluster.CollectPolicy;
import io.github.tdmpc2j.cluster.DistributedCollect;
import io.github.tdmpc2j.cluster.UnitRunner;
import io.github.tdmpc2j.data.Collector;
import io.github.tdmpc2j.data.DatasetLayout;
import io.github.tdmpc2j.data.DatasetPolicy;
import io.github.tdmpc2j.data.DatasetTask;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.GivingUp;
import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.agent.AgentProvider;
import io.github.tdmpc2j.spi.agent.Agents;
import io.github.tdmpc2j.spi.agent.CheckpointFolder;
import io.github.tdmpc2j.spi.agent.Episode;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tdmpc2j collect}: multitask data collection into an open on-disk format. */
@Command(name = "collect", description = {
        "Collect episodes of many tasks into a dataset folder; parallel, resumable, on Spark with --master.",
        "Writes DIR/dataset.json (tasks, sizes, action masks) and one NPZ file per episode under "
                + "DIR/episodes/DOMAIN/TASK/ (observations zero-padded to the largest size, actions of the largest "
                + "size, rewards, terminated, truncated, success, task index, seed). Crash-safe: run the same "
                + "command again to finish an interrupted collection."})
final class CollectCommand implements Callable<Integer> {
    /** What a signal gives up while collect makes its policy, as its notice says ({@link StopSignals#gettingReady}). */
    static final String GETTING_READY = "collect is still getting ready: a policy's model being made or its "
            + "checkpoint being checked or read is given up at once; nothing is written";
    @Spec
    CommandSpec spec;

    @Option(names = "--tasks", paramLabel = "ID,...", description = "task ids or aliases, comma-separated")
    List<String> tasks;

    @Option(names = "--set", paramLabel = "NAME", description = "a named task set (mt30, mt80, ...)")
    String set;

    @Option(names = "--episodes", paramLabel = "N", required = true, description = "episodes per task")
    int episodes;

    @Option(names = "--policy", paramLabel = "random|CHECKPOINT", defaultValue = "random",
            description = "random, or a checkpoint folder of the agent named by --agent, or a run folder that holds "
                    + "one (RUN/checkpoint) (default ${DEFAULT-VALUE})")
    String policy;

    @Option(names = "--agent", paramLabel = "NAME",
            description = "agent of a checkpoint policy (default: the one the run that holds it "
            + "as checkpoint/ was trained with, else tdmpc2)")
    String agent;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "dataset folder")
    Path dataset;

    @Option(names = "--workers", paramLabel = "K", defaultValue = "2",
            description = "episodes run at once (default ${DEFAULT-VALUE}; with --master the executors' cores decide)")
    int workers;

    @Option(names = "--seed", paramLabel = "S",
            defaultValue = "1", description = "base seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--device", paramLabel = "auto|cpu|gpu",
            description = "auto, cpu or gpu for a checkpoint policy (default: the checkpoint's)")
    String device;

    @Option(names = "--gather", description = "with --master: executors send each episode's file to this process, "
            + "which writes it (nodes without a folder they all see)")
    boolean gather;

    @Mixin
    ClusterOptions cluster = new ClusterOptions("collect", ClusterSettings.EXECUTOR_WAIT);

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (episodes <= 0 || workers <= 0) {
            throw new TdmpcException("--episodes and --workers must be positive");
        }
        RunFolder.refuseCheckpointFolder(dataset, "--out");
        List<String> run = RunFolder.runFiles(dataset);
        if (!run.isEmpty()) {
            throw new TdmpcException("--out " + dataset + " holds a run (" + String.join(", ", run) + "): a "
                    + "dataset's files there would mix with its files; choose another --out (beside it, say)");
        }
        ClusterSettings clusterSettings = cluster.settings(gather);
        try (EnvRegistry registry = EnvRegistry.discover()) {
            // a checkpoint folder, or a run folder that holds one (RUN/checkpoint)
            Path checkpoint = policy.equals("random") ? null : RunFolder.checkpointOf(Path.of(policy));
            AgentProvider provider = Agents.find(checkpoint == null ? "random" : agent != null ? agent
                    : RunFolder.recordedAgent(checkpoint).orElse("tdmpc2"));
            if (checkpoint != null && !CheckpointFolder.exists(checkpoint)) {
                throw new TdmpcException("--policy " + policy + " is neither 'random' nor a checkpoint folder (or a run "
                        + "folder that holds one as checkpoint/)");
            }
            // a checkpoint policy: the agent is made with the checkpoint's own settings and tasks, read from the files
            // of one checkpoint (a run that trains replaces its checkpoint at every save)
            record Recorded(CheckpointFolder.Manifest manifest, Map<String, String> params, List<String> tasks,
                    RunFolder.TrainedOn trainedOn) {
            }
            Recorded saved = checkpoint == null ? null : CheckpointFolder.read(checkpoint, m -> new Recorded(m,
                    provider.checkpointParams(m.dir()), provider.checkpointTasks(m.dir()),
                    RunFolder.TrainedOn.read(m.dir())));
            // the tasks named; without --tasks or --set, a checkpoint policy's own (every task it records)
            List<String> ids = tasks == null && set == null && saved != null && !saved.tasks().isEmpty()
                    ? TaskChoice.ids(registry, saved.tasks(), null) : TaskChoice.ids(registry, tasks, set);
            // what the dataset records: a resumed collection must have the same policy (and seed)
            DatasetPolicy recorded = saved == null ? DatasetPolicy.RANDOM
                    : DatasetPolicy.checkpoint(checkpoint, saved.manifest());
            Collector collector = new Collector(registry, ids, recorded);
            Map<String, String> params = new java.util.HashMap<>(saved == null ? Map.of() : saved.params());
            if (device != null && saved != null) {
                params.put("device", device);
            }
            AtomicInteger done = new AtomicInteger();
            long start = System.nanoTime();
            int total = ids.size() * episodes;
            // a checkpoint's agent is made for its own tasks: the collection's may be any of them, in any order
            List<String> agentTasks = saved == null ? List.of() : saved.tasks();
            List<String> others = ids.stream().filter(id -> !agentTasks.isEmpty() && !agentTasks.contains(id))
                    .toList();
            if (!others.isEmpty()) {
                throw new TdmpcException("the checkpoint in " + checkpoint + " was made for the "
                        + Messages.word(agentTasks.size(), "task") + " " + String.join(", ", agentTasks) + "; "
                        + String.join(", ", others) + Messages.word(others.size(), " is", " are") + " not among them: "
                        + "collect any of them with --tasks ID,...");
            }
            String changed = saved == null ? null : saved.trainedOn().notice(ids.stream().map(registry::resolve)
                    .toList(), "it acts here on the tasks as they are now, which it did not learn on (the dataset "
                    + "records the tasks' revisions now)");
            if (changed != null) {
                spec.commandLine().getErr().println("warning: " + changed);
                spec.commandLine().getErr().flush();
            }
            CollectPolicy acting = new CollectPolicy(provider.name(), checkpoint == null ? null : checkpoint.toString(),
                    params, agentTasks);
            int written;
            // Ctrl-C and SIGTERM stop the collection before its next step, so that the episodes in progress are
            // given up, the lock is let go of and a new dataset that got no episode leaves no folder (a signal left
            // the folder with a run.lock of a process that was gone); on a cluster the job is cancelled and its
            // units, on the executors, give up their episodes in progress before their next step
            // the folder's one collection at a time (the executors of a cluster write into it for this command):
            // taken before the collection first writes into it, after the checks that write nothing
            RunLock[] lock = new RunLock[1];
            UnitRunner.Stop clusterStop = new UnitRunner.Stop();
            try (StopSignals signals = StopSignals.install(clusterStop::request, "the next step",
                    "the episodes in progress are given up; those written are kept")) {
                try {
                    if (clusterSettings.distributed()) { // units on Spark: --workers gives way to the executors' cores
                        written = DistributedCollect.run(clusterSettings, registry, new DistributedCollect.Job(ids,
                                recorded, acting, dataset.toAbsolutePath().toString(), episodes, seed,
                                clusterSettings.gather()), new DistributedCollect.Listener() {
                                    @Override
                                    public void episodeDone(DatasetTask task, int k, DistributedCollect.Result r) {
                                        progress(out, done, task.id(), k, r.length(), r.episodeReturn());
                                    }

                                    @Override
                                    public void writing() {
                                        lock[0] = RunLock.acquireDataset(dataset, RunLock.Holder.COLLECT);
                                        if (!clusterSettings.gather() && clusterSettings.unitsAtOnceHere() == 0) {
                                            lock[0].writtenElsewhere(); // executors in JVMs of their own
                                        }
                                    }
                                }, clusterStop);
                    } else {
                        // the agent reads its checkpoint before the dataset records it, so that a save of the run in
                        // between is refused before a file is written
                        // a large model made and its checkpoint read take a minute on a CPU: a signal gives them up,
                        // and nothing is collected (null here)
                        signals.gettingReady(GETTING_READY);
                        Agent agentMade = GivingUp.unless(signals::stopNow, () -> acting.create(collector, seed))
                                .orElse(null);
                        signals.ready();
                        AtomicBoolean handedOver = new AtomicBoolean();
                        if (agentMade != null) {
                            try {
                                written = collector.collect(dataset, episodes, workers, seed, () -> {
                                    handedOver.set(true); // collect closes it
                                    return agentMade;
                                }, new Collector.Listener() {
                                    @Override
                                    public void episodeWritten(DatasetTask task, int k, Episode episode) {
                                        progress(out, done, task.id(), k, episode.length(), episode.episodeReturn());
                                    }

                                    @Override
                                    public void damagedFound(Map<Path, String> files) {
                                        CollectCommand.damagedFound(spec.commandLine().getErr(), files,
                                                "collecting it again");
                                    }

                                    @Override
                                    public void envsCloseFailed(TdmpcException e) {
                                        RunEnvs.closeFailed(spec.commandLine().getErr(), "collection's",
                                                "the episodes written to " + dataset + " are whole", e);
                                    }

                                    @Override
                                    public void agentCloseFailed(TdmpcException e) {
                                        RunEnvs.agentCloseFailed(spec.commandLine().getErr(),
                                                "the episodes written to " + dataset + " are whole", e);
                                    }

                                    @Override
                                    public void writing() {
                                        lock[0] = RunLock.acquireDataset(dataset, RunLock.Holder.COLLECT);
                                    }

                                    @Override
                                    public boolean stopRequested() {
                                        return signals.stopNow();
                                    }
                                });
                            } finally {
                                if (!handedOver.get()) {
                                    agentMade.close();
                                }
                            }
                        } else {
                            written = 0; // stopped while the policy was made
                        }
                    }
                } catch (RuntimeException | Error e) {
                    if (lock[0] != null) {
                        lock[0].failed(); // a refusal leaves the folder as it was: no run.lock it had not
                    }
                    throw e;
                } finally {
                    if (lock[0] != null) {
                        lock[0].close();
                    }
                }
                // a signal that came once every episode was written stopped nothing: the collection is done
                if (clusterSettings.distributed() ? clusterStop.cutShort() : signals.cutShort()) {
                    out.println(signals.datasetStoppedLine(dataset, written, "collection",
                            " (the episodes in progress were given up)"));
                    out.flush();
                    return signals.exitStatus();
                }
            } catch (TdmpcException e) {
                // a collection that the machinery failed on the way (a Python worker that died) keeps what it wrote;
                // a mistake in the input would fail the same way again
                if (!e.transientFailure()) {
                    throw e;
                }
                throw e.addHint("the episodes written (" + done.get() + " by this run) are kept in " + dataset
                        + ": the same command run again goes on with the collection");
            }
            int before = total - written;
            out.printf("%s written (%d %s already there) to %s in %.1fs; index: %s%n",
                    Messages.plural(written, "episode"), before, Messages.word(before, "was", "were"), dataset,
                    (System.nanoTime() - start) / 1e9, DatasetLayout.index(dataset));
            out.flush();
            return 0;
        }
    }

    /**
     * Names each episode file found damaged when a dataset folder was opened ({@link io.github.tdmpc2j.data.DatasetWriter#damaged}), why,
     * and that the command writes it again ({@code again}): a notice on stderr ({@code notices}), as the envs'
     * warnings, since stdout is the command's progress.
     */
    static void damagedFound(PrintWriter notices, Map<Path, String> files, String again) {
        new java.util.TreeMap<>(files).forEach((file, why) -> notices.printf("%s is damaged (%s): %s%n", file, why,
                again));
        notices.flush();
    }

    private static void progress(PrintWriter out, AtomicInteger done, String task, int k, int length, double ret) {
        int n = done.incrementAndGet();
        synchronized (out) {
            out.printf("[%d] %-36s episode %d  %s  return %.1f%n", n, task, k, Messages.plural(length, "step"), ret);
            out.flush();
        }
    }
}
