package io.github.tdmpc2j.agent.gpu;

/**
 * A CUDA graph of everything one piece of Java code issues to the GPU through DJL, replayed with one launch. The
 * code is run a few times eagerly on a side stream first (lazy initialisation, cuBLAS workspaces), then once under
 * capture. Tensors it reads must stay at the same addresses (write new inputs into them in place) and the tensors
 * it produces must be kept by the caller: a replay rewrites those same tensors.
 */
public final class CudaGraph implements AutoCloseable {
    private long handle;

    private CudaGraph(long handle) {
        this.handle = handle;
    }

    /**
     * @param device  CUDA device index
     * @param warmups eager runs before the capture (they execute, with their side effects)
     * @param body    what to capture
     */
    public static CudaGraph capture(int device, int warmups, Runnable body) {
        if (!TorchNative.available()) {
            throw new TorchNativeException("CUDA graphs need tdmpc2j's native extension: "
                    + TorchNative.unavailableReason().orElse(""));
        }
        long side = TorchNative.sideStreamEnter(device);
        long graph = 0;
        try {
            for (int i = 0; i < warmups; i++) {
                body.run();
            }
            TorchNative.synchronize(device);
            graph = TorchNative.graphNew();
            TorchNative.graphCaptureBegin(graph);
            try {
                body.run();
            } finally {
                TorchNative.graphCaptureEnd(graph);
            }
            CudaGraph captured = new CudaGraph(graph);
            graph = 0;
            return captured;
        } finally {
            if (graph != 0) {
                TorchNative.graphDelete(graph);
            }
            TorchNative.sideStreamExit(side);
        }
    }

    /** Launches the captured work on the current stream (asynchronously). */
    public void replay() {
        if (handle == 0) {
            throw new IllegalStateException("this CUDA graph is closed");
        }
        TorchNative.graphReplay(handle);
    }

    @Override
    public void close() {
        if (handle != 0) {
            TorchNative.graphDelete(handle);
            handle = 0;
        }
    }
}
