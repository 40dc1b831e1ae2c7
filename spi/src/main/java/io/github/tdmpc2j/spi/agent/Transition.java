package io.github.tdmpc2j.spi.agent;

/**
 * One agent step as an agent learns from it. Observations and actions are in the agent's space (zero-padded
 * and full-size in the multitask case).
 */
public record Transition(int task, float[] observation, float[] action, double reward, float[] nextObservation,
        boolean terminated, boolean truncated) {
    public boolean done() {
        return terminated || truncated;
    }
}
