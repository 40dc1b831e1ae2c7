package io.github.tdmpc2j.mujoco;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The jar carries the natives: a program that depends on it sets no library path. */
class PackagingTest {

    @Test
    void theNativesAreLoadedFromTheJarNotFromTheBuildCache() throws IOException {
        assertThat(Mujoco.version()).isEqualTo("3.17.0");
        assertThat(MjModel.class.getProtectionDomain().getCodeSource().getLocation().getPath()).endsWith(".jar");
        assertThat(MjModel.class.getResource("/io/github/tdmpc2j/mujoco/raw/linux-x86_64/libmujoco.so.3.17.0"))
                .hasProtocol("jar");
        List<String> mapped = Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .filter(line -> line.contains("libmujoco.so") || line.contains("libjnimujoco.so"))
                .map(line -> line.substring(line.indexOf('/')))
                // another process extracting the same jar's natives replaces the files this one mapped
                .map(path -> path.endsWith(" (deleted)") ? path.substring(0, path.length() - 10) : path)
                .distinct()
                .toList();
        System.out.println("PackagingTest: mapped " + mapped);
        assertThat(mapped).anyMatch(p -> p.endsWith("libmujoco.so.3.17.0"));
        assertThat(mapped).anyMatch(p -> p.endsWith("libjnimujoco.so"));
        assertThat(mapped).noneMatch(p -> p.contains("/.cache/tdmpc2j/"));
    }
}
