package io.github.tdmpc2j.mujoco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InstabilityTest {
    private static final String UNLIMITED_CARTPOLE = TestModels.CARTPOLE.replace("ctrllimited=\"true\"", "ctrllimited=\"false\"");

    @Test
    void nanVelocityThrowsASimulationException() {
        try (MjModel model = MjModel.fromXml(TestModels.CARTPOLE); MjData data = model.makeData()) {
            data.qvel().put(1, Double.NaN);
            assertThatThrownBy(data::step)
                    .isInstanceOfSatisfying(MujocoSimulationException.class,
                            e -> assertThat(e.warnings()).containsExactly(MjWarning.BAD_QVEL))
                    .hasMessageContaining("QVEL");
            assertThat(data.qvel().get(1)).as("MuJoCo reset the state").isZero();
        }
    }

    @Test
    void divergingAccelerationIsCountedWhenNotThrowing() {
        try (MjModel model = MjModel.fromXml(UNLIMITED_CARTPOLE); MjData data = model.makeData()) {
            data.setThrowOnInstability(false);
            data.ctrl().put(0, 1e9);
            data.step(5);
            MjWarnings warnings = data.warnings();
            assertThat(warnings.unstable()).isTrue();
            assertThat(warnings.count(MjWarning.BAD_QACC)).isPositive();
            assertThat(warnings.lastMessage()).contains("QACC");
            for (int i = 0; i < model.nq(); i++) {
                assertThat(data.qpos().get(i)).isFinite();
            }
            assertThatThrownBy(data::checkStable).isInstanceOf(MujocoSimulationException.class);
            data.resetData();
            assertThat(data.warnings().any()).isFalse();
            data.checkStable();
        }
    }

    @Test
    void nanControlIsABadCtrlWarningNotADivergence() {
        try (MjModel model = MjModel.fromXml(TestModels.CARTPOLE); MjData data = model.makeData()) {
            data.setThrowOnInstability(false);
            data.ctrl().put(0, Double.NaN);
            data.step();
            assertThat(data.warnings().count(MjWarning.BAD_CTRL)).isEqualTo(1);
            assertThat(data.warnings().unstable()).isFalse();
            data.clearWarnings();
            assertThat(data.warnings().any()).isFalse();
        }
    }

    /**
     * MuJoCo steps on without any control when one is NaN (or, unclamped, infinite or beyond 1e10): by default the
     * step says so instead of going on silently, and the data stays usable.
     */
    @ParameterizedTest
    @CsvSource({"true, NaN", "false, NaN", "false, Infinity", "false, -1e30"})
    void aControlMujocoRefusesThrowsAndTheDataStaysUsable(boolean clamped, double bad) {
        String xml = clamped ? TestModels.CARTPOLE : UNLIMITED_CARTPOLE;
        try (MjModel model = MjModel.fromXml(xml); MjData data = model.makeData()) {
            data.ctrl().put(0, bad);
            assertThatThrownBy(() -> data.step(3)).isInstanceOf(MujocoException.class)
                    .isNotInstanceOf(MujocoSimulationException.class)
                    .hasMessageContaining("the controls given to mj_step were refused")
                    .hasMessageContaining("CTRL at ACTUATOR 0")
                    .hasMessageContaining("write finite controls");
            assertThat(data.qvel().get(0)).isZero(); // the cart was not pushed
            assertThat(data.warnings().unstable()).isFalse();
            data.ctrl().put(0, 0.5);
            data.step();
            assertThat(data.qvel().get(0)).isFinite().isNotZero();
        }
    }

    /** A clamped actuator clamps an infinite control to its range: MuJoCo does not see it as bad. */
    @Test
    void anInfiniteControlOfAClampedActuatorIsClampedNotRefused() {
        try (MjModel model = MjModel.fromXml(TestModels.CARTPOLE); MjData data = model.makeData()) {
            data.ctrl().put(0, Double.POSITIVE_INFINITY);
            data.step();
            assertThat(data.warnings().any()).isFalse();
            assertThat(data.qvel().get(0)).isPositive();
        }
    }
}
