package io.github.tdmpc2j.data;

import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.io.IoErrors;
import io.github.tdmpc2j.spi.agent.Episode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Reads a dataset folder written by {@link DatasetWriter} (or by anyone who follows {@link DatasetLayout}). */
public final class DatasetReader {
    private final Path dir;
    private final DatasetIndex index;

    public DatasetReader(Path dir) {
        this.dir = dir;
        this.index = DatasetIndex.read(dir);
    }

    public DatasetIndex index() {
        return index;
    }

    /** The command that writes a missing episode file of this dataset again. */
    private String remaker() {
        return index.policySource().imported() ? "the import-data that made it" : "collect";
    }

    /**
     * The episode files of one task ({@link DatasetLayout#episode}), in episode order; other files beside them (a
     * copy, a temporary file) are not episodes.
     */
    public List<Path> episodeFiles(int task) {
        Path taskDir = DatasetLayout.taskDir(dir, index.tasks().get(task).id());
        if (!Files.isDirectory(taskDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(taskDir)) {
            return files.filter(f -> DatasetLayout.episodeNumber(f) >= 0)
                    .sorted(Comparator.comparingInt(DatasetLayout::episodeNumber)).toList();
        } catch (IOException e) {
            throw new DatasetException("cannot list " + taskDir + ": " + IoErrors.describe(e), e);
        }
    }

    public List<Episode> readAll() {
        List<Episode> all = new ArrayList<>();
        forEach(all::add);
        return all;
    }

    /**
     * An episode file as a run that learnt from it records it: its task's id, its number, its steps and a checksum
     * of its contents ({@link Npz#readWithChecksum}), so that a resumed run can tell the same episodes from others
     * of the same counts (a dataset collected again with another seed or policy, a file replaced).
     */
    public record EpisodeFile(String task, int number, int steps, long checksum) {
        /** Where this episode lies in the dataset {@code dir}. */
        public Path in(Path dir) {
            return DatasetLayout.episode(dir, task, number);
        }
    }

    /** Hands each episode to {@code action}, in task then episode order, reading one file at a time. */
    public void forEach(Consumer<Episode> action) {
        forEachFile((file, episode) -> action.accept(episode));
    }

    /**
     * Hands each episode with what identifies its file's contents to {@code action}, in task then episode order,
     * reading one file at a time (once: the checksum comes from the zip directory read for the arrays).
     */
    public void forEachFile(java.util.function.BiConsumer<EpisodeFile, Episode> action) {
        for (int t = 0; t < index.tasks().size(); t++) {
            for (Path f : episodeFiles(t)) {
                long[] checksum = new long[1];
                Episode episode = read(f, checksum);
                if (episode.task() != t) {
                    throw new DatasetException(f + " holds an episode of task " + episode.task() + " ("
                            + index.tasks().get(episode.task()).id() + ") but lies in the folder of task " + t + " ("
                            + index.tasks().get(t).id() + "); move it to its own task's folder, or delete it and run "
                            + remaker() + " again to replace it");
                }
                action.accept(new EpisodeFile(index.tasks().get(t).id(), DatasetLayout.episodeNumber(f),
                        episode.length(), checksum[0]), episode);
            }
        }
    }

    /**
     * How many episodes and steps the dataset holds ({@code [episodes, steps]}), from each file's rewards alone (a
     * few bytes an episode step, not its observations and actions), for a message.
     */
    public long[] count() {
        long[] count = new long[2];
        for (int t = 0; t < index.tasks().size(); t++) {
            for (Path f : episodeFiles(t)) {
                NpyArray reward;
                try {
                    reward = Npz.readOne(f, "reward");
                } catch (IOException | RuntimeException e) {
                    throw new DatasetException(f + " is not a readable episode (" + e.getMessage()
                            + "); delete it and run " + remaker() + " again to replace it", e);
                }
                if (reward == null) {
                    throw new DatasetException(f + " does not fit the dataset in " + dir + ": it has no array "
                            + "'reward'; delete it and run " + remaker() + " again to replace it");
                }
                count[0]++;
                count[1] += reward.count();
            }
        }
        return count;
    }

    public Episode read(Path file) {
        return read(file, new long[1]);
    }

    /** {@link #read}, putting the checksum of the file's contents into {@code checksum[0]}. */
    private Episode read(Path file, long[] checksum) {
        Map<String, NpyArray> a;
        try {
            Npz.Contents contents = Npz.readWithChecksum(file);
            a = contents.arrays();
            checksum[0] = contents.checksum();
        } catch (IOException | RuntimeException e) {
            throw new DatasetException(file + " is not a readable episode (" + e.getMessage()
                    + "); delete it and run " + remaker() + " again to replace it", e);
        }
        String misfit = misfit(a);
        if (misfit != null) {
            throw new DatasetException(file + " does not fit the dataset in " + dir + ": " + misfit
                    + "; delete it and run " + remaker() + " again to replace it");
        }
        try {
            NpyArray obs = a.get("observation");
            NpyArray act = a.get("action");
            int t = act.shape()[0];
            int o = obs.shape()[1];
            int n = act.shape()[1];
            float[][] observations = new float[t + 1][o];
            for (int i = 0; i <= t; i++) {
                System.arraycopy(obs.floats(), i * o, observations[i], 0, o);
            }
            float[][] actions = new float[t][n];
            for (int i = 0; i < t; i++) {
                System.arraycopy(act.floats(), i * n, actions[i], 0, n);
            }
            boolean[] terminated = a.get("terminated").booleans();
            return new Episode(a.get("task").ints()[0], observations, actions, a.get("reward").floats(),
                    t > 0 && terminated[t - 1], a.get("success").booleans());
        } catch (RuntimeException e) {
            throw new DatasetException(file + " lacks an array or has the wrong shapes (" + e
                    + "); delete it and run " + remaker() + " again to replace it", e);
        }
    }

    /**
     * What makes an episode's arrays unfit for this dataset (shapes other than the index's padded sizes, a task
     * number it does not have: another dataset's file), or null when they fit ({@link DatasetLayout}).
     */
    private String misfit(Map<String, NpyArray> a) {
        for (String name : DatasetLayout.ARRAYS) {
            if (!a.containsKey(name)) {
                return "it has no array '" + name + "'";
            }
        }
        int[] obs = a.get("observation").shape();
        if (obs.length != 2 || obs[0] < 1 || obs[1] != index.observationSize()) {
            return "its observation " + shape(obs) + " is not (T+1, " + index.observationSize() + ")";
        }
        int t = obs[0] - 1;
        int[] act = a.get("action").shape();
        if (act.length != 2 || act[0] != t || act[1] != index.actionSize()) {
            return "its action " + shape(act) + " is not (" + t + ", " + index.actionSize() + ") for its "
                    + Messages.plural(t + 1, "observation");
        }
        for (String name : List.of("reward", "terminated", "truncated", "success")) {
            if (!Arrays.equals(a.get(name).shape(), new int[] {t})) {
                return "its " + name + " " + shape(a.get(name).shape()) + " is not (" + t + ",) for its "
                        + Messages.plural(t, "action");
            }
        }
        NpyArray task = a.get("task");
        if (task.count() != 1 || !task.dtype().equals("<i4")) {
            return "its task is " + task.dtype() + " " + shape(task.shape()) + ", not one int32 (<i4)";
        }
        if (task.ints()[0] < 0 || task.ints()[0] >= index.tasks().size()) {
            return "its task " + task.ints()[0] + " is not a task number of this dataset (0 to "
                    + (index.tasks().size() - 1) + ")";
        }
        return null;
    }

    private static String shape(int[] shape) {
        return Arrays.stream(shape).mapToObj(Integer::toString)
                .collect(Collectors.joining(", ", "(", shape.length == 1 ? ",)" : ")"));
    }
}
