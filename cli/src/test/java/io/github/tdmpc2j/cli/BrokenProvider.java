package io.github.tdmpc2j.cli;

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

/** Test plug-in, domain "broken": one task whose observations turn NaN, one that is never ready. */
public final class BrokenProvider implements EnvProvider {
    static final TaskSpec NAN = new TaskSpec("broken/nan", List.of(), Box.unbounded(2), Box.of(1, -1, 1), 10, 1,
            SuccessMetric.RETURN, false);

    @Override
    public String domain() {
        return "broken";
    }

    @Override
    public List<TaskSpec> tasks() {
        return List.of(NAN);
    }

    @Override
    public Availability availability() {
        return Availability.ok();
    }

    @Override
    public Env create(TaskSpec task, EnvOptions options) {
        return new Env() {
            int t;

            @Override
            public TaskSpec spec() {
                return task;
            }

            @Override
            public ResetResult reset(long seed) {
                t = 0;
                return new ResetResult(new float[] {0, 0});
            }

            @Override
            public StepResult step(float[] action) {
                t++;
                return new StepResult(new float[] {t, t > 3 ? Float.NaN : 0}, 1, false, false, Map.of());
            }

            @Override
            public void close() {
            }
        };
    }
}
