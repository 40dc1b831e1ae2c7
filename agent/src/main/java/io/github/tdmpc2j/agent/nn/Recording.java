package io.github.tdmpc2j.agent.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Autograd on for a block, on the calling thread, with the backward pass of a loss: what DJL's
 * {@code GradientCollector} does, without its one-per-JVM rule. DJL's PyTorch collector refuses to open while any
 * other thread has one open ("A PtGradientCollector is already collecting"), so two agents could not update at once
 * in one JVM: {@code bench --master local[2]} lost a unit to it. PyTorch's grad mode is per thread and its autograd
 * engine runs independent graphs from several threads, so nothing needs that rule here.
 */
public final class Recording implements AutoCloseable {
    private final boolean previous;

    public Recording() {
        previous = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
    }

    /** Gradients of the scalar {@code loss} into the {@code .grad} of every leaf that requires them (added). */
    public void backward(NDArray loss) {
        try (NDArray seed = loss.onesLike()) {
            JniUtils.backward((PtNDArray) loss, (PtNDArray) seed, false, false);
        }
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
