package io.github.tdmpc2j.agent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
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
    private final TdmpcConfig cfg;
    private final WorldModel model;
    private final int actionDim;

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
        int iterations = cfg.planIterations(actionDim);
        for (int i = 0; i < iterations; i++) {
            try (NDScope scope = new NDScope()) {
                NDArray noise = model.draws().normal(m, new Shape(b, samples - piTrajs, horizon, actionDim));
                NDArray sampled = Scalars.clip(noise.mul(std.expandDims(1)).add(mean.expandDims(1)), -1f, 1f);
                NDArray actions = piActions == null ? sampled : piActions.concat(sampled, 1);
                if (sampleMask != null) {
                    actions = actions.mul(sampleMask);
                }
                NDArray value = estimateValue(zs, actions, emb, mask, tasks, discount);
                value = NDArrays.where(value.isNaN(), value.zerosLike(), value);
                NDList top = value.topK(elites, 1, true, true);
                eliteActions = rows(actions, top.get(1), samples).reshape(b, elites, horizon, actionDim);
                score = Scalars.mul(top.get(0), cfg.temperature()).softmax(1);
                NDArray w = score.reshape(b, elites, 1, 1);
                mean = eliteActions.mul(w).sum(new int[] {1});
                std = Scalars.clip(eliteActions.sub(mean.expandDims(1)).square().mul(w).sum(new int[] {1}).sqrt(),
                        cfg.minStd(), cfg.maxStd());
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
     * latents [B, S, L] and actions [B, S, H, A]: values [B, S]. The reward logits of all horizon steps are decoded
     * at once after the rollout (one two-hot decode of eight kernels instead of one per step; the same values, as
     * the decode works row by row).
     */
    private NDArray estimateValue(NDArray z, NDArray actions, NDArray emb, NDArray mask, Tasks tasks,
            float discount) {
        int horizon = cfg.horizon();
        // multitask: each row's discount^t, [B, 1, 1]
        NDArray rowDiscount = tasks == null ? null : tasks.discount().expandDims(1);
        NDList logits = new NDList(horizon);
        // per step: the survival mask its reward is multiplied by (null before any termination can have happened)
        NDArray[] aliveAt = new NDArray[horizon + 1];
        NDArray alive = null;
        for (int t = 0; t < horizon; t++) {
            try (NDScope scope = new NDScope()) {
                NDArray a = actions.get(":, :, " + t);
                NDArray[] rz = model.rewardAndNext(z, a, emb, false);
                logits.add(rz[0]);
                z = rz[1];
                if (model.episodic()) {
                    NDArray terminated = model.terminationLogits(z, emb, false);
                    NDArray survived = Scalars.oneMinus(Scalars.greaterThan(terminated, 0f));
                    alive = alive == null ? survived : alive.mul(survived);
                    aliveAt[t + 1] = alive;
                    NDScope.unregister(alive);
                }
                NDScope.unregister(z, rz[0]);
            }
        }
        NDArray rewards = model.twoHot().decode(NDArrays.stack(logits));
        logits.close();
        NDArray g = null;
        float d = 1f;
        NDArray dRows = null;
        for (int t = 0; t < horizon; t++) {
            NDArray r = rewards.get(t);
            if (aliveAt[t] != null) {
                r = r.mul(aliveAt[t]);
            }
            NDArray discounted = dRows == null ? Scalars.mul(r, d) : r.mul(dRows);
            g = g == null ? discounted : g.add(discounted);
            if (rowDiscount == null) {
                d *= discount;
            } else {
                dRows = dRows == null ? rowDiscount : dRows.mul(rowDiscount);
            }
        }
        NDArray a = model.piAction(z, emb, mask);
        NDArray v = model.q(z, a, emb, true, false, false, false);
        NDArray q = dRows == null ? Scalars.mul(v, d) : v.mul(dRows);
        if (alive != null) {
            q = q.mul(alive);
        }
        return g.add(q).reshape(z.getShape().get(0), z.getShape().get(1));
    }
}
