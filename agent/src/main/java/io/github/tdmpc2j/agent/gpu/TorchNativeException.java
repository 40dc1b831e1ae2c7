package io.github.tdmpc2j.agent.gpu;

import io.github.tdmpc2j.spi.TdmpcException;

/** A failure inside tdmpc2j's native extension of the PyTorch engine (a CUDA error, a capture that failed). */
public final class TorchNativeException extends TdmpcException {
    private static final long serialVersionUID = 1L;

    public TorchNativeException(String message) {
        super(message);
    }
}
