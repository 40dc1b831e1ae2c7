package io.github.tdmpc2j.spi.agent;

/**
 * A whole episode in the agent's space: {@code T+1} observations (the first from reset), {@code T} actions and
 * rewards, whether the last step terminated the task, and per-step success flags (all false where the task
 * has none).
 */
public record Episode(int task, float[][] observations, float[][] actions, float[] rewards, boolean terminated,
        boolean[] success) {
    public Episode {
        if (observations.length != actions.length + 1 || rewards.length != actions.length
                || success.length != actions.length) {
            throw new IllegalArgumentException("an episode of " + actions.length + " steps needs "
                    + (actions.length + 1) + " observations and " + actions.length + " rewards and success flags");
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
