package io.github.tdmpc2j.agent.reference;

import io.github.tdmpc2j.agent.TdmpcConfig;
import io.github.tdmpc2j.agent.checkpoint.Checkpoint;
import io.github.tdmpc2j.agent.checkpoint.SafeTensors;
import io.github.tdmpc2j.spi.agent.CheckpointException;
import io.github.tdmpc2j.spi.io.AtomicWrites;
import io.github.tdmpc2j.spi.io.IoErrors;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reverse of {@link ReferenceCheckpoint}: a TD-MPC2 checkpoint of this project written as the reference's
 * {@code TDMPC2.save} writes one, {@code torch.save({"model": world_model.state_dict()})}, in the layout of the
 * reference's current code (its Q ensemble as a {@code TensorDictParams}: {@code _Qs.params.i.*},
 * {@code _detach_Qs_params.i.*}, {@code _target_Qs_params.i.*}, each with its {@code __batch_size} and
 * {@code __device}), so that its {@code TDMPC2.load} (a strict {@code load_state_dict}) takes it and this project's
 * {@code import} reads it back to the same tensors. Weights, target Q heads, task embeddings, the policy's std range
 * and the action masks go in; optimiser moments and the replay buffer stay behind (the reference's file has none).
 */
public final class ReferenceExport {
    private static final Pattern MODULE = Pattern.compile("(encoder|dynamics|reward|termination|pi)\\.(\\d+)\\.(.+)");
    private static final Pattern ENSEMBLE = Pattern.compile("(qs|target_qs)\\.(\\d+)\\.(.+)");

    private ReferenceExport() {
    }

    /**
     * Writes the checkpoint in {@code dir} (the agent's files) to {@code out}, a new file, whole or not at all
     * ({@link #read}, then {@link #writeNew}).
     *
     * @param actionMasks one 0/1 row per task of a multitask checkpoint, in its task order (the reference keeps
     *                    them in the model); ignored for a single task
     */
    public static void write(Path dir, List<float[]> actionMasks, Path out) {
        writeNew(read(dir, actionMasks), out);
    }

    /**
     * The reference's state dict of the checkpoint in {@code dir} (the agent's files), in memory: once it is read,
     * the checkpoint may change without changing what is written.
     */
    public static Map<String, Object> read(Path dir, List<float[]> actionMasks) {
        Map<String, String> params = Checkpoint.savedParams(dir);
        TdmpcConfig cfg = TdmpcConfig.from(params);
        List<String> tasks = Checkpoint.savedTasks(dir);
        Map<String, SafeTensors.Tensor> ours = SafeTensors.read(dir.resolve(Checkpoint.TENSORS), new LinkedHashMap<>());
        return stateDict(ours, cfg, tasks.size(), actionMasks);
    }

    /**
     * Writes a state dict ({@link #read}) to {@code out}, whole or not at all, as a new file: a file there, even
     * one made while this wrote, is never replaced ({@link AtomicWrites#create}) but refused as a
     * {@link CheckpointException} that says what to do.
     */
    public static void writeNew(Map<String, Object> model, Path out) {
        try {
            Files.createDirectories(out.toAbsolutePath().getParent());
            AtomicWrites.create(out, tmp -> {
                try (OutputStream o = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
                    TorchSave.write(o, archiveName(out), Map.of("model", model));
                }
            });
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new CheckpointException(out + " exists (it was made while the export was written); the export "
                    + "writes a new file and replaces nothing, so that file is left as it is: choose another name, "
                    + "or remove it and export again", e);
        } catch (IOException e) {
            throw new CheckpointException("cannot write " + out + ": " + IoErrors.describe(e), e);
        }
    }

    /** The reference's state dict, in the order its world model lists it. */
    static Map<String, Object> stateDict(Map<String, SafeTensors.Tensor> ours, TdmpcConfig cfg, int taskCount,
            List<float[]> actionMasks) {
        // the world model's buffers (action masks, then the policy's std range), then its modules in their order
        Map<String, Object> sd = new LinkedHashMap<>();
        if (taskCount > 1) {
            if (actionMasks == null || actionMasks.size() != taskCount) {
                throw new IllegalArgumentException("a checkpoint of " + taskCount + " tasks needs " + taskCount
                        + " action masks");
            }
            int actionSize = actionMasks.get(0).length;
            float[] masks = new float[taskCount * actionSize];
            for (int i = 0; i < taskCount; i++) {
                System.arraycopy(actionMasks.get(i), 0, masks, i * actionSize, actionSize);
            }
            sd.put("_action_masks", new SafeTensors.Tensor(new long[] {taskCount, actionSize}, masks));
        }
        sd.put("log_std_min", scalar(cfg.logStdMin()));
        sd.put("log_std_dif", scalar(cfg.logStdMax() - cfg.logStdMin()));
        if (taskCount > 1) {
            sd.put("_task_emb.weight", require(ours, "task_emb.weight"));
        }
        Map<String, SafeTensors.Tensor> online = new LinkedHashMap<>();
        Map<String, SafeTensors.Tensor> target = new LinkedHashMap<>();
        for (Map.Entry<String, SafeTensors.Tensor> e : ours.entrySet()) {
            Matcher m;
            if ((m = MODULE.matcher(e.getKey())).matches()) {
                String module = m.group(1).equals("encoder") ? "encoder.state" : m.group(1);
                sd.put("_" + module + "." + m.group(2) + "." + m.group(3), single(e.getValue()));
            } else if ((m = ENSEMBLE.matcher(e.getKey())).matches()) {
                (m.group(1).equals("qs") ? online : target).put(m.group(2) + "." + m.group(3), ensemble(e.getValue()));
            }
        }
        if (online.isEmpty() || target.isEmpty()) {
            throw new CheckpointException("the checkpoint has no " + (online.isEmpty() ? "" : "target ") + "Q heads; "
                    + "it is not a TD-MPC2 world model");
        }
        long heads = require(ours, "qs.0.weight").shape()[0];
        putEnsemble(sd, "_Qs.params.", online, heads);
        putEnsemble(sd, "_detach_Qs_params.", online, heads);
        putEnsemble(sd, "_target_Qs_params.", target, heads);
        return sd;
    }

    private static void putEnsemble(Map<String, Object> sd, String prefix, Map<String, SafeTensors.Tensor> params,
            long heads) {
        params.forEach((name, t) -> sd.put(prefix + name, t));
        sd.put(prefix + "__batch_size", new TorchSave.Size(heads));
        sd.put(prefix + "__device", null);
    }

    /** [in, out] -> [out, in]; vectors unchanged. */
    private static SafeTensors.Tensor single(SafeTensors.Tensor t) {
        long[] s = t.shape();
        if (s.length == 1) {
            return t;
        }
        return new SafeTensors.Tensor(new long[] {s[1], s[0]},
                ReferenceCheckpoint.transpose(t.data(), 1, (int) s[0], (int) s[1]));
    }

    /** [E, in, out] -> [E, out, in]; [E, 1, out] -> [E, out]. */
    private static SafeTensors.Tensor ensemble(SafeTensors.Tensor t) {
        long[] s = t.shape();
        if (s[1] == 1) {
            return new SafeTensors.Tensor(new long[] {s[0], s[2]}, t.data());
        }
        return new SafeTensors.Tensor(new long[] {s[0], s[2], s[1]},
                ReferenceCheckpoint.transpose(t.data(), (int) s[0], (int) s[1], (int) s[2]));
    }

    private static SafeTensors.Tensor scalar(float v) {
        return new SafeTensors.Tensor(new long[0], new float[] {v});
    }

    private static SafeTensors.Tensor require(Map<String, SafeTensors.Tensor> ours, String name) {
        SafeTensors.Tensor t = ours.get(name);
        if (t == null) {
            throw new CheckpointException("the checkpoint has no tensor " + name + "; it is not a TD-MPC2 world model");
        }
        return t;
    }

    /** torch.save names the archive's folder after the file ({@code mt30-48M.pt}: {@code mt30-48M}). */
    private static String archiveName(Path out) {
        String name = out.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return stem.isEmpty() || !stem.matches("[A-Za-z0-9_.-]+") ? "archive" : stem;
    }
}
