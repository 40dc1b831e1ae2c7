package io.github.tdmpc2j.agent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.github.tdmpc2j.agent.gpu.TorchNative;
import io.github.tdmpc2j.agent.nn.Scalars;

/**
 * The reference's running scale of Q values for the policy loss: an exponential moving average (rate tau) of
 * the spread between the 5th and 95th percentile of a batch of Q values, at least 1. It lives on the agent's
 * device as a 0-d tensor, so updating and using it reads nothing back.
 */
public final class RunningScale {
    private final float tau;
    private final NDManager manager;
    private NDArray value;

    public RunningScale(float tau, NDManager manager) {
        this.tau = tau;
        this.manager = manager;
        this.value = keep(manager.ones(new Shape()));
    }

    /** Updates from a batch of Q values (any shape). */
    public void update(NDArray q) {
        NDArray sorted = q.stopGradient().reshape(-1).sort(0);
        long n = sorted.getShape().get(0);
        NDArray spread = Scalars.maximum(percentile(sorted, n, 95).sub(percentile(sorted, n, 5)), 1f);
        TorchNative.assign(value, value.add(Scalars.mul(spread.sub(value), tau)));
    }

    /** The current scale, on the device (owned here: do not close). */
    public NDArray tensor() {
        return value;
    }

    /** The current scale, read back (a host synchronisation). */
    public float value() {
        return value.getFloat();
    }

    public void set(float v) {
        TorchNative.assign(value, manager.full(new Shape(), v));
    }

    /** Linear-interpolation percentile (numpy's default) of n sorted values. */
    private static NDArray percentile(NDArray sorted, long n, double q) {
        double pos = q / 100.0 * (n - 1);
        long lo = (long) Math.floor(pos);
        long hi = Math.min(lo + 1, n - 1);
        NDArray low = sorted.get(lo);
        return low.add(Scalars.mul(sorted.get(hi).sub(low), (float) (pos - lo)));
    }

    private NDArray keep(NDArray x) {
        NDScope.unregister(x);
        x.attach(manager);
        return x;
    }
}
