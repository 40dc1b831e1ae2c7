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
 * A fish in a fluid without gravity or contacts, swimming its mouth to a randomly placed target while staying
 * upright. Observation: tail and fin angles, torso uprightness, mouth-to-target vector in the mouth's frame, joint
 * velocities (free root included).
 */
public final class Fish implements DmcDomain {
    private static final String MODEL = "fish.xml";
    private static final int SUB_STEPS = 10; // control timestep 0.04 s over physics timestep 0.004 s

    @Override
    public List<DmcTaskDefinition> tasks() {
        return List.of(new DmcTaskDefinition("fish-swim", MODEL, SUB_STEPS, 24, 5, Swim::new));
    }

    /** dm_control's {@code fish.Swim}. */
    static final class Swim implements DmcTask {
        /** dm_control's order of the observed joints (also their qpos order in the model). */
        private static final List<String> JOINTS = List.of("tail1", "tail_twist", "tail2", "finright_roll",
                "finright_pitch", "finleft_roll", "finleft_pitch");
        private static final int ZZ = 8;
        private static final double JOINT_SPREAD = 0.2;

        private final int[] jointQpos;
        private final int rootQpos;
        private final int torso;
        private final int mouth;
        private final int target;

        Swim(DmcPhysics physics) {
            this.jointQpos = JOINTS.stream().mapToInt(physics::qposAddress).toArray();
            this.rootQpos = physics.qposAddress("root");
            this.torso = physics.model().bodyId("torso");
            this.mouth = physics.model().geomId("mouth");
            this.target = physics.model().geomId("target");
        }

        @Override
        public void initializeEpisode(DmcPhysics physics, RandomGenerator rng) {
            var qpos = physics.qpos();
            double[] quat = {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()};
            double norm = Math.sqrt(quat[0] * quat[0] + quat[1] * quat[1] + quat[2] * quat[2] + quat[3] * quat[3]);
            for (int k = 0; k < 4; k++) {
                qpos.put(rootQpos + 3 + k, quat[k] / norm);
            }
            for (int adr : jointQpos) {
                qpos.put(adr, uniform(rng, -JOINT_SPREAD, JOINT_SPREAD));
            }
            physics.setGeomPos(target, 0, uniform(rng, -0.4, 0.4));
            physics.setGeomPos(target, 1, uniform(rng, -0.4, 0.4));
            physics.setGeomPos(target, 2, uniform(rng, 0.1, 0.3));
        }

        @Override
        public void observe(DmcPhysics physics, Observation out) {
            for (int adr : jointQpos) {
                out.add(physics.qpos().get(adr));
            }
            out.add(upright(physics));
            out.add(mouthToTarget(physics));
            out.addAll(physics.qvel());
        }

        @Override
        public double reward(DmcPhysics physics) {
            double radii = physics.geomSize(mouth, 0) + physics.geomSize(target, 0);
            double[] d = mouthToTarget(physics);
            double distance = Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
            double inTarget = Tolerance.tolerance(distance, 0, radii, 2 * radii, Sigmoid.GAUSSIAN);
            double isUpright = 0.5 * (upright(physics) + 1);
            return (7 * inTarget + isUpright) / 8;
        }

        private double upright(DmcPhysics physics) {
            return physics.xmat().get(9 * torso + ZZ);
        }

        /** The world-frame vector from mouth to target, times the mouth's rotation matrix (its frame's coordinates). */
        private double[] mouthToTarget(DmcPhysics physics) {
            var xpos = physics.geomXpos();
            var xmat = physics.data().geomXmat();
            double[] global = new double[3];
            for (int i = 0; i < 3; i++) {
                global[i] = xpos.get(3 * target + i) - xpos.get(3 * mouth + i);
            }
            double[] local = new double[3];
            for (int j = 0; j < 3; j++) {
                for (int i = 0; i < 3; i++) {
                    local[j] += global[i] * xmat.get(9 * mouth + 3 * i + j);
                }
            }
            return local;
        }
    }
}
