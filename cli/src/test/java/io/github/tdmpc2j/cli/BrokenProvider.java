package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.mujoco.MjWarning;
import io.github.tdmpc2j.mujoco.MujocoSimulationException;
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
import java.util.Set;

/**
 * Test plug-in, domain "broken": one task whose observations turn NaN, and one whose env fails as a dead Python worker
 * does (a transient failure) on the first step of its third episode; two whose MuJoCo simulation goes unstable in
 * its third episode, on its second step or in its reset; one whose env throws from {@code close()}; and one whose
 * env takes five seconds to close, as a Python worker can take to end (a window after a command's last step, wide
 * enough for a signal sent once the last step's line came to arrive in it on a loaded machine).
 */
public final class BrokenProvider implements EnvProvider {
    static final TaskSpec NAN = new TaskSpec("broken/nan", List.of(), Box.unbounded(2), Box.of(1, -1, 1), 10, 1,
            SuccessMetric.RETURN, false);
    static final TaskSpec DIES = new TaskSpec("broken/dies", List.of(), Box.unbounded(2), Box.of(1, -1, 1), 10, 1,
            SuccessMetric.RETURN, false);

    static final TaskSpec UNSTABLE = new TaskSpec("broken/unstable", List.of(), Box.unbounded(2), Box.of(1, -1, 1), 10,
            1, SuccessMetric.RETURN, false);
    static final TaskSpec UNSTABLE_RESET = new TaskSpec("broken/unstable-reset", List.of(), Box.unbounded(2),
            Box.of(1, -1, 1), 10, 1, SuccessMetric.RETURN, false);

    static final TaskSpec CLOSE_FAILS = new TaskSpec("broken/close-fails", List.of(), Box.unbounded(2),
            Box.of(1, -1, 1), 10, 1, SuccessMetric.RETURN, false);
    static final TaskSpec SLOW_CLOSE = new TaskSpec("broken/slow-close", List.of(), Box.unbounded(2),
            Box.of(1, -1, 1), 10, 1, SuccessMetric.RETURN, false);

    /** What MuJoCo's data throws when the simulation diverges, as native MuJoCo's (dmc) tasks let it through. */
    private static MujocoSimulationException diverged(String call) {
        return new MujocoSimulationException("the simulation diverged in " + call + " ([BAD_QACC]): a test "
                + "stand-in; MuJoCo reset the state to the default pose", Set.of(MjWarning.BAD_QACC));
    }

    /** What a worker that died throws: running the same thing again may succeed. */
    static final class Died extends io.github.tdmpc2j.spi.TdmpcException {
        Died() {
            super("the env's machinery died (a test stand-in for a Python worker killed mid-run)");
        }

        @Override
        public boolean transientFailure() {
            return true;
        }
    }

    @Override
    public String domain() {
        return "broken";
    }

    @Override
    public List<TaskSpec> tasks() {
        return List.of(NAN, DIES, UNSTABLE, UNSTABLE_RESET, CLOSE_FAILS, SLOW_CLOSE);
    }

    @Override
    public Availability availability() {
        return Availability.ok();
    }

    /** Tasks outside the list cannot be described yet: the suite that knows them is not set up. */
    @Override
    public java.util.Optional<TaskSpec> describeTask(String name) {
        throw new io.github.tdmpc2j.spi.EnvUnavailableException("broken/" + name,
                Availability.unavailable("the suite that knows unlisted tasks is not set up", "tdmpc2j setup broken"));
    }

    @Override
    public Env create(TaskSpec task, EnvOptions options) {
        return new Env() {
            int t;
            int episodes;

            @Override
            public TaskSpec spec() {
                return task;
            }

            @Override
            public ResetResult reset(long seed) {
                t = 0;
                episodes++;
                if (task.equals(UNSTABLE_RESET) && episodes >= 3) {
                    throw diverged("mj_forward");
                }
                return new ResetResult(new float[] {0, 0});
            }

            @Override
            public StepResult step(float[] action) {
                t++;
                if (task.equals(UNSTABLE) && episodes >= 3 && t == 2) {
                    throw diverged("mj_step");
                }
                if (task.equals(DIES)) {
                    if (episodes >= 3) {
                        throw new Died();
                    }
                    return new StepResult(new float[] {t, 0}, 1, false, false, Map.of());
                }
                if (task.equals(NAN)) {
                    return new StepResult(new float[] {t, t > 3 ? Float.NaN : 0}, 1, false, false, Map.of());
                }
                return new StepResult(new float[] {t, 0}, 1, false, false, Map.of());
            }

            @Override
            public void close() {
                if (task.equals(CLOSE_FAILS)) {
                    throw new IllegalStateException("double free");
                }
                if (task.equals(SLOW_CLOSE)) {
                    try {
                        Thread.sleep(5000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
    }
}
