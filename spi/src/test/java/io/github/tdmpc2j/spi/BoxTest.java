package io.github.tdmpc2j.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void rejectsInconsistentShapesAndBounds() {
        assertThatThrownBy(() -> new Box(new float[] {0, 0}, new float[] {1, 1}, new int[] {3}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shape");
        assertThatThrownBy(() -> Box.of(new float[] {1}, new float[] {0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad bounds");
        assertThatThrownBy(() -> Box.of(new float[] {0}, new float[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class);
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
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("domain/task");
        assertThatThrownBy(() -> LineEnv.spec("a/b/c", 1, 1, -1, 1, 10, 1))
                .isInstanceOf(IllegalArgumentException.class);
        TaskSpec ok = LineEnv.spec("line/go", 1, 1, -1, 1, 10, 1);
        assertThat(ok.domain()).isEqualTo("line");
        assertThat(ok.name()).isEqualTo("go");
    }
}
