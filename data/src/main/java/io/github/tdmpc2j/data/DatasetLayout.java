package io.github.tdmpc2j.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where things live in a dataset folder:
 *
 * <pre>
 * DIR/dataset.json                                   the index: format, sizes, tasks, action masks, policy, seed
 * DIR/episodes/DOMAIN/TASK/episode-000042.npz         one episode per file
 * </pre>
 *
 * An episode file holds {@code observation} (float32, T+1 x O, zero-padded to the dataset's largest
 * observation size O), {@code action} (float32, T x A, zero outside the task's action mask), {@code reward}
 * (float32, T), {@code terminated}, {@code truncated}, {@code success} (bool, T), {@code task} (int32, the
 * task's index in dataset.json) and {@code seed} (int64, the reset seed). Files are written to a temporary name
 * and renamed, so a file that exists is whole.
 */
public final class DatasetLayout {
    public static final String INDEX = "dataset.json";
    private static final Pattern EPISODE_FILE = Pattern.compile("episode-(\\d{6,9})\\.npz");
    public static final String FORMAT = "tdmpc2j-episodes";
    /**
     * 3: each task in {@code dataset.json} records its revision; 2: the index records the base seed and the policy's
     * checkpoint step and digest; 1 did not.
     */
    public static final int VERSION = 3;
    /** The arrays an episode file must hold to be read ({@code seed} too, in the files collect writes). */
    public static final List<String> ARRAYS = List.of("observation", "action", "reward", "terminated", "truncated",
            "success", "task");

    private DatasetLayout() {
    }

    public static Path index(Path dir) {
        return dir.resolve(INDEX);
    }

    public static Path taskDir(Path dir, String taskId) {
        return dir.resolve("episodes").resolve(taskId);
    }

    public static Path episode(Path dir, String taskId, int k) {
        return taskDir(dir, taskId).resolve(String.format(Locale.ROOT, "episode-%06d.npz", k));
    }

    /** The episode number {@code k} of an episode file ({@link #episode}), or -1 for a file that is not one. */
    public static int episodeNumber(Path file) {
        Matcher m = EPISODE_FILE.matcher(file.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }
}
