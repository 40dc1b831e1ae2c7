package io.github.tdmpc2j.tasks.dmc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.TaskSets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.bytedeco.javacpp.DoublePointer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Same state, same 50 actions, in dm_control (Python, the reference) and here: every control step's reward and
 * observation must agree. The state is this env's state after {@code reset(seed)} (qpos, qvel and the model
 * arrays tasks edit: geom_pos, geom_size, site_pos, site_size, dof_damping), copied into dm_control's physics.
 * The case files stay in target/parity for a look. Tolerances: rewards within 1e-9; observations (float32 here, float64 there) within 1e-6 * max(1, |value|).
 * The custom tasks run the reference's formulas re-written in dmc_parity.py on our models.
 */
class ParityTest {
    private static final int STEPS = 50;
    private static final double REWARD_TOLERANCE = 1e-9;
    private static final double OBS_TOLERANCE = 1e-6;
    private static final List<String> CUSTOM = List.of("dmc/pendulum-spin", "dmc/cup-spin",
            "dmc/reacher-three-easy", "dmc/reacher-three-hard");

    private static final DmcProvider PROVIDER = new DmcProvider();
    private static final Map<String, Trajectory> JAVA = new HashMap<>();
    private static final Map<String, List<String>> PYTHON = new HashMap<>();
    private static String skipReason;

    record Trajectory(float[] resetObservation, List<StepResult> steps) {
    }

    static Stream<String> tasks() {
        List<String> ids = new ArrayList<>(TaskSets.DMC19);
        ids.addAll(CUSTOM);
        return ids.stream().filter(id -> PROVIDER.tasks().stream().anyMatch(t -> t.id().equals(id)));
    }

    @BeforeAll
    static void runBothSides() throws IOException, InterruptedException {
        Optional<Path> python = DmcPython.find();
        if (python.isEmpty()) {
            skipReason = DmcPython.whyMissing();
            return;
        }
        Path dir = Files.createDirectories(Path.of("target/parity"));
        List<String> caseFiles = new ArrayList<>();
        for (String id : tasks().toList()) {
            Path caseFile = dir.resolve(id.substring(4) + ".case");
            JAVA.put(id, runJava(id, caseFile));
            caseFiles.add(caseFile.toString());
        }
        List<String> args = new ArrayList<>(List.of(DmcPython.MODELS.toString()));
        args.addAll(caseFiles);
        String current = null;
        for (String line : DmcPython.run(python.get(), "dmc_parity.py", args, 600)) {
            if (line.startsWith("case ")) {
                String file = Path.of(line.substring(5)).getFileName().toString();
                current = "dmc/" + file.substring(0, file.length() - ".case".length());
                PYTHON.put(current, new ArrayList<>());
            } else if (current != null) {
                PYTHON.get(current).add(line);
            }
        }
    }

    /** Resets with a seed, writes the state and actions to {@code caseFile}, and steps the actions here. */
    private static Trajectory runJava(String id, Path caseFile) throws IOException {
        try (DmcEnv env = (DmcEnv) PROVIDER.create(PROVIDER.tasks().stream().filter(t -> t.id().equals(id))
                .findFirst().orElseThrow(), EnvOptions.defaults())) {
            float[] resetObs = env.reset(2024).observation();
            DmcPhysics physics = env.physics();
            var raw = physics.rawModel();
            var model = physics.model();
            StringBuilder text = new StringBuilder("task " + id.substring(4) + "\n");
            line(text, "qpos", physics.qpos());
            line(text, "qvel", physics.qvel());
            line(text, "geom_pos", raw.geom_pos(), 3L * model.ngeom());
            line(text, "geom_size", raw.geom_size(), 3L * model.ngeom());
            line(text, "site_pos", raw.site_pos(), 3L * model.nsite());
            line(text, "site_size", raw.site_size(), 3L * model.nsite());
            line(text, "dof_damping", raw.dof_damping(), model.nv());
            SplittableRandom rng = new SplittableRandom(id.hashCode());
            List<StepResult> steps = new ArrayList<>();
            for (int i = 0; i < STEPS; i++) {
                float[] action = env.spec().actionSpace().sample(rng);
                text.append("action");
                for (float a : action) {
                    text.append(' ').append((double) a);
                }
                text.append('\n');
                steps.add(env.step(action));
            }
            Files.writeString(caseFile, text);
            return new Trajectory(resetObs, steps);
        }
    }

    private static void line(StringBuilder text, String key, java.nio.DoubleBuffer values) {
        text.append(key);
        for (int i = 0; i < values.limit(); i++) {
            text.append(' ').append(values.get(i));
        }
        text.append('\n');
    }

    private static void line(StringBuilder text, String key, DoublePointer values, long n) {
        text.append(key);
        for (long i = 0; i < n; i++) {
            text.append(' ').append(values.get(i));
        }
        text.append('\n');
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void sameStateAndActionsGiveTheSameRewardsAndObservations(String id) {
        assumeTrue(skipReason == null, () -> "skipped: " + skipReason);
        List<String> python = PYTHON.get(id);
        assertThat(python).as("dm_control output for %s", id).isNotNull().isNotEmpty();
        assumeTrue(!python.get(0).startsWith("unsupported"), () -> "dmc_parity.py cannot build " + id);
        assertThat(python).hasSize(STEPS + 1);
        Trajectory java = JAVA.get(id);

        double[] resetPy = numbers(python.get(0), "reset");
        double maxObs = assertClose(id, "reset observation", java.resetObservation(), resetPy);
        double maxReward = 0;
        for (int i = 0; i < STEPS; i++) {
            double[] py = numbers(python.get(i + 1), "step");
            StepResult here = java.steps().get(i);
            assertThat(here.reward()).as("%s reward at step %d", id, i + 1).isCloseTo(py[0],
                    org.assertj.core.api.Assertions.within(REWARD_TOLERANCE));
            maxReward = Math.max(maxReward, Math.abs(here.reward() - py[0]));
            double[] obs = new double[py.length - 1];
            System.arraycopy(py, 1, obs, 0, obs.length);
            maxObs = Math.max(maxObs, assertClose(id, "observation at step " + (i + 1), here.observation(), obs));
        }
        System.out.printf("parity %s: %d steps, max |reward diff| %.3g, max |obs diff| %.3g (float32 rounding is ~6e-8 relative)%n",
                id, STEPS, maxReward, maxObs);
    }

    private static double[] numbers(String line, String tag) {
        String[] parts = line.trim().split(" ");
        assertThat(parts[0]).isEqualTo(tag);
        double[] values = new double[parts.length - 1];
        for (int i = 1; i < parts.length; i++) {
            values[i - 1] = Double.parseDouble(parts[i]);
        }
        return values;
    }

    /** Asserts and returns the largest absolute difference. */
    private static double assertClose(String id, String what, float[] ours, double[] reference) {
        assertThat(ours).as("%s %s size", id, what).hasSize(reference.length);
        double max = 0;
        for (int i = 0; i < ours.length; i++) {
            max = Math.max(max, Math.abs(ours[i] - reference[i]));
            double tolerance = OBS_TOLERANCE * Math.max(1, Math.abs(reference[i]));
            assertThat((double) ours[i]).as("%s %s entry %d", id, what, i)
                    .isCloseTo(reference[i], org.assertj.core.api.Assertions.within(tolerance));
        }
        return max;
    }
}
