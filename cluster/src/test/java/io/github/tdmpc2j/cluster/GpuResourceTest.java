package io.github.tdmpc2j.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * --gpus-per-task: Spark hands each unit a GPU, which the unit reads as its agent's device. No GPU here: a
 * discovery script announces two, which is all Spark's scheduler knows of them.
 */
class GpuResourceTest {
    @Test
    @org.junit.jupiter.api.Timeout(90)
    void eachUnitIsGivenAGpuNumberAsItsDevice(@TempDir Path dir) throws Exception {
        Path script = dir.resolve("gpus.sh");
        Files.writeString(script, "#!/bin/sh\necho '{\"name\": \"gpu\", \"addresses\": [\"0\", \"1\"]}'\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> conf = new java.util.HashMap<>(DistributedCollectTest.LOOPBACK);
        // the Worker offers the GPUs its discovery script finds, as `tdmpc2j cluster worker --gpus 2` sets it up
        conf.put("spark.worker.resource.gpu.amount", "2");
        conf.put("spark.worker.resource.gpu.discoveryScript", script.toString());
        Map<Integer, String> devices = new ConcurrentHashMap<>();
        UnitRunner.run(new ClusterSettings("local-cluster[1,1,1024]", false, 1, conf), "gpu", List.of(0, 1, 2, 3),
                unit -> UnitRunner.assignedGpu(), (i, unit, device) -> devices.put(unit, device));
        assertThat(devices).hasSize(4);
        assertThat(devices.values()).allSatisfy(d -> assertThat(d).isIn("gpu:0", "gpu:1"));
        assertThat(UnitRunner.assignedGpu()).as("outside a Spark task").isNull();
    }
}
