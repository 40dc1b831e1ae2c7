package io.github.tdmpc2j.bridge.py4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's Python package unpacked from the jar, and put right again when its cache was damaged. */
class WorkerSourcesTest {
    @Test
    void aFileDeletedOrChangedInTheCacheIsPutBack(@TempDir Path cache) throws Exception {
        Path unpacked = WorkerSources.unpack(cache).resolve("tdmpc2j_worker");
        Path endpoint = unpacked.resolve("endpoint.py");
        Path dmc = unpacked.resolve("suites/dmc.py");
        String endpointText = Files.readString(endpoint);
        String dmcText = Files.readString(dmc);
        Files.delete(endpoint); // what a cache cleaner leaves: the worker would fail on `from .endpoint import ...`
        Files.writeString(dmc, "garbage");

        assertThat(WorkerSources.unpack(cache).resolve("tdmpc2j_worker")).isEqualTo(unpacked);
        assertThat(Files.readString(endpoint)).isEqualTo(endpointText);
        assertThat(Files.readString(dmc)).isEqualTo(dmcText);
        try (Stream<Path> left = Files.list(cache)) {
            assertThat(left).hasSize(1); // no temporary folder or file left beside the unpacked worker
        }
        try (Stream<Path> left = Files.walk(unpacked)) {
            assertThat(left).noneMatch(p -> p.toString().endsWith(".tmp") || p.toString().contains(".tmp-"));
        }
    }

    /**
     * Every build with other worker sources unpacks a folder: a starting worker removes the old ones that no worker
     * holds, keeping the last used and the recently used, and its own folder is held while it runs.
     */
    @Test
    void aStartingWorkerRemovesOldVersionsNoWorkerUses(@TempDir Path cache) throws Exception {
        Path recent = version(cache, "000000000000000a", Duration.ofHours(1));
        Path old = version(cache, "000000000000000b", Duration.ofDays(2));
        Path older = version(cache, "000000000000000c", Duration.ofDays(3));
        Path held = version(cache, "000000000000000d", Duration.ofDays(4));
        Path oldest = version(cache, "000000000000000e", Duration.ofDays(5));
        Files.writeString(cache.resolve(oldest.getFileName() + ".in-use"), "");
        Path unrelated = Files.createDirectories(cache.resolve("unpacking-123"));
        Process worker = VenvInUseTest.lock(cache.resolve(held.getFileName() + ".in-use"), "LOCK_SH");
        Path current;
        try (InUse.Hold hold = WorkerSources.use(cache, 1, Duration.ofDays(1))) {
            current = WorkerSources.unpack(cache);
            assertThat(current.resolve("tdmpc2j_worker/endpoint.py")).isRegularFile();
            assertThat(recent).as("used within a day").isDirectory();
            assertThat(held).as("another process's worker holds it").isDirectory();
            assertThat(unrelated).isDirectory();
            assertThat(old).doesNotExist();
            assertThat(older).doesNotExist();
            assertThat(oldest).doesNotExist();
            assertThat(cache.resolve(oldest.getFileName() + ".in-use")).doesNotExist();
            // this JVM's hold is a lock that other processes see, and it keeps this version from a clean-up here too
            assertThat(VenvInUseTest.tryLock(cache.resolve(current.getFileName() + ".in-use"))).isEqualTo("held");
            Files.setLastModifiedTime(current, FileTime.from(Instant.now().minus(Duration.ofDays(9))));
            WorkerSources.removeOld(cache, recent, 0, Duration.ZERO);
            assertThat(current).isDirectory();
        } finally {
            worker.destroyForcibly();
            worker.waitFor();
        }
        // no worker holds anything now: only the version of the clean-up's own worker stays
        try (InUse.Hold hold = WorkerSources.use(cache, 0, Duration.ZERO)) {
            assertThat(current).isDirectory();
            assertThat(recent).doesNotExist();
            assertThat(held).doesNotExist();
        }
    }

    private static Path version(Path cache, String name, Duration unusedFor) throws Exception {
        Path dir = Files.createDirectories(cache.resolve(name).resolve("tdmpc2j_worker"));
        Files.writeString(dir.resolve("endpoint.py"), "# an older worker\n");
        Files.setLastModifiedTime(dir.getParent(), FileTime.from(Instant.now().minus(unusedFor)));
        return dir.getParent();
    }
}
