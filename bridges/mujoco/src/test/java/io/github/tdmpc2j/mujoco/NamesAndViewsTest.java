package io.github.tdmpc2j.mujoco;

import static io.github.tdmpc2j.mujoco.PhysicsTest.array;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.ReadOnlyBufferException;
import org.junit.jupiter.api.Test;

class NamesAndViewsTest {

    @Test
    void sizesAndNamesOfTheCartpole() {
        try (MjModel model = MjModel.fromXml(TestModels.CARTPOLE)) {
            assertThat(model.nq()).isEqualTo(2);
            assertThat(model.nv()).isEqualTo(2);
            assertThat(model.nu()).isEqualTo(1);
            assertThat(model.na()).isZero();
            assertThat(model.nbody()).isEqualTo(3);
            assertThat(model.njnt()).isEqualTo(2);
            assertThat(model.ngeom()).isEqualTo(3);
            assertThat(model.nsite()).isEqualTo(1);
            assertThat(model.nsensor()).isEqualTo(2);
            assertThat(model.nsensordata()).isEqualTo(4);
            assertThat(model.timestep()).isEqualTo(0.01);
            assertThat(model.bodyId("pole")).isEqualTo(2);
            assertThat(model.jointId("hinge")).isEqualTo(1);
            assertThat(model.geomId("floor")).isZero();
            assertThat(model.siteId("tip")).isZero();
            assertThat(model.sensorId("tip_pos")).isEqualTo(1);
            assertThat(model.actuatorId("slide")).isZero();
            assertThat(model.name(MjObjectType.BODY, 1)).isEqualTo("cart");
        }
    }

    @Test
    void aMissingNameListsTheExistingOnes() {
        try (MjModel model = MjModel.fromXml(TestModels.CARTPOLE)) {
            assertThatThrownBy(() -> model.jointId("elbow"))
                    .isInstanceOf(MujocoException.class)
                    .hasMessageContaining("no joint named 'elbow'")
                    .hasMessageContaining("[slider, hinge]");
            assertThatThrownBy(() -> model.bodyId(null)).isInstanceOf(MujocoException.class)
                    .hasMessage("a body name is null");
            assertThatThrownBy(() -> model.name(MjObjectType.SITE, 5)).isInstanceOf(MujocoException.class)
                    .hasMessage("site id 5 is out of range [0, 1)"); // the cartpole's one site, its tip
        }
    }

    @Test
    void modelViewsAreReadOnlyAndHoldTheModelArrays() {
        try (MjModel model = MjModel.fromXml(TestModels.CARTPOLE)) {
            assertThat(array(model.jntRange())).containsExactly(-2, 2, 0, 0);
            assertThat(array(model.actuatorCtrlRange())).containsExactly(-1, 1);
            assertThat(model.jntType().get(0)).isEqualTo(2); // slide
            assertThat(model.jntType().get(1)).isEqualTo(3); // hinge
            assertThat(model.jntQposAdr().get(1)).isEqualTo(1);
            assertThat(model.jntDofAdr().get(1)).isEqualTo(1);
            assertThat(model.bodyMass().get(1)).isCloseTo(1.0, within(1e-12));
            assertThat(model.geomSize().get(3)).isCloseTo(0.2, within(1e-12)); // cart box half-x
            assertThat(model.siteSize().capacity()).isEqualTo(3);
            assertThat(model.sensorAdr().get(1)).isEqualTo(1);
            assertThat(model.sensorDim().get(1)).isEqualTo(3);
            assertThatThrownBy(() -> model.qpos0().put(0, 1.0)).isInstanceOf(ReadOnlyBufferException.class);
        }
    }

    @Test
    void dataViewsWriteAndReadTheSimulationInPlace() {
        try (MjModel model = MjModel.fromXml(TestModels.CARTPOLE); MjData data = model.makeData()) {
            data.qpos().put(0, 0.5);
            data.forward();
            int cart = model.bodyId("cart");
            assertThat(data.xpos().get(3 * cart)).isCloseTo(0.5, within(1e-12));
            assertThat(data.sensordata().get(0)).isCloseTo(0.5, within(1e-12));
            int tipAdr = model.sensorAdr().get(model.sensorId("tip_pos"));
            assertThat(data.sensordata().get(tipAdr + 2)).isCloseTo(0.6, within(1e-9));
            assertThat(data.siteXpos().get(2)).isCloseTo(0.6, within(1e-9));
            assertThat(data.xquat().get(4 * cart)).isCloseTo(1.0, within(1e-12));
            assertThat(data.xmat().capacity()).isEqualTo(9 * model.nbody());
            assertThat(data.geomXpos().capacity()).isEqualTo(3 * model.ngeom());
            assertThat(data.geomXmat().capacity()).isEqualTo(9 * model.ngeom());
            assertThat(data.siteXmat().capacity()).isEqualTo(9);
            assertThat(data.subtreeCom().capacity()).isEqualTo(3 * model.nbody());
            assertThat(data.cvel().capacity()).isEqualTo(6 * model.nbody());
            assertThat(data.act().capacity()).isZero();

            data.ctrl().put(0, 0.5);
            data.step();
            assertThat(data.actuatorForce().get(0)).isCloseTo(0.5, within(1e-12)); // in actuation space
            assertThat(data.qfrcActuator().get(0)).isCloseTo(5.0, within(1e-12)); // times gear 10
            assertThat(data.qacc().get(0)).isNotZero();
            data.setTime(3.0);
            assertThat(data.time()).isEqualTo(3.0);
        }
    }

    @Test
    void appliedForcesContactsAndSubtreeVelocities() throws java.io.IOException {
        try (MjModel ball = MjModel.fromXml(TestModels.fallingBall("Euler", 0.002)); MjData data = ball.makeData()) {
            int id = ball.bodyId("ball");
            data.xfrcApplied().put(6 * id + 2, TestModels.GRAVITY); // 1 kg: cancels gravity
            data.step(500);
            assertThat(data.qpos().get(2)).isCloseTo(10.0, within(1e-9));
            data.xfrcApplied().put(6 * id + 2, 0);
            data.qfrcApplied().put(2, 2 * TestModels.GRAVITY); // now net 1 g upwards
            data.step(500);
            assertThat(data.qpos().get(2)).isGreaterThan(10.0);
            assertThat(data.xipos().get(3 * id + 2)).isGreaterThan(10.0);
        }
        try (MjModel walker = MjModel.fromFile(java.nio.file.Path.of("src/test/resources/models/planar_walker.xml"));
             MjData data = walker.makeData()) {
            data.step(1000); // falls onto the floor
            assertThat(data.ncon()).isPositive();
            int torso = walker.bodyId("torso");
            int adr = walker.sensorAdr().get(walker.sensorId("torso_subtreelinvel"));
            for (int k = 0; k < 3; k++) {
                assertThat(data.sensordata().get(adr + k)).isEqualTo(data.subtreeLinvel().get(3 * torso + k));
            }
            assertThat(data.mocapPos().capacity()).isZero();
            assertThat(data.cfrcExt().capacity()).isEqualTo(6 * walker.nbody());
        }
    }

    @Test
    void keyframesKinematicsContactForcesAndSetConst() {
        String xml = """
                <mujoco>
                  <worldbody>
                    <geom name="floor" type="plane" size="5 5 0.1"/>
                    <body name="box" pos="0 0 0.5">
                      <freejoint/>
                      <geom name="box" type="box" size="0.1 0.1 0.1" mass="2"/>
                    </body>
                  </worldbody>
                  <keyframe><key name="high" qpos="0 0 3 1 0 0 0"/></keyframe>
                </mujoco>
                """;
        try (MjModel model = MjModel.fromXml(xml); MjData data = model.makeData()) {
            assertThat(model.nkey()).isEqualTo(1);
            data.resetDataKeyframe(0);
            assertThat(data.qpos().get(2)).isEqualTo(3.0);
            data.kinematics();
            assertThat(data.xpos().get(3 * model.bodyId("box") + 2)).isEqualTo(3.0);
            assertThatThrownBy(() -> data.resetDataKeyframe(1)).isInstanceOf(MujocoException.class)
                    .hasMessageEndingWith("the model has 1 keyframe");

            data.resetData();
            data.step(1000); // 2 s: the box comes to rest on the floor
            assertThat(data.ncon()).isPositive();
            double normal = 0;
            for (int c = 0; c < data.ncon(); c++) {
                normal += data.contactForce(c)[0];
            }
            assertThat(normal).isCloseTo(2 * 9.81, within(0.05)); // carries its weight
            assertThatThrownBy(() -> data.contactForce(data.ncon())).isInstanceOf(MujocoException.class);

            model.raw().body_mass().put(model.bodyId("box"), 4.0);
            data.setConst();
            assertThat(model.bodyMass().get(model.bodyId("box"))).isEqualTo(4.0);
        }
    }
}
