package io.github.tdmpc2j.spi;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A test env: a point on a line moved by the first action entry (bounded to [low, high]); reward = new
 * position; terminates when the position reaches {@code goal} (with success in info). The observation is the
 * position followed by {@code extraObs} copies of the step count. Records every action it receives.
 */
public final class LineEnv implements Env {
    public final java.util.List<float[]> received = new java.util.ArrayList<>();
    private final TaskSpec spec;
    private final double goal;
    private double position;
    private int steps;
    public boolean closed;
    public long lastSeed = Long.MIN_VALUE;

    public LineEnv(TaskSpec spec, double goal) {
        this.spec = spec;
        this.goal = goal;
    }

    public static TaskSpec spec(String id, int obsSize, int actionSize, float low, float high, int maxSteps,
            int repeat) {
        return new TaskSpec(id, List.of(), Box.unbounded(obsSize), Box.of(actionSize, low, high), maxSteps, repeat,
                SuccessMetric.SUCCESS, true);
    }

    @Override
    public TaskSpec spec() {
        return spec;
    }

    @Override
    public ResetResult reset(long seed) {
        lastSeed = seed;
        position = seed % 7;
        steps = 0;
        return new ResetResult(observation(), Map.of("seed", seed));
    }

    @Override
    public StepResult step(float[] action) {
        received.add(action.clone());
        position += action[0];
        steps++;
        boolean reached = position >= goal;
        Map<String, Object> info = new HashMap<>();
        info.put(StepResult.SUCCESS, reached);
        return new StepResult(observation(), position, reached, false, info);
    }

    private float[] observation() {
        float[] obs = new float[spec.observationSize()];
        obs[0] = (float) position;
        for (int i = 1; i < obs.length; i++) {
            obs[i] = steps;
        }
        return obs;
    }

    @Override
    public void close() {
        closed = true;
    }

    /**
     * A plug-in of tdmpc2j's own packages, as those that come with the command line are: the task line/go, alias
     * line-go, whose env moves by the action in [-1, 1].
     */
    public static final class Provider implements EnvProvider {
        public static final TaskSpec GO = new TaskSpec("line/go", List.of("line-go"), Box.unbounded(1),
                Box.of(1, -1f, 1f), 10, 1, SuccessMetric.RETURN, false);

        @Override
        public String domain() {
            return "line";
        }

        @Override
        public List<TaskSpec> tasks() {
            return List.of(GO);
        }

        @Override
        public Availability availability() {
            return Availability.ok();
        }

        @Override
        public Env create(TaskSpec task, EnvOptions options) {
            return new LineEnv(task, 1e9);
        }
    }
}
