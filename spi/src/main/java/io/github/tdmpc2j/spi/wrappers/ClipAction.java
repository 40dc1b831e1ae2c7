package io.github.tdmpc2j.spi.wrappers;

import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.StepResult;

/** Clips every action entry into the inner env's action bounds. */
public final class ClipAction extends EnvWrapper {
    private final float[] low;
    private final float[] high;

    public ClipAction(Env inner) {
        super(inner);
        Box box = inner.spec().actionSpace();
        this.low = box.low();
        this.high = box.high();
    }

    @Override
    public StepResult step(float[] action) {
        float[] clipped = action.clone();
        for (int i = 0; i < clipped.length && i < low.length; i++) {
            clipped[i] = Math.min(high[i], Math.max(low[i], clipped[i]));
        }
        return inner.step(clipped);
    }
}
