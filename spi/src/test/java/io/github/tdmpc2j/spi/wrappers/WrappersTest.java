package io.github.tdmpc2j.spi.wrappers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.EnvStateException;
import io.github.tdmpc2j.spi.InvalidActionException;
import io.github.tdmpc2j.spi.LineEnv;
import io.github.tdmpc2j.spi.PluginException;
import io.github.tdmpc2j.spi.ResetResult;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.TaskSpec;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WrappersTest {
    private static LineEnv line(float low, float high, double goal) {
        return new LineEnv(LineEnv.spec("line/go", 2, 1, low, high, 1000, 1), goal);
    }

    @Test
    void timeLimitTruncatesAfterMaxStepsAndResetsTheCount() {
        TimeLimit env = new TimeLimit(line(-1, 1, 1e9), 3);
        env.reset(0);
        assertThat(env.step(new float[] {0}).truncated()).isFalse();
        assertThat(env.step(new float[] {0}).truncated()).isFalse();
        StepResult last = env.step(new float[] {0});
        assertThat(last.truncated()).isTrue();
        assertThat(last.terminated()).isFalse();
        env.reset(0);
        assertThat(env.elapsedSteps()).isZero();
        assertThat(env.step(new float[] {0}).truncated()).isFalse();
    }

    @Test
    void timeLimitKeepsATerminationOnTheLastStep() {
        TimeLimit env = new TimeLimit(line(-1, 1, 1), 1);
        env.reset(0);
        StepResult r = env.step(new float[] {1});
        assertThat(r.terminated()).isTrue();
        assertThat(r.truncated()).isTrue();
    }

    @Test
    void actionRepeatSumsRewardsAndStopsAtTermination() {
        LineEnv inner = line(-1, 1, 2.5);
        ActionRepeat env = new ActionRepeat(inner, 4);
        env.reset(0); // position 0
        StepResult r = env.step(new float[] {1}); // positions 1, 2, 3 -> terminates at the third repeat
        assertThat(inner.received).hasSize(3);
        assertThat(r.reward()).isCloseTo(1 + 2 + 3, within(1e-9));
        assertThat(r.terminated()).isTrue();
        assertThat(r.observation()[0]).isEqualTo(3f);
    }

    @Test
    void rescaleMapsMinusOneToOneOntoTheInnerBounds() {
        LineEnv inner = line(0, 10, 1e9);
        RescaleAction env = new RescaleAction(inner);
        assertThat(env.spec().actionSpace().hasBounds(-1, 1)).isTrue();
        env.reset(0);
        env.step(new float[] {-1});
        env.step(new float[] {0});
        env.step(new float[] {1});
        assertThat(inner.received.get(0)[0]).isEqualTo(0f);
        assertThat(inner.received.get(1)[0]).isEqualTo(5f);
        assertThat(inner.received.get(2)[0]).isEqualTo(10f);
    }

    @Test
    void theStandardWrappingMapsActionsOntoBoundsAtTheEndsOfTheFloatRangeWithoutOverflow() {
        LineEnv inner = line(-Float.MAX_VALUE, Float.MAX_VALUE, Double.POSITIVE_INFINITY);
        try (var env = EnvRegistry.wrap(inner)) {
            env.reset(0);
            for (float a : new float[] {-1, 3, 0, 0.5f, -1}) {
                env.step(new float[] {a});
            }
        }
        // the width of these bounds overflows a float: float arithmetic sent Infinity for 0 and NaN for -1
        assertThat(inner.received).extracting(a -> a[0])
                .containsExactly(-Float.MAX_VALUE, Float.MAX_VALUE, 0f, Float.MAX_VALUE / 2, -Float.MAX_VALUE);
    }

    /** A wrapper a plug-in puts around its env with settings no env can run is the plug-in's typed defect. */
    @Test
    void wrappersRefuseImpossibleSettingsWithAPluginExceptionNamingTheTask() {
        LineEnv inner = line(-1, 1, 1);
        assertThatThrownBy(() -> new TimeLimit(inner, 0)).isInstanceOf(PluginException.class)
                .hasMessage("a time limit of 0 steps on line/go: give it 1 or more");
        assertThatThrownBy(() -> new ActionRepeat(inner, -1)).isInstanceOf(PluginException.class)
                .hasMessage("an action repeat of -1 on line/go: give it 1 or more");
        assertThatThrownBy(() -> new RescaleAction(inner, 1f, 1f)).isInstanceOf(PluginException.class)
                .hasMessage("cannot rescale the actions of line/go from [1.0, 1.0]: give finite bounds, the low below "
                        + "the high");
        LineEnv open = new LineEnv(LineEnv.spec("line/go", 2, 1, Float.NEGATIVE_INFINITY, 1, 10, 1), 1);
        assertThatThrownBy(() -> new RescaleAction(open)).isInstanceOf(PluginException.class)
                .hasMessageStartingWith("line/go has the unbounded action space Box(-Infinity, 1.0, [1]): action "
                        + "entry 0 lies in [-Infinity, 1.0]; ")
                .hasMessageContaining("the plug-in must give finite ones");
        assertThatThrownBy(() -> new ClipAction(null)).isInstanceOf(PluginException.class)
                .hasMessage("ClipAction needs an env to wrap, got null");
    }

    @Test
    void clipKeepsActionsInsideTheBounds() {
        LineEnv inner = line(-0.5f, 0.5f, 1e9);
        ClipAction env = new ClipAction(inner);
        env.reset(0);
        env.step(new float[] {3});
        env.step(new float[] {-3});
        env.step(new float[] {0.25f});
        assertThat(inner.received.get(0)[0]).isEqualTo(0.5f);
        assertThat(inner.received.get(1)[0]).isEqualTo(-0.5f);
        assertThat(inner.received.get(2)[0]).isEqualTo(0.25f);
    }

    @Test
    void episodeStatisticsArriveOnTheLastStep() {
        RecordEpisodeStatistics env = new RecordEpisodeStatistics(new TimeLimit(line(-1, 1, 1e9), 3));
        env.reset(0);
        assertThat(env.step(new float[] {1}).info()).doesNotContainKey(EpisodeStatistics.INFO_KEY);
        env.step(new float[] {1});
        StepResult last = env.step(new float[] {1});
        EpisodeStatistics stats = (EpisodeStatistics) last.info().get(EpisodeStatistics.INFO_KEY);
        assertThat(stats.length()).isEqualTo(3);
        assertThat(stats.episodeReturn()).isCloseTo(1 + 2 + 3, within(1e-9));
        assertThat(stats.success()).isFalse();
    }

    /** An env of 3 steps whose success flag at step k (from 1) is {@code flags[k - 1]}; reward 1 a step. */
    private static Env flagging(boolean... flags) {
        LineEnv line = line(-1, 1, 1e9);
        return new TimeLimit(new EnvWrapper(line) {
            private int step;

            @Override
            public ResetResult reset(long seed) {
                step = 0;
                return line.reset(seed);
            }

            @Override
            public StepResult step(float[] action) {
                StepResult r = line.step(action);
                return new StepResult(r.observation(), 1, false, false, Map.of(StepResult.SUCCESS, flags[step++]));
            }
        }, flags.length);
    }

    /**
     * An episode's success in its statistics is the flag of its last step, as evaluation scores it (Rollout) and as
     * the TD-MPC2 reference does: a MyoSuite obj-hold-hard episode of random actions is "solved" for a few steps at
     * its start and no more, a failure in eval's success rate, and its statistics said it succeeded.
     */
    @Test
    void episodeSuccessIsTheLastStepsFlag() {
        for (boolean[] flags : new boolean[][] {{false, true, false}, {true, false, false}, {false, false, true},
                {true, true, true}}) {
            RecordEpisodeStatistics env = new RecordEpisodeStatistics(flagging(flags));
            env.reset(0);
            StepResult r = null;
            while (r == null || !r.done()) {
                r = env.step(new float[] {0});
            }
            EpisodeStatistics stats = (EpisodeStatistics) r.info().get(EpisodeStatistics.INFO_KEY);
            assertThat(stats.success()).as(java.util.Arrays.toString(flags)).isEqualTo(flags[flags.length - 1])
                    .isEqualTo(r.success().orElseThrow());
        }
    }

    @Test
    void checkerRejectsMisuseWithTypedExceptions() {
        LineEnv inner = line(-1, 1, 1);
        EnvChecker env = new EnvChecker(inner);
        assertThatThrownBy(() -> env.step(new float[] {0}))
                .isInstanceOf(EnvStateException.class).hasMessageContaining("before reset");
        env.reset(0);
        assertThatThrownBy(() -> env.step(new float[] {0, 0}))
                .isInstanceOf(InvalidActionException.class).hasMessageContaining("2 entries").hasMessageContaining("takes 1");
        assertThatThrownBy(() -> env.step(new float[] {Float.NaN}))
                .isInstanceOf(InvalidActionException.class).hasMessageContaining("NaN");
        assertThatThrownBy(() -> env.step(new float[] {Float.POSITIVE_INFINITY}))
                .isInstanceOf(InvalidActionException.class).hasMessageContaining("finite");
        assertThatThrownBy(() -> env.step(null)).isInstanceOf(InvalidActionException.class);
        assertThat(inner.received).isEmpty();
        assertThat(env.step(new float[] {1}).terminated()).isTrue();
        assertThatThrownBy(() -> env.step(new float[] {0}))
                .isInstanceOf(EnvStateException.class).hasMessageContaining("ended");
        env.reset(1);
        env.step(new float[] {0});
        env.close();
        assertThat(inner.closed).isTrue();
        assertThatThrownBy(() -> env.reset(0)).isInstanceOf(EnvStateException.class).hasMessageContaining("closed");
        env.close();
    }

    @Test
    void standardStackAppliesRepeatLimitAndRescale() {
        LineEnv inner = new LineEnv(LineEnv.spec("line/go", 1, 1, 0, 2, 5, 2), 1e9);
        var env = EnvRegistry.wrap(inner);
        env.reset(0);
        StepResult r = null;
        int agentSteps = 0;
        while (r == null || !r.done()) {
            r = env.step(new float[] {1}); // rescaled to 2, repeated twice
            agentSteps++;
        }
        assertThat(agentSteps).isEqualTo(5);
        assertThat(inner.received).hasSize(10);
        assertThat(inner.received.get(0)[0]).isEqualTo(2f);
        assertThat(r.truncated()).isTrue();
        assertThat(r.info()).containsKey(EpisodeStatistics.INFO_KEY);
    }
}
