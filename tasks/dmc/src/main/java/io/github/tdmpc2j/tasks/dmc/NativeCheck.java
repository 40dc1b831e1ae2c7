package io.github.tdmpc2j.tasks.dmc;

import io.github.tdmpc2j.mujoco.MjModel;
import io.github.tdmpc2j.spi.Availability;

/** Whether MuJoCo's native library loads on this machine; checked once, by compiling a one-body model. */
final class NativeCheck {
    private static volatile Availability result;

    private NativeCheck() {
    }

    static Availability availability() {
        Availability r = result;
        if (r == null) {
            r = check();
            result = r;
        }
        return r;
    }

    private static Availability check() {
        try (MjModel ignored = MjModel.fromXml("<mujoco><worldbody><body><freejoint/><geom size='0.1'/></body></worldbody></mujoco>")) {
            return Availability.ok();
        } catch (RuntimeException | LinkageError e) {
            return Availability.unavailable("MuJoCo's native library did not load: " + e,
                    "mvn -B install -pl bridges/mujoco (it fetches MuJoCo 3.17.0 from PyPI)");
        }
    }
}
