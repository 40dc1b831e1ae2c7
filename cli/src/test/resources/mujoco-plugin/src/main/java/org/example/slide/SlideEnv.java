package org.example.slide;

import io.github.tdmpc2j.mujoco.MjData;
import io.github.tdmpc2j.mujoco.MjModel;
import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.ResetResult;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.TaskSpec;
import java.util.Map;
import java.util.SplittableRandom;

/** One env of slide/center: its own MjData of the shared model. */
final class SlideEnv implements Env {
    private final TaskSpec spec;
    private final MjData data;

    SlideEnv(TaskSpec spec, MjModel model) {
        this.spec = spec;
        this.data = model.makeData();
    }

    @Override
    public TaskSpec spec() {
        return spec;
    }

    @Override
    public ResetResult reset(long seed) {
        data.resetData();
        data.qpos().put(0, new SplittableRandom(seed).nextDouble(-1, 1));
        data.forward();
        return new ResetResult(observation());
    }

    @Override
    public StepResult step(float[] action) {
        data.ctrl().put(0, action[0]);
        data.step();
        double x = data.qpos().get(0);
        return new StepResult(observation(), -Math.abs(x), false, false, Map.of());
    }

    private float[] observation() {
        return new float[] {(float) data.qpos().get(0), (float) data.qvel().get(0)};
    }

    @Override
    public void close() {
        data.close();
    }
}
