package io.github.tdmpc2j.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.tdmpc2j.agent.checkpoint.Checkpoint;
import io.github.tdmpc2j.spi.agent.CheckpointException;
import io.github.tdmpc2j.spi.agent.CheckpointFolder;
import io.github.tdmpc2j.spi.agent.Transition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path dir;

    static TdmpcAgent trained(Map<String, String> params) {
        TdmpcAgent agent = new TdmpcAgent(AgentTestSupport.single(5, 2, params));
        Random r = new Random(5);
        float[] obs = TdmpcAgentTest.randomObs(r, 5);
        for (int t = 0; t < 26; t++) {
            float[] a = agent.act(obs, 0, false);
            float[] next = TdmpcAgentTest.randomObs(r, 5);
            // two finished episodes of 13 steps (only finished episodes enter the buffer)
            agent.observe(new Transition(0, obs, a, 1.0, next, false, t % 13 == 12));
            obs = next;
        }
        return agent;
    }

    @Test
    void saveThenLoadRestoresWeightsOptimiserAndCounters() throws IOException {
        try (TdmpcAgent a = trained(TdmpcAgentTest.SMALL); TdmpcAgent b = new TdmpcAgent(
                AgentTestSupport.single(5, 2, TdmpcAgentTest.SMALL))) {
            a.save(dir);
            assertThat(dir.resolve(Checkpoint.TENSORS)).exists();
            assertThat(dir.resolve(CheckpointFolder.MANIFEST)).exists();
            assertThat(dir.resolve(Checkpoint.CONFIG)).exists();
            // created with the user's umask, as any new file, not owner-only
            // (the probe goes beside the checkpoint: a file inside it that the manifest does not name is refused)
            var umaskMode = Files.getPosixFilePermissions(Files.createFile(
                    dir.resolveSibling(dir.getFileName() + "-umask-probe")));
            for (String file : List.of(Checkpoint.TENSORS, Checkpoint.CONFIG)) {
                assertThat(Files.getPosixFilePermissions(dir.resolve(file))).as(file).isEqualTo(umaskMode);
            }
            b.load(dir);
            assertThat(b.steps()).isEqualTo(26);
            assertThat(dir.resolve(TdmpcAgent.BUFFER_FILE)).exists();
            assertThat(b.bufferSize()).isEqualTo(a.bufferSize()).isEqualTo(26);
            var before = a.sampleBuffer(new java.util.SplittableRandom(3));
            var after = b.sampleBuffer(new java.util.SplittableRandom(3));
            assertThat(after.obs()).containsExactly(before.obs());
            assertThat(after.action()).containsExactly(before.action());
            assertThat(after.reward()).containsExactly(before.reward());
            a.store().all().forEach((name, array) ->
                    assertThat(b.store().get(name).toFloatArray()).as(name).containsExactly(array.toFloatArray()));
            // training resumes: an update runs on the restored state once the buffer has data again
            Random r = new Random(6);
            float[] obs = TdmpcAgentTest.randomObs(r, 5);
            Map<String, Double> m = Map.of();
            for (int t = 0; t < 5; t++) {
                m = b.observe(new Transition(0, obs, b.act(obs, 0, false), 0.0, obs, false, false));
            }
            assertThat(m).containsKey("total_loss");
        }
    }

    /**
     * A checkpoint whose replay buffer file lacks a tensor (it passed the manifest's checksums, so it was written so)
     * is refused as the weights' damaged file is: one message naming the file and saying what to do, the buffer left
     * empty (it read as an IllegalArgumentException's text inside a second "cannot be read ... damaged" sentence).
     */
    @Test
    void aReplayBufferFileWithoutATensorIsADamagedCheckpoint() {
        try (TdmpcAgent a = trained(TdmpcAgentTest.SMALL); TdmpcAgent b = new TdmpcAgent(
                AgentTestSupport.single(5, 2, TdmpcAgentTest.SMALL))) {
            a.writeState(dir);
            Path file = dir.resolve(TdmpcAgent.BUFFER_FILE);
            Map<String, io.github.tdmpc2j.agent.checkpoint.SafeTensors.Tensor> tensors =
                    new java.util.LinkedHashMap<>(io.github.tdmpc2j.agent.checkpoint.SafeTensors.read(file,
                            new HashMap<>()));
            tensors.remove("task");
            io.github.tdmpc2j.agent.checkpoint.SafeTensors.write(file, tensors, Map.of());
            assertThatThrownBy(() -> b.readState(dir)).isInstanceOf(CheckpointException.class)
                    .hasMessage(file + " (the replay buffer) has no tensor 'task': the checkpoint is damaged; put "
                            + "back a copy of it, or use another checkpoint");
            assertThat(b.bufferSize()).isZero();
        }
    }

    static io.github.tdmpc2j.spi.agent.Episode recordedEpisode(Random r, int length) {
        float[][] obs = new float[length + 1][];
        float[][] act = new float[length][];
        for (int i = 0; i <= length; i++) {
            obs[i] = TdmpcAgentTest.randomObs(r, 5);
        }
        for (int i = 0; i < length; i++) {
            act[i] = new float[] {r.nextFloat() * 2 - 1, r.nextFloat() * 2 - 1};
        }
        return new io.github.tdmpc2j.spi.agent.Episode(0, obs, act, new float[length], false, new boolean[length]);
    }

    /**
     * An offline learner's checkpoint holds the model, not the recorded episodes (a copy of the dataset at every
     * save); reading one, or an older checkpoint that holds a buffer, keeps the episodes the agent was given again
     * (they replaced them, so episodes added to the dataset since the save were ignored).
     */
    @Test
    void recordedEpisodesStayOutOfTheCheckpointAndAreKeptOnLoad() throws IOException {
        Random r = new Random(11);
        Path online = dir.resolve("online");
        Path offline = dir.resolve("offline");
        try (TdmpcAgent withBuffer = trained(TdmpcAgentTest.SMALL);
                TdmpcAgent a = new TdmpcAgent(AgentTestSupport.single(5, 2, TdmpcAgentTest.SMALL))) {
            withBuffer.save(online);
            a.addEpisode(recordedEpisode(r, 30));
            a.addEpisode(recordedEpisode(r, 20));
            for (int i = 0; i < 3; i++) {
                a.update();
            }
            a.save(offline);
            assertThat(offline.resolve(TdmpcAgent.BUFFER_FILE)).doesNotExist();
            assertThat(online.resolve(TdmpcAgent.BUFFER_FILE)).exists();
            try (TdmpcAgent b = new TdmpcAgent(AgentTestSupport.single(5, 2, TdmpcAgentTest.SMALL));
                    TdmpcAgent c = new TdmpcAgent(AgentTestSupport.single(5, 2, TdmpcAgentTest.SMALL))) {
                // the dataset grew by one episode since the save: the resumed learner has all 62 steps
                b.addEpisode(recordedEpisode(new Random(11), 30));
                b.addEpisode(recordedEpisode(new Random(12), 20));
                b.addEpisode(recordedEpisode(new Random(13), 12));
                b.load(offline);
                assertThat(b.bufferSize()).isEqualTo(62);
                a.store().all().forEach((name, array) ->
                        assertThat(b.store().get(name).toFloatArray()).as(name).containsExactly(array.toFloatArray()));
                assertThat(b.update()).containsKey("total_loss");
                // a checkpoint that holds a buffer (26 steps) does not replace the recorded episodes
                c.addEpisode(recordedEpisode(r, 40));
                c.load(online);
                assertThat(c.bufferSize()).isEqualTo(40);
            }
            // without recorded episodes (eval, export, an online run), a checkpoint without a buffer loads too
            try (TdmpcAgent d = new TdmpcAgent(AgentTestSupport.single(5, 2, TdmpcAgentTest.SMALL))) {
                d.load(offline);
                assertThat(d.bufferSize()).isZero();
                assertThat(d.act(TdmpcAgentTest.randomObs(r, 5), 0, true)).hasSize(2);
            }
        }
    }

    /**
     * A model that learnt offline acts with its policy when it explores, as {@code collect --policy} has it act: its
     * agent observed no step, so it was still in the seed phase and collected the seed phase's random actions
     * (observation-blind draws), while the dataset recorded the checkpoint as its policy. An untrained checkpoint,
     * that of an online run saved in its seed phase, still acts at random: its resumed run goes on with the phase.
     */
    @Test
    void aModelTrainedOfflineExploresWithItsPolicyNotTheSeedPhasesRandomActions() {
        Random r = new Random(12);
        Path offline = dir.resolve("offline");
        Path untrained = dir.resolve("untrained");
        try (TdmpcAgent a = new TdmpcAgent(AgentTestSupport.single(5, 2, TdmpcAgentTest.SMALL))) {
            a.save(untrained);
            a.addEpisode(recordedEpisode(r, 30));
            for (int i = 0; i < 3; i++) {
                a.update();
            }
            a.save(offline);
        }
        float[] first = TdmpcAgentTest.randomObs(r, 5);
        float[] second = TdmpcAgentTest.randomObs(r, 5);
        // the same agent seed and episode seed, two observations: random draws ignore them, a policy does not
        assertThat(exploringAction(untrained, second)).as("seed phase").containsExactly(exploringAction(untrained,
                first));
        assertThat(exploringAction(offline, second)).as("trained offline").isNotEqualTo(exploringAction(offline,
                first));
    }

    /** The first exploring action of an agent (seed 1) that loaded {@code checkpoint}, on {@code observation}. */
    static float[] exploringAction(Path checkpoint, float[] observation) {
        try (TdmpcAgent agent = new TdmpcAgent(AgentTestSupport.single(5, 2, TdmpcAgentTest.SMALL))) {
            agent.load(checkpoint);
            agent.beginEpisode(0, 0, false, 1L);
            return agent.act(observation, 0, false);
        }
    }

    @Test
    void episodesInProgressAreNotSavedAndAWaitingCatchUpIsStillOwed() {
        Random r = new Random(8);
        try (TdmpcAgent a = new TdmpcAgent(AgentTestSupport.single(5, 2, TdmpcAgentTest.SMALL));
                TdmpcAgent b = new TdmpcAgent(AgentTestSupport.single(5, 2, TdmpcAgentTest.SMALL))) {
            // 26 steps of one episode that has not ended: past the 20 seed steps, but nothing to learn from yet
            for (int t = 0; t < 26; t++) {
                float[] obs = TdmpcAgentTest.randomObs(r, 5);
                a.observe(new Transition(0, obs, a.act(obs, 0, false), 1.0, obs, false, false));
            }
            assertThat(a.scheduledUpdates()).isZero();
            a.save(dir);
            b.load(dir);
            assertThat(b.steps()).isEqualTo(26);
            assertThat(b.bufferSize()).as("the episode in progress was not saved").isZero();
            // a new 4-step episode ends: the 20 catch-up updates, one for each of steps 21-30, run then
            for (int t = 0; t < 4; t++) {
                float[] obs = TdmpcAgentTest.randomObs(r, 5);
                b.observe(new Transition(0, obs, b.act(obs, 0, false), 1.0, obs, false, t == 3));
            }
            assertThat(b.bufferSize()).isEqualTo(4);
            assertThat(b.scheduledUpdates()).isEqualTo(30);
        }
    }

    @Test
    void otherSizesAndTaskSetsAreRefusedClearly() {
        try (TdmpcAgent a = trained(TdmpcAgentTest.SMALL)) {
            a.save(dir);
        }
        Map<String, String> bigger = new HashMap<>(TdmpcAgentTest.SMALL);
        bigger.put("latent_dim", "64");
        try (TdmpcAgent other = new TdmpcAgent(AgentTestSupport.single(5, 2, bigger))) {
            assertThatThrownBy(() -> other.load(dir)).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("latent_dim=32");
        }
        // the same task, grown since (its plug-in changed): said so, not "made for [test/task] but is for [test/task]"
        try (TdmpcAgent other = new TdmpcAgent(AgentTestSupport.single(6, 2, TdmpcAgentTest.SMALL))) {
            assertThatThrownBy(() -> other.load(dir)).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("was made for test/task with observations of 5 values and actions of 2 "
                            + "entries (the largest task's), but these tasks now have 6 and 2 (test/task now has "
                            + "observations of 6 values): a task's plug-in has changed its sizes since the checkpoint "
                            + "was saved; load it with the plug-in version it was trained with");
        }
        try (TdmpcAgent other = new TdmpcAgent(new io.github.tdmpc2j.spi.agent.AgentContext(
                java.util.List.of(AgentTestSupport.spec("test/other", 5, 2, 100, false)), 5, 2,
                java.util.List.of(new float[] {1, 1}), TdmpcAgentTest.SMALL, 7L))) {
            assertThatThrownBy(() -> other.load(dir)).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("made for tasks [test/task] (obs 5, action 2) but this agent is for "
                            + "[test/other]");
        }
    }

    @Test
    void truncatedOrCorruptFilesFailClearly() throws IOException {
        try (TdmpcAgent a = trained(TdmpcAgentTest.SMALL)) {
            a.save(dir);
            Path file = dir.resolve(Checkpoint.TENSORS);
            byte[] all = Files.readAllBytes(file);
            Files.write(file, java.util.Arrays.copyOf(all, all.length / 2));
            assertThatThrownBy(() -> a.load(dir)).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("does not match the checksum");
            // the file format's own checks, below the manifest
            assertThatThrownBy(() -> a.readState(dir)).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("truncated");
            Files.write(file, new byte[] {1, 2, 3});
            assertThatThrownBy(() -> a.readState(dir)).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(file + " is not a usable safetensors file: it has 3 bytes, fewer than the "
                            + "8-byte header length").hasMessageContaining("save the checkpoint again");
            byte[] garbage = all.clone();
            for (int i = 8; i < 40; i++) {
                garbage[i] = '#';
            }
            Files.write(file, garbage);
            assertThatThrownBy(() -> a.readState(dir)).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("JSON");
            Files.writeString(dir.resolve(Checkpoint.CONFIG), "{not json", StandardCharsets.UTF_8);
            assertThatThrownBy(() -> a.readState(dir)).isInstanceOf(CheckpointException.class)
                    .hasMessageStartingWith(dir.resolve(Checkpoint.CONFIG) + " is not readable JSON")
                    .hasMessageEndingWith("the checkpoint is damaged");
            assertThatThrownBy(() -> a.load(dir.resolve("missing"))).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("no checkpoint folder");
        }
    }

    @Test
    void aBitFlipInTheWeightsIsRefused() throws IOException {
        try (TdmpcAgent a = trained(TdmpcAgentTest.SMALL); TdmpcAgent b = new TdmpcAgent(
                AgentTestSupport.single(5, 2, TdmpcAgentTest.SMALL))) {
            a.save(dir);
            Path file = dir.resolve(Checkpoint.TENSORS);
            byte[] all = Files.readAllBytes(file);
            all[all.length - 4001] ^= 0x04;   // a bit of one float in the data section: still a well-formed file
            Files.write(file, all);
            assertThatThrownBy(() -> b.load(dir)).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(file + " does not match the checksum")
                    .hasMessageContaining("use another checkpoint");
            assertThat(b.steps()).as("nothing was loaded").isZero();
            // what loading did before checkpoints had checksums: the file format alone takes the flipped bit
            b.readState(dir);
            assertThat(b.store().all().keySet()).anyMatch(name -> !java.util.Arrays.equals(
                    b.store().get(name).toFloatArray(), a.store().get(name).toFloatArray()));
        }
    }

    @Test
    void theCheckpointRecordsTheSettingsThatMakeAnAgentToLoadIt() {
        try (TdmpcAgent a = trained(TdmpcAgentTest.SMALL)) {
            a.save(dir);
        }
        Map<String, String> params = new TdmpcAgentProvider().checkpointParams(dir);
        assertThat(params).containsEntry("preset", "cpu").containsEntry("model_size", "1")
                .containsEntry("latent_dim", "32").containsEntry("batch_size", "16").doesNotContainKey("device");
        try (TdmpcAgent plain = new TdmpcAgent(AgentTestSupport.single(5, 2, Map.of()))) {
            assertThatThrownBy(() -> plain.load(dir)).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("model_size=1");
        }
        try (TdmpcAgent rebuilt = new TdmpcAgent(AgentTestSupport.single(5, 2, params))) {
            rebuilt.load(dir);
            assertThat(rebuilt.steps()).isEqualTo(26);
            assertThat(rebuilt.config()).isEqualTo(TdmpcConfig.from(TdmpcAgentTest.SMALL));
        }
    }

    @Test
    void pythonReadsTheFileWithoutOurCode() throws Exception {
        try (TdmpcAgent a = trained(TdmpcAgentTest.SMALL)) {
            a.save(dir);
            Path script = dir.resolve("read.py");
            // the safetensors layout, read with the standard library only: u64 length, JSON header, f32 data
            Files.writeString(script, String.join("\n",
                    "import json, struct, sys",
                    "b = open(sys.argv[1], 'rb').read()",
                    "n = struct.unpack('<Q', b[:8])[0]",
                    "h = json.loads(b[8:8 + n])",
                    "t = h['encoder.0.weight']",
                    "s, e = t['data_offsets']",
                    "v = struct.unpack('<%df' % ((e - s) // 4), b[8 + n + s:8 + n + e])",
                    "print(t['dtype'], t['shape'], h['__metadata__']['steps'], '%.6f' % v[0])", ""));
            Process p;
            try {
                p = new ProcessBuilder("python3", script.toString(), dir.resolve(Checkpoint.TENSORS).toString())
                        .redirectErrorStream(true).start();
            } catch (IOException e) {
                System.out.println("skipping the Python read-back: no python3 on PATH (" + e.getMessage() + ")");
                assumeTrue(false, "python3 missing");
                return;
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertThat(p.waitFor()).as(out).isZero();
            float first = a.store().get("encoder.0.weight").toFloatArray()[0];
            assertThat(out).isEqualTo(String.format("F32 [5, 64] 26 %.6f", first));
        }
    }
}
