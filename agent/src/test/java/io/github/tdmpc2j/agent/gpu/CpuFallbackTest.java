package io.github.tdmpc2j.agent.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.agent.ConfigException;
import io.github.tdmpc2j.agent.DjlRuntime;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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
    void theTestsRunOnDjlsBundledNativesWhateverSetupGpuSelected() throws Exception {
        assertThat(System.getProperty("tdmpc2j.torch")).isEqualTo("bundled");
        assertThat(GpuSetup.selected()).isEmpty();
        // so do the JVMs the tests start (a command in a child JVM, as a user runs it; Spark's executors), which do
        // not get that property: they read a GPU home of the build's own, never this user's, whose torch.properties
        // (after `tdmpc2j setup gpu`) put them on that torch
        Path userHome = Path.of(System.getProperty("user.home"), ".cache", "tdmpc2j", "gpu");
        assertThat(GpuSetup.home()).isNotEqualTo(userHome);
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), CpuFallbackTest.class.getName()).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).isEqualTo("home " + GpuSetup.home() + "\ntorch bundled\n");
    }

    /** The child of {@link #theTestsRunOnDjlsBundledNativesWhateverSetupGpuSelected}: what it would run on. */
    public static void main(String[] args) {
        System.out.println("home " + GpuSetup.home());
        System.out.println("torch " + GpuSetup.selected().map(t -> t.dir().toString()).orElse("bundled"));
    }

    @Test
    void aSelectedTorchThatIsGoneSaysHowToRecover() {
        String before = System.getProperty("tdmpc2j.torch");
        System.setProperty("tdmpc2j.torch", Path.of("no", "such", "torch").toString());
        try {
            // where the folder was named, and what else to choose
            assertThatThrownBy(GpuSetup::selected).isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("TDMPC2J_TORCH=" + Path.of("no", "such", "torch") + " names the torch")
                    .hasMessageContaining("not a PyTorch package folder")
                    .hasMessageContaining("TDMPC2J_TORCH=bundled");
        } finally {
            System.setProperty("tdmpc2j.torch", before);
        }
    }
}
