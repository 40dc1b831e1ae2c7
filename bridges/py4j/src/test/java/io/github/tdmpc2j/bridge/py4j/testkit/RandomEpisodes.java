package io.github.tdmpc2j.bridge.py4j.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.StepResult;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded episodes of random actions on one env, as the plug-ins' tests play them against the real suites to check
 * the env step by step (the workflows' episodes run on the spi's {@code Rollout} engine instead).
 */
public final class RandomEpisodes {
    private RandomEpisodes() {
    }

    /** One episode: the observation {@code reset} gave, and each step's result in order. */
    public record Trajectory(float[] start, List<StepResult> steps) {
        public StepResult last() {
            return steps.get(steps.size() - 1);
        }

        public int length() {
            return steps.size();
        }

        public float[][] observations() {
            return steps.stream().map(StepResult::observation).toArray(float[][]::new);
        }

        public double totalReward() {
            return steps.stream().mapToDouble(StepResult::reward).sum();
        }

        /** Checks that the episode ran its whole limit of {@code limit} steps and was truncated, not terminated. */
        public Trajectory assertRanToItsLimit(int limit) {
            assertThat(length()).as("the episode runs on until step %d", limit).isEqualTo(limit);
            assertThat(last().truncated()).as("truncated at the limit").isTrue();
            assertThat(last().terminated()).as("not terminated").isFalse();
            return this;
        }

        /**
         * Checks that every step's info carries the suite's {@link StepResult#SUCCESS} flag, as the suite gave it: a
         * Boolean or a number 0 or 1 ({@link StepResult#success()} reads it; anything else it refuses).
         */
        public Trajectory assertSuccessFlagged() {
            for (int t = 0; t < length(); t++) {
                assertThat(steps.get(t).success()).as("success at step %d", t + 1).isPresent();
            }
            return this;
        }
    }

    /** An action of {@code size} values drawn uniformly from [-1, 1). */
    public static float[] randomAction(SplittableRandom rng, int size) {
        float[] action = new float[size];
        for (int i = 0; i < action.length; i++) {
            action[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return action;
    }

    /** {@link #play(Env, long, SplittableRandom, int)} with the actions drawn from a generator of {@code seed}. */
    public static Trajectory play(Env env, long seed, int maxSteps) {
        return play(env, seed, new SplittableRandom(seed), maxSteps);
    }

    /**
     * Resets {@code env} with {@code seed} and steps it with random actions from {@code rng} until the episode ends
     * or {@code maxSteps} steps are taken. Checks that each observation has the spec's size and finite values and that
     * each reward is finite.
     */
    public static Trajectory play(Env env, long seed, SplittableRandom rng, int maxSteps) {
        int observationSize = env.spec().observationSize();
        float[] start = env.reset(seed).observation();
        assertThat(start).hasSize(observationSize);
        List<StepResult> steps = new ArrayList<>();
        StepResult r;
        do {
            r = env.step(randomAction(rng, env.spec().actionSize()));
            steps.add(r);
            int t = steps.size();
            assertThat(r.observation()).as("%s observation at step %d", env.spec().id(), t).hasSize(observationSize);
            for (float x : r.observation()) {
                assertThat(Float.isFinite(x)).as("%s observation at step %d is finite", env.spec().id(), t).isTrue();
            }
            assertThat(Double.isFinite(r.reward())).as("%s reward at step %d is finite", env.spec().id(), t).isTrue();
        } while (!r.done() && steps.size() < maxSteps);
        return new Trajectory(start, steps);
    }

    /**
     * Resets {@code env} with {@code seed} twice and checks it starts the same; if {@code anotherSeedMovesTheStart},
     * also that {@code seed + 1} starts elsewhere. Returns the start.
     */
    public static float[] assertSeededStart(Env env, long seed, boolean anotherSeedMovesTheStart) {
        float[] first = env.reset(seed).observation();
        assertThat(first).hasSize(env.spec().observationSize());
        assertThat(env.reset(seed).observation()).as("same seed, same start").containsExactly(first);
        if (anotherSeedMovesTheStart) {
            assertThat(env.reset(seed + 1).observation()).as("another seed, another start").isNotEqualTo(first);
        }
        return first;
    }
}
