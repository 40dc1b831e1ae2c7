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
 * A 3-D humanoid with 21 actuated joints that starts in a random pose, its torso turned at random, 1.5 m over the
 * floor. Stand pays for the head at least 1.4 m high and an upright torso, with small controls and the centre of
 * mass kept in place; walk and run pay for the same while the centre of mass moves horizontally, in any
 * direction, at 1 or 10 m/s. Observation (67): joint angles, head height, hands and feet in the torso's frame,
 * the torso's z axis, the centre of mass's velocity, every joint velocity.
 */
public final class Humanoid implements DmcDomain {
    static final double STAND_HEIGHT = 1.4;
    static final double WALK_SPEED = 1;
    static final double RUN_SPEED = 10;
    private static final String MODEL = "humanoid.xml";
    private static final int SUB_STEPS = 5; // control timestep 0.025 s over physics timestep 0.005 s
    private static final int ROOT_QPOS = 7; // the free joint's position and quaternion come first

    @Override
    public List<DmcTaskDefinition> tasks() {
        return List.of(
                definition("humanoid-stand", 0),
                definition("humanoid-walk", WALK_SPEED),
                definition("humanoid-run", RUN_SPEED));
    }

    private static DmcTaskDefinition definition(String name, double speed) {
        return new DmcTaskDefinition(name, MODEL, SUB_STEPS, 67, 21, physics -> new Move(physics, speed));
    }

    /** dm_control's {@code humanoid.Humanoid} with the feature observations (not its pure-state variant). */
    static final class Move implements DmcTask {
        private static final int ZX = 6;
        private static final int ZZ = 8;

        private final double speed;
        private final int torso;
        private final int head;
        private final int[] extremities;
        private final int comVelocity;

        Move(DmcPhysics physics, double speed) {
            this.speed = speed;
            var model = physics.model();
            this.torso = model.bodyId("torso");
            this.head = model.bodyId("head");
            this.extremities = new int[] {model.bodyId("left_hand"), model.bodyId("left_foot"),
                    model.bodyId("right_hand"), model.bodyId("right_foot")};
            this.comVelocity = physics.sensorAddress("torso_subtreelinvel");
        }

        @Override
        public void initializeEpisode(DmcPhysics physics, RandomGenerator rng) {
            // a new random pose until no body touches another or the floor
            do {
                JointRandomizer.randomize(physics, rng);
                physics.afterReset();
            } while (physics.contactCount() > 0);
        }

        @Override
        public void observe(DmcPhysics physics, Observation out) {
            var qpos = physics.qpos();
            out.add(qpos, ROOT_QPOS, qpos.limit() - ROOT_QPOS);
            out.add(headHeight(physics));
            var xpos = physics.xpos();
            var xmat = physics.xmat();
            for (int body : extremities) {
                // the offset from the torso, in the torso's frame: its dot product with each column of xmat
                double dx = xpos.get(3 * body) - xpos.get(3 * torso);
                double dy = xpos.get(3 * body + 1) - xpos.get(3 * torso + 1);
                double dz = xpos.get(3 * body + 2) - xpos.get(3 * torso + 2);
                for (int c = 0; c < 3; c++) {
                    out.add(dx * xmat.get(9 * torso + c) + dy * xmat.get(9 * torso + 3 + c)
                            + dz * xmat.get(9 * torso + 6 + c));
                }
            }
            out.add(xmat, 9 * torso + ZX, 3);
            out.add(physics.sensordata(), comVelocity, 3);
            out.addAll(physics.qvel());
        }

        @Override
        public double reward(DmcPhysics physics) {
            double standing = Tolerance.tolerance(headHeight(physics), STAND_HEIGHT, Double.POSITIVE_INFINITY,
                    STAND_HEIGHT / 4, Sigmoid.GAUSSIAN);
            double upright = Tolerance.tolerance(physics.xmat().get(9 * torso + ZZ), 0.9, Double.POSITIVE_INFINITY,
                    1.9, Sigmoid.LINEAR, 0);
            double stand = standing * upright;
            double smallControl = Tolerance.smallControl(physics.ctrl());
            var sensors = physics.sensordata();
            double vx = sensors.get(comVelocity);
            double vy = sensors.get(comVelocity + 1);
            if (speed == 0) {
                double dontMove = (Tolerance.tolerance(vx, 0, 0, 2, Sigmoid.GAUSSIAN)
                        + Tolerance.tolerance(vy, 0, 0, 2, Sigmoid.GAUSSIAN)) / 2;
                return smallControl * stand * dontMove;
            }
            double move = Tolerance.tolerance(Math.sqrt(vx * vx + vy * vy), speed, Double.POSITIVE_INFINITY, speed,
                    Sigmoid.LINEAR, 0);
            return smallControl * stand * ((5 * move + 1) / 6);
        }

        private double headHeight(DmcPhysics physics) {
            return physics.xpos().get(3 * head + 2);
        }
    }
}
