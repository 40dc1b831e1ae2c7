package io.github.tdmpc2j.tasks.dmc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.EnvStateException;
import io.github.tdmpc2j.spi.InvalidActionException;
import io.github.tdmpc2j.spi.SuccessMetric;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.UnknownTaskException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The raw env: misuse is a typed exception and the env stays usable. */
class DmcEnvTest {
    private final DmcProvider provider = new DmcProvider();

    private DmcEnv cartpole() {
        return (DmcEnv) provider.create(provider.tasks().stream().filter(t -> t.id().equals("dmc/cartpole-balance"))
                .findFirst().orElseThrow(), EnvOptions.defaults());
    }

    @Test
    void misuseIsATypedExceptionAndTheEnvKeepsWorking() {
        try (DmcEnv env = cartpole()) {
            assertThatThrownBy(() -> env.step(new float[] {0})).isInstanceOf(EnvStateException.class)
                    .hasMessageContaining("reset");
            env.reset(1);
            assertThatThrownBy(() -> env.step(new float[] {Float.NaN})).isInstanceOf(InvalidActionException.class)
                    .hasMessageContaining("has NaN at index 0: actions must be finite");
            assertThatThrownBy(() -> env.step(new float[] {0, 0})).isInstanceOf(InvalidActionException.class)
                    .hasMessageContaining("takes 1");
            assertThat(env.step(new float[] {0.5f}).observation()).hasSize(5);
        }
    }

    @Test
    void useAfterCloseIsAnEnvStateException() {
        DmcEnv env = cartpole();
        env.close();
        env.close();
        assertThatThrownBy(() -> env.reset(0)).isInstanceOf(EnvStateException.class).hasMessageContaining("closed");
    }

    @Test
    void aTaskThePlugInDoesNotHaveIsAnUnknownTaskException() {
        TaskSpec other = new TaskSpec("dmc/cartpole-juggle", List.of(), Box.unbounded(5), Box.of(1, -1, 1), 500, 2,
                SuccessMetric.RETURN, false);
        assertThatThrownBy(() -> provider.create(other, EnvOptions.defaults()))
                .isInstanceOf(UnknownTaskException.class).hasMessageContaining("dmc/cartpole-balance");
    }

    @Test
    void controlStepAdvancesTimeByTheControlTimestep() {
        try (DmcEnv env = cartpole()) {
            env.reset(3);
            env.step(new float[] {0});
            assertThat(env.physics().data().time()).isEqualTo(0.01);
        }
        DmcTaskDefinition cup = provider.definition("dmc/cup-catch");
        try (DmcEnv env = (DmcEnv) provider.create(DmcProvider.specOf(cup), EnvOptions.defaults())) {
            env.reset(3);
            env.step(new float[] {0, 0});
            assertThat(env.physics().data().time()).isCloseTo(0.02, org.assertj.core.api.Assertions.within(1e-12));
        }
    }

    @Test
    void pluginIsAvailableAndListsItsTasksUnderTheReferenceNames() {
        assertThat(provider.availability().ready()).isTrue();
        assertThat(provider.tasks()).extracting(TaskSpec::id).contains("dmc/cartpole-balance", "dmc/reacher-three-easy",
                "dmc/cup-spin", "dmc/pendulum-spin", "dmc/finger-turn-hard", "dmc/acrobot-swingup");
    }
}
