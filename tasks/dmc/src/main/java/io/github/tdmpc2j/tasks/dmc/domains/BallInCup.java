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
 * A cup moved in a vertical plane, with a ball tied to it by a string. Catch (dm_control) pays 1 while the ball is
 * in the cup; spin (TD-MPC2 custom) pays for swinging the ball fast and far around the cup, outside it.
 * Observation: cup and ball positions (x, z), then their velocities.
 */
public final class BallInCup implements DmcDomain {
    private static final String MODEL = "ball_in_cup.xml";
    /** Control timestep 0.02 s over MuJoCo's default physics timestep 0.002 s. */
    private static final int SUB_STEPS = 10;
    static final double SPIN_DISTANCE = 0.5;
    static final double SPIN_SPEED = 6.0;

    @Override
    public List<DmcTaskDefinition> tasks() {
        return List.of(
                new DmcTaskDefinition("cup-catch", MODEL, SUB_STEPS, 8, 2, physics -> new Task(physics, false)),
                new DmcTaskDefinition("cup-spin", MODEL, SUB_STEPS, 8, 2, physics -> new Task(physics, true)));
    }

    /** dm_control's {@code ball_in_cup.BallInCup}, and the reference's {@code CustomBallInCup} when spinning. */
    static final class Task implements DmcTask {
        private static final double OUT_OF_TARGET_START_PROBABILITY = 0.1;

        private final boolean spin;
        private final int ballX;
        private final int ballZ;
        private final int ballXDof;
        private final int ballZDof;
        private final int targetSite;
        private final int ballBody;
        private final int ballGeom;

        Task(DmcPhysics physics, boolean spin) {
            var model = physics.model();
            this.spin = spin;
            this.ballX = physics.qposAddress("ball_x");
            this.ballZ = physics.qposAddress("ball_z");
            this.ballXDof = physics.dofAddress("ball_x");
            this.ballZDof = physics.dofAddress("ball_z");
            this.targetSite = model.siteId("target");
            this.ballBody = model.bodyId("ball");
            this.ballGeom = model.geomId("ball");
        }

        @Override
        public void initializeEpisode(DmcPhysics physics, RandomGenerator rng) {
            boolean mayStartOutside = spin && rng.nextDouble() < OUT_OF_TARGET_START_PROBABILITY;
            boolean accepted = false;
            while (!accepted) {
                physics.qpos().put(ballX, uniform(rng, -0.2, 0.2));
                physics.qpos().put(ballZ, uniform(rng, 0.2, 0.5));
                physics.afterReset();
                boolean penetrating = physics.contactCount() > 0;
                accepted = !penetrating && (!spin || mayStartOutside || inTarget(physics));
            }
        }

        @Override
        public void observe(DmcPhysics physics, Observation out) {
            out.addAll(physics.qpos());
            out.addAll(physics.qvel());
        }

        @Override
        public double reward(DmcPhysics physics) {
            if (!spin) {
                return inTarget(physics) ? 1.0 : 0.0;
            }
            double dx = toTargetX(physics);
            double dz = toTargetZ(physics);
            double distance = Math.sqrt(dx * dx + dz * dz);
            double vx = Math.abs(physics.qvel().get(ballXDof));
            double vz = Math.abs(physics.qvel().get(ballZDof));
            double speed = Math.sqrt(vx * vx + vz * vz);
            double far = Tolerance.tolerance(distance, SPIN_DISTANCE, Double.POSITIVE_INFINITY, SPIN_DISTANCE / 2,
                    Sigmoid.LINEAR, 0.5);
            double fast = Tolerance.tolerance(speed, SPIN_SPEED, Double.POSITIVE_INFINITY, SPIN_SPEED / 2,
                    Sigmoid.LINEAR, 0.5);
            double outside = inTarget(physics) ? 0.0 : 1.0;
            return outside * (far + 2 * fast) / 3;
        }

        private boolean inTarget(DmcPhysics physics) {
            double ball = physics.geomSize(ballGeom, 0);
            return Math.abs(toTargetX(physics)) < physics.siteSize(targetSite, 0) - ball
                    && Math.abs(toTargetZ(physics)) < physics.siteSize(targetSite, 2) - ball;
        }

        private double toTargetX(DmcPhysics physics) {
            return physics.siteXpos().get(3 * targetSite) - physics.xpos().get(3 * ballBody);
        }

        private double toTargetZ(DmcPhysics physics) {
            return physics.siteXpos().get(3 * targetSite + 2) - physics.xpos().get(3 * ballBody + 2);
        }
    }
}
