package io.github.tdmpc2j.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TwoHotTest {
    private static NDManager manager;
    private final TwoHot twoHot = new TwoHot(101, -10f, 10f);

    @BeforeAll
    static void engine() {
        manager = DjlRuntime.engine().newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void symlogAndSymexpAreInverses() {
        float[] xs = {-1000f, -3.5f, -1f, 0f, 0.25f, 2f, 150f};
        NDArray x = manager.create(xs);
        float[] back = TwoHot.symexp(TwoHot.symlog(x)).toFloatArray();
        for (int i = 0; i < xs.length; i++) {
            assertThat(back[i]).isCloseTo(xs[i], within(Math.abs(xs[i]) * 1e-5f + 1e-6f));
            assertThat(TwoHot.symexp(TwoHot.symlog((double) xs[i]))).isCloseTo(xs[i], within(Math.abs(xs[i]) * 1e-9 + 1e-12));
        }
        assertThat(TwoHot.symlog(manager.create(new float[] {Float.MAX_VALUE / 2})).getFloat()).isFinite();
    }

    @Test
    void twoHotPutsWeightOnTheTwoNeighbouringBins() {
        float[] row = twoHot.encode(manager.create(new float[] {(float) TwoHot.symexp(0.05)}, new Shape(1, 1)))
                .toFloatArray();
        assertThat(row).hasSize(101);
        // symlog value 0.05 sits a quarter of the way between bin 50 (0.0) and bin 51 (0.2)
        assertThat(row[50]).isCloseTo(0.75f, within(1e-4f));
        assertThat(row[51]).isCloseTo(0.25f, within(1e-4f));
        float sum = 0;
        for (float v : row) {
            sum += v;
        }
        assertThat(sum).isCloseTo(1f, within(1e-5f));
    }

    @Test
    void decodingATwoHotReturnsTheInput() {
        float[] xs = {-500f, -7.3f, -0.01f, 0f, 0.4f, 1f, 13f, 2000f};
        NDArray target = manager.create(xs, new Shape(xs.length, 1));
        // logits whose softmax is the two-hot vector: log of the weights (zeros become very negative)
        NDArray logits = twoHot.encode(target).add(1e-30f).log();
        float[] back = twoHot.decode(logits).toFloatArray();
        for (int i = 0; i < xs.length; i++) {
            assertThat(back[i]).isCloseTo(xs[i], within(Math.abs(xs[i]) * 1e-3f + 1e-4f));
        }
    }

    @Test
    void valuesPastTheEdgesClampToTheEdgeBins() {
        float top = (float) TwoHot.symexp(10);
        float[] row = twoHot.encode(manager.create(new float[] {top * 1000f}, new Shape(1, 1))).toFloatArray();
        assertThat(row[100]).isEqualTo(1f);
        float[] low = twoHot.encode(manager.create(new float[] {-top * 1000f}, new Shape(1, 1))).toFloatArray();
        assertThat(low[0]).isEqualTo(1f);
        NDArray logits = twoHot.encode(manager.create(new float[] {1e30f}, new Shape(1, 1))).add(1e-30f).log();
        assertThat(twoHot.decode(logits).getFloat()).isCloseTo(top, within(top * 1e-3f));
    }

    @Test
    void crossEntropyIsSmallestAtTheTarget() {
        NDArray target = manager.create(new float[] {3f}, new Shape(1, 1));
        NDArray good = twoHot.encode(target).mul(20f);
        NDArray bad = twoHot.encode(manager.create(new float[] {-3f}, new Shape(1, 1))).mul(20f);
        assertThat(twoHot.crossEntropy(good, target).getFloat()).isLessThan(twoHot.crossEntropy(bad, target).getFloat());
    }
}
