package io.github.tdmpc2j.cluster;

import io.github.tdmpc2j.data.Collector;
import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.agent.Agents;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The acting policy of a collection, as settings that travel to executors: an agent plug-in, and the
 * checkpoint folder it reads (none for {@code random}) with the agent settings recorded in it.
 *
 * @param agent      the agent plug-in's name
 * @param checkpoint the checkpoint folder, or null
 * @param params     the agent's settings (the checkpoint's own, {@code device} overridden by the command)
 */
public record CollectPolicy(String agent, String checkpoint, Map<String, String> params) implements Serializable {
    public CollectPolicy {
        params = new HashMap<>(params); // a HashMap: serializable whatever map the caller gave
    }

    /** A new agent acting in {@code collector}'s space, seeded {@code seed}, with the checkpoint's state. */
    public Agent create(Collector collector, long seed) {
        Agent a = Agents.find(agent).create(collector.agentContext(params, seed));
        if (checkpoint != null) {
            try {
                a.readState(Path.of(checkpoint));
            } catch (RuntimeException e) {
                a.close();
                throw e;
            }
        }
        return a;
    }

    /** This policy on device {@code device} (a unit's GPU); itself when {@code device} is null. */
    public CollectPolicy onDevice(String device) {
        if (device == null) {
            return this;
        }
        Map<String, String> p = new HashMap<>(params);
        p.put("device", device);
        return new CollectPolicy(agent, checkpoint, p);
    }
}
