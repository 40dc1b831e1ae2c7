package io.github.tdmpc2j.tasks.dmc.domains;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdmpc2j.mujoco.MjModel;
import io.github.tdmpc2j.mujoco.MjObjectType;
import io.github.tdmpc2j.tasks.dmc.DmcPhysics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.javacpp.BoolPointer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our walker, cheetah, hopper and fish models, compiled here, against the values dm_control's own models compile
 * to (options, sizes, every body, joint, dof, actuator, sensor and tendon array, and geoms and sites by name).
 * The resource was printed by {@code src/test/python/locomotion_models.py reference}; that script's {@code check}
 * mode also steps both models from the same random states and finds identical trajectories.
 */
class LocomotionModelFidelityTest {
    private static final String REFERENCE = "/io/github/tdmpc2j/tasks/dmc/locomotion-models-reference.txt";

    /** One line of the resource: a domain, a field (with {@code [name]} for geoms and sites), dm_control's values. */
    record Expected(String domain, String field, double[] values) {
        @Override
        public String toString() {
            return domain + " " + field;
        }
    }

    static Stream<String> domains() {
        return Stream.of("walker", "cheetah", "hopper", "fish");
    }

    static List<Expected> reference() throws IOException {
        try (InputStream in = LocomotionModelFidelityTest.class.getResourceAsStream(REFERENCE)) {
            assertThat(in).as("resource %s", REFERENCE).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .map(line -> line.split(" "))
                    .map(parts -> new Expected(parts[0], parts[1],
                            Arrays.stream(parts, 2, parts.length).mapToDouble(Double::parseDouble).toArray()))
                    .toList();
        }
    }

    @ParameterizedTest
    @MethodSource("domains")
    void compiledModelEqualsDmControls(String domain) throws Exception {
        List<Expected> expected = reference().stream().filter(e -> e.domain().equals(domain)).toList();
        assertThat(expected).as("reference lines for %s", domain).hasSizeGreaterThan(100);
        try (DmcPhysics physics = DmcPhysics.fromResource(domain + ".xml")) {
            for (Expected e : expected) {
                double[] actual = read(physics.model(), e.field(), e.values().length);
                assertThat(actual).as("%s", e).containsExactly(e.values());
            }
        }
    }

    /** Reads {@code count} values of a compiled-model field by its MuJoCo name, as the Python script printed it. */
    private static double[] read(MjModel model, String field, int count) throws ReflectiveOperationException {
        Object owner = model.raw();
        String name = field;
        long offset = 0;
        if (field.startsWith("opt.")) {
            owner = model.raw().opt();
            name = field.substring(4);
        } else if (field.endsWith("]")) {
            int open = field.indexOf('[');
            name = field.substring(0, open);
            String element = field.substring(open + 1, field.length() - 1);
            MjObjectType type = name.startsWith("geom_") ? MjObjectType.GEOM : MjObjectType.SITE;
            offset = (long) model.id(type, element) * count;
        }
        Object value = owner.getClass().getMethod(name).invoke(owner);
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            out[i] = at(value, offset + i);
        }
        return out;
    }

    private static double at(Object value, long i) {
        if (value instanceof DoublePointer p) {
            return p.get(i);
        } else if (value instanceof IntPointer p) {
            return p.get(i);
        } else if (value instanceof FloatPointer p) {
            return p.get(i);
        } else if (value instanceof BoolPointer p) {
            return p.get(i) ? 1 : 0;
        } else if (value instanceof BytePointer p) {
            return p.get(i);
        } else if (value instanceof Number n && i == 0) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("cannot read element " + i + " of " + value);
    }
}
