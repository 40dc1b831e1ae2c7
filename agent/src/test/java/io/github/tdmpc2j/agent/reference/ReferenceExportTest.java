package io.github.tdmpc2j.agent.reference;

import static io.github.tdmpc2j.agent.reference.ReferenceImportTest.fixture;
import static io.github.tdmpc2j.agent.reference.ReferenceImportTest.spec;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdmpc2j.agent.TdmpcAgent;
import io.github.tdmpc2j.agent.checkpoint.Checkpoint;
import io.github.tdmpc2j.agent.checkpoint.SafeTensors;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.CheckpointFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint written back in the reference's format: the reference's own files (made by its code, see
 * {@code reference/README.md}) imported and exported again give the same state dict, every name and every bit.
 */
class ReferenceExportTest {
    @TempDir
    Path tmp;

    @Test
    void aSingleTaskModelComesBackAsTheReferenceSavedIt() throws Exception {
        Path imported = tmp.resolve("imported");
        AgentContext context = ReferenceImport.write(ReferenceCheckpoint.read(fixture("st-1M.pt")),
                List.of(spec("dmc/walker-walk", 24, 6)), Map.of(), imported, "st-1M.pt");
        Path exported = tmp.resolve("walker-walk.pt");
        ReferenceExport.write(CheckpointFolder.open(imported).dir(), context.actionMasks(), exported);

        // the current layout, as the reference's TDMPC2.save writes it today: the same entries, in its order; with
        // the tensordict its code pins (0.8.3) each Q-ensemble's TensorDictParams also has its batch size and
        // device, which the fixture's newer tensordict leaves out
        Map<?, ?> theirs = model(TorchArchive.read(fixture("st-1M.pt")));
        Map<?, ?> ours = model(TorchArchive.read(exported));
        assertThat(ours.keySet().stream().map(String::valueOf).filter(k -> !k.contains(".__")))
                .containsExactlyElementsOf(theirs.keySet().stream().map(String::valueOf).toList());
        for (String params : List.of("_Qs.params", "_detach_Qs_params", "_target_Qs_params")) {
            assertThat(ours.get(params + ".__batch_size")).isNotNull();
            assertThat(ours.containsKey(params + ".__device")).isTrue();
            assertThat(ours.get(params + ".__device")).isNull();
        }
        for (Object key : theirs.keySet()) {
            Object t = theirs.get(key);
            Object o = ours.get(key);
            if (t instanceof TorchTensor tt) {
                TorchTensor ot = (TorchTensor) o;
                assertThat(ot.shape()).as("%s shape", key).containsExactly(tt.shape());
                assertThat(ot.toFloats()).as("%s", key).isEqualTo(tt.toFloats());
            } else {
                assertThat(o).as("%s", key).isEqualTo(t); // torch.Size of the heads, the device None
            }
        }
        assertThat(exported.getParent()).isDirectoryNotContaining("glob:**.tmp*");
        // a file at the name is never replaced (export checks first; one made in between is refused here)
        Path taken = Files.writeString(exported.resolveSibling("taken.pt"), "the user's");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReferenceExport.write(
                CheckpointFolder.open(imported).dir(), context.actionMasks(), taken))
                .isInstanceOf(io.github.tdmpc2j.spi.agent.CheckpointException.class)
                .hasMessageContaining(taken + " exists").hasMessageContaining("replaces nothing");
        assertThat(taken).hasContent("the user's");
        assertThat(exported.getParent()).isDirectoryNotContaining("glob:**.tmp*");
    }

    @Test
    void aMultitaskModelKeepsItsTaskEmbeddingsAndActionMasks() throws Exception {
        List<TaskSpec> tasks = List.of(spec("dmc/cartpole-balance", 5, 1), spec("dmc/reacher-easy", 6, 2),
                spec("dmc/cheetah-run", 17, 6));
        ReferenceCheckpoint released = ReferenceCheckpoint.read(fixture("mt-1M.pt")); // the released files' layout
        Path imported = tmp.resolve("imported");
        AgentContext context = ReferenceImport.write(released, tasks, Map.of(), imported, "mt-1M.pt");
        Path exported = tmp.resolve("mt3.pt");
        ReferenceExport.write(CheckpointFolder.open(imported).dir(), context.actionMasks(), exported);

        ReferenceCheckpoint back = ReferenceCheckpoint.read(exported);
        assertThat(back.oldLayout()).isFalse();
        assertThat(back.taskCount()).isEqualTo(3);
        // the released file leaves the policy's std range at the reference's default, which the export writes
        assertThat(back.params()).containsAllEntriesOf(released.params()).containsEntry("log_std_min", "-10")
                .containsEntry("log_std_max", "2");
        assertThat(back.tensors().keySet()).containsExactlyInAnyOrderElementsOf(released.tensors().keySet());
        released.tensors().forEach((name, t) -> {
            assertThat(back.tensors().get(name).shape()).as(name).containsExactly(t.shape());
            assertThat(back.tensors().get(name).data()).as(name).isEqualTo(t.data());
        });
        Map<?, ?> model = model(TorchArchive.read(exported));
        TorchTensor masks = (TorchTensor) model.get("_action_masks");
        assertThat(masks.shape()).containsExactly(3, 6);
        assertThat(masks.toFloats()).containsExactly(1, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1);
        back.check(context); // the masks agree with the tasks' action sizes, in their order
    }

    @Test
    void aTrainedAgentsWeightsAndTargetsGoOutAndItsOptimiserStaysBehind() throws Exception {
        List<TaskSpec> tasks = List.of(spec("dmc/walker-walk", 24, 6));
        AgentContext context = new AgentContext(tasks, 24, 6, List.of(new float[] {1, 1, 1, 1, 1, 1}),
                Map.of("preset", "cpu"), 5);
        Path dir = Files.createDirectories(tmp.resolve("agent"));
        try (TdmpcAgent agent = new TdmpcAgent(context)) {
            agent.writeState(dir);
        }
        Path exported = tmp.resolve("agent.pt");
        ReferenceExport.write(dir, context.actionMasks(), exported);
        Map<String, SafeTensors.Tensor> ours = SafeTensors.read(dir.resolve(Checkpoint.TENSORS), new LinkedHashMap<>());
        ReferenceCheckpoint back = ReferenceCheckpoint.read(exported);
        for (Map.Entry<String, SafeTensors.Tensor> e : back.tensors().entrySet()) {
            assertThat(ours.get(e.getKey()).data()).as(e.getKey()).isEqualTo(e.getValue().data());
        }
        // every tensor of the world model, online and target heads alike, and nothing of the optimiser
        assertThat(ours.keySet().stream().filter(k -> back.tensors().containsKey(k)).count())
                .isEqualTo(back.tensors().size());
        assertThat(back.tensors()).containsKeys("qs.0.weight", "target_qs.2.bias", "encoder.1.ln.weight");
        assertThat(model(TorchArchive.read(exported)).keySet()).noneMatch(k -> String.valueOf(k).contains("adam"));
    }

    private static Map<?, ?> model(Object top) {
        return (Map<?, ?>) ((Map<?, ?>) top).get("model");
    }
}
