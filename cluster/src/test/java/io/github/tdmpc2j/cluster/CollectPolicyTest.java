package io.github.tdmpc2j.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.data.Collector;
import io.github.tdmpc2j.data.DatasetPolicy;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.agent.CheckpointException;
import io.github.tdmpc2j.spi.agent.CheckpointFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint policy's agent reads the checkpoint its collection records, verified and whole. */
class CollectPolicyTest {
    private static final List<String> TASKS = List.of("dmc/cartpole-balance");

    private static void save(Path target, long step) {
        CheckpointFolder.write(target, step, dir -> Files.writeString(dir.resolve("random-agent.properties"),
                "agent=random\nsteps=" + step + "\n"));
    }

    /**
     * A run that trains replaces its checkpoint at every save: an agent made after a save that came since the
     * collection recorded the checkpoint is refused (it would write another policy's episodes into the dataset),
     * and a checkpoint damaged in place is refused by its checksum; the one recorded loads.
     */
    @Test
    void theAgentReadsTheRecordedCheckpointVerifiedAndRefusesALaterSave(@TempDir Path dir) throws Exception {
        Path checkpoint = dir.resolve("run").resolve("checkpoint");
        save(checkpoint, 100);
        CollectPolicy policy = new CollectPolicy("random", checkpoint.toString(), Map.of());
        try (EnvRegistry registry = EnvRegistry.discover()) {
            Collector collector = new Collector(registry, TASKS,
                    DatasetPolicy.checkpoint(checkpoint, CheckpointFolder.open(checkpoint)));
            try (Agent agent = policy.create(collector, 1)) {
                assertThat(agent.steps()).isEqualTo(100);
            }

            save(checkpoint, 200); // the run's next save
            assertThatThrownBy(() -> policy.create(collector, 1)).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("the checkpoint " + checkpoint + " is no longer the one this collection "
                            + "records (the checkpoint " + checkpoint.toAbsolutePath() + " (step 100))")
                    .hasMessageContaining("saved another (step 200)").hasMessageContaining("Collect from a copy");

            Collector later = new Collector(registry, TASKS,
                    DatasetPolicy.checkpoint(checkpoint, CheckpointFolder.open(checkpoint)));
            Files.writeString(checkpoint.resolve("random-agent.properties"), "agent=random\nsteps=300\n");
            assertThatThrownBy(() -> policy.create(later, 1)).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("does not match the checksum");
        }
    }
}
