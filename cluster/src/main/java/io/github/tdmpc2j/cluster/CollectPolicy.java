package io.github.tdmpc2j.cluster;

import io.github.tdmpc2j.data.Collector;
import io.github.tdmpc2j.data.DatasetPolicy;
import io.github.tdmpc2j.spi.TaskSpace;
import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.Agents;
import io.github.tdmpc2j.spi.agent.CheckpointException;
import io.github.tdmpc2j.spi.agent.CheckpointFolder;
import io.github.tdmpc2j.spi.agent.SubsetAgent;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The acting policy of a collection, as settings that travel to executors: an agent plug-in, and the
 * checkpoint folder it reads (none for {@code random}) with the agent settings and tasks recorded in it.
 *
 * @param agent      the agent plug-in's name
 * @param checkpoint the checkpoint folder (as a user names it: {@code RUN/checkpoint}, never the {@code .old} copy
 *                   a save leaves for a moment), or null
 * @param params     the agent's settings (the checkpoint's own, {@code device} overridden by the command)
 * @param tasks      the tasks the checkpoint was made for, in its order (empty: the collection's own); the
 *                   collection's tasks are some of them, in any order
 */
public record CollectPolicy(String agent, String checkpoint, Map<String, String> params, List<String> tasks)
        implements Serializable {
    public CollectPolicy {
        params = new HashMap<>(params); // a HashMap: serializable whatever map the caller gave
        tasks = new ArrayList<>(tasks);
    }

    /** A policy made for the collection's own tasks. */
    public CollectPolicy(String agent, String checkpoint, Map<String, String> params) {
        this(agent, checkpoint, params, List.of());
    }

    /**
     * A new agent acting in {@code collector}'s space, seeded {@code seed}, with the checkpoint's state: made for
     * the checkpoint's tasks and acting in the collection's ({@link SubsetAgent}) when they differ. The checkpoint
     * is verified and read whole ({@link CheckpointFolder#read}: a run that trains replaces it at every save), and
     * must be the one the collection's dataset records: a later save of its run is refused, since one dataset holds
     * the episodes of one policy.
     */
    public Agent create(Collector collector, long seed) {
        TaskSpace space = collector.space();
        TaskSpace agentSpace = tasks.isEmpty() ? space : collector.spaceOf(tasks);
        Agent a = Agents.find(agent).create(AgentContext.of(agentSpace, params, seed));
        if (checkpoint != null) {
            try {
                DatasetPolicy recorded = collector.index().policySource();
                CheckpointFolder.read(Path.of(checkpoint), m -> {
                    if (recorded.digest() != null && !recorded.digest().equals(m.digest())) {
                        throw new CheckpointException("the checkpoint " + checkpoint + " is no longer the one this "
                                + "collection records (" + recorded.describe() + "): its run saved another (step "
                                + m.step() + ") since the collection began, and one dataset holds the episodes of one "
                                + "policy. Collect from a copy of the checkpoint (cp -r " + checkpoint + " COPY, then "
                                + "--policy COPY), or once its run has stopped training.");
                    }
                    a.readState(m.dir());
                    return null;
                });
            } catch (RuntimeException e) {
                a.close();
                throw e;
            }
        }
        return SubsetAgent.within(a, agentSpace, space);
    }

    /** This policy on device {@code device} (a unit's GPU); itself when {@code device} is null. */
    public CollectPolicy onDevice(String device) {
        if (device == null) {
            return this;
        }
        Map<String, String> p = new HashMap<>(params);
        p.put("device", device);
        return new CollectPolicy(agent, checkpoint, p, tasks);
    }
}
