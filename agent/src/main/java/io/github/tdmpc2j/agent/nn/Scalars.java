package io.github.tdmpc2j.agent.nn;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Arithmetic with a constant scalar, without a host round trip and safe under autograd.
 *
 * <p>DJL's {@code NDArray.mul(Number)} (and {@code add}, {@code maximum}, {@code gt}, ...) wraps the number in a
 * tensor made from a Java direct buffer and closes it right after the operation. Two costs follow. On a GPU that
 * tensor is copied from pageable host memory, which waits for every kernel queued before it: one host
 * synchronisation per scalar operation. Under autograd, PyTorch keeps the tensor for the backward pass while
 * nothing in Java holds the buffer, so a garbage collection before {@code backward} freed memory the backward
 * pass then read (gradients differed from run to run with the same seed).
 *
 * <p>The scalars here are 0-d tensors that PyTorch allocates itself ({@code full}) on the array's own device, made
 * once per (device, type, value) and kept for the life of the process; a captured CUDA graph may refer to them.
 * Use these for every scalar operation in the agent, with or without gradients.
 */
public final class Scalars {
    /** Distinct constants an agent uses are a few hundred; past this, scalars are made per call. */
    private static final int MAX_CACHED = 8192;
    private static final Map<Device, NDManager> MANAGERS = new ConcurrentHashMap<>();
    private static final Map<Key, NDArray> CACHE = new ConcurrentHashMap<>();

    private record Key(Device device, DataType type, long bits) {
    }

    private Scalars() {
    }

    /** A 0-d constant of {@code like}'s type on {@code like}'s device. */
    public static NDArray scalar(NDArray like, float value) {
        NDArray cached = of(like.getDevice(), like.getDataType(), value);
        // past the cache's size: made in the caller's manager, like any other intermediate
        return cached != null ? cached : like.getManager().full(new Shape(), value, like.getDataType());
    }

    /** A 0-d constant on the given device (never closed: do not close it); null once the cache is full. */
    public static NDArray of(Device device, DataType type, double value) {
        Key key = new Key(device, type, Double.doubleToLongBits(value));
        NDArray cached = CACHE.get(key);
        if (cached != null) {
            return cached;
        }
        if (CACHE.size() >= MAX_CACHED) {
            return null;
        }
        NDManager manager = constants(device);
        return CACHE.computeIfAbsent(key, k -> {
            NDArray made = manager.full(new Shape(), (float) value, type);
            ai.djl.ndarray.NDScope.unregister(made);
            return made;
        });
    }

    /**
     * A manager on {@code device} that lives as long as the process, for other constants made once (bin centres,
     * index tables); arrays made in it must be unregistered from any open {@code NDScope}.
     */
    public static NDManager constants(Device device) {
        return MANAGERS.computeIfAbsent(device, d -> Engine.getEngine("PyTorch").newBaseManager(d));
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

    public static NDArray minimum(NDArray x, float value) {
        return x.minimum(scalar(x, value));
    }

    /** {@code x} clamped to [lo, hi] (DJL's {@code clip(Number, Number)} copies both bounds from the host). */
    public static NDArray clip(NDArray x, float lo, float hi) {
        return minimum(maximum(x, lo), hi);
    }

    /** {@code 1 - x}. */
    public static NDArray oneMinus(NDArray x) {
        return scalar(x, 1f).sub(x);
    }

    /** 1 where {@code x > value}, else 0, in {@code x}'s type. */
    public static NDArray greaterThan(NDArray x, float value) {
        return x.gt(scalar(x, value)).toType(x.getDataType(), false);
    }
}
