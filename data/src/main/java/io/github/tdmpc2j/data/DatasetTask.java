package io.github.tdmpc2j.data;

/**
 * A task of a dataset as the index file records it.
 *
 * @param index            the task's index, as stored in each episode's {@code task} array
 * @param observationSize  the task's own observation size (observations are zero-padded beyond it)
 * @param actionSize       the task's own action size (the action mask is 1 on its first entries)
 * @param revision         the task's revision its episodes were collected on
 *                         ({@link io.github.tdmpc2j.spi.TaskSpec#revision}); null in an index written before
 *                         revisions were recorded (version 2 and before)
 */
public record DatasetTask(int index, String id, int observationSize, int actionSize, int episodeLength,
        int actionRepeat, Integer revision) {

    /** Whether {@code other} is this task with the same sizes and episodes, whatever the revisions recorded. */
    public boolean sameShape(DatasetTask other) {
        return index == other.index && id.equals(other.id) && observationSize == other.observationSize
                && actionSize == other.actionSize && episodeLength == other.episodeLength
                && actionRepeat == other.actionRepeat;
    }
}
