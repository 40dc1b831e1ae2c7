package io.github.tdmpc2j.data;

import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.io.IoErrors;
import io.github.tdmpc2j.spi.agent.Episode;
import io.github.tdmpc2j.spi.io.AtomicWrites;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;

/**
 * Writes episodes into a dataset folder, one file each, atomically. Opening a folder that already holds a
 * dataset of the same tasks, base seed and policy resumes it; another task list, seed or policy is refused rather
 * than mixed in.
 */
public final class DatasetWriter implements Collector.EpisodeSink {
    /**
     * The writes into each dataset folder of this JVM (by absolute path): a write holds the read side, and
     * {@link #endWrites} takes the write side for good, at the JVM's exit, so that the removal of a new dataset's
     * index then (the dataset lock's shutdown hook, after a second Ctrl-C) never comes while an episode is being
     * written beside it, nor before one is.
     */
    private static final Map<Path, ReentrantReadWriteLock> WRITES = new ConcurrentHashMap<>();

    private final Path dir;
    private final DatasetIndex index;
    /** Episode files found damaged when the folder was opened ({@link #damaged()}), to be written anew. */
    private final Map<Path, String> damaged;

    private DatasetWriter(Path dir, DatasetIndex index, Map<Path, String> damaged) {
        this.dir = dir;
        this.index = index;
        this.damaged = damaged;
    }

    /**
     * Opens {@code dir} for a collection whose index is {@code wanted} (with its seed): a new dataset, or the same
     * collection resumed. A dataset of other tasks, another base seed or another policy is refused; an index that
     * recorded no seed or checkpoint digest (version 1) is checked as far as it can be (the seed from its episode
     * files, the checkpoint by its path) and then records them; so are episodes without an index (one deleted
     * because it was damaged), whose new index is {@code wanted}.
     */
    public static DatasetWriter open(Path dir, DatasetIndex wanted) {
        if (wanted.seed() == null) {
            throw new IllegalArgumentException("the index of a collection needs its seed (DatasetIndex.withSeed)");
        }
        try {
            if (Files.exists(DatasetLayout.index(dir))) {
                DatasetIndex existing = DatasetIndex.read(dir);
                if (!existing.sameTaskShapes(wanted)) {
                    String had = String.join(", ", existing.taskIds());
                    boolean reordered = !existing.taskIds().equals(wanted.taskIds())
                            && new java.util.HashSet<>(existing.taskIds()).equals(new java.util.HashSet<>(
                                    wanted.taskIds())) && existing.taskIds().size() == wanted.taskIds().size();
                    throw new DatasetException(dir + " already holds a dataset of " + (existing.taskIds()
                            .equals(wanted.taskIds()) ? "these tasks with other sizes or episode lengths than they "
                            + "have here (" + had + "; made by another version?); choose another --out folder"
                            : reordered ? "these tasks in another order (" + had + "), to which its episodes' task "
                            + "numbers refer: give them in that order (" + String.join(",", existing.taskIds())
                            + ") to go on with it, or choose another --out folder"
                            : "other tasks (" + had + "); choose another --out folder"));
                }
                refuseOtherRevisions(dir, existing, wanted);
                DatasetPolicy had = existing.policySource();
                DatasetPolicy asked = wanted.policySource();
                if ((had.imported() || asked.imported()) && !had.sameAs(asked)) {
                    throw new DatasetException(dir + " holds episodes of " + had.describe() + ", not of "
                            + asked.describe() + (had.name().equals(asked.name()) ? " as it is now (its chunk "
                            + "files have changed since)" : "") + "; adding these would mix two datasets. "
                            + (asked.imported() ? "Import into another --out folder" : "Collect into another "
                            + "--out folder") + (had.imported() ? ", or run the import-data that made it again "
                            + "with the same chunk files to finish it." : "."));
                }
                refuseOtherSeed(dir, existing.seed() != null ? existing.seed() : seedOfEpisodes(dir, existing),
                        existing.seed() == null, wanted);
                if (!had.sameAs(asked) && !had.random() && had.name().equals(asked.name())) {
                    throw new DatasetException(dir + " holds episodes of " + had.describe() + ", and the checkpoint "
                            + "in that folder has changed since (" + (asked.step() != null ? "step " + asked.step()
                            + " now, " : "") + "other files); adding its episodes would mix two policies in one "
                            + "dataset. Collect into another --out folder, or put that checkpoint back to resume "
                            + "this one.");
                }
                if (!had.sameAs(asked)) {
                    throw new DatasetException(dir + " holds episodes of " + had.describe() + ", not of "
                            + asked.describe() + "; adding these would mix two policies in one dataset. Collect into "
                            + "another --out folder, or give --policy " + had.option() + " to resume this one.");
                }
                boolean older = existing.seed() == null || (existing.policyDigest() == null && !had.random())
                        || existing.revisions() == null;
                writing(dir, () -> {
                    removeLeftovers(dir);
                    if (older) {
                        wanted.writeAtomically(dir); // an older index: now it records what was checked
                    }
                });
                return older ? new DatasetWriter(dir, wanted, damagedEpisodes(dir, wanted))
                        : new DatasetWriter(dir, existing, damagedEpisodes(dir, existing));
            }
            // episodes without an index (one deleted because it was damaged): checked as far as their files tell
            refuseOtherTasks(dir, wanted);
            refuseOtherSeed(dir, seedOfEpisodes(dir, wanted), true, wanted);
            writing(dir, () -> {
                removeLeftovers(dir);
                wanted.writeAtomically(dir);
            });
            return new DatasetWriter(dir, wanted, damagedEpisodes(dir, wanted));
        } catch (IOException e) {
            throw new DatasetException("cannot write a dataset in " + dir + ": " + IoErrors.describe(e), e);
        }
    }

    public DatasetIndex index() {
        return index;
    }

    /** Refuses to add episodes of base seed {@code wanted.seed()} to those of {@code seed} (null: none yet). */
    private static void refuseOtherSeed(Path dir, Long seed, boolean fromEpisodeFiles, DatasetIndex wanted) {
        if (seed != null && !seed.equals(wanted.seed())) {
            throw new DatasetException(dir + " holds episodes collected with --seed " + seed
                    + (fromEpisodeFiles ? " (read from its episode files)" : "") + ", not --seed " + wanted.seed()
                    + "; adding these would mix two collections. Collect into another --out folder, or give --seed "
                    + seed + " to resume this one.");
        }
    }

    /**
     * The base seed of the episodes already in a dataset whose index did not record it (version 1), from the
     * first episode file's reset seed ({@link Collector#episodeSeed}); null when there is none.
     */
    private static Long seedOfEpisodes(Path dir, DatasetIndex index) {
        for (int t = 0; t < index.tasks().size(); t++) {
            Path taskDir = DatasetLayout.taskDir(dir, index.tasks().get(t).id());
            try {
                Path f = firstEpisode(taskDir);
                if (f != null) {
                    long episodeSeed = Npz.read(f).get("seed").longs()[0];
                    if (episodeSeed < 0 && index.policySource().imported()) {
                        return index.seed(); // imported episodes record no reset seed (-1)
                    }
                    return episodeSeed - Collector.episodeSeed(0, t, DatasetLayout.episodeNumber(f));
                }
            } catch (IOException | RuntimeException e) {
                throw new DatasetException(dir + " records no seed and its episode files cannot tell it ("
                        + (e instanceof IOException io ? IoErrors.describe(io) : e.toString()) + "); collect into "
                        + "another --out folder", e);
            }
        }
        return null;
    }

    /** The episode file of {@code taskDir} with the lowest number; null when it has none (or is no folder). */
    private static Path firstEpisode(Path taskDir) throws IOException {
        if (!Files.isDirectory(taskDir)) {
            return null;
        }
        try (Stream<Path> files = Files.list(taskDir)) {
            return files.filter(f -> DatasetLayout.episodeNumber(f) >= 0).sorted().findFirst().orElse(null);
        }
    }

    /**
     * Refuses to give episodes without an index (one deleted because it was damaged) the index {@code wanted} when
     * their files say they were collected with other tasks: a task folder {@code wanted} does not list, a task
     * number (which points into the index) other than the task's place in {@code wanted}, or observations and
     * actions padded to other sizes. Such an index would name the episodes' tasks wrongly (and the reader refuse
     * them). The first episode file of each task folder tells.
     */
    private static void refuseOtherTasks(Path dir, DatasetIndex wanted) {
        Path episodes = dir.resolve("episodes");
        if (!Files.isDirectory(episodes)) {
            return;
        }
        // task number -> id, as the files say
        java.util.TreeMap<Integer, String> numbered = new java.util.TreeMap<>();
        List<String> told = new ArrayList<>();
        boolean misfit = false;
        int[] padded = null; // the sizes the files are padded to
        try (Stream<Path> domains = Files.list(episodes)) {
            for (Path domain : domains.filter(Files::isDirectory).sorted().toList()) {
                try (Stream<Path> taskDirs = Files.list(domain)) {
                    for (Path taskDir : taskDirs.filter(Files::isDirectory).sorted().toList()) {
                        Path f = firstEpisode(taskDir);
                        if (f == null) {
                            continue;
                        }
                        String id = domain.getFileName() + "/" + taskDir.getFileName();
                        Map<String, NpyArray> a = Npz.read(f);
                        int n = a.get("task").ints()[0];
                        int[] sizes = {a.get("observation").shape()[1], a.get("action").shape()[1]};
                        misfit |= n != wanted.taskIds().indexOf(id) || sizes[0] != wanted.observationSize()
                                || sizes[1] != wanted.actionSize();
                        padded = padded == null ? sizes : padded;
                        numbered.merge(n, id, (x, y) -> x + " and " + y);
                        told.add(id + " is task " + n);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new DatasetException(dir + " has no " + DatasetLayout.INDEX + " and its episode files cannot tell "
                    + "which tasks they are of (" + (e instanceof IOException io ? IoErrors.describe(io)
                    : e.toString()) + "); collect into another --out folder", e);
        }
        if (!misfit) {
            return;
        }
        // the order they were collected in, when every task number up to the last has a task, and one only
        boolean known = numbered.firstKey() == 0
                && numbered.lastKey() == numbered.size() - 1
                && numbered.values().stream().noneMatch(id -> id.contains(" and "));
        boolean sizes = padded[0] != wanted.observationSize() || padded[1] != wanted.actionSize();
        throw new DatasetException(dir + " has no " + DatasetLayout.INDEX + ", and its episode files were not "
                + "collected with the tasks given (" + String.join(", ", wanted.taskIds()) + ", in that order): "
                + "their task numbers say " + String.join(", ", told) + (sizes ? ", and they are padded to "
                + padded[0] + " observation and " + padded[1] + " action entries, not " + wanted.observationSize()
                + " and " + wanted.actionSize() : "") + "; an index of the tasks given would not fit them (a file's "
                + "task number points into it). Give the tasks they were collected with, in their order" + (known ? " (--tasks "
                + String.join(",", numbered.values()) + ", as far as the episode files tell)" : "") + ", to go on "
                + "with it, or choose another --out folder");
    }

    /** Whether episode {@code k} of task {@code task} is in the folder, whole (a damaged file is written anew). */
    public boolean has(int task, int k) {
        Path file = DatasetLayout.episode(dir, index.tasks().get(task).id(), k);
        return Files.isRegularFile(file) && !damaged.containsKey(file);
    }

    /**
     * The episode files that were in the folder when it was opened but are not whole NPZ files (cut short by a
     * full disk or a machine that lost power before its writes reached the disk, or edited by hand) or whose bytes
     * fail their CRC-32 check (a flipped bit, a bad copy), each with what is wrong with it; {@link #has} is false
     * for them, so the collection writes them anew.
     */
    public Map<Path, String> damaged() {
        return Map.copyOf(damaged);
    }

    /**
     * The episode files of {@code index}'s tasks in {@code dir} that are not whole, undamaged NPZ files with an
     * episode's arrays ({@link Npz#damage}): each file's entries are read through for their CRC-32, so that a file
     * whose zip directory is whole but whose bytes are not those written is collected again rather than kept (and
     * refused later by {@code train --data}, or read as other numbers by another tool). The files are read on all
     * cores, each in under a millisecond of a core (an episode of 500 steps, 60 KB).
     */
    private static Map<Path, String> damagedEpisodes(Path dir, DatasetIndex index) throws IOException {
        List<Path> episodes = new ArrayList<>();
        for (DatasetTask task : index.tasks()) {
            Path taskDir = DatasetLayout.taskDir(dir, task.id());
            if (!Files.isDirectory(taskDir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(taskDir)) {
                episodes.addAll(files.filter(p -> DatasetLayout.episodeNumber(p) >= 0).toList());
            }
        }
        Map<Path, String> found = new ConcurrentHashMap<>();
        episodes.parallelStream().forEach(f -> {
            String why = Npz.damage(f, DatasetLayout.ARRAYS);
            if (why != null) {
                found.put(f, why);
            }
        });
        return found;
    }


    /**
     * Refuses to add episodes of a task at another revision than the dataset's episodes of it were collected on: one
     * dataset would hold two versions of the task. An index that records no revisions (written before they were) is
     * taken as of each task's first revision, which is what every task was before revisions were recorded. An
     * imported dataset (the reference's episodes, not made on a revision here) is not refused: finishing its import
     * adds episodes of the same chunk files.
     */
    private static void refuseOtherRevisions(Path dir, DatasetIndex existing, DatasetIndex wanted) {
        if (existing.policySource().imported()) {
            return; // the reference's episodes, from chunk files checked by their digest, whatever the revisions here
        }
        List<String> changed = new ArrayList<>();
        for (int i = 0; i < wanted.tasks().size(); i++) {
            DatasetTask had = existing.tasks().get(i);
            int then = had.revision() != null ? had.revision() : 1;
            int now = wanted.tasks().get(i).revision();
            if (then != now) {
                changed.add(had.id() + (had.revision() == null ? " (the index records no revision: collected "
                        + "before revisions were recorded, so on revision 1 unless after the task changed" : " ("
                        + "collected on revision " + then) + "; revision " + now + " now)");
            }
        }
        if (!changed.isEmpty()) {
            throw new DatasetException(dir + " holds episodes of " + Messages.plural(changed.size(), "task")
                    + " at another revision than " + Messages.word(changed.size(), "it has", "they have") + " now: "
                    + String.join(", ", changed) + "; the plug-in changed " + Messages.word(changed.size(), "it", "them")
                    + " since (its README says how), and adding episodes would mix two versions of a task in one "
                    + "dataset. Collect into another --out folder");
        }
    }

    /**
     * A writer for a dataset folder whose index another process wrote (a cluster's driver), for that process's
     * executors: the index must be {@code expected}, and temporary files (other executors' writes in flight) are
     * left alone.
     */
    public static DatasetWriter attach(Path dir, DatasetIndex expected) {
        DatasetIndex existing = DatasetIndex.read(dir);
        if (!existing.tasks().equals(expected.tasks())) {
            throw new DatasetException(dir + " holds a dataset of other tasks (" + String.join(", ",
                    existing.taskIds()) + ") than this job's; choose another --out folder");
        }
        return new DatasetWriter(dir, existing, new java.util.concurrent.ConcurrentHashMap<>());
    }

    /** Writes episode {@code k} of its task; the file appears whole or not at all. */
    @Override
    public void write(int k, Episode episode, long seed, boolean[] truncated, boolean[] terminated) {
        writeEncoded(episode.task(), k, encode(index, episode, seed, truncated, terminated));
    }

    /**
     * Episode file {@code k} of task {@code task} from its bytes ({@link #encode}); the file appears whole or not
     * at all, and writing the same episode again replaces it with the same bytes.
     */
    public void writeEncoded(int task, int k, byte[] npz) {
        Path target = DatasetLayout.episode(dir, index.tasks().get(task).id(), k);
        try {
            writing(dir, () -> {
                Files.createDirectories(target.getParent());
                AtomicWrites.write(target, npz);
            });
            damaged.remove(target);
        } catch (IOException e) {
            throw new DatasetException("cannot write " + target + ": " + IoErrors.describe(e) + "; the episodes "
                    + "already written are kept: make room (or make the folder writable) and run the same "
                    + (index.policySource().imported() ? "import-data" : "collect") + " command again to go on", e);
        }
    }

    /** A write into a dataset folder. */
    private interface Write {
        void run() throws IOException;
    }

    /** The writes into {@code dir} in this JVM ({@link #WRITES}). */
    static ReentrantReadWriteLock writes(Path dir) {
        return WRITES.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> new ReentrantReadWriteLock());
    }

    /** Runs {@code write} into {@code dir} unless this JVM ended the writes there; then it waits for the halt. */
    private static void writing(Path dir, Write write) throws IOException {
        Lock writes = writes(dir).readLock();
        writes.lock();
        try {
            write.run();
        } finally {
            writes.unlock();
        }
    }

    /**
     * Ends the writes into the dataset folder {@code dir} in this JVM, for its exit (the folder's lock, removing a
     * new dataset's index that got no episode): waits up to {@code wait} for one in progress to end, after which
     * none starts (one that comes waits until the JVM halts). Whether it ended them: false when a write did not end
     * in time (then the writes go on, and the folder is to be left as it is).
     */
    public static boolean endWrites(Path dir, Duration wait) {
        try {
            return writes(dir).writeLock().tryLock(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The bytes of an episode's file in a dataset with this index; they depend on the episode alone. */
    public static byte[] encode(DatasetIndex index, Episode episode, long seed, boolean[] truncated,
            boolean[] terminated) {
        DatasetTask task = index.tasks().get(episode.task());
        int t = episode.length();
        int o = index.observationSize();
        int a = index.actionSize();
        float[] obs = new float[(t + 1) * o];
        for (int i = 0; i <= t; i++) {
            float[] row = episode.observations()[i];
            System.arraycopy(row, 0, obs, i * o, Math.min(row.length, o));
        }
        float[] act = new float[t * a];
        for (int i = 0; i < t; i++) {
            float[] row = episode.actions()[i];
            System.arraycopy(row, 0, act, i * a, Math.min(row.length, task.actionSize()));
        }
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        arrays.put("observation", NpyArray.of(obs, t + 1, o));
        arrays.put("action", NpyArray.of(act, t, a));
        arrays.put("reward", NpyArray.of(episode.rewards().clone(), t));
        arrays.put("terminated", NpyArray.of(terminated.clone(), t));
        arrays.put("truncated", NpyArray.of(truncated.clone(), t));
        arrays.put("success", NpyArray.of(episode.success().clone(), t));
        arrays.put("task", NpyArray.of(new int[] {episode.task()}));
        arrays.put("seed", NpyArray.of(new long[] {seed}));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            Npz.write(bytes, arrays);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /**
     * Deletes the temporary files of writes that never finished (a killed process's); call it when no other
     * process writes into the folder, as {@link #open} does and a cluster's driver does after its job.
     */
    public void removeTemporaryFiles() {
        try {
            removeLeftovers(dir);
        } catch (IOException e) {
            throw new DatasetException("cannot clean " + dir + ": " + IoErrors.describe(e), e);
        }
    }

    /**
     * A temporary file of {@link AtomicWrites}: its names now ({@code NAME.tmp-PID@HOST-NONCE}) and before
     * ({@code NAME<digits>.tmp}). The dataset's lock makes its holder the folder's one writer (a cluster's executors
     * write only while their driver holds it), so every one found is a stopped write's.
     */
    private static boolean isTemporary(Path file) {
        return AtomicWrites.isTemporary(file) || file.getFileName().toString().matches(".+\\d\\.tmp");
    }

    /** Temporary files of writes a crash interrupted. */
    private static void removeLeftovers(Path dir) throws IOException {
        if (Files.isDirectory(dir)) { // an index write a crash interrupted (AtomicWrites.tempFileFor's names)
            try (Stream<Path> files = Files.list(dir)) {
                for (Path p : files.filter(f -> isTemporary(f) && f.getFileName().toString().startsWith(
                        DatasetLayout.INDEX)).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        Path episodes = dir.resolve("episodes");
        if (!Files.isDirectory(episodes)) {
            return;
        }
        try (Stream<Path> files = Files.walk(episodes)) {
            for (Path p : files.filter(DatasetWriter::isTemporary).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
