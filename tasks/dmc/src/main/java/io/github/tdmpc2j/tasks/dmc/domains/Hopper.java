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
 * A planar one-legged hopper that starts from a random pose. Stand pays for the torso 0.6 to 2 m above the foot
 * with small controls; hop for that height while the centre of mass moves forward at 2 m/s, and TD-MPC2's
 * hop-backwards for the same backwards. Observation: joint positions without the horizontal root position, joint
 * velocities, log(1 + force) of the toe and heel touch sensors.
 */
public final class Hopper implements DmcDomain {
    static final double STAND_HEIGHT = 0.6;
    static final double HOP_SPEED = 2;
    private static final String MODEL = "hopper.xml";
    private static final int SUB_STEPS = 4; // control timestep 0.02 s over physics timestep 0.005 s

    @Override
    public List<DmcTaskDefinition> tasks() {
        return List.of(
                definition("hopper-stand", Goal.STAND),
                definition("hopper-hop", Goal.HOP),
                definition("hopper-hop-backwards", Goal.HOP_BACKWARDS));
    }

    private static DmcTaskDefinition definition(String name, Goal goal) {
        return new DmcTaskDefinition(name, MODEL, SUB_STEPS, 15, 4, physics -> new Hop(physics, goal));
    }

    enum Goal { STAND, HOP, HOP_BACKWARDS }

    /** dm_control's {@code hopper.Hopper}, and with {@code HOP_BACKWARDS} TD-MPC2's {@code CustomHopper}. */
    static final class Hop implements DmcTask {
        private final Goal goal;
        private final int torso;
        private final int foot;
        private final int comVelocity;
        private final int toeTouch;
        private final int heelTouch;

        Hop(DmcPhysics physics, Goal goal) {
            this.goal = goal;
            this.torso = physics.model().bodyId("torso");
            this.foot = physics.model().bodyId("foot");
            this.comVelocity = physics.sensorAddress("torso_subtreelinvel");
            this.toeTouch = physics.sensorAddress("touch_toe");
            this.heelTouch = physics.sensorAddress("touch_heel");
        }

        @Override
        public void initializeEpisode(DmcPhysics physics, RandomGenerator rng) {
            JointRandomizer.randomize(physics, rng);
        }

        @Override
        public void observe(DmcPhysics physics, Observation out) {
            var qpos = physics.qpos();
            out.add(qpos, 1, qpos.limit() - 1);
            out.addAll(physics.qvel());
            out.add(Math.log1p(physics.sensordata().get(toeTouch)), Math.log1p(physics.sensordata().get(heelTouch)));
        }

        @Override
        public double reward(DmcPhysics physics) {
            double standing = Tolerance.tolerance(torsoAboveFoot(physics), STAND_HEIGHT, 2);
            double speed = physics.sensordata().get(comVelocity);
            return switch (goal) {
                case STAND -> standing * Tolerance.smallControl(physics.ctrl());
                case HOP -> standing * Tolerance.tolerance(speed, HOP_SPEED, Double.POSITIVE_INFINITY,
                        HOP_SPEED / 2, Sigmoid.LINEAR, 0.5);
                case HOP_BACKWARDS -> standing * Tolerance.tolerance(speed, Double.NEGATIVE_INFINITY,
                        -HOP_SPEED / 2, HOP_SPEED / 4, Sigmoid.LINEAR, 0.5);
            };
        }

        /** Height of the torso's centre of mass over the foot's (MuJoCo's xipos, not the body frames). */
        private double torsoAboveFoot(DmcPhysics physics) {
            var xipos = physics.data().raw().xipos();
            return xipos.get(3L * torso + 2) - xipos.get(3L * foot + 2);
        }
    }
}
