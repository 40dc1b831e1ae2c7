package io.github.tdmpc2j.tasks.dmc.domains;

import static io.github.tdmpc2j.tasks.dmc.JointRandomizer.uniform;

import io.github.tdmpc2j.tasks.dmc.DmcDomain;
import io.github.tdmpc2j.tasks.dmc.DmcPhysics;
import io.github.tdmpc2j.tasks.dmc.DmcTask;
import io.github.tdmpc2j.tasks.dmc.DmcTaskDefinition;
import io.github.tdmpc2j.tasks.dmc.JointRandomizer;
import io.github.tdmpc2j.tasks.dmc.Observation;
import io.github.tdmpc2j.tasks.dmc.Tolerance;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A planar arm reaching for a randomly placed target: two links in dm_control's easy and hard tasks, three in
 * TD-MPC2's custom three-easy and three-hard. Reward 1 while the fingertip touches the target. Observation: joint
 * angles, fingertip-to-target vector (x, y), joint velocities.
 */
public final class Reacher implements DmcDomain {
    static final double BIG_TARGET = 0.05;
    static final double SMALL_TARGET = 0.015;

    @Override
    public List<DmcTaskDefinition> tasks() {
        return List.of(
                definition("reacher-easy", "reacher.xml", 2, BIG_TARGET),
                definition("reacher-hard", "reacher.xml", 2, SMALL_TARGET),
                definition("reacher-three-easy", "reacher_three_links.xml", 3, BIG_TARGET),
                definition("reacher-three-hard", "reacher_three_links.xml", 3, SMALL_TARGET));
    }

    private static DmcTaskDefinition definition(String name, String model, int links, double targetSize) {
        return new DmcTaskDefinition(name, model, 1, 2 * links + 2, links, physics -> new Reach(physics, targetSize));
    }

    /** dm_control's {@code reacher.Reacher}; the three-link variant only changes the model. */
    static final class Reach implements DmcTask {
        private final double targetSize;
        private final int target;
        private final int finger;

        Reach(DmcPhysics physics, double targetSize) {
            this.targetSize = targetSize;
            this.target = physics.model().geomId("target");
            this.finger = physics.model().geomId("finger");
        }

        @Override
        public void initializeEpisode(DmcPhysics physics, RandomGenerator rng) {
            physics.setGeomSize(target, 0, targetSize);
            JointRandomizer.randomize(physics, rng);
            double angle = uniform(rng, 0, 2 * Math.PI);
            double radius = uniform(rng, 0.05, 0.20);
            physics.setGeomPos(target, 0, radius * Math.sin(angle));
            physics.setGeomPos(target, 1, radius * Math.cos(angle));
        }

        @Override
        public void observe(DmcPhysics physics, Observation out) {
            out.addAll(physics.qpos());
            out.add(dx(physics), dy(physics));
            out.addAll(physics.qvel());
        }

        @Override
        public double reward(DmcPhysics physics) {
            double dx = dx(physics);
            double dy = dy(physics);
            double radii = physics.geomSize(target, 0) + physics.geomSize(finger, 0);
            return Tolerance.tolerance(Math.sqrt(dx * dx + dy * dy), 0, radii);
        }

        private double dx(DmcPhysics physics) {
            return physics.geomXpos().get(3 * target) - physics.geomXpos().get(3 * finger);
        }

        private double dy(DmcPhysics physics) {
            return physics.geomXpos().get(3 * target + 1) - physics.geomXpos().get(3 * finger + 1);
        }
    }
}
