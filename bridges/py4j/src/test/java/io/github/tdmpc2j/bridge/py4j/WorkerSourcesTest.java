package io.github.tdmpc2j.bridge.py4j;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdmpc2j.spi.io.AtomicWrites;
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

    /**
     * A JVM killed while it unpacked the worker leaves a folder named for it ({@code HASH.tmp-PID@HOST-NONCE}): a
     * starting worker removes those of ended processes, never one a live process (this one or another) writes nor
     * another machine's, and those of versions before these names ({@code unpacking-N}) untouched for a day.
     */
    @Test
    void aStartingWorkerRemovesTheUnpacksOfJvmsThatDied(@TempDir Path cache) throws Exception {
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        Process live = new ProcessBuilder("sleep", "60").start();
        try {
            String mine = AtomicWrites.temporaryName("00000000000000aa");
            String self = ".tmp-" + ProcessHandle.current().pid() + "@";
            Path killed = unfinished(cache, mine.replace(self, ".tmp-" + ended.pid() + "@"), Duration.ZERO);
            Path anotherJvms = unfinished(cache, mine.replace(self, ".tmp-" + live.pid() + "@"), Duration.ZERO);
            Path thisJvms = unfinished(cache, mine, Duration.ZERO);
            Path anotherMachines = unfinished(cache, mine.replaceFirst("@.*-([0-9a-f]{16})$", "@other.machine-$1"),
                    Duration.ofDays(9));
            Path oldStyle = unfinished(cache, "unpacking-4711", Duration.ofDays(2));
            Path oldStyleNow = unfinished(cache, "unpacking-4712", Duration.ofMinutes(1));
            try (InUse.Hold hold = WorkerSources.use(cache, WorkerSources.KEEP, WorkerSources.UNUSED_FOR)) {
                assertThat(WorkerSources.unpack(cache).resolve("tdmpc2j_worker/endpoint.py")).isRegularFile();
                assertThat(killed).as("its JVM ended").doesNotExist();
                assertThat(oldStyle).as("unfinished for a day").doesNotExist();
                assertThat(anotherJvms).as("a live process writes it").isDirectory();
                assertThat(thisJvms).as("this process writes it").isDirectory();
                assertThat(anotherMachines).as("this machine cannot tell").isDirectory();
                assertThat(oldStyleNow).as("may be an older version's unpack in progress").isDirectory();
            }
        } finally {
            live.destroyForcibly();
            live.waitFor();
        }
    }

    /** A half-written unpack at {@code cache/name}, last changed {@code age} ago. */
    private static Path unfinished(Path cache, String name, Duration age) throws Exception {
        Path dir = Files.createDirectories(cache.resolve(name).resolve("tdmpc2j_worker"));
        Files.writeString(dir.resolve("endpoint.py"), "# half writ");
        Files.setLastModifiedTime(dir.getParent(), FileTime.from(Instant.now().minus(age)));
        return dir.getParent();
    }

    private static Path version(Path cache, String name, Duration unusedFor) throws Exception {
        Path dir = Files.createDirectories(cache.resolve(name).resolve("tdmpc2j_worker"));
        Files.writeString(dir.resolve("endpoint.py"), "# an older worker\n");
        Files.setLastModifiedTime(dir.getParent(), FileTime.from(Instant.now().minus(unusedFor)));
        return dir.getParent();
    }
}
