package io.github.tdmpc2j.agent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.tdmpc2j.agent.gpu.TorchNative;
import io.github.tdmpc2j.agent.nn.FusedKernels;
import io.github.tdmpc2j.agent.nn.Mlp;
import io.github.tdmpc2j.agent.nn.Scalars;

/**
 * MPPI in the latent space of the world model, as the reference's {@code _plan}, for a batch of B rows at once:
 * trajectories from the policy prior plus Gaussian samples around a mean that is refined towards the elites,
 * warm-started from the row's previous plan shifted by one. Samples are laid out [B, S, H, A]; each row has its
 * own elites, weights, draw, warm start, flags and (multitask) task embedding, action mask and discount, and no
 * row sees another's samples.
 *
 * <p>Everything stays on the agent's device: elites, their weights and the final draw are tensor operations, and
 * no value is read back until the caller reads the actions. So one plan is a fixed sequence of kernels (for a
 * given B) that a CUDA graph can capture. For B = 1 the operations and random draws are those of a single-row
 * planner, in the same order.
 *
 * <p>Each iteration and each horizon step frees its intermediates when it ends (an {@code NDScope}; what is
 * carried on is unregistered from it), so the next one reuses memory still in cache instead of growing the
 * plan's working set to hundreds of MB at 8 rows (bench/RESULTS.md, "Planning faster on the CPU").
 */
final class Planner {
    private static final String SAMPLE = "planner sample";
    private static final String REFIT = "planner refit";
    private static final String VALUE = "planner value";
    /** Set to {@code cpu} to plan in the CPU's form on a GPU too ({@link #gpuForm(Boolean)}; to compare). */
    public static final String FORM_VARIABLE = "TDMPC2J_PLAN_FORM";
    private static final boolean CPU_FORM = "cpu".equalsIgnoreCase(System.getenv(FORM_VARIABLE));
    private final TdmpcConfig cfg;
    private final WorldModel model;
    private final int actionDim;
    /** A single task's discount weights ({@link #discounts}) and the discount they were made for. */
    private NDArray[] singleWeights;
    private float singleDiscount;
    /**
     * Whether plans take the GPU's form ({@link #gpuForm(Boolean)}); null: where the fused LayerNorm runs, unless
     * {@value #FORM_VARIABLE}=cpu.
     */
    private Boolean gpuForm;

    /** The chosen actions [B, A] and the refined means [B, H, A] to warm-start each row's next step from. */
    record Plan(NDArray action, NDArray mean) {
    }

    /**
     * A batch's per-row task data on the device, null for a single-task agent.
     *
     * @param emb      task embeddings [B, task_dim]
     * @param mask     action masks [B, A]
     * @param discount discounts [B, 1]
     */
    record Tasks(NDArray emb, NDArray mask, NDArray discount) {
    }

    Planner(TdmpcConfig cfg, WorldModel model, int actionDim) {
        this.cfg = cfg;
        this.model = model;
        this.actionDim = actionDim;
    }

    /**
     * Plan in the GPU's form ({@code true}), in the CPU's ({@code false}) or where the fused LayerNorm kernel runs
     * ({@code null}, the default), for tests. The GPU's form issues fewer, larger kernels: reward and dynamics
     * run their hidden layers as one two-member ensemble ({@link WorldModel#rewardAndNextStack}), and the Q heads
     * of every iteration are drawn and picked at the start of the plan ({@link WorldModel#qPairs}) instead of at
     * each evaluation: the same distribution, draws in another order. The CPU's form draws as the reference does.
     */
    void gpuForm(Boolean on) {
        gpuForm = on;
    }

    /**
     * @param obs      [B, O]
     * @param tasks    per-row task data, or null for one task (then {@code discount} applies to every row)
     * @param discount the single task's discount (ignored when {@code tasks} is given)
     * @param previous each row's previous mean [B, H, A]
     * @param notFirst [B]: 0 on the first step of a row's episode (no warm start), else 1
     * @param explore  [B]: 1 to add the exploration noise of training, 0 to evaluate
     */
    Plan plan(NDArray obs, Tasks tasks, float discount, NDArray previous, NDArray notFirst, NDArray explore) {
        NDManager m = obs.getManager();
        int b = (int) obs.getShape().get(0);
        int horizon = cfg.horizon();
        int samples = cfg.numSamples();
        int piTrajs = cfg.numPiTrajs();
        int elites = cfg.numElites();
        // per row, broadcast over its samples by the world model: [B, 1, E], [B, 1, A], [B, 1, 1]
        NDArray emb = tasks == null ? null : tasks.emb().expandDims(1);
        NDArray mask = tasks == null ? null : tasks.mask().expandDims(1);
        NDArray z = model.encode(obs, tasks == null ? null : tasks.emb(), false);
        int iterations = cfg.planIterations(actionDim);
        boolean gpu = gpuForm != null ? gpuForm : !CPU_FORM && Mlp.fused(z);
        // the Q heads' small parameters in one array for the whole plan: one pick per evaluation instead of eight
        NDArray qVectors = model.qVectors();
        Mlp.Stack qPairs = gpu ? model.qPairs(m, iterations, qVectors) : null;
        Mlp.Stack shared = gpu ? model.rewardAndNextStack() : null;

        NDArray piActions = null;
        if (piTrajs > 0) {
            NDArray zp = z.expandDims(1).tile(new long[] {1, piTrajs, 1});
            NDList steps = new NDList();
            for (int t = 0; t < horizon; t++) {
                NDArray a = model.piAction(zp, emb, mask);
                steps.add(a);
                if (t < horizon - 1) {
                    zp = model.next(zp, a, emb, false);
                }
            }
            piActions = NDArrays.stack(steps, 2);
        }

        // warm start: each row's previous mean shifted one step earlier, zeros at the end
        NDArray mean = previous.get(":, 1:").concat(m.zeros(new Shape(b, 1, actionDim)), 1)
                .mul(notFirst.reshape(b, 1, 1));
        NDArray std = m.full(new Shape(b, horizon, actionDim), cfg.maxStd());
        NDArray zs = z.expandDims(1).tile(new long[] {1, samples, 1});
        NDArray sampleMask = mask == null ? null : mask.expandDims(1);
        NDArray eliteActions = null;
        NDArray score = null;
        NDArray[] weights = discounts(z, tasks, discount);
        for (int i = 0; i < iterations; i++) {
            try (NDScope scope = new NDScope()) {
                NDArray noise = model.draws().normal(m, new Shape(b, samples - piTrajs, horizon, actionDim));
                NDArray actions = FusedKernels.use(SAMPLE, noise, Planner::checkSample)
                        ? TorchNative.sample(piActions, noise, mean, std) : sample(piActions, noise, mean, std);
                if (sampleMask != null) {
                    actions = actions.mul(sampleMask);
                }
                Mlp.Stack pair = qPairs != null ? qPairs.members(2L * i, 2L * i + 2) : null;
                NDArray value = estimateValue(zs, actions, emb, mask, weights, qVectors, pair, shared);
                NDList top = value.topK(elites, 1, true, true);
                eliteActions = rows(actions, top.get(1), samples).reshape(b, elites, horizon, actionDim);
                // the fused refit keeps the weights of up to 1,024 elites in shared memory
                NDArray[] refit = elites <= 1024
                        && FusedKernels.use(REFIT, eliteActions, Planner::checkRefit)
                        ? TorchNative.refit(eliteActions, top.get(0), cfg.temperature(), cfg.minStd(), cfg.maxStd())
                        : refit(eliteActions, top.get(0), cfg.temperature(), cfg.minStd(), cfg.maxStd());
                mean = refit[0];
                std = refit[1];
                score = refit[2];
                if (mask != null) {
                    mean = mean.mul(mask);
                    std = std.mul(mask);
                }
                NDScope.unregister(mean, std, eliteActions, score);
            }
        }
        // per row, one elite trajectory drawn by its score (Gumbel-max), its first action, plus exploration noise
        NDArray gumbel = model.draws().uniform(m, score.getShape()).log().neg().log().neg();
        NDArray chosen = score.log().add(gumbel).argMax(1).reshape(b, 1);
        NDArray first = rows(eliteActions, chosen, elites).get(":, 0");
        NDArray noise = model.draws().normal(m, new Shape(b, actionDim)).mul(std.get(":, 0"))
                .mul(explore.reshape(b, 1));
        return new Plan(Scalars.clip(first.add(noise), -1f, 1f), mean);
    }

    /** The candidates [B, S, H, A]: the policy's trajectories (or none), then clamp(noise * std + mean, -1, 1). */
    private static NDArray sample(NDArray piActions, NDArray noise, NDArray mean, NDArray std) {
        NDArray sampled = Scalars.clip(noise.mul(std.expandDims(1)).add(mean.expandDims(1)), -1f, 1f);
        return piActions == null ? sampled : piActions.concat(sampled, 1);
    }

    /**
     * MPPI's refit from the elites [B, E, H, A] and their values [B, E]: {mean, std (clamped), weights}, the
     * weights the softmax of temperature * value.
     */
    private static NDArray[] refit(NDArray eliteActions, NDArray values, float temperature, float minStd,
            float maxStd) {
        Shape s = eliteActions.getShape();
        NDArray score = Scalars.mul(values, temperature).softmax(1);
        NDArray w = score.reshape(s.get(0), s.get(1), 1, 1);
        NDArray mean = eliteActions.mul(w).sum(new int[] {1});
        NDArray std = Scalars.clip(eliteActions.sub(mean.expandDims(1)).square().mul(w).sum(new int[] {1}).sqrt(),
                minStd, maxStd);
        return new NDArray[] {mean, std, score};
    }

    /** The fused sampling against PyTorch's ops on fixed draws, with and without the policy's trajectories. */
    private static double checkSample(NDManager m) {
        NDArray pi = FusedKernels.wave(m, new Shape(2, 5, 3, 4), 0.1f, 1f);
        NDArray noise = FusedKernels.wave(m, new Shape(2, 7, 3, 4), 0.37f, 2f);
        NDArray mean = FusedKernels.wave(m, new Shape(2, 3, 4), 0.3f, 0.6f);
        NDArray std = FusedKernels.wave(m, new Shape(2, 3, 4), 0.2f, 1f).abs().add(0.05f);
        return Math.max(FusedKernels.error(TorchNative.sample(pi, noise, mean, std), sample(pi, noise, mean, std)),
                FusedKernels.error(TorchNative.sample(null, noise, mean, std), sample(null, noise, mean, std)));
    }

    /** The fused refit against PyTorch's ops on fixed elites and values. */
    private static double checkRefit(NDManager m) {
        NDArray elites = FusedKernels.wave(m, new Shape(2, 64, 3, 4), 0.37f, 1f);
        NDArray values = FusedKernels.wave(m, new Shape(2, 64), 0.21f, 30f);
        NDArray[] fused = TorchNative.refit(elites, values, 0.5f, 0.05f, 2f);
        NDArray[] ops = refit(elites, values, 0.5f, 0.05f, 2f);
        double worst = 0;
        for (int i = 0; i < 3; i++) {
            worst = Math.max(worst, FusedKernels.error(fused[i], ops[i]));
        }
        return worst;
    }

    /**
     * Entries {@code index[r, j]} of each row r of {@code x} [B, n, ...], as [B * k, ...]: the index is offset to
     * the row's block of the flattened first two axes (no offset for one row).
     */
    private static NDArray rows(NDArray x, NDArray index, int n) {
        Shape s = x.getShape();
        long b = s.get(0);
        NDArray flat = x.reshape(new Shape(b * n).addAll(s.slice(2)));
        NDArray at = index;
        if (b > 1) {
            at = at.add(index.getManager().arange(0, (int) (b * n), n, DataType.INT64).reshape(b, 1));
        }
        return flat.get(new NDIndex("{}", at.reshape(-1)));
    }

    /**
     * Discounted predicted rewards over the horizon plus the discounted value of the policy at the end, for
     * latents [B, S, L] and actions [B, S, H, A]: values [B, S]. The logits of every horizon step's reward and of
     * the two Q heads at the end are decoded at once after the rollout, and the discounted sum is one product with
     * the weights of {@link #discounts} and one sum: a dozen kernels where a decode per step and per head and a
     * product and sum per step took about thirty (the same values bit for bit: the decode works row by row, and
     * each product and sum is taken in the same order as step by step). NaN values become 0. On a GPU decode and sum
     * are one fused kernel ({@link TorchNative#value}), the survival masks included. {@code pair}: the
     * Q heads to evaluate ({@link WorldModel#qPairs}; null: drawn now, after the policy's draw, as the reference);
     * {@code shared}: reward and dynamics stacked ({@link WorldModel#rewardAndNextStack}) or null.
     */
    private NDArray estimateValue(NDArray z, NDArray actions, NDArray emb, NDArray mask, NDArray[] weights,
            NDArray qVectors, Mlp.Stack pair, Mlp.Stack shared) {
        int horizon = cfg.horizon();
        NDList logits = new NDList(horizon + 1);
        // per step: the survival mask its reward is multiplied by (none at the first step)
        NDList aliveAt = new NDList(horizon);
        NDArray alive = null;
        for (int t = 0; t < horizon; t++) {
            try (NDScope scope = new NDScope()) {
                NDArray a = actions.get(":, :, " + t);
                NDArray[] rz = model.rewardAndNext(z, a, emb, false, shared);
                logits.add(rz[0].expandDims(0));
                z = rz[1];
                if (model.episodic()) {
                    aliveAt.add(alive == null ? Scalars.scalar(z, 1f).broadcast(rz[0].getShape().slice(0, 2).add(1))
                            .expandDims(0) : alive.expandDims(0));
                    NDArray terminated = model.terminationLogits(z, emb, false);
                    NDArray survived = Scalars.oneMinus(Scalars.greaterThan(terminated, 0f));
                    alive = alive == null ? survived : alive.mul(survived);
                    NDScope.unregister(alive, aliveAt.get(t));
                }
                NDScope.unregister(z, logits.get(t));
            }
        }
        NDArray pi = model.piAction(z, emb, mask);
        logits.add(model.qPairLogits(z, pi, emb, pair != null ? pair : model.qPairs(z.getManager(), 1, qVectors)));
        // [H + 2, B, S, bins]: the H rewards, then the two Q heads
        NDArray all = NDArrays.concat(logits);
        logits.close();
        long b = z.getShape().get(0);
        long s = z.getShape().get(1);
        // the survival masks of every step and the last one's, [H + 1, B, S, 1] (episodic tasks)
        NDArray masks = null;
        if (alive != null) {
            aliveAt.add(alive.expandDims(0));
            masks = NDArrays.concat(aliveAt);
            aliveAt.close();
        }
        if (FusedKernels.use(VALUE, all, this::checkValue)) {
            return TorchNative.value(all, model.twoHot().centres(all), weights[0], weights[1], masks).reshape(b, s);
        }
        return value(model.twoHot().decode(all), weights, masks).reshape(b, s);
    }

    /**
     * Values [B, S, 1] from decoded rewards and Q heads [H + 2, B, S, 1]: each reward (times its survival mask, when
     * {@code masks} [H + 1, B, S, 1] are given) times its discount weight, summed, plus the heads' sum times their
     * weight (and the last survival mask); NaN becomes 0, as the reference's nan_to_num(0) does for NaN.
     */
    private static NDArray value(NDArray values, NDArray[] weights, NDArray masks) {
        long h = values.getShape().get(0) - 2;
        NDArray rewards = values.get("0:" + h);
        if (masks != null) {
            rewards = rewards.mul(masks.get("0:" + h));
        }
        NDArray q = values.get(h).add(values.get(h + 1)).mul(weights[1]);
        if (masks != null) {
            q = q.mul(masks.get(h));
        }
        NDArray v = rewards.mul(weights[0]).sum(new int[] {0}).add(q);
        return NDArrays.where(v.isNaN(), v.zerosLike(), v);
    }

    /**
     * The fused value kernel against PyTorch's ops on fixed logits and weights: a single task's weights, and a
     * batch of two rows with their own discounts, each without and with survival masks.
     */
    private double checkValue(NDManager m) {
        int h = cfg.horizon();
        int bins = model.twoHot().numBins();
        NDArray logits = FusedKernels.wave(m, new Shape(h + 2, 2, 16, bins), 0.37f, 4f);
        NDArray centres = model.twoHot().centres(logits);
        double worst = 0;
        for (float[] discounts : new float[][] {{0.97f}, {0.97f, 0.9f}}) {
            int rows = discounts.length;
            float[] steps = new float[h * rows];
            float[] head = new float[rows];
            for (int r = 0; r < rows; r++) {
                float d = 1f;
                for (int t = 0; t < h; t++) {
                    steps[t * rows + r] = d;
                    d *= discounts[r];
                }
                head[r] = 0.5f * d;
            }
            NDArray[] weights = rows == 1
                    ? new NDArray[] {m.create(steps, new Shape(h, 1, 1, 1)), m.create(head[0])}
                    : new NDArray[] {m.create(steps, new Shape(h, rows, 1, 1)), m.create(head, new Shape(rows, 1, 1))};
            worst = Math.max(worst, FusedKernels.error(TorchNative.value(logits, centres, weights[0], weights[1],
                    null), value(model.twoHot().decode(logits), weights, null).reshape(2, 16)));
            // survival masks of 0s and 1s: [H, 2, 16, 1] per step, then the last [2, 16, 1]
            NDArray masks = FusedKernels.wave(m, new Shape(h + 1, 2, 16, 1), 0.61f, 1f).gt(-0.3f)
                    .toType(DataType.FLOAT32, false);
            worst = Math.max(worst, FusedKernels.error(TorchNative.value(logits, centres, weights[0], weights[1],
                    masks), value(model.twoHot().decode(logits), weights, masks).reshape(2, 16)));
        }
        return worst;
    }

    /**
     * The weights of the discounted sum: discount^t for each horizon step t ([H, 1, 1, 1], or [H, B, 1, 1] per
     * row for a multitask batch) and half the discount^H for the two Q heads' sum (a 0-d constant, or [B, 1, 1]),
     * each power taken by repeated products in float as a step-by-step sum would take it. A single task's are made
     * once and kept (so a captured plan refers to them); a multitask batch's once per plan.
     */
    private NDArray[] discounts(NDArray like, Tasks tasks, float discount) {
        int horizon = cfg.horizon();
        if (tasks == null) {
            if (singleWeights == null || singleDiscount != discount
                    || !singleWeights[0].getDevice().equals(like.getDevice())) {
                float[] w = new float[horizon];
                float d = 1f;
                for (int t = 0; t < horizon; t++) {
                    w[t] = d;
                    d *= discount;
                }
                NDArray steps = Scalars.constants(like.getDevice()).create(w, new Shape(horizon, 1, 1, 1));
                NDScope.unregister(steps);
                singleWeights = new NDArray[] {steps, Scalars.scalar(like, 0.5f * d)};
                singleDiscount = discount;
            }
            return singleWeights;
        }
        NDArray rowDiscount = tasks.discount().expandDims(1);
        NDList powers = new NDList(horizon);
        NDArray d = rowDiscount.onesLike();
        for (int t = 0; t < horizon; t++) {
            powers.add(d.expandDims(0));
            d = d.mul(rowDiscount);
        }
        return new NDArray[] {NDArrays.concat(powers), Scalars.mul(d, 0.5f)};
    }
}
