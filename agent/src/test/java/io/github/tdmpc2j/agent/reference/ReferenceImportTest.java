package io.github.tdmpc2j.agent.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.agent.ConfigException;
import io.github.tdmpc2j.agent.TdmpcAgent;
import io.github.tdmpc2j.agent.checkpoint.Checkpoint;
import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.GivingUp;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
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
        return archive(name, pickle, Map.of());
    }

    /** A zip laid out as torch.save writes one, holding the given pickle and storages (data/KEY). */
    private Path archive(String name, byte[] pickle, Map<String, byte[]> storages) throws IOException {
        Path file = tmp.resolve(name + ".pt");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry(name + "/data.pkl"));
            zip.write(pickle);
            zip.closeEntry();
            for (Map.Entry<String, byte[]> e : storages.entrySet()) {
                zip.putNextEntry(new ZipEntry(name + "/data/" + e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
            zip.putNextEntry(new ZipEntry(name + "/version"));
            zip.write("3\n".getBytes(StandardCharsets.US_ASCII));
            zip.closeEntry();
        }
        return file;
    }

    /** The start of a pickle (protocol 2) of {@code {"model": ...}}: what follows is the value of "model". */
    private static ByteArrayOutputStream modelPickle() throws IOException {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(new byte[] {(byte) 0x80, 2, '}'});
        unicode(p, "model");
        return p;
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
        ByteArrayOutputStream p = modelPickle();
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
        ByteArrayOutputStream p = modelPickle();
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
        assertThatThrownBy(() -> ReferenceCheckpoint.read(tmp)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(tmp + " is a folder").hasMessageContaining("needs no import");
    }

    private static void long8(OutputStream out, long v) throws IOException {
        out.write(0x8a); // LONG1 of 8 bytes
        out.write(8);
        for (int i = 0; i < 8; i++) {
            out.write((int) (v >>> (8 * i)));
        }
    }

    /** {"model": {"w": _rebuild_tensor_v2(FloatStorage "0" of {@code elements}, 0, shape, stride, ...)}}. */
    private static byte[] oneTensor(long elements, long[] shape, long[] stride) throws IOException {
        ByteArrayOutputStream p = modelPickle();
        p.write('}');
        unicode(p, "w");
        p.write("ctorch._utils\n_rebuild_tensor_v2\n((".getBytes(StandardCharsets.US_ASCII));
        unicode(p, "storage");
        p.write("ctorch\nFloatStorage\n".getBytes(StandardCharsets.US_ASCII));
        unicode(p, "0");
        unicode(p, "cpu");
        long8(p, elements);
        p.write(new byte[] {'t', 'Q', 'K', 0, '('});
        for (long d : shape) {
            long8(p, d);
        }
        p.write(new byte[] {'t', '('});
        for (long d : stride) {
            long8(p, d);
        }
        p.write(new byte[] {'t', (byte) 0x89});
        p.write("ccollections\nOrderedDict\n)RtRss.".getBytes(StandardCharsets.US_ASCII));
        return p.toByteArray();
    }

    /**
     * A corrupt or hostile pickle is a CheckpointException that names the file: never a StackOverflowError (a dict
     * key that contains itself, or is nested 100,000 deep, would overflow hashing it; a value printed in a message
     * likewise), an overflowing size, or a Java exception of the reader's own.
     */
    @Test
    void aHostilePickleIsAMessageNotAStackOverflowOrACrash() throws Exception {
        // {"model": {L: 1}} with L = [L]
        ByteArrayOutputStream cyclic = modelPickle();
        cyclic.write(new byte[] {'}', ']', 'q', 0, 'h', 0, 'a', 'K', 1, 's', 's', '.'});
        Path cyclicKey = archive("cyclic", cyclic.toByteArray());
        assertThatThrownBy(() -> ReferenceCheckpoint.read(cyclicKey)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(cyclicKey.toString()).hasMessageContaining("a dict key that is a list");
        // {"model": {((((...)))): 1}}, 100,000 tuples deep
        ByteArrayOutputStream deep = modelPickle();
        deep.write(new byte[] {'}', ')'});
        deep.write(new byte[100_000]);
        byte[] nested = deep.toByteArray();
        Arrays.fill(nested, nested.length - 100_000, nested.length, (byte) 0x85);
        ByteArrayOutputStream deepKey = new ByteArrayOutputStream();
        deepKey.write(nested);
        deepKey.write(new byte[] {'K', 1, 's', 's', '.'});
        Path deepFile = archive("deep", deepKey.toByteArray());
        assertThatThrownBy(() -> ReferenceCheckpoint.read(deepFile)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("a dict key that is a list or tuple of 1 item");
        // a call of A = [B], B = [A], refused: the message describes it without printing it
        ByteArrayOutputStream call = modelPickle();
        call.write(new byte[] {']', 'q', 0, ']', 'q', 1, 'h', 0, 'a', 'a', 'h', 0, 'K', 5, 'R', 's', '.'});
        Path callFile = archive("call", call.toByteArray());
        assertThatThrownBy(() -> ReferenceCheckpoint.read(callFile)).isInstanceOf(UnsafeCheckpointException.class)
                .hasMessageContaining("a call of a list or tuple of 1 item");
        // torch.Size(5), not of a tuple; _rebuild_parameter of nothing; a tuple that holds None reads
        ByteArrayOutputStream size = modelPickle();
        size.write("ctorch\nSize\nK\u0005\u0085Rs.".getBytes(StandardCharsets.ISO_8859_1));
        Path sizeFile = archive("size", size.toByteArray());
        assertThatThrownBy(() -> ReferenceCheckpoint.read(sizeFile)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining(sizeFile.toString()).hasMessageContaining("not a tuple but 5");
        ByteArrayOutputStream param = modelPickle();
        param.write("ctorch._utils\n_rebuild_parameter\n)Rs.".getBytes(StandardCharsets.US_ASCII));
        Path paramFile = archive("param", param.toByteArray());
        assertThatThrownBy(() -> ReferenceCheckpoint.read(paramFile)).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("_rebuild_parameter got no arguments");
        ByteArrayOutputStream none = modelPickle();
        none.write(new byte[] {'(', 'N', 'K', 1, 't', 's', '.'});
        assertThat(TorchArchive.read(archive("none", none.toByteArray())))
                .isEqualTo(Map.of("model", Arrays.asList(null, 1L)));

        // sizes whose products overflow a long, or name more than the storage holds, before anything is allocated
        Map<String, byte[]> sixteenBytes = Map.of("0", new byte[16]);
        for (long[][] t : new long[][][] {
            {{1L << 62}, {1L << 32, 1L << 32}, {1L << 32, 1}}, // 2^64 elements: 0 as a long
            {{4}, {4, 1L << 62}, {1L << 62, 1}},
            {{1L << 61}, {4, 1L << 60}, {1L << 60, 1}},
            {{4}, {2, 3}, {3, 1}}}) {
            Path file = archive("sizes", oneTensor(t[0][0], t[1], t[2]), sixteenBytes);
            assertThatThrownBy(() -> TorchArchive.read(file)).as(Arrays.deepToString(t))
                    .isInstanceOf(CheckpointException.class).hasMessageContaining(file.toString())
                    .hasMessageContaining("damaged");
        }
        Path fits = archive("fits", oneTensor(4, new long[] {2, 2}, new long[] {2, 1}), sixteenBytes);
        assertThat(((Map<?, ?>) ((Map<?, ?>) TorchArchive.read(fits)).get("model")).get("w"))
                .hasToString("FLOAT32[2, 2]");
    }

    /**
     * The reference's dataset chunks (TensorDicts saved by torch.save, in the pickles of tensordict 0.2.1 and
     * 0.8.3, made by the real library: README.md here) read as data, a slice at a time; the checkpoint reader still
     * refuses them, and the data reader refuses any other object as the checkpoint reader does.
     */
    @Test
    void tensorDictChunksReadAsDataOnly() throws Exception {
        for (String chunk : List.of("data-mt30-td0.2.1.pt", "data-mt80-td0.8.3.pt")) {
            assertThatThrownBy(() -> ReferenceCheckpoint.read(fixture(chunk))).isInstanceOf(CheckpointException.class)
                    .isNotInstanceOf(UnsafeCheckpointException.class)
                    .hasMessageContaining(chunk + ": it holds a TensorDict, not a model's state dict")
                    .hasMessageContaining("`tdmpc2j import-data`");
        }
        try (TorchArchive.Opened old = TorchArchive.open(fixture("data-mt30-td0.2.1.pt"));
                TorchArchive.Opened pinned = TorchArchive.open(fixture("data-mt80-td0.8.3.pt"))) {
            TorchTensorDict a = (TorchTensorDict) old.top();
            TorchTensorDict b = (TorchTensorDict) pinned.top();
            assertThat(a.batchSize()).containsExactly(3L, 501L);
            assertThat(b.batchSize()).containsExactly(4L, 101L);
            assertThat(a.fields().keySet()).containsExactly("obs", "action", "reward", "task");
            assertThat(b.fields().keySet()).containsExactly("obs", "action", "reward", "task");
            assertThat(a.fields().get("obs")).hasToString("FLOAT32[3, 501, 24]");
            assertThat(b.fields().get("task")).hasToString("INT64[4, 101]");
            float[] task = ((TorchTensor) b.fields().get("task")).slice(2);
            assertThat(task).hasSize(101).containsOnly(79f);
            // cartpole-balance's 5 observation values, zero-padded to 24, at every step
            float[] obs = ((TorchTensor) a.fields().get("obs")).slice(1);
            assertThat(obs).hasSize(501 * 24);
            for (int i = 0; i < 501; i++) {
                assertThat(Arrays.copyOfRange(obs, i * 24 + 5, i * 24 + 24)).containsOnly(0f);
                assertThat(Arrays.copyOfRange(obs, i * 24, i * 24 + 5)).isNotEqualTo(new float[5]);
            }
            assertThat(((TorchTensor) b.fields().get("action")).slice(3)[0]).isNaN();
        }

        for (String[] hostile : new String[][] {
            {"cos\nsystem\n(S'true'\ntR.", "the global os.system, which a TensorDict of tensors never names"},
            {"ctensordict._reductions\n_make_td\n)\u0081.", "an object of tensordict._reductions._make_td"},
            {"ctensordict._reductions\n_make_td\n(ctorch\nSize\n}tR.", "_make_td of torch.Size, not of a TensorDict"},
            {"c__builtin__\nset\n(}tR.", "set() of a dict"}}) {
            Path file = archive("hostile", hostile[0].getBytes(StandardCharsets.ISO_8859_1));
            assertThatThrownBy(() -> TorchArchive.open(file)).as(hostile[0])
                    .isInstanceOf(UnsafeCheckpointException.class).hasMessageContaining(hostile[1])
                    .hasMessageContaining("nothing from the file was run")
                    .hasMessageContaining("re-save its tensors as a plain dict");
        }
    }

    /** An array the heap has no room for is refused before it is made, with the option that gives more. */
    @Test
    void aModelLargerThanTheHeapIsAMessageNotAnOutOfMemoryError() {
        assertThatThrownBy(() -> TorchArchive.ensureMemory(Runtime.getRuntime().maxMemory() + 1, "big.pt",
                "storage data/0")).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("big.pt: storage data/0 needs").hasMessageContaining("TDMPC2J_JAVA_OPTS=-Xmx");
        TorchArchive.ensureMemory(1 << 20, "small.pt", "storage data/0");
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
        // exploring (collect --policy), the reference's model acts with its policy, not the seed phase's random
        // actions of an agent yet to learn (its step count is 0): two observations, the same draws, other actions
        float[][] exploring = new float[2][];
        for (int k = 0; k < 2; k++) {
            try (TdmpcAgent agent = new TdmpcAgent(new AgentContext(tasks, 17, 6, context.actionMasks(), params, 3))) {
                agent.readState(saved.dir());
                agent.beginEpisode(0, 0, false, 1L);
                float[] obs = new float[17];
                java.util.Arrays.fill(obs, 0, 5, k == 0 ? -1f : 1f);
                exploring[k] = agent.act(obs, 0, false);
            }
        }
        assertThat(exploring[1]).isNotEqualTo(exploring[0]);

        // the wrong tasks: sizes, order and count are checked before anything is written
        // (the order itself is checkable only against a file with _action_masks; the released, older layout
        // has none, so sets must come in the reference's order, as mt30 and mt80 do here)
        assertThatThrownBy(() -> ReferenceImport.write(mt, List.of(tasks.get(0), tasks.get(1)),
                Map.of(), tmp.resolve("x"), "mt-1M.pt")).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("but 2 tasks were given");
        assertThatThrownBy(() -> ReferenceImport.write(mt, List.of(tasks.get(2)), Map.of(), tmp.resolve("y"),
                "mt-1M.pt"))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("multitask model of 3 tasks");
        ReferenceCheckpoint st = ReferenceCheckpoint.read(fixture("st-1M.pt"));
        assertThatThrownBy(() -> ReferenceImport.write(st, List.of(spec("dmc/cheetah-run", 17, 6)), Map.of(),
                tmp.resolve("z"), "st-1M.pt")).isInstanceOf(CheckpointException.class).hasMessageContaining("observations of 24")
                .hasMessageContaining("the given task [dmc/cheetah-run] has 17 and 6; give the task it was trained on");
        assertThatThrownBy(() -> ReferenceImport.write(st, List.of(spec("dmc/walker-walk", 24, 6)),
                Map.of("latent_dim", "512"), tmp.resolve("w"), "st-1M.pt")).isInstanceOf(CheckpointException.class)
                .hasMessageContaining("latent_dim=128");
        assertThatThrownBy(() -> ReferenceImport.write(st, List.of(spec("dmc/walker-walk", 24, 6)),
                Map.of("num_samples", "8"), tmp.resolve("v"), "st-1M.pt")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("num_pi_trajs");
        assertThat(tmp.resolve("v")).doesNotExist();
        assertThat(tmp.resolve("x")).doesNotExist();
    }
    /** A stop asked from its {@code n}th question on (unless asks once before the work), counting in {@code asked}. */
    private static BooleanSupplier askedFrom(int n, AtomicInteger asked) {
        return () -> asked.incrementAndGet() >= n;
    }

    /**
     * A reference file's import (eval --checkpoint FILE.pt imports one first: the 317M model's takes minutes on a
     * CPU) is given up for a stop ({@link GivingUp}) wherever it comes: in the file's reading (its storages a
     * megabyte at a time, its tensors converted), or in the checkpoint folder's writing (the model made, its files
     * written, read back and hashed), which then leaves nothing: no folder, whole or in part, no temporary one.
     * Before: the reading never heeded a stop, and one in the writing failed the import as a write that failed.
     */
    @Test
    void anImportIsGivenUpForAStopWhereverItComes() throws Exception {
        Path file = fixture("st-1M.pt");
        AtomicInteger asked = new AtomicInteger();
        ReferenceCheckpoint st = GivingUp.unless(askedFrom(Integer.MAX_VALUE, asked),
                () -> ReferenceCheckpoint.read(file)).orElseThrow();
        int reading = asked.get();
        assertThat(reading).as("the stop's questions while the file is read").isGreaterThan(2);
        for (int n : new int[] {2, reading / 2, reading}) {
            assertThat(GivingUp.unless(askedFrom(n, new AtomicInteger()), () -> ReferenceCheckpoint.read(file)))
                    .as("asked from question %d of %d", n, reading).isEmpty();
        }
        List<TaskSpec> walker = List.of(spec("dmc/walker-walk", 24, 6));
        asked.set(0);
        Path whole = tmp.resolve("whole");
        GivingUp.unless(askedFrom(Integer.MAX_VALUE, asked), () -> ReferenceImport.write(st, walker, Map.of(), whole,
                "st-1M.pt")).orElseThrow();
        CheckpointFolder.open(whole);
        int writing = asked.get();
        assertThat(writing).as("the stop's questions while the folder is written").isGreaterThan(8);
        for (int n : new int[] {2, writing / 4, writing / 2, 3 * writing / 4, writing}) {
            Path out = tmp.resolve("given-up-" + n);
            assertThat(GivingUp.unless(askedFrom(n, new AtomicInteger()), () -> ReferenceImport.write(st, walker,
                    Map.of(), out, "st-1M.pt"))).as("asked from question %d of %d", n, writing).isEmpty();
            assertThat(out).doesNotExist();
            assertThat(tmp).isDirectoryNotContaining("glob:**.tmp*");
        }
    }
}
