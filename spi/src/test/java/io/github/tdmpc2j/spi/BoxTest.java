package io.github.tdmpc2j.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BoxTest {
    @Test
    void containsChecksSizeBoundsAndNaN() {
        Box box = Box.of(new float[] {-1, 0}, new float[] {1, 2});
        assertThat(box.contains(new float[] {0, 2})).isTrue();
        assertThat(box.contains(new float[] {0, 2.01f})).isFalse();
        assertThat(box.contains(new float[] {-1.5f, 1})).isFalse();
        assertThat(box.contains(new float[] {Float.NaN, 1})).isFalse();
        assertThat(box.contains(new float[] {0})).isFalse();
        assertThat(box.contains(null)).isFalse();
    }

    @Test
    void samplesStayInsideBoundedBoxesAndAreFiniteInUnboundedOnes() {
        SplittableRandom rng = new SplittableRandom(1);
        Box bounded = Box.of(new float[] {-3, 5}, new float[] {-2, 5});
        Box half = new Box(new float[] {0, Float.NEGATIVE_INFINITY},
                new float[] {Float.POSITIVE_INFINITY, 0}, new int[] {2});
        Box open = Box.unbounded(4);
        for (int i = 0; i < 1000; i++) {
            assertThat(bounded.contains(bounded.sample(rng))).isTrue();
            assertThat(half.contains(half.sample(rng))).isTrue();
            float[] x = open.sample(rng);
            for (float v : x) {
                assertThat(Float.isFinite(v)).isTrue();
            }
        }
    }

    @Test
    void theFirstEntryWithAnInfiniteBoundIsTheUnboundedOne() {
        assertThat(Box.of(new float[] {-3, 5}, new float[] {-2, 5}).unboundedEntry()).isEqualTo(-1);
        assertThat(Box.of(1, -Float.MAX_VALUE, Float.MAX_VALUE).isBounded()).isTrue();
        Box half = Box.of(new float[] {-1, -1, Float.NEGATIVE_INFINITY}, new float[] {1, Float.POSITIVE_INFINITY, 1});
        assertThat(half.unboundedEntry()).isEqualTo(1);
        assertThat(half.isBounded()).isFalse();
        assertThat(Box.unbounded(4).unboundedEntry()).isZero();
    }

    @Test
    void samplesOfBoundsAtTheEndsOfTheFloatRangeSpreadOverThemInsteadOfOverflowing() {
        SplittableRandom rng = new SplittableRandom(1);
        Box widest = Box.of(1, -Float.MAX_VALUE, Float.MAX_VALUE);
        int below = 0;
        for (int i = 0; i < 200; i++) {
            float v = widest.sample(rng)[0];
            assertThat(Float.isFinite(v)).as("sample %d: %s", i, v).isTrue();
            below += v < 0 ? 1 : 0;
        }
        assertThat(below).as("samples below the middle of the bounds").isBetween(60, 140);
    }

    @Test
    void rescaleMapsTheMiddleOfTheWidestBoundsToTheirMiddle() {
        Box widest = Box.of(1, -Float.MAX_VALUE, Float.MAX_VALUE);
        assertThat(widest.rescale(0, -1f, -1f, 1f)).isEqualTo(-Float.MAX_VALUE);
        assertThat(widest.rescale(0, 0f, -1f, 1f)).isZero();
        assertThat(widest.rescale(0, 0.5f, -1f, 1f)).isEqualTo(Float.MAX_VALUE / 2);
        assertThat(widest.rescale(0, 1f, -1f, 1f)).isEqualTo(Float.MAX_VALUE);
        Box ordinary = Box.of(new float[] {0f, -2f}, new float[] {10f, 2f});
        assertThat(ordinary.rescale(0, 0f, -1f, 1f)).isEqualTo(5f);
        assertThat(ordinary.rescale(1, -0.5f, -1f, 1f)).isEqualTo(-1f);
    }

    /** A plug-in's inconsistent box is its defect, typed, with what to give instead. */
    @Test
    void rejectsInconsistentShapesAndBoundsWithAPluginException() {
        assertThatThrownBy(() -> new Box(new float[] {0, 0}, new float[] {1, 1}, new int[] {3}))
                .isInstanceOf(PluginException.class).hasMessage("a Box's shape [3] holds 3 values but its bounds "
                        + "have 2: give a shape whose product is the number of bounds");
        assertThatThrownBy(() -> Box.of(new float[] {1}, new float[] {0}))
                .isInstanceOf(PluginException.class).hasMessage("a Box's bounds at index 0 are [1.0, 0.0]: a bound "
                        + "is a number (no NaN; an unbounded entry is infinite) and a low is at most its high");
        assertThatThrownBy(() -> Box.of(1, 0f, Float.NaN)).isInstanceOf(PluginException.class)
                .hasMessageContaining("[0.0, NaN]");
        assertThatThrownBy(() -> Box.of(new float[] {0}, new float[] {1, 2}))
                .isInstanceOf(PluginException.class).hasMessage("a Box's low has 1 entry but its high has 2: give one "
                        + "low and one high bound per entry");
        assertThatThrownBy(() -> Box.of(-2, 0f, 1f)).isInstanceOf(PluginException.class)
                .hasMessage("a Box of -2 values: give 0 or more");
        assertThatThrownBy(() -> new Box(new float[] {0}, new float[] {1}, new int[] {-1, -1}))
                .isInstanceOf(PluginException.class).hasMessageContaining("the negative dimension -1");
        assertThatThrownBy(() -> new Box(new float[0], new float[0], new int[] {65536, 65536}))
                .isInstanceOf(PluginException.class).hasMessageContaining("holds more values than an array can");
        assertThatThrownBy(() -> Box.of(null, new float[] {1})).isInstanceOf(PluginException.class)
                .hasMessage("a Box needs its low, high and shape arrays, but low is null");
    }

    @Test
    void multiDimensionalShapeIsFlattened() {
        Box img = new Box(new float[6], new float[] {1, 1, 1, 1, 1, 1}, new int[] {2, 3});
        assertThat(img.size()).isEqualTo(6);
        assertThat(img.shape()).containsExactly(2, 3);
        assertThat(img).isEqualTo(new Box(new float[6], new float[] {1, 1, 1, 1, 1, 1}, new int[] {2, 3}));
        assertThat(img).isNotEqualTo(new Box(new float[6], new float[] {1, 1, 1, 1, 1, 1}, new int[] {6}));
    }

    @Test
    void taskSpecRejectsMalformedIds() {
        assertThatThrownBy(() -> LineEnv.spec("nodomain", 1, 1, -1, 1, 10, 1))
                .isInstanceOf(PluginException.class).hasMessageContaining("domain/task");
        assertThatThrownBy(() -> LineEnv.spec("a/b/c", 1, 1, -1, 1, 10, 1))
                .isInstanceOf(PluginException.class);
        TaskSpec line = LineEnv.spec("line/go", 1, 1, -1, 1, 10, 1);
        assertThatThrownBy(() -> new TaskSpec(null, List.of(), line.observationSpace(), line.actionSpace(), 10, 1,
                SuccessMetric.RETURN, false)).isInstanceOf(PluginException.class).hasMessageContaining("needs an id");
        assertThatThrownBy(() -> new TaskSpec("line/go", null, line.observationSpace(), line.actionSpace(), 10, 1,
                SuccessMetric.RETURN, false)).isInstanceOf(PluginException.class)
                .hasMessage("task line/go is missing its aliases (List.of() for none): give every part of its "
                        + "TaskSpec");
        assertThatThrownBy(() -> new TaskSpec("line/go", java.util.Arrays.asList("go", null),
                line.observationSpace(), line.actionSpace(), 10, 1, SuccessMetric.RETURN, false))
                .isInstanceOf(PluginException.class).hasMessageContaining("missing its aliases' entries (one is null)");
        assertThatThrownBy(() -> line.withActionSpace(null)).isInstanceOf(PluginException.class)
                .hasMessageContaining("missing its actionSpace");
        TaskSpec ok = LineEnv.spec("line/go", 1, 1, -1, 1, 10, 1);
        assertThat(ok.domain()).isEqualTo("line");
        assertThat(ok.name()).isEqualTo("go");
    }

    /**
     * An entry outside the box or a null generator is the caller's typed error. Before: low(5) of a box of 2 entries
     * was an ArrayIndexOutOfBoundsException 'Index 5 out of bounds for length 2' (high and rescale too), sample(null)
     * a NullPointerException.
     */
    @Test
    void anEntryOutsideTheBoxOrANullGeneratorIsATypedError() {
        Box box = Box.of(2, -1, 1);
        assertThatThrownBy(() -> box.low(5)).isInstanceOf(TdmpcException.class)
                .hasMessage("entry 5 is not one of the box's 2 entries (0 to 1): size() counts them");
        assertThatThrownBy(() -> box.high(-1)).isInstanceOf(TdmpcException.class)
                .hasMessageStartingWith("entry -1 is not one of the box's 2 entries");
        assertThatThrownBy(() -> box.rescale(2, 0, -1, 1)).isInstanceOf(TdmpcException.class)
                .hasMessageStartingWith("entry 2 is not one of the box's 2 entries");
        assertThatThrownBy(() -> box.sample(null)).isInstanceOf(TdmpcException.class)
                .hasMessage("the random generator is null: pass one (new SplittableRandom(seed))");
        assertThat(box.low(1)).isEqualTo(-1f);
    }
}
