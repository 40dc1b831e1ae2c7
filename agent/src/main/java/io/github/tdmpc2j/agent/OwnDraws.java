package io.github.tdmpc2j.agent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.IValue;
import io.github.tdmpc2j.agent.nn.Mlp;
import io.github.tdmpc2j.agent.nn.ScriptOps;

/**
 * Draws from a PyTorch CPU generator that belongs to one agent ({@link ScriptOps#generator}), instead of the engine's
 * one generator that every agent of the JVM shares: so agents that act and learn at once on several threads (Spark's
 * {@code local[K]}, an executor with several cores) each see the numbers they would see alone, and a run repeats
 * whatever runs beside it. Seeded as the engine's generator is seeded, with the same kind of generator and the same
 * operators, it gives the numbers the engine's generator gave (a single agent learns exactly as before).
 */
final class OwnDraws implements Draws, AutoCloseable {
    private IValue generator;

    OwnDraws(long seed) {
        generator = ScriptOps.generator(seed);
    }

    /** Starts the generator over from {@code seed}. */
    void reseed(long seed) {
        IValue old = generator;
        generator = ScriptOps.generator(seed);
        old.close();
    }

    @Override
    public NDArray normal(NDManager m, Shape shape) {
        return ScriptOps.normal(m, generator, shape);
    }

    @Override
    public NDArray uniform(NDManager m, Shape shape) {
        return ScriptOps.uniform(m, generator, shape);
    }

    @Override
    public NDArray integer(NDManager m, long low, long high, Shape shape) {
        return ScriptOps.integer(m, generator, low, high, shape);
    }

    @Override
    public NDArray dropout(NDArray x, float p) {
        NDArray keep = ScriptOps.keepMask(x.getManager(), generator, x, p);
        NDArray out = x.mul(keep);
        Mlp.done(keep);
        return out;
    }

    @Override
    public void close() {
        generator.close();
    }
}
