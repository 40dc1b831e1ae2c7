package io.github.tdmpc2j.agent.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.pytorch.jni.JniUtils;
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
        long width() {
            return bias.getShape().get(bias.getShape().dimension() - 1);
        }

        /** Entries of one member's bias, gamma and beta in {@link #memberVectors()}. */
        long vectorWidth() {
            return gamma == null ? width() : 3 * width();
        }
    }

    /** How a layer's dropout is drawn: {@code x} with entries zeroed with probability {@code p}, the rest scaled. */
    public interface Dropper {
        NDArray drop(NDArray x, float p);
    }

    private static final String NORM_ACT = "layernorm+activation";
    private static final float EPS = 1e-5f;
    private final List<Layer> layers = new ArrayList<>();
    private Dropper dropper = (x, p) -> Dropout.dropout(x, p, true).singletonOrThrow();
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

    /** Where this mlp's dropout comes from (by default DJL's, from the engine's generator). */
    public void dropWith(Dropper d) {
        this.dropper = java.util.Objects.requireNonNull(d, "dropper");
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
        return forward(x, train, false);
    }

    /**
     * Forward pass of a single mlp; with {@code ownsInput}, {@code x} was made for this call and is freed once
     * used (every intermediate is freed as soon as the next layer has read it, so that a batch's working set stays
     * in cache: measurably faster on the CPU than leaving them to the caller's manager).
     */
    public NDArray forward(NDArray x, boolean train, boolean ownsInput) {
        return forward(x, 0, train, ownsInput);
    }

    /**
     * {@link #forward(NDArray, boolean, boolean)} from layer {@code from} on: {@code x} is the output of the layer
     * before it ({@link #forwardStack}'s member of this mlp).
     */
    public NDArray forward(NDArray x, int from, boolean train, boolean ownsInput) {
        if (ensemble > 0) {
            throw new IllegalStateException("use forwardMembers on an ensemble");
        }
        Shape s = x.getShape();
        int d = s.dimension();
        // on 2-D input PyTorch's linear is one addmm with the bias; on [N, S, in] it is a matmul and then an add
        NDArray h = d == 2 ? x : x.reshape(-1, s.get(d - 1));
        boolean ownsH = d != 2 || ownsInput;
        for (Layer l : layers.subList(from, layers.size())) {
            // PyTorch's linear takes the weight as [out, in]: a transposed view, no copy
            NDArray y = Linear.linear(h, l.weight.transpose(), l.bias).singletonOrThrow();
            if (ownsH) {
                done(h);
            }
            ownsH = true;
            h = apply(l, y, l.gamma, l.beta, train, false);
        }
        if (d != 2 && ownsInput) {
            done(x);
        }
        return d == 2 ? h : then(h, h.reshape(s.slice(0, d - 1).add(h.getShape().get(1))));
    }

    /**
     * Forward pass of the chosen ensemble members (an int64 index on the device; all when {@code members} is null)
     * on [N, in]; returns
     * [members, N, out]. With {@code detach}, gradients reach the input but not the weights.
     */
    public NDArray forwardMembers(NDArray x, NDArray members, boolean train, boolean detach) {
        NDArray h = x.expandDims(0);
        for (Layer l : layers) {
            NDArray[] v = {pick(l.bias, members, detach), l.gamma == null ? null : pick(l.gamma, members, detach),
                l.beta == null ? null : pick(l.beta, members, detach)};
            h = memberLayer(h, pick(l.weight, members, detach), v, l, train);
        }
        return h;
    }

    /**
     * One layer of the members [M, N, in] -> [M, N, out]: batched product with the weights [M, in, out], then the
     * bias {@code v[0]}, the layer's dropout, and LayerNorm with {@code v[1]}, {@code v[2]} and its activation (one
     * fused kernel on a GPU with the extension, the bias inside it); all [M, 1, out]. {@code h} is freed.
     */
    private NDArray memberLayer(NDArray h, NDArray w, NDArray[] v, Layer l, boolean train) {
        NDArray y = h.matMul(w);
        done(h);
        if (l.activation != null && !(l.dropout > 0 && train) && fused(y)) {
            return then(y, TorchNative.normAct(y, v[0], v[1], v[2], l.activation == Activation.MISH ? 0 : simnormDim,
                    EPS));
        }
        return apply(l, then(y, y.add(v[0])), v[1], v[2], train, true);
    }

    /** A layer's bias, gamma and beta (null without a norm) from members' vectors [M, k] at {@code at}: [M, 1, w]. */
    private static NDArray[] vectorsOf(NDArray vectors, Layer l, long at) {
        long m = vectors.getShape().get(0);
        long width = l.width();
        NDArray[] v = new NDArray[3];
        for (int i = 0; i < (l.gamma == null ? 1 : 3); i++) {
            v[i] = vectors.get(":, " + (at + i * width) + ":" + (at + (i + 1) * width)).reshape(m, 1, width);
        }
        return v;
    }

    /**
     * The first {@code depth} layers of mlps of the same shapes that read the same input, as the members of one
     * ensemble: the weights stacked per layer ([n, in, out]) and the biases and LayerNorm parameters as
     * {@link #memberVectors()} lays them out ([n, k]). Copies: for {@link #forwardStack} while the weights do not
     * change (one plan), without gradients.
     *
     * @param first the first of the stacked mlps, whose layers' activations every member's share
     */
    public record Stack(int depth, NDArray[] weights, NDArray vectors, Mlp first) {
        /** Members {@code from} to {@code to} - 1 (views, no copy). */
        public Stack members(long from, long to) {
            String rows = from + ":" + to;
            NDArray[] w = new NDArray[depth];
            for (int i = 0; i < depth; i++) {
                w[i] = weights[i].get(rows);
            }
            return new Stack(depth, w, vectors.get(rows), first);
        }
    }

    /**
     * The chosen members of this ensemble (an int64 index on the device) as a {@link Stack} of all its layers:
     * their weights and, from {@code vectors} ({@link #memberVectors()} made beforehand), their biases and
     * LayerNorm parameters, one pick each. For {@link #forwardStack} without gradients (planning): the same values
     * as {@link #forwardMembers} of those members.
     */
    public Stack pickMembers(NDArray members, NDArray vectors) {
        if (ensemble == 0) {
            throw new IllegalStateException("pick is for an ensemble");
        }
        NDArray[] w = new NDArray[layers.size()];
        NDArray v = vectors.get(new NDIndex("{}", members));
        for (int i = 0; i < w.length; i++) {
            w[i] = pick(layers.get(i).weight, members, false);
        }
        return new Stack(w.length, w, v, this);
    }

    /** {@link Stack} of the first {@code depth} layers of {@code nets}. */
    public static Stack stack(int depth, Mlp... nets) {
        Mlp first = nets[0];
        NDList[] weights = new NDList[depth];
        NDList rows = new NDList(nets.length);
        for (Mlp net : nets) {
            if (net.ensemble > 0 || net.layers.size() < depth) {
                throw new IllegalArgumentException("stack takes single mlps with at least " + depth + " layers");
            }
            NDList parts = new NDList();
            for (int i = 0; i < depth; i++) {
                Layer l = net.layers.get(i);
                Layer f = first.layers.get(i);
                if (!l.weight.getShape().equals(f.weight.getShape()) || l.activation != f.activation
                        || (l.gamma == null) != (f.gamma == null) || net.simnormDim != first.simnormDim) {
                    throw new IllegalArgumentException("layer " + i + " differs in shape or activation between the "
                            + "stacked mlps");
                }
                if (weights[i] == null) {
                    weights[i] = new NDList(nets.length);
                }
                weights[i].add(l.weight);
                for (NDArray p : new NDArray[] {l.bias, l.gamma, l.beta}) {
                    if (p != null) {
                        parts.add(p);
                    }
                }
            }
            rows.add(NDArrays.concat(parts));
        }
        NDArray[] stacked = new NDArray[depth];
        for (int i = 0; i < depth; i++) {
            stacked[i] = NDArrays.stack(weights[i]);
        }
        return new Stack(depth, stacked, NDArrays.stack(rows), first);
    }

    /**
     * The stacked layers of {@code s} on [N, in]: [n, N, out], member i the output of layer {@code depth - 1} of
     * member i (of stacked mlps: to go on from with {@link #forward(NDArray, int, boolean, boolean)}; two batched
     * products and two LayerNorms where the mlps one by one take four of each). Without dropout.
     */
    public static NDArray forwardStack(NDArray x, Stack s) {
        NDArray h = x.expandDims(0);
        long at = 0;
        for (int i = 0; i < s.depth(); i++) {
            Layer l = s.first().layers.get(i);
            h = s.first().memberLayer(h, s.weights()[i], vectorsOf(s.vectors(), l, at), l, false);
            at += l.vectorWidth();
        }
        return h;
    }

    /**
     * Every member's biases and LayerNorm parameters, layer by layer, as one [E, k] array (a copy, so that picking
     * members from it is one operation): for {@link #pickMembers} on weights that do not change in between, without
     * gradients (planning).
     */
    public NDArray memberVectors() {
        if (ensemble == 0) {
            throw new IllegalStateException("memberVectors is for an ensemble");
        }
        NDList parts = new NDList();
        for (Layer l : layers) {
            for (NDArray p : new NDArray[] {l.bias, l.gamma, l.beta}) {
                if (p != null) {
                    parts.add(p.reshape(ensemble, -1));
                }
            }
        }
        return NDArrays.concat(parts, 1);
    }

    private static NDArray pick(NDArray p, NDArray idx, boolean detach) {
        NDArray q = idx == null ? p : p.get(new NDIndex("{}", idx));
        return detach ? q.stopGradient() : q;
    }

    /**
     * A layer's dropout (when training), LayerNorm and activation on its linear output {@code x}; {@code members}:
     * {@code gamma} and {@code beta} are per member ([M, 1, width]).
     */
    private NDArray apply(Layer l, NDArray x, NDArray gamma, NDArray beta, boolean train, boolean members) {
        if (l.dropout > 0 && train) {
            x = then(x, dropper.drop(x, l.dropout));
        }
        if (l.activation == null) {
            return x;
        }
        int group = l.activation == Activation.MISH ? 0 : simnormDim;
        if (fused(x)) {
            return then(x, TorchNative.normAct(x, null, gamma, beta, group, EPS));
        }
        return normThenActivate(x, gamma, beta, members ? l.unitGamma : null, l.unitBeta, group, true);
    }

    /**
     * LayerNorm with {@code gamma} and {@code beta}, then Mish ({@code group} 0) or SimNorm over groups of
     * {@code group}, as PyTorch's separate ops; {@code x} is freed once normalised when {@code freeInput}. An
     * ensemble's per-member parameters ([E, 1, width]) do not fit layer_norm's [width]: with {@code unitGamma} and
     * {@code unitBeta} given (ones and zeros [width]) it normalises, then scales and shifts.
     */
    static NDArray normThenActivate(NDArray x, NDArray gamma, NDArray beta, NDArray unitGamma, NDArray unitBeta,
            int group, boolean freeInput) {
        Shape normalized = new Shape(x.getShape().get(x.getShape().dimension() - 1));
        boolean members = unitGamma != null;
        NDArray y = LayerNorm.layerNorm(x, normalized, members ? unitGamma : gamma, members ? unitBeta : beta, EPS)
                .singletonOrThrow();
        if (freeInput) {
            done(x);
        }
        if (members) {
            y = then(y, y.mul(gamma));
            y = then(y, y.add(beta));
        }
        return then(y, group == 0 ? mish(y) : simnorm(y, group));
    }

    /**
     * Whether the fused LayerNorm kernel ({@link TorchNative#normAct}) runs for {@code x} ({@link FusedKernels}):
     * where it does, members of an ensemble cost no more kernels than one mlp, so stacking pays.
     */
    public static boolean fused(NDArray x) {
        return FusedKernels.use(NORM_ACT, x, Mlp::checkNormAct);
    }

    /**
     * The fused kernel against PyTorch's ops on fixed values: a single network's rows and an ensemble's (with and
     * without a bias), Mish and SimNorm; the largest relative error.
     */
    private static double checkNormAct(NDManager m) {
        int width = 512;
        NDArray x = FusedKernels.wave(m, new Shape(2, 64, width), 0.37f, 3f);
        NDArray gamma = FusedKernels.wave(m, new Shape(width), 0.01f, 1f);
        NDArray beta = FusedKernels.wave(m, new Shape(width), 0.03f, 0.1f);
        NDArray members = NDArrays.stack(new NDList(gamma, gamma.mul(0.5f))).reshape(2, 1, width);
        NDArray memberBeta = NDArrays.stack(new NDList(beta, beta.mul(-1f))).reshape(2, 1, width);
        NDArray memberBias = memberBeta.mul(3f);
        NDArray ones = m.ones(new Shape(width));
        NDArray zeros = m.zeros(new Shape(width));
        double worst = 0;
        for (int group : new int[] {0, 8}) {
            NDArray single = x.get(0);
            worst = Math.max(worst, FusedKernels.error(TorchNative.normAct(single, null, gamma, beta, group, EPS),
                    normThenActivate(single, gamma, beta, null, null, group, false)));
            worst = Math.max(worst, FusedKernels.error(TorchNative.normAct(x, null, members, memberBeta, group, EPS),
                    normThenActivate(x, members, memberBeta, ones, zeros, group, false)));
            worst = Math.max(worst, FusedKernels.error(
                    TorchNative.normAct(x, memberBias, members, memberBeta, group, EPS),
                    normThenActivate(x.add(memberBias), members, memberBeta, ones, zeros, group, false)));
        }
        return worst;
    }

    /**
     * Mish, x * tanh(softplus(x)). Without autograd recording (planning, TD targets) it is written with one
     * exponential: tanh(softplus(x)) = n / (n + 2) with n = e^x (e^x + 2), e^x taken of min(x, 20), past which
     * n / (n + 2) is 1 in float, so it never overflows; within a few ulps of softplus-then-tanh and, with its
     * intermediates freed at once, about twice as fast on the CPU (PyTorch's CPU tanh is the costliest element-wise
     * kernel of a plan). Under autograd the three-op form is kept: its backward pass is three kernels, not ten
     * (bench/RESULTS.md, "Planning faster on the CPU"). DJL 0.36 has no Mish op; on a GPU with tdmpc2j's native
     * extension it is PyTorch's one-kernel mish.
     */
    public static NDArray mish(NDArray x) {
        if (x.getDevice().isGpu() && TorchNative.available()) {
            return TorchNative.mish(x);
        }
        if (JniUtils.isGradMode()) {
            NDArray softplus = x.getNDArrayInternal().softPlus();
            NDArray tanh = then(softplus, softplus.tanh());
            return then(tanh, x.mul(tanh));
        }
        // in place where DJL can: four new tensors instead of seven, the same operations in the same order
        NDArray clamped = Scalars.minimum(x, 20f);
        NDArray e = then(clamped, clamped.exp());
        NDArray n = then(e, Scalars.add(e, 2f).muli(e));
        NDArray n2 = Scalars.add(n, 2f);
        n.divi(n2);
        done(n2);
        return n.muli(x);
    }

    /** Frees an intermediate that is not needed any more (autograd keeps its own reference where it needs one). */
    public static void done(NDArray used) {
        used.close();
    }

    /** {@code result}, after freeing the intermediate it was computed from. */
    static NDArray then(NDArray used, NDArray result) {
        done(used);
        return result;
    }

    /**
     * Softmax over groups of {@code dim} consecutive entries of the last axis. On the CPU without autograd it is
     * written out, exp(x - max) / sum per group: PyTorch's CPU softmax over a last axis as short as 8 works group
     * by group (593 us on an 8-row plan's [512, 16, 8], 4.2x the five ops here, while a LayerNorm of three times
     * as many entries takes 50 us: bench/RESULTS.md, "SimNorm written out"). Under autograd and on a GPU the
     * softmax op stays (written out, forward and backward took 198 against 143 us on [32, 128] and 360 against
     * 384 us on [128, 128]: no gain at the update's sizes; on a GPU the softmax is one kernel).
     */
    public static NDArray simnorm(NDArray x, int dim) {
        Shape s = x.getShape();
        long last = s.get(s.dimension() - 1);
        Shape grouped = s.slice(0, s.dimension() - 1).addAll(new Shape(last / dim, dim));
        NDArray g = x.reshape(grouped);
        if (x.getDevice().isGpu() || JniUtils.isGradMode()) {
            NDArray y = then(g, g.softmax(-1));
            return then(y, y.reshape(s));
        }
        NDArray max = g.max(new int[] {-1}, true);
        NDArray shifted = then(g, then(max, g.sub(max)));
        NDArray e = then(shifted, shifted.exp());
        NDArray sum = e.sum(new int[] {-1}, true);
        e.divi(sum);
        done(sum);
        return then(e, e.reshape(s));
    }
}
