package io.github.tdmpc2j.spi.wrappers;

/**
 * What {@link RecordEpisodeStatistics} puts in the info of an episode's last step, under {@code "episode"}.
 *
 * @param success null where the task has no success flag, else whether any step of the episode succeeded
 */
public record EpisodeStatistics(double episodeReturn, int length, double seconds, Boolean success) {
    public static final String INFO_KEY = "episode";
}
