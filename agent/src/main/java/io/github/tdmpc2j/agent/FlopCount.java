package io.github.tdmpc2j.agent;

/**
 * Floating-point operations of one {@code act} and one {@code update}, counted from the layer shapes: matrix
 * products only (2 per multiply-add), which dominate; element-wise work is left out. A backward pass counts
 * twice its forward (gradients for inputs and weights), or once where only input gradients flow (the detached Q
 * heads in the policy loss).
 */
public final class FlopCount {
    private FlopCount() {
    }

    /** FLOPs of one planning call (or one policy evaluation with mpc=false). */
    public static double act(TdmpcConfig cfg, int obsDim, int actionDim, int numTasks) {
        Macs m = new Macs(cfg, obsDim, actionDim, numTasks);
        if (!cfg.mpc()) {
            return 2 * (m.encoder + m.pi);
        }
        int h = cfg.horizon();
        double piTrajs = cfg.numPiTrajs() * (h * m.pi + (h - 1) * m.dynamics);
        double perSample = h * (m.reward + m.dynamics) + m.pi + 2 * m.q;
        return 2 * (m.encoder + piTrajs + (double) cfg.planIterations(actionDim) * cfg.numSamples() * perSample);
    }

    /** FLOPs of one update (world model step and policy step) on a full batch. */
    public static double update(TdmpcConfig cfg, int obsDim, int actionDim, int numTasks, boolean episodic) {
        Macs m = new Macs(cfg, obsDim, actionDim, numTasks);
        int h = cfg.horizon();
        double targets = h * (m.encoder + m.pi + 2 * m.q);
        double modelForward = m.encoder + h * (m.dynamics + m.reward + cfg.numQ() * m.q + (episodic ? m.termination : 0));
        double policy = (h + 1) * (3 * m.pi + 2 * 2 * m.q);
        return 2 * cfg.batchSize() * (targets + 3 * modelForward + policy);
    }

    private static final class Macs {
        final double encoder;
        final double dynamics;
        final double reward;
        final double termination;
        final double pi;
        final double q;

        Macs(TdmpcConfig cfg, int obsDim, int actionDim, int numTasks) {
            int t = numTasks > 1 ? cfg.taskDim() : 0;
            int z = cfg.latentDim();
            int mlp = cfg.mlpDim();
            int[] enc = WorldModel.encoderHidden(cfg);
            double e = 0;
            int prev = obsDim + t;
            for (int width : enc) {
                e += (double) prev * width;
                prev = width;
            }
            encoder = e + (double) prev * z;
            dynamics = mlp2(z + t + actionDim, mlp, z);
            reward = mlp2(z + t + actionDim, mlp, cfg.numBins());
            termination = mlp2(z + t, mlp, 1);
            pi = mlp2(z + t, mlp, 2 * actionDim);
            q = mlp2(z + t + actionDim, mlp, cfg.numBins());
        }

        private static double mlp2(int in, int hidden, int out) {
            return (double) in * hidden + (double) hidden * hidden + (double) hidden * out;
        }
    }
}
