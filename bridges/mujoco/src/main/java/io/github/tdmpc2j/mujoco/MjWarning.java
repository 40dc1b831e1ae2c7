package io.github.tdmpc2j.mujoco;

import java.util.EnumSet;
import java.util.Set;

/** MuJoCo's warning kinds (mjtWarning), in MuJoCo's order. */
public enum MjWarning {
    INERTIA(false),
    CONTACT_FULL(false),
    CONSTRAINT_FULL(false),
    BAD_QPOS(true),
    BAD_QVEL(true),
    BAD_QACC(true),
    BAD_CTRL(false);

    private final boolean instability;

    MjWarning(boolean instability) {
        this.instability = instability;
    }

    /** The mjtWarning value. */
    public int index() {
        return ordinal();
    }

    /** True for the warnings after which MuJoCo has reset the state: the simulation diverged. */
    public boolean isInstability() {
        return instability;
    }

    static Set<MjWarning> fromBits(int bits) {
        EnumSet<MjWarning> set = EnumSet.noneOf(MjWarning.class);
        for (MjWarning w : values()) {
            if ((bits & (1 << w.ordinal())) != 0) {
                set.add(w);
            }
        }
        return set;
    }

    static int instabilityBits() {
        int bits = 0;
        for (MjWarning w : values()) {
            if (w.instability) {
                bits |= 1 << w.ordinal();
            }
        }
        return bits;
    }
}
