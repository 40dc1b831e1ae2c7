package io.github.tdmpc2j.agent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;

/**
 * Where the agent's random numbers come from: the planner's Gaussian samples, its Gumbel draw and exploration
 * noise, the policy prior's normal draw, the two random Q heads and the Q heads' dropout. {@link #ENGINE} draws from
 * the NDManager (the engine's generator, seeded by the agent), on the device and without a host round trip, so a
 * plan stays capturable as a CUDA graph: agents on a GPU use it. On the CPU each agent draws from a generator of its
 * own ({@link OwnDraws}). The reference-parity tests replace either with the draws recorded from the reference, to
 * compare numbers with the same randomness.
 */
interface Draws {
    /** Standard normal floats of the given shape. */
    NDArray normal(NDManager m, Shape shape);

    /** Floats uniform in [0, 1) of the given shape. */
    NDArray uniform(NDManager m, Shape shape);

    /** int64 values uniform in [low, high) of the given shape. */
    NDArray integer(NDManager m, long low, long high, Shape shape);

    /** {@code x} with each entry zeroed with probability {@code p} and the others scaled by 1 / (1 - p). */
    default NDArray dropout(NDArray x, float p) {
        return Dropout.dropout(x, p, true).singletonOrThrow();
    }

    Draws ENGINE = new Draws() {
        @Override
        public NDArray normal(NDManager m, Shape shape) {
            return m.randomNormal(shape);
        }

        @Override
        public NDArray uniform(NDManager m, Shape shape) {
            return m.randomUniform(0f, 1f, shape);
        }

        @Override
        public NDArray integer(NDManager m, long low, long high, Shape shape) {
            return m.randomInteger(low, high, shape, DataType.INT64);
        }
    };
}
