package io.github.tdmpc2j.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every numeric setting is checked against its range, with a message that names it. */
class TdmpcConfigTest {
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
        "lr, -1", "lr, 0", "enc_lr_scale, -0.1", "grad_clip_norm, 0", "tau, 0", "tau, 1.5", "rho, -0.5", "rho, 2",
        "consistency_coef, -1", "reward_coef, -1", "value_coef, -1", "termination_coef, -1", "entropy_coef, -1e-4",
        "log_std_min, 5", "dropout, 1", "dropout, -0.1", "task_dim, -1", "simnorm_dim, 0", "simnorm_dim, 7",
        "num_bins, 1", "vmin, 10", "batch_size, 0", "horizon, -3", "iterations, 0", "num_samples, 0",
        "num_pi_trajs, -1", "num_pi_trajs, 512", "num_elites, 0", "num_elites, 513", "min_std, 0", "max_std, 0.01",
        "temperature, 0", "temperature, -0.5", "discount_denom, 0", "discount_min, 0", "discount_max, 1.2",
        "discount_min, 0.999", "seed_steps, -2", "update_every, 0", "buffer_size, 3", "model_size, 0",
    })
    void anOutOfRangeSettingIsRefusedByName(String key, String value) {
        assertThatThrownBy(() -> TdmpcConfig.from(Map.of(key, value))).isInstanceOf(ConfigException.class)
                .hasMessageContaining(key.equals("vmin") ? "vmax" : key.equals("log_std_min") ? "log_std_max"
                        : key.equals("max_std") ? "min_std" : key.equals("discount_min") && value.equals("0.999")
                                ? "discount_max" : key);
    }

    @Test
    void theBoundsThemselvesAndBothPresetsAreAccepted() {
        TdmpcConfig edge = TdmpcConfig.from(Map.of("seed_steps", "-1", "task_dim", "0", "entropy_coef", "0",
                "tau", "1", "num_pi_trajs", "0", "enc_lr_scale", "0", "discount_max", "1", "dropout", "0"));
        assertThat(edge.seedSteps()).isEqualTo(-1);
        assertThat(edge.tau()).isEqualTo(1f);
        assertThat(TdmpcConfig.from(Map.of("preset", "cpu")).lr()).isEqualTo(1e-3f);
        assertThat(TdmpcConfig.defaults().lr()).isEqualTo(3e-4f);
        assertThat(TdmpcConfig.from(Map.of("device", "gpu:1")).device()).isEqualTo("gpu:1"); // a Spark task's GPU
        assertThatThrownBy(() -> TdmpcConfig.from(Map.of("device", "gpu:x"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("gpu:N");
    }

    @Test
    void theMessageSaysTheRange() {
        assertThatThrownBy(() -> TdmpcConfig.from(Map.of("lr", "-1"))).hasMessageContaining("lr=-1 must be positive");
        assertThatThrownBy(() -> TdmpcConfig.from(Map.of("tau", "2"))).hasMessageContaining("tau=2 must be in (0, 1]");
    }

    @Test
    void aValueOfTheWrongKindSaysWhatItMustBe() {
        assertThatThrownBy(() -> TdmpcConfig.from(Map.of("horizon", "abc"))).isInstanceOf(ConfigException.class)
                .hasMessage("horizon=abc is not a whole number");
        assertThatThrownBy(() -> TdmpcConfig.from(Map.of("horizon", "3.0")))
                .hasMessage("horizon=3.0 is not a whole number");
        assertThatThrownBy(() -> TdmpcConfig.from(Map.of("batch_size", "2147483648"))).hasMessage("batch_size="
                + "2147483648 is beyond the range of whole numbers this setting holds (-2147483648 to 2147483647)");
        assertThatThrownBy(() -> TdmpcConfig.from(Map.of("lr", "1e-3x"))).hasMessage("lr=1e-3x is not a finite number");
        assertThatThrownBy(() -> TdmpcConfig.from(Map.of("lr", "NaN"))).hasMessage("lr=NaN is not a finite number");
        assertThatThrownBy(() -> TdmpcConfig.from(Map.of("mpc", "yes"))).hasMessage("mpc=yes must be true or false");
        assertThatThrownBy(() -> TdmpcConfig.from(Map.of("horizn", "3")))
                .isInstanceOf(io.github.tdmpc2j.spi.agent.UnknownParameterException.class)
                .hasFieldOrPropertyWithValue("key", "horizn")
                .hasMessageStartingWith("unknown TD-MPC2 parameter 'horizn' (did you mean horizon?)");
    }

    /** The presets and model sizes are TD-MPC2's, listed once (spi's ModelChoice) for every agent that takes them. */
    @Test
    void thePresetsAndModelSizesAreTheSharedLists() {
        assertThat(java.util.Arrays.stream(ModelSize.values()).map(s -> s.millions).toList())
                .isEqualTo(io.github.tdmpc2j.spi.agent.ModelChoice.MODEL_SIZES);
        for (String preset : io.github.tdmpc2j.spi.agent.ModelChoice.PRESETS) {
            assertThat(TdmpcConfig.from(Map.of("preset", preset)).preset()).isEqualTo(preset);
        }
        assertThatThrownBy(() -> TdmpcConfig.from(Map.of("preset", "gpu"))).isInstanceOf(ConfigException.class)
                .hasMessage("unknown preset 'gpu'; use preset=paper or preset=cpu (--preset paper|cpu)");
        assertThatThrownBy(() -> TdmpcConfig.from(Map.of("model_size", "7"))).isInstanceOf(ConfigException.class)
                .hasMessage("model_size=7 is not one of 1, 5, 19, 48, 317 (millions of parameters; --model-size)");
    }

    /** A setting given beside the model size wins over the size's architecture, as in the reference's config. */
    @Test
    void anArchitectureSettingGivenBesideTheModelSizeWins() {
        TdmpcConfig c = TdmpcConfig.from(Map.of("model_size", "1", "latent_dim", "64", "preset", "paper"));
        assertThat(c.modelSize()).isEqualTo(1);
        assertThat(c.latentDim()).isEqualTo(64);
        assertThat(c.mlpDim()).isEqualTo(ModelSize.M1.mlpDim);
        assertThat(TdmpcConfig.from(Map.of("preset", "cpu", "model_size", "5")).latentDim())
                .isEqualTo(ModelSize.M5.latentDim);
    }

    private static final long GIB = 1L << 30;

    /** Settings an agent cannot allocate are refused by name before anything is made (they failed in act or create). */
    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "num_samples | 2000000000 | planning one row",
        "batch_size  | 10000000   | one update",
        "batch_size  | 100000000  | a sampled batch's observations",
        "mlp_dim     | 100000     | a hidden weight matrix",
        "latent_dim  | 10000000   | the encoder's last weight matrix",
        "enc_dim     | 100000     | an encoder weight matrix",
        "num_bins    | 100000000  | a last weight matrix of the reward and Q heads",
        "num_q       | 100000     | the Q heads' stacked weight matrices",
        "num_enc_layers | 2000000000 | the model's",
        "task_dim    | 100000000  | the task embeddings",
        "horizon     | 500000     | planning one row",
    })
    void aSettingThatCannotBeAllocatedIsRefusedByName(String key, String value, String what) {
        TdmpcConfig c = TdmpcConfig.from(Map.of("preset", "cpu", key, value));
        assertThatThrownBy(() -> c.checkSizes(24, 6, key.equals("task_dim") ? 30 : 1, 16 * GIB))
                .isInstanceOf(ConfigException.class).hasMessageContaining(what).hasMessageContaining("lower ").hasMessageContaining(key);
    }

    /** Every named size with the paper's planning fits a 16 GiB machine, for the largest observations (dog, mt80). */
    @Test
    void theNamedSizesPassTheSizeCheck() {
        for (ModelSize size : ModelSize.values()) {
            TdmpcConfig c = TdmpcConfig.from(Map.of("model_size", Integer.toString(size.millions)));
            c.checkSizes(223, 38, 1, 16 * GIB);
            c.checkSizes(39, 6, 80, 16 * GIB);
        }
        TdmpcConfig.from(Map.of("preset", "cpu")).checkSizes(223, 38, 1, 2 * GIB);
        // a buffer_size beyond what one Java array of observations holds (its columns are segmented): the heap
        // check (ReplayBuffer.checkHeap) is its limit, not this one
        TdmpcConfig.from(Map.of("preset", "cpu", "buffer_size", "2000000000")).checkSizes(223, 38, 1, 2 * GIB);
        assertThatThrownBy(() -> TdmpcConfig.from(Map.of("model_size", "317")).checkSizes(24, 6, 1, GIB))
                .hasMessageContaining("the model's").hasMessageContaining("more than this machine's 1.0 GiB");
    }
}
