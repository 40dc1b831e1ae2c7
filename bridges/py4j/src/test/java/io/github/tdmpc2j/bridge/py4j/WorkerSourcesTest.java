package io.github.tdmpc2j.bridge.py4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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
}
