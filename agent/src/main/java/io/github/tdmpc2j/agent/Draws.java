package io.github.tdmpc2j.agent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Where the agent's random numbers come from: the planner's Gaussian samples, its Gumbel draw and exploration
 * noise, the policy prior's normal draw and the two random Q heads. {@link #ENGINE}, the default, draws from the
 * NDManager (the engine's generator, seeded by the agent), on the device and without a host round trip, so a
 * plan stays capturable as a CUDA graph. The reference-parity tests replace it with the draws recorded from the
 * reference, to compare numbers with the same randomness.
 */
interface Draws {
    /** Standard normal floats of the given shape. */
    NDArray normal(NDManager m, Shape shape);

    /** Floats uniform in [0, 1) of the given shape. */
    NDArray uniform(NDManager m, Shape shape);

    /** int64 values uniform in [low, high) of the given shape. */
    NDArray integer(NDManager m, long low, long high, Shape shape);

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
