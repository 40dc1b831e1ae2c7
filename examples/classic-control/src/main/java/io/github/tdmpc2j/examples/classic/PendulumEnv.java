package io.github.tdmpc2j.examples.classic;

import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.ResetResult;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.TaskSpec;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The inverted pendulum swing-up with Gymnasium Pendulum-v1's dynamics and reward: a unit rod under gravity
 * 10, torque in [-2, 2], time step 0.05 s, speed clipped to 8 rad/s; reward
 * {@code -(angle^2 + 0.1 speed^2 + 0.001 torque^2)} where angle 0 is upright. Observation: cos, sin, speed.
 */
final class PendulumEnv implements Env {
    static final double MAX_SPEED = 8;
    static final double MAX_TORQUE = 2;
    static final double DT = 0.05;
    static final double G = 10;
    static final double MASS = 1;
    static final double LENGTH = 1;

    private final TaskSpec spec;
    private double angle;
    private double speed;

    PendulumEnv(TaskSpec spec) {
        this.spec = spec;
    }

    @Override
    public TaskSpec spec() {
        return spec;
    }

    @Override
    public ResetResult reset(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        angle = rng.nextDouble(-Math.PI, Math.PI);
        speed = rng.nextDouble(-1, 1);
        return new ResetResult(observation());
    }

    @Override
    public StepResult step(float[] action) {
        double u = Math.max(-MAX_TORQUE, Math.min(MAX_TORQUE, action[0]));
        double a = normalize(angle);
        double cost = a * a + 0.1 * speed * speed + 0.001 * u * u;
        double newSpeed = speed + (3 * G / (2 * LENGTH) * Math.sin(angle) + 3.0 / (MASS * LENGTH * LENGTH) * u) * DT;
        speed = Math.max(-MAX_SPEED, Math.min(MAX_SPEED, newSpeed));
        angle = angle + speed * DT;
        return new StepResult(observation(), -cost, false, false, Map.of());
    }

    /** Puts the pendulum at an angle (0 = upright) and speed, for tests. */
    void setState(double angle, double speed) {
        this.angle = angle;
        this.speed = speed;
    }

    @Override
    public void close() {
    }

    private float[] observation() {
        return new float[] {(float) Math.cos(angle), (float) Math.sin(angle), (float) speed};
    }

    static double normalize(double x) {
        return ((x + Math.PI) % (2 * Math.PI) + 2 * Math.PI) % (2 * Math.PI) - Math.PI;
    }
}
