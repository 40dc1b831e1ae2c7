package org.example.agent;

import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.AgentProvider;
import io.github.tdmpc2j.spi.agent.CheckpointException;
import io.github.tdmpc2j.spi.agent.Transition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A third-party agent plug-in, compiled and packed into a jar by AgentPluginJarTest: acts {@code value} (the
 * parameter, default 0.5) on every entry of its task's action mask and learns nothing; it counts the steps it
 * observed and keeps them in its checkpoint.
 */
public final class ConstantAgentProvider implements AgentProvider {
    public String name() {
        return "constant";
    }

    public String description() {
        return "the same action every step; params: value=V (default 0.5)";
    }

    public Agent create(AgentContext context) {
        return new ConstantAgent(context, Float.parseFloat(context.params().getOrDefault("value", "0.5")));
    }

    static final class ConstantAgent implements Agent {
        private final AgentContext context;
        private final float value;
        private long steps;

        ConstantAgent(AgentContext context, float value) {
            this.context = context;
            this.value = value;
        }

        public void beginEpisode(int row, int task, boolean eval, long seed) {
        }

        public float[][] act(float[][] observations, int[] tasks, boolean eval) {
            float[][] actions = new float[observations.length][]; // null for a row with no observation
            for (int row = 0; row < observations.length; row++) {
                if (observations[row] != null) {
                    float[] a = context.actionMask(tasks[row]); // 1 on the task's own entries, 0 past them
                    for (int i = 0; i < a.length; i++) {
                        a[i] *= value;
                    }
                    actions[row] = a;
                }
            }
            return actions;
        }

        public Map<String, Double> observe(Transition[] transitions) {
            for (Transition t : transitions) {
                if (t != null) { // null: a row that did not step
                    steps++;
                }
            }
            return Map.of(); // no update ran
        }

        public long steps() {
            return steps;
        }

        public void writeState(Path dir) throws IOException {
            Files.writeString(dir.resolve("constant.txt"), Long.toString(steps));
        }

        public void readState(Path dir) {
            try {
                steps = Long.parseLong(Files.readString(dir.resolve("constant.txt")).strip());
            } catch (NoSuchFileException e) {
                throw new CheckpointException("no constant.txt in " + dir + "; is it a checkpoint of the constant "
                        + "agent?");
            } catch (IOException | NumberFormatException e) {
                throw new CheckpointException("cannot read " + dir.resolve("constant.txt") + ": " + e, e);
            }
        }

        public void close() {
        }
    }
}
