package io.github.tdmpc2j.mujoco;

/** Small MJCF models written for these tests. */
final class TestModels {
    private TestModels() {}

    static final double GRAVITY = 9.81;

    /** A ball on a free joint, nothing to collide with. */
    static String fallingBall(String integrator, double timestep) {
        return """
                <mujoco model="falling-ball">
                  <option timestep="%s" integrator="%s" gravity="0 0 -%s"/>
                  <worldbody>
                    <body name="ball" pos="0 0 10">
                      <freejoint name="free"/>
                      <geom name="ball" type="sphere" size="0.1" mass="1"/>
                    </body>
                  </worldbody>
                </mujoco>
                """.formatted(timestep, integrator, GRAVITY);
    }

    /** A point-mass pendulum on a frictionless hinge, energy bookkeeping on. */
    static String pendulum(String integrator, double timestep) {
        return """
                <mujoco model="pendulum">
                  <option timestep="%s" integrator="%s" gravity="0 0 -%s">
                    <flag energy="enable" contact="disable"/>
                  </option>
                  <worldbody>
                    <body name="pole" pos="0 0 2">
                      <joint name="hinge" type="hinge" axis="0 1 0" damping="0" frictionloss="0"/>
                      <geom name="rod" type="capsule" fromto="0 0 0 0 0 -1" size="0.02" mass="0"/>
                      <body name="bob" pos="0 0 -1">
                        <geom name="bob" type="sphere" size="0.05" mass="1"/>
                      </body>
                    </body>
                  </worldbody>
                </mujoco>
                """.formatted(timestep, integrator, GRAVITY);
    }

    /** A cart-pole: slider + hinge, one motor, two sensors. */
    static final String CARTPOLE = """
            <mujoco model="cartpole">
              <option timestep="0.01"/>
              <worldbody>
                <geom name="floor" type="plane" size="5 5 0.1" pos="0 0 -0.5"/>
                <body name="cart" pos="0 0 0">
                  <joint name="slider" type="slide" axis="1 0 0" range="-2 2" limited="true" damping="0.01"/>
                  <geom name="cart" type="box" size="0.2 0.1 0.05" mass="1"/>
                  <body name="pole" pos="0 0 0">
                    <joint name="hinge" type="hinge" axis="0 1 0" damping="0.001"/>
                    <geom name="pole" type="capsule" fromto="0 0 0 0 0 0.6" size="0.03" mass="0.1"/>
                    <site name="tip" pos="0 0 0.6" size="0.01"/>
                  </body>
                </body>
              </worldbody>
              <actuator>
                <motor name="slide" joint="slider" gear="10" ctrlrange="-1 1" ctrllimited="true"/>
              </actuator>
              <sensor>
                <jointpos name="cart_x" joint="slider"/>
                <framepos name="tip_pos" objtype="site" objname="tip"/>
              </sensor>
            </mujoco>
            """;
}
