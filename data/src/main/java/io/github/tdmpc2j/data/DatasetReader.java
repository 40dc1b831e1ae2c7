package io.github.tdmpc2j.data;

import io.github.tdmpc2j.spi.io.IoErrors;
import io.github.tdmpc2j.spi.agent.Episode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    /** The episode files of one task, in episode order. */
    public List<Path> episodeFiles(int task) {
        Path taskDir = DatasetLayout.taskDir(dir, index.tasks().get(task).id());
        if (!Files.isDirectory(taskDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(taskDir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".npz")).sorted().toList();
        } catch (IOException e) {
            throw new DatasetException("cannot list " + taskDir + ": " + IoErrors.describe(e), e);
        }
    }

    public List<Episode> readAll() {
        List<Episode> all = new ArrayList<>();
        for (int t = 0; t < index.tasks().size(); t++) {
            for (Path f : episodeFiles(t)) {
                all.add(read(f));
            }
        }
        return all;
    }

    public Episode read(Path file) {
        Map<String, NpyArray> a;
        try {
            a = Npz.read(file);
        } catch (IOException | RuntimeException e) {
            throw new DatasetException(file + " is not a readable episode (" + e.getMessage()
                    + "); delete it and run collect again to replace it", e);
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
                    + "); delete it and run collect again to replace it", e);
        }
    }
}
