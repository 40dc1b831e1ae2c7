package io.github.tdmpc2j.agent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.github.tdmpc2j.agent.gpu.CudaGraph;
import io.github.tdmpc2j.agent.gpu.TorchNative;
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
    private final Runnable saveState;
    private final Runnable restoreState;
    private NDArray output;
    private CudaGraph graph;

    /**
     * @param body         input -> result on the device; its state changes must be in place
     * @param saveState    keeps the state the body changes, before the eager warm-up runs
     * @param restoreState puts it back after the capture
     */
    GraphedCall(NDManager parent, int inputSize, UnaryOperator<NDArray> body, Runnable saveState,
            Runnable restoreState) {
        this.manager = parent.newSubManager();
        this.input = manager.zeros(new Shape(inputSize));
        this.body = body;
        this.saveState = saveState;
        this.restoreState = restoreState;
    }

    float[] run(float[] data) {
        TorchNative.copyFromHost(input, data);
        if (graph == null) {
            saveState.run();
            try {
                graph = capture();
            } finally {
                restoreState.run();
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
