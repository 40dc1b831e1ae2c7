package io.github.tdmpc2j.tasks.dmc;

import java.nio.DoubleBuffer;
import java.util.random.RandomGenerator;

/**
 * dm_control's {@code randomize_limited_and_rotational_joints}: every joint, in id order, gets a random position.
 * Limited hinges and slides are uniform in their range, unlimited hinges uniform in [-pi, pi], unlimited ball
 * joints a uniform unit quaternion, free joints a random orientation (their position is kept). Unlimited slides
 * are left alone.
 */
public final class JointRandomizer {
    private static final int FREE = 0;
    private static final int BALL = 1;
    private static final int SLIDE = 2;
    private static final int HINGE = 3;

    private JointRandomizer() {
    }

    public static void randomize(DmcPhysics physics, RandomGenerator rng) {
        var model = physics.model();
        DoubleBuffer qpos = physics.qpos();
        int njnt = model.njnt();
        for (int j = 0; j < njnt; j++) {
            int type = model.jntType().get(j);
            int adr = model.jntQposAdr().get(j);
            boolean limited = physics.jointLimited(j);
            double lo = model.jntRange().get(2 * j);
            double hi = model.jntRange().get(2 * j + 1);
            if (limited) {
                if (type == HINGE || type == SLIDE) {
                    qpos.put(adr, uniform(rng, lo, hi));
                } else if (type == BALL) {
                    throw new UnsupportedOperationException("limited ball joints are not randomized yet (joint " + j + ")");
                }
            } else if (type == HINGE) {
                qpos.put(adr, uniform(rng, -Math.PI, Math.PI));
            } else if (type == BALL) {
                putUnitQuaternion(qpos, adr, rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian(),
                        rng.nextGaussian());
            } else if (type == FREE) {
                // dm_control draws this quaternion from [0, 1)^4, not from a normal; kept for fidelity.
                putUnitQuaternion(qpos, adr + 3, rng.nextDouble(), rng.nextDouble(), rng.nextDouble(),
                        rng.nextDouble());
            }
        }
    }

    /** Uniform in [lo, hi), as numpy's {@code uniform(lo, hi)}. */
    public static double uniform(RandomGenerator rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }

    private static void putUnitQuaternion(DoubleBuffer qpos, int adr, double w, double x, double y, double z) {
        double norm = Math.sqrt(w * w + x * x + y * y + z * z);
        qpos.put(adr, w / norm);
        qpos.put(adr + 1, x / norm);
        qpos.put(adr + 2, y / norm);
        qpos.put(adr + 3, z / norm);
    }
}
