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
}
