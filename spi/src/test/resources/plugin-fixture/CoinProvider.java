package org.example.coin;

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

/** A third-party plug-in, compiled and packed into a jar by PluginJarTest: guess the sign of a hidden coin. */
public final class CoinProvider implements EnvProvider {
    static final TaskSpec GUESS = new TaskSpec("coin/guess", List.of("coin-guess"), Box.unbounded(1),
            Box.of(1, -1f, 1f), 5, 1, SuccessMetric.SUCCESS, true);

    public String domain() {
        return "coin";
    }

    public List<TaskSpec> tasks() {
        return List.of(GUESS);
    }

    public Availability availability() {
        return Availability.ok();
    }

    public Env create(TaskSpec task, EnvOptions options) {
        return new Env() {
            private int side;

            public TaskSpec spec() {
                return task;
            }

            public ResetResult reset(long seed) {
                side = (seed & 1) == 0 ? 1 : -1;
                return new ResetResult(new float[] {0f});
            }

            public StepResult step(float[] action) {
                boolean right = Math.signum(action[0]) == side;
                return new StepResult(new float[] {side}, right ? 1 : 0, right, false, Map.of("success", right));
            }

            public void close() {
            }
        };
    }
}
