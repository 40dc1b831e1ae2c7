package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.bridge.py4j.PythonException;
import io.github.tdmpc2j.data.DatasetReader;
import io.github.tdmpc2j.data.DatasetLayout;
import io.github.tdmpc2j.mujoco.MujocoSimulationException;
import io.github.tdmpc2j.spi.InvalidEnvOutputException;
import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.io.IoErrors;
import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.io.AtomicWrites;
import io.github.tdmpc2j.spi.agent.CheckpointException;
import io.github.tdmpc2j.spi.agent.CheckpointFolder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * A training run's folder: {@code config.yaml}, {@code train.csv}, {@code eval.csv}, {@code curve.png} and
 * {@code checkpoint/}: the agent's files plus {@code trainer.properties} (the loop's position), written as one
 * unit with a manifest of checksums ({@link CheckpointFolder}), so a resumed run gets them all from the same
 * step or a clear refusal; {@code run.lock} keeps its one writer's lock ({@link RunLock}). By default
 * {@code runs/TASK/SEED/TIMESTAMP}.
 */
record RunFolder(Path dir) {
    static final String STATE = "trainer.properties";
    /**
     * The names in a run's checkpoint that are not the agent's: the manifest, the loop's position, the tasks'
     * revisions and an offline run's episode list. A file of the agent's under one of them is refused.
     */
    static final List<String> CHECKPOINT_FILES = List.of(CheckpointFolder.MANIFEST, STATE,
            RunFolder.TASK_REVISIONS, RunFolder.DATASET_EPISODES);

    /** What a run writes into its folder (and a save's leftovers): a folder holding any of them holds a run. */
    private static final List<String> RUN_FILES = List.of(CheckpointFolder.IN_RUN, CheckpointFolder.IN_RUN + ".old",
            "config.yaml", "train.csv", "eval.csv", "eval-tasks.csv", "curve.png", "curves");

    /**
     * A new run's folder: {@code out}, or {@code runs/TASK/SEED/TIMESTAMP}. Refuses a folder that already holds a
     * run, so that a new run never replaces another's checkpoint or appends to its logs (one whose run is training
     * is refused as its lock refuses a second writer, {@link RunLock}). The folder is made by the
     * run's first write (its {@code config.yaml}), so a run refused by its settings leaves nothing behind.
     */
    static RunFolder create(Path out, String task, long seed) {
        Path dir = out != null ? out
                : Path.of("runs", task, Long.toString(seed),
                        LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new TdmpcException("the run folder " + dir + " is a file, not a folder; choose another --out");
        }
        refuseCheckpointFolder(dir, "--out");
        if (Files.isRegularFile(DatasetLayout.index(dir))) {
            throw new TdmpcException("--out " + dir + " holds a dataset (its " + DatasetLayout.INDEX + "): a run's "
                    + "files there would mix with its episodes; choose another --out (beside it, say)");
        }
        List<String> found = runFiles(dir);
        if (!found.isEmpty()) {
            // a run that is training there is refused with the lock's message: the --resume offered below would be
            try (RunLock probe = RunLock.acquire(dir)) {
                probe.failed(); // refused below: no run.lock the folder had not
            }
            if (CheckpointFolder.exists(dir.resolve(CheckpointFolder.IN_RUN))) {
                throw new TdmpcException(dir + " already holds a run (" + String.join(", ", found) + "): --resume "
                        + "--out " + dir + " goes on with it; for a new run choose another --out");
            }
            throw new TdmpcException(dir + " already holds files of a run that saved no checkpoint ("
                    + String.join(", ", found) + "); remove them, or choose another --out");
        }
        return new RunFolder(dir);
    }

    /** The files of a run ({@link #RUN_FILES}) that {@code dir} holds; empty when it holds none. */
    static List<String> runFiles(Path dir) {
        return RUN_FILES.stream().filter(f -> Files.exists(dir.resolve(f))).toList();
    }

    /**
     * The folder of a unit of work that goes on from its own checkpoint when it has one (a retried unit, a command
     * run again) and otherwise starts over, first removing what an attempt that saved no checkpoint left (its logs
     * would otherwise mix with the new run's): for folders the command itself owns, as {@code bench}'s
     * {@code OUT/runs/TASK/seed-S}. Returns whether it resumes.
     */
    static boolean resumeOrStartOver(Path dir) {
        if (CheckpointFolder.exists(dir.resolve(CheckpointFolder.IN_RUN))) {
            return true;
        }
        for (String f : RUN_FILES) {
            try {
                AtomicWrites.deleteTree(dir.resolve(f));
            } catch (IOException e) {
                throw new TdmpcException("cannot remove " + dir.resolve(f) + ", left by a run that saved no "
                        + "checkpoint: " + IoErrors.describe(e), e);
            }
        }
        return false;
    }

    /** The folder to resume: {@code out} itself, or the newest run of the task and seed. */
    static RunFolder resume(Path out, String task, long seed) {
        Path dir = out;
        if (dir == null) {
            Path parent = Path.of("runs", task, Long.toString(seed));
            try (Stream<Path> runs = Files.isDirectory(parent) ? Files.list(parent) : Stream.empty()) {
                dir = runs.filter(p -> CheckpointFolder.exists(p.resolve(CheckpointFolder.IN_RUN)))
                        .max(Comparator.comparing(Path::getFileName)).orElse(null);
            } catch (IOException e) {
                throw new TdmpcException("cannot look for runs in " + parent + ": " + IoErrors.describe(e), e);
            }
            if (dir == null) {
                throw new TdmpcException("--resume found no checkpoint under " + parent
                        + "; name the run folder with --out, or start without --resume");
            }
        }
        if (!CheckpointFolder.exists(dir.resolve(CheckpointFolder.IN_RUN))) {
            // a run's checkpoint folder given for the run's: name the run
            Path self = dir.toAbsolutePath().normalize();
            boolean runs = CheckpointFolder.IN_RUN.equals(String.valueOf(self.getFileName()))
                    && Files.isRegularFile(self.resolve(CheckpointFolder.MANIFEST));
            boolean dataset = Files.isRegularFile(DatasetLayout.index(dir));
            throw new TdmpcException(dir + " has no checkpoint to resume from (no checkpoint/ folder)" + (runs
                    ? "; it is the checkpoint folder of the run in " + self.getParent() + ": resume that with --out "
                    + self.getParent() : dataset ? "; it is a dataset folder (it holds "
                    + DatasetLayout.INDEX + "): --resume --out takes the folder of a run, "
                    + "such as one `tdmpc2j train --data " + dir + " --out RUN` makes" : ""));
        }
        return new RunFolder(dir);
    }

    /**
     * The checkpoint folder a reader ({@code eval}, {@code export}, {@code collect --policy}) was given:
     * {@link CheckpointFolder#resolve}, but a run folder whose run has saved no checkpoint yet is refused with when
     * it saves one, rather than taken for a checkpoint folder without a manifest.
     */
    static Path checkpointOf(Path given) {
        Path folder = CheckpointFolder.resolve(given);
        if (!folder.equals(given) || !Files.isDirectory(given)
                || Files.exists(given.resolve(CheckpointFolder.MANIFEST))) {
            return folder;
        }
        RunFolder run = new RunFolder(given);
        // a dataset's folder has a run.lock too (its writer's), and no run's files
        boolean logs = RUN_FILES.stream().anyMatch(f -> Files.exists(given.resolve(f)));
        if (!logs && Files.isRegularFile(DatasetLayout.index(given))) {
            throw new CheckpointException(given + " is a dataset folder (it holds "
                    + DatasetLayout.INDEX + "), not a checkpoint: give a checkpoint folder, or "
                    + "a run folder that holds one as checkpoint/ (`tdmpc2j train --data " + given + "` trains one "
                    + "on it)");
        }
        boolean isRun = logs || Files.exists(given.resolve(RunLock.FILE));
        if (!isRun) {
            return folder;
        }
        if (logs && Files.isRegularFile(DatasetLayout.index(given))) {
            // a run an earlier version trained into a dataset's folder, stopped before its first save: removing the
            // folder, as a run's alone is told, would delete the dataset
            String files = String.join(", ", runFiles(given));
            throw new CheckpointException(given + " holds a dataset (its " + DatasetLayout.INDEX + ") and the "
                    + "files of a run that saved no checkpoint there (" + files + ", from a `train --data` an earlier "
                    + "version let write into the dataset's folder): there is no checkpoint to read. Train one on the "
                    + "dataset into a folder of its own (`tdmpc2j train --data " + given + " --out RUN`); keep "
                    + given + " itself: it holds the dataset (only " + files + " are the run's)");
        }
        String every;
        try {
            String freq = run.savedTrainerSettings().get("eval_freq");
            every = freq == null ? "" : ", then at every evaluation (every "
                    + Messages.plural(Long.parseLong(freq.strip()), "step") + ", eval_freq)";
        } catch (TdmpcException | NumberFormatException e) {
            every = ""; // a damaged config.yaml: the first save is still at step 0
        }
        throw new CheckpointException(given + " is a run folder whose run has saved no checkpoint yet: its first "
                + "save is at its first evaluation, at step 0" + every + ". If the run is starting, wait for that save; "
                + "if it stopped before, it left no checkpoint to read or resume: train it again (remove " + given
                + " first, or train into another --out).");
    }

    /**
     * For a command about to write {@code target}: removes what killed tdmpc2j commands left half written beside it
     * ({@link AtomicWrites#removeStale}: not a running command's) and says so on {@code console}, with those of
     * other machines, which it leaves alone. A folder it cannot read or tidy is the write's to report.
     */
    static void removeStaleBeside(Path target, java.io.PrintWriter console) {
        Path dir = target.toAbsolutePath().getParent();
        try {
            AtomicWrites.removeStale(dir).report().forEach(console::println);
        } catch (IOException e) {
            console.println("could not tidy " + dir + ": " + IoErrors.describe(e));
        }
        console.flush();
    }

    /**
     * Refuses {@code path} (what {@code option} names: a file or folder a command is to write) inside a checkpoint
     * folder ({@link CheckpointFolder#enclosing}): the checkpoint would then fail its check, as a file its manifest
     * does not list, and a run's next save would delete it.
     */
    static void refuseInsideCheckpoint(Path path, String option) {
        refuseIn(path, option, CheckpointFolder.enclosing(path));
    }

    /**
     * Refuses {@code folder} (what {@code option} names: a folder a command writes its files into, a run's, a
     * dataset's or a bench's) when it is a checkpoint folder or inside one, as {@link #refuseInsideCheckpoint}.
     */
    static void refuseCheckpointFolder(Path folder, String option) {
        Path self = folder.toAbsolutePath().normalize();
        refuseIn(folder, option, Files.isRegularFile(self.resolve(CheckpointFolder.MANIFEST)) ? Optional.of(self)
                : CheckpointFolder.enclosing(folder));
    }

    private static void refuseIn(Path path, String option, Optional<Path> checkpoint) {
        Path self = path.toAbsolutePath().normalize();
        checkpoint.ifPresent(dir -> {
            throw new TdmpcException(option + " " + path + (dir.equals(self) ? " is the checkpoint folder " + dir
                    + (CheckpointFolder.IN_RUN.equals(dir.getFileName().toString()) ? " of the run in "
                    + dir.getParent() : "") : " is inside the checkpoint folder " + dir) + ": a file "
                    + "written there would make that checkpoint fail its check (its " + CheckpointFolder.MANIFEST
                    + " lists every file it holds), and a run's next save deletes it. Write it outside the "
                    + "checkpoint folder (beside it, say); nothing was written.");
        });
    }

    /**
     * The trainer's settings ({@link RunConfig#TRAINER_KEYS}) this run was started with, from its
     * {@code config.yaml}; empty when it has none.
     */
    Map<String, String> savedTrainerSettings() {
        if (!Files.isRegularFile(config())) {
            return Map.of();
        }
        Map<String, String> saved = new LinkedHashMap<>(new RunConfig(Map.of()).file(config()).all());
        saved.keySet().retainAll(RunConfig.TRAINER_KEYS);
        return saved;
    }

    /**
     * Refuses to resume this run as the other kind of training: a run of {@code train --data} (offline) by online
     * {@code train}, or an online run by {@code train --data}. Going on would rewrite the run's {@code config.yaml}
     * for a run it is not (the online run then no longer says its tasks) and mix the two kinds of logs. The kind is
     * what its checkpoint's loop position records (an offline run's names its dataset); for a run without one
     * readable, what its {@code config.yaml} records: an online run its {@code tasks}, or as {@code task} the id of
     * its one task ({@code domain/task}); an offline run as {@code task} the name of its dataset's tasks (a task set,
     * a list, or {@code offline-FOLDER}). A run whose {@code config.yaml} records neither, or cannot be read, is let
     * through.
     *
     * @param offline whether the command resuming it trains offline ({@code --data})
     */
    void refuseOtherKind(boolean offline) {
        Map<String, String> saved;
        try {
            saved = savedTrainerSettings();
        } catch (TdmpcException e) {
            return; // a config.yaml that cannot be read says no kind: the resume's own reading of it answers
        }
        String task = saved.get("task");
        Boolean offlineRun = checkpointOfflineRun(); // null: not known
        if (offlineRun == null && saved.containsKey("tasks")) {
            offlineRun = false;
        } else if (offlineRun == null && task != null) {
            offlineRun = task.indexOf('/') < 0 || task.contains(",");
        }
        if (offlineRun == null || offlineRun == offline) {
            return;
        }
        if (offline) {
            throw new TdmpcException("the run in " + dir + " trains online (on " + (task != null ? task
                    : saved.get("tasks")) + ", its " + config().getFileName() + " says), not on a dataset: resume it "
                    + "without --data (`tdmpc2j train --resume --out " + dir + "`), or train on the dataset in a new "
                    + "run (another --out, without --resume); nothing was written");
        }
        String folder = task != null && task.startsWith(OFFLINE_PREFIX) ? ", a folder named '"
                + task.substring(OFFLINE_PREFIX.length()) + "'" : "";
        throw new TdmpcException("the run in " + dir + " learnt offline from a dataset (`train --data`; its "
                + config().getFileName() + " records '" + task + "'), not online: resume it with `tdmpc2j train "
                + "--data DATASET --resume --out " + dir + "`, DATASET the folder it learnt from" + folder
                + "; nothing was written");
    }

    /**
     * Whether the run's checkpoint was saved by offline training, whose loop position records its dataset
     * ({@code dataset_steps}); null where there is none to read (the resume's own reading says why). An offline run
     * of one task ({@code --set domain/task}) records that id as its {@code task}, as an online run of it does.
     */
    private Boolean checkpointOfflineRun() {
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(checkpoint().resolve(STATE), StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return p.containsKey("dataset_steps");
    }

    /** What {@code task} an offline run's {@code config.yaml} records, before its dataset folder's name. */
    static final String OFFLINE_PREFIX = "offline-";

    /**
     * The agent that the run holding {@code checkpoint} as its {@code checkpoint/} was trained with (its
     * {@code config.yaml}'s {@code agent}); empty for a checkpoint folder outside a run, or a run whose
     * {@code config.yaml} records none or cannot be read.
     */
    static Optional<String> recordedAgent(Path checkpoint) {
        Path folder = checkpoint.toAbsolutePath().normalize();
        if (folder.getParent() == null || !folder.getFileName().toString().equals(CheckpointFolder.IN_RUN)) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(new RunFolder(folder.getParent()).savedTrainerSettings().get("agent"));
        } catch (TdmpcException e) {
            return Optional.empty(); // a damaged config.yaml: the command's default agent, as without one
        }
    }

    /**
     * Makes this process the folder's one writer until the lock is closed ({@link RunLock}); taken before anything
     * in the folder is tidied or written, and then removes what a killed run left half written there (a
     * checkpoint's are {@link CheckpointFolder#recover}'s). Makes the folder if it is missing, and removes it again on close if the
     * run wrote nothing into it.
     */
    RunLock lock() {
        return lock(RunLock.Holder.TRAIN);
    }

    /** {@link #lock()} for {@code holder}, which its lock file names to a writer refused meanwhile. */
    RunLock lock(RunLock.Holder holder) {
        RunLock lock = RunLock.acquire(dir, holder);
        try {
            AtomicWrites.removeStale(dir); // config.yaml, a CSV or the curve a killed run left half written
        } catch (IOException e) {
            // the run's own writes there report an unwritable folder
        }
        return lock;
    }

    Path checkpoint() {
        return dir.resolve(CheckpointFolder.IN_RUN);
    }

    Path trainCsv() {
        return dir.resolve("train.csv");
    }

    /**
     * {@code e}, and for a run that the machinery or a suite failed on the way (a Python worker that died, a Python
     * error in a suite's step, a NaN or infinity from a simulation that diverged, a MuJoCo simulation that went
     * unstable in a step, a file of the run that could not be written: a full disk), how to go on from its
     * checkpoint (or, where it saved none, how to start it again), added to {@code e} itself (its type, so
     * what a caller catching it makes of it, stays); a mistake in the input would fail the same
     * way again, so it gets no hint, and so does a result of other sizes than the task's spec (the suite returns it
     * again), a failed {@code tdmpc2j setup} (which train never runs) and a simulation that went unstable in an env's
     * reset (no action played a part: the resumed run resets the same episode with the same seed). A Python error, a
     * NaN or an unstable step is not transient (the same unit, with the same seeds, meets it again) but a resumed run
     * goes on with other draws from the checkpoint ({@link #resumedSeed}), so other actions and states.
     */
    TdmpcException withResumeHint(TdmpcException e) {
        boolean failedOnTheWay = e.transientFailure() || e instanceof PythonException
                || (e instanceof InvalidEnvOutputException invalid && invalid.nonFinite())
                || (e instanceof MujocoSimulationException && !e.failedInReset());
        if (!failedOnTheWay) {
            return e;
        }
        if (!Files.isDirectory(checkpoint())) { // the same command is refused in a folder of a run with none
            return wroteFiles() ? e.addHint("the run saved no checkpoint: remove " + dir + " (or give another --out), "
                    + "then the same command starts it again") : e;
        }
        return e.addHint("the run's last checkpoint is kept in " + checkpoint() + ": the same command with --resume"
                + " --out " + dir + " goes on from it");
    }

    /** Whether the run wrote anything into its folder (its lock file aside). */
    private boolean wroteFiles() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> !f.getFileName().toString().equals(RunLock.FILE));
        } catch (IOException e) {
            return false; // no folder (its lock removed it, empty), or none to read
        }
    }

    Path evalCsv() {
        return dir.resolve("eval.csv");
    }

    /** Per-task evaluations of a multitask run. */
    Path evalTasksCsv() {
        return dir.resolve("eval-tasks.csv");
    }

    Path curve() {
        return dir.resolve("curve.png");
    }

    /** One task's curve in a multitask run: {@code curves/DOMAIN_TASK.png}. */
    Path taskCurve(String taskId) {
        return dir.resolve("curves").resolve(taskId.replace('/', '_') + ".png");
    }

    Path config() {
        return dir.resolve("config.yaml");
    }

    /**
     * Where the loop stood at the last checkpoint; for offline training, also how much of its dataset it had (the
     * dataset, not the checkpoint, holds the episodes), null for an online run or a checkpoint that did not record it.
     */
    record State(long step, long episode, double seconds, Dataset dataset) {
        State(long step, long episode, double seconds) {
            this(step, episode, seconds, null);
        }
    }

    /**
     * The dataset an offline run learnt from: its size, and each episode file with its steps and a checksum of its
     * contents (null in a checkpoint an earlier version wrote), kept in the checkpoint as {@link #DATASET_EPISODES}.
     */
    record Dataset(long episodes, long steps, List<DatasetReader.EpisodeFile> files) {
        Dataset(long episodes, long steps) {
            this(episodes, steps, null);
        }
    }

    /** The episode files an offline run learnt from, in its checkpoint: {@code task,episode,steps,checksum}. */
    static final String DATASET_EPISODES = "dataset-episodes.csv";
    private static final String DATASET_EPISODES_HEADER = "task,episode,steps,checksum";

    /**
     * A verified checkpoint to resume from: the folder to read the agent from, the loop's position, and the revisions
     * of each task it was trained on, in order ({@link #learntRevisions}; null in a checkpoint saved before they were
     * recorded).
     */
    record Restored(Path dir, State state, Map<String, List<Integer>> learnt) {
        /** The revision of each task the checkpoint was trained on last; null when it records none. */
        Map<String, Integer> revisions() {
            return last(learnt);
        }

        /**
         * Puts {@code agent} (made with the run's seed) where the checkpoint left it: its saved state, and its own
         * random draws (seed-phase actions, buffer sampling, planning noise) started over from
         * {@link #resumedSeed}, so that the resumed segment does not replay the draws the run opened with.
         *
         * @param saved the agent's settings recorded in the checkpoint, for the message that refuses a setting given
         *              with --resume that would change the model's shape
         */
        void restore(Agent agent, long runSeed, Map<String, String> saved) {
            try {
                agent.readState(dir);
            } catch (CheckpointException e) {
                String key = e.setting().orElse(null);
                if (key == null) {
                    throw e;
                }
                // the agent's advice is to make it with the checkpoint's value: on resume, that means giving none
                throw new CheckpointException("the run's checkpoint in " + dir + " was trained with " + key + "="
                        + saved.getOrDefault(key, "?") + ", which fixes the model's shape: --resume goes on with the "
                        + "checkpoint's model, so leave out " + key + " (--set-param " + key + ", or in --config), or "
                        + "give the recorded " + key + "=" + saved.getOrDefault(key, "?") + "; a model of another "
                        + key + " is a new run (without --resume, into another --out)", e);
            }
            agent.reseed(resumedSeed(runSeed, state.step()));
        }
    }

    /**
     * The seed of the agent's draws in a run resumed at {@code step}: the same for the same resume point (a resumed
     * run repeats given its resume points), a different one for every step of a run, unrelated to the run's seed.
     * A fresh run draws from its seed as it always did. (Derived, not saved: the generators are the agent's own,
     * out of the {@link Agent} contract's reach, and on a GPU the engine's, shared by the JVM's agents.)
     */
    static long resumedSeed(long runSeed, long step) {
        // SplittableRandom's nextLong ends with SplitMix64's finaliser, a bijection that mixes every bit
        return new SplittableRandom(new SplittableRandom(runSeed).nextLong() ^ step).nextLong();
    }

    /**
     * The revisions of the tasks a checkpoint's agent learnt on ({@link io.github.tdmpc2j.spi.TaskSpec#revision}), in
     * the checkpoint: {@code domain/task=revision}, a line each (the revision it learnt on last); and for a task it
     * learnt on at more than one (a run resumed after the task changed), each of them in order as
     * {@code domain/task.learnt.1=revision}, {@code domain/task.learnt.2=revision}, ... ({@link #LEARNT}). A file
     * without such lines reads as a run trained on one revision of each task, and one that an earlier version wrote
     * with the first revision alone as {@code domain/task.first=revision} ({@link #FIRST}) as a run trained on that
     * one, then the last. (Each value is a number, as an earlier version reads them all: it takes the keys it does not
     * know for tasks that are not its run's.)
     */
    static final String TASK_REVISIONS = "task-revisions.properties";

    /** What ends the key of a task's first revision in an earlier version's {@link #TASK_REVISIONS}. */
    static final String FIRST = ".first";

    /** What comes between a task's id and the number of each revision it learnt on in {@link #TASK_REVISIONS}. */
    static final String LEARNT = ".learnt.";

    /**
     * Saves the agent, the loop's position and the revisions of the tasks it learnt on ({@code learnt}, id to the
     * revisions in order, the last the one it learns on now; null: not known, none recorded) as one checkpoint,
     * replacing the previous one.
     */
    void saveCheckpoint(Agent agent, State s, Map<String, List<Integer>> learnt) {
        CheckpointFolder.write(checkpoint(), s.step(), dir -> {
            agent.writeState(dir);
            for (String own : List.of(STATE, TASK_REVISIONS, DATASET_EPISODES)) {
                // the run's own file, written next, would replace the agent's without a word
                if (Files.exists(dir.resolve(own), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    throw new CheckpointException("cannot write the checkpoint " + checkpoint() + ": the agent's "
                            + "writeState wrote a file named " + own + ", a name the run keeps for its own file in "
                            + "the checkpoint; an agent's writeState gives its files other names than "
                            + String.join(", ", CHECKPOINT_FILES));
                }
            }
            if (learnt != null) {
                Properties r = new Properties();
                learnt.forEach((id, revisions) -> {
                    r.setProperty(id, Integer.toString(revisions.get(revisions.size() - 1)));
                    if (revisions.size() > 1) {
                        for (int i = 0; i < revisions.size(); i++) {
                            r.setProperty(id + LEARNT + (i + 1), Integer.toString(revisions.get(i)));
                        }
                    }
                });
                try (var w = Files.newBufferedWriter(dir.resolve(TASK_REVISIONS), StandardCharsets.UTF_8)) {
                    r.store(w, "tdmpc2j: the revision of each task the checkpoint's agent learnt on (last), and as "
                            + "TASK" + LEARNT + "1, 2, ... each it learnt on in order where it learnt on more than one");
                }
            }
            Properties p = new Properties();
            p.setProperty("step", Long.toString(s.step()));
            p.setProperty("episode", Long.toString(s.episode()));
            p.setProperty("seconds", Double.toString(s.seconds()));
            if (s.dataset() != null) {
                p.setProperty("dataset_episodes", Long.toString(s.dataset().episodes()));
                p.setProperty("dataset_steps", Long.toString(s.dataset().steps()));
            }
            try (var w = Files.newBufferedWriter(dir.resolve(STATE), StandardCharsets.UTF_8)) {
                p.store(w, "tdmpc2j training loop position");
            }
            if (s.dataset() != null && s.dataset().files() != null) {
                List<String> lines = new java.util.ArrayList<>(List.of(DATASET_EPISODES_HEADER));
                for (DatasetReader.EpisodeFile f : s.dataset().files()) {
                    lines.add(f.task() + "," + f.number() + "," + f.steps() + "," + Long.toHexString(f.checksum()));
                }
                Files.write(dir.resolve(DATASET_EPISODES), lines, StandardCharsets.UTF_8);
            }
        });
    }

    /**
     * The checkpoint to resume from: first puts right what a save killed half way left behind, then checks that
     * every file is the one written with the others (a mixed, partial or damaged checkpoint is refused).
     */
    Restored openCheckpoint() {
        CheckpointFolder.Manifest m;
        try {
            CheckpointFolder.recover(checkpoint());
            m = CheckpointFolder.open(checkpoint());
        } catch (CheckpointException e) {
            throw new CheckpointException("cannot resume the run in " + dir + ": " + e.getMessage(), e);
        }
        if (!m.contains(STATE)) {
            throw new CheckpointException(m.dir() + " holds no " + STATE + " (the training loop's position): it was "
                    + "not saved by `tdmpc2j train`, so it cannot be resumed; evaluate it with `tdmpc2j eval`, or "
                    + "start a new run");
        }
        Path file = m.dir().resolve(STATE);
        Properties p = new Properties();
        State s;
        try (var r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
            s = new State(Long.parseLong(p.getProperty("step")), Long.parseLong(p.getProperty("episode")),
                    Double.parseDouble(p.getProperty("seconds", "0")), p.getProperty("dataset_steps") == null ? null
                    : new Dataset(Long.parseLong(p.getProperty("dataset_episodes")),
                            Long.parseLong(p.getProperty("dataset_steps"))));
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(file + " is damaged (" + e.getMessage() + "); start a new run", e);
        }
        if (s.step() != m.step()) {
            throw new CheckpointException(file + " says step " + s.step() + " but the checkpoint in " + m.dir()
                    + " was saved at step " + m.step() + "; it is a mix of two checkpoints, start a new run");
        }
        if (s.dataset() != null && m.contains(DATASET_EPISODES)) {
            Path list = m.dir().resolve(DATASET_EPISODES);
            List<DatasetReader.EpisodeFile> files = new java.util.ArrayList<>();
            try {
                List<String> lines = Files.readAllLines(list, StandardCharsets.UTF_8);
                if (lines.isEmpty() || !lines.get(0).equals(DATASET_EPISODES_HEADER)) {
                    throw new IllegalArgumentException("no header " + DATASET_EPISODES_HEADER);
                }
                for (String line : lines.subList(1, lines.size())) {
                    String[] c = line.split(",", -1);
                    if (c.length != 4) {
                        throw new IllegalArgumentException("a line of " + c.length + " cells: " + line);
                    }
                    files.add(new DatasetReader.EpisodeFile(c[0], Integer.parseInt(c[1]), Integer.parseInt(c[2]),
                            Long.parseUnsignedLong(c[3], 16)));
                }
            } catch (IOException | RuntimeException e) {
                throw new CheckpointException(list + " is damaged (" + e.getMessage() + "); start a new run", e);
            }
            s = new State(s.step(), s.episode(), s.seconds(), new Dataset(s.dataset().episodes(),
                    s.dataset().steps(), List.copyOf(files)));
        }
        return new Restored(m.dir(), s, m.contains(TASK_REVISIONS) ? learntRevisions(m.dir()) : null);
    }

    /**
     * What the checkpoint in {@code dir} (a verified folder) records of the tasks its agent was trained on: their
     * revisions in order ({@link #learntRevisions}; null: none recorded), whether {@code train} saved it ({@link #STATE}) and whether
     * {@code train --data} did ({@link #DATASET_EPISODES}): then the revisions are its dataset's episodes', and its
     * run evaluated on the tasks as they were when it trained.
     */
    record TrainedOn(Path dir, Map<String, List<Integer>> learnt, boolean byTrain, boolean offline) {
        static TrainedOn read(Path dir) {
            return new TrainedOn(dir, learntRevisions(dir), Files.isRegularFile(dir.resolve(STATE)),
                    Files.isRegularFile(dir.resolve(DATASET_EPISODES)));
        }

        /**
         * What a command that acts with the checkpoint on {@code tasks} says when a task changed since it was trained
         * ({@link io.github.tdmpc2j.spi.TaskRevisions#notice}, its {@code consequence}); null when none did, and for
         * a checkpoint {@code train} did not save (an imported one was trained on the reference's tasks, not on a
         * revision of a plug-in here).
         */
        String notice(List<io.github.tdmpc2j.spi.TaskSpec> tasks, String consequence) {
            if (learnt == null && !byTrain) {
                return null;
            }
            return io.github.tdmpc2j.spi.TaskRevisions.noticeInOrder("the checkpoint in " + dir + " was trained"
                    + (offline ? " on a dataset collected" : ""), learnt, tasks, consequence);
        }
    }

    /**
     * The revisions of the tasks the checkpoint in {@code dir} (verified) was trained on last, id to revision; null
     * when it records none (saved before they were recorded, or not by {@code train}: an imported checkpoint).
     */
    static Map<String, Integer> revisions(Path dir) {
        return last(learntRevisions(dir));
    }

    /** The last of each task's revisions in {@code learnt}; null for null. */
    private static Map<String, Integer> last(Map<String, List<Integer>> learnt) {
        if (learnt == null) {
            return null;
        }
        Map<String, Integer> last = new java.util.TreeMap<>();
        learnt.forEach((id, revisions) -> last.put(id, revisions.get(revisions.size() - 1)));
        return last;
    }

    /**
     * The revisions each task the checkpoint in {@code dir} (verified) was trained on, in order ({@link #LEARNT});
     * one, the last, for a task it learnt on at one revision; the first and the last where an earlier version
     * recorded the first ({@link #FIRST}). Null when it records none.
     */
    static Map<String, List<Integer>> learntRevisions(Path dir) {
        Path file = dir.resolve(TASK_REVISIONS);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Properties p = new Properties();
        Map<String, List<Integer>> learnt = new java.util.TreeMap<>();
        try (var r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
            Map<String, Integer> last = new java.util.TreeMap<>();
            Map<String, Integer> first = new java.util.HashMap<>();
            Map<String, java.util.SortedMap<Integer, Integer>> inOrder = new java.util.HashMap<>();
            for (String key : p.stringPropertyNames()) {
                int revision = Integer.parseInt(p.getProperty(key).strip());
                if (revision < 1) {
                    throw new IllegalArgumentException(key + " at revision " + revision);
                }
                int learntAt = key.lastIndexOf(LEARNT);
                if (key.endsWith(FIRST)) {
                    first.put(key.substring(0, key.length() - FIRST.length()), revision);
                } else if (learntAt > 0 && key.substring(learntAt + LEARNT.length()).matches("[1-9][0-9]{0,8}")) {
                    inOrder.computeIfAbsent(key.substring(0, learntAt), id -> new java.util.TreeMap<>())
                            .put(Integer.parseInt(key.substring(learntAt + LEARNT.length())), revision);
                } else {
                    last.put(key, revision);
                }
            }
            for (String id : inOrder.keySet()) {
                if (!last.containsKey(id)) {
                    throw new IllegalArgumentException(id + LEARNT + inOrder.get(id).firstKey() + " without " + id);
                }
            }
            last.forEach((id, revision) -> {
                java.util.SortedMap<Integer, Integer> each = inOrder.get(id);
                Integer before = first.get(id);
                if (each != null) {
                    if (each.firstKey() != 1 || each.lastKey() != each.size()
                            || !each.get(each.lastKey()).equals(revision)) {
                        throw new IllegalArgumentException(id + LEARNT + "N are not 1 to " + each.size() + " ending "
                                + "with " + id + "'s " + revision);
                    }
                    learnt.put(id, List.copyOf(each.values()));
                } else if (before != null && !before.equals(revision)) {
                    learnt.put(id, List.of(before, revision));
                } else {
                    learnt.put(id, List.of(revision));
                }
            });
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(file + " is damaged (" + Messages.firstLine(e) + "); put back a copy of the "
                    + "checkpoint, or start a new run", e);
        }
        return learnt;
    }

    /**
     * Drops CSV rows logged after the checkpoint a resumed run goes back to (their steps will be run again), a torn
     * last row among them (a power loss cut its write short: the rows are flushed, not forced), said on
     * {@code notices}. A torn row the checkpoint covers (or whose step is cut away) is refused as any damaged row.
     */
    static void truncateAfter(Path csv, long step, PrintWriter notices) {
        if (!Files.isRegularFile(csv)) {
            return;
        }
        List<String> keep = new java.util.ArrayList<>();
        try {
            String header;
            try (var reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
                header = reader.readLine();
            }
            if (header == null) {
                return;
            }
            keep.add(header);
            CsvLog.Row torn = CsvLog.tornLast(csv);
            boolean dropTorn = torn != null && beyond(torn, step);
            for (CsvLog.Row row : CsvLog.read(csv, dropTorn)) { // a damaged row is refused before the file changes
                if (row.number(0) <= step) {
                    keep.add(String.join(",", row.cells()));
                }
            }
            AtomicWrites.replace(csv, tmp -> Files.write(tmp, keep, StandardCharsets.UTF_8));
            if (dropTorn) {
                notices.printf("%s ended in a torn row (line %d, '%s': its write was cut short, as by a power loss), "
                        + "after the checkpoint's step %d: dropped, as the rows after it are%n", csv, torn.line(),
                        String.join(",", torn.cells()), step);
                notices.flush();
            }
        } catch (IOException e) {
            throw new TdmpcException("cannot tidy " + csv + " for the resumed run: " + IoErrors.describe(e), e);
        }
    }

    /** Whether a torn row's step (its first cell, whole: a comma follows it) is after {@code step}. */
    private static boolean beyond(CsvLog.Row torn, long step) {
        if (torn.cells().length < 2) {
            return false; // the step itself may be cut short
        }
        try {
            return Double.parseDouble(torn.cells()[0]) > step;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
