package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.EnvUnavailableException;
import io.github.tdmpc2j.spi.InvalidEnvOutputException;
import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.ResetResult;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.SuccessMetric;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.wrappers.EnvChecker;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Runs one episode of a task with random actions in [-1, 1] (the registry's wrapping rescales them to the task's
 * bounds, {@link EnvRegistry#wrap}, and refuses unbounded ones when the env is made) and checks what an agent relies
 * on: observations have the declared size, are finite and stay in the observation box; rewards are
 * finite; the episode ends by the declared length; the same seed and the same first actions give the same first
 * steps ({@link #REPLAYED} of them), the start of the same episode; a task scored by success gives the flag; only
 * an episodic task terminates.
 */
final class TaskChecker {
    enum Status { PASS, FAIL, UNAVAILABLE }

    record Result(Status status, String id, String detail) {
        String line() {
            return String.format("%-11s %-40s %s", status, id, detail);
        }
    }

    /** How many first steps of the episode are run again from the same seed with the same actions. */
    static final int REPLAYED = 10;
    private static final String SAME_EPISODE = ": the same seed and actions must give the same episode (draw every "
            + "random number of the env, in its steps too, from a generator seeded in reset(seed))";

    private final EnvRegistry registry;
    private final long seed;

    TaskChecker(EnvRegistry registry, long seed) {
        this.registry = registry;
        this.seed = seed;
    }

    Result check(String name) {
        TaskSpec spec;
        try {
            spec = registry.resolve(name);
        } catch (EnvUnavailableException e) { // a plug-in that describes tasks it does not list may need its suite
            return new Result(Status.UNAVAILABLE, name, e.getMessage());
        } catch (TdmpcException e) {
            return new Result(Status.FAIL, name, e.getMessage());
        }
        long start = System.nanoTime();
        try (Env env = registry.make(spec.id())) {
            TaskSpec seen = env.spec();
            ResetResult first;
            try {
                first = env.reset(seed);
            } catch (TdmpcException e) {
                throw e.addContext("reset(" + seed + ")");
            }
            String bad = badObservation(seen, first.observation(), 0, "reset");
            if (bad != null) {
                return fail(spec, "reset: " + bad);
            }
            SplittableRandom rng = new SplittableRandom(seed);
            double episodeReturn = 0;
            int steps = 0;
            StepResult r;
            boolean flagged = false;
            java.util.List<float[]> actionsGiven = new java.util.ArrayList<>();
            java.util.List<StepResult> firstSteps = new java.util.ArrayList<>();
            do {
                float[] a = new float[seen.actionSize()];
                for (int i = 0; i < a.length; i++) {
                    a[i] = (float) rng.nextDouble(-1, 1);
                }
                try {
                    r = env.step(a);
                } catch (TdmpcException e) { // a NaN, a plug-in's fault: which step of which episode, to reproduce it
                    throw e.addContext("step " + (steps + 1) + " after reset(" + seed + ")");
                }
                steps++;
                if (steps <= REPLAYED) {
                    actionsGiven.add(a);
                    firstSteps.add(r);
                }
                flagged |= r.info().containsKey(StepResult.SUCCESS);
                bad = badObservation(seen, r.observation(), r.reward(), "step " + steps);
                if (bad != null) {
                    return fail(spec, "step " + steps + ": " + bad);
                }
                episodeReturn += r.reward();
            } while (!r.done() && steps <= seen.maxEpisodeSteps());
            if (!r.done()) {
                return fail(spec, "episode did not end within " + Messages.plural(seen.maxEpisodeSteps(), "step"));
            }
            if (r.terminated() && !seen.episodic()) {
                return fail(spec, "the episode terminated at step " + steps + ", but the task is listed as one that "
                        + "ends by its time limit only (episodic false): list it with episodic true (TD-MPC2 then "
                        + "learns to foresee its end), or end its episodes by the time limit only");
            }
            if (seen.successMetric() == SuccessMetric.SUCCESS && !flagged) {
                return fail(spec, "the task is scored by success (SuccessMetric.SUCCESS), but no step of its episode "
                        + "put \"" + StepResult.SUCCESS + "\" in its info, so the success rate it is scored by is never measured (eval's SUCCESS column shows -): "
                        + "put the flag (a Boolean) in every step's info, or list the task with SuccessMetric.RETURN");
            }
            if (!r.terminated() && steps != seen.maxEpisodeSteps()) {
                return fail(spec, "truncated after " + Messages.plural(steps, "step") + " but the spec says "
                        + seen.maxEpisodeSteps());
            }
            float[] again = env.reset(seed).observation();
            if (!Arrays.equals(again, first.observation())) {
                return fail(spec, "reset(" + seed + ") twice gave different observations" + SAME_EPISODE);
            }
            for (int i = 0; i < firstSteps.size(); i++) {
                StepResult once = firstSteps.get(i);
                StepResult twice = env.step(actionsGiven.get(i));
                if (!Arrays.equals(twice.observation(), once.observation()) || twice.reward() != once.reward()
                        || twice.terminated() != once.terminated() || twice.truncated() != once.truncated()) {
                    return fail(spec, "step " + (i + 1) + " after reset(" + seed + ") gave another "
                            + (Arrays.equals(twice.observation(), once.observation()) ? twice.reward() != once.reward()
                                    ? "reward (" + twice.reward() + ", before " + once.reward() + ")" : "end"
                                    : "observation") + " the second time, with the same actions" + SAME_EPISODE);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Result(Status.PASS, spec.id(), String.format(
                    "obs %d act %d  %s  return %.1f  %.2fs (%.0f steps/s)", seen.observationSize(),
                    seen.actionSize(), Messages.plural(steps, "step"), episodeReturn, seconds, steps / seconds));
        } catch (EnvUnavailableException e) {
            return new Result(Status.UNAVAILABLE, spec.id(), e.getMessage());
        } catch (InvalidEnvOutputException e) {
            return fail(spec, e.getMessage());
        } catch (RuntimeException e) {
            return fail(spec, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static Result fail(TaskSpec spec, String why) {
        return new Result(Status.FAIL, spec.id(), why);
    }

    /** What is wrong with a result, if anything; NaN or infinity throws {@link InvalidEnvOutputException}. */
    private static String badObservation(TaskSpec spec, float[] obs, double reward, String when) {
        if (obs == null || obs.length != spec.observationSize()) {
            return "observation has " + (obs == null ? "no entries" : Messages.plural(obs.length, "entry", "entries"))
                    + ", spec says "
                    + spec.observationSize();
        }
        EnvChecker.checkOutput(spec, obs, reward, () -> when);
        if (!spec.observationSpace().contains(obs)) {
            return "observation " + Arrays.toString(obs) + " is outside " + spec.observationSpace();
        }
        return null;
    }
}
