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
 * A two-link arm actuated only at the elbow; swing-up pays for bringing the tip to the target above the shoulder.
 * Observation: sin of both links, cos of both links, both joint velocities.
 */
public final class Acrobot implements DmcDomain {
    @Override
    public List<DmcTaskDefinition> tasks() {
        return List.of(new DmcTaskDefinition("acrobot-swingup", "acrobot.xml", 1, 6, 1, SwingUp::new));
    }

    /** dm_control's {@code acrobot.Balance} with the smooth reward. */
    static final class SwingUp implements DmcTask {
        private static final int ZZ = 8;
        private static final int XZ = 2;

        private final int shoulder;
        private final int elbow;
        private final int upperArm;
        private final int lowerArm;
        private final int target;
        private final int tip;

        SwingUp(DmcPhysics physics) {
            var model = physics.model();
            this.shoulder = physics.qposAddress("shoulder");
            this.elbow = physics.qposAddress("elbow");
            this.upperArm = model.bodyId("upper_arm");
            this.lowerArm = model.bodyId("lower_arm");
            this.target = model.siteId("target");
            this.tip = model.siteId("tip");
        }

        @Override
        public void initializeEpisode(DmcPhysics physics, RandomGenerator rng) {
            physics.qpos().put(shoulder, uniform(rng, -Math.PI, Math.PI));
            physics.qpos().put(elbow, uniform(rng, -Math.PI, Math.PI));
        }

        @Override
        public void observe(DmcPhysics physics, Observation out) {
            var xmat = physics.xmat();
            out.add(xmat.get(9 * upperArm + XZ), xmat.get(9 * lowerArm + XZ));
            out.add(xmat.get(9 * upperArm + ZZ), xmat.get(9 * lowerArm + ZZ));
            out.addAll(physics.qvel());
        }

        @Override
        public double reward(DmcPhysics physics) {
            var site = physics.siteXpos();
            double dx = site.get(3 * target) - site.get(3 * tip);
            double dy = site.get(3 * target + 1) - site.get(3 * tip + 1);
            double dz = site.get(3 * target + 2) - site.get(3 * tip + 2);
            double distance = Math.sqrt(dx * dx + dy * dy + dz * dz);
            double radius = physics.siteSize(target, 0);
            return Tolerance.tolerance(distance, 0, radius, 1, Sigmoid.GAUSSIAN);
        }
    }
}
