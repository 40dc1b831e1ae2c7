package io.github.tdmpc2j.tasks.dmc.domains;

import static io.github.tdmpc2j.tasks.dmc.JointRandomizer.uniform;

import io.github.tdmpc2j.tasks.dmc.DmcDomain;
import io.github.tdmpc2j.tasks.dmc.DmcPhysics;
import io.github.tdmpc2j.tasks.dmc.DmcTask;
import io.github.tdmpc2j.tasks.dmc.DmcTaskDefinition;
import io.github.tdmpc2j.tasks.dmc.JointRandomizer;
import io.github.tdmpc2j.tasks.dmc.Observation;
import io.github.tdmpc2j.tasks.dmc.SimulationSetupException;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A two-joint finger next to a body on a free hinge. Spin pays 1 while the body turns fast enough (clockwise
 * seen from the camera); turn pays 1 while the body's tip is inside a randomly placed target. Observation: finger
 * joint angles, tip position relative to the hinge, three velocities, two log-scaled touch sensors, and for turn
 * the target position relative to the hinge and the signed distance to it.
 */
public final class Finger implements DmcDomain {
    private static final String MODEL = "finger.xml";
    static final double EASY_TARGET_SIZE = 0.07;
    static final double HARD_TARGET_SIZE = 0.03;
    static final double SPIN_VELOCITY = 15.0;
    private static final double SPIN_TASK_HINGE_DAMPING = 0.03;
    private static final int MAX_PLACEMENT_ATTEMPTS = 1000;

    @Override
    public List<DmcTaskDefinition> tasks() {
        return List.of(
                new DmcTaskDefinition("finger-spin", MODEL, 2, 9, 2, Spin::new),
                new DmcTaskDefinition("finger-turn-easy", MODEL, 2, 12, 2, p -> new Turn(p, EASY_TARGET_SIZE)),
                new DmcTaskDefinition("finger-turn-hard", MODEL, 2, 12, 2, p -> new Turn(p, HARD_TARGET_SIZE)));
    }

    /** Sensor addresses and the readings both tasks share. */
    abstract static class FingerTask implements DmcTask {
        final int proximal;
        final int distal;
        final int proximalVelocity;
        final int distalVelocity;
        final int hingeVelocity;
        final int tip;
        final int target;
        final int spinner;
        final int touchTop;
        final int touchBottom;

        FingerTask(DmcPhysics physics) {
            proximal = physics.sensorAddress("proximal");
            distal = physics.sensorAddress("distal");
            proximalVelocity = physics.sensorAddress("proximal_velocity");
            distalVelocity = physics.sensorAddress("distal_velocity");
            hingeVelocity = physics.sensorAddress("hinge_velocity");
            tip = physics.sensorAddress("tip");
            target = physics.sensorAddress("target");
            spinner = physics.sensorAddress("spinner");
            touchTop = physics.sensorAddress("touchtop");
            touchBottom = physics.sensorAddress("touchbottom");
        }

        void observeFinger(DmcPhysics physics, Observation out) {
            var s = physics.sensordata();
            out.add(s.get(proximal), s.get(distal));
            out.add(s.get(tip) - s.get(spinner), s.get(tip + 2) - s.get(spinner + 2));
            out.add(s.get(proximalVelocity), s.get(distalVelocity), s.get(hingeVelocity));
            out.add(Math.log1p(s.get(touchTop)), Math.log1p(s.get(touchBottom)));
        }

        /** dm_control's {@code _set_random_joint_angles}: random joint angles until nothing touches. */
        static void placeWithoutContact(DmcPhysics physics, RandomGenerator rng) {
            for (int attempt = 0; attempt < MAX_PLACEMENT_ATTEMPTS; attempt++) {
                JointRandomizer.randomize(physics, rng);
                physics.afterReset();
                if (physics.contactCount() == 0) {
                    return;
                }
            }
            throw new SimulationSetupException("finger: no collision-free start found in " + MAX_PLACEMENT_ATTEMPTS
                    + " attempts; reset with another seed");
        }
    }

    /** dm_control's {@code finger.Spin}. */
    static final class Spin extends FingerTask {
        private final int hingeDof;

        Spin(DmcPhysics physics) {
            super(physics);
            hingeDof = physics.dofAddress("hinge");
        }

        @Override
        public void initializeEpisode(DmcPhysics physics, RandomGenerator rng) {
            physics.setDofDamping(hingeDof, SPIN_TASK_HINGE_DAMPING);
            placeWithoutContact(physics, rng);
        }

        @Override
        public void observe(DmcPhysics physics, Observation out) {
            observeFinger(physics, out);
        }

        @Override
        public double reward(DmcPhysics physics) {
            return physics.sensordata().get(hingeVelocity) <= -SPIN_VELOCITY ? 1.0 : 0.0;
        }
    }

    /** dm_control's {@code finger.Turn}. */
    static final class Turn extends FingerTask {
        private final double targetRadius;
        private final int targetSite;
        private final int spinnerBody;
        private final int cap;

        Turn(DmcPhysics physics, double targetRadius) {
            super(physics);
            this.targetRadius = targetRadius;
            this.targetSite = physics.model().siteId("target");
            this.spinnerBody = physics.model().bodyId("spinner");
            this.cap = physics.model().geomId("cap1");
        }

        @Override
        public void initializeEpisode(DmcPhysics physics, RandomGenerator rng) {
            double angle = uniform(rng, -Math.PI, Math.PI);
            // The hinge sits at the spinner body's origin, so its anchor is the body position.
            double hingeX = physics.xpos().get(3 * spinnerBody);
            double hingeZ = physics.xpos().get(3 * spinnerBody + 2);
            double radius = physics.geomSize(cap, 0) + physics.geomSize(cap, 1) + physics.geomSize(cap, 2);
            physics.setSitePos(targetSite, 0, hingeX + radius * Math.sin(angle));
            physics.setSitePos(targetSite, 2, hingeZ + radius * Math.cos(angle));
            physics.setSiteSize(targetSite, 0, targetRadius);
            placeWithoutContact(physics, rng);
        }

        @Override
        public void observe(DmcPhysics physics, Observation out) {
            observeFinger(physics, out);
            var s = physics.sensordata();
            out.add(s.get(target) - s.get(spinner), s.get(target + 2) - s.get(spinner + 2));
            out.add(distanceToTarget(physics));
        }

        @Override
        public double reward(DmcPhysics physics) {
            return distanceToTarget(physics) <= 0 ? 1.0 : 0.0;
        }

        /** Signed distance from the tip to the target's surface; negative inside. */
        private double distanceToTarget(DmcPhysics physics) {
            var s = physics.sensordata();
            double dx = (s.get(target) - s.get(spinner)) - (s.get(tip) - s.get(spinner));
            double dz = (s.get(target + 2) - s.get(spinner + 2)) - (s.get(tip + 2) - s.get(spinner + 2));
            return Math.sqrt(dx * dx + dz * dz) - physics.siteSize(targetSite, 0);
        }
    }
}
