package io.github.tdmpc2j.data;

import io.github.tdmpc2j.spi.Availability;
import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.EnvProvider;
import io.github.tdmpc2j.spi.ResetResult;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.SuccessMetric;
import io.github.tdmpc2j.spi.TaskSpec;
import java.util.List;
import java.util.Map;

/** Test domain "point": a point in the plane pushed by a 2-D action; success and termination within 0.2 of the origin. */
public final class PointProvider implements EnvProvider {
    static final TaskSpec REACH = new TaskSpec("point/reach", List.of(), Box.unbounded(4), Box.of(2, -1, 1), 30, 1,
            SuccessMetric.SUCCESS, true);

    @Override
    public String domain() {
        return "point";
    }

    @Override
    public List<TaskSpec> tasks() {
        return List.of(REACH);
    }

    @Override
    public Availability availability() {
        return Availability.ok();
    }

    @Override
    public Env create(TaskSpec task, EnvOptions options) {
        return new Env() {
            double x;
            double y;

            @Override
            public TaskSpec spec() {
                return task;
            }

            @Override
            public ResetResult reset(long seed) {
                java.util.SplittableRandom rng = new java.util.SplittableRandom(seed);
                x = rng.nextDouble(-1, 1);
                y = rng.nextDouble(-1, 1);
                return new ResetResult(obs());
            }

            @Override
            public StepResult step(float[] a) {
                x += 0.3 * a[0];
                y += 0.3 * a[1];
                double d = Math.hypot(x, y);
                boolean reached = d < 0.2;
                return new StepResult(obs(), -d, reached, false, Map.of("success", reached));
            }

            private float[] obs() {
                return new float[] {(float) x, (float) y, (float) -x, (float) -y};
            }

            @Override
            public void close() {
            }
        };
    }
}
