package io.github.tdmpc2j.agent.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import io.github.tdmpc2j.agent.gpu.TorchNative;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference's {@code mlp}: hidden layers linear -> (dropout on the first) -> LayerNorm -> Mish, then a last
 * linear layer, itself normed and followed by SimNorm when {@code lastActivation} is SIMNORM.
 *
 * <p>With {@code ensemble > 0} it holds that many independent copies with stacked weights ([E, in, out]) and
 * evaluates them together with batched matrix products: one call, no Java loop over members.
 */
public final class Mlp {
    private record Layer(NDArray weight, NDArray bias, NDArray gamma, NDArray beta, Activation activation,
            float dropout, NDArray unitGamma, NDArray unitBeta) {
    }

    private final List<Layer> layers = new ArrayList<>();
    private final int ensemble;
    private final int simnormDim;

    /**
     * @param lastActivation null for a plain linear output layer
     * @param zeroLast       zero the output layer's weights (the reference does so for reward and Q heads)
     */
    public Mlp(ParamStore store, String name, int in, int[] hidden, int out, Activation lastActivation,
            float dropout, int ensemble, int simnormDim, boolean zeroLast) {
        this.ensemble = ensemble;
        this.simnormDim = simnormDim;
        int prev = in;
        int n = hidden.length + 1;
        for (int i = 0; i < n; i++) {
            boolean last = i == n - 1;
            int next = last ? out : hidden[i];
            String p = name + "." + i + ".";
            Shape w = ensemble > 0 ? new Shape(ensemble, prev, next) : new Shape(prev, next);
            Shape v = ensemble > 0 ? new Shape(ensemble, 1, next) : new Shape(next);
            NDArray weight = last && zeroLast ? store.constant(p + "weight", name, w, 0f, true)
                    : store.truncatedNormal(p + "weight", name, w, 0.02);
            NDArray bias = store.constant(p + "bias", name, v, 0f, true);
            Activation act = last ? lastActivation : Activation.MISH;
            NDArray gamma = act == null ? null : store.constant(p + "ln.weight", name, v, 1f, true);
            NDArray beta = act == null ? null : store.constant(p + "ln.bias", name, v, 0f, true);
            NDArray unitGamma = act == null ? null : store.manager().ones(new Shape(next));
            NDArray unitBeta = act == null ? null : store.manager().zeros(new Shape(next));
            layers.add(new Layer(weight, bias, gamma, beta, act, i == 0 ? dropout : 0f, unitGamma, unitBeta));
            prev = next;
        }
    }

    /** Scalars an mlp of this shape holds (per member). */
    public static long parameterCount(int in, int[] hidden, int out, boolean lastNormed) {
        long n = 0;
        int prev = in;
        for (int h : hidden) {
            n += (long) prev * h + 3L * h;
            prev = h;
        }
        return n + (long) prev * out + out + (lastNormed ? 2L * out : 0);
    }

    /** Forward pass of a single (non-ensemble) mlp on [..., in]. */
    public NDArray forward(NDArray x, boolean train) {
        if (ensemble > 0) {
            throw new IllegalStateException("use forwardMembers on an ensemble");
        }
        for (Layer l : layers) {
            x = apply(l, x.matMul(l.weight).add(l.bias), l.weight, l.bias, l.gamma, l.beta, train);
        }
        return x;
    }

    /**
     * Forward pass of the chosen ensemble members (an int64 index on the device; all when {@code members} is null)
     * on [N, in]; returns
     * [members, N, out]. With {@code detach}, gradients reach the input but not the weights.
     */
    public NDArray forwardMembers(NDArray x, NDArray members, boolean train, boolean detach) {
        NDArray idx = members;
        NDArray h = x.expandDims(0);
        for (Layer l : layers) {
            NDArray w = pick(l.weight, idx, detach);
            NDArray b = pick(l.bias, idx, detach);
            NDArray g = l.gamma == null ? null : pick(l.gamma, idx, detach);
            NDArray be = l.beta == null ? null : pick(l.beta, idx, detach);
            h = apply(l, h.matMul(w).add(b), w, b, g, be, train);
        }
        return h;
    }

    private static NDArray pick(NDArray p, NDArray idx, boolean detach) {
        NDArray q = idx == null ? p : p.get(new NDIndex("{}", idx));
        return detach ? q.stopGradient() : q;
    }

    private NDArray apply(Layer l, NDArray x, NDArray w, NDArray b, NDArray gamma, NDArray beta, boolean train) {
        if (l.dropout > 0 && train) {
            x = Dropout.dropout(x, l.dropout, true).singletonOrThrow();
        }
        if (l.activation == null) {
            return x;
        }
        long width = x.getShape().get(x.getShape().dimension() - 1);
        Shape normalized = new Shape(width);
        if (ensemble > 0) {
            // per-member affine parameters do not fit layer_norm's [width] weight: normalise, then scale
            x = LayerNorm.layerNorm(x, normalized, l.unitGamma, l.unitBeta, 1e-5f).singletonOrThrow().mul(gamma).add(beta);
        } else {
            x = LayerNorm.layerNorm(x, normalized, gamma, beta, 1e-5f).singletonOrThrow();
        }
        return l.activation == Activation.MISH ? mish(x) : simnorm(x, simnormDim);
    }

    /**
     * x * tanh(softplus(x)), with PyTorch's overflow-safe softplus. (DJL 0.36's Activation.mish takes a base-2
     * logarithm inside its softplus, so it is composed here; on a GPU with tdmpc2j's native extension it is
     * PyTorch's one-kernel mish.)
     */
    public static NDArray mish(NDArray x) {
        if (x.getDevice().isGpu() && TorchNative.available()) {
            return TorchNative.mish(x);
        }
        return x.mul(x.getNDArrayInternal().softPlus().tanh());
    }

    /** Softmax over groups of {@code dim} consecutive entries of the last axis. */
    public static NDArray simnorm(NDArray x, int dim) {
        Shape s = x.getShape();
        long last = s.get(s.dimension() - 1);
        Shape grouped = s.slice(0, s.dimension() - 1).addAll(new Shape(last / dim, dim));
        return x.reshape(grouped).softmax(-1).reshape(s);
    }
}
