package io.github.tdmpc2j.spi.wrappers;

import io.github.tdmpc2j.spi.StepResult;
import java.util.HashMap;
import java.util.Map;

/**
 * What {@link RecordEpisodeStatistics} puts in the info of an episode's last step, under {@code "episode"}.
 *
 * @param success null where the task has no success flag, else whether any step of the episode succeeded
 */
public record EpisodeStatistics(double episodeReturn, int length, double seconds, Boolean success) {
    public static final String INFO_KEY = "episode";

    /** Sums one env's episode as it runs; what {@link RecordEpisodeStatistics} and batched envs both use. */
    public static final class Recorder {
        private double episodeReturn;
        private int length;
        private long startNanos;
        private Boolean success;
        private final String task;

        /** @param task the task's id, for the message of a success value that is no flag */
        public Recorder(String task) {
            this.task = task;
        }

        /** Starts a new episode (call on reset). */
        public void start() {
            episodeReturn = 0;
            length = 0;
            success = null;
            startNanos = System.nanoTime();
        }

        /** Counts one step; returns it, with the episode's statistics in its info when the step ends it. */
        public StepResult record(StepResult r) {
            episodeReturn += r.reward();
            length++;
            java.util.Optional<Boolean> flag = StepResult.success(r.info(), task);
            if (flag.isPresent()) {
                success = (success != null && success) || flag.get();
            }
            if (!r.done()) {
                return r;
            }
            Map<String, Object> info = new HashMap<>(r.info());
            info.put(INFO_KEY, new EpisodeStatistics(episodeReturn, length, (System.nanoTime() - startNanos) / 1e9,
                    success));
            return r.withInfo(info);
        }
    }
}
