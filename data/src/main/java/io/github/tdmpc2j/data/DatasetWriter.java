package io.github.tdmpc2j.data;

import io.github.tdmpc2j.spi.io.IoErrors;
import io.github.tdmpc2j.spi.agent.Episode;
import io.github.tdmpc2j.spi.io.AtomicWrites;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes episodes into a dataset folder, one file each, atomically. Opening a folder that already holds a
 * dataset of the same tasks resumes it; another task list is refused rather than mixed in.
 */
public final class DatasetWriter implements Collector.EpisodeSink {
    private final Path dir;
    private final DatasetIndex index;

    private DatasetWriter(Path dir, DatasetIndex index) {
        this.dir = dir;
        this.index = index;
    }

    public static DatasetWriter open(Path dir, DatasetIndex wanted) {
        try {
            if (Files.exists(DatasetLayout.index(dir))) {
                DatasetIndex existing = DatasetIndex.read(dir);
                if (!existing.tasks().equals(wanted.tasks())) {
                    throw new DatasetException(dir + " already holds a dataset of other tasks ("
                            + String.join(", ", existing.taskIds()) + "); choose another --out folder");
                }
                removeLeftovers(dir);
                return new DatasetWriter(dir, existing);
            }
            wanted.writeAtomically(dir);
            return new DatasetWriter(dir, wanted);
        } catch (IOException e) {
            throw new DatasetException("cannot write a dataset in " + dir + ": " + IoErrors.describe(e), e);
        }
    }

    public DatasetIndex index() {
        return index;
    }

    public boolean has(int task, int k) {
        return Files.isRegularFile(DatasetLayout.episode(dir, index.tasks().get(task).id(), k));
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
        return new DatasetWriter(dir, existing);
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
            Files.createDirectories(target.getParent());
            Path tmp = AtomicWrites.tempFileFor(target);
            try {
                Files.write(tmp, npz);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new DatasetException("cannot write " + target + ": " + IoErrors.describe(e), e);
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

    /** Temporary files of writes a crash interrupted. */
    private static void removeLeftovers(Path dir) throws IOException {
        Path episodes = dir.resolve("episodes");
        if (!Files.isDirectory(episodes)) {
            return;
        }
        try (Stream<Path> files = Files.walk(episodes)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".tmp")).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
