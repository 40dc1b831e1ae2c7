package io.github.tdmpc2j.data;

/**
 * A task of a dataset as the index file records it.
 *
 * @param index            the task's index, as stored in each episode's {@code task} array
 * @param observationSize  the task's own observation size (observations are zero-padded beyond it)
 * @param actionSize       the task's own action size (the action mask is 1 on its first entries)
 */
public record DatasetTask(int index, String id, int observationSize, int actionSize, int episodeLength,
        int actionRepeat) {
}
