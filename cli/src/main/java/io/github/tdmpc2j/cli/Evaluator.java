package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.agent.Agent;

/**
 * Runs evaluation episodes of an agent on an env: no exploration, one seed per episode. Success is the last
 * step's flag, as the TD-MPC2 reference reports it.
 */
final class Evaluator {
    record Result(double meanReturn, double successRate, int episodes, boolean hasSuccess, double[] returns) {
    }

    private Evaluator() {
    }

    /**
     * @param pad   the agent's observation size (zero-padding for multitask agents); 0 for none
     * @param actionSize the agent's action size; the env takes the first {@code env.spec().actionSize()} entries
     */
    static Result run(Agent agent, Env env, int task, int episodes, long seed, int pad) {
        double[] returns = new double[episodes];
        int successes = 0;
        boolean hasSuccess = false;
        int own = env.spec().actionSize();
        for (int e = 0; e < episodes; e++) {
            float[] obs = padded(env.reset(seed + e).observation(), pad);
            agent.beginEpisode(task);
            double total = 0;
            StepResult r;
            do {
                float[] a = agent.act(obs, task, true);
                float[] action = a.length == own ? a : java.util.Arrays.copyOf(a, own);
                r = env.step(action);
                total += r.reward();
                obs = padded(r.observation(), pad);
            } while (!r.done());
            returns[e] = total;
            if (r.success().isPresent()) {
                hasSuccess = true;
                if (r.success().get()) {
                    successes++;
                }
            }
        }
        double mean = java.util.Arrays.stream(returns).average().orElse(Double.NaN);
        return new Result(mean, hasSuccess ? (double) successes / episodes : Double.NaN, episodes, hasSuccess, returns);
    }

    static float[] padded(float[] obs, int size) {
        if (size <= obs.length) {
            return obs;
        }
        return java.util.Arrays.copyOf(obs, size);
    }
}
