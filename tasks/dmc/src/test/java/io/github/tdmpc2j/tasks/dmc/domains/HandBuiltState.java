package io.github.tdmpc2j.tasks.dmc.domains;

import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.tasks.dmc.DmcEnv;
import io.github.tdmpc2j.tasks.dmc.DmcPhysics;
import io.github.tdmpc2j.tasks.dmc.DmcProvider;

/** A raw env put into a state written by hand (joint positions and velocities by name), for reward tests. */
final class HandBuiltState {
    private static final DmcProvider PROVIDER = new DmcProvider();

    private HandBuiltState() {
    }

    static DmcEnv make(String id) {
        TaskSpec spec = PROVIDER.tasks().stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
        DmcEnv env = (DmcEnv) PROVIDER.create(spec, EnvOptions.defaults());
        env.reset(0);
        return env;
    }

    /** Sets every joint to the model's default pose (qpos0) and every velocity and control to zero. */
    static void rest(DmcEnv env) {
        DmcPhysics physics = env.physics();
        var qpos0 = physics.model().qpos0();
        for (int i = 0; i < qpos0.limit(); i++) {
            physics.qpos().put(i, qpos0.get(i));
        }
        for (int i = 0; i < physics.qvel().limit(); i++) {
            physics.qvel().put(i, 0);
        }
        for (int i = 0; i < physics.ctrl().limit(); i++) {
            physics.ctrl().put(i, 0);
        }
        physics.forward();
    }

    /** Sets the position of a one-dimensional joint, then recomputes positions and sensors. */
    static void position(DmcEnv env, String joint, double value) {
        env.physics().qpos().put(env.physics().qposAddress(joint), value);
        env.physics().forward();
    }

    /** Sets the velocity of a one-dimensional joint, then recomputes positions and sensors. */
    static void velocity(DmcEnv env, String joint, double value) {
        env.physics().qvel().put(env.physics().dofAddress(joint), value);
        env.physics().forward();
    }

    /** Sets the free joint "root"'s linear velocity (every body moves alike), then recomputes positions and sensors. */
    static void rootVelocity(DmcEnv env, double vx, double vy, double vz) {
        DmcPhysics physics = env.physics();
        int dof = physics.dofAddress("root");
        physics.qvel().put(dof, vx);
        physics.qvel().put(dof + 1, vy);
        physics.qvel().put(dof + 2, vz);
        physics.forward();
    }
}
