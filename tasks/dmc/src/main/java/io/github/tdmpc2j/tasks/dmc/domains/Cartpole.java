package io.github.tdmpc2j.tasks.dmc.domains;

import static io.github.tdmpc2j.tasks.dmc.JointRandomizer.uniform;

import io.github.tdmpc2j.tasks.dmc.DmcDomain;
import io.github.tdmpc2j.tasks.dmc.DmcPhysics;
import io.github.tdmpc2j.tasks.dmc.DmcTask;
import io.github.tdmpc2j.tasks.dmc.DmcTaskDefinition;
import io.github.tdmpc2j.tasks.dmc.Observation;
import io.github.tdmpc2j.tasks.dmc.Sigmoid;
import io.github.tdmpc2j.tasks.dmc.Tolerance;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A cart on a rail with a hinged pole. Balance starts near upright, swing-up hanging down; the sparse variants pay
 * 1 only with the cart centred and the pole upright. Observation: cart position, pole cos and sin, cart and pole
 * velocity.
 */
public final class Cartpole implements DmcDomain {
    private static final String MODEL = "cartpole.xml";

    @Override
    public List<DmcTaskDefinition> tasks() {
        return List.of(
                definition("cartpole-balance", false, false),
                definition("cartpole-balance-sparse", false, true),
                definition("cartpole-swingup", true, false),
                definition("cartpole-swingup-sparse", true, true));
    }

    private static DmcTaskDefinition definition(String name, boolean swingUp, boolean sparse) {
        return new DmcTaskDefinition(name, MODEL, 1, 5, 1, physics -> new Balance(physics, swingUp, sparse));
    }

    /** dm_control's {@code cartpole.Balance} with one pole. */
    static final class Balance implements DmcTask {
        private static final double CART_LIMIT = 0.25;
        private static final double UPRIGHT_COSINE = 0.995;
        private static final int ZZ = 8;
        private static final int XZ = 2;

        private final boolean swingUp;
        private final boolean sparse;
        private final int slider;
        private final int hinge;
        private final int pole;

        Balance(DmcPhysics physics, boolean swingUp, boolean sparse) {
            this.swingUp = swingUp;
            this.sparse = sparse;
            this.slider = physics.qposAddress("slider");
            this.hinge = physics.qposAddress("hinge_1");
            this.pole = physics.model().bodyId("pole_1");
        }

        @Override
        public void initializeEpisode(DmcPhysics physics, RandomGenerator rng) {
            var qpos = physics.qpos();
            if (swingUp) {
                qpos.put(slider, 0.01 * rng.nextGaussian());
                qpos.put(hinge, Math.PI + 0.01 * rng.nextGaussian());
            } else {
                qpos.put(slider, uniform(rng, -0.1, 0.1));
                qpos.put(hinge, uniform(rng, -0.034, 0.034));
            }
            var qvel = physics.qvel();
            for (int i = 0; i < qvel.limit(); i++) {
                qvel.put(i, 0.01 * rng.nextGaussian());
            }
        }

        @Override
        public void observe(DmcPhysics physics, Observation out) {
            out.add(physics.qpos().get(slider));
            out.add(physics.xmat().get(9 * pole + ZZ), physics.xmat().get(9 * pole + XZ));
            out.addAll(physics.qvel());
        }

        @Override
        public double reward(DmcPhysics physics) {
            double cart = physics.qpos().get(slider);
            double cosine = physics.xmat().get(9 * pole + ZZ);
            if (sparse) {
                return Tolerance.tolerance(cart, -CART_LIMIT, CART_LIMIT)
                        * Tolerance.tolerance(cosine, UPRIGHT_COSINE, 1);
            }
            double upright = (cosine + 1) / 2;
            double centered = (1 + Tolerance.tolerance(cart, 0, 0, 2, Sigmoid.GAUSSIAN)) / 2;
            double smallControl = Tolerance.smallControl(physics.ctrl());
            double poleVelocity = physics.qvel().get(1);
            double smallVelocity = (1 + Tolerance.tolerance(poleVelocity, 0, 0, 5, Sigmoid.GAUSSIAN)) / 2;
            return upright * smallControl * smallVelocity * centered;
        }
    }
}
