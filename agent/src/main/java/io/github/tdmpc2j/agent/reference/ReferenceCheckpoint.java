package io.github.tdmpc2j.agent.reference;

import io.github.tdmpc2j.agent.ModelSize;
import io.github.tdmpc2j.agent.checkpoint.SafeTensors;
import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.CheckpointException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A checkpoint written by the TD-MPC2 reference ({@code TDMPC2.save}: {@code {"model": world_model.state_dict()}}),
 * read without running it, with its tensors renamed and laid out as this project's world model keeps them and its
 * settings inferred from their shapes.
 *
 * <p>Names: {@code _encoder.state.i.*}, {@code _dynamics.i.*}, {@code _reward.i.*}, {@code _termination.i.*},
 * {@code _pi.i.*} become {@code encoder.i.*} and so on; the Q ensemble, {@code _Qs.params.i.*} and
 * {@code _target_Qs_params.i.*} in the current layout or {@code _Qs.params.N} / {@code _target_Qs.params.N}
 * (N = 4 x layer + [weight, bias, ln.weight, ln.bias]) in the older layout of the released files, becomes
 * {@code qs.i.*} and {@code target_qs.i.*}; {@code _task_emb.weight} becomes {@code task_emb.weight}. Layouts:
 * a linear weight [out, in] becomes [in, out], an ensemble's [E, out, in] becomes [E, in, out] and its vectors
 * [E, out] become [E, 1, out]. {@code _detach_Qs_params} (the same tensors as {@code _Qs}) is skipped;
 * {@code log_std_min}, {@code log_std_dif} and {@code _action_masks} become settings and checks.
 */
public final class ReferenceCheckpoint {
    private static final Pattern MODULE = Pattern.compile(
            "_(encoder\\.state|dynamics|reward|termination|pi)\\.(\\d+)\\.(weight|bias|ln\\.weight|ln\\.bias)");
    private static final Pattern ENSEMBLE = Pattern.compile(
            "(_Qs\\.params\\.|_target_Qs_params\\.)(\\d+)\\.(weight|bias|ln\\.weight|ln\\.bias)");
    private static final Pattern OLD_ENSEMBLE = Pattern.compile("(_Qs\\.params\\.|_target_Qs\\.params\\.)(\\d+)");
    private static final List<String> OLD_NAMES = List.of("weight", "bias", "ln.weight", "ln.bias");

    private final Path file;
    private final boolean oldLayout;
    private final Map<String, SafeTensors.Tensor> tensors;
    private final Map<String, String> params;
    private final int observationSize;
    private final int actionSize;
    private final int taskCount;
    private final boolean episodic;
    private final float[][] actionMasks;

    private ReferenceCheckpoint(Path file, boolean oldLayout, Map<String, SafeTensors.Tensor> tensors,
            Map<String, String> params, int observationSize, int actionSize, int taskCount, boolean episodic,
            float[][] actionMasks) {
        this.file = file;
        this.oldLayout = oldLayout;
        this.tensors = tensors;
        this.params = params;
        this.observationSize = observationSize;
        this.actionSize = actionSize;
        this.taskCount = taskCount;
        this.episodic = episodic;
        this.actionMasks = actionMasks;
    }

    /** Reads and converts {@code file}; a file that is not a TD-MPC2 state-based world model fails with a message. */
    public static ReferenceCheckpoint read(Path file) {
        Object top = TorchArchive.read(file);
        Map<?, ?> state = top instanceof Map<?, ?> m && m.get("model") instanceof Map<?, ?> model ? model
                : top instanceof Map<?, ?> m2 ? m2 : null;
        if (state == null) {
            throw notReference(file, "its top level is not a dict");
        }
        Map<String, TorchTensor> raw = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : state.entrySet()) {
            if (e.getValue() instanceof TorchTensor t) {
                raw.put(String.valueOf(e.getKey()), t);
            }
        }
        if (raw.keySet().stream().anyMatch(k -> k.startsWith("_encoder.rgb."))) {
            throw new CheckpointException(file + " is a pixel-based (rgb) TD-MPC2 model; only state-based models "
                    + "import, as this project's agent encodes state vectors");
        }
        return convert(file, raw);
    }

    private static ReferenceCheckpoint convert(Path file, Map<String, TorchTensor> raw) {
        Map<String, SafeTensors.Tensor> out = new LinkedHashMap<>();
        boolean old = false;
        float[] logStdMin = null;
        float[] logStdDif = null;
        TorchTensor masks = null;
        for (Map.Entry<String, TorchTensor> e : raw.entrySet()) {
            String key = e.getKey();
            TorchTensor t = e.getValue();
            Matcher m;
            if ((m = MODULE.matcher(key)).matches()) {
                String module = m.group(1).equals("encoder.state") ? "encoder" : m.group(1);
                out.put(module + "." + m.group(2) + "." + m.group(3), single(file, key, t));
            } else if ((m = ENSEMBLE.matcher(key)).matches()) {
                out.put(ensembleName(m.group(1)) + m.group(2) + "." + m.group(3), ensemble(file, key, t));
            } else if ((m = OLD_ENSEMBLE.matcher(key)).matches()) {
                old = true;
                int n = Integer.parseInt(m.group(2));
                out.put(ensembleName(m.group(1)) + (n / 4) + "." + OLD_NAMES.get(n % 4), ensemble(file, key, t));
            } else if (key.equals("_task_emb.weight")) {
                out.put("task_emb.weight", new SafeTensors.Tensor(t.shape(), t.toFloats()));
            } else if (key.equals("log_std_min")) {
                logStdMin = t.toFloats();
            } else if (key.equals("log_std_dif")) {
                logStdDif = t.toFloats();
            } else if (key.equals("_action_masks")) {
                masks = t;
            } else if (!key.startsWith("_detach_Qs_params.")) {
                throw notReference(file, "it holds the tensor '" + key + "', which TD-MPC2's world model does not have");
            }
        }
        if (old && !out.containsKey("target_qs.0.weight")) {
            // a file without target heads: they start as copies of the online heads, as in a fresh reference agent
            List<String> online = out.keySet().stream().filter(k -> k.startsWith("qs.")).toList();
            online.forEach(k -> out.put("target_" + k, out.get(k)));
        }
        for (String needed : List.of("encoder.0.weight", "dynamics.0.weight", "reward.0.weight", "pi.0.weight",
                "qs.0.weight", "target_qs.0.weight")) {
            if (!out.containsKey(needed)) {
                throw notReference(file, "it lacks the tensors of '" + needed.substring(0, needed.indexOf('.'))
                        + "'");
            }
        }
        int encLayers = count(out, "encoder");
        int latent = (int) lastDim(out, "encoder." + (encLayers - 1) + ".bias");
        int encDim = encLayers > 1 ? (int) lastDim(out, "encoder.0.bias") : 0;
        int mlpDim = (int) lastDim(out, "dynamics.0.bias");
        int numQ = (int) out.get("qs.0.weight").shape()[0];
        int numBins = (int) lastDim(out, "reward." + (count(out, "reward") - 1) + ".bias");
        int actionSize = (int) lastDim(out, "pi." + (count(out, "pi") - 1) + ".bias") / 2;
        SafeTensors.Tensor emb = out.get("task_emb.weight");
        int taskCount = emb == null ? 1 : (int) emb.shape()[0];
        int taskDim = emb == null ? 0 : (int) emb.shape()[1];
        int observationSize = (int) out.get("encoder.0.weight").shape()[0] - taskDim;
        if (encLayers < 2 || numQ < 2 || actionSize < 1 || observationSize < 1 || count(out, "dynamics") != 3) {
            throw notReference(file, "its shapes (encoder layers " + encLayers + ", Q heads " + numQ + ", action "
                    + actionSize + ", observation " + observationSize + ") fit no TD-MPC2 world model");
        }
        Map<String, String> params = new LinkedHashMap<>();
        params.put("model_size", Integer.toString(closestSize(encDim, mlpDim, encLayers).millions));
        params.put("num_enc_layers", Integer.toString(encLayers));
        params.put("enc_dim", Integer.toString(encLayers > 1 ? encDim : 256));
        params.put("mlp_dim", Integer.toString(mlpDim));
        params.put("latent_dim", Integer.toString(latent));
        params.put("num_q", Integer.toString(numQ));
        params.put("num_bins", Integer.toString(numBins));
        if (taskDim > 0) {
            params.put("task_dim", Integer.toString(taskDim));
        }
        if (logStdMin != null && logStdDif != null) {
            params.put("log_std_min", format(logStdMin[0]));
            params.put("log_std_max", format(logStdMin[0] + logStdDif[0]));
        }
        float[][] maskRows = null;
        if (masks != null) {
            long[] s = masks.shape();
            if (s.length != 2 || s[0] != taskCount || s[1] != actionSize) {
                throw notReference(file, "its _action_masks has shape " + Arrays.toString(s) + ", not [" + taskCount
                        + ", " + actionSize + "]");
            }
            float[] flat = masks.toFloats();
            maskRows = new float[taskCount][];
            for (int i = 0; i < taskCount; i++) {
                maskRows[i] = Arrays.copyOfRange(flat, i * actionSize, (i + 1) * actionSize);
            }
        }
        return new ReferenceCheckpoint(file, old, out, params, observationSize, actionSize, taskCount,
                out.containsKey("termination.0.weight"), maskRows);
    }

    /** The agent settings the file implies: architecture, task embedding width, bins, policy std range. */
    public Map<String, String> params() {
        return params;
    }

    /** Tensors under this project's names and layouts (float32). */
    public Map<String, SafeTensors.Tensor> tensors() {
        return tensors;
    }

    /** Whether the file uses the older Q-ensemble layout of the released checkpoints. */
    public boolean oldLayout() {
        return oldLayout;
    }

    public int observationSize() {
        return observationSize;
    }

    public int actionSize() {
        return actionSize;
    }

    /** 1 for a single-task model, else the number of task embeddings. */
    public int taskCount() {
        return taskCount;
    }

    /** Whether the model has a termination head (trained on episodic tasks). */
    public boolean episodic() {
        return episodic;
    }

    /**
     * Checks that {@code context} (tasks, padded observation and action sizes, action masks) is what this model
     * was trained for; a mismatch fails with a message that says which and what to give instead.
     */
    public void check(AgentContext context) {
        int n = context.tasks().size();
        if (n != taskCount) {
            throw new CheckpointException(file + " is a " + (taskCount == 1 ? "single-task model" : "multitask model of "
                    + taskCount + " tasks") + " but " + Messages.plural(n, "task") + Messages.word(n, " was", " were")
                    + " given; " + (taskCount == 1 ? "give its one task (--task)" : "give its task set in the "
                    + "reference's order (--set mt30 or mt80, or the ids separated by commas)"));
        }
        if (context.observationSize() != observationSize || context.actionSize() != actionSize) {
            throw new CheckpointException(file + " was trained on observations of " + observationSize + " and actions "
                    + "of " + Messages.plural(actionSize, "entry", "entries") + ", but the given "
                    + Messages.word(n, "task") + " " + ids(context)
                    + Messages.word(n, " has ", " have ") + context.observationSize() + " and "
                    + context.actionSize() + "; give the " + Messages.word(n, "task") + " it was trained on");
        }
        boolean episodicTasks = context.tasks().stream().anyMatch(t -> t.episodic());
        if (episodicTasks != episodic) {
            throw new CheckpointException(file + (episodic ? " has" : " has no") + " termination head but the "
                    + "given " + Messages.word(n, "task") + " " + ids(context) + Messages.word(n, " is", " are")
                    + (episodicTasks ? "" : " not") + " episodic; give the " + Messages.word(n, "task")
                    + " it was trained on");
        }
        if (actionMasks != null) {
            for (int i = 0; i < n; i++) {
                if (!Arrays.equals(actionMasks[i], context.actionMasks().get(i))) {
                    throw new CheckpointException(file + ": task " + i + " (" + context.tasks().get(i).id() + ") "
                            + "uses " + (int) sum(context.actionMasks().get(i)) + " action entries but the model's "
                            + "mask for task " + i + " uses " + (int) sum(actionMasks[i]) + "; give the tasks in the "
                            + "order the model was trained on");
                }
            }
        }
    }

    private static String ids(AgentContext context) {
        return context.tasks().stream().map(t -> t.id()).toList().toString();
    }

    private static float sum(float[] x) {
        float s = 0;
        for (float v : x) {
            s += v;
        }
        return s;
    }

    private static String ensembleName(String prefix) {
        return prefix.startsWith("_target") ? "target_qs." : "qs.";
    }

    /** [out, in] -> [in, out]; vectors unchanged. */
    private static SafeTensors.Tensor single(Path file, String key, TorchTensor t) {
        long[] s = t.shape();
        float[] v = t.toFloats();
        if (s.length == 1) {
            return new SafeTensors.Tensor(s, v);
        }
        if (s.length != 2) {
            throw notReference(file, "its tensor '" + key + "' has shape " + Arrays.toString(s));
        }
        return new SafeTensors.Tensor(new long[] {s[1], s[0]}, transpose(v, 1, (int) s[0], (int) s[1]));
    }

    /** [E, out, in] -> [E, in, out]; [E, out] -> [E, 1, out]. */
    private static SafeTensors.Tensor ensemble(Path file, String key, TorchTensor t) {
        long[] s = t.shape();
        float[] v = t.toFloats();
        if (s.length == 2) {
            return new SafeTensors.Tensor(new long[] {s[0], 1, s[1]}, v);
        }
        if (s.length != 3) {
            throw notReference(file, "its ensemble tensor '" + key + "' has shape " + Arrays.toString(s));
        }
        return new SafeTensors.Tensor(new long[] {s[0], s[2], s[1]}, transpose(v, (int) s[0], (int) s[1], (int) s[2]));
    }

    /** Each of {@code batches} row-major [rows, cols] blocks of {@code v} as [cols, rows]. */
    static float[] transpose(float[] v, int batches, int rows, int cols) {
        float[] out = new float[v.length];
        for (int b = 0; b < batches; b++) {
            int base = b * rows * cols;
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    out[base + c * rows + r] = v[base + r * cols + c];
                }
            }
        }
        return out;
    }

    private static int count(Map<String, SafeTensors.Tensor> out, String module) {
        int n = 0;
        while (out.containsKey(module + "." + n + ".weight")) {
            n++;
        }
        return n;
    }

    private static long lastDim(Map<String, SafeTensors.Tensor> out, String name) {
        SafeTensors.Tensor t = out.get(name);
        if (t == null) {
            throw new CheckpointException("the checkpoint lacks the tensor " + name);
        }
        return t.shape()[t.shape().length - 1];
    }

    /** The named size whose layer widths match (mt30-19M differs in latent size and task width only). */
    private static ModelSize closestSize(int encDim, int mlpDim, int encLayers) {
        return Arrays.stream(ModelSize.values()).min(Comparator.comparingInt((ModelSize s) ->
                Math.abs(s.mlpDim - mlpDim) + Math.abs(s.encDim - encDim) + 1000 * Math.abs(s.numEncLayers - encLayers)))
                .orElseThrow();
    }

    private static String format(float v) {
        return v == Math.rint(v) ? Integer.toString((int) v) : String.format(Locale.ROOT, "%s", v);
    }

    private static CheckpointException notReference(Path file, String why) {
        return new CheckpointException(file + " is not a TD-MPC2 world model checkpoint: " + why);
    }
}
