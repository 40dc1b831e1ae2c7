package io.github.tdmpc2j.mujoco;

/** Facts about the loaded MuJoCo library. */
public final class Mujoco {
    private Mujoco() {}

    /** The version string of the loaded libmujoco, e.g. "3.17.0"; loads the natives on first use. */
    public static String version() {
        return Native.VERSION;
    }
}
