package io.github.tdmpc2j.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DjlRuntimeTest {
    /**
     * device=gpu on the torch of `tdmpc2j setup gpu` where there is no NVIDIA driver says the driver is missing: it
     * told the user to run `tdmpc2j setup gpu`, which they had run. (CpuFallbackTest checks the message DJL's
     * bundled natives give, on this machine.)
     */
    @Test
    void noGpuOnASetUpTorchWithoutADriverNamesTheDriver() {
        assertThat(DjlRuntime.noGpu("2.7.1", "/venv/torch/lib", false)).contains("from /venv/torch/lib")
                .contains("sees no GPU").contains("no NVIDIA driver").doesNotContain("run `tdmpc2j setup gpu`");
        assertThat(DjlRuntime.noGpu("2.7.1", null, false)).contains("DJL's bundled CPU natives")
                .contains("run `tdmpc2j setup gpu`").doesNotContain("NVIDIA driver (");
        assertThat(DjlRuntime.noGpu("2.7.1", "/venv/torch/lib", true)).contains("run `tdmpc2j setup gpu`")
                .doesNotContain("no NVIDIA driver");
    }
}
