package org.example.bad;

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

/** Broken third-party plug-ins, compiled and packed into jars by BrokenPluginTest: each fails in one way. */
public final class BadProviders {
    static final TaskSpec TASK = new TaskSpec("bad/thing", List.of(), Box.unbounded(1), Box.of(1, -1f, 1f), 5, 1,
            SuccessMetric.RETURN, false);

    private BadProviders() {
    }

    abstract static class Base implements EnvProvider {
        public String domain() {
            return "bad";
        }

        public List<TaskSpec> tasks() {
            return List.of(TASK);
        }

        public Availability availability() {
            return Availability.ok();
        }

        public Env create(TaskSpec task, EnvOptions options) {
            throw new UnsupportedOperationException("never made");
        }
    }

    /** An env of one state that never ends: the well-behaved parts the broken envs below change. */
    static class OneStateEnv implements Env {
        private final TaskSpec spec;

        OneStateEnv(TaskSpec spec) {
            this.spec = spec;
        }

        public TaskSpec spec() {
            return spec;
        }

        public ResetResult reset(long seed) {
            return new ResetResult(new float[] {0f});
        }

        public StepResult step(float[] action) {
            return new StepResult(new float[] {0f}, 0, false, false, Map.of());
        }

        public void close() {
        }
    }

    public static final class NoDefaultConstructor extends Base {
        public NoDefaultConstructor(int size) {
        }
    }

    public static final class ConstructorThrows extends Base {
        public ConstructorThrows() {
            throw new IllegalStateException("no licence file");
        }
    }

    public static final class DomainThrows extends Base {
        public String domain() {
            throw new IllegalStateException("domain exploded");
        }
    }

    public static final class DomainNull extends Base {
        public String domain() {
            return null;
        }
    }

    public static final class TasksThrow extends Base {
        public List<TaskSpec> tasks() {
            throw new IllegalStateException("tasks exploded");
        }
    }

    public static final class TasksNull extends Base {
        public List<TaskSpec> tasks() {
            return null;
        }
    }

    public static final class TasksTwice extends Base {
        public List<TaskSpec> tasks() {
            return List.of(TASK, TASK);
        }
    }

    /** Lists a task whose bounds are NaN: the Box refuses them while the plug-in makes its list. */
    public static final class NanBounds extends Base {
        public List<TaskSpec> tasks() {
            return List.of(TASK.withActionSpace(Box.of(1, Float.NaN, 1f)));
        }
    }

    public static final class InvertedBounds extends Base {
        public List<TaskSpec> tasks() {
            return List.of(TASK.withActionSpace(Box.of(1, 1f, -1f)));
        }
    }

    public static final class NoActions extends Base {
        public List<TaskSpec> tasks() {
            return List.of(TASK.withActionSpace(Box.of(0, -1f, 1f)));
        }
    }

    public static final class NoObservations extends Base {
        public List<TaskSpec> tasks() {
            return List.of(TASK.withObservationSpace(Box.unbounded(0)));
        }
    }

    /** Lists a task whose episodes have no steps: the TaskSpec refuses it while the plug-in makes its list. */
    public static final class NoEpisodeSteps extends Base {
        public List<TaskSpec> tasks() {
            return List.of(new TaskSpec("bad/thing", List.of(), Box.unbounded(1), Box.of(1, -1f, 1f), 0, 1,
                    SuccessMetric.RETURN, false));
        }
    }

    /** Claims the coin plug-in's alias for a task of its own; otherwise well-behaved. */
    public static final class AliasOfCoin extends Base {
        public List<TaskSpec> tasks() {
            return List.of(new TaskSpec("bad/thing", List.of("coin-guess", "bad-thing"), Box.unbounded(1),
                    Box.of(1, -1f, 1f), 5, 1, SuccessMetric.RETURN, false));
        }

        public Env create(TaskSpec task, EnvOptions options) {
            return new OneStateEnv(task);
        }
    }

    /**
     * Claims the alias and the id of a task that comes with tdmpc2j (LineEnv.Provider's line/go) as aliases of its
     * own task; otherwise well-behaved.
     */
    public static final class AliasOfBuiltIn extends Base {
        public List<TaskSpec> tasks() {
            return List.of(new TaskSpec("bad/thing", List.of("line-go", "line/go", "bad-thing"), Box.unbounded(1),
                    Box.of(1, -1f, 1f), 5, 1, SuccessMetric.RETURN, false));
        }

        public Env create(TaskSpec task, EnvOptions options) {
            return new OneStateEnv(task);
        }
    }

    public static final class AvailabilityThrows extends Base {
        public Availability availability() {
            throw new IllegalStateException("availability exploded");
        }
    }

    public static final class AvailabilityNull extends Base {
        public Availability availability() {
            return null;
        }
    }

    public static final class CreateThrows extends Base {
        public Env create(TaskSpec task, EnvOptions options) {
            throw new IllegalStateException("simulator licence expired");
        }
    }

    public static final class CreateNull extends Base {
        public Env create(TaskSpec task, EnvOptions options) {
            return null;
        }
    }

    /** Makes an env whose spec has another action size than the task it lists. */
    public static final class OtherSizes extends Base {
        public Env create(TaskSpec task, EnvOptions options) {
            return new OneStateEnv(task.withActionSpace(Box.of(3, -1f, 1f)));
        }
    }

    /** Makes an env whose step fails with an exception of its own (a bug in the plug-in). */
    public static final class StepThrows extends Base {
        public Env create(TaskSpec task, EnvOptions options) {
            return new OneStateEnv(task) {
                public StepResult step(float[] action) {
                    throw new ArrayIndexOutOfBoundsException("Index 7 out of bounds for length 1");
                }
            };
        }
    }

    /** Makes an env whose step fails an assertion of its own (an error, not an exception). */
    public static final class StepAsserts extends Base {
        public Env create(TaskSpec task, EnvOptions options) {
            return new OneStateEnv(task) {
                public StepResult step(float[] action) {
                    throw new AssertionError("invariant broken");
                }
            };
        }
    }

    /** Makes an env whose step recurses without end. */
    public static final class StepOverflows extends Base {
        public Env create(TaskSpec task, EnvOptions options) {
            return new OneStateEnv(task) {
                public StepResult step(float[] action) {
                    return deeper(action.length);
                }

                private StepResult deeper(int n) {
                    StepResult r = deeper(n + 1);
                    return r;
                }
            };
        }
    }

    /** Makes an env whose step throws a checked exception unannounced, as a Kotlin or Scala plug-in may. */
    public static final class StepThrowsChecked extends Base {
        public Env create(TaskSpec task, EnvOptions options) {
            return new OneStateEnv(task) {
                public StepResult step(float[] action) {
                    return BadProviders.<RuntimeException>sneak(
                            new java.io.IOException("pipe to the simulator closed"));
                }
            };
        }
    }

    @SuppressWarnings("unchecked")
    static <E extends Throwable> StepResult sneak(Throwable t) throws E {
        throw (E) t;
    }

    /** Makes an env whose reset fails with an exception of its own. */
    public static final class ResetThrows extends Base {
        public Env create(TaskSpec task, EnvOptions options) {
            return new OneStateEnv(task) {
                public ResetResult reset(long seed) {
                    throw new IllegalStateException("model file vanished");
                }
            };
        }
    }

    /** Makes an env whose close fails with an exception of its own. */
    public static final class CloseThrows extends Base {
        public Env create(TaskSpec task, EnvOptions options) {
            return new OneStateEnv(task) {
                public void close() {
                    throw new IllegalStateException("double free");
                }
            };
        }
    }

    /** Makes an env whose step returns two observation values where its task lists one. */
    public static final class StepObservationTooLong extends Base {
        public Env create(TaskSpec task, EnvOptions options) {
            return new OneStateEnv(task) {
                public StepResult step(float[] action) {
                    return new StepResult(new float[] {0f, 1f}, 0, false, false, Map.of());
                }
            };
        }
    }

    /** Makes an env that writes every observation into one array of its own and returns that array each time. */
    public static final class ObservationArrayReused extends Base {
        public Env create(TaskSpec task, EnvOptions options) {
            return new OneStateEnv(task) {
                private final float[] observation = new float[1];

                public ResetResult reset(long seed) {
                    observation[0] = 0f;
                    return new ResetResult(observation);
                }

                public StepResult step(float[] action) {
                    observation[0] += action[0];
                    return new StepResult(observation, 0, false, false, Map.of());
                }
            };
        }
    }

    /** Makes an env whose step's info has an entry without a value, as a HashMap lets it. */
    public static final class StepInfoNullValue extends Base {
        public Env create(TaskSpec task, EnvOptions options) {
            return new OneStateEnv(task) {
                public StepResult step(float[] action) {
                    Map<String, Object> info = new java.util.HashMap<>();
                    info.put("distance", null);
                    return new StepResult(new float[] {0f}, 0, false, false, info);
                }
            };
        }
    }

    /** Makes an env whose reset gives null for its info. */
    public static final class ResetInfoNull extends Base {
        public Env create(TaskSpec task, EnvOptions options) {
            return new OneStateEnv(task) {
                public ResetResult reset(long seed) {
                    return new ResetResult(new float[] {0f}, null);
                }
            };
        }
    }

    /** Makes an env whose reset returns no observation values where its task lists one. */
    public static final class ResetObservationEmpty extends Base {
        public Env create(TaskSpec task, EnvOptions options) {
            return new OneStateEnv(task) {
                public ResetResult reset(long seed) {
                    return new ResetResult(new float[0]);
                }
            };
        }
    }

    /** Makes an env whose third step returns NaN (a simulation that diverged). */
    public static final class NanObservation extends Base {
        public Env create(TaskSpec task, EnvOptions options) {
            return new OneStateEnv(task) {
                private int steps;

                public ResetResult reset(long seed) {
                    steps = 0;
                    return super.reset(seed);
                }

                public StepResult step(float[] action) {
                    return new StepResult(new float[] {++steps == 3 ? Float.NaN : 0f}, 0, false, false, Map.of());
                }
            };
        }
    }

    /** Makes an env whose fourth step returns a NaN reward. */
    public static final class NanReward extends Base {
        public Env create(TaskSpec task, EnvOptions options) {
            return new OneStateEnv(task) {
                private int steps;

                public ResetResult reset(long seed) {
                    steps = 0;
                    return super.reset(seed);
                }

                public StepResult step(float[] action) {
                    return new StepResult(new float[] {0f}, ++steps == 4 ? Double.NaN : 0, false, false, Map.of());
                }
            };
        }
    }

    /** Makes an env whose first observation is infinite. */
    public static final class InfiniteResetObservation extends Base {
        public Env create(TaskSpec task, EnvOptions options) {
            return new OneStateEnv(task) {
                public ResetResult reset(long seed) {
                    return new ResetResult(new float[] {Float.NEGATIVE_INFINITY});
                }
            };
        }
    }

    /** Has a batched form that fails (a vector env is asked of it by makeVector). */
    public static final class CreateVectorThrows extends Base {
        public java.util.Optional<io.github.tdmpc2j.spi.vector.VectorEnv> createVector(List<TaskSpec> tasks,
                List<EnvOptions> options) {
            throw new IllegalStateException("no worker today");
        }
    }

    public static final class CreateVectorNull extends Base {
        public java.util.Optional<io.github.tdmpc2j.spi.vector.VectorEnv> createVector(List<TaskSpec> tasks,
                List<EnvOptions> options) {
            return null;
        }
    }

    /** Makes an env whose step puts 0.5 under "success": no flag. */
    public static final class SuccessHalf extends Base {
        public Env create(TaskSpec task, EnvOptions options) {
            return new OneStateEnv(task) {
                public StepResult step(float[] action) {
                    return new StepResult(new float[] {0f}, 0, false, false, Map.of("success", 0.5));
                }
            };
        }
    }

    /** Makes an env whose success flag is a number, as Gymnasium envs give it: 0, then 1 from its second step. */
    public static final class SuccessAsNumber extends Base {
        public Env create(TaskSpec task, EnvOptions options) {
            return new OneStateEnv(task) {
                private int steps;

                public ResetResult reset(long seed) {
                    steps = 0;
                    return super.reset(seed);
                }

                public StepResult step(float[] action) {
                    return new StepResult(new float[] {0f}, 0, false, false, Map.of("success", ++steps >= 2 ? 1 : 0));
                }
            };
        }
    }

    /** Makes an env whose spec() throws once it has been reset: its spec is read when it is made, not each step. */
    public static final class SpecThrowsOnceRunning extends Base {
        public Env create(TaskSpec task, EnvOptions options) {
            return new OneStateEnv(task) {
                private boolean running;

                public TaskSpec spec() {
                    if (running) {
                        throw new IllegalStateException("spec asked mid-episode");
                    }
                    return super.spec();
                }

                public ResetResult reset(long seed) {
                    running = true;
                    return super.reset(seed);
                }
            };
        }
    }

    /** Makes an env of other sizes than its task whose close throws too: the size mismatch is what is reported. */
    public static final class OtherSizesCloseThrows extends Base {
        public Env create(TaskSpec task, EnvOptions options) {
            return new OneStateEnv(task.withActionSpace(Box.of(3, -1f, 1f))) {
                public void close() {
                    throw new IllegalStateException("double free");
                }
            };
        }
    }

    /** One-state envs in a row, as SyncVectorEnv steps them: the batched envs below each break a call of it. */
    static class OneStateRows implements io.github.tdmpc2j.spi.vector.VectorEnv {
        private final io.github.tdmpc2j.spi.vector.VectorEnv inner;

        OneStateRows(List<TaskSpec> tasks) {
            java.util.List<Env> envs = new java.util.ArrayList<>();
            for (TaskSpec t : tasks) {
                envs.add(new OneStateEnv(t));
            }
            inner = new io.github.tdmpc2j.spi.vector.SyncVectorEnv(envs);
        }

        public int numEnvs() {
            return inner.numEnvs();
        }

        public TaskSpec spec(int i) {
            return inner.spec(i);
        }

        public float[][] reset(io.github.tdmpc2j.spi.vector.EpisodeSchedule schedule) {
            return inner.reset(schedule);
        }

        public io.github.tdmpc2j.spi.vector.VectorStepResult step(float[][] actions) {
            return inner.step(actions);
        }

        public io.github.tdmpc2j.spi.vector.EpisodeSchedule.Ticket episode(int i) {
            return inner.episode(i);
        }

        public void close() {
            inner.close();
        }
    }

    /** Has a batched form whose step fails with an exception of its own. */
    public static final class VectorStepThrows extends Base {
        public java.util.Optional<io.github.tdmpc2j.spi.vector.VectorEnv> createVector(List<TaskSpec> tasks,
                List<EnvOptions> options) {
            return java.util.Optional.of(new OneStateRows(tasks) {
                @Override
                public io.github.tdmpc2j.spi.vector.VectorStepResult step(float[][] actions) {
                    throw new IllegalStateException("worker pipe broke");
                }
            });
        }
    }

    /** Has a batched form that writes each row's observations into one array of that row's and returns it again. */
    public static final class VectorObservationReused extends Base {
        public java.util.Optional<io.github.tdmpc2j.spi.vector.VectorEnv> createVector(List<TaskSpec> tasks,
                List<EnvOptions> options) {
            return java.util.Optional.of(new OneStateRows(tasks) {
                private final float[][] rows = new float[tasks.size()][1];

                @Override
                public io.github.tdmpc2j.spi.vector.VectorStepResult step(float[][] actions) {
                    io.github.tdmpc2j.spi.vector.VectorStepResult r = super.step(actions);
                    float[][] observations = new float[rows.length][];
                    for (int i = 0; i < rows.length; i++) {
                        rows[i][0] = r.observations()[i][0];
                        observations[i] = rows[i];
                    }
                    return new io.github.tdmpc2j.spi.vector.VectorStepResult(observations, r.rewards(), r.terminated(),
                            r.truncated(), r.infos());
                }
            });
        }
    }

    /** A batched env whose episode() and close() throw untyped: each is a defect of the plug-in. */
    public static final class VectorEpisodeAndCloseThrow extends Base {
        public java.util.Optional<io.github.tdmpc2j.spi.vector.VectorEnv> createVector(List<TaskSpec> tasks,
                List<EnvOptions> options) {
            return java.util.Optional.of(new OneStateRows(tasks) {
                @Override
                public io.github.tdmpc2j.spi.vector.EpisodeSchedule.Ticket episode(int i) {
                    throw new IllegalStateException("no ticket");
                }

                @Override
                public void close() {
                    super.close();
                    throw new IllegalStateException("double free");
                }
            });
        }
    }

    /** Lists a task without an observation box. */
    public static final class NullObservationSpace extends Base {
        public List<TaskSpec> tasks() {
            return List.of(TASK.withObservationSpace(null));
        }
    }

    /** Lists a task whose observation box has a negative dimension. */
    public static final class NegativeDimension extends Base {
        public List<TaskSpec> tasks() {
            return List.of(TASK.withObservationSpace(new Box(new float[] {0f}, new float[] {1f}, new int[] {-1, -1})));
        }
    }

    /** Lists a task whose observation box's shape holds more values than an array can (its product overflows). */
    public static final class ShapeOverflows extends Base {
        public List<TaskSpec> tasks() {
            return List.of(TASK.withObservationSpace(new Box(new float[0], new float[0], new int[] {65536, 65536})));
        }
    }

    /** Says it is unavailable without saying why. */
    public static final class UnavailableWithoutReason extends Base {
        public Availability availability() {
            return Availability.unavailable(" ", null);
        }
    }

    /** Makes an env whose reset answers null. */
    public static final class ResetNull extends Base {
        public Env create(TaskSpec task, EnvOptions options) {
            return new OneStateEnv(task) {
                public ResetResult reset(long seed) {
                    return null;
                }
            };
        }
    }

    public static final class UnboundedActions extends Base {
        public List<TaskSpec> tasks() {
            return List.of(TASK.withActionSpace(Box.unbounded(1)));
        }
    }

    /** Bounds its first action entry and not its second. */
    public static final class HalfBoundedActions extends Base {
        public List<TaskSpec> tasks() {
            return List.of(TASK.withActionSpace(Box.of(new float[] {-1f, -1f}, new float[] {1f, Float.POSITIVE_INFINITY})));
        }
    }

    /** An agent plug-in whose name() fails. */
    public static final class NamelessAgent implements io.github.tdmpc2j.spi.agent.AgentProvider {
        public String name() {
            throw new IllegalStateException("no name today");
        }

        public io.github.tdmpc2j.spi.agent.Agent create(io.github.tdmpc2j.spi.agent.AgentContext context) {
            throw new UnsupportedOperationException("never made");
        }
    }

    /** Claims the coin plug-in's domain. */
    public static final class CoinAgain extends Base {
        public String domain() {
            return "coin";
        }

        public List<TaskSpec> tasks() {
            return List.of();
        }
    }

    /** Has a batched form whose second row's third step returns NaN (a simulation that diverged). */
    public static final class VectorNanObservation extends Base {
        public java.util.Optional<io.github.tdmpc2j.spi.vector.VectorEnv> createVector(List<TaskSpec> tasks,
                List<EnvOptions> options) {
            return java.util.Optional.of(new OneStateRows(tasks) {
                private int steps;

                @Override
                public io.github.tdmpc2j.spi.vector.VectorStepResult step(float[][] actions) {
                    io.github.tdmpc2j.spi.vector.VectorStepResult r = super.step(actions);
                    if (++steps == 3) {
                        r.observations()[1][0] = Float.NaN;
                    }
                    return r;
                }
            });
        }
    }

    /** Has a batched form whose second row's fourth step returns a NaN reward. */
    public static final class VectorNanReward extends Base {
        public java.util.Optional<io.github.tdmpc2j.spi.vector.VectorEnv> createVector(List<TaskSpec> tasks,
                List<EnvOptions> options) {
            return java.util.Optional.of(new OneStateRows(tasks) {
                private int steps;

                @Override
                public io.github.tdmpc2j.spi.vector.VectorStepResult step(float[][] actions) {
                    io.github.tdmpc2j.spi.vector.VectorStepResult r = super.step(actions);
                    if (++steps == 4) {
                        r.rewards()[1] = Double.NaN;
                    }
                    return r;
                }
            });
        }
    }

    /** Has a batched form whose second row's first observation is infinite. */
    public static final class VectorInfiniteResetObservation extends Base {
        public java.util.Optional<io.github.tdmpc2j.spi.vector.VectorEnv> createVector(List<TaskSpec> tasks,
                List<EnvOptions> options) {
            return java.util.Optional.of(new OneStateRows(tasks) {
                @Override
                public float[][] reset(io.github.tdmpc2j.spi.vector.EpisodeSchedule schedule) {
                    float[][] r = super.reset(schedule);
                    r[1][0] = Float.NEGATIVE_INFINITY;
                    return r;
                }
            });
        }
    }
}
