package io.github.tdmpc2j.agent.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.agent.ConfigException;
import io.github.tdmpc2j.agent.TdmpcAgent;
import io.github.tdmpc2j.agent.checkpoint.Checkpoint;
import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.SuccessMetric;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.CheckpointException;
import io.github.tdmpc2j.spi.agent.CheckpointFolder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferenceImportTest {
    @TempDir
    Path tmp;

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(ReferenceImportTest.class.getResource("/reference/" + name).toURI());
    }

    static TaskSpec spec(String id, int obs, int act) {
        return new TaskSpec(id, List.of(), Box.unbounded(obs), Box.of(act, -1f, 1f), 500, 2, SuccessMetric.RETURN,
                false);
    }

    /** A zip laid out as torch.save writes one, holding the given pickle. */
    private Path archive(String name, byte[] pickle) throws IOException {
        Path file = tmp.resolve(name + ".pt");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry(name + "/data.pkl"));
            zip.write(pickle);
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(name + "/version"));
            zip.write("3\n".getBytes(StandardCharsets.US_ASCII));
            zip.closeEntry();
        }
        return file;
    }

    private static void unicode(OutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write('X');
        out.write(new byte[] {(byte) b.length, (byte) (b.length >> 8), (byte) (b.length >> 16), (byte) (b.length >> 24)});
        out.write(b);
    }

    @Test
    void aPickleThatWouldRunACommandIsRefusedAndRunsNothing() throws IOException {
        Path marker = tmp.resolve("pwned");
        // {"model": os.system("touch <marker>")}, as pickle protocol 2 writes it (the GLOBAL names posix.system)
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(new byte[] {(byte) 0x80, 2, '}'});
        unicode(p, "model");
        p.write("cposix\nsystem\n".getBytes(StandardCharsets.US_ASCII));
        unicode(p, "touch " + marker);
        p.write(new byte[] {(byte) 0x85, 'R', 's', '.'});
        Path file = archive("evil", p.toByteArray());
        assertThatThrownBy(() -> ReferenceCheckpoint.read(file)).isInstanceOf(UnsafeCheckpointException.class)
                .hasMessageContaining("posix.system").hasMessageContaining("nothing from the file was run");
        assertThat(marker).doesNotExist();

        // protocol 4's STACK_GLOBAL naming builtins.eval, hidden inside a tensor rebuild's arguments
        ByteArrayOutputStream q = new ByteArrayOutputStream();
        q.write(new byte[] {(byte) 0x80, 4, '}'});
        unicode(q, "model");
        q.write(new byte[] {(byte) 0x8c, 8});
        q.write("builtins".getBytes(StandardCharsets.US_ASCII));
        q.write(new byte[] {(byte) 0x8c, 4});
        q.write("eval".getBytes(StandardCharsets.US_ASCII));
        q.write(new byte[] {(byte) 0x93});
        unicode(q, "__import__('os').system('touch " + marker + "')");
        q.write(new byte[] {(byte) 0x85, 'R', 's', '.'});
        Path file2 = archive("evil2", q.toByteArray());
        assertThatThrownBy(() -> ReferenceCheckpoint.read(file2)).isInstanceOf(UnsafeCheckpointException.class)
                .hasMessageContaining("builtins.eval");
        assertThat(marker).doesNotExist();
    }

    @Test
    void theInertGlobalsOfAStateDictAreRead() throws IOException {
        // {"model": OrderedDict(a=torch.Size((2, 3)), b=torch.device("cuda", 0), c=[1.5, True, None, -7])}
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(new byte[] {(byte) 0x80, 2, '}'});
        unicode(p, "model");
        p.write("ccollections\nOrderedDict\n)R".getBytes(StandardCharsets.US_ASCII));
        unicode(p, "a");
        p.write("ctorch\nSize\n".getBytes(StandardCharsets.US_ASCII));
        p.write(new byte[] {'K', 2, 'K', 3, (byte) 0x86, (byte) 0x85, 'R', 's'});
        unicode(p, "b");
        p.write("ctorch\ndevice\n".getBytes(StandardCharsets.US_ASCII));
        unicode(p, "cuda");
        p.write(new byte[] {'K', 0, (byte) 0x86, 'R', 's'});
        unicode(p, "c");
        p.write(new byte[] {']', '(', 'G', 0x3f, (byte) 0xf8, 0, 0, 0, 0, 0, 0, (byte) 0x88, 'N', 'J', (byte) 0xf9,
            (byte) 0xff, (byte) 0xff, (byte) 0xff, 'e', 's', 's', '.'});
        Object top = TorchArchive.read(archive("inert", p.toByteArray()));
        assertThat(top).isEqualTo(Map.of("model", Map.of("a", List.of(2L, 3L), "b", "cuda:0",
                "c", Arrays.asList(1.5, true, null, -7L))));
    }

    @Test
    void aTruncatedFileFailsWithACheckpointException() throws Exception {
        byte[] whole = Files.readAllBytes(fixture("st-1M.pt"));
        for (int length : new int[] {0, 100, whole.length / 2, whole.length - 30}) {
            Path cut = tmp.resolve("cut-" + length + ".pt");
            Files.write(cut, Arrays.copyOf(whole, length));
            assertThatThrownBy(() -> ReferenceCheckpoint.read(cut)).as("cut at " + length)
                    .isInstanceOf(CheckpointException.class).hasMessageContaining(cut.toString());
        }
        // a complete zip whose pickle stops half way
        byte[] pickle = Arrays.copyOf("\u0080\u0002}q\u0000X\u0005\u0000\u0000\u0000mo".getBytes(
                StandardCharsets.ISO_8859_1), 12);
        Path half = archive("half", pickle);
        assertThatThrownBy(() -> ReferenceCheckpoint.read(half)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("ends early");
        assertThatThrownBy(() -> ReferenceCheckpoint.read(tmp.resolve("missing.pt")))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("no file");
    }

    @Test
    void settingsAreInferredFromTheShapes() throws Exception {
        ReferenceCheckpoint st = ReferenceCheckpoint.read(fixture("st-1M.pt"));
        assertThat(st.oldLayout()).isFalse();
        assertThat(st.taskCount()).isEqualTo(1);
        assertThat(st.observationSize()).isEqualTo(24);
        assertThat(st.actionSize()).isEqualTo(6);
        assertThat(st.params()).containsEntry("model_size", "1").containsEntry("latent_dim", "128")
                .containsEntry("mlp_dim", "384").containsEntry("num_q", "2").containsEntry("log_std_min", "-10")
                .containsEntry("log_std_max", "2").doesNotContainKey("task_dim");
        ReferenceCheckpoint mt = ReferenceCheckpoint.read(fixture("mt-1M.pt"));
        assertThat(mt.oldLayout()).isTrue();
        assertThat(mt.taskCount()).isEqualTo(3);
        assertThat(mt.observationSize()).isEqualTo(17);
        assertThat(mt.actionSize()).isEqualTo(6);
        assertThat(mt.params()).containsEntry("task_dim", "96").containsEntry("enc_dim", "256");
        // the old layout's flat numbering lands on the same names as the current layout
        assertThat(mt.tensors().keySet()).containsAll(st.tensors().keySet());
        assertThat(mt.tensors().get("qs.2.weight").shape()).containsExactly(2, 384, 101);
        assertThat(mt.tensors().get("qs.0.bias").shape()).containsExactly(2, 1, 384);
    }

    @Test
    void anImportedCheckpointLoadsIntoTheAgentAndActs() throws Exception {
        ReferenceCheckpoint mt = ReferenceCheckpoint.read(fixture("mt-1M.pt"));
        List<TaskSpec> tasks = List.of(spec("dmc/cartpole-balance", 5, 1), spec("dmc/reacher-easy", 6, 2),
                spec("dmc/cheetah-run", 17, 6));
        Path out = tmp.resolve("imported");
        AgentContext context = ReferenceImport.write(mt, tasks, Map.of("num_samples", "16", "num_elites", "4",
                "num_pi_trajs", "2", "iterations", "1"), out, "mt-1M.pt");
        CheckpointFolder.Manifest saved = CheckpointFolder.open(out);
        Map<String, String> params = Checkpoint.savedParams(saved.dir());
        assertThat(params).containsEntry("task_dim", "96").containsEntry("latent_dim", "128");
        assertThat(params).containsEntry("num_samples", "16").containsEntry("iterations", "1");
        try (TdmpcAgent agent = new TdmpcAgent(new AgentContext(tasks, 17, 6, context.actionMasks(), params, 3))) {
            agent.readState(saved.dir());
            agent.beginEpisode(0, 0, true, 0);
            float[] action = agent.act(new float[17], 0, true);
            assertThat(action).hasSize(6);
            for (int i = 1; i < 6; i++) {
                assertThat(Math.abs(action[i])).as("padding entry %d (cartpole uses one)", i).isZero();
            }
            assertThat(action[0]).isBetween(-1f, 1f).isNotZero();
        }

        // the wrong tasks: sizes, order and count are checked before anything is written
        // (the order itself is checkable only against a file with _action_masks; the released, older layout
        // has none, so sets must come in the reference's order, as mt30 and mt80 do here)
        assertThatThrownBy(() -> ReferenceImport.write(mt, List.of(tasks.get(0), tasks.get(1)),
                Map.of(), tmp.resolve("x"), "mt-1M.pt")).isInstanceOf(CheckpointException.class).hasMessageContaining("2 task(s)");
        assertThatThrownBy(() -> ReferenceImport.write(mt, List.of(tasks.get(2)), Map.of(), tmp.resolve("y"),
                "mt-1M.pt"))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("multitask model of 3 tasks");
        ReferenceCheckpoint st = ReferenceCheckpoint.read(fixture("st-1M.pt"));
        assertThatThrownBy(() -> ReferenceImport.write(st, List.of(spec("dmc/cheetah-run", 17, 6)), Map.of(),
                tmp.resolve("z"), "st-1M.pt")).isInstanceOf(CheckpointException.class).hasMessageContaining("observations of 24");
        assertThatThrownBy(() -> ReferenceImport.write(st, List.of(spec("dmc/walker-walk", 24, 6)),
                Map.of("latent_dim", "512"), tmp.resolve("w"), "st-1M.pt")).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("latent_dim=128");
        assertThatThrownBy(() -> ReferenceImport.write(st, List.of(spec("dmc/walker-walk", 24, 6)),
                Map.of("num_samples", "8"), tmp.resolve("v"), "st-1M.pt")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("num_pi_trajs");
        assertThat(tmp.resolve("v")).doesNotExist();
        assertThat(tmp.resolve("x")).doesNotExist();
    }
}
