package io.github.tdmpc2j.tasks.dmc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.DoubleBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our MJCF models compile to dm_control's physical values. Two checks: compiled arrays read through the binding
 * against {@code dm_control_model_values.txt} (printed by {@code model_fidelity.py --dump}; no Python needed), and,
 * when a Python with dm_control is present, {@code model_fidelity.py} itself, which compares 108 arrays per model
 * (inertias, positions, damping, armature, friction, solver settings...) exactly (the dog, which has no bone meshes:
 * 194 arrays, its geoms by name, and 3000 steps of both models).
 */
class ModelFidelityTest {
    private static final String RESOURCE = "/io/github/tdmpc2j/tasks/dmc/dm_control_model_values.txt";
    private static final double EPS = 1e-12;

    record Expected(String model, String field, double[] values) {
        @Override
        public String toString() {
            return model + " " + field;
        }
    }

    static List<Expected> expected() throws IOException {
        try (InputStream in = ModelFidelityTest.class.getResourceAsStream(RESOURCE)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .map(l -> l.split(" "))
                    .map(p -> new Expected(p[0], p[1], Arrays.stream(p, 2, p.length).mapToDouble(Double::parseDouble).toArray()))
                    .toList();
        }
    }

    @ParameterizedTest
    @MethodSource("expected")
    void compiledArrayEqualsDmControls(Expected e) {
        try (DmcPhysics physics = DmcPhysics.fromResource(e.model())) {
            var model = physics.model();
            double[] ours = switch (e.field()) {
                case "nq" -> new double[] {model.nq()};
                case "nv" -> new double[] {model.nv()};
                case "nu" -> new double[] {model.nu()};
                case "opt.timestep" -> new double[] {model.timestep()};
                case "body_mass" -> values(model.bodyMass());
                case "jnt_range" -> values(model.jntRange());
                case "actuator_ctrlrange" -> values(model.actuatorCtrlRange());
                case "geom_size" -> values(model.geomSize());
                default -> throw new IllegalArgumentException("unknown field " + e.field());
            };
            assertThat(ours).as(e.toString()).hasSize(e.values().length);
            for (int i = 0; i < ours.length; i++) {
                assertThat(ours[i]).as("%s[%d]", e, i).isCloseTo(e.values()[i], within(EPS));
            }
        }
    }

    /**
     * model_fidelity.py's verdict on every model file, each once: identical, but for the one whose reference is
     * TD-MPC2's own tasks folder (not given here; the dumped values above check it). Lines that were each "identical"
     * or "skipped" passed before, so a model the script left out or skipped went unnoticed.
     */
    @Test
    void everyArrayOfEveryModelEqualsDmControlsWhenPythonIsPresent() throws IOException, InterruptedException {
        Optional<Path> python = DmcPython.find();
        if (python.isEmpty()) {
            System.out.println("SKIPPED everyArrayOfEveryModelEqualsDmControlsWhenPythonIsPresent: "
                    + DmcPython.whyMissing());
        }
        assumeTrue(python.isPresent(), () -> "skipped: " + DmcPython.whyMissing());
        List<String> lines = DmcPython.run(python.get(), "model_fidelity.py", List.of(DmcPython.MODELS.toString()), 300);
        Set<String> models;
        try (Stream<Path> files = Files.list(DmcPython.MODELS)) {
            models = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".xml"))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        Map<String, String> verdicts = new TreeMap<>();
        for (String line : lines) {
            int colon = line.indexOf(": ");
            assertThat(colon).as("model_fidelity.py printed '%s'", line).isPositive();
            assertThat(verdicts.put(line.substring(0, colon), line.substring(colon + 2))).as(line).isNull();
        }
        assertThat(verdicts.keySet()).as("the models model_fidelity.py compared").isEqualTo(models);
        verdicts.forEach((model, verdict) -> assertThat(verdict).as(model).startsWith(
                model.equals("reacher_three_links.xml") ? "skipped (no reference tasks dir given)" : "identical ("));
    }

    private static double[] values(DoubleBuffer buffer) {
        double[] v = new double[buffer.limit()];
        buffer.get(0, v);
        return v;
    }
}
