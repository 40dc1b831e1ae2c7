package io.github.tdmpc2j.spi.vector;

import io.github.tdmpc2j.spi.TdmpcException;
import java.util.Arrays;

/**
 * Which episode each row of a {@link VectorEnv} runs: asked once when the vector env is reset and again each
 * time a row's episode ends. A row for which it returns null stays idle from then on.
 *
 * <p>The answer depends on (row, k) and on state kept per row only, never on the order in which rows ask: a
 * {@link CompositeVectorEnv} asks for its parts' rows from their own threads (one call at a time), and each row
 * must still get the episodes it gets in one vector env.
 */
@FunctionalInterface
public interface EpisodeSchedule {
    /** An episode: its number (unique within the schedule) and the seed its env is reset with. */
    record Ticket(long episode, long seed) {
    }

    /**
     * The episode row {@code row} runs after it has run {@code k} episodes since the reset (k = 0 at the reset);
     * null when the row has no more work.
     */
    Ticket next(int row, int k);

    /**
     * Endless episodes over {@code rows} rows: row i's k-th episode is number {@code i + k * rows} and is reset
     * with {@code seed} plus that number, so no two episodes share a seed and one row gives the sequence
     * {@code seed, seed + 1, ...}. Fewer than 1 row is a {@link TdmpcException} (its rows' episodes would share
     * numbers and seeds).
     */
    static EpisodeSchedule sequential(long seed, int rows) {
        if (rows < 1) {
            throw new TdmpcException("EpisodeSchedule.sequential was given " + rows + " rows: pass the vector env's "
                    + "number of rows, 1 or more (VectorEnv.numEnvs())");
        }
        return (row, k) -> {
            long episode = row + (long) k * rows;
            return new Ticket(episode, seed + episode);
        };
    }

    /**
     * A fixed number of episodes per task, spread over the rows of each task. {@code rowTasks[i]} is row i's task;
     * the rows of one task share its episodes 0 .. {@code episodesPerTask - 1} in turn (the j-th row of a task
     * with m rows runs j, j + m, ...), episode e of task t is reset with {@code seeds.seed(t, e)}, and an episode
     * for which {@code skip} holds is passed over (already done). Episode numbers are {@code t * episodesPerTask + e}.
     * No episodes per task leaves every row idle (nothing to run, as when {@code skip} holds for every episode);
     * fewer is a {@link TdmpcException}.
     */
    static EpisodeSchedule perTask(int[] rowTasks, int episodesPerTask, TaskSeeds seeds, Skip skip) {
        if (rowTasks == null || seeds == null || skip == null) {
            throw new TdmpcException("EpisodeSchedule.perTask was given " + (rowTasks == null
                    ? "null: the rows' tasks are null; pass each row's task index (MultitaskEnv.tasks())"
                    : seeds == null ? "null: the episode seeds are null; pass (task, episode) -> the episode's seed"
                    : "a null skip: pass EpisodeSchedule.Skip.NONE to run every episode"));
        }
        if (episodesPerTask < 0) {
            throw new TdmpcException("EpisodeSchedule.perTask was given " + episodesPerTask + " episodes per task: "
                    + "pass how many episodes each task runs, 0 or more");
        }
        for (int i = 0; i < rowTasks.length; i++) {
            if (rowTasks[i] < 0) {
                throw new TdmpcException("EpisodeSchedule.perTask was given task " + rowTasks[i] + " for row " + i
                        + ": pass each row's task index, 0 or more (MultitaskEnv.tasks())");
            }
        }
        int[] rowsOfTask = new int[Arrays.stream(rowTasks).max().orElse(-1) + 1];
        int[] place = new int[rowTasks.length];
        for (int i = 0; i < rowTasks.length; i++) {
            place[i] = rowsOfTask[rowTasks[i]]++;
        }
        long[] cursor = new long[rowTasks.length];
        return (row, k) -> {
            int t = rowTasks[row];
            long e = k == 0 ? place[row] : cursor[row] + rowsOfTask[t];
            while (e < episodesPerTask && skip.done(t, (int) e)) {
                e += rowsOfTask[t];
            }
            cursor[row] = e;
            return e < episodesPerTask ? new Ticket((long) t * episodesPerTask + e, seeds.seed(t, (int) e)) : null;
        };
    }

    /** The seed of episode {@code episode} of task {@code task}. */
    @FunctionalInterface
    interface TaskSeeds {
        long seed(int task, int episode);
    }

    /** Whether episode {@code episode} of task {@code task} is already done. */
    @FunctionalInterface
    interface Skip {
        boolean done(int task, int episode);

        Skip NONE = (task, episode) -> false;
    }
}
