package io.github.tdmpc2j.agent.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import io.github.tdmpc2j.agent.DjlRuntime;
import org.junit.jupiter.api.Test;

class MlpTest {
    /** x from -100 to 100, dense around 0 and through the clamp at 20, plus the extremes of float. */
    private static float[] inputs() {
        float[] x = new float[4006];
        for (int i = 0; i < 4001; i++) {
            x[i] = -100f + i * 0.05f;
        }
        x[4001] = 19.999f;
        x[4002] = 20.001f;
        x[4003] = 88.8f;
        x[4004] = Float.MAX_VALUE;
        x[4005] = -Float.MAX_VALUE;
        return x;
    }

    /** Mish by its definition, in double. */
    private static double mish(double x) {
        double softplus = Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
        return x * Math.tanh(softplus);
    }

    private static void assertIsMish(float[] x, float[] y) {
        for (int i = 0; i < x.length; i++) {
            double want = mish(x[i]);
            // a few ulps of the result, or of the input where the result is near 0 (x e^x for very negative x)
            double tolerance = 4 * Math.ulp((float) Math.abs(want)) + 1e-7 * Math.min(Math.abs(x[i]), 1e30);
            assertThat(Float.isFinite(y[i])).as("mish(%s) = %s", x[i], y[i]).isTrue();
            assertThat(Math.abs(y[i] - want)).as("mish(%s) = %s, want %s", x[i], y[i], want)
                    .isLessThanOrEqualTo(tolerance);
        }
    }

    /** The one-exponential form that planning uses, without autograd: Mish everywhere, never NaN or infinite. */
    @Test
    void mishWithoutGradientsIsMishEverywhere() {
        try (NDManager m = DjlRuntime.engine().newBaseManager(); NDScope scope = new NDScope();
                NoGrad off = new NoGrad()) {
            float[] x = inputs();
            assertIsMish(x, Mlp.mish(m.create(x)).toFloatArray());
        }
    }

    /** Under autograd the softplus-tanh form: the same values, and the gradient is Mish's derivative. */
    @Test
    void mishUnderAutogradHasMishsValuesAndGradient() {
        Engine engine = DjlRuntime.engine();
        try (NDManager m = engine.newBaseManager(); NDScope scope = new NDScope()) {
            float[] values = {-5f, -1f, 0f, 0.5f, 2f, 10f};
            NDArray x = m.create(values);
            x.setRequiresGradient(true);
            try (Recording rec = new Recording()) {
                NDArray y = Mlp.mish(x);
                assertIsMish(values, y.toFloatArray());
                rec.backward(y.sum());
            }
            float[] grad = x.getGradient().toFloatArray();
            for (int i = 0; i < values.length; i++) {
                double h = 1e-4;
                double want = (mish(values[i] + h) - mish(values[i] - h)) / (2 * h);
                assertThat((double) grad[i]).as("d mish / dx at %s", values[i]).isCloseTo(want,
                        org.assertj.core.data.Offset.offset(1e-5));
            }
        }
    }

    /**
     * Stacking mlps runs their layers as one ensemble: the same outputs as each mlp on its own (member i is mlp i's
     * output of the stacked layers, and going on from there gives its full output); mlps whose layers differ are
     * refused.
     */
    @Test
    void stackedMlpsGiveEachMlpsOwnOutputsAndMismatchedOnesAreRefused() {
        try (NDManager m = DjlRuntime.engine().newBaseManager(); NDScope scope = new NDScope();
                NoGrad off = new NoGrad()) {
            ParamStore store = new ParamStore(m, 7);
            int[] hidden = {16, 16};
            Mlp a = new Mlp(store, "a", 10, hidden, 5, null, 0f, 0, 8, false);
            Mlp b = new Mlp(store, "b", 10, hidden, 8, Activation.SIMNORM, 0f, 0, 8, false);
            // biases, scales and shifts away from their initial 0, 1, 0, each its own: a mix-up would show
            float k = 0.1f;
            for (String group : new String[] {"a", "b"}) {
                for (String name : store.group(group)) {
                    NDArray p = store.get(name);
                    p.addi(FusedKernels.wave(m, p.getShape(), k, 0.3f));
                    k += 0.07f;
                }
            }
            NDArray x = FusedKernels.wave(m, new ai.djl.ndarray.types.Shape(6, 10), 0.37f, 2f);
            NDArray h = Mlp.forwardStack(x, Mlp.stack(2, a, b));
            NDArray[] stacked = {a.forward(h.get(0), 2, false, false), b.forward(h.get(1), 2, false, false)};
            NDArray[] own = {a.forward(x, false), b.forward(x, false)};
            for (int i = 0; i < 2; i++) {
                assertThat(stacked[i].getShape()).isEqualTo(own[i].getShape());
                assertThat(FusedKernels.error(stacked[i], own[i])).as("mlp %d", i).isLessThan(1e-5);
            }
            Mlp wider = new Mlp(store, "c", 10, new int[] {16, 24}, 5, null, 0f, 0, 8, false);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Mlp.stack(2, a, wider))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("layer 1 differs");
            assertThat(Mlp.stack(1, a, wider).weights()[0].getShape())
                    .isEqualTo(new ai.djl.ndarray.types.Shape(2, 10, 16));
        }
    }

    /** SimNorm by its definition, in double: softmax over each group of {@code dim} consecutive entries. */
    private static double[] simnorm(float[] x, int dim) {
        double[] y = new double[x.length];
        for (int g = 0; g < x.length; g += dim) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = g; i < g + dim; i++) {
                max = Math.max(max, x[i]);
            }
            double sum = 0;
            for (int i = g; i < g + dim; i++) {
                sum += Math.exp(x[i] - max);
            }
            for (int i = g; i < g + dim; i++) {
                y[i] = Math.exp(x[i] - max) / sum;
            }
        }
        return y;
    }

    /**
     * Planning's written-out SimNorm and autograd's softmax op give SimNorm's values, on 3-D input and on groups
     * whose entries lie far apart or far from 0 (no overflow: each group is shifted by its own maximum).
     */
    @Test
    void simnormWithAndWithoutGradientsIsSoftmaxPerGroup() {
        Engine engine = DjlRuntime.engine();
        java.util.Random r = new java.util.Random(5);
        float[] x = new float[3 * 5 * 32];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextGaussian() * 3);
        }
        for (int i = 0; i < 8; i++) {
            x[i] = 1000f + i; // a group far above 0: exp without its shift would overflow
            x[8 + i] = -1000f - 50f * i; // a group far below 0, and spread out
        }
        double[] want = simnorm(x, 8);
        try (NDManager m = engine.newBaseManager(); NDScope scope = new NDScope()) {
            NDArray input = m.create(x, new ai.djl.ndarray.types.Shape(3, 5, 32));
            float[] planned;
            try (NoGrad off = new NoGrad()) {
                planned = Mlp.simnorm(input, 8).toFloatArray();
            }
            input.setRequiresGradient(true);
            float[] trained;
            try (Recording rec = new Recording()) {
                NDArray y = Mlp.simnorm(input, 8);
                trained = y.toFloatArray();
                rec.backward(y.mul(m.arange(x.length).reshape(3, 5, 32).toType(ai.djl.ndarray.types.DataType.FLOAT32,
                        false)).sum());
            }
            assertThat(input.getGradient().getShape()).isEqualTo(input.getShape());
            for (int i = 0; i < x.length; i++) {
                assertThat((double) planned[i]).as("without gradients, entry %d", i)
                        .isCloseTo(want[i], org.assertj.core.data.Offset.offset(1e-6));
                assertThat((double) trained[i]).as("under autograd, entry %d", i)
                        .isCloseTo(want[i], org.assertj.core.data.Offset.offset(1e-6));
            }
        }
    }
}
