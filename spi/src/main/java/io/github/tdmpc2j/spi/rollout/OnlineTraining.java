package io.github.tdmpc2j.spi.rollout;

import io.github.tdmpc2j.spi.MultitaskEnv;
import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.vector.EpisodeSchedule;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Online training, as the TD-MPC2 reference's online trainer runs it, on N rows at once: act on every training
 * row, step, let the agent learn; evaluate at the start, at the first episode end after each multiple of
 * {@code evalFreq} steps has passed, and at the end. A run ends after exactly {@code steps} agent steps (the last
 * vector step steps only the rows left in the budget), or at the first episode end after the wall-time budget.
 * Everything a caller keeps (logs, curves, checkpoints, a progress bar) is a {@link Listener}.
 *
 * <p>Seeds: the training rows run {@link EpisodeSchedule#sequential} episodes from {@code trainSeed} (one row:
 * episode k is reset with {@code trainSeed + k}); evaluations run {@link Evaluation} with {@code evalSeed}. The
 * training seeds pass over the evaluation's ({@code evalSeed} to {@code evalSeed + evalEpisodes - 1}), so that an
 * evaluation never scores an episode the agent trained on.
 */
public final class OnlineTraining {
    /**
     * A run's settings, those of {@code tdmpc2j train}.
     *
     * @param steps            agent steps to train, all training rows together ({@code --steps})
     * @param evalFreq         agent steps between evaluations ({@code --eval-every}; each at the first episode end
     *                         after a multiple of it)
     * @param evalEpisodes     episodes per task of each evaluation ({@code --eval-episodes})
     * @param trainSeed        the first training episode's seed (see the class comment)
     * @param evalSeed         the first evaluation episode's seed ({@link Evaluation#run})
     * @param timeLimitSeconds wall-time budget; infinite for none
     */
    public record Settings(long steps, long evalFreq, int evalEpisodes, long trainSeed, long evalSeed,
            double timeLimitSeconds) {
        public Settings {
            if (steps <= 0 || evalFreq <= 0 || evalEpisodes <= 0) {
                throw new TdmpcException("steps, eval_freq and eval_episodes must be positive (got " + steps + ", "
                        + evalFreq + ", " + evalEpisodes + "): give each 1 or more");
            }
            if (!(timeLimitSeconds > 0)) {
                throw new TdmpcException("the time limit must be positive, got " + timeLimitSeconds + " s: give the "
                        + "seconds the run may take, or Double.POSITIVE_INFINITY for no limit");
            }
        }
    }

    /** Where a run stands: agent steps, finished training episodes, wall time spent (for a resumed run). */
    public record State(long step, long episodes, double seconds) {
        public static final State START = new State(0, 0, 0);
    }

    /** Receives the run as it happens; every method has an empty default. */
    public interface Listener {
        default void onStep(long step) {
        }

        /** A training episode ended; {@code index} counts the run's episodes from 1. */
        default void onEpisode(Rollout.Finished episode, long step, long index, double seconds,
                Map<String, Double> metrics) {
        }

        /** An evaluation at {@code step} took a step, and has done {@code status} so far ({@link Evaluation.Watch}). */
        default void onEvaluating(long step, Evaluation.Status status) {
        }

        /** An evaluation at {@code step}; {@code metrics}: the agent's last update metrics. */
        default void onEvaluation(long step, List<Evaluation.TaskResult> results, State state,
                Map<String, Double> metrics) {
        }

        default void onTimeLimit(long step) {
        }

        /** The run stopped on request ({@link #requestStop}) before step {@code step + 1}. */
        default void onStopped(long step) {
        }
    }

    private final MultitaskEnv train;
    private final MultitaskEnv eval;
    private final Agent agent;
    private final Settings settings;
    private volatile boolean stopRequested;

    public OnlineTraining(MultitaskEnv train, MultitaskEnv eval, Agent agent, Settings settings) {
        if (train == null || eval == null || agent == null || settings == null) {
            throw new TdmpcException(train == null ? "the training env is null: pass the MultitaskEnv of the rows to "
                    + "train on" : eval == null ? "the evaluation env is null: pass the MultitaskEnv of the rows to "
                    + "evaluate on (Evaluation.rows gives their task ids)" : agent == null ? "the agent is null: pass "
                    + "the agent to train" : "the settings are null: pass new OnlineTraining.Settings(steps, "
                    + "evalFreq, evalEpisodes, trainSeed, evalSeed, Double.POSITIVE_INFINITY)");
        }
        this.train = train;
        this.eval = eval;
        this.agent = agent;
        this.settings = settings;
    }

    /**
     * Asks a running {@link #run} to return before its next step (from any thread: a signal handler, say), with
     * no evaluation and nothing saved: the last checkpoint stays the one to resume from. An evaluation in progress
     * is given up before its next step, and the agent's updates in progress (the seed phase's catch-up, say)
     * before its next update ({@link Agent#interruptUpdates}).
     */
    public void requestStop() {
        stopRequested = true;
        agent.interruptUpdates();
    }

    /**
     * The seed of the run's training episode {@code index} (from 0, all rows together): {@code trainSeed + index},
     * passing over the evaluation's seeds ({@code evalEpisodes} from {@code evalSeed}) where the training seeds run
     * into them.
     */
    private static long trainingSeed(Settings settings, long index) {
        long first = settings.trainSeed();
        long seed = first + index;
        long evalFirst = settings.evalSeed();
        long evalEnd = evalFirst + settings.evalEpisodes();
        return seed >= evalFirst && first < evalEnd ? seed + evalEnd - Math.max(first, evalFirst) : seed;
    }

    /** Runs from the start (an evaluation first) to the end; returns where it ended. */
    public State run(Listener listener) {
        return run(State.START, false, listener);
    }

    /**
     * Goes on from {@code saved}, the state of a checkpoint saved with the evaluation at its step, to the end;
     * returns where it ended. That evaluation is not made again, also when {@code saved} is already at the run's
     * end (its steps or its wall-time budget): then nothing runs.
     */
    public State resume(State saved, Listener listener) {
        return run(saved, true, listener);
    }

    private State run(State from, boolean resumed, Listener listener) {
        if (from == null || listener == null) {
            throw new TdmpcException(from == null ? "the saved state is null: pass the state the checkpoint recorded, "
                    + "or run(listener) to start from the beginning" : "the listener is null: pass one (new "
                    + "OnlineTraining.Listener() {} to be told nothing)");
        }
        long step = from.step();
        long episodes = from.episodes();
        long start = System.nanoTime();
        Rollout rollout = new Rollout(train, agent, Rollout.Mode.TRAIN);
        EpisodeSchedule numbered = EpisodeSchedule.sequential(episodes, train.numEnvs()); // seed: the run's index
        rollout.start((row, k) -> {
            EpisodeSchedule.Ticket t = numbered.next(row, k);
            return new EpisodeSchedule.Ticket(t.episode(), trainingSeed(settings, t.seed()));
        });
        boolean evalDue = !resumed;
        boolean boundary = true;
        boolean outOfTime = false;
        Map<String, Double> metrics = Map.of();
        while (true) {
            double elapsed = from.seconds() + (System.nanoTime() - start) / 1e9;
            if (stopRequested) {
                listener.onStopped(step);
                return new State(step, episodes, elapsed);
            }
            if (boundary) {
                if (!outOfTime && elapsed >= settings.timeLimitSeconds() && step > 0) {
                    outOfTime = true;
                    evalDue = true;
                    listener.onTimeLimit(step);
                }
                if ((evalDue || step >= settings.steps()) && !(resumed && step == from.step())) {
                    long at = step;
                    Optional<List<Evaluation.TaskResult>> results = Evaluation.run(eval, agent,
                            settings.evalEpisodes(), settings.evalSeed(), () -> stopRequested,
                            status -> listener.onEvaluating(at, status));
                    if (results.isEmpty()) {
                        listener.onStopped(step);
                        return new State(step, episodes, elapsed);
                    }
                    listener.onEvaluation(step, results.get(), new State(step, episodes, elapsed), metrics);
                    evalDue = false;
                }
                if (step >= settings.steps() || outOfTime) {
                    return new State(step, episodes, from.seconds() + (System.nanoTime() - start) / 1e9);
                }
            }
            Rollout.Step s = rollout.step((int) Math.min(Integer.MAX_VALUE, settings.steps() - step));
            long before = step;
            step += s.stepped();
            if (step / settings.evalFreq() > before / settings.evalFreq()) {
                evalDue = true;
            }
            if (!s.metrics().isEmpty()) {
                metrics = s.metrics();
            }
            for (Rollout.Finished f : s.finished()) {
                episodes++;
                listener.onEpisode(f, step, episodes, from.seconds() + (System.nanoTime() - start) / 1e9, metrics);
            }
            // after the episodes that ended with this step, so that a progress line drawn here shows their returns
            if (s.stepped() > 0) {
                listener.onStep(step);
            }
            boundary = !s.finished().isEmpty() || step >= settings.steps();
        }
    }
}
