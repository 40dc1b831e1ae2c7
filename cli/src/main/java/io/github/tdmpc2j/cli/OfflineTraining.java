package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.data.DatasetIndex;
import io.github.tdmpc2j.data.DatasetReader;
import io.github.tdmpc2j.data.DatasetTask;
import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.MultitaskEnv;
import io.github.tdmpc2j.spi.TaskRevisions;
import io.github.tdmpc2j.spi.TaskSpace;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.GivingUp;
import io.github.tdmpc2j.spi.rollout.Evaluation;
import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.agent.AgentProvider;
import io.github.tdmpc2j.spi.agent.Agents;
import io.github.tdmpc2j.spi.agent.CheckpointFolder;
import io.github.tdmpc2j.spi.agent.OfflineLearner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Offline multitask training, as the reference's offline trainer does it: the agent learns from a collected
 * dataset only, and is evaluated on every task of the set at each evaluation.
 */
final class OfflineTraining {
    /** What a signal gives up while an offline run gets ready ({@link StopSignals#gettingReady}). */
    static final String GETTING_READY = "the run is still getting ready: a model being made or a checkpoint being "
            + "checked or read is given up at once, an env being made within seconds, the dataset being loaded ends "
            + "first; nothing is written";
    private OfflineTraining() {
    }

    /**
     * Refuses to resume on a dataset whose episodes are not those the run learnt from up to its checkpoint: one of
     * them is gone, or holds another episode (the dataset collected again with another seed or policy, a file
     * replaced: the counts alone were the same). Episodes added since are fine: the run learns from them too.
     */
    private static void refuseChangedEpisodes(Path data, RunFolder run, long step,
            List<DatasetReader.EpisodeFile> had, List<DatasetReader.EpisodeFile> now) {
        Map<String, DatasetReader.EpisodeFile> current = new java.util.HashMap<>();
        for (DatasetReader.EpisodeFile f : now) {
            current.put(f.task() + "#" + f.number(), f);
        }
        List<Path> changed = new ArrayList<>();
        List<Path> gone = new ArrayList<>();
        for (DatasetReader.EpisodeFile f : had) {
            DatasetReader.EpisodeFile n = current.get(f.task() + "#" + f.number());
            if (n == null) {
                gone.add(f.in(data));
            } else if (n.checksum() != f.checksum() || n.steps() != f.steps()) {
                changed.add(f.in(data));
            }
        }
        if (changed.isEmpty() && gone.isEmpty()) {
            return;
        }
        List<Path> first = changed.isEmpty() ? gone : changed;
        throw new TdmpcException("the dataset in " + data + " is not the one the run in " + run.dir() + " learnt from "
                + "up to its checkpoint (update " + step + "): " + first.get(0) + (first.size() > 1 ? " and "
                + (first.size() - 1) + " more" : "") + (changed.isEmpty() ? Messages.word(first.size(), " is", " are")
                + " gone" : Messages.word(first.size(), " holds", " hold") + " other episodes than it did (the dataset "
                + "collected again, with another --seed or --policy, or files replaced)")
                + (!changed.isEmpty() && !gone.isEmpty() ? ", and " + gone.size()
                + Messages.word(gone.size(), " is", " are") + " gone" : "") + ". Resume "
                + "with the dataset the run learnt from, or start a new run on this one (another --out, without "
                + "--resume)");
    }

    /**
     * Refuses, before any episode is read, a dataset the agent could not take whole in a JVM of {@code heapBytes}
     * ({@link RunConfig#checkOfflineRun}): loading it failed once the heap or the buffer was full, minutes in. The
     * steps it holds are bounded from its file listing (files times their task's episode length); where that bound
     * is refused, they are counted from the episodes' rewards alone, and the message says how many there are.
     */
    static void checkDataset(AgentProvider provider, RunConfig cfg, TaskSpace space, long seed,
            DatasetReader reader, Path data, long heapBytes) {
        long bound = 0;
        for (int t = 0; t < reader.index().tasks().size(); t++) {
            bound += (long) reader.episodeFiles(t).size() * reader.index().tasks().get(t).episodeLength();
        }
        try {
            cfg.checkOfflineRun(provider, space, seed, bound, heapBytes);
        } catch (TdmpcException refused) {
            long[] all = reader.count();
            try {
                cfg.checkOfflineRun(provider, space, seed, all[1], heapBytes);
            } catch (TdmpcException e) {
                throw e.addHint(holds(data, all));
            }
        }
    }

    /** The hint that says how much the dataset in {@code data} holds, from {@link DatasetReader#count()}. */
    private static String holds(Path data, long[] count) {
        return "the dataset in " + data + " holds " + Messages.plural(count[1], "step") + " in "
                + Messages.plural(count[0], "episode");
    }

    /** {@code 3 episodes (1500 steps)}: how much of a dataset a message names. */
    private static String episodesAndSteps(RunFolder.Dataset d) {
        return Messages.plural(d.episodes(), "episode") + " (" + Messages.plural(d.steps(), "step") + ")";
    }

    static int run(EnvRegistry registry, RunConfig cfg, String set, Path data, Path out, boolean resume,
            PrintWriter console, PrintWriter warnings, boolean terminal) {
        DatasetReader reader = new DatasetReader(data);
        DatasetIndex index = reader.index();
        List<String> ids = set == null ? index.taskIds() : registry.taskSet(set);
        if (!ids.equals(index.taskIds())) {
            throw new TdmpcException("the dataset in " + data + " holds the tasks " + index.taskIds()
                    + ", not those of the set '" + set + "' " + ids + "; collect it with --set " + set);
        }
        // the dataset's tasks as installed here: the same sizes as when it was collected, before a run folder is made
        TaskSpace space = TaskSpace.of(ids.stream().map(registry::resolve).toList());
        for (int i = 0; i < ids.size(); i++) {
            DatasetTask had = index.tasks().get(i);
            TaskSpec now = space.spec(i);
            if (had.observationSize() != now.observationSize() || had.actionSize() != now.actionSize()) {
                throw new TdmpcException("the dataset in " + data + " holds " + had.id() + " with observations of "
                        + had.observationSize() + " and actions of " + had.actionSize() + ", but that task installed "
                        + "here has " + now.observationSize() + " and " + now.actionSize() + " (another version of "
                        + "it); collect the dataset again with this version");
            }
        }
        // an imported dataset's episodes are the reference's, made on no revision here: an index that records none
        // (an import of an earlier version) is taken as of the revisions now, which finishing the import records
        Map<String, Integer> collectedOn = index.revisions() == null && index.policySource().imported()
                ? TaskRevisions.of(space.tasks()) : index.revisions();
        String changed = TaskRevisions.notice("the dataset in " + data + " was collected", collectedOn,
                space.tasks(), "the run learns from those episodes but is evaluated on the tasks as they are now; "
                + "collect the dataset again for one version");
        if (changed != null) {
            warnings.println("warning: " + changed);
            warnings.flush();
        }
        long seed = cfg.getLong("seed");
        long total = cfg.positiveLong("steps");
        long evalFreq = cfg.positiveLong("eval_freq");
        int evalEpisodes = cfg.positiveInt("eval_episodes");
        String name = set != null ? set : RunFolder.OFFLINE_PREFIX + data.getFileName();
        cfg.set("task", name);
        // what `train --resume --out RUN` and `train --config RUN/config.yaml` train on again
        cfg.set("data", data.toAbsolutePath().normalize().toString());
        cfg.set("set", set);
        RunFolder run = resume ? RunFolder.resume(out, name, seed) : RunFolder.create(out, name, seed);
        if (resume) {
            run.refuseOtherKind(true); // an online run's folder (runs/mt30/... is the name of either kind's)
        }
        AtomicBoolean stop = new AtomicBoolean();
        // Ctrl-C and SIGTERM heard from before the lock is taken: a signal while the run gets ready (its dataset
        // loaded, its envs and agent made) ends it through this block, which lets go of the lock (it left the folder
        // with a run.lock of a process that was gone); a refusal once it is taken leaves no run.lock the folder had not
        RunLock lock = null;
        try (StopSignals signals = StopSignals.install(() -> stop.set(true), "the next update",
                "an evaluation in progress is given up; the last checkpoint is kept")) {
            signals.gettingReady(GETTING_READY);
            lock = run.lock(); // the folder's one writer, before its checkpoint is tidied
            AgentProvider provider = Agents.find(cfg.get("agent"));
            // checking a large model's checkpoint (its files hashed) takes seconds: a signal gives it up
            RunFolder.Restored restored = null;
            if (resume) {
                restored = GivingUp.unless(stop::get, run::openCheckpoint).orElse(null);
                if (restored == null) { // the checkpoint as it was, of the update its manifest names
                    return signals.stoppedBeforeStart(console, "update",
                            CheckpointFolder.savedStep(run.checkpoint()).orElse(-1));
                }
            }
            long kept = restored != null ? restored.state().step() : -1; // what a stop before the updates keeps
            // the revisions the run learns on, for its checkpoints: the dataset's; where its index records none (an
            // older index, the dataset's folder moved back to a copy of one) those its checkpoint recorded, of the
            // same episodes (checked below), rather than none
            Map<String, List<Integer>> learntOn = collectedOn != null || restored == null
                    ? TaskRevisions.inOrder(collectedOn) : restored.learnt();
            Map<String, String> recorded = Map.of(); // the agent's settings in the checkpoint
            Map<String, String> changedSettings = Map.of(); // those this resume changes, with the checkpoint's values
            if (restored != null) {
                recorded = provider.checkpointParams(restored.dir());
                List<String> learnt = provider.checkpointTasks(restored.dir());
                if (!learnt.isEmpty() && !learnt.equals(ids)) {
                    throw new TdmpcException("the run in " + run.dir() + " learnt from a dataset of the tasks "
                            + learnt + ", but the dataset in " + data + " holds the tasks " + ids + "; resume with "
                            + "the dataset the run learnt from, or start a new run on this one (another --out, "
                            + "without --resume)");
                }
                changedSettings = cfg.keepCheckpointSettings(recorded, run.checkpoint());
                long at = restored.state().step();
                if (at > total) {
                    throw new TdmpcException("the run in " + run.dir() + " is at update " + at + " (its checkpoint), past "
                            + "the " + Messages.plural(total, "update") + " asked for; pass a larger --steps to go on "
                            + "with it");
                }
                if (at == total) {
                    console.printf("the run in %s has ended: its checkpoint is at update %d of %d; nothing to do (a "
                            + "larger --steps goes on with it)%n", run.dir(), at, total);
                    console.flush();
                    return 0;
                }
            }
            checkDataset(provider, cfg, space, seed, reader, data, Runtime.getRuntime().maxMemory());
            if (stop.get()) {
                return signals.stoppedBeforeStart(console, "update", kept);
            }
            List<String> evalRows = Evaluation.rows(space, evalEpisodes, 1);
            // a large model is made in tens of seconds on a CPU: a signal gives its making up (null here)
            try (Agent agent = GivingUp.unless(stop::get, () -> cfg.createAgent(provider, space, seed)).orElse(null);
                    RunEnvs evalEnvs = agent == null ? null : RunEnvs.made(MultitaskEnv.make(registry, space,
                            evalRows, seed, stop::get), "evaluation", run, warnings)) {
                if (stop.get()) { // a signal while the agent or the envs were made (null: the next env not made)
                    return signals.stoppedBeforeStart(console, "update", kept);
                }
                MultitaskEnv evalEnv = evalEnvs.env();
                if (!(agent instanceof OfflineLearner learner)) {
                    throw new TdmpcException("the agent '" + provider.name() + "' cannot learn offline from a dataset");
                }
                // one episode file at a time: the agent holds the dataset, this holds one episode of it
                long[] added = new long[2]; // episodes, steps
                List<DatasetReader.EpisodeFile> files = new ArrayList<>(); // what the checkpoint records of them
                try {
                    reader.forEachFile((file, episode) -> {
                        learner.addEpisode(episode);
                        added[0]++;
                        added[1] += episode.length();
                        files.add(file);
                    });
                } catch (TdmpcException e) {
                    if (e instanceof io.github.tdmpc2j.data.DatasetException) {
                        throw e;
                    }
                    // the agent cannot take it all (a replay buffer too small): say how much there is, from the
                    // episodes' rewards alone (not a second read of the whole dataset)
                    throw e.addHint(holds(data, reader.count()));
                }
                if (added[0] == 0) {
                    throw new TdmpcException(data + " holds no episodes yet; run `tdmpc2j collect` into it");
                }
                RunFolder.Dataset dataset = new RunFolder.Dataset(added[0], added[1], List.copyOf(files));
                if (restored != null) {
                    // the checkpoint holds no copy of the dataset: the run goes on with the dataset as it is now
                    RunFolder.Dataset had = restored.state().dataset();
                    if (had != null && (dataset.steps() < had.steps() || dataset.episodes() < had.episodes())) {
                        throw new TdmpcException("the dataset in " + data + " holds " + episodesAndSteps(dataset)
                                + ", fewer than the " + episodesAndSteps(had) + " the run in " + run.dir()
                                + " learnt from up to its checkpoint (update " + restored.state().step() + "): "
                                + "episodes were removed from it. Resume with the dataset the run learnt from, or start "
                                + "a new run on this one (another --out, without --resume)");
                    }
                    if (had != null && had.files() != null) { // the same counts, or more, but the same episodes?
                        refuseChangedEpisodes(data, run, restored.state().step(), had.files(), files);
                    }
                    if (had == null) {
                        warnings.printf("the checkpoint does not record the dataset it learnt from (an earlier "
                                + "version wrote it): the run goes on with the %s in %s%n", episodesAndSteps(dataset),
                                data);
                        warnings.flush();
                    } else if (dataset.steps() > had.steps() || dataset.episodes() > had.episodes()) {
                        warnings.printf("the dataset in %s has grown since the checkpoint (update %d): %s now, "
                                + "%d (%d) more; the run goes on learning from all of them%n", data,
                                restored.state().step(), episodesAndSteps(dataset),
                                dataset.episodes() - had.episodes(), dataset.steps() - had.steps());
                        warnings.flush();
                    }
                }
                long step = 0;
                double prior = 0;
                if (restored != null) {
                    RunFolder.Restored from = restored;
                    Map<String, String> saved = recorded;
                    // a signal gives the reading of the checkpoint up (the agent, whose state it was, is closed)
                    if (!GivingUp.unless(stop::get, () -> from.restore(agent, seed, saved))) {
                        return signals.stoppedBeforeStart(console, "update", kept);
                    }
                    // once the checkpoint is read: a setting that fixes the model's shape is refused by its reading
                    String settingsChanged = cfg.changedOnResume(changedSettings, run.dir());
                    if (settingsChanged != null) {
                        warnings.println(settingsChanged);
                        warnings.flush();
                    }
                    RunFolder.State state = restored.state();
                    step = state.step();
                    prior = state.seconds();
                    RunFolder.truncateAfter(run.evalCsv(), step, warnings);
                }
                if (stop.get()) { // a signal while the dataset was loaded: nothing written yet
                    return signals.stoppedBeforeStart(console, "update", kept);
                }
                cfg.write(run.config());
                signals.ready();
                console.printf("offline training of %s on %s from %s (%s) for %s; run folder %s%n", provider.name(),
                        Messages.plural(ids.size(), "task"), Messages.plural(added[0], "episode"), data,
                        Messages.plural(total, "update"), run.dir());
                List<String> columns = new ArrayList<>(List.of("step", "task", "mean_return", "success_rate", "elapsed_s"));
                Map<String, List<CurvePlot.Point>> curves = new LinkedHashMap<>();
                if (restored != null && java.nio.file.Files.isRegularFile(run.evalCsv())) {
                    // the evaluations before the checkpoint, for the curve (eval.csv keeps them)
                    for (CsvLog.Row row : CsvLog.read(run.evalCsv())) {
                        curves.computeIfAbsent(row.cell(1), k -> new ArrayList<>())
                                .add(new CurvePlot.Point(row.number(0), row.number(2)));
                    }
                }
                long resumedAt = step;
                long start = System.nanoTime();
                Progress bar = new Progress(console, terminal, step, total, 30, "update", false);
                long saved = restored != null ? resumedAt : -1; // the step of the checkpoint on disk
                try (CsvLog evalLog = new CsvLog(run.evalCsv(), columns)) {
                    while (!stop.get()) {
                        // a resumed run's checkpoint step was evaluated when it was saved
                        if ((step % evalFreq == 0 || step >= total) && !(restored != null && step == resumedAt)) {
                            double elapsed = prior + (System.nanoTime() - start) / 1e9;
                            StringBuilder line = new StringBuilder("eval at update " + step + ":");
                            long at = step;
                            Optional<List<Evaluation.TaskResult>> results = Evaluation.run(evalEnv, agent,
                                    evalEpisodes, 1_000_000L + seed * 1000, stop::get,
                                    status -> bar.evaluating(at, status));
                            if (results.isEmpty()) {
                                break; // stopped: the evaluation is given up
                            }
                            for (Evaluation.TaskResult r : results.get()) {
                                String id = r.spec().id();
                                evalLog.row(step, id, r.meanReturn(), r.hasSuccess() ? r.successRate() : "", elapsed);
                                curves.computeIfAbsent(id, k -> new ArrayList<>()).add(new CurvePlot.Point(step, r.meanReturn()));
                                line.append(String.format(Locale.ROOT, " %s %.1f", id, r.meanReturn()));
                            }
                            bar.println(line.toString());
                            CurvePlot.write(run.curve(), provider.name() + " offline on " + name, "updates",
                                    "evaluation return", curves);
                            run.saveCheckpoint(agent, new RunFolder.State(step, 0, elapsed, dataset), learntOn);
                            saved = step;
                        }
                        if (step >= total) {
                            break;
                        }
                        learner.update();
                        step++;
                        bar.update(step);
                    }
                    bar.finish();
                    if (signals.received() != null) {
                        console.println(signals.stoppedLine("update", step, saved));
                        console.flush();
                        return signals.exitStatus();
                    }
                }
                console.printf("done: %s; results in %s%n", Messages.plural(step, "update"), run.dir());
                console.flush();
                return 0;
            } catch (TdmpcException e) {
                throw run.withResumeHint(e);
            }
        } catch (RuntimeException | Error e) {
            if (lock != null) {
                lock.failed();
            }
            throw e;
        } finally {
            if (lock != null) {
                lock.close();
            }
        }
    }
}
