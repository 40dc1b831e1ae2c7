package io.github.tdmpc2j.spi.agent;

import java.util.List;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Finds agent plug-ins by name. */
public final class Agents {
    private Agents() {
    }

    public static List<AgentProvider> list() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        TreeMap<String, AgentProvider> byName = new TreeMap<>();
        for (AgentProvider p : ServiceLoader.load(AgentProvider.class,
                loader != null ? loader : Agents.class.getClassLoader())) {
            byName.putIfAbsent(p.name(), p);
        }
        return List.copyOf(byName.values());
    }

    public static AgentProvider find(String name) {
        List<AgentProvider> all = list();
        return all.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new UnknownAgentException("unknown agent '" + name + "'; installed agents: "
                        + String.join(", ", all.stream().map(AgentProvider::name).toList())));
    }

    /** No installed agent plug-in has this name. */
    public static final class UnknownAgentException extends io.github.tdmpc2j.spi.TdmpcException {
        UnknownAgentException(String message) {
            super(message);
        }
    }

}
