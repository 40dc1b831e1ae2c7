package io.github.tdmpc2j.spi.agent;

import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.ProviderDiscovery;
import io.github.tdmpc2j.spi.TdmpcException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * An agent of an installed plug-in, checked at every call, so that a broken plug-in stops a run with a
 * {@link io.github.tdmpc2j.spi.PluginException} naming it rather than with a stack trace, a hang or silent
 * garbage: a call that throws an untyped exception or answers null, and actions that break
 * {@link Agent#act(float[][], int[], boolean)}'s contract (another number of rows, an action missing for a row that
 * steps or given to one that does not, another size than the agent's, an entry that is not finite or not 0 outside
 * the task's action mask), and metrics of {@link #observe} without a name or a value. Typed failures
 * ({@link TdmpcException}) and a {@link #writeState} I/O error pass as they are. What the caller gives is checked
 * before the plug-in sees it, as tdmpc2j's own agents check it ({@link AgentContext#requireAct},
 * {@link AgentContext#requireTransitions}, {@link AgentContext#requireEpisode}):
 * a caller's mistake (an observation of another size, a task the agent was not made for) is its typed exception,
 * never put down to the plug-in.
 */
class CheckedAgent implements Agent {
    private final Agent agent;
    private final AgentContext context;
    private final CheckedAgentProvider plugin;

    CheckedAgent(Agent agent, AgentContext context, CheckedAgentProvider plugin) {
        this.agent = agent;
        this.context = context;
        this.plugin = plugin;
    }

    @Override
    public void beginEpisode(int row, int task, boolean eval, long seed) {
        context.requireTask(task, -1);
        run("beginEpisode", () -> agent.beginEpisode(row, task, eval, seed));
    }

    @Override
    public void reseed(long seed) {
        run("reseed", () -> agent.reseed(seed));
    }

    @Override
    public float[][] act(float[][] observations, int[] tasks, boolean eval) {
        context.requireAct(observations, tasks); // the caller's mistakes, named as the agents of tdmpc2j name them
        float[][] actions = plugin.call("act", () -> agent.act(observations, tasks, eval));
        if (actions.length != observations.length) {
            throw plugin.failed("act returned " + Messages.plural(actions.length, "action") + " for "
                    + Messages.plural(observations.length, "row") + "; it returns one per row", null);
        }
        for (int row = 0; row < actions.length; row++) {
            float[] a = actions[row];
            if (observations[row] == null) {
                if (a != null) {
                    throw plugin.failed("act returned an action for row " + row + ", which has no observation "
                            + "(the row does not step); such a row gets a null action", null);
                }
                continue;
            }
            if (a == null) {
                throw plugin.failed("act returned no action for row " + row + ", which has an observation; every "
                        + "row with one gets an action", null);
            }
            if (a.length != context.actionSize()) {
                throw plugin.failed("act returned an action of " + Messages.plural(a.length, "entry", "entries")
                        + " for row " + row + "; the agent's actions have " + context.actionSize()
                        + " (AgentContext.actionSize())", null);
            }
            float[] mask = context.actionMasks().get(tasks[row]);
            for (int i = 0; i < a.length; i++) {
                if (!Float.isFinite(a[i])) {
                    throw plugin.failed("act returned " + a[i] + " at entry " + i + " of row " + row
                            + "'s action; actions must be finite", null);
                }
                if (mask[i] == 0 && a[i] != 0) {
                    throw plugin.failed("act returned " + a[i] + " at entry " + i + " of row " + row + "'s action, "
                            + "outside the action mask of its task " + context.tasks().get(tasks[row]).id()
                            + "; entries outside a task's mask must be 0 (AgentContext.actionMask)", null);
                }
            }
        }
        return actions;
    }

    @Override
    public Map<String, Double> observe(Transition[] transitions) {
        context.requireTransitions(transitions);
        Map<String, Double> metrics = plugin.call("observe", () -> agent.observe(transitions));
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw plugin.failed("observe returned a metric " + (e.getKey() == null ? "without a name (null)"
                        : "'" + e.getKey() + "' without a value (null)") + "; each metric maps a name to a number: "
                        + "leave out one that has none", null);
            }
        }
        return metrics;
    }

    @Override
    public void interruptUpdates() {
        agent.interruptUpdates(); // from a signal handler's thread: nothing to report there
    }

    @Override
    public java.util.Optional<io.github.tdmpc2j.spi.TaskSpace> space() {
        return java.util.Optional.of(context.space());
    }

    @Override
    public long steps() {
        return plugin.call("steps", agent::steps);
    }

    @Override
    public void writeState(Path dir) throws IOException {
        CheckpointFolder.requireFolder(dir);
        try {
            agent.writeState(dir);
        } catch (TdmpcException | IOException e) {
            throw e; // a disk that fails the agent's writing is no defect of the agent's
        } catch (Throwable e) {
            throw plugin.failed("writeState threw " + ProviderDiscovery.describeFault(e), e);
        }
    }

    /**
     * The plug-in's readState of a checkpoint whose files are whole (its manifest's checksums verified); an untyped
     * failure names the checkpoint, and says what to do: make the agent that wrote it, or report the plug-in.
     */
    @Override
    public void readState(Path dir) {
        CheckpointFolder.requireFolder(dir);
        try {
            agent.readState(dir);
        } catch (TdmpcException e) {
            throw e;
        } catch (Throwable e) {
            throw plugin.failed("readState of the checkpoint " + dir + " threw " + ProviderDiscovery.describeFault(e)
                    + "; the checkpoint's files are whole (they match its manifest): if another agent wrote it, "
                    + "make that one (tdmpc2j's --agent NAME), else this plug-in cannot read it (report that to its "
                    + "authors)", e);
        }
    }

    /** Saves as {@link Agent#save} does, through the checked {@link #writeState}: a failure names writeState. */
    @Override
    public void save(Path dir) {
        Agent.super.save(dir);
    }

    /**
     * Loads as {@link Agent#load} does, through the checked {@link #readState}: a failure names the plug-in's
     * readState and the checkpoint (it read "load threw ...", the agent's default load having called its readState).
     */
    @Override
    public void load(Path dir) {
        Agent.super.load(dir);
    }

    @Override
    public void close() {
        run("close", agent::close);
    }

    private void run(String what, Runnable call) {
        plugin.call(what, () -> {
            call.run();
            return Boolean.TRUE;
        });
    }

    /** A checked agent that also learns offline. */
    static final class Offline extends CheckedAgent implements OfflineLearner {
        private final OfflineLearner learner;

        Offline(Agent agent, AgentContext context, CheckedAgentProvider plugin) {
            super(agent, context, plugin);
            this.learner = (OfflineLearner) agent;
        }

        @Override
        public void addEpisode(Episode episode) {
            super.context.requireEpisode(episode);
            super.run("addEpisode", () -> learner.addEpisode(episode));
        }

        @Override
        public Map<String, Double> update() {
            return super.plugin.call("update", learner::update);
        }
    }
}
