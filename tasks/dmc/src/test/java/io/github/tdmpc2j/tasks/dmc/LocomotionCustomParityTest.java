package io.github.tdmpc2j.tasks.dmc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.StepResult;
import java.io.IOException;
import java.nio.DoubleBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ParityTest} for TD-MPC2's custom walker, cheetah and hopper tasks: same start state, same 50 actions here
 * and in dm_control running the reference's reward formulas ({@code src/test/python/locomotion_parity.py}); every
 * step's reward within 1e-9 and observation within 1e-6 * max(1, |value|). Each start is the state after
 * {@code reset(2024)}, pushed towards the task's goal so the rewards are not all zero.
 */
class LocomotionCustomParityTest {
    private static final int STEPS = 50;
    private static final double REWARD_TOLERANCE = 1e-9;
    private static final double OBS_TOLERANCE = 1e-6;
    private static final Map<String, Consumer<DmcPhysics>> STARTS = new LinkedHashMap<>();

    static {
        STARTS.put("dmc/walker-walk-backwards", p -> push(p, "rootx", -1));
        STARTS.put("dmc/walker-run-backwards", p -> push(p, "rootx", -8));
        STARTS.put("dmc/cheetah-run-backwards", p -> push(p, "rootx", -8));
        STARTS.put("dmc/cheetah-run-front", p -> push(p, "rootx", 6));
        STARTS.put("dmc/cheetah-run-back", p -> push(p, "rootx", 6));
        STARTS.put("dmc/cheetah-jump", p -> push(p, "rootz", 3));
        STARTS.put("dmc/hopper-hop-backwards", p -> {
            standUpright(p);
            push(p, "rootx", -1);
        });
    }

    private static final DmcProvider PROVIDER = new DmcProvider();
    private static final Map<String, List<StepResult>> JAVA = new HashMap<>();
    private static final Map<String, List<String>> PYTHON = new HashMap<>();
    private static String skipReason;

    static Stream<String> tasks() {
        return STARTS.keySet().stream();
    }

    @BeforeAll
    static void runBothSides(@TempDir Path dir) throws IOException, InterruptedException {
        Optional<Path> python = DmcPython.find();
        if (python.isEmpty()) {
            skipReason = DmcPython.whyMissing();
            return;
        }
        List<String> args = new ArrayList<>(List.of(DmcPython.MODELS.toString()));
        for (String id : STARTS.keySet()) {
            Path caseFile = dir.resolve(id.substring(4) + ".case");
            JAVA.put(id, runJava(id, caseFile));
            args.add(caseFile.toString());
        }
        String current = null;
        for (String line : DmcPython.run(python.get(), "locomotion_parity.py", args, 600)) {
            if (line.startsWith("case ")) {
                String file = Path.of(line.substring(5)).getFileName().toString();
                current = "dmc/" + file.substring(0, file.length() - ".case".length());
                PYTHON.put(current, new ArrayList<>());
            } else if (current != null) {
                PYTHON.get(current).add(line);
            }
        }
    }

    private static List<StepResult> runJava(String id, Path caseFile) throws IOException {
        var spec = PROVIDER.tasks().stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
        try (DmcEnv env = (DmcEnv) PROVIDER.create(spec, EnvOptions.defaults())) {
            env.reset(2024);
            DmcPhysics physics = env.physics();
            STARTS.get(id).accept(physics);
            physics.afterReset();
            var raw = physics.rawModel();
            var model = physics.model();
            StringBuilder text = new StringBuilder("task " + id.substring(4) + "\n");
            append(text, "qpos", physics.qpos(), model.nq());
            append(text, "qvel", physics.qvel(), model.nv());
            append(text, "geom_pos", raw.geom_pos().capacity(3L * model.ngeom()).asBuffer(), 3 * model.ngeom());
            append(text, "geom_size", raw.geom_size().capacity(3L * model.ngeom()).asBuffer(), 3 * model.ngeom());
            append(text, "site_pos", raw.site_pos().capacity(3L * model.nsite()).asBuffer(), 3 * model.nsite());
            append(text, "site_size", raw.site_size().capacity(3L * model.nsite()).asBuffer(), 3 * model.nsite());
            append(text, "dof_damping", raw.dof_damping().capacity(model.nv()).asBuffer(), model.nv());
            SplittableRandom rng = new SplittableRandom(id.hashCode());
            List<StepResult> steps = new ArrayList<>();
            for (int i = 0; i < STEPS; i++) {
                float[] action = spec.actionSpace().sample(rng);
                text.append("action");
                for (float a : action) {
                    // as a double: the float's exact value, which is what reaches ctrl here ("0.1" would not be)
                    text.append(' ').append((double) a);
                }
                text.append('\n');
                steps.add(env.step(action));
            }
            Files.writeString(caseFile, text);
            return steps;
        }
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

    private static void append(StringBuilder text, String key, DoubleBuffer values, int count) {
        text.append(key);
        for (int i = 0; i < count; i++) {
            text.append(' ').append(values.get(i));
        }
        text.append('\n');
    }

    @ParameterizedTest
    @MethodSource("tasks")
    void sameStateAndActionsGiveTheReferenceRewardsAndObservations(String id) {
        assumeTrue(skipReason == null, () -> "skipped: " + skipReason);
        List<String> python = PYTHON.get(id);
        assertThat(python).as("dm_control output for %s", id).isNotNull().hasSize(STEPS + 1);
        double rewardSum = 0;
        for (int i = 0; i < STEPS; i++) {
            String[] parts = python.get(i + 1).trim().split(" ");
            assertThat(parts[0]).isEqualTo("step");
            StepResult here = JAVA.get(id).get(i);
            assertThat(here.reward()).as("%s reward at step %d", id, i + 1)
                    .isCloseTo(Double.parseDouble(parts[1]), within(REWARD_TOLERANCE));
            rewardSum += here.reward();
            float[] obs = here.observation();
            assertThat(obs).as("%s observation size", id).hasSize(parts.length - 2);
            for (int k = 0; k < obs.length; k++) {
                double reference = Double.parseDouble(parts[k + 2]);
                assertThat((double) obs[k]).as("%s observation at step %d entry %d", id, i + 1, k)
                        .isCloseTo(reference, within(OBS_TOLERANCE * Math.max(1, Math.abs(reference))));
            }
        }
        assertThat(rewardSum).as("%s: the compared rewards are not all zero", id).isGreaterThan(0.0);
    }
}
