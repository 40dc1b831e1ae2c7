package io.github.tdmpc2j.agent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.github.tdmpc2j.agent.gpu.CudaGraph;
import io.github.tdmpc2j.agent.gpu.TorchNative;
import java.util.function.UnaryOperator;

/**
 * One act, captured as a CUDA graph on its first call and replayed after: the input is written in place into a
 * tensor the graph reads, the graph runs as one launch, and the action is read from the tensor it writes.
 */
final class ActGraph implements AutoCloseable {
    private final NDManager manager;
    private final NDArray input;
    private final UnaryOperator<NDArray> body;
    private final Runnable saveState;
    private final Runnable restoreState;
    private NDArray output;
    private CudaGraph graph;

    /**
     * @param body         input -> action on the device; its state changes must be in place
     * @param saveState    keeps the state the body changes, before the eager warm-up runs
     * @param restoreState puts it back after the capture
     */
    ActGraph(NDManager parent, int inputSize, UnaryOperator<NDArray> body, Runnable saveState,
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
        return CudaGraph.capture(manager.getDevice().getDeviceId(), 3, () -> {
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
