package io.github.tdmpc2j.data;

import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.io.IoErrors;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.github.tdmpc2j.spi.io.AtomicWrites;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.github.tdmpc2j.spi.TaskSpace;
import io.github.tdmpc2j.spi.TaskSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The content of {@code dataset.json}.
 *
 * @param observationSize the padded observation size O
 * @param actionSize      the padded action size A
 * @param actionMasks     one 0/1 row of length A per task
 * @param policy          what produced the episodes ({@code random}, or a checkpoint folder's path)
 * @param policyStep      the checkpoint's step (null for {@code random}; version 2)
 * @param policyDigest    the digest of the checkpoint's files (null for {@code random}; version 2)
 * @param seed            the collection's base seed ({@code --seed}; version 2, null in version 1)
 */
public record DatasetIndex(String format, int version, int observationSize, int actionSize, List<DatasetTask> tasks,
        List<float[]> actionMasks, String policy, Long policyStep, String policyDigest, Long seed) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * The index of a dataset of the tasks of {@code space}, in its order, with its sizes and action masks, of
     * episodes by {@code policy}; no seed yet ({@link #withSeed}).
     */
    public static DatasetIndex of(TaskSpace space, DatasetPolicy policy) {
        List<DatasetTask> tasks = new ArrayList<>();
        List<float[]> masks = new ArrayList<>();
        for (int i = 0; i < space.taskCount(); i++) {
            TaskSpec s = space.spec(i);
            tasks.add(new DatasetTask(i, s.id(), s.observationSize(), s.actionSize(), s.maxEpisodeSteps(),
                    s.actionRepeat(), s.revision()));
            masks.add(space.actionMask(i));
        }
        return new DatasetIndex(DatasetLayout.FORMAT, DatasetLayout.VERSION, space.observationSize(),
                space.actionSize(), tasks, masks, policy.name(), policy.step(), policy.digest(), null);
    }

    /** This index for a collection with base seed {@code seed}. */
    public DatasetIndex withSeed(long seed) {
        return new DatasetIndex(format, version, observationSize, actionSize, tasks, actionMasks, policy, policyStep,
                policyDigest, seed);
    }

    /** What produced the episodes. */
    public DatasetPolicy policySource() {
        return new DatasetPolicy(policy, policyStep, policyDigest);
    }

    public List<String> taskIds() {
        return tasks.stream().map(DatasetTask::id).toList();
    }

    /** Whether {@code other} lists the same tasks in the same order with the same sizes, whatever their revisions. */
    public boolean sameTaskShapes(DatasetIndex other) {
        if (tasks.size() != other.tasks.size()) {
            return false;
        }
        for (int i = 0; i < tasks.size(); i++) {
            if (!tasks.get(i).sameShape(other.tasks.get(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The revisions the episodes were collected on, task id to revision; null when this index records none (written
     * before they were recorded).
     */
    public java.util.Map<String, Integer> revisions() {
        if (tasks.stream().anyMatch(t -> t.revision() == null)) {
            return null;
        }
        java.util.Map<String, Integer> revisions = new java.util.LinkedHashMap<>();
        tasks.forEach(t -> revisions.put(t.id(), t.revision()));
        return revisions;
    }

    void writeAtomically(Path dir) throws IOException {
        Files.createDirectories(dir);
        AtomicWrites.replace(DatasetLayout.index(dir), tmp -> JSON.writeValue(tmp.toFile(), this));
    }

    public static DatasetIndex read(Path dir) {
        Path file = DatasetLayout.index(dir);
        if (!Files.isRegularFile(file)) {
            throw new DatasetException(dir + " is not a dataset: it has no " + DatasetLayout.INDEX + notDatasetHint(dir));
        }
        JsonNode json;
        try {
            json = JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw damaged(file, e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file + ": " + IoErrors.describe(e), e);
        }
        // the format and version first: a newer version's index may have fields this one does not know
        String format = json != null ? json.path("format").asText(null) : null;
        int version = json != null ? json.path("version").asInt(0) : 0;
        if (json == null || !json.isObject() || format == null) {
            throw damaged(file, "it is not a JSON object with a format", null);
        }
        if (!DatasetLayout.FORMAT.equals(format)) {
            // another tool's index of the same name: nothing here reads it, and nothing should tell to delete it
            throw new DatasetException(file + " is format " + format + " v" + version + ", not a dataset of tdmpc2j ("
                    + DatasetLayout.FORMAT + ", which `tdmpc2j collect` and `tdmpc2j import-data` write): another "
                    + "tool's dataset does not read here. Give a folder that collect or import-data wrote, and "
                    + "collect or import into a new --out folder");
        }
        if (version < 1 || version > DatasetLayout.VERSION) {
            throw new DatasetException(file + " is format " + format + " v" + version + "; this version reads "
                    + DatasetLayout.FORMAT + " v1 to v" + DatasetLayout.VERSION
                    + (version > DatasetLayout.VERSION ? ": it was written by a newer tdmpc2j, which reads it" : ""));
        }
        DatasetIndex index;
        try {
            index = JSON.treeToValue(json, DatasetIndex.class);
        } catch (JsonProcessingException e) {
            throw damaged(file, e.getOriginalMessage(), e);
        }
        String wrong = index.inconsistency();
        if (wrong != null) {
            throw damaged(file, wrong, null);
        }
        return index;
    }

    /**
     * What in this index does not follow from its tasks (they are in order, the padded sizes are the largest of
     * theirs, each task's action mask is 1 on its own entries): an index edited by hand; null when all does.
     */
    private String inconsistency() {
        if (tasks == null || tasks.isEmpty() || actionMasks == null) {
            return "it lists no tasks or no action masks";
        }
        int o = 0;
        int a = 0;
        for (int i = 0; i < tasks.size(); i++) {
            DatasetTask t = tasks.get(i);
            if (t == null || t.id() == null || t.index() != i || t.observationSize() < 1 || t.actionSize() < 1) {
                return "its task " + i + " is not a task numbered " + i + " with an id and sizes";
            }
            if (t.revision() != null && t.revision() < 1) {
                return "its task " + i + " (" + t.id() + ") is at revision " + t.revision() + "; revisions start at 1";
            }
            o = Math.max(o, t.observationSize());
            a = Math.max(a, t.actionSize());
        }
        if (observationSize != o || actionSize != a) {
            return "its padded sizes (observation " + observationSize + ", action " + actionSize
                    + ") are not the largest of its tasks' (" + o + ", " + a + ")";
        }
        if (actionMasks.size() != tasks.size()) {
            return "it has " + Messages.plural(actionMasks.size(), "action mask") + " for "
                    + Messages.plural(tasks.size(), "task");
        }
        for (int i = 0; i < tasks.size(); i++) {
            float[] mask = actionMasks.get(i);
            boolean ok = mask != null && mask.length == a;
            for (int j = 0; ok && j < a; j++) {
                ok = mask[j] == (j < tasks.get(i).actionSize() ? 1f : 0f);
            }
            if (!ok) {
                return "the action mask of task " + i + " (" + tasks.get(i).id() + ") is not "
                        + Messages.plural(a, "entry", "entries") + ", 1 on its first " + tasks.get(i).actionSize()
                        + " and 0 after";
            }
        }
        return null;
    }

    /**
     * {@code collect} and {@code import-data} write the index whole, so one they cannot read was damaged since; it can
     * be made again. A folder without episodes is not taken for a dataset of ours: the file may be another tool's.
     */
    private static DatasetException damaged(Path file, String reason, Exception cause) {
        if (!Files.isDirectory(file.resolveSibling("episodes"))) {
            return new DatasetException(file + " is not the index of a tdmpc2j dataset (" + reason + "), and "
                    + file.getParent() + " holds no episodes/ folder: give a folder that `tdmpc2j collect` or "
                    + "`tdmpc2j import-data` wrote, and collect or import into a new --out folder", cause);
        }
        return new DatasetException(file + " is damaged (" + reason + "): put back a copy, or delete it and run the "
                + "command that made the dataset again, which writes it anew and keeps the episodes already there: "
                + "the same collect (its --tasks, --seed and --policy) or the same import-data (its chunks and --set)",
                cause);
    }

    /** What to do with a folder that has no index: import the reference's chunk files it holds, or collect. */
    private static String notDatasetHint(Path dir) {
        boolean chunks = false;
        if (Files.isDirectory(dir)) {
            try (java.util.stream.Stream<Path> files = Files.list(dir)) {
                chunks = files.anyMatch(f -> f.getFileName().toString().endsWith(".pt"));
            } catch (IOException e) {
                chunks = false; // the hint only: the message stands without it
            }
        }
        return chunks ? "; it holds .pt files (the TD-MPC2 reference's mt30 or mt80 chunks?): import them first, "
                + "`tdmpc2j import-data " + dir + " --out DATASET --set mt30` (or mt80), and give DATASET"
                : " (make one with `tdmpc2j collect`, or with `tdmpc2j import-data` from the TD-MPC2 reference's "
                + "chunk files)";
    }
}
