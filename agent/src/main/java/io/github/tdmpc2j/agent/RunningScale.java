package io.github.tdmpc2j.agent;

import ai.djl.ndarray.NDArray;

/**
 * The reference's running scale of Q values for the policy loss: an exponential moving average (rate tau) of
 * the spread between the 5th and 95th percentile of a batch of Q values, at least 1.
 */
public final class RunningScale {
    private final float tau;
    private float value = 1f;

    public RunningScale(float tau) {
        this.tau = tau;
    }

    /** Updates from a batch of Q values (any shape). */
    public void update(NDArray q) {
        float[] p = percentiles(q.toFloatArray(), 5, 95);
        float spread = Math.max(p[1] - p[0], 1f);
        value += tau * (spread - value);
    }

    public float value() {
        return value;
    }

    public void set(float v) {
        value = v;
    }

    /** Linear-interpolation percentiles (numpy's default). */
    static float[] percentiles(float[] x, double... qs) {
        float[] s = x.clone();
        java.util.Arrays.sort(s);
        float[] out = new float[qs.length];
        for (int i = 0; i < qs.length; i++) {
            double pos = qs[i] / 100.0 * (s.length - 1);
            int lo = (int) Math.floor(pos);
            int hi = Math.min(lo + 1, s.length - 1);
            out[i] = (float) (s[lo] + (pos - lo) * (s[hi] - s[lo]));
        }
        return out;
    }
}
