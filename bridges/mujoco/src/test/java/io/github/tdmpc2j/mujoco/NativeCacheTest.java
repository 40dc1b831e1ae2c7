package io.github.tdmpc2j.mujoco;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each build of the natives is extracted to its own folder of JavaCPP's cache, named by a key of the build. */
class NativeCacheTest {

    @Test
    void theLoadedNativesComeFromThisBuildsOwnCacheFolder() throws IOException {
        assertThat(Mujoco.version()).isEqualTo("3.17.0");
        URL jni = NativeCache.class.getResource(NativeCache.NATIVES + "libjnimujoco.so");
        URL lib = NativeCache.class.getResource(NativeCache.NATIVES + "libmujoco.so.3.17.0");
        String folder = NativeCache.FOLDER_PREFIX + NativeCache.buildKey(jni, lib);
        List<String> mapped = Files.readAllLines(Path.of("/proc/self/maps")).stream()
                .filter(line -> line.contains("libmujoco.so") || line.contains("libjnimujoco.so"))
                .map(line -> line.substring(line.indexOf('/')))
                .distinct()
                .toList();
        assertThat(mapped).isNotEmpty().allMatch(p -> p.contains("/" + folder + "/"), "under " + folder);
        assertThat(System.getProperty(NativeCache.CACHE_PROPERTY)).endsWith(folder);
    }

    @Test
    void theKeyChangesWithTheLibrariesAndOnlyWithThem(@TempDir Path dir) throws IOException {
        Path a = jar(dir.resolve("a/tdmpc2j-mujoco-0.1.0-SNAPSHOT.jar"), "one build", 1_700_000_000_000L);
        Path sameAsA = jar(dir.resolve("b/tdmpc2j-mujoco-0.1.0-SNAPSHOT.jar"), "one build", 1_700_000_000_000L);
        Path rebuilt = jar(dir.resolve("c/tdmpc2j-mujoco-0.1.0-SNAPSHOT.jar"), "one build", 1_700_000_100_000L);
        Path changed = jar(dir.resolve("d/tdmpc2j-mujoco-0.1.0-SNAPSHOT.jar"), "another b", 1_700_000_000_000L);
        String key = NativeCache.buildKey(entry(a));
        assertThat(key).matches("[0-9a-f]{16}");
        assertThat(NativeCache.buildKey(entry(sameAsA))).isEqualTo(key);
        assertThat(NativeCache.buildKey(entry(rebuilt))).isNotEqualTo(key);
        assertThat(NativeCache.buildKey(entry(changed))).isNotEqualTo(key);
    }

    private static Path jar(Path jar, String content, long time) throws IOException {
        Files.createDirectories(jar.getParent());
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(out)) {
            JarEntry e = new JarEntry(NativeCache.NATIVES.substring(1) + "libjnimujoco.so");
            e.setTime(time);
            jos.putNextEntry(e);
            jos.write(content.getBytes(StandardCharsets.UTF_8));
            jos.closeEntry();
        }
        return jar;
    }

    private static URL entry(Path jar) throws IOException {
        return new URL("jar:" + jar.toUri() + "!" + NativeCache.NATIVES + "libjnimujoco.so");
    }
}
