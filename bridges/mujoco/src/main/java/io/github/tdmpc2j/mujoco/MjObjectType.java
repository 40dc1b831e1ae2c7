package io.github.tdmpc2j.mujoco;

import io.github.tdmpc2j.mujoco.raw.global.mujoco;

/** The kinds of named model elements that name lookup knows (a subset of mjtObj). */
public enum MjObjectType {
    BODY(mujoco.mjOBJ_BODY, "body"),
    JOINT(mujoco.mjOBJ_JOINT, "joint"),
    GEOM(mujoco.mjOBJ_GEOM, "geom"),
    SITE(mujoco.mjOBJ_SITE, "site"),
    CAMERA(mujoco.mjOBJ_CAMERA, "camera"),
    TENDON(mujoco.mjOBJ_TENDON, "tendon"),
    ACTUATOR(mujoco.mjOBJ_ACTUATOR, "actuator"),
    SENSOR(mujoco.mjOBJ_SENSOR, "sensor");

    private final int mjtObj;
    private final String label;

    MjObjectType(int mjtObj, String label) {
        this.mjtObj = mjtObj;
        this.label = label;
    }

    /** The mjtObj value. */
    public int mjtObj() {
        return mjtObj;
    }

    public String label() {
        return label;
    }
}
