package io.github.tdmpc2j.agent;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * MPPI in the latent space of the world model, as the reference's {@code _plan}: trajectories from the policy
 * prior plus Gaussian samples around a mean that is refined towards the elites, warm-started from the previous
 * step's plan shifted by one. Samples are laid out [N, H, A].
 */
final class Planner {
    private final TdmpcConfig cfg;
    private final WorldModel model;
    private final int actionDim;
    private final SplittableRandom rng;
    private float[] previousMean;

    Planner(TdmpcConfig cfg, WorldModel model, int actionDim, SplittableRandom rng) {
        this.cfg = cfg;
        this.model = model;
        this.actionDim = actionDim;
        this.rng = rng;
        this.previousMean = new float[cfg.horizon() * actionDim];
    }

    /**
     * @param obs  [1, O]
     * @param emb  task embedding [1, task_dim] or null
     * @param mask action mask [1, A] or null
     * @param t0   first step of an episode (no warm start)
     */
    float[] plan(NDArray obs, NDArray emb, NDArray mask, NDArray actionDims, float discount, boolean t0,
            boolean eval) {
        NDManager m = obs.getManager();
        int horizon = cfg.horizon();
        int samples = cfg.numSamples();
        int piTrajs = cfg.numPiTrajs();
        NDArray z = model.encode(obs, emb, false);

        NDArray piActions = null;
        if (piTrajs > 0) {
            NDArray zp = z.repeat(0, piTrajs);
            NDList steps = new NDList();
            for (int t = 0; t < horizon; t++) {
                NDArray a = model.pi(zp, emb, mask, actionDims, false).action();
                steps.add(a);
                if (t < horizon - 1) {
                    zp = model.next(zp, a, emb, false);
                }
            }
            piActions = ai.djl.ndarray.NDArrays.stack(steps, 1);
        }

        float[] meanInit = new float[horizon * actionDim];
        if (!t0) {
            System.arraycopy(previousMean, actionDim, meanInit, 0, (horizon - 1) * actionDim);
        }
        NDArray mean = m.create(meanInit, new Shape(horizon, actionDim));
        NDArray std = m.full(new Shape(horizon, actionDim), cfg.maxStd());
        NDArray zs = z.repeat(0, samples);
        NDArray eliteActions = null;
        float[] score = null;
        int iterations = cfg.planIterations(actionDim);
        for (int i = 0; i < iterations; i++) {
            NDArray noise = m.randomNormal(new Shape(samples - piTrajs, horizon, actionDim));
            NDArray sampled = noise.mul(std).add(mean).clip(-1f, 1f);
            NDArray actions = piActions == null ? sampled : piActions.concat(sampled, 0);
            if (mask != null) {
                actions = actions.mul(mask.expandDims(0));
            }
            NDArray value = estimateValue(zs, actions, emb, mask, actionDims, discount);
            float[] values = value.toFloatArray();
            int[] elites = topK(values, cfg.numElites());
            float max = Float.NEGATIVE_INFINITY;
            for (int e : elites) {
                max = Math.max(max, values[e]);
            }
            score = new float[elites.length];
            double total = 0;
            for (int e = 0; e < elites.length; e++) {
                score[e] = (float) Math.exp(cfg.temperature() * (values[elites[e]] - max));
                total += score[e];
            }
            for (int e = 0; e < score.length; e++) {
                score[e] /= (float) total;
            }
            eliteActions = actions.get(new NDIndex("{}", m.create(elites)));
            NDArray w = m.create(score, new Shape(elites.length, 1, 1));
            mean = eliteActions.mul(w).sum(new int[] {0}).div(1f + 1e-9f);
            std = eliteActions.sub(mean).square().mul(w).sum(new int[] {0}).div(1f + 1e-9f).sqrt()
                    .clip(cfg.minStd(), cfg.maxStd());
            if (mask != null) {
                mean = mean.mul(mask);
                std = std.mul(mask);
            }
        }
        int chosen = sample(score);
        float[] first = eliteActions.get(chosen).get(0).toFloatArray();
        float[] firstStd = std.get(0).toFloatArray();
        previousMean = mean.toFloatArray();
        if (!eval) {
            for (int j = 0; j < actionDim; j++) {
                first[j] += firstStd[j] * (float) gaussian();
            }
        }
        for (int j = 0; j < actionDim; j++) {
            first[j] = Math.max(-1f, Math.min(1f, first[j]));
        }
        return first;
    }

    /** Discounted predicted rewards over the horizon plus the discounted value of the policy at the end. */
    private NDArray estimateValue(NDArray z, NDArray actions, NDArray emb, NDArray mask, NDArray actionDims,
            float discount) {
        NDArray g = null;
        float d = 1f;
        NDArray terminatedSoFar = null;
        for (int t = 0; t < cfg.horizon(); t++) {
            NDArray a = actions.get(":, " + t);
            NDArray r = model.twoHot().decode(model.reward(z, a, emb, false));
            z = model.next(z, a, emb, false);
            if (terminatedSoFar != null) {
                r = r.mul(terminatedSoFar.neg().add(1f));
            }
            g = g == null ? r.mul(d) : g.add(r.mul(d));
            d *= discount;
            if (model.episodic()) {
                NDArray term = model.terminationLogits(z, emb, false).gt(0f)
                        .toType(ai.djl.ndarray.types.DataType.FLOAT32, false);
                terminatedSoFar = terminatedSoFar == null ? term : terminatedSoFar.add(term).clip(0f, 1f);
            }
        }
        NDArray a = model.pi(z, emb, mask, actionDims, false).action();
        NDArray q = model.q(z, a, emb, true, false, false, false).mul(d);
        if (terminatedSoFar != null) {
            q = q.mul(terminatedSoFar.neg().add(1f));
        }
        return g.add(q).reshape(-1);
    }

    /** Indices of the k largest values (NaN counts as 0, as the reference's nan_to_num). */
    static int[] topK(float[] values, int k) {
        Integer[] idx = new Integer[values.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
            if (Float.isNaN(values[i])) {
                values[i] = 0f;
            }
        }
        java.util.Arrays.sort(idx, (x, y) -> Float.compare(values[y], values[x]));
        int[] out = new int[k];
        for (int i = 0; i < k; i++) {
            out[i] = idx[i];
        }
        return out;
    }

    private int sample(float[] probabilities) {
        double u = rng.nextDouble();
        double c = 0;
        for (int i = 0; i < probabilities.length; i++) {
            c += probabilities[i];
            if (u < c) {
                return i;
            }
        }
        return probabilities.length - 1;
    }

    private double gaussian() {
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    void reset() {
        java.util.Arrays.fill(previousMean, 0f);
    }

    float[] previousMean() {
        return previousMean.clone();
    }
}
