package io.github.tdmpc2j.tasks.dmc;

import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvStateException;
import io.github.tdmpc2j.spi.ResetResult;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.wrappers.EnvChecker;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The raw env of one DMControl task, as dm_control's {@code control.Environment}: one {@link #step} is one control
 * step ({@code nSubSteps} physics steps), actions are actuator controls in [-1, 1], and nothing ends an episode
 * (the registry's time limit does). {@code reset(seed)} draws the initial state from a generator seeded with
 * {@code seed}, so the same seed gives the same episode.
 */
public final class DmcEnv implements Env {
    private final TaskSpec spec;
    private final DmcTaskDefinition definition;
    private final DmcPhysics physics;
    private final DmcTask task;
    private boolean started;
    private boolean closed;

    public DmcEnv(TaskSpec spec, DmcTaskDefinition definition) {
        this.spec = spec;
        this.definition = definition;
        this.physics = DmcPhysics.fromResource(definition.modelFile());
        try {
            this.task = definition.factory().apply(physics);
        } catch (RuntimeException e) {
            physics.close();
            throw e;
        }
    }

    @Override
    public TaskSpec spec() {
        return spec;
    }

    @Override
    public ResetResult reset(long seed) {
        ensureOpen();
        physics.resetData();
        task.initializeEpisode(physics, new SplittableRandom(seed));
        physics.afterReset();
        started = true;
        return new ResetResult(observe());
    }

    @Override
    public StepResult step(float[] action) {
        ensureOpen();
        if (!started) {
            throw new EnvStateException("step() called before reset() on " + spec.id() + ": call reset(seed) first");
        }
        EnvChecker.check(spec, action);
        task.beforeStep(physics, action);
        physics.step(definition.nSubSteps());
        double reward = task.reward(physics);
        return new StepResult(observe(), reward, false, false, Map.of());
    }

    /** The observation of the current physics state (after a state was set by hand, call {@code forward} first). */
    public float[] observe() {
        Observation out = new Observation(spec.observationSize());
        task.observe(physics, out);
        return out.values();
    }

    /** The reward of the current physics state. */
    public double reward() {
        return task.reward(physics);
    }

    /** The simulation, for tests and tools that set or read the state directly. */
    public DmcPhysics physics() {
        ensureOpen();
        return physics;
    }

    public DmcTask task() {
        return task;
    }

    public DmcTaskDefinition definition() {
        return definition;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            physics.close();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new EnvStateException(spec.id() + " was closed: make a new env");
        }
    }
}
