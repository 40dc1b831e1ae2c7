package io.github.tdmpc2j.agent.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.agent.ConfigException;
import io.github.tdmpc2j.agent.DjlRuntime;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What the GPU path does on a machine without one (CI): it is skipped cleanly, and the errors say what to do. */
class CpuFallbackTest {
    @Test
    void deviceAutoPicksTheCpuAndDeviceGpuExplains() {
        assertThat(DjlRuntime.device("auto").isGpu()).isFalse();
        assertThatThrownBy(() -> DjlRuntime.device("gpu"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sees no GPU").hasMessageContaining("setup gpu");
        // spelled as every agent takes it (DeviceSetting), also for callers that skip TdmpcConfig (the bench
        // programs): gpu:x was a NumberFormatException
        for (String bad : new String[] {"tpu", "gpu:x", "gpu:", "gpu:99999999999", "GPU"}) {
            assertThatThrownBy(() -> DjlRuntime.device(bad)).as(bad).isInstanceOf(ConfigException.class)
                    .hasMessage("device must be cpu, gpu, gpu:N (GPU number N, as a Spark task is given) or auto, "
                            + "not '" + bad + "'");
        }
        // the GPU a Spark task was given: refused by number where DJL sees fewer
        assertThatThrownBy(() -> DjlRuntime.device("gpu:0")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("sees 0 GPUs").hasMessageContaining("device=cpu");
    }

    @Test
    void graphCaptureIsRefusedWithTheFixWhenTheExtensionIsAbsent() {
        assertThat(TorchNative.available()).isFalse();
        assertThat(TorchNative.unavailableReason()).hasValueSatisfying(why -> assertThat(why).contains("setup gpu"));
        int[] runs = {0};
        assertThatThrownBy(() -> CudaGraph.capture(0, 1, () -> runs[0]++))
                .isInstanceOf(TorchNativeException.class).hasMessageContaining("setup gpu");
        assertThat(runs[0]).as("nothing ran").isZero();
    }

    @Test
    void theTestsRunOnDjlsBundledNativesWhateverSetupGpuSelected() {
        assertThat(System.getProperty("tdmpc2j.torch")).isEqualTo("bundled");
        assertThat(GpuSetup.selected()).isEmpty();
    }

    @Test
    void aSelectedTorchThatIsGoneSaysHowToRecover() {
        String before = System.getProperty("tdmpc2j.torch");
        System.setProperty("tdmpc2j.torch", Path.of("no", "such", "torch").toString());
        try {
            assertThatThrownBy(GpuSetup::selected).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("not a PyTorch package folder");
        } finally {
            System.setProperty("tdmpc2j.torch", before);
        }
    }
}
