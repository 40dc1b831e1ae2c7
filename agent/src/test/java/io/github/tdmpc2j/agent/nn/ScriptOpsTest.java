package io.github.tdmpc2j.agent.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.tdmpc2j.agent.DjlRuntime;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The TorchScript operators against the updates written out in doubles: if TorchScript dropped an in-place write
 * (its dead-code pass removes writes into lists a method builds itself), or an argument were bound to the wrong
 * parameter, the values here would not move as Adam and lerp move them.
 */
class ScriptOpsTest {
    private static final double B1 = 0.9;
    private static final double B2 = 0.999;
    private static final double EPS = 1e-8;

    @Test
    void adamStepClipsByTheGlobalNormAndUpdatesEachGroupWithItsRate() {
        try (NDManager m = DjlRuntime.engine().newBaseManager()) {
            float[] a0 = {0.5f, -1f, 2f};
            float[] b0 = {3f, -4f};
            NDArray a = param(m, a0);
            NDArray b = param(m, b0);
            NDArray ma = a.zerosLike();
            NDArray va = a.zerosLike();
            NDArray mb = b.zerosLike();
            NDArray vb = b.zerosLike();
            NDArray step = m.zeros(new Shape());
            double[] lrs = {1e-2, 1e-3};
            double clip = 2.0;
            double[] pa = toDouble(a0);
            double[] pb = toDouble(b0);
            double[][] mom = {new double[3], new double[2], new double[3], new double[2]};
            for (int t = 1; t <= 3; t++) {
                // gradients of sum(c * p^2) with c = t: 2 t p; their global norm is far above the clip of 2
                double[] ga = new double[3];
                double[] gb = new double[2];
                backward(a, b, t, pa, pb, ga, gb);
                double norm = Math.sqrt(sumSq(ga) + sumSq(gb));
                double scale = Math.min(1.0, clip / (norm + 1e-6));
                NDArray got = ScriptOps.adamStep(m, List.of(List.of(a), List.of(b)), List.of(List.of(ma), List.of(mb)),
                        List.of(List.of(va), List.of(vb)), lrs, step, B1, B2, EPS, clip);
                assertThat((double) got.getFloat()).as("norm before clipping, step " + t)
                        .isCloseTo(norm, within(norm * 1e-5));
                adam(pa, ga, scale, mom[0], mom[2], lrs[0], t);
                adam(pb, gb, scale, mom[1], mom[3], lrs[1], t);
                assertClose(a.toFloatArray(), pa, "group 1 after step " + t);
                assertClose(b.toFloatArray(), pb, "group 2 after step " + t);
                assertThat(a.getGradient().toFloatArray()).as("gradients zeroed").containsOnly(0f);
                assertThat(step.getFloat()).isEqualTo(t);
            }
            assertClose(ma.toFloatArray(), mom[0], "first moments");
            assertClose(vb.toFloatArray(), mom[3], "second moments");
        }
    }

    @Test
    void aNonFiniteGradientSkipsTheStepAndIsZeroed() {
        try (NDManager m = DjlRuntime.engine().newBaseManager()) {
            NDArray a = param(m, new float[] {1f, 2f});
            NDArray ma = a.zerosLike();
            NDArray va = a.zerosLike();
            NDArray step = m.zeros(new Shape());
            try (Recording rec = new Recording()) {
                rec.backward(a.log().mul(a.sub(1f).log()).sum());
            }
            assertThat(Float.isFinite(a.getGradient().toFloatArray()[0])).isFalse();
            NDArray norm = ScriptOps.adamStep(m, List.of(List.of(a)), List.of(List.of(ma)), List.of(List.of(va)),
                    new double[] {1e-2}, step, B1, B2, EPS, 1.0);
            assertThat(Float.isFinite(norm.getFloat())).isFalse();
            assertThat(a.toFloatArray()).containsExactly(1f, 2f);
            assertThat(ma.toFloatArray()).containsOnly(0f);
            assertThat(va.toFloatArray()).containsOnly(0f);
            assertThat(step.getFloat()).isZero();
            assertThat(a.getGradient().toFloatArray()).containsOnly(0f);
        }
    }

    @Test
    void lerpMovesEachTargetTowardsItsSource() {
        try (NDManager m = DjlRuntime.engine().newBaseManager()) {
            NDArray t1 = m.create(new float[] {0f, 10f});
            NDArray t2 = m.create(new float[] {1f});
            NDArray s1 = m.create(new float[] {1f, 0f});
            NDArray s2 = m.create(new float[] {3f});
            ScriptOps.lerp(List.of(t1, t2), List.of(s1, s2), 0.25);
            assertThat(t1.toFloatArray()).containsExactly(0.25f, 7.5f);
            assertThat(t2.toFloatArray()).containsExactly(1.5f);
            assertThat(s1.toFloatArray()).containsExactly(1f, 0f);
        }
    }

    private static NDArray param(NDManager m, float[] values) {
        NDArray p = m.create(values);
        p.setRequiresGradient(true);
        return p;
    }

    private static void backward(NDArray a, NDArray b, int t, double[] pa, double[] pb, double[] ga, double[] gb) {
        try (Recording rec = new Recording()) {
            rec.backward(a.square().sum().add(b.square().sum()).mul(t));
        }
        for (int i = 0; i < ga.length; i++) {
            ga[i] = 2.0 * t * pa[i];
        }
        for (int i = 0; i < gb.length; i++) {
            gb[i] = 2.0 * t * pb[i];
        }
    }

    /** PyTorch's Adam step (no weight decay), the gradient scaled first. */
    private static void adam(double[] p, double[] g, double scale, double[] m, double[] v, double lr, int t) {
        double bc1 = 1 - Math.pow(B1, t);
        double bc2 = 1 - Math.pow(B2, t);
        for (int i = 0; i < p.length; i++) {
            double gi = g[i] * scale;
            m[i] = B1 * m[i] + (1 - B1) * gi;
            v[i] = B2 * v[i] + (1 - B2) * gi * gi;
            p[i] -= lr / bc1 * m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + EPS);
        }
    }

    private static double sumSq(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v * v;
        }
        return s;
    }

    private static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i];
        }
        return d;
    }

    private static void assertClose(float[] got, double[] want, String what) {
        assertThat(got).as(what).hasSize(want.length);
        for (int i = 0; i < want.length; i++) {
            assertThat((double) got[i]).as(what + " [" + i + "]")
                    .isCloseTo(want[i], within(1e-5 + 1e-5 * Math.abs(want[i])));
        }
    }

    @Test
    void generatorsAreSeparateAndDrawWhatTheEnginesGeneratorDrawsFromTheSameSeed() {
        ai.djl.engine.Engine engine = DjlRuntime.engine();
        try (NDManager m = engine.newBaseManager()) {
            engine.setRandomSeed(-77);
            float[] normal = m.randomNormal(new Shape(3, 7)).toFloatArray();
            float[] uniform = m.randomUniform(0f, 1f, new Shape(5)).toFloatArray();
            long[] integer = m.randomInteger(2, 9, new Shape(4), ai.djl.ndarray.types.DataType.INT64).toLongArray();
            NDArray x = m.ones(new Shape(40, 30));
            float[] dropped = ai.djl.nn.norm.Dropout.dropout(x, 0.25f, true).singletonOrThrow().toFloatArray();
            // two generators of one seed: drawing from the first must not move the second (a generator that
            // TorchScript folded into a constant would be one object shared by every caller)
            try (ai.djl.pytorch.jni.IValue g = ScriptOps.generator(-77); ai.djl.pytorch.jni.IValue h =
                    ScriptOps.generator(-77)) {
                assertThat(ScriptOps.normal(m, g, new Shape(3, 7)).toFloatArray()).containsExactly(normal);
                assertThat(ScriptOps.normal(m, h, new Shape(3, 7)).toFloatArray()).containsExactly(normal);
                assertThat(ScriptOps.uniform(m, g, new Shape(5)).toFloatArray()).containsExactly(uniform);
                assertThat(ScriptOps.integer(m, g, 2, 9, new Shape(4)).toLongArray()).containsExactly(integer);
                assertThat(x.mul(ScriptOps.keepMask(m, g, x, 0.25)).toFloatArray()).containsExactly(dropped);
                assertThat(ScriptOps.uniform(m, h, new Shape(5)).toFloatArray()).containsExactly(uniform);
            }
        }
    }
}
