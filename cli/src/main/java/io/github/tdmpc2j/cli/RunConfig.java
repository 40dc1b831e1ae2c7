package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.spi.io.IoErrors;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.TaskSpace;
import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.AgentProvider;
import io.github.tdmpc2j.spi.agent.UnknownParameterException;
import io.github.tdmpc2j.spi.io.AtomicWrites;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The settings of a run as flat {@code key: value} pairs under the TD-MPC2 reference's names. Layers, later ones
 * winning: the trainer's defaults, a YAML file ({@code --config}), command-line options, {@code --set-param}
 * pairs. Trainer keys ({@link #TRAINER_KEYS}) are the command's; every other key goes to the agent, which rejects
 * the ones it does not know.
 */
final class RunConfig {
    static final Set<String> TRAINER_KEYS = Set.of("steps", "eval_freq", "eval_episodes", "seed", "task", "agent",
            "time_limit", "tasks", "set", "envs", "data");
    /** The options that set trainer keys, for messages about a key that a file or --set-param may give too. */
    private static final Map<String, String> OPTIONS = Map.of("steps", "--steps", "eval_freq", "--eval-every",
            "eval_episodes", "--eval-episodes", "seed", "--seed", "time_limit", "--time-limit", "envs", "--envs");
    /**
     * A key given twice is refused, not decided by its last line; so is anything after the mapping (lines after an
     * indented first key, which the parser otherwise stopped before and left out unsaid).
     */
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION))
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Map<String, String> values = new LinkedHashMap<>();

    RunConfig(Map<String, String> defaults) {
        values.putAll(defaults);
    }

    /** Adds every top-level scalar of a YAML mapping. */
    RunConfig file(Path yaml) {
        if (yaml == null) {
            return this;
        }
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(yaml, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new TdmpcException(yamlProblem(yaml, e), e);
        } catch (IOException e) {
            throw new TdmpcException("cannot read the config file " + yaml + ": " + IoErrors.describe(e), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new TdmpcException("the config file " + yaml + " is empty; it takes key: value pairs (horizon: 3, "
                    + "one a line)");
        }
        if (!root.isObject()) {
            throw new TdmpcException(yaml + " must be a YAML mapping of key: value pairs (horizon: 3, one a line), not "
                    + (root.isArray() ? "a list" : "a single value"));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isValueNode()) {
                throw new TdmpcException(yaml + ": '" + e.getKey() + "' must be a single value, not "
                        + (e.getValue().isArray() ? "a list" : "a mapping") + "; settings are flat key: value pairs "
                        + "under the reference's names (horizon: 3)");
            }
            values.put(e.getKey(), e.getValue().asText());
        }
        return this;
    }

    /**
     * A config file the YAML parser refused, in one line: the file, the line and column, what is wrong there in plain
     * words and what to do. The parser's own words (a stack of "while parsing ..." contexts with the line quoted)
     * stay in the exception's cause; its problem alone is said for a kind not listed here.
     */
    static String yamlProblem(Path file, JsonProcessingException e) {
        org.yaml.snakeyaml.error.MarkedYAMLException marked = null;
        for (Throwable t = e; t != null && marked == null; t = t.getCause()) {
            if (t instanceof org.yaml.snakeyaml.error.MarkedYAMLException m) {
                marked = m;
            }
        }
        String problem = marked != null && marked.getProblem() != null ? marked.getProblem()
                : String.valueOf(e.getOriginalMessage());
        problem = problem.replaceAll("\\s+", " ").trim();
        String context = marked != null && marked.getContext() != null ? marked.getContext() : "";
        org.yaml.snakeyaml.error.Mark at = marked != null ? marked.getProblemMark() : null;
        org.yaml.snakeyaml.error.Mark opened = marked != null ? marked.getContextMark() : null;
        String where = at != null ? "line " + (at.getLine() + 1) + ", column " + (at.getColumn() + 1)
                : e.getLocation() != null ? "line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr() : null;
        String openedAt = opened != null ? "line " + (opened.getLine() + 1) + ", column " + (opened.getColumn() + 1)
                : where;
        String what;
        String todo;
        if (problem.startsWith("Duplicate field")) {
            String key = problem.replaceAll("^Duplicate field '(.*)'$", "$1");
            what = "'" + key + "' is given a second time";
            todo = "give each key once (remove one of its lines)";
        } else if (problem.matches("Malformed numeric value '[-+]?\\.(?i:nan|inf)'")) {
            // YAML's .nan and .inf: refused rightly (no setting takes them), but they are YAML, read as a number
            String value = problem.replaceAll("^Malformed numeric value '(.*)'$", "$1");
            String key = e.getProcessor() instanceof JsonParser parser
                    ? parser.getParsingContext().getCurrentName() : null;
            what = (key != null ? "'" + key + "'" : "a value") + " is " + value + ", not a finite number";
            todo = "give it a finite number (or leave the key out for its default)";
        } else if (problem.contains("(TAB)")) {
            what = "a tab character where YAML takes spaces";
            todo = "indent with spaces, or better not at all: settings are flat, each key at the start of its line";
        } else if (problem.startsWith("mapping values are not allowed")) {
            what = "a ':' where no key: value pair can start (an indented key, or a value that holds ': ')";
            todo = "start each key at the beginning of its line, and quote a value that holds ': '";
        } else if (problem.contains("found '<scalar>'") || problem.contains("found '<anchor>'")) {
            what = "more text after a value (a quoted value with text after its closing quote, say)";
            todo = "quote the whole value, or remove what follows it";
        } else if (problem.contains("found '<block sequence start>'") || problem.contains("found '-'")) {
            what = "a list item ('- ...') among the settings";
            todo = "settings are single values: write key: value, one a line";
        } else if (problem.startsWith("expected <block end>") || problem.startsWith("expected <block mapping")
                || problem.startsWith("expected the document end") || problem.startsWith("expected '<document start>'")) {
            what = "a line indented differently from the keys before it";
            todo = "start each key at the beginning of its line (settings are flat)";
        } else if (problem.startsWith("could not find expected ':'")) {
            what = "a key without ': ' after it (the line that starts at " + openedAt + ")";
            todo = "write each setting as key: value, a space after the colon";
        } else if (context.contains("quoted scalar")) {
            what = "a quoted value, opened at " + openedAt + ", that is not closed";
            todo = "end it with the same quote it starts with, on the same line";
        } else if (context.contains("flow sequence") || context.contains("flow mapping")) {
            boolean list = context.contains("sequence");
            what = "a " + (list ? "'['" : "'{'") + ", opened at " + openedAt + ", that is not closed with "
                    + (list ? "']'" : "'}'");
            todo = "settings are single values: remove the bracket (or quote the value)";
        } else {
            what = "not YAML the parser can read (" + problem + ")";
            todo = "write one key: value pair a line, each key at the start of its line, each key once";
        }
        return "cannot read the config file " + file + (where == null ? "" : ", " + where) + ": " + what + "; "
                + todo;
    }

    RunConfig set(String key, Object value) {
        if (value != null) {
            values.put(key, String.valueOf(value));
        }
        return this;
    }

    /** {@code key=value} pairs, as given to --set-param. */
    RunConfig pairs(List<String> pairs) {
        if (pairs == null) {
            return this;
        }
        for (String p : pairs) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new TdmpcException("--set-param takes key=value, got '" + p + "'");
            }
            values.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
        }
        return this;
    }

    RunConfig remove(String... keys) {
        for (String key : keys) {
            values.remove(key);
        }
        return this;
    }

    /** Sets every pair of {@code pairs} (a later layer: its values win). */
    RunConfig setAll(Map<String, String> pairs) {
        values.putAll(pairs);
        return this;
    }

    String get(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new TdmpcException("the run needs a value for '" + key + "'");
        }
        return v;
    }

    long getLong(String key) {
        try {
            return Long.parseLong(get(key));
        } catch (NumberFormatException e) {
            throw new TdmpcException("'" + key + "'" + option(key) + " must be a whole number from " + Long.MIN_VALUE
                    + " to " + Long.MAX_VALUE + ", got '" + get(key) + "'");
        }
    }

    /** A whole number that fits an {@code int} (a count: episodes, envs), never one silently cut to 32 bits. */
    int getInt(String key) {
        try {
            return Integer.parseInt(get(key));
        } catch (NumberFormatException e) {
            throw new TdmpcException("'" + key + "'" + option(key) + " must be a whole number of at most "
                    + Integer.MAX_VALUE + ", got '" + get(key) + "'");
        }
    }

    /** A count that must be at least 1 (steps, an evaluation's episodes), named with its option in the message. */
    long positiveLong(String key) {
        long n = getLong(key);
        if (n <= 0) {
            throw new TdmpcException("'" + key + "'" + option(key) + " must be positive, got " + n);
        }
        return n;
    }

    /** {@link #positiveLong} for a count that fits an {@code int}. */
    int positiveInt(String key) {
        int n = getInt(key);
        if (n <= 0) {
            throw new TdmpcException("'" + key + "'" + option(key) + " must be positive, got " + n);
        }
        return n;
    }

    /** " (--option)" for a trainer key that the command line sets with an option of another spelling. */
    private static String option(String key) {
        String option = OPTIONS.get(key);
        return option == null ? "" : " (" + option + ")";
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    double getDouble(String key) {
        try {
            return Double.parseDouble(get(key));
        } catch (NumberFormatException e) {
            throw new TdmpcException("'" + key + "' must be a number, got '" + get(key) + "'");
        }
    }

    /**
     * A resumed run keeps the settings its checkpoint was saved with ({@code saved}, from the agent's provider);
     * settings given again change only what they name, except the two that pick the model, which must agree.
     * Returns the settings it changes, each with the checkpoint's value (in the order given), for the notice
     * {@link #changedOnResume}.
     */
    Map<String, String> keepCheckpointSettings(Map<String, String> saved, Path checkpoint) {
        for (String key : List.of("preset", "model_size")) {
            if (values.containsKey(key) && saved.containsKey(key) && !values.get(key).equals(saved.get(key))) {
                throw new TdmpcException("the checkpoint in " + checkpoint + " was trained with " + key + "="
                        + saved.get(key) + ", not " + values.get(key) + "; --resume keeps the checkpoint's settings, "
                        + "so leave out the " + key + " option (or start a new run without --resume)");
            }
        }
        Map<String, String> changed = new LinkedHashMap<>();
        values.forEach((key, value) -> {
            if (saved.containsKey(key) && !sameValue(value, saved.get(key))) {
                changed.put(key, saved.get(key));
            }
        });
        saved.forEach(values::putIfAbsent);
        return changed;
    }

    /** Whether two spellings of a setting are one value: {@code false} and {@code False}, {@code 1e-3} and 0.001. */
    static boolean sameValue(String a, String b) {
        if (a.strip().equalsIgnoreCase(b.strip())) {
            return true;
        }
        try {
            return Double.parseDouble(a.strip()) == Double.parseDouble(b.strip());
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * The notice of a resumed run in {@code dir} that goes on with other settings than its checkpoint was saved
     * with ({@code changed}, from {@link #keepCheckpointSettings}), or null when there are none: the checkpoints it
     * saves record this run's settings, and eval acts with them (planning off, say), which it did not say.
     */
    String changedOnResume(Map<String, String> changed, Path dir) {
        if (changed.isEmpty()) {
            return null;
        }
        List<String> now = changed.keySet().stream().map(k -> k + "=" + values.get(k)).toList();
        List<String> before = changed.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        return "the run goes on with " + String.join(", ", now) + " (its checkpoint was saved with "
                + String.join(", ", before) + "): the checkpoints it saves from now on record "
                + (changed.size() == 1 ? "it" : "them") + ", and `tdmpc2j eval --checkpoint " + dir + "` acts with "
                + (changed.size() == 1 ? "it" : "them") + " (there --set-param " + String.join(" --set-param ",
                before) + " acts as before)";
    }

    /**
     * The agent of this run, made with {@link #agentParams}. A key it does not know that is close to a trainer key or
     * an option's spelling ({@code eval_every}, {@code step}) is refused with that key, which the agent's own
     * suggestions cannot name.
     */
    Agent createAgent(AgentProvider provider, TaskSpace space, long seed) {
        return withTrainerKeys(() -> provider.create(AgentContext.of(space, agentParams(), seed)));
    }

    /**
     * Refuses, before any env is made, a training run of this config's {@code steps} on {@code envs} envs that the
     * agent could not finish in a JVM of {@code heapBytes} ({@link AgentProvider#checkRun}); its messages are those
     * of {@link #createAgent}.
     */
    void checkRun(AgentProvider provider, TaskSpace space, long seed, int envs, long heapBytes) {
        long steps = positiveLong("steps");
        withTrainerKeys(() -> {
            provider.checkRun(AgentContext.of(space, agentParams(), seed), steps, envs, heapBytes);
            return null;
        });
    }

    /**
     * Refuses, before an episode is read, offline training from a dataset of {@code datasetSteps} steps that the
     * agent could not hold in a JVM of {@code heapBytes} ({@link AgentProvider#checkOfflineRun}); its messages are
     * those of {@link #createAgent}.
     */
    void checkOfflineRun(AgentProvider provider, TaskSpace space, long seed, long datasetSteps, long heapBytes) {
        withTrainerKeys(() -> {
            provider.checkOfflineRun(AgentContext.of(space, agentParams(), seed), datasetSteps, heapBytes);
            return null;
        });
    }

    private <T> T withTrainerKeys(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (UnknownParameterException e) {
            Map<String, String> forms = new LinkedHashMap<>(); // what a user may type for a trainer key -> the key
            for (String key : TRAINER_KEYS) {
                forms.put(key, key);
                if (OPTIONS.containsKey(key)) {
                    String bare = OPTIONS.get(key).substring(2);
                    forms.put(bare, key);
                    forms.put(bare.replace('-', '_'), key);
                }
            }
            List<String> near = EnvRegistry.closest(e.key(), forms.keySet(), 1);
            if (near.isEmpty()) {
                throw e;
            }
            String key = forms.get(near.get(0));
            throw new TdmpcException("'" + e.key() + "' is a setting of neither the trainer nor the agent: did you "
                    + "mean the trainer's " + key + option(key) + "? The agent says: " + e.getMessage(), e);
        }
    }

    /** Everything that is not a trainer key: the agent's parameters. */
    Map<String, String> agentParams() {
        Map<String, String> p = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (!TRAINER_KEYS.contains(k)) {
                p.put(k, v);
            }
        });
        return p;
    }

    Map<String, String> all() {
        return Map.copyOf(values);
    }

    /** Writes the settings as one unit (a run killed while writing keeps the previous {@code config.yaml}). */
    void write(Path file) {
        write(file, "the resolved settings of this run");
    }

    /** {@link #write(Path)} under a first line of its own, {@code # about}. */
    void write(Path file, String about) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            StringBuilder sb = new StringBuilder("# " + about + "\n");
            values.forEach((k, v) -> sb.append(k).append(": ").append(quote(v)).append('\n'));
            AtomicWrites.writeString(file, sb.toString());
        } catch (IOException e) {
            throw new TdmpcException("cannot write " + file + ": " + IoErrors.describe(e), e);
        }
    }

    private static String quote(String v) {
        return v.matches("[A-Za-z0-9_.+\\-/]+") ? v : "'" + v.replace("'", "''") + "'";
    }
}
