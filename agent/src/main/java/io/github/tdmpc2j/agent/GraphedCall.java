package io.github.tdmpc2j.agent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.github.tdmpc2j.agent.gpu.CudaGraph;
import io.github.tdmpc2j.agent.gpu.TorchNative;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A call of the agent (one act, one update) captured as a CUDA graph on its first run and replayed after: the
 * input floats are written in place into a tensor the graph reads, the graph runs as one launch, and the result is
 * read from the tensor it writes. The capture's eager warm-up runs change state, so the state is saved before and
 * restored after them; the first replay is the call's real run.
 */
final class GraphedCall implements AutoCloseable {
    /** Eager runs on the capture stream before the capture (lazy initialisation, cuBLAS workspaces). */
    private static final int WARMUPS = 2;
    private final NDManager manager;
    private final NDArray input;
    private final UnaryOperator<NDArray> body;
    private final Supplier<List<NDArray>> state;
    private NDArray output;
    private CudaGraph graph;

    /**
     * @param body  input -> result on the device; its state changes must be in place
     * @param state the tensors the body changes: copied before the eager warm-up runs, put back after the capture
     */
    GraphedCall(NDManager parent, int inputSize, UnaryOperator<NDArray> body, Supplier<List<NDArray>> state) {
        this.manager = parent.newSubManager();
        this.input = manager.zeros(new Shape(inputSize));
        this.body = body;
        this.state = state;
    }

    float[] run(float[] data) {
        TorchNative.copyFromHost(input, data);
        if (graph == null) {
            List<NDArray> live = state.get();
            List<NDArray> saved = new ArrayList<>(live.size());
            for (NDArray x : live) {
                NDArray copy = x.zerosLike();
                NDScope.unregister(copy);
                TorchNative.copyInto(copy, x);
                saved.add(copy);
            }
            try {
                graph = capture();
            } finally {
                for (int i = 0; i < live.size(); i++) {
                    TorchNative.copyInto(live.get(i), saved.get(i));
                    saved.get(i).close();
                }
            }
        }
        graph.replay();
        return output.toFloatArray();
    }

    private CudaGraph capture() {
        return CudaGraph.capture(manager.getDevice().getDeviceId(), WARMUPS, () -> {
            try (NDScope scope = new NDScope()) {
                NDArray out = body.apply(input);
                NDScope.unregister(out);
                out.attach(manager);
                if (output != null) {
                    output.close();
                }
                output = out;
            }
        });
    }

    @Override
    public void close() {
        if (graph != null) {
            graph.close();
        }
        manager.close();
    }
}
