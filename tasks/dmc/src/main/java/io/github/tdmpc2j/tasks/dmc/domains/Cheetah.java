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
 * A planar half-cheetah that starts from random joint angles and settles for 200 physics steps. Run pays for
 * forward speed up to 10 m/s; TD-MPC2's custom tasks pay for running backwards (8 m/s), running on the front or
 * back legs with the other foot and the torso high (6 m/s), or jumping (both ends high, little horizontal motion).
 * Observation: joint positions without the horizontal root position, joint velocities.
 */
public final class Cheetah implements DmcDomain {
    static final double RUN_SPEED = 10;
    static final double JUMP_HEIGHT = 1.2;
    private static final String MODEL = "cheetah.xml";

    @Override
    public List<DmcTaskDefinition> tasks() {
        return List.of(
                definition("cheetah-run", CheetahTask::run),
                definition("cheetah-run-backwards", CheetahTask::runBackwards),
                definition("cheetah-run-front", (t, p) -> t.runOnOneEnd(p, t.backFoot)),
                definition("cheetah-run-back", (t, p) -> t.runOnOneEnd(p, t.frontFoot)),
                definition("cheetah-jump", CheetahTask::jump));
    }

    private static DmcTaskDefinition definition(String name, Reward reward) {
        return new DmcTaskDefinition(name, MODEL, 1, 17, 6, physics -> new CheetahTask(physics, reward));
    }

    /** One task's reward, as a method of {@link CheetahTask}. */
    @FunctionalInterface
    interface Reward {
        double of(CheetahTask task, DmcPhysics physics);
    }

    /**
     * dm_control's {@code cheetah.Cheetah}, with the reward chosen per task. The custom rewards are the TD-MPC2
     * reference's {@code CustomCheetah} formulas.
     */
    static final class CheetahTask implements DmcTask {
        private static final int SETTLE_STEPS = 200;
        private static final double SIDE_SPEED = RUN_SPEED * 0.6;
        private static final double BACKWARDS_SPEED = RUN_SPEED * 0.8;
        private static final double JUMP_DRIFT = 0.5;

        private final Reward reward;
        private final int torso;
        final int backFoot;
        final int frontFoot;
        private final int comVelocity;

        CheetahTask(DmcPhysics physics, Reward reward) {
            this.reward = reward;
            this.torso = physics.model().bodyId("torso");
            this.backFoot = physics.model().bodyId("bfoot");
            this.frontFoot = physics.model().bodyId("ffoot");
            this.comVelocity = physics.sensorAddress("torso_subtreelinvel");
        }

        @Override
        public void initializeEpisode(DmcPhysics physics, RandomGenerator rng) {
            var model = physics.model();
            var qpos = physics.qpos();
            for (int j = 0; j < model.njnt(); j++) {
                if (physics.jointLimited(j)) {
                    qpos.put(model.jntQposAdr().get(j), uniform(rng, model.jntRange().get(2 * j),
                            model.jntRange().get(2 * j + 1)));
                }
            }
            physics.step(SETTLE_STEPS);
            physics.data().setTime(0);
        }

        @Override
        public void observe(DmcPhysics physics, Observation out) {
            var qpos = physics.qpos();
            out.add(qpos, 1, qpos.limit() - 1);
            out.addAll(physics.qvel());
        }

        @Override
        public double reward(DmcPhysics physics) {
            return reward.of(this, physics);
        }

        double run(DmcPhysics physics) {
            return Tolerance.tolerance(speed(physics), RUN_SPEED, Double.POSITIVE_INFINITY, RUN_SPEED, Sigmoid.LINEAR, 0);
        }

        double runBackwards(DmcPhysics physics) {
            return Tolerance.tolerance(speed(physics), Double.NEGATIVE_INFINITY, -BACKWARDS_SPEED, BACKWARDS_SPEED,
                    Sigmoid.LINEAR, 0);
        }

        /** Runs forward on one pair of legs; {@code raisedFoot} is the foot that should be off the ground. */
        double runOnOneEnd(DmcPhysics physics, int raisedFoot) {
            double torsoUp = high(height(physics, torso));
            double footUp = high(height(physics, raisedFoot));
            double up = (3 * footUp + 2 * torsoUp) / 5;
            double forward = Tolerance.tolerance(speed(physics), SIDE_SPEED, Double.POSITIVE_INFINITY, SIDE_SPEED,
                    Sigmoid.LINEAR, 0);
            return up * (5 * forward + 1) / 6;
        }

        double jump(DmcPhysics physics) {
            return (standOnOneEnd(physics, backFoot) + standOnOneEnd(physics, frontFoot)) / 2;
        }

        private double standOnOneEnd(DmcPhysics physics, int raisedFoot) {
            double up = high((height(physics, torso) + height(physics, raisedFoot)) / 2);
            double still = Tolerance.tolerance(speed(physics), -JUMP_DRIFT, JUMP_DRIFT, JUMP_DRIFT, Sigmoid.LINEAR, 0);
            return (5 * up + still) / 6;
        }

        private static double high(double height) {
            return Tolerance.tolerance(height, JUMP_HEIGHT, Double.POSITIVE_INFINITY, JUMP_HEIGHT / 2,
                    Sigmoid.GAUSSIAN);
        }

        private static double height(DmcPhysics physics, int body) {
            return physics.xpos().get(3 * body + 2);
        }

        private double speed(DmcPhysics physics) {
            return physics.sensordata().get(comVelocity);
        }
    }
}
