package io.github.tdmpc2j.agent.nn;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Autograd off for a block, on the calling thread. PyTorch's grad mode is per thread and on by default: DJL turns
 * it off only on the thread that loads the engine, so on any other thread (a collect worker, a test's executor)
 * acting would record graphs, target computations would carry gradients, and in-place writes into weights would
 * be refused ("a leaf Variable that requires grad is being used in an in-place operation").
 */
public final class NoGrad implements AutoCloseable {
    private final boolean previous;

    public NoGrad() {
        previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
