package io.github.tdmpc2j.tasks.dmc.domains;

import static io.github.tdmpc2j.tasks.dmc.JointRandomizer.uniform;

import io.github.tdmpc2j.tasks.dmc.DmcDomain;
import io.github.tdmpc2j.tasks.dmc.DmcPhysics;
import io.github.tdmpc2j.tasks.dmc.DmcTask;
import io.github.tdmpc2j.tasks.dmc.DmcTaskDefinition;
import io.github.tdmpc2j.tasks.dmc.Observation;
import io.github.tdmpc2j.tasks.dmc.Sigmoid;
import io.github.tdmpc2j.tasks.dmc.Tolerance;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A torque-limited pendulum starting at a random angle. Swing-up pays 1 within 8 degrees of upright; spin (a
 * TD-MPC2 custom task) pays for turning at 9 rad/s or faster either way. Observation: pole cos and sin, angular
 * velocity.
 */
public final class Pendulum implements DmcDomain {
    private static final String MODEL = "pendulum.xml";
    static final double UPRIGHT_COSINE = Math.cos(Math.toRadians(8));
    static final double SPIN_SPEED = 9.0;

    @Override
    public List<DmcTaskDefinition> tasks() {
        return List.of(
                new DmcTaskDefinition("pendulum-swingup", MODEL, 1, 3, 1, physics -> new Task(physics, false)),
                new DmcTaskDefinition("pendulum-spin", MODEL, 1, 3, 1, physics -> new Task(physics, true)));
    }

    /** dm_control's {@code pendulum.SwingUp}, and the reference's {@code Spin} which only changes the reward. */
    static final class Task implements DmcTask {
        private static final int ZZ = 8;
        private static final int XZ = 2;

        private final boolean spin;
        private final int hinge;
        private final int hingeDof;
        private final int pole;

        Task(DmcPhysics physics, boolean spin) {
            this.spin = spin;
            this.hinge = physics.qposAddress("hinge");
            this.hingeDof = physics.dofAddress("hinge");
            this.pole = physics.model().bodyId("pole");
        }

        @Override
        public void initializeEpisode(DmcPhysics physics, RandomGenerator rng) {
            physics.qpos().put(hinge, uniform(rng, -Math.PI, Math.PI));
        }

        @Override
        public void observe(DmcPhysics physics, Observation out) {
            out.add(physics.xmat().get(9 * pole + ZZ), physics.xmat().get(9 * pole + XZ));
            out.add(physics.qvel().get(hingeDof));
        }

        @Override
        public double reward(DmcPhysics physics) {
            if (spin) {
                return Tolerance.tolerance(Math.abs(physics.qvel().get(hingeDof)), SPIN_SPEED,
                        Double.POSITIVE_INFINITY, SPIN_SPEED / 2, Sigmoid.LINEAR, 0.5);
            }
            return Tolerance.tolerance(physics.xmat().get(9 * pole + ZZ), UPRIGHT_COSINE, 1);
        }
    }
}
