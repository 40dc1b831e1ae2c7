package io.github.tdmpc2j.agent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.tdmpc2j.agent.gpu.TorchNative;
import io.github.tdmpc2j.agent.nn.Activation;
import io.github.tdmpc2j.agent.nn.FusedKernels;
import io.github.tdmpc2j.agent.nn.Mlp;
import io.github.tdmpc2j.agent.nn.NoGrad;
import io.github.tdmpc2j.agent.nn.ParamStore;
import io.github.tdmpc2j.agent.nn.Scalars;
import io.github.tdmpc2j.agent.nn.ScriptOps;
import java.util.ArrayList;
import java.util.List;

/**
 * TD-MPC2's implicit world model: encoder, latent dynamics, reward head, optional termination head, policy
 * prior and an ensemble of Q heads (plus its Polyak-averaged target copy). In the multitask case a learned task
 * embedding is concatenated to the input of every head.
 *
 * <p>Tensors: latents [..., latent_dim], actions [..., A]; {@code emb} is the task embedding broadcastable to the
 * batch ([B, task_dim] or [1, task_dim], null for a single task), {@code mask} the action mask likewise.
 */
public final class WorldModel {
    private static final String SQUASH = "policy squash";
    /** Layers of the reward and dynamics heads that {@link #rewardAndNextStack()} stacks: both hidden layers. */
    private static final int STACKED = 2;
    public static final List<String> MODEL_GROUPS = List.of("encoder", "dynamics", "reward", "termination", "qs",
            "task_emb");

    public record PolicySample(NDArray mean, NDArray action, NDArray scaledEntropy) {
    }

    private final TdmpcConfig cfg;
    private final ParamStore store;
    private final int actionDim;
    private final boolean episodic;
    private final Mlp encoder;
    private final Mlp dynamics;
    private final Mlp reward;
    private final Mlp termination;
    private final Mlp pi;
    private final Mlp qs;
    private final Mlp targetQs;
    private final NDArray taskEmb;
    private final TwoHot twoHot;
    /** Each target Q head weight and its online weight, in the same order (loading writes into them in place). */
    private final List<NDArray> targetWeights = new ArrayList<>();
    private final List<NDArray> onlineWeights = new ArrayList<>();
    private Draws draws = Draws.ENGINE;

    public WorldModel(TdmpcConfig cfg, ParamStore store, int obsDim, int actionDim, int numTasks, boolean episodic,
            long seed) {
        this.cfg = cfg;
        this.store = store;
        this.actionDim = actionDim;
        this.episodic = episodic;
        int t = numTasks > 1 ? cfg.taskDim() : 0;
        int latent = cfg.latentDim();
        int[] mlp2 = {cfg.mlpDim(), cfg.mlpDim()};
        this.encoder = new Mlp(store, "encoder", obsDim + t, encoderHidden(cfg), latent, Activation.SIMNORM, 0f, 0,
                cfg.simnormDim(), false);
        this.dynamics = new Mlp(store, "dynamics", latent + t + actionDim, mlp2, latent, Activation.SIMNORM, 0f, 0,
                cfg.simnormDim(), false);
        this.reward = new Mlp(store, "reward", latent + t + actionDim, mlp2, cfg.numBins(), null, 0f, 0,
                cfg.simnormDim(), true);
        this.termination = episodic ? new Mlp(store, "termination", latent + t, mlp2, 1, null, 0f, 0,
                cfg.simnormDim(), false) : null;
        this.pi = new Mlp(store, "pi", latent + t, mlp2, 2 * actionDim, null, 0f, 0, cfg.simnormDim(), false);
        this.qs = new Mlp(store, "qs", latent + t + actionDim, mlp2, cfg.numBins(), null, cfg.dropout(), cfg.numQ(),
                cfg.simnormDim(), true);
        this.targetQs = new Mlp(store, "target_qs", latent + t + actionDim, mlp2, cfg.numBins(), null, cfg.dropout(),
                cfg.numQ(), cfg.simnormDim(), true);
        // dropout comes from the model's draws too (a generator of the agent's own on the CPU); the target heads
        // never drop
        qs.dropWith((x, p) -> draws.dropout(x, p));
        for (String name : store.group("target_qs")) {
            NDArray target = store.get(name);
            NDArray online = store.get(name.replaceFirst("^target_qs", "qs"));
            target.setRequiresGradient(false);
            ParamStore.copyInto(online, target);
            targetWeights.add(target);
            onlineWeights.add(online);
        }
        this.taskEmb = numTasks > 1 ? store.uniform("task_emb.weight", "task_emb",
                new Shape(numTasks, cfg.taskDim()), 0.02) : null;
        this.twoHot = new TwoHot(cfg.numBins(), cfg.vmin(), cfg.vmax());
    }

    static int[] encoderHidden(TdmpcConfig cfg) {
        int[] h = new int[Math.max(cfg.numEncLayers() - 1, 1)];
        java.util.Arrays.fill(h, cfg.encDim());
        return h;
    }

    /** Learnable scalars of a model of this configuration, counted from shapes (no allocation). */
    public static long parameterCount(TdmpcConfig cfg, int obsDim, int actionDim, int numTasks, boolean episodic) {
        int t = numTasks > 1 ? cfg.taskDim() : 0;
        int z = cfg.latentDim();
        int[] mlp2 = {cfg.mlpDim(), cfg.mlpDim()};
        long n = Mlp.parameterCount(obsDim + t, encoderHidden(cfg), z, true)
                + Mlp.parameterCount(z + t + actionDim, mlp2, z, true)
                + Mlp.parameterCount(z + t + actionDim, mlp2, cfg.numBins(), false)
                + Mlp.parameterCount(z + t, mlp2, 2 * actionDim, false)
                + cfg.numQ() * Mlp.parameterCount(z + t + actionDim, mlp2, cfg.numBins(), false);
        if (episodic) {
            n += Mlp.parameterCount(z + t, mlp2, 1, false);
        }
        return n + (numTasks > 1 ? (long) numTasks * cfg.taskDim() : 0);
    }

    /** Where the model's and the planner's random draws come from ({@link Draws#ENGINE} unless a test sets it). */
    Draws draws() {
        return draws;
    }

    void useDraws(Draws draws) {
        this.draws = java.util.Objects.requireNonNull(draws, "draws");
    }

    public TwoHot twoHot() {
        return twoHot;
    }

    public boolean episodic() {
        return episodic;
    }

    public int actionDim() {
        return actionDim;
    }

    /** Task embeddings of the given tasks ([N, task_dim]), max-norm 1; null for a single-task model. */
    public NDArray taskEmbedding(NDManager m, int[] tasks) {
        if (taskEmb == null) {
            return null;
        }
        return taskEmbedding(m.create(tasks));
    }

    /** Task embeddings of the tasks in an int index array on the device ([N]); null for a single-task model. */
    public NDArray taskEmbedding(NDArray tasks) {
        if (taskEmb == null) {
            return null;
        }
        renormLookedUp(tasks);
        return taskEmb.get(new NDIndex("{}", tasks));
    }

    /**
     * nn.Embedding(max_norm=1) as PyTorch does it: every looked-up row longer than 1 is scaled in place by
     * 1 / (norm + 1e-7) before it is read, so the gradient reaches the weight unscaled and the optimiser steps
     * from the rescaled row (a scaled copy instead, as this project had it, changes both: reference parity found
     * it, the task embeddings off by up to 0.59 after one update). Idempotent, and on the device without a host
     * round trip.
     */
    private void renormLookedUp(NDArray tasks) {
        try (NoGrad off = new NoGrad()) {
            int t = (int) taskEmb.getShape().get(0);
            NDArray index = tasks.toType(DataType.INT64, false).reshape(-1, 1);
            NDArray used = index.eq(index.getManager().arange(0, t, 1, DataType.INT64).reshape(1, t))
                    .toType(DataType.FLOAT32, false).max(new int[] {0}).reshape(t, 1);
            NDArray norm = taskEmb.norm(new int[] {-1}, true);
            NDArray scale = Scalars.scalar(norm, 1f).div(Scalars.add(norm, 1e-7f));
            NDArray longer = norm.gt(Scalars.scalar(norm, 1f)).logicalAnd(used.gt(Scalars.scalar(used, 0f)));
            taskEmb.muli(NDArrays.where(longer, scale, scale.onesLike()));
        }
    }

    public NDArray encode(NDArray obs, NDArray emb, boolean train) {
        NDArray x = withTask(obs, emb);
        return encoder.forward(x, train, x != obs);
    }

    public NDArray next(NDArray z, NDArray a, NDArray emb, boolean train) {
        return dynamics.forward(joined(z, emb, a), train, true);
    }

    /** Reward logits [..., num_bins]. */
    public NDArray reward(NDArray z, NDArray a, NDArray emb, boolean train) {
        return reward.forward(joined(z, emb, a), train, true);
    }

    /**
     * {@link #reward} and then {@link #next} of the same latents and actions, from one concatenated input (one
     * concatenation per planning step instead of two); the same values as the two calls. With {@code shared}
     * ({@link #rewardAndNextStack()} of the current weights) the two heads' first two layers run as one two-member
     * ensemble: 8 kernels per call where head by head (null) takes 12 on a GPU with the fused LayerNorm; the same
     * values up to the matrix products' rounding. Without gradients.
     */
    public NDArray[] rewardAndNext(NDArray z, NDArray a, NDArray emb, boolean train, Mlp.Stack shared) {
        NDArray za = joined(z, emb, a);
        if (shared == null) {
            NDArray r = reward.forward(za, train, false);
            return new NDArray[] {r, dynamics.forward(za, train, true)};
        }
        Shape s = za.getShape();
        Shape lead = s.slice(0, s.dimension() - 1);
        NDArray flat = za.reshape(-1, s.get(s.dimension() - 1));
        NDArray h = Mlp.forwardStack(flat, shared);
        Mlp.done(flat);
        Mlp.done(za);
        NDArray[] out = {reward.forward(h.get(0), STACKED, train, true),
            dynamics.forward(h.get(1), STACKED, train, true)};
        Mlp.done(h);
        for (int i = 0; i < 2; i++) {
            NDArray flatOut = out[i];
            out[i] = flatOut.reshape(lead.add(flatOut.getShape().get(1)));
            Mlp.done(flatOut);
        }
        return out;
    }

    /**
     * The reward and dynamics heads' first two layers (the same shapes, the same input) stacked for
     * {@link #rewardAndNext(NDArray, NDArray, NDArray, boolean, Mlp.Stack)}, reward first: copies, valid while the
     * weights do not change (one plan).
     */
    public Mlp.Stack rewardAndNextStack() {
        return Mlp.stack(STACKED, reward, dynamics);
    }

    /** Termination logits [..., 1]; only for episodic tasks. */
    public NDArray terminationLogits(NDArray z, NDArray emb, boolean train) {
        NDArray x = withTask(z, emb);
        return termination.forward(x, train, x != z);
    }

    /**
     * Samples from the tanh-squashed Gaussian policy prior. Entropy is scaled by the number of action dims the
     * task uses ({@code actionDims}, [..., 1], or null for all).
     */
    public PolicySample pi(NDArray z, NDArray emb, NDArray mask, NDArray actionDims, boolean train) {
        return pi(z, emb, mask, actionDims, train, null);
    }

    /** The policy head's Gaussian before masking and squashing: {mean, log_std}, [..., A] each. */
    NDArray[] piGaussian(NDArray z, NDArray emb, boolean train) {
        NDArray x = withTask(z, emb);
        return gaussian(pi.forward(x, train, x != z));
    }

    /** The policy head's output [..., 2A] as {mean, log_std}. */
    private NDArray[] gaussian(NDArray raw) {
        NDList out = raw.split(2, raw.getShape().dimension() - 1);
        NDArray logStd = Scalars.add(Scalars.mul(Scalars.add(out.get(1).tanh(), 1f),
                0.5f * (cfg.logStdMax() - cfg.logStdMin())), cfg.logStdMin());
        return new NDArray[] {out.get(0), logStd};
    }

    /**
     * The squashed action of {@link #pi} alone, for planning and TD targets: the same draw and the same action,
     * without the mean, log-probability and entropy terms (about twenty ops per call that nothing there reads). On
     * a GPU the squashing is one fused kernel ({@link TorchNative#squash}), then the action mask if any.
     */
    public NDArray piAction(NDArray z, NDArray emb, NDArray mask) {
        NDArray x = withTask(z, emb);
        NDArray raw = pi.forward(x, false, x != z);
        Shape s = raw.getShape();
        NDArray eps = draws.normal(z.getManager(), s.slice(0, s.dimension() - 1).add(actionDim));
        if (FusedKernels.use(SQUASH, raw, this::checkSquash)) {
            // a mask of 0s and 1s after the tanh is the mask before it (tanh(0) = 0)
            NDArray action = TorchNative.squash(raw, eps, cfg.logStdMin(), 0.5f * (cfg.logStdMax() - cfg.logStdMin()));
            return mask == null ? action : action.mul(mask);
        }
        return squash(raw, eps, mask);
    }

    /** tanh(mean + eps * std), with masked dims 0 before the tanh (in pi the mean, log-std and draw are masked). */
    private NDArray squash(NDArray raw, NDArray eps, NDArray mask) {
        NDArray[] gaussian = gaussian(raw);
        NDArray action = gaussian[0].add(eps.mul(gaussian[1].exp()));
        return (mask == null ? action : action.mul(mask)).tanh();
    }

    /** The fused squashing against PyTorch's ops on fixed head outputs and draws. */
    private double checkSquash(NDManager m) {
        NDArray raw = FusedKernels.wave(m, new Shape(64, 2 * actionDim), 0.37f, 2f);
        NDArray eps = FusedKernels.wave(m, new Shape(64, actionDim), 0.11f, 1.5f);
        return FusedKernels.error(TorchNative.squash(raw, eps, cfg.logStdMin(),
                0.5f * (cfg.logStdMax() - cfg.logStdMin())), squash(raw, eps, null));
    }

    /** {@link #pi} with the standard normal draw given ({@code eps}, like the mean; null to draw one). */
    PolicySample pi(NDArray z, NDArray emb, NDArray mask, NDArray actionDims, boolean train, NDArray eps) {
        NDArray[] gaussian = piGaussian(z, emb, train);
        NDArray mu = gaussian[0];
        NDArray logStd = gaussian[1];
        if (eps == null) {
            eps = draws.normal(z.getManager(), mu.getShape());
        }
        NDArray logProbTerms = Scalars.sub(Scalars.mul(eps.square(), -0.5f).sub(logStd), 0.9189385332046727f);
        if (mask != null) {
            mu = mu.mul(mask);
            logStd = logStd.mul(mask);
            eps = eps.mul(mask);
            logProbTerms = logProbTerms.mul(mask);
        }
        NDArray logProb = logProbTerms.sum(new int[] {-1}, true);
        NDArray action = mu.add(eps.mul(logStd.exp()));
        NDArray squashedMean = mu.tanh();
        NDArray squashed = action.tanh();
        NDArray correction = Scalars.add(Scalars.maximum(Scalars.add(squashed.square().neg(), 1f), 0f), 1e-6f).log()
                .sum(new int[] {-1}, true);
        NDArray entropy = logProb.sub(correction).neg();
        NDArray scaled = actionDims == null ? Scalars.mul(entropy, actionDim) : entropy.mul(actionDims);
        return new PolicySample(squashedMean, squashed, scaled);
    }

    /** Logits of every Q head: [num_q, ..., num_bins]. */
    public NDArray qAll(NDArray z, NDArray a, NDArray emb, boolean train) {
        return ensemble(z, a, emb, x -> qs.forwardMembers(x, null, train, false));
    }

    /**
     * Pairs of distinct online Q heads drawn at random, as {@link #q} draws them, for {@code count} evaluations
     * at once: a stack of 2 * count members, evaluation i's pair its members 2i and 2i + 1
     * ({@link Mlp.Stack#members}), for {@link #qPairLogits} while the weights do not change (one plan).
     * {@code vectors}: {@link #qVectors()} of the current weights.
     */
    public Mlp.Stack qPairs(NDManager m, int count, NDArray vectors) {
        return qs.pickMembers(headPairs(m, vectors.getDevice(), count), vectors);
    }

    /**
     * Logits of a pair of Q heads from {@link #qPairs} (two members), without dropout or gradients (planning):
     * [2, ..., num_bins], not yet decoded, so that a caller can decode them together with other logits.
     */
    public NDArray qPairLogits(NDArray z, NDArray a, NDArray emb, Mlp.Stack pair) {
        return ensemble(z, a, emb, x -> Mlp.forwardStack(x, pair));
    }

    /**
     * The online Q heads' biases and LayerNorm parameters as one array, for {@link #qPairs} while the weights do
     * not change (one plan): each pick of heads then takes their vectors in one operation instead of eight.
     */
    public NDArray qVectors() {
        return qs.memberVectors();
    }

    /** Min (or average) of two random Q heads, as values [..., 1]. */
    public NDArray q(NDArray z, NDArray a, NDArray emb, boolean average, boolean target, boolean detach,
            boolean train) {
        Mlp net = target ? targetQs : qs;
        NDArray heads = headPairs(z.getManager(), z.getDevice(), 1);
        NDArray logits = ensemble(z, a, emb, x -> net.forwardMembers(x, heads, train && !target, detach || target));
        NDArray values = twoHot.decode(logits);
        NDArray q0 = values.get(0);
        NDArray q1 = values.get(1);
        return average ? Scalars.mul(q0.add(q1), 0.5f) : q0.minimum(q1);
    }

    /**
     * {@code count} pairs of distinct Q heads, each pair drawn uniformly, as a [2 * count] index on the device (no
     * host round trip): the first heads of every pair drawn, then every second head's offset from its first.
     */
    private NDArray headPairs(NDManager m, ai.djl.Device device, int count) {
        int n = cfg.numQ();
        NDArray first = draws.integer(m, 0, n, new Shape(count));
        NDArray second = first.add(draws.integer(m, 1, n, new Shape(count)))
                .mod(Scalars.of(device, DataType.INT64, n));
        return NDArrays.stack(new NDList(first, second), 1).reshape(2L * count);
    }

    /** Members' outputs [E, ..., out] of {@code members} [E, N, out] on the joined input flattened to [N, in]. */
    private static NDArray ensemble(NDArray z, NDArray a, NDArray emb,
            java.util.function.UnaryOperator<NDArray> members) {
        NDArray x = joined(z, emb, a);
        Shape s = x.getShape();
        Shape lead = s.slice(0, s.dimension() - 1);
        NDArray flat = x.reshape(-1, s.get(s.dimension() - 1));
        NDArray out = members.apply(flat);
        Mlp.done(flat);
        Mlp.done(x);
        long e = out.getShape().get(0);
        return out.reshape(new Shape(e).addAll(lead).add(out.getShape().get(2)));
    }

    /** target <- target + tau * (online - target), for every Q head weight: one foreach lerp, as the reference. */
    public void softUpdateTargets() {
        ScriptOps.lerp(targetWeights, onlineWeights, cfg.tau());
    }

    /** A new array: {@code z}, the task embedding (if any), then {@code a}, along the last axis. */
    private static NDArray joined(NDArray z, NDArray emb, NDArray a) {
        NDArray x = withTask(z, emb);
        NDArray joined = x.concat(a, -1);
        if (x != z) {
            Mlp.done(x);
        }
        return joined;
    }

    private static NDArray withTask(NDArray x, NDArray emb) {
        if (emb == null) {
            return x;
        }
        Shape s = x.getShape();
        Shape target = s.slice(0, s.dimension() - 1).add(emb.getShape().get(emb.getShape().dimension() - 1));
        return x.concat(emb.broadcast(target), -1);
    }
}
