package io.github.tdmpc2j.spi.agent;

import io.github.tdmpc2j.spi.TdmpcException;

/**
 * A whole episode in the agent's space: {@code T+1} observations (the first from reset), {@code T} actions and
 * rewards, whether the last step terminated the task, and per-step success flags (all false where the task
 * has none).
 */
public record Episode(int task, float[][] observations, float[][] actions, float[] rewards, boolean terminated,
        boolean[] success) {
    public Episode {
        if (observations == null || actions == null || rewards == null || success == null) {
            throw new TdmpcException("an episode needs its observations, actions, rewards and success flags, but its "
                    + (observations == null ? "observations are" : actions == null ? "actions are"
                    : rewards == null ? "rewards are" : "success flags are") + " null: pass each (new boolean[T] for "
                    + "a task with no success flag)");
        }
        if (observations.length != actions.length + 1 || rewards.length != actions.length
                || success.length != actions.length) {
            throw new TdmpcException("an episode of " + actions.length + " steps needs " + (actions.length + 1)
                    + " observations and " + actions.length + " rewards and success flags, got "
                    + observations.length + ", " + rewards.length + " and " + success.length + ": pass the first "
                    + "observation (from reset) and one of each per step");
        }
    }

    public int length() {
        return actions.length;
    }

    public double episodeReturn() {
        double sum = 0;
        for (float r : rewards) {
            sum += r;
        }
        return sum;
    }
}
