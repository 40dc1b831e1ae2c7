package io.github.tdmpc2j.agent.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
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
            try (GradientCollector gc = engine.newGradientCollector()) {
                NDArray y = Mlp.mish(x);
                assertIsMish(values, y.toFloatArray());
                gc.backward(y.sum());
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
}
