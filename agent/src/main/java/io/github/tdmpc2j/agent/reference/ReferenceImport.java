package io.github.tdmpc2j.agent.reference;

import io.github.tdmpc2j.agent.TdmpcAgent;
import io.github.tdmpc2j.agent.TdmpcConfig;
import io.github.tdmpc2j.agent.checkpoint.Checkpoint;
import io.github.tdmpc2j.agent.checkpoint.SafeTensors;
import io.github.tdmpc2j.spi.TaskSpace;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.CheckpointException;
import io.github.tdmpc2j.spi.agent.CheckpointFolder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a reference checkpoint into a checkpoint folder of this project: the settings the file implies, the
 * tasks it was trained on (checked against its shapes and action masks), its weights and target weights, fresh
 * optimiser moments, step 0. {@code tdmpc2j eval --checkpoint} then evaluates it like any other.
 */
public final class ReferenceImport {
    /** The metadata key of an imported checkpoint's weights that names the file they came from. */
    public static final String IMPORTED_FROM = "imported_from";
    /** What the model groups of a checkpoint of ours are called (the rest are optimiser moments). */
    private static final List<String> MODEL_PREFIXES = List.of("encoder.", "dynamics.", "reward.", "termination.",
            "pi.", "qs.", "target_qs.", "task_emb.");

    private ReferenceImport() {
    }

    /**
     * The agent context of {@code tasks} (in the model's task order) for this model: the observation padded to
     * the largest task's, the action likewise with per-task masks, as {@link TaskSpace} and the reference do.
     */
    public static AgentContext context(ReferenceCheckpoint ref, List<TaskSpec> tasks, Map<String, String> settings,
            long seed) {
        Map<String, String> params = new LinkedHashMap<>(settings);
        for (String key : ref.params().keySet()) {
            if (settings.containsKey(key) && !settings.get(key).equals(ref.params().get(key))) {
                throw new CheckpointException(key + "=" + settings.get(key) + " was given but the file's model has "
                        + key + "=" + ref.params().get(key) + "; settings of the model's shape come from the file, "
                        + "leave " + key + " out");
            }
        }
        params.putAll(ref.params());
        params.put("device", "cpu");
        TdmpcConfig.from(params); // a bad setting fails here, with its own message, before anything is written
        return AgentContext.of(TaskSpace.of(tasks), params, seed);
    }

    /**
     * Writes {@code ref}, made for {@code tasks}, as a checkpoint folder at {@code out}; returns its context.
     * {@code settings}: other agent settings to record (planning: {@code iterations}, {@code num_samples}, ...;
     * the reference's defaults otherwise); settings of the model's shape come from the file.
     */
    public static AgentContext write(ReferenceCheckpoint ref, List<TaskSpec> tasks, Map<String, String> settings,
            Path out, String source) {
        AgentContext context = context(ref, tasks, settings, 0);
        ref.check(context);
        CheckpointFolder.write(out, 0, dir -> {
            try (TdmpcAgent agent = new TdmpcAgent(context)) {
                agent.writeState(dir);
            }
            Path file = dir.resolve(Checkpoint.TENSORS);
            Map<String, String> meta = new LinkedHashMap<>();
            Map<String, SafeTensors.Tensor> tensors = SafeTensors.read(file, meta);
            for (Map.Entry<String, SafeTensors.Tensor> e : ref.tensors().entrySet()) {
                SafeTensors.Tensor fresh = tensors.get(e.getKey());
                if (fresh == null || !Arrays.equals(fresh.shape(), e.getValue().shape())) {
                    throw new CheckpointException(source + ": tensor " + e.getKey() + " of shape "
                            + Arrays.toString(e.getValue().shape()) + " has no place in this project's world model "
                            + "(which has " + (fresh == null ? "no such tensor" : Arrays.toString(fresh.shape()))
                            + "); the file's architecture is not one this agent builds");
                }
                tensors.put(e.getKey(), e.getValue());
            }
            for (String name : tensors.keySet()) {
                if (MODEL_PREFIXES.stream().anyMatch(name::startsWith) && !ref.tensors().containsKey(name)) {
                    throw new CheckpointException(source + " lacks the tensor " + name + " of this project's world "
                            + "model");
                }
            }
            meta.put(IMPORTED_FROM, source);
            SafeTensors.write(file, tensors, meta);
        });
        return context;
    }
}
