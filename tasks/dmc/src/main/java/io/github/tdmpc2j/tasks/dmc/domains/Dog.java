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
 * A dog with 38 filtered actuators (8 of them pull fixed tendons along the spine, neck and tail) that starts in its
 * default pose, turned at random about the vertical, its torso pushed horizontally and spun, its actuators'
 * activations random. Stand pays for the torso and pelvis at 90% of their default height, the skull, torso and
 * pelvis upright, and the soles and palms bearing the body's weight; walk, trot and run also pay for the centre of
 * mass moving forward (along the torso's own x axis) at 1, 3 or 9 m/s (up to twice that). Observation (223): the 73
 * hinges' angles and velocities, torso and pelvis heights, the z projections of the skull, torso and pelvis frames,
 * the centre of mass's velocity in the torso's frame, head accelerometer, velocimeter and gyro, the force sensors at
 * feet and hands, the touch sensors at palms and soles, the 38 activations.
 */
public final class Dog implements DmcDomain {
    static final double WALK_SPEED = 1;
    static final double TROT_SPEED = 3;
    static final double RUN_SPEED = 9;
    /** The fraction of the default pose's torso and pelvis heights at and above which standing pays fully. */
    static final double STAND_HEIGHT_FRACTION = 0.9;
    private static final String MODEL = "dog.xml";
    private static final int SUB_STEPS = 3; // control timestep 0.015 s over physics timestep 0.005 s
    private static final double TIME_LIMIT = 15; // seconds per episode: 1000 control steps
    private static final double MIN_UPRIGHT_COSINE = Math.cos(Math.toRadians(30));

    @Override
    public List<DmcTaskDefinition> tasks() {
        return List.of(
                definition("dog-stand", 0),
                definition("dog-walk", WALK_SPEED),
                definition("dog-trot", TROT_SPEED),
                definition("dog-run", RUN_SPEED));
    }

    private static DmcTaskDefinition definition(String name, double speed) {
        return new DmcTaskDefinition(name, MODEL, SUB_STEPS, 223, 38, physics -> new Move(physics, speed));
    }

    /** dm_control's {@code dog.Stand} (speed 0) and {@code dog.Move}, on the floor each of its tasks makes. */
    static final class Move implements DmcTask {
        private static final int ZX = 6;
        private static final int ROOT_QUAT = 3;
        private static final int ROOT_VX = 0;
        private static final int ROOT_VY = 1;
        private static final int ROOT_WZ = 5;

        private final double speed;
        private final int torso;
        private final int pelvis;
        private final int[] zProjected;
        private final int[] hingeQpos;
        private final int[] hingeDofs;
        private final int comVelocity;
        private final int inertialSensors;
        private final int footForces;
        private final int touchSensors;
        private final double[] standHeight;
        private final double bodyWeight;

        Move(DmcPhysics physics, double speed) {
            this.speed = speed;
            var model = physics.model();
            // the floor reaches as far as the task's speed carries the dog in an episode (stand: walk's; the file's)
            physics.setFloorSize(TIME_LIMIT * Math.max(speed, WALK_SPEED));
            this.torso = model.bodyId("torso");
            this.pelvis = model.bodyId("pelvis");
            this.zProjected = new int[] {model.bodyId("skull"), torso, pelvis};
            this.hingeQpos = physics.hingeQposAddresses();
            this.hingeDofs = physics.hingeDofAddresses();
            this.comVelocity = physics.sensorAddress("torso_linvel");
            // each group is consecutive in the model's sensor list, in the order dm_control reads them
            this.inertialSensors = consecutive(physics, "accelerometer", "velocimeter", "gyro");
            this.footForces = consecutive(physics, "foot_L", "foot_R", "hand_L", "hand_R");
            this.touchSensors = consecutive(physics, "palm_L", "palm_R", "sole_L", "sole_R");
            // dm_control measures these in the default pose at every episode's start; they never change
            physics.resetData();
            this.standHeight = new double[] {STAND_HEIGHT_FRACTION * height(physics, torso),
                    STAND_HEIGHT_FRACTION * height(physics, pelvis)};
            this.bodyWeight = -physics.rawModel().opt().gravity(2) * physics.rawModel().body_subtreemass().get(torso);
        }

        /** The default pose turned by a random azimuth, random horizontal and yaw velocities, random activations. */
        @Override
        public void initializeEpisode(DmcPhysics physics, RandomGenerator rng) {
            double azimuth = JointRandomizer.uniform(rng, 0, 2 * Math.PI);
            var qpos = physics.qpos();
            qpos.put(ROOT_QUAT, Math.cos(azimuth / 2)).put(ROOT_QUAT + 1, 0).put(ROOT_QUAT + 2, 0)
                    .put(ROOT_QUAT + 3, Math.sin(azimuth / 2));
            var qvel = physics.qvel();
            qvel.put(ROOT_VX, 2 * rng.nextGaussian());
            qvel.put(ROOT_VY, 2 * rng.nextGaussian());
            qvel.put(ROOT_WZ, 2 * rng.nextGaussian());
            var act = physics.data().act();
            var ctrlRange = physics.model().actuatorCtrlRange();
            for (int i = 0; i < act.limit(); i++) {
                act.put(i, JointRandomizer.uniform(rng, ctrlRange.get(2 * i), ctrlRange.get(2 * i + 1)));
            }
        }

        @Override
        public void observe(DmcPhysics physics, Observation out) {
            out.add(physics.qpos(), hingeQpos).add(physics.qvel(), hingeDofs);
            out.add(height(physics, torso), height(physics, pelvis));
            var xmat = physics.xmat();
            for (int body : zProjected) {
                out.add(xmat, 9 * body + ZX, 3);
            }
            for (int c = 0; c < 3; c++) {
                out.add(torsoComVelocity(physics, c));
            }
            var sensors = physics.sensordata();
            out.add(sensors, inertialSensors, 9);
            out.add(sensors, footForces, 12);
            out.add(sensors, touchSensors, 4);
            out.addAll(physics.data().act());
        }

        @Override
        public double reward(DmcPhysics physics) {
            double reward = Tolerance.tolerance(height(physics, torso), standHeight[0], Double.POSITIVE_INFINITY,
                    standHeight[0], Sigmoid.GAUSSIAN);
            reward *= Tolerance.tolerance(height(physics, pelvis), standHeight[1], Double.POSITIVE_INFINITY,
                    standHeight[1], Sigmoid.GAUSSIAN);
            var xmat = physics.xmat();
            for (int body : zProjected) {
                reward *= Tolerance.tolerance(xmat.get(9 * body + ZX + 2), MIN_UPRIGHT_COSINE,
                        Double.POSITIVE_INFINITY, MIN_UPRIGHT_COSINE + 1, Sigmoid.LINEAR, 0);
            }
            var sensors = physics.sensordata();
            double touch = 0;
            for (int i = 0; i < 4; i++) {
                touch += sensors.get(touchSensors + i);
            }
            reward *= Tolerance.tolerance(touch, bodyWeight, Double.POSITIVE_INFINITY, bodyWeight, Sigmoid.LINEAR,
                    0.9);
            if (speed == 0) {
                return reward;
            }
            double forward = Tolerance.tolerance(torsoComVelocity(physics, 0), speed, 2 * speed, Math.max(1, speed),
                    Sigmoid.LINEAR, 0);
            return reward * ((4 * forward + 1) / 5);
        }

        double[] standHeight() {
            return standHeight.clone();
        }

        double bodyWeight() {
            return bodyWeight;
        }

        private static double height(DmcPhysics physics, int body) {
            return physics.xpos().get(3 * body + 2);
        }

        /** Component c of the centre of mass's velocity in the torso's frame: its dot product with column c of xmat. */
        private double torsoComVelocity(DmcPhysics physics, int c) {
            var v = physics.sensordata();
            var xmat = physics.xmat();
            return v.get(comVelocity) * xmat.get(9 * torso + c) + v.get(comVelocity + 1) * xmat.get(9 * torso + 3 + c)
                    + v.get(comVelocity + 2) * xmat.get(9 * torso + 6 + c);
        }

        private static int consecutive(DmcPhysics physics, String... sensors) {
            int first = physics.sensorAddress(sensors[0]);
            int next = first;
            for (String sensor : sensors) {
                if (physics.sensorAddress(sensor) != next) {
                    throw new IllegalStateException("dog.xml: sensor " + sensor + " is not where dm_control's order puts it");
                }
                next += physics.model().sensorDim().get(physics.model().sensorId(sensor));
            }
            return first;
        }
    }
}
