package io.github.tdmpc2j.agent.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic with a scalar that is safe under autograd. DJL's {@code NDArray.mul(Number)} (and {@code div},
 * {@code maximum}, ...) wraps the number in a tensor whose memory is a Java direct buffer and closes that tensor
 * right after the operation; PyTorch's autograd keeps the tensor for the backward pass (the gradient of
 * {@code x * c} needs {@code c}), but once closed nothing in Java holds the buffer, so a garbage collection before
 * {@code backward} frees memory the backward pass then reads. Gradients came out different from run to run with
 * the same seed, depending on when the collector ran. The scalars made here are allocated by PyTorch itself
 * ({@code full}), so the tensor autograd keeps owns its memory.
 *
 * <p>Use these for every scalar operation recorded for a backward pass (inside a {@code GradientCollector});
 * without gradients, DJL's own methods are fine.
 */
public final class Scalars {
    private Scalars() {
    }

    public static NDArray scalar(NDArray like, float value) {
        return like.getManager().full(new Shape(), value, like.getDataType());
    }

    public static NDArray mul(NDArray x, float value) {
        return x.mul(scalar(x, value));
    }

    public static NDArray div(NDArray x, float value) {
        return x.div(scalar(x, value));
    }

    public static NDArray add(NDArray x, float value) {
        return x.add(scalar(x, value));
    }

    public static NDArray sub(NDArray x, float value) {
        return x.sub(scalar(x, value));
    }

    public static NDArray maximum(NDArray x, float value) {
        return x.maximum(scalar(x, value));
    }
}
