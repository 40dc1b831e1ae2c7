package io.github.tdmpc2j.agent.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.github.tdmpc2j.agent.ConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `setup gpu` on a machine that cannot finish it, and what it then tells the user; the runtime it records is what
 * later commands select. Torch installs are folders laid out as pip lays out a {@code torch} package.
 */
class GpuSetupTest {
    @TempDir
    Path tmp;
    private String torchChoice;

    @BeforeEach
    void isolate() {
        torchChoice = System.getProperty("tdmpc2j.torch");
        System.setProperty("tdmpc2j.gpu.home", tmp.resolve("gpu-home").toString());
    }

    @AfterEach
    void restore() {
        System.clearProperty("tdmpc2j.gpu.home");
        System.setProperty("tdmpc2j.torch", torchChoice);
    }

    private Path torch(String version, String cuda) throws IOException {
        Path dir = tmp.resolve("site-packages").resolve("torch");
        Files.createDirectories(dir.resolve("lib"));
        Files.writeString(dir.resolve("version.py"), "__version__ = '" + version + "'\ncuda = '" + cuda + "'\n");
        Files.writeString(dir.resolve("lib").resolve("libtorch.so"), "");
        Files.writeString(dir.resolve("lib").resolve("libtorch_cuda.so"), "");
        return dir;
    }

    @Test
    void withoutCudaHeadersTheRuntimeIsRecordedAndTheMissingExtensionExplained() throws IOException {
        TorchInstall torch = TorchInstall.inspect(torch("2.7.1+cu126", "12.6"));
        StringWriter text = new StringWriter();
        GpuSetup.install(torch, new PrintWriter(text, true));
        assertThat(text.toString()).contains("torch 2.7.1+cu126 (CUDA 12.6)").contains("pytorch-jni jar, cu128")
                .contains("native extension NOT built").contains("no CUDA headers").contains("nvidia-cuda-nvcc")
                .contains("runs eagerly");
        assertThat(GpuSetup.nativeLibrary("2.7.1")).doesNotExist();
        System.clearProperty("tdmpc2j.torch");
        assertThat(GpuSetup.selected()).contains(torch);
    }

    /**
     * After `setup gpu` on a machine without an NVIDIA driver, DJL runs the same torch on the CPU and is not handed
     * the CUDA runtime link: with it, DJL's GPU count failed ("CUDA driver version is insufficient") and warned so
     * twice on every later command, for a GPU that cannot be there. With a driver it is handed the link and the
     * CUDA flavor.
     */
    @Test
    void withoutADriverDjlGetsTheCpuFlavorAndNoCudaRuntimeToCountGpusWith() throws IOException {
        TorchInstall torch = TorchInstall.inspect(torch("2.7.1+cu126", "12.6"));
        Path links = Files.createDirectories(GpuSetup.home().resolve("lib"));
        Files.writeString(links.resolve("libcudart.so"), ""); // as `setup gpu` links it
        String lib = torch.dir().resolve("lib").toString();
        assertThat(GpuSetup.djlSettings(torch, false, null)).containsExactly(entry("PYTORCH_LIBRARY_PATH", lib),
                entry("PYTORCH_VERSION", "2.7.1"), entry("PYTORCH_FLAVOR", "cpu"));
        assertThat(GpuSetup.djlSettings(torch, false, "/before")).doesNotContainKey("jna.library.path");
        assertThat(GpuSetup.djlSettings(torch, true, null)).containsEntry("PYTORCH_FLAVOR", "cu128")
                .containsEntry("jna.library.path", links.toString());
        assertThat(GpuSetup.djlSettings(torch, true, "/before")).containsEntry("jna.library.path", "/before:" + links);
    }

    @Test
    void aTorchWithoutAJniIsRefusedBeforeAnythingIsWritten() throws IOException {
        TorchInstall torch = TorchInstall.inspect(torch("2.11.0+cu130", "13.0"));
        assertThatThrownBy(() -> GpuSetup.install(torch, new PrintWriter(new StringWriter())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("2.11.0")
                .hasMessageContaining("0.36.0-libdjl_torch.so");
        assertThat(GpuSetup.home().resolve(GpuSetup.CONFIG)).doesNotExist();
    }

    /**
     * A library built from another version of the native source (or before builds recorded it) is not used: the
     * reason names it and the command that rebuilds it.
     */
    @Test
    void anExtensionBuiltFromAnotherSourceIsRefusedWithTheFix() {
        String hash = GpuSetup.sourceHash();
        assertThat(hash).matches("[0-9a-f]{16}").isEqualTo(GpuSetup.sourceHash());
        Path library = tmp.resolve("libtdmpc2j_torch-2.7.1.so");
        assertThat(TorchNative.staleReason(library, hash)).isNull();
        for (String other : new String[] {"0123456789abcdef", "unrecorded", "unknown"}) {
            assertThat(TorchNative.staleReason(library, other)).contains(library.toString()).contains(other)
                    .contains(hash).contains("another version").contains("tdmpc2j setup gpu");
        }
    }

    /**
     * A built library replaces the one there in one move from a file beside it (not a move from the build's
     * temporary folder, which across file systems is a copy that a kill leaves torn under the library's name): the
     * old file stays whole for a process that loaded it, and nothing temporary is left.
     */
    @Test
    void aBuiltLibraryReplacesTheOldOneWholeAndLeavesNothingBehind() throws IOException {
        Path out = GpuSetup.nativeLibrary("2.7.1");
        GpuSetup.place(Files.writeString(tmp.resolve("first.so"), "first build"), out);
        assertThat(out).hasContent("first build");
        try (var loaded = Files.newInputStream(out)) { // what a running process has open
            Object before = Files.readAttributes(out, BasicFileAttributes.class).fileKey();
            GpuSetup.place(Files.writeString(tmp.resolve("second.so"), "second build, longer"), out);
            assertThat(out).hasContent("second build, longer");
            assertThat(Files.readAttributes(out, BasicFileAttributes.class).fileKey()).isNotEqualTo(before);
            assertThat(new String(loaded.readAllBytes())).isEqualTo("first build");
        }
        try (var left = Files.list(out.getParent())) {
            assertThat(left).containsExactly(out);
        }
    }

    /**
     * A library built from this source against the same torch and headers is kept, not compiled again (a second
     * `setup gpu` took 10 s to compile the same library); another torch (or source, or headers) builds anew, and a
     * build that fails leaves the library there as it was.
     */
    @Test
    void aLibraryBuiltFromTheSameSourceAndTorchIsNotCompiledAgain() throws IOException {
        TorchInstall torch = TorchInstall.inspect(torch("2.7.1+cu126", "12.6"));
        java.util.List<Path> cuda = java.util.List.of(Files.createDirectories(tmp.resolve("cuda-include")));
        Path jni = Path.of(System.getProperty("java.home")).resolve("include");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(jni.resolve("jni.h")),
                "the tests run on a JDK (its include/jni.h), as the build does");
        Path out = GpuSetup.nativeLibrary("2.7.1");
        GpuSetup.place(Files.writeString(tmp.resolve("built.so"), "built before"), out);
        Path record = GpuSetup.buildRecordOf(out);
        Files.writeString(record, GpuSetup.buildRecord(torch, cuda, jni));
        assertThat(GpuSetup.buildNative(torch, cuda, out)).contains(out.toString()).contains("kept")
                .doesNotContain("NOT built");
        assertThat(out).hasContent("built before");

        // the same library recorded as built against another torch folder: compiled again (here g++ fails on the
        // empty torch's missing headers, or is missing), the library left as it was
        Files.writeString(record, GpuSetup.buildRecord(torch, cuda, jni).replace(torch.dir().toString(), "/other"));
        assertThat(GpuSetup.buildNative(torch, cuda, out)).contains("native extension NOT built").doesNotContain("kept");
        assertThat(out).hasContent("built before");
    }

    @Test
    void aRecordedTorchThatWasDeletedSaysHowToRecover() throws IOException {
        Path home = GpuSetup.home();
        Files.createDirectories(home);
        Files.writeString(home.resolve(GpuSetup.CONFIG), "torch_dir=" + tmp.resolve("gone") + "\n");
        System.clearProperty("tdmpc2j.torch");
        assertThatThrownBy(GpuSetup::selected).isInstanceOf(ConfigException.class)
                .hasMessageContaining("is gone").hasMessageContaining("setup gpu");
    }

    /**
     * The extension is looked for only where DJL runs a chosen torch or one is named: with DJL's bundled CPU natives
     * (TDMPC2J_TORCH=bundled after a setup) the setup's extension was loaded, failed on its CUDA libraries, and the
     * reason said to rebuild it with `tdmpc2j setup gpu`.
     */
    @Test
    void theExtensionIsNotLookedForOnTheBundledNatives() {
        assertThat(TorchNative.notForThisTorch(null, null, false)).contains("bundled CPU natives")
                .contains("TDMPC2J_TORCH=bundled").doesNotContain("rebuild");
        assertThat(TorchNative.notForThisTorch("", null, false)).isNotNull();
        assertThat(TorchNative.notForThisTorch("/x/libtdmpc2j_torch.so", null, false)).isNull();
        assertThat(TorchNative.notForThisTorch(null, "/venv/torch/lib", false)).isNull();
        assertThat(TorchNative.notForThisTorch(null, null, true)).isNull();
    }
}
