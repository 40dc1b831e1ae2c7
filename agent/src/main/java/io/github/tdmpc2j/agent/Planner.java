package io.github.tdmpc2j.agent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.github.tdmpc2j.agent.nn.Scalars;

/**
 * MPPI in the latent space of the world model, as the reference's {@code _plan}: trajectories from the policy
 * prior plus Gaussian samples around a mean that is refined towards the elites, warm-started from the previous
 * step's plan shifted by one. Samples are laid out [N, H, A].
 *
 * <p>Everything stays on the agent's device: elites, their weights and the final draw are tensor operations, and
 * no value is read back until the caller reads the action. So one plan is a fixed sequence of kernels that a CUDA
 * graph can capture.
 */
final class Planner {
    private final TdmpcConfig cfg;
    private final WorldModel model;
    private final int actionDim;

    /** The chosen action [A] and the refined mean [H, A] to warm-start the next step from. */
    record Plan(NDArray action, NDArray mean) {
    }

    Planner(TdmpcConfig cfg, WorldModel model, int actionDim) {
        this.cfg = cfg;
        this.model = model;
        this.actionDim = actionDim;
    }

    /**
     * @param obs        [1, O]
     * @param emb        task embedding [1, task_dim] or null
     * @param mask       action mask [1, A] or null
     * @param previous   the previous step's mean [H, A]
     * @param notFirst   0-d: 0 on the first step of an episode (no warm start), else 1
     * @param explore    0-d: 1 to add the exploration noise of training, 0 to evaluate
     */
    Plan plan(NDArray obs, NDArray emb, NDArray mask, NDArray actionDims, float discount, NDArray previous,
            NDArray notFirst, NDArray explore) {
        NDManager m = obs.getManager();
        int horizon = cfg.horizon();
        int samples = cfg.numSamples();
        int piTrajs = cfg.numPiTrajs();
        NDArray z = model.encode(obs, emb, false);

        NDArray piActions = null;
        if (piTrajs > 0) {
            NDArray zp = z.tile(new long[] {piTrajs, 1});
            NDList steps = new NDList();
            for (int t = 0; t < horizon; t++) {
                NDArray a = model.pi(zp, emb, mask, actionDims, false).action();
                steps.add(a);
                if (t < horizon - 1) {
                    zp = model.next(zp, a, emb, false);
                }
            }
            piActions = NDArrays.stack(steps, 1);
        }

        // warm start: the previous mean shifted one step earlier, zeros at the end
        NDArray mean = previous.get("1:").concat(m.zeros(new Shape(1, actionDim)), 0).mul(notFirst);
        NDArray std = m.full(new Shape(horizon, actionDim), cfg.maxStd());
        NDArray zs = z.tile(new long[] {samples, 1});
        NDArray eliteActions = null;
        NDArray score = null;
        int iterations = cfg.planIterations(actionDim);
        for (int i = 0; i < iterations; i++) {
            NDArray noise = m.randomNormal(new Shape(samples - piTrajs, horizon, actionDim));
            NDArray sampled = Scalars.clip(noise.mul(std).add(mean), -1f, 1f);
            NDArray actions = piActions == null ? sampled : piActions.concat(sampled, 0);
            if (mask != null) {
                actions = actions.mul(mask.expandDims(0));
            }
            NDArray value = estimateValue(zs, actions, emb, mask, actionDims, discount);
            value = NDArrays.where(value.isNaN(), value.zerosLike(), value);
            NDList top = value.topK(cfg.numElites(), 0, true, true);
            eliteActions = actions.get(new NDIndex("{}", top.get(1)));
            score = Scalars.mul(top.get(0), cfg.temperature()).softmax(0);
            NDArray w = score.reshape(-1, 1, 1);
            mean = eliteActions.mul(w).sum(new int[] {0});
            std = Scalars.clip(eliteActions.sub(mean).square().mul(w).sum(new int[] {0}).sqrt(), cfg.minStd(),
                    cfg.maxStd());
            if (mask != null) {
                mean = mean.mul(mask);
                std = std.mul(mask);
            }
        }
        // one elite trajectory drawn by its score (Gumbel-max), its first action, plus exploration noise
        NDArray gumbel = m.randomUniform(0f, 1f, score.getShape()).log().neg().log().neg();
        NDArray chosen = score.log().add(gumbel).argMax(0).reshape(1);
        NDArray first = eliteActions.get(new NDIndex("{}", chosen)).get("0, 0");
        NDArray noise = m.randomNormal(new Shape(actionDim)).mul(std.get(0)).mul(explore);
        return new Plan(Scalars.clip(first.add(noise), -1f, 1f), mean);
    }

    /** Discounted predicted rewards over the horizon plus the discounted value of the policy at the end. */
    private NDArray estimateValue(NDArray z, NDArray actions, NDArray emb, NDArray mask, NDArray actionDims,
            float discount) {
        NDArray g = null;
        float d = 1f;
        NDArray alive = null;
        for (int t = 0; t < cfg.horizon(); t++) {
            NDArray a = actions.get(":, " + t);
            NDArray r = model.twoHot().decode(model.reward(z, a, emb, false));
            z = model.next(z, a, emb, false);
            if (alive != null) {
                r = r.mul(alive);
            }
            g = g == null ? Scalars.mul(r, d) : g.add(Scalars.mul(r, d));
            d *= discount;
            if (model.episodic()) {
                NDArray survived = Scalars.oneMinus(Scalars.greaterThan(model.terminationLogits(z, emb, false), 0f));
                alive = alive == null ? survived : alive.mul(survived);
            }
        }
        NDArray a = model.pi(z, emb, mask, actionDims, false).action();
        NDArray q = Scalars.mul(model.q(z, a, emb, true, false, false, false), d);
        if (alive != null) {
            q = q.mul(alive);
        }
        return g.add(q).reshape(-1);
    }
}
