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
     * The task's action box, which must have finite bounds to be rescaled onto: else a {@link PluginException} saying
     * which entry has none ({@link #unboundedReason}). The one check of every env that rescales actions: this
     * wrapper, a wrapped vector env, and {@code EnvRegistry}'s make and availability.
     */
    public static Box requireBounded(TaskSpec spec) {
        String unbounded = unboundedReason(spec);
        if (unbounded != null) {
            throw new PluginException(unbounded);
        }
        return spec.actionSpace();
    }

    /**
     * Why the task's action box cannot be rescaled onto (its first entry without finite bounds, and what to do), or
     * null when it can: what {@link #requireBounded} refuses, for a caller that reports it without throwing (a task's
     * availability) or names the plug-in first.
     */
    public static String unboundedReason(TaskSpec spec) {
        Box box = spec.actionSpace();
        int i = box.unboundedEntry();
        if (i < 0) {
            return null;
        }
        return spec.id() + " has the unbounded action space " + box + ": action entry " + i + " lies in ["
                + box.low(i) + ", " + box.high(i) + "]; an env made with the standard wrappers takes actions in "
                + "[-1, 1] rescaled onto the task's bounds, so the plug-in must give finite ones (an env made raw, "
                + "without wrappers, takes its actions as they are)";
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
