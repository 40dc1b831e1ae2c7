package io.github.tdmpc2j.tasks.dmc.domains;

import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.tasks.dmc.DmcDomain;
import io.github.tdmpc2j.tasks.dmc.DmcPhysics;
import io.github.tdmpc2j.tasks.dmc.DmcTask;
import io.github.tdmpc2j.tasks.dmc.DmcTaskDefinition;
import io.github.tdmpc2j.tasks.dmc.Observation;
import io.github.tdmpc2j.tasks.dmc.SimulationSetupException;
import io.github.tdmpc2j.tasks.dmc.Sigmoid;
import io.github.tdmpc2j.tasks.dmc.Tolerance;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A four-legged body that starts at rest, turned at random, just above the floor. Walk and run pay for moving
 * forward (along the torso's own x axis) at 0.5 or 5 m/s while upright. Observation (78): the 16 leg joints'
 * angles and velocities and the 12 actuators' activations, the torso's velocity in its own frame, its z axis's
 * height, accelerometer and gyro, and arcsinh of the force and torque sensors at the four toes.
 */
public final class Quadruped implements DmcDomain {
    static final double WALK_SPEED = 0.5;
    static final double RUN_SPEED = 5;
    private static final String MODEL = "quadruped.xml";
    private static final int SUB_STEPS = 4; // control timestep 0.02 s over physics timestep 0.005 s
    private static final double TIME_LIMIT = 20; // seconds per episode: 1000 control steps

    @Override
    public List<DmcTaskDefinition> tasks() {
        return List.of(definition("quadruped-walk", WALK_SPEED), definition("quadruped-run", RUN_SPEED));
    }

    private static DmcTaskDefinition definition(String name, double speed) {
        return new DmcTaskDefinition(name, MODEL, SUB_STEPS, 78, 12, physics -> new Move(physics, speed), actions());
    }

    /** Per leg, in the legs' order: yaw in [-1, 1], lift in [-1, 1.1], extend in [-0.8, 0.8] (the model's ctrlrange). */
    private static Box actions() {
        float[] low = new float[12];
        float[] high = new float[12];
        for (int leg = 0; leg < 4; leg++) {
            low[3 * leg] = -1f;
            high[3 * leg] = 1f;
            low[3 * leg + 1] = -1f;
            high[3 * leg + 1] = 1.1f;
            low[3 * leg + 2] = -0.8f;
            high[3 * leg + 2] = 0.8f;
        }
        return Box.of(low, high);
    }

    /** dm_control's {@code quadruped.Move} on the floor its walk or run task makes. */
    static final class Move implements DmcTask {
        private static final int ZZ = 8;
        private static final int MAX_ATTEMPTS = 10_000;

        private final double speed;
        private final int torso;
        private final int[] hingeQpos;
        private final int[] hingeDofs;
        private final int velocimeter;
        private final int imu;
        private final int toeForcesAndTorques;

        Move(DmcPhysics physics, double speed) {
            this.speed = speed;
            var model = physics.model();
            // the floor reaches as far as the task's speed carries the body in an episode (the model file has walk's)
            physics.setFloorSize(TIME_LIMIT * speed);
            this.torso = model.bodyId("torso");
            this.hingeQpos = physics.hingeQposAddresses();
            this.hingeDofs = physics.hingeDofAddresses();
            this.velocimeter = physics.sensorAddress("velocimeter");
            this.imu = physics.sensorAddress("imu_accel"); // the gyro's 3 entries follow
            this.toeForcesAndTorques = physics.sensorAddress("force_toe_front_left"); // 4 forces, then 4 torques
        }

        /**
         * A random orientation (a normal 4-vector, normalised), then the lowest height, in 1 cm steps up from the
         * floor, at which the body at rest touches nothing.
         */
        @Override
        public void initializeEpisode(DmcPhysics physics, RandomGenerator rng) {
            double[] quat = {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()};
            double norm = Math.sqrt(quat[0] * quat[0] + quat[1] * quat[1] + quat[2] * quat[2] + quat[3] * quat[3]);
            var qpos = physics.qpos();
            double z = 0;
            for (int attempt = 1; ; attempt++) {
                physics.resetData();
                qpos.put(0, 0).put(1, 0).put(2, z);
                for (int i = 0; i < 4; i++) {
                    qpos.put(3 + i, quat[i] / norm);
                }
                physics.afterReset();
                z += 0.01;
                if (physics.contactCount() == 0) {
                    return;
                }
                if (attempt >= MAX_ATTEMPTS) {
                    throw new SimulationSetupException("quadruped: no height without contacts in " + MAX_ATTEMPTS
                            + " attempts");
                }
            }
        }

        @Override
        public void observe(DmcPhysics physics, Observation out) {
            out.add(physics.qpos(), hingeQpos).add(physics.qvel(), hingeDofs);
            out.addAll(physics.data().act());
            var sensors = physics.sensordata();
            out.add(sensors, velocimeter, 3);
            out.add(physics.xmat().get(9 * torso + ZZ));
            out.add(sensors, imu, 6);
            for (int i = 0; i < 24; i++) {
                out.add(asinh(sensors.get(toeForcesAndTorques + i)));
            }
        }

        @Override
        public double reward(DmcPhysics physics) {
            // upright: 1 with the torso's z axis straight up, falling linearly to 0 upside down
            double upright = Tolerance.tolerance(physics.xmat().get(9 * torso + ZZ), 1, Double.POSITIVE_INFINITY, 2,
                    Sigmoid.LINEAR, 0);
            double forward = physics.sensordata().get(velocimeter);
            double move = Tolerance.tolerance(forward, speed, Double.POSITIVE_INFINITY, speed, Sigmoid.LINEAR, 0.5);
            return upright * move;
        }

        /** The inverse hyperbolic sine, numpy's {@code arcsinh} (accurate near zero through log1p). */
        static double asinh(double x) {
            double a = Math.abs(x);
            double r = Math.log1p(a + a * a / (1 + Math.sqrt(1 + a * a)));
            return Math.copySign(r, x);
        }
    }
}
