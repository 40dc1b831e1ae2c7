package io.github.tdmpc2j.agent.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.agent.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which JNI and flavor DJL gets for a torch install, and what a user is told when it cannot work. The installs are
 * folders laid out as pip lays out a {@code torch} package (a {@code version.py} as PyTorch writes it, the library
 * files by name); nothing is loaded.
 */
class TorchInstallTest {
    @TempDir
    Path site;

    private Path torch(String version, String cuda, boolean cudaLibs) throws IOException {
        Path dir = site.resolve("torch");
        Files.createDirectories(dir.resolve("lib"));
        Files.writeString(dir.resolve("version.py"), "from typing import Optional\n\n__all__ = ['__version__']\n"
                + "__version__ = '" + version + "'\ndebug = False\ncuda: Optional[str] = "
                + (cuda == null ? "None" : "'" + cuda + "'") + "\ngit_version = 'abc'\nhip: Optional[str] = None\n");
        Files.writeString(dir.resolve("lib").resolve("libtorch.so"), "");
        if (cudaLibs) {
            Files.writeString(dir.resolve("lib").resolve("libtorch_cuda.so"), "");
        }
        return dir;
    }

    @Test
    void theJarsJniServesTorch271AsCpuOrCuda128() throws IOException {
        TorchInstall cudaBuild = TorchInstall.inspect(torch("2.7.1+cu126", "12.6", true));
        assertThat(cudaBuild.baseVersion()).isEqualTo("2.7.1");
        assertThat(cudaBuild.cuda()).contains("12.6");
        assertThat(cudaBuild.flavor()).isEqualTo("cu128");
        assertThat(cudaBuild.missingJni(site.resolve("cache"))).isEmpty();
    }

    @Test
    void aCpuOnlyTorchGetsTheCpuFlavor() throws IOException {
        TorchInstall cpu = TorchInstall.inspect(torch("2.7.1+cpu", null, false));
        assertThat(cpu.cuda()).isEmpty();
        assertThat(cpu.flavor()).isEqualTo("cpu");
    }

    @Test
    void anotherVersionNeedsItsOwnJniAndTheMessageSaysWhere() throws IOException {
        TorchInstall t = TorchInstall.inspect(torch("2.11.0+cu130", "13.0", true));
        Path cache = site.resolve("cache");
        assertThat(t.flavor()).isEqualTo("cu130");
        Path expected = cache.resolve("pytorch/2.11.0-cu130-linux-x86_64/0.36.0-libdjl_torch.so");
        assertThat(t.jniPath(cache)).isEqualTo(expected);
        assertThat(t.missingJni(cache)).hasValueSatisfying(why -> assertThat(why)
                .contains("2.11.0").contains(expected.toString()).contains("setup gpu"));
        Files.createDirectories(expected.getParent());
        Files.writeString(expected, "");
        assertThat(t.missingJni(cache)).isEmpty();
    }

    @Test
    void aJniBesideTheLibrariesCountsToo() throws IOException {
        TorchInstall t = TorchInstall.inspect(torch("2.9.0", "12.8", true));
        Files.writeString(t.dir().resolve("lib").resolve("libdjl_torch.so"), "");
        assertThat(t.missingJni(site.resolve("cache"))).isEmpty();
    }

    @Test
    void aFolderThatIsNotTorchIsRefusedWithWhatToName() {
        assertThatThrownBy(() -> TorchInstall.inspect(site))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("lib/libtorch.so").hasMessageContaining("site-packages");
    }

    @Test
    void cudaHeadersAndRuntimeAreFoundInPipsNvidiaPackages() throws IOException {
        TorchInstall t = TorchInstall.inspect(torch("2.7.1+cu126", "12.6", true));
        assertThat(t.cudaIncludes()).isEmpty();
        assertThat(t.cudaRuntime()).isEmpty();
        Path runtime = site.resolve("nvidia/cuda_runtime");
        Files.createDirectories(runtime.resolve("include"));
        Files.createDirectories(runtime.resolve("lib"));
        Files.writeString(runtime.resolve("include/cuda_runtime_api.h"), "");
        Files.writeString(runtime.resolve("lib/libcudart.so.12"), "");
        assertThat(t.cudaIncludes()).as("crt/host_config.h is still missing").isEmpty();
        Path nvcc = site.resolve("nvidia/cuda_nvcc/include/crt");
        Files.createDirectories(nvcc);
        Files.writeString(nvcc.resolve("host_config.h"), "");
        assertThat(t.cudaIncludes()).containsExactly(runtime.resolve("include"), nvcc.getParent());
        assertThat(t.cudaRuntime()).contains(runtime.resolve("lib/libcudart.so.12"));
    }
}
