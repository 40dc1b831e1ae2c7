package io.github.tdmpc2j.tasks.dmc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.tdmpc2j.bridge.py4j.PythonException;
import io.github.tdmpc2j.bridge.py4j.PythonWorker;
import io.github.tdmpc2j.bridge.py4j.RemoteEnv;
import io.github.tdmpc2j.bridge.py4j.RemoteSpaces;
import io.github.tdmpc2j.bridge.py4j.Requirements;
import io.github.tdmpc2j.bridge.py4j.VenvLayout;
import io.github.tdmpc2j.bridge.py4j.WorkerConfig;
import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.TaskSets;
import io.github.tdmpc2j.spi.TaskSpec;
import java.nio.DoubleBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.bytedeco.javacpp.DoublePointer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Same state, same 50 actions (1,000, a whole episode, for the humanoid, the quadruped and the dog), here and in
 * dm_control 1.0.50 (the reference) reached through the Python bridge: every control step's reward and observation
 * must agree, for all 39 native tasks (MT30, humanoid, quadruped, dog).
 *
 * <p>The state is this env's after {@code reset(2024)}: qpos, qvel (and act where the model has activations) and the
 * model arrays tasks draw per episode (geom_pos, geom_size, site_pos, site_size, dof_damping). It goes to the
 * worker's dm_control env as its {@code start.*} options, which dm_control's env takes after its own reset (see
 * {@code tdmpc2j_worker/suites/dmc.py}). TD-MPC2's 11 custom tasks run there on our model files, with the reference's
 * reward formulas ({@code suites/dmc_custom.py}); their locomotion starts are pushed towards the task's goal so the
 * rewards compared are not all zero.
 *
 * <p>Tolerances: rewards (float64 on both sides) within 1e-9; observations (float32 on both sides: ours, and
 * dm_control's float64 rounded by the bridge) within 1e-6 * max(1, |value|).
 */
class ParityTest {
    private static final int STEPS = 50;
    /** The 3-D bodies fall, land and roll over many contacts: a whole episode of control steps for them. */
    private static final int BODY_STEPS = 1000;
    private static final long SEED = 2024;
    private static final double REWARD_TOLERANCE = 1e-9;
    private static final double OBS_TOLERANCE = 1e-6;
    private static final String MODELS = DmcPython.MODELS.toAbsolutePath().toString();
    private static final Map<String, Consumer<DmcPhysics>> PUSHES = new LinkedHashMap<>();

    static {
        PUSHES.put("dmc/walker-walk-backwards", p -> push(p, "rootx", -1));
        PUSHES.put("dmc/walker-run-backwards", p -> push(p, "rootx", -8));
        PUSHES.put("dmc/cheetah-run-backwards", p -> push(p, "rootx", -8));
        PUSHES.put("dmc/cheetah-run-front", p -> push(p, "rootx", 6));
        PUSHES.put("dmc/cheetah-run-back", p -> push(p, "rootx", 6));
        PUSHES.put("dmc/cheetah-jump", p -> push(p, "rootz", 3));
        PUSHES.put("dmc/hopper-hop-backwards", p -> {
            standUpright(p);
            push(p, "rootx", -1);
        });
    }

    private static final DmcProvider PROVIDER = new DmcProvider();
    private static PythonWorker worker;
    private static String skipReason;

    static Stream<String> tasks() {
        return TaskSets.get("dmc39").orElseThrow().stream().filter(id -> id.startsWith("dmc/"));
    }

    @BeforeAll
    static void startWorker() {
        skipReason = VenvLayout.fromEnvironment().whyNotReady("dmc", Requirements.of("dmc").sha256());
        if (skipReason != null) {
            skipReason += "; make it with scripts/setup.d/40-python-venvs.sh or `tdmpc2j setup dmc`";
            System.out.println("SKIPPED ParityTest: " + skipReason);
            return;
        }
        worker = PythonWorker.start(WorkerConfig.forDomain("dmc", List.of("dmc")));
    }

    @AfterAll
    static void stopWorker() {
        if (worker != null) {
            worker.close();
        }
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void sameStateAndActionsGiveTheSameRewardsAndObservations(String id) {
        assumeTrue(skipReason == null, () -> "skipped: " + skipReason);
        TaskSpec spec = spec(id);
        try (DmcEnv ours = (DmcEnv) PROVIDER.create(spec, EnvOptions.defaults())) {
            float[] ourReset = ours.reset(SEED).observation();
            DmcPhysics physics = ours.physics();
            Consumer<DmcPhysics> push = PUSHES.get(id);
            if (push != null) {
                push.accept(physics);
                physics.afterReset();
                ourReset = ours.observe();
            }
            EnvOptions start = new EnvOptions(0, startOptions(physics, !isDog(id)));
            try (RemoteEnv theirs = RemoteEnv.make(worker, "dmc", id.substring("dmc/".length()), start,
                    spaces -> sameSizes(spec, spaces))) {
                double maxObs = assertClose(id, "reset observation", ourReset, theirs.reset(SEED).observation());
                double maxReward = 0;
                double rewardSum = 0;
                SplittableRandom rng = new SplittableRandom(id.hashCode());
                int steps = id.startsWith("dmc/humanoid-") || id.startsWith("dmc/quadruped-") || isDog(id)
                        ? BODY_STEPS : STEPS;
                for (int i = 1; i <= steps; i++) {
                    float[] action = spec.actionSpace().sample(rng);
                    StepResult here = ours.step(action);
                    StepResult there = theirs.step(action);
                    assertThat(here.reward()).as("%s reward at step %d", id, i)
                            .isCloseTo(there.reward(), within(REWARD_TOLERANCE));
                    maxReward = Math.max(maxReward, Math.abs(here.reward() - there.reward()));
                    rewardSum += here.reward();
                    maxObs = Math.max(maxObs, assertClose(id, "observation at step " + i, here.observation(),
                            there.observation()));
                }
                if (push != null) {
                    assertThat(rewardSum).as("%s: the compared rewards are not all zero", id).isGreaterThan(0.0);
                }
                System.out.printf("parity %s: %d steps, reward sum %.4f, max |reward diff| %.3g, max |obs diff| %.3g%n",
                        id, steps, rewardSum, maxReward, maxObs);
            }
        }
    }

    @Test
    void aStartStateThatDoesNotFitIsRefusedWithAReason() {
        assumeTrue(skipReason == null, () -> "skipped: " + skipReason);
        EnvOptions wrongSize = new EnvOptions(0, Map.of("start.qpos", "0.5"));
        assertThatThrownBy(() -> RemoteEnv.make(worker, "dmc", "cartpole-swingup", wrongSize,
                spaces -> sameSizes(spec("dmc/cartpole-swingup"), spaces)))
                .isInstanceOf(PythonException.class)
                .hasMessageContaining("start.qpos has 1 values but this task's qpos has 2");
        EnvOptions noModels = EnvOptions.defaults();
        assertThatThrownBy(() -> RemoteEnv.make(worker, "dmc", "cup-spin", noModels,
                spaces -> sameSizes(spec("dmc/cup-spin"), spaces)))
                .isInstanceOf(PythonException.class)
                .hasMessageContaining("models=DIR");
        assertThat(worker.isAlive()).as("the worker stays up after refusing").isTrue();
    }

    private static TaskSpec spec(String id) {
        return PROVIDER.tasks().stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
    }

    /**
     * The dog's model has no bone meshes, so its geom arrays are shorter than dm_control's; its tasks draw no geom
     * values (the floor's size is set when the task is made, as dm_control's task makes it).
     */
    private static boolean isDog(String id) {
        return id.startsWith("dmc/dog-");
    }

    /**
     * The state after a reset as the worker's dm_control options: start.NAME = the values, exact as decimals; the
     * geoms' positions and sizes when {@code withGeoms}.
     */
    private static Map<String, String> startOptions(DmcPhysics physics, boolean withGeoms) {
        var raw = physics.rawModel();
        var model = physics.model();
        Map<String, String> options = new LinkedHashMap<>();
        options.put("models", MODELS);
        options.put("start.qpos", text(physics.qpos()));
        options.put("start.qvel", text(physics.qvel()));
        DoubleBuffer act = physics.data().act();
        if (act.limit() > 0) {
            options.put("start.act", text(act));
        }
        if (withGeoms) {
            options.put("start.geom_pos", text(raw.geom_pos(), 3L * model.ngeom()));
            options.put("start.geom_size", text(raw.geom_size(), 3L * model.ngeom()));
        }
        options.put("start.site_pos", text(raw.site_pos(), 3L * model.nsite()));
        options.put("start.site_size", text(raw.site_size(), 3L * model.nsite()));
        options.put("start.dof_damping", text(raw.dof_damping(), model.nv()));
        return options;
    }

    // Double.toString gives a decimal that reads back as the same double, which is what Python's float() does.
    private static String text(DoubleBuffer values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.limit(); i++) {
            sb.append(i == 0 ? "" : " ").append(values.get(i));
        }
        return sb.toString();
    }

    private static String text(DoublePointer values, long n) {
        StringBuilder sb = new StringBuilder();
        for (long i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : " ").append(values.get(i));
        }
        return sb.toString();
    }

    private static TaskSpec sameSizes(TaskSpec spec, RemoteSpaces spaces) {
        if (spaces.observation().size() != spec.observationSize() || spaces.action().size() != spec.actionSize()) {
            throw new IllegalStateException(spec.id() + ": dm_control reports observation " + spaces.observation().size()
                    + " and action " + spaces.action().size() + ", this plug-in " + spec.observationSize() + " and "
                    + spec.actionSize());
        }
        return spec;
    }

    private static void push(DmcPhysics physics, String joint, double velocity) {
        physics.qvel().put(physics.dofAddress(joint), velocity);
    }

    private static void standUpright(DmcPhysics physics) {
        var qpos0 = physics.model().qpos0();
        for (int i = 0; i < qpos0.limit(); i++) {
            physics.qpos().put(i, qpos0.get(i));
        }
    }

    /** Asserts and returns the largest absolute difference. */
    private static double assertClose(String id, String what, float[] ours, float[] reference) {
        assertThat(ours).as("%s %s size", id, what).hasSize(reference.length);
        double max = 0;
        for (int i = 0; i < ours.length; i++) {
            max = Math.max(max, Math.abs((double) ours[i] - reference[i]));
            double tolerance = OBS_TOLERANCE * Math.max(1, Math.abs(reference[i]));
            assertThat((double) ours[i]).as("%s %s entry %d", id, what, i)
                    .isCloseTo(reference[i], within(tolerance));
        }
        return max;
    }
}
