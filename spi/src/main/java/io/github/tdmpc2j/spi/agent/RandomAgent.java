package io.github.tdmpc2j.spi.agent;

import io.github.tdmpc2j.spi.io.IoErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * Uniform random actions in [-1, 1] on each task's masked entries. Learns nothing; a baseline. Each row draws
 * from its own generator, reseeded by {@link #beginEpisode}, so an episode's actions depend on its seed alone.
 */
public final class RandomAgent implements Agent {
    static final String FILE = "random-agent.properties";

    private final AgentContext context;
    private final Random rng;
    private final Map<Integer, Random> trainRows = new HashMap<>();
    private final Map<Integer, Random> evalRows = new HashMap<>();
    private long steps;

    public RandomAgent(AgentContext context) {
        this.context = AgentContext.require(context);
        this.rng = new Random(context.seed());
    }

    /** Reseeds the actions of rows with no episode begun (each episode reseeds its own row). */
    @Override
    public void reseed(long seed) {
        rng.setSeed(seed);
    }

    /** Reseeds the row's actions: the episode's actions depend only on {@code seed}. */
    @Override
    public void beginEpisode(int row, int task, boolean eval, long seed) {
        rows(eval).computeIfAbsent(row, r -> new Random()).setSeed(seed);
    }

    @Override
    public float[][] act(float[][] observations, int[] tasks, boolean eval) {
        context.requireAct(observations, tasks);
        float[][] actions = new float[observations.length][];
        for (int row = 0; row < observations.length; row++) {
            if (observations[row] == null) {
                continue;
            }
            float[] mask = context.actionMasks().get(tasks[row]);
            Random r = rows(eval).getOrDefault(row, rng);
            float[] a = new float[context.actionSize()];
            for (int i = 0; i < a.length; i++) {
                a[i] = mask[i] * (2f * r.nextFloat() - 1f);
            }
            actions[row] = a;
        }
        return actions;
    }

    private Map<Integer, Random> rows(boolean eval) {
        return eval ? evalRows : trainRows;
    }

    @Override
    public Map<String, Double> observe(Transition[] transitions) {
        context.requireTransitions(transitions);
        for (Transition t : transitions) {
            if (t != null) {
                steps++;
            }
        }
        return Map.of();
    }

    @Override
    public java.util.Optional<io.github.tdmpc2j.spi.TaskSpace> space() {
        return java.util.Optional.of(context.space());
    }

    @Override
    public long steps() {
        return steps;
    }

    @Override
    public void writeState(Path dir) throws IOException {
        Files.writeString(dir.resolve(FILE), "agent=random\nsteps=" + steps + "\n", StandardCharsets.UTF_8);
    }

    @Override
    public void readState(Path dir) {
        Path file = dir.resolve(FILE);
        try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            java.util.Properties p = new java.util.Properties();
            p.load(reader);
            if (!"random".equals(p.getProperty("agent"))) {
                throw new CheckpointException(file + " is not a random-agent checkpoint; load it with the agent "
                        + "that wrote it");
            }
            steps = Long.parseLong(p.getProperty("steps", "0"));
        } catch (IOException e) {
            throw new CheckpointException("could not load a random agent from " + dir + ": " + IoErrors.describe(e)
                    + "; is it a random-agent checkpoint? (one of another agent loads with --agent NAME)", e);
        } catch (NumberFormatException e) {
            throw new CheckpointException("could not load a random agent from " + file + ": " + e.getMessage()
                    + "; is it a random-agent checkpoint?", e);
        }
    }

    @Override
    public void close() {
    }
}
