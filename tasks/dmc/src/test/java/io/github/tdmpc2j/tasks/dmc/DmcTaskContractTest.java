package io.github.tdmpc2j.tasks.dmc;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.ResetResult;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.TaskSpec;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every task the plug-in lists, made the way users make it: through the registry, with the standard wrappers. */
class DmcTaskContractTest {
    private static EnvRegistry registry;

    @BeforeAll
    static void discover() {
        registry = EnvRegistry.discover();
    }

    @AfterAll
    static void close() {
        registry.close();
    }

    static Stream<String> taskIds() {
        return new DmcProvider().tasks().stream().map(TaskSpec::id);
    }

    @ParameterizedTest
    @MethodSource("taskIds")
    void specFollowsTheReference(String id) {
        TaskSpec spec = registry.resolve(id);
        assertThat(spec.aliases()).containsExactly(spec.name());
        assertThat(registry.resolve(spec.name())).isEqualTo(spec);
        assertThat(spec.maxEpisodeSteps()).isEqualTo(500);
        assertThat(spec.actionRepeat()).isEqualTo(2);
        assertThat(spec.episodic()).isFalse();
    }

    @ParameterizedTest
    @MethodSource("taskIds")
    void actionBoxIsTheActuatorControlRange(String id) {
        try (DmcEnv env = (DmcEnv) new DmcProvider().create(registry.resolve(id), io.github.tdmpc2j.spi.EnvOptions.defaults())) {
            var model = env.physics().model();
            assertThat(model.nu()).isEqualTo(env.spec().actionSize());
            var range = model.actuatorCtrlRange();
            var box = env.spec().actionSpace();
            for (int i = 0; i < model.nu(); i++) {
                assertThat(box.low(i)).as("actuator %d's low", i).isEqualTo((float) range.get(2 * i));
                assertThat(box.high(i)).as("actuator %d's high", i).isEqualTo((float) range.get(2 * i + 1));
            }
            // the registry's env takes actions in [-1, 1] whatever the ranges
            try (var wrapped = registry.make(id)) {
                assertThat(wrapped.spec().actionSpace().hasBounds(-1f, 1f)).isTrue();
            }
        }
    }

    @ParameterizedTest
    @MethodSource("taskIds")
    void sameSeedSameEpisodeAndAFullRandomEpisodeStaysFinite(String id) {
        try (Env env = registry.make(id)) {
            TaskSpec spec = env.spec();
            ResetResult first = env.reset(7);
            float[] firstObs = first.observation();
            assertThat(firstObs).hasSize(spec.observationSize());
            assertThat(env.reset(7).observation()).containsExactly(firstObs);
            assertThat(env.reset(8).observation()).isNotEqualTo(firstObs);

            env.reset(7);
            SplittableRandom rng = new SplittableRandom(1);
            double episodeReturn = 0;
            int steps = 0;
            StepResult r;
            do {
                r = env.step(spec.actionSpace().sample(rng));
                steps++;
                assertThat(r.observation()).hasSize(spec.observationSize());
                for (float v : r.observation()) {
                    assertThat(Float.isFinite(v)).as("finite observation at step %d", steps).isTrue();
                }
                assertThat(r.reward()).isBetween(0.0, 2.0);
                assertThat(r.terminated()).isFalse();
                episodeReturn += r.reward();
            } while (!r.done());
            assertThat(steps).isEqualTo(500);
            assertThat(r.truncated()).isTrue();
            assertThat(episodeReturn).isBetween(0.0, 1000.0);
        }
    }

    static List<String> ids() {
        return taskIds().toList();
    }
}
