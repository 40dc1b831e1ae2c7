package io.github.tdmpc2j.tasks.dmc.domains;

import io.github.tdmpc2j.tasks.dmc.DmcDomain;
import io.github.tdmpc2j.tasks.dmc.DmcPhysics;
import io.github.tdmpc2j.tasks.dmc.DmcTask;
import io.github.tdmpc2j.tasks.dmc.DmcTaskDefinition;
import io.github.tdmpc2j.tasks.dmc.JointRandomizer;
import io.github.tdmpc2j.tasks.dmc.Observation;
import io.github.tdmpc2j.tasks.dmc.Sigmoid;
import io.github.tdmpc2j.tasks.dmc.Tolerance;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A planar biped that starts from a random pose in the air. Stand pays for a high, upright torso; walk and run also
 * for the centre of mass moving forward at 1 or 8 m/s, and TD-MPC2's walk-backwards and run-backwards for the
 * same speeds backwards. Observation: (xx, xz) of every body's orientation, torso height, joint velocities.
 */
public final class Walker implements DmcDomain {
    static final double STAND_HEIGHT = 1.2;
    static final double WALK_SPEED = 1;
    static final double RUN_SPEED = 8;
    private static final String MODEL = "walker.xml";
    private static final int SUB_STEPS = 10; // control timestep 0.025 s over physics timestep 0.0025 s

    @Override
    public List<DmcTaskDefinition> tasks() {
        return List.of(
                definition("walker-stand", 0, Direction.FORWARD),
                definition("walker-walk", WALK_SPEED, Direction.FORWARD),
                definition("walker-run", RUN_SPEED, Direction.FORWARD),
                definition("walker-walk-backwards", WALK_SPEED, Direction.BACKWARD),
                definition("walker-run-backwards", RUN_SPEED, Direction.BACKWARD));
    }

    private static DmcTaskDefinition definition(String name, double speed, Direction direction) {
        return new DmcTaskDefinition(name, MODEL, SUB_STEPS, 24, 6, physics -> new PlanarWalk(physics, speed, direction));
    }

    enum Direction { FORWARD, BACKWARD }

    /** dm_control's {@code walker.PlanarWalker}, and with {@code BACKWARD} TD-MPC2's backwards variant. */
    static final class PlanarWalk implements DmcTask {
        private static final int XX = 0;
        private static final int XZ = 2;
        private static final int ZZ = 8;

        private final double speed;
        private final Direction direction;
        private final int torso;
        private final int comVelocity;

        PlanarWalk(DmcPhysics physics, double speed, Direction direction) {
            this.speed = speed;
            this.direction = direction;
            this.torso = physics.model().bodyId("torso");
            this.comVelocity = physics.sensorAddress("torso_subtreelinvel");
        }

        @Override
        public void initializeEpisode(DmcPhysics physics, RandomGenerator rng) {
            JointRandomizer.randomize(physics, rng);
        }

        @Override
        public void observe(DmcPhysics physics, Observation out) {
            var xmat = physics.xmat();
            for (int body = 1; body < physics.model().nbody(); body++) {
                out.add(xmat.get(9 * body + XX), xmat.get(9 * body + XZ));
            }
            out.add(torsoHeight(physics));
            out.addAll(physics.qvel());
        }

        @Override
        public double reward(DmcPhysics physics) {
            double standing = Tolerance.tolerance(torsoHeight(physics), STAND_HEIGHT, Double.POSITIVE_INFINITY,
                    STAND_HEIGHT / 2, Sigmoid.GAUSSIAN);
            double upright = (1 + physics.xmat().get(9 * torso + ZZ)) / 2;
            double stand = (3 * standing + upright) / 4;
            if (speed == 0) {
                return stand;
            }
            double velocity = physics.sensordata().get(comVelocity);
            double move = direction == Direction.FORWARD
                    ? Tolerance.tolerance(velocity, speed, Double.POSITIVE_INFINITY, speed / 2, Sigmoid.LINEAR, 0.5)
                    : Tolerance.tolerance(velocity, Double.NEGATIVE_INFINITY, -speed, speed / 2, Sigmoid.LINEAR, 0.5);
            return stand * (5 * move + 1) / 6;
        }

        private double torsoHeight(DmcPhysics physics) {
            return physics.xpos().get(3 * torso + 2);
        }
    }
}
