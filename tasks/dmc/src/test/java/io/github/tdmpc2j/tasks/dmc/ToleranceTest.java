package io.github.tdmpc2j.tasks.dmc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Tolerance against dm_control 1.0.50's own {@code rewards.tolerance}. The expected numbers were printed by:
 *
 * <pre>
 * from dm_control.utils import rewards
 * xs = [-3.0, -0.7, 0.0, 0.4, 1.0, 1.3, 2.5, 6.0]
 * for s in ['gaussian', 'hyperbolic', 'long_tail', 'reciprocal', 'cosine', 'linear', 'quadratic', 'tanh_squared']:
 *     print(s, [rewards.tolerance(x, bounds=(0.0, 0.5), margin=2.0, sigmoid=s, value_at_margin=0.2) for x in xs])
 * for s in ['cosine', 'linear', 'quadratic']:
 *     print(s, [rewards.tolerance(x, bounds=(0.0, 0.5), margin=2.0, sigmoid=s, value_at_margin=0.0) for x in xs])
 * print([rewards.tolerance(x, margin=1.5) for x in xs])
 * print([rewards.tolerance(x, bounds=(-0.7, 1.0)) for x in xs])
 * </pre>
 */
class ToleranceTest {
    private static final double[] XS = {-3.0, -0.7, 0.0, 0.4, 1.0, 1.3, 2.5, 6.0};
    private static final double EPS = 1e-12;

    private static void check(Sigmoid sigmoid, double valueAtMargin, double... expected) {
        for (int i = 0; i < XS.length; i++) {
            double got = Tolerance.tolerance(XS[i], 0.0, 0.5, 2.0, sigmoid, valueAtMargin);
            assertThat(got).as("%s at x=%s", sigmoid, XS[i]).isCloseTo(expected[i], within(EPS));
        }
    }

    @Test
    void gaussian() {
        check(Sigmoid.GAUSSIAN, 0.2, 0.026749612199056878, 0.8210624191082967, 1.0, 1.0, 0.9043038394024115,
                0.7729738455277437, 0.2, 5.17653723447768e-06);
    }

    @Test
    void hyperbolic() {
        check(Sigmoid.HYPERBOLIC, 0.2, 0.06415002990995841, 0.7465323627531343, 1.0, 1.0, 0.8555996771673522,
                0.6893146177368108, 0.2, 0.003657251921823602);
    }

    @Test
    void longTail() {
        check(Sigmoid.LONG_TAIL, 0.2, 0.1, 0.6711409395973155, 1.0, 1.0, 0.8, 0.6097560975609756, 0.2, 0.032);
    }

    @Test
    void reciprocal() {
        check(Sigmoid.RECIPROCAL, 0.2, 0.14285714285714285, 0.4166666666666667, 1.0, 1.0, 0.5, 0.3846153846153846,
                0.2, 0.08333333333333333);
    }

    @Test
    void cosine() {
        check(Sigmoid.COSINE, 0.2, 0.0, 0.8572090817478017, 1.0, 1.0, 0.9253254041760199, 0.8163664564595337,
                0.20000000000000007, 0.0);
        check(Sigmoid.COSINE, 0.0, 0.0, 0.7269952498697734, 1.0, 1.0, 0.8535533905932737, 0.6545084971874737, 0.0,
                0.0);
    }

    @Test
    void linear() {
        check(Sigmoid.LINEAR, 0.2, 0.0, 0.72, 1.0, 1.0, 0.8, 0.6799999999999999, 0.19999999999999996, 0.0);
        check(Sigmoid.LINEAR, 0.0, 0.0, 0.65, 1.0, 1.0, 0.75, 0.6, 0.0, 0.0);
    }

    @Test
    void quadratic() {
        check(Sigmoid.QUADRATIC, 0.2, 0.0, 0.902, 1.0, 1.0, 0.95, 0.872, 0.20000000000000007, 0.0);
        check(Sigmoid.QUADRATIC, 0.0, 0.0, 0.8775000000000001, 1.0, 1.0, 0.9375, 0.84, 0.0, 0.0);
    }

    @Test
    void tanhSquared() {
        check(Sigmoid.TANH_SQUARED, 0.2, 0.05126475847298673, 0.7826076544849279, 1.0, 1.0, 0.8802740770431948,
                0.7287542142284178, 0.20000000000000007, 0.001423818343428196);
    }

    @Test
    void defaultsAreAGaussianAroundZeroWithValueOneTenthAtTheMargin() {
        double[] expected = {0.00010000000000000009, 0.6056506982075586, 1.0, 0.8489632461253817,
                0.3593813663804628, 0.17737356253670458, 0.0016681005372000581, 1.0000000000000037e-16};
        for (int i = 0; i < XS.length; i++) {
            assertThat(Tolerance.tolerance(XS[i], 0, 0, 1.5, Sigmoid.GAUSSIAN)).isCloseTo(expected[i], within(EPS));
        }
    }

    @Test
    void zeroMarginIsAHardIndicator() {
        double[] expected = {0, 1, 1, 1, 1, 0, 0, 0};
        for (int i = 0; i < XS.length; i++) {
            assertThat(Tolerance.tolerance(XS[i], -0.7, 1.0)).isEqualTo(expected[i]);
            assertThat(Tolerance.tolerance(XS[i], -0.7, 1.0, 0, Sigmoid.GAUSSIAN, 0.1)).isEqualTo(expected[i]);
        }
    }

    @Test
    void unboundedUpperBound() {
        assertThat(Tolerance.tolerance(20, 9, Double.POSITIVE_INFINITY, 4.5, Sigmoid.LINEAR, 0.5)).isEqualTo(1.0);
        assertThat(Tolerance.tolerance(4.5, 9, Double.POSITIVE_INFINITY, 4.5, Sigmoid.LINEAR, 0.5)).isEqualTo(0.5);
    }

    @Test
    void badArgumentsAreRejectedWithAReason() {
        assertThatThrownBy(() -> Tolerance.tolerance(0, 1, 0, 1, Sigmoid.GAUSSIAN, 0.1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("above upper bound");
        assertThatThrownBy(() -> Tolerance.tolerance(0, 0, 1, -1, Sigmoid.GAUSSIAN, 0.1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-negative");
        assertThatThrownBy(() -> Tolerance.tolerance(2, 0, 1, 1, Sigmoid.GAUSSIAN, 0.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(0, 1)");
        assertThatThrownBy(() -> Tolerance.tolerance(2, 0, 1, 1, Sigmoid.LINEAR, 1.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 1)");
    }
}
