package io.github.tdmpc2j.spi.wrappers;

import io.github.tdmpc2j.spi.StepResult;
import java.util.HashMap;
import java.util.Map;

/**
 * What {@link RecordEpisodeStatistics} puts in the info of an episode's last step, under {@code "episode"}.
 *
 * @param success null where the task has no success flag, else the flag of the episode's last step: an episode's
 *                success as evaluation scores it ({@code Rollout}) and as the TD-MPC2 reference does (a flag that
 *                was true at some earlier step and false at the end is no success)
 */
public record EpisodeStatistics(double episodeReturn, int length, double seconds, Boolean success) {
    public static final String INFO_KEY = "episode";

    /** Sums one env's episode as it runs; what {@link RecordEpisodeStatistics} and batched envs both use. */
    public static final class Recorder {
        private double episodeReturn;
        private int length;
        private long startNanos;
        private final String task;

        /** @param task the task's id, for the message of a success value that is no flag */
        public Recorder(String task) {
            this.task = task;
        }

        /** Starts a new episode (call on reset). */
        public void start() {
            episodeReturn = 0;
            length = 0;
            startNanos = System.nanoTime();
        }

        /** Counts one step; returns it, with the episode's statistics in its info when the step ends it. */
        public StepResult record(StepResult r) {
            episodeReturn += r.reward();
            length++;
            // every step's flag is read (a value that is no flag is refused where it happens); the last one counts
            Boolean flag = StepResult.success(r.info(), task).orElse(null);
            if (!r.done()) {
                return r;
            }
            Map<String, Object> info = new HashMap<>(r.info());
            info.put(INFO_KEY, new EpisodeStatistics(episodeReturn, length, (System.nanoTime() - startNanos) / 1e9,
                    flag));
            return r.withInfo(info);
        }
    }
}
