package io.github.tdmpc2j.agent.checkpoint;

import io.github.tdmpc2j.spi.io.IoErrors;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.tdmpc2j.agent.TdmpcConfig;
import io.github.tdmpc2j.agent.nn.NoGrad;
import io.github.tdmpc2j.agent.nn.ParamStore;
import io.github.tdmpc2j.spi.GivingUp;
import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.CheckpointException;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A TD-MPC2 checkpoint directory: {@code tdmpc2.safetensors} (weights, target weights, optimiser moments; the
 * counters and running scale in its metadata) and {@code tdmpc2.json} (the resolved configuration and what the
 * agent was made for), written by {@code TdmpcAgent.writeState} into a folder that
 * {@link io.github.tdmpc2j.spi.agent.CheckpointFolder} seals (manifest with checksums, one unit). Loading checks
 * the JSON first, so a checkpoint of another size or task set fails with a message that says which;
 * {@link #savedParams} gives the settings to make a matching agent.
 */
public final class Checkpoint {
    public static final String TENSORS = "tdmpc2.safetensors";
    public static final String CONFIG = "tdmpc2.json";
    /**
     * What a checkpoint of another agent needs, said where one lacks TD-MPC2's files: a command takes tdmpc2 for a
     * checkpoint folder outside a run (whose config.yaml names the agent) unless told otherwise.
     */
    private static final String OTHER_AGENT = "a checkpoint of another agent loads with --agent NAME; `tdmpc2j "
            + "agents` lists them";
    private static final List<String> SHAPE_KEYS = List.of("model_size", "num_enc_layers", "enc_dim", "mlp_dim",
            "latent_dim", "num_q", "task_dim", "num_bins", "simnorm_dim");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Checkpoint() {
    }

    public static void save(Path dir, ParamStore store, Map<String, String> metadata, TdmpcConfig cfg,
            AgentContext context) {
        Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
        store.all().forEach((name, array) -> tensors.put(name,
                new SafeTensors.Tensor(array.getShape().getShape(), array.toFloatArray())));
        SafeTensors.write(dir.resolve(TENSORS), tensors, metadata);
        ObjectNode json = JSON.createObjectNode();
        json.put("agent", "tdmpc2");
        json.put("observation_size", context.observationSize());
        json.put("action_size", context.actionSize());
        var tasks = json.putArray("tasks");
        context.tasks().forEach(t -> tasks.add(t.id()));
        ObjectNode config = json.putObject("config");
        new java.util.TreeMap<>(cfg.values()).forEach(config::put);
        try {
            Files.writeString(dir.resolve(CONFIG), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CheckpointException("could not write " + dir.resolve(CONFIG) + ": " + IoErrors.describe(e), e);
        }
    }

    /**
     * The configuration a checkpoint was saved with, as parameters that make an agent of the same shape and
     * settings; the device is left out (it is the machine's choice, not the model's).
     */
    public static Map<String, String> savedParams(Path dir) {
        JsonNode json = readConfig(dir.resolve(CONFIG));
        Map<String, String> params = new LinkedHashMap<>();
        json.path("config").fields().forEachRemaining(e -> params.put(e.getKey(), e.getValue().asText()));
        params.remove("device");
        return params;
    }

    /** The ids of the tasks a checkpoint was made for, in its order (that of its task embeddings). */
    public static List<String> savedTasks(Path dir) {
        return tasksOf(readConfig(dir.resolve(CONFIG)));
    }

    private static List<String> tasksOf(JsonNode json) {
        List<String> tasks = new java.util.ArrayList<>();
        json.path("tasks").forEach(t -> tasks.add(t.asText()));
        return tasks;
    }

    /** Restores every tensor of {@code store}; returns the metadata. */
    public static Map<String, String> load(Path dir, ParamStore store, TdmpcConfig cfg, AgentContext context) {
        checkConfig(dir.resolve(CONFIG), cfg, context);
        Map<String, String> metadata = new LinkedHashMap<>();
        Path file = dir.resolve(TENSORS);
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException("no " + TENSORS + " in " + dir + "; is this a TD-MPC2 checkpoint directory? ("
                    + OTHER_AGENT + ")");
        }
        Map<String, SafeTensors.Tensor> tensors = SafeTensors.read(file, metadata);
        for (String key : List.of("steps", "optim_steps", "pi_optim_steps", "scale")) {
            if (!metadata.containsKey(key)) {
                throw new CheckpointException(file + " lacks the metadata entry '" + key + "'; it was not written "
                        + "by this agent");
            }
        }
        for (Map.Entry<String, NDArray> e : store.all().entrySet()) {
            SafeTensors.Tensor t = tensors.get(e.getKey());
            long[] expected = e.getValue().getShape().getShape();
            if (t == null) {
                throw new CheckpointException(file + " has no tensor '" + e.getKey() + "'; it belongs to a "
                        + "different model");
            }
            if (!Arrays.equals(t.shape(), expected)) {
                throw new CheckpointException(file + ": tensor '" + e.getKey() + "' has shape "
                        + Arrays.toString(t.shape()) + " but this agent needs " + Arrays.toString(expected));
            }
        }
        store.all().forEach((name, array) -> copyIn(tensors.get(name).data(), array, SLICE));
        return metadata;
    }

    /** About how many values {@link #copyIn} hands the engine at once (64 MB). */
    private static final long SLICE = 1 << 24;

    /**
     * Copies {@code values} into {@code array}, a slice of its first dimension's rows (about {@code slice} values,
     * {@link #SLICE}) at a time, a stop heeded between slices ({@link GivingUp}): the 317M model's largest tensor
     * holds 134M values, seconds to copy whole on a CPU, and the engine's copy is never cut mid-call.
     */
    static void copyIn(float[] values, NDArray array, long slice) {
        Shape shape = array.getShape();
        long rows = shape.dimension() == 0 ? 1 : shape.get(0);
        long rowSize = rows == 0 ? 0 : values.length / rows;
        long step = Math.max(1, slice / Math.max(1, rowSize));
        GivingUp.check();
        if (step >= rows) {
            try (NDArray loaded = array.getManager().create(values, shape)) {
                ParamStore.copyInto(loaded, array);
            }
            return;
        }
        for (long from = 0; from < rows; from += step) {
            long to = Math.min(rows, from + step);
            Shape part = new Shape(to - from).addAll(shape.slice(1));
            try (NDArray loaded = array.getManager().create(FloatBuffer.wrap(values, Math.toIntExact(from * rowSize),
                    Math.toIntExact((to - from) * rowSize)), part); NoGrad off = new NoGrad()) {
                array.set(new NDIndex("{}:{}", from, to), loaded);
            }
            GivingUp.check();
        }
    }

    private static JsonNode readConfig(Path file) {
        JsonNode json;
        try {
            json = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new CheckpointException("no " + CONFIG + " in " + file.getParent()
                    + "; is this a TD-MPC2 checkpoint directory? (" + OTHER_AGENT + ")");
        } catch (IOException e) {
            throw new CheckpointException(file + " is not readable JSON (" + e.getMessage() + "); the checkpoint "
                    + "is damaged", e);
        }
        if (json == null || !"tdmpc2".equals(json.path("agent").asText())) {
            throw new CheckpointException(file + " is not a TD-MPC2 checkpoint");
        }
        return json;
    }

    private static void checkConfig(Path file, TdmpcConfig cfg, AgentContext context) {
        JsonNode json = readConfig(file);
        for (String key : SHAPE_KEYS) {
            String saved = json.path("config").path(key).asText(null);
            if (saved != null && !saved.equals(cfg.values().get(key))) {
                throw CheckpointException.ofSetting("the checkpoint in " + file.getParent() + " has " + key + "="
                        + saved + " but this agent has " + key + "=" + cfg.values().get(key) + "; create the agent "
                        + "with " + key + "=" + saved + " to load it", key);
            }
        }
        List<String> tasks = context.tasks().stream().map(TaskSpec::id).toList();
        List<String> saved = tasksOf(json);
        int savedObs = json.path("observation_size").asInt();
        int savedAct = json.path("action_size").asInt();
        if (saved.equals(tasks) && (savedObs != context.observationSize() || savedAct != context.actionSize())) {
            // the same tasks of other sizes: a plug-in that changed its task since, not a mistake in the command
            List<String> grown = new ArrayList<>();
            for (TaskSpec t : context.tasks()) {
                if (t.observationSize() > savedObs) {
                    grown.add(t.id() + " now has observations of " + Messages.plural(t.observationSize(), "value"));
                }
                if (t.actionSize() > savedAct) {
                    grown.add(t.id() + " now has actions of " + Messages.plural(t.actionSize(), "entry", "entries"));
                }
            }
            throw new CheckpointException("the checkpoint in " + file.getParent() + " was made for "
                    + String.join(", ", saved) + " with observations of " + Messages.plural(savedObs, "value")
                    + " and actions of " + Messages.plural(savedAct, "entry", "entries") + " (the largest task's), but "
                    + "these tasks now have " + context.observationSize() + " and " + context.actionSize()
                    + (grown.isEmpty() ? "" : " (" + String.join(", ", grown) + ")")
                    + ": a task's plug-in has changed its sizes since the checkpoint was saved; load it with the "
                    + "plug-in version it was trained with");
        }
        if (!saved.equals(tasks) || savedObs != context.observationSize() || savedAct != context.actionSize()) {
            throw new CheckpointException("the checkpoint in " + file.getParent() + " was made for tasks " + saved
                    + " (obs " + json.path("observation_size").asInt() + ", action " + json.path("action_size").asInt()
                    + ") but this agent is for " + tasks + " (obs " + context.observationSize() + ", action "
                    + context.actionSize() + ")");
        }
    }
}
