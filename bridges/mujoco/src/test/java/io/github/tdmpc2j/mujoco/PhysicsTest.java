package io.github.tdmpc2j.mujoco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.DoubleBuffer;
import org.junit.jupiter.api.Test;

class PhysicsTest {

    @Test
    void freeFallWithRk4MatchesTheClosedForm() {
        // RK4 integrates a constant acceleration exactly, so only rounding is left.
        double dt = 0.002;
        int steps = 500;
        try (MjModel model = MjModel.fromXml(TestModels.fallingBall("RK4", dt));
             MjData data = model.makeData()) {
            data.step(steps);
            double t = steps * dt;
            assertThat(data.time()).isCloseTo(t, within(1e-12));
            assertThat(data.qpos().get(2)).isCloseTo(10 - TestModels.GRAVITY * t * t / 2, within(1e-9));
            assertThat(data.qvel().get(2)).isCloseTo(-TestModels.GRAVITY * t, within(1e-9));
        }
    }

    @Test
    void freeFallWithSemiImplicitEulerIsOffByHalfAStepOfVelocity() {
        // Semi-implicit Euler: v_n = -g n dt and z_n = z0 - g dt^2 n (n+1) / 2, which lies
        // g dt t / 2 below the closed form (0.0098 m here); the discrete formula holds to rounding.
        double dt = 0.002;
        int n = 500;
        try (MjModel model = MjModel.fromXml(TestModels.fallingBall("Euler", dt));
             MjData data = model.makeData()) {
            data.step(n);
            double t = n * dt;
            double z = data.qpos().get(2);
            assertThat(z).isCloseTo(10 - TestModels.GRAVITY * dt * dt * n * (n + 1) / 2.0, within(1e-9));
            assertThat(z).isCloseTo(10 - TestModels.GRAVITY * t * t / 2, within(TestModels.GRAVITY * dt * t / 2 + 1e-9));
        }
    }

    @Test
    void frictionlessPendulumConservesEnergyWithRk4() {
        // RK4 at dt = 1 ms over 10 s (about 5 swings from 90 degrees): the total energy drifts by
        // less than 1e-6 J on a swing of 9.81 J.
        try (MjModel model = MjModel.fromXml(TestModels.pendulum("RK4", 0.001));
             MjData data = model.makeData()) {
            data.qpos().put(0, Math.PI / 2);
            data.forward();
            double initial = energy(data);
            double maxDrift = 0;
            for (int i = 0; i < 100; i++) {
                data.step(100);
                data.forward();
                maxDrift = Math.max(maxDrift, Math.abs(energy(data) - initial));
            }
            assertThat(data.time()).isCloseTo(10.0, within(1e-9));
            assertThat(Math.abs(data.qvel().get(0))).as("it swings").isGreaterThan(0.1);
            assertThat(maxDrift).isLessThan(1e-6);
        }
    }

    @Test
    void stepOneThenStepTwoEqualsOneStep() {
        try (MjModel model = MjModel.fromXml(TestModels.CARTPOLE);
             MjData whole = model.makeData();
             MjData split = model.makeData()) {
            for (int i = 0; i < 200; i++) {
                double u = Math.sin(i * 0.05);
                whole.ctrl().put(0, u);
                whole.step();
                split.step1();
                split.ctrl().put(0, u);
                split.step2();
            }
            assertThat(array(split.qpos())).containsExactly(array(whole.qpos()));
            assertThat(array(split.qvel())).containsExactly(array(whole.qvel()));
        }
    }

    @Test
    void resetDataRestoresTheDefaultState() {
        try (MjModel model = MjModel.fromXml(TestModels.CARTPOLE);
             MjData data = model.makeData()) {
            data.ctrl().put(0, 1.0);
            data.step(50);
            assertThat(data.qpos().get(0)).isNotEqualTo(0.0);
            data.resetData();
            assertThat(data.time()).isZero();
            assertThat(array(data.qpos())).containsExactly(array(model.qpos0()));
            assertThat(array(data.qvel())).containsOnly(0.0);
            assertThat(data.ctrl().get(0)).isZero();
        }
    }

    private static double energy(MjData data) {
        return data.raw().energy(0) + data.raw().energy(1);
    }

    static double[] array(DoubleBuffer buffer) {
        double[] values = new double[buffer.remaining()];
        buffer.get(values);
        return values;
    }
}
