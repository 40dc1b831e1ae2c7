package io.github.tdmpc2j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdmpc2j.data.DatasetReader;
import io.github.tdmpc2j.spi.agent.CheckpointFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands that read a checkpoint make the agent from the checkpoint's own settings. */
class CheckpointCommandsTest {
    @Test
    void evalCollectAndResumeReadACpuPresetCheckpoint(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        // the cpu preset with a smaller network, a short seed phase, few updates and acting by the policy prior
        // alone (no planning), to keep the test short: every one of these settings must reach eval and collect
        TasksCommandTest.Run train = TasksCommandTest.run("train", "--task", "pendulum-v1", "--preset", "cpu",
                "--steps", "200", "--eval-every", "200", "--eval-episodes", "1", "--out", run.toString(),
                "--progress", "log", "--set-param", "seed_steps=20", "--set-param", "update_every=5",
                "--set-param", "batch_size=16", "--set-param", "mpc=false", "--set-param", "mlp_dim=64",
                "--set-param", "enc_dim=64", "--set-param", "latent_dim=32");
        assertThat(train.exit()).as(train.err()).isZero();
        Path checkpoint = run.resolve("checkpoint");
        assertThat(CheckpointFolder.open(checkpoint).step()).isEqualTo(200);

        // no --preset, no --set-param: the default agent (paper, 5M) could not load it
        TasksCommandTest.Run eval = TasksCommandTest.run("eval", "--checkpoint", checkpoint.toString(), "--task",
                "pendulum-v1", "--episodes", "1");
        assertThat(eval.exit()).as(eval.err()).isZero();
        assertThat(eval.out()).containsPattern("classic/pendulum\\s+1\\s+-\\d+\\.\\d\\s+-");
        assertThat(run.resolve("eval-results.csv")).exists();
        assertThat(CheckpointFolder.open(checkpoint).step()).as("eval leaves the checkpoint as it was").isEqualTo(200);

        TasksCommandTest.Run collect = TasksCommandTest.run("collect", "--tasks", "pendulum-v1", "--episodes", "1",
                "--policy", checkpoint.toString(), "--out", dir.resolve("data").toString(), "--workers", "1");
        assertThat(collect.exit()).as(collect.err()).isZero();
        assertThat(collect.out()).contains("1 episode written");
        assertThat(new DatasetReader(dir.resolve("data")).readAll()).hasSize(1);

        TasksCommandTest.Run otherPreset = TasksCommandTest.run("train", "--task", "pendulum-v1", "--preset",
                "paper", "--out", run.toString(), "--resume", "--progress", "log");
        assertThat(otherPreset.exit()).isNotZero();
        assertThat(otherPreset.err()).contains("was trained with preset=cpu, not paper")
                .contains("leave out the preset option");

        TasksCommandTest.Run resumed = TasksCommandTest.run("train", "--task", "pendulum-v1", "--steps", "400",
                "--out", run.toString(), "--resume", "--progress", "log");
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.out()).contains("resuming").contains("at step 200").contains("done: 400 steps");
        assertThat(Files.readString(run.resolve("config.yaml"))).contains("preset: cpu").contains("latent_dim: 32")
                .contains("mpc: false");
    }

    @Test
    void aDamagedCheckpointIsRefusedByEval(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        TasksCommandTest.Run train = TasksCommandTest.run("train", "--task", "pendulum-v1", "--agent", "random",
                "--steps", "200", "--eval-every", "200", "--eval-episodes", "1", "--out", run.toString(),
                "--progress", "log");
        assertThat(train.exit()).as(train.err()).isZero();
        Path file = run.resolve("checkpoint").resolve("random-agent.properties");
        Files.writeString(file, Files.readString(file).replace("steps=200", "steps=900"));
        TasksCommandTest.Run eval = TasksCommandTest.run("eval", "--checkpoint", run.resolve("checkpoint").toString(),
                "--task", "pendulum-v1", "--agent", "random", "--episodes", "1");
        assertThat(eval.exit()).isEqualTo(2);
        assertThat(eval.err()).contains("does not match the checksum");
    }
}
