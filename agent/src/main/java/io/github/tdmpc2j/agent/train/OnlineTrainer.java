package io.github.tdmpc2j.agent.train;

import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.ResetResult;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.agent.Transition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Online training of any {@link Agent} on one env (wrapped as {@code EnvRegistry.make} wraps it): runs agent
 * steps, lets the agent learn from each, and evaluates the agent with {@code eval=true} on a separate env over
 * {@code evalEpisodes} episodes at the first episode end after every {@code evalEvery} steps (a training episode
 * is never cut by an evaluation, as in the reference) and after the last step. Reports go to a {@link Listener}.
 */
public final class OnlineTrainer {
    /** A finished training episode. */
    public record Episode(long step, int index, double episodeReturn, int length, Optional<Boolean> success,
            Map<String, Double> lastMetrics) {
    }

    /** An evaluation: the return of each episode, and their mean. */
    public record Evaluation(long step, List<Double> returns, double meanReturn, double successRate) {
    }

    /** Receives progress; every method has an empty default. */
    public interface Listener {
        default void onEpisode(Episode episode) {
        }

        default void onEvaluation(Evaluation evaluation) {
        }
    }

    /**
     * @param steps        agent steps to train for
     * @param evalEvery    evaluate at the first episode end after every this many steps (0: only at the end)
     * @param evalEpisodes episodes per evaluation
     * @param seed         first episode seed; episode i uses seed + i (evaluation: seed + 1e6 + i)
     */
    public record Settings(long steps, long evalEvery, int evalEpisodes, long seed) {
        public Settings {
            if (steps <= 0 || evalEvery < 0 || evalEpisodes <= 0) {
                throw new IllegalArgumentException("need steps > 0, evalEvery >= 0, evalEpisodes > 0");
            }
        }
    }

    private final Env env;
    private final Env evalEnv;
    private final Agent agent;
    private final int task;

    /** {@code task} is the index the agent knows the env's task by (0 for a single-task agent). */
    public OnlineTrainer(Env env, Env evalEnv, Agent agent, int task) {
        this.env = env;
        this.evalEnv = evalEnv;
        this.agent = agent;
        this.task = task;
    }

    /** Trains; returns every evaluation made (the last one after the final step). */
    public List<Evaluation> run(Settings settings, Listener listener) {
        List<Evaluation> evaluations = new ArrayList<>();
        int episode = 0;
        float[] obs = env.reset(settings.seed()).observation();
        agent.beginEpisode(task);
        double ret = 0;
        int length = 0;
        Map<String, Double> metrics = Map.of();
        boolean evalDue = false;
        for (long step = 1; step <= settings.steps(); step++) {
            float[] action = agent.act(obs, task, false);
            StepResult r = env.step(action);
            Map<String, Double> m = agent.observe(new Transition(task, obs, action, r.reward(), r.observation(),
                    r.terminated(), r.truncated()));
            if (!m.isEmpty()) {
                metrics = m;
            }
            ret += r.reward();
            length++;
            obs = r.observation();
            if (settings.evalEvery() > 0 && step % settings.evalEvery() == 0) {
                evalDue = true;
            }
            if (r.done()) {
                listener.onEpisode(new Episode(step, episode, ret, length, r.success(), metrics));
            }
            if (step == settings.steps() || (r.done() && evalDue)) {
                // as the reference: evaluations wait for the training episode to end, and one ends the run
                Evaluation e = evaluate(step, settings.evalEpisodes(), settings.seed() + 1_000_000L);
                evaluations.add(e);
                listener.onEvaluation(e);
                evalDue = false;
            }
            if (r.done() && step < settings.steps()) {
                episode++;
                ret = 0;
                length = 0;
                obs = env.reset(settings.seed() + episode).observation();
                agent.beginEpisode(task);
            }
        }
        return evaluations;
    }

    /** Runs {@code episodes} episodes with {@code eval=true}, learning nothing. */
    public Evaluation evaluate(long step, int episodes, long seed) {
        List<Double> returns = new ArrayList<>();
        int successes = 0;
        for (int i = 0; i < episodes; i++) {
            ResetResult reset = evalEnv.reset(seed + i);
            float[] obs = reset.observation();
            agent.beginEpisode(task);
            double ret = 0;
            boolean success = false;
            while (true) {
                StepResult r = evalEnv.step(agent.act(obs, task, true));
                ret += r.reward();
                success |= r.success().orElse(false);
                obs = r.observation();
                if (r.done()) {
                    break;
                }
            }
            returns.add(ret);
            successes += success ? 1 : 0;
        }
        double mean = returns.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        return new Evaluation(step, List.copyOf(returns), mean, successes / (double) episodes);
    }
}
