package io.github.tdmpc2j.spi.wrappers;

import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.PluginException;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.TaskSpec;

/**
 * Shows the agent an action box of [lo, hi] (by default [-1, 1]) and maps each action linearly onto the
 * inner env's bounded action box.
 */
public final class RescaleAction extends EnvWrapper {
    private final Box innerBox;
    private final float lo;
    private final float hi;
    private final TaskSpec spec;

    public RescaleAction(Env inner) {
        this(inner, -1f, 1f);
    }

    public RescaleAction(Env inner, float lo, float hi) {
        super(inner);
        Box box = requireBounded(inner.spec());
        if (!(lo < hi) || !Float.isFinite(lo) || !Float.isFinite(hi)) {
            throw new PluginException("cannot rescale the actions of " + inner.spec().id() + " from [" + lo + ", "
                    + hi + "]: give finite bounds, the low below the high");
        }
        this.innerBox = box;
        this.lo = lo;
        this.hi = hi;
        this.spec = inner.spec().withActionSpace(Box.of(box.size(), lo, hi));
    }

    /**
     * The task's action box, which must have finite bounds to be rescaled onto: else a {@link PluginException} (the
     * plug-in gave the task no bounds). The one check of every env that rescales actions.
     */
    public static Box requireBounded(TaskSpec spec) {
        Box box = spec.actionSpace();
        if (!box.isBounded()) {
            throw new PluginException("cannot rescale the unbounded action space " + box + " of " + spec.id()
                    + ": give the task finite action bounds");
        }
        return box;
    }

    @Override
    public TaskSpec spec() {
        return spec;
    }

    @Override
    public StepResult step(float[] action) {
        float[] mapped = new float[action.length];
        for (int i = 0; i < action.length && i < innerBox.size(); i++) {
            mapped[i] = innerBox.rescale(i, action[i], lo, hi);
        }
        return inner.step(mapped);
    }
}
