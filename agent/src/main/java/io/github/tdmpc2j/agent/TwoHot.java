package io.github.tdmpc2j.agent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import io.github.tdmpc2j.agent.gpu.TorchNative;
import io.github.tdmpc2j.agent.nn.FusedKernels;
import io.github.tdmpc2j.agent.nn.Scalars;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Discrete regression in symlog space, as the reference's {@code math.py}: a scalar becomes a two-hot vector
 * over {@code numBins} evenly spaced bins on [vmin, vmax] (in symlog units); logits over the bins become a
 * scalar through the softmax-weighted bin centres and symexp.
 */
public final class TwoHot {
    private static final String DECODE = "two-hot decode";
    private final int numBins;
    private final float vmin;
    private final float vmax;
    private final float binSize;
    /** Per device: bin indices 0..numBins-1 and bin centres, made once. */
    private final Map<ai.djl.Device, NDArray[]> tables = new ConcurrentHashMap<>();

    public TwoHot(int numBins, float vmin, float vmax) {
        this.numBins = numBins;
        this.vmin = vmin;
        this.vmax = vmax;
        this.binSize = (vmax - vmin) / (numBins - 1);
    }

    public static NDArray symlog(NDArray x) {
        return x.sign().mul(Scalars.add(x.abs(), 1f).log());
    }

    public static NDArray symexp(NDArray x) {
        return x.sign().mul(Scalars.sub(x.abs().exp(), 1f));
    }

    public static double symlog(double x) {
        return Math.signum(x) * Math.log1p(Math.abs(x));
    }

    public static double symexp(double x) {
        return Math.signum(x) * Math.expm1(Math.abs(x));
    }

    /**
     * [..., 1] scalars -> [..., numBins] two-hot targets. Values past the ends clamp to the edge bins.
     * The weight of bin k is max(0, 1 - |position - k|), which is exactly the two-hot split.
     */
    public NDArray encode(NDArray x) {
        NDArray position = Scalars.div(Scalars.sub(Scalars.clip(symlog(x), vmin, vmax), vmin), binSize);
        NDArray bins = tables(x)[0];
        return Scalars.maximum(Scalars.oneMinus(position.sub(bins).abs()), 0f);
    }

    /** [..., numBins] logits -> [..., 1] scalars. */
    public NDArray decode(NDArray logits) {
        NDArray centres = tables(logits)[1];
        if (FusedKernels.use(DECODE, logits, this::checkDecode)) {
            return TorchNative.decode(logits, centres);
        }
        return decode(logits, centres);
    }

    private static NDArray decode(NDArray logits, NDArray centres) {
        return symexp(logits.softmax(-1).mul(centres).sum(new int[] {-1}, true));
    }

    /** The bin centres [numBins] on {@code like}'s device (made once, kept). */
    public NDArray centres(NDArray like) {
        return tables(like)[1];
    }

    /** The fused decode against PyTorch's ops on fixed logits: values near 0 and, rising, near the top bin. */
    private double checkDecode(NDManager m) {
        NDArray wavy = FusedKernels.wave(m, new Shape(24, numBins), 0.37f, 4f);
        NDArray rising = m.arange(0f, 3f * numBins).reshape(3, numBins).mul(0.07f);
        double worst = 0;
        for (NDArray logits : new NDArray[] {wavy, rising, wavy.reshape(2, 12, numBins)}) {
            NDArray centres = tables(logits)[1];
            worst = Math.max(worst, FusedKernels.error(TorchNative.decode(logits, centres), decode(logits, centres)));
        }
        return worst;
    }

    /** Soft cross-entropy of logits [..., numBins] against scalar targets [..., 1]; returns [..., 1]. */
    public NDArray crossEntropy(NDArray logits, NDArray target) {
        return encode(target).mul(logits.logSoftmax(-1)).sum(new int[] {-1}, true).neg();
    }

    private NDArray[] tables(NDArray like) {
        return tables.computeIfAbsent(like.getDevice(), d -> {
            var m = Scalars.constants(like.getDevice());
            NDArray bins = m.arange(0f, (float) numBins, 1f);
            NDArray centres = m.linspace(vmin, vmax, numBins);
            NDScope.unregister(bins, centres);
            return new NDArray[] {bins, centres};
        });
    }

    public int numBins() {
        return numBins;
    }
}
