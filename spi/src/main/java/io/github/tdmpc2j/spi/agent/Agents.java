package io.github.tdmpc2j.spi.agent;

import io.github.tdmpc2j.spi.PluginFailure;
import io.github.tdmpc2j.spi.ProviderDiscovery;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds agent plug-ins by name. */
public final class Agents {
    private static final Logger LOG = LoggerFactory.getLogger(Agents.class);

    private Agents() {
    }

    /**
     * The agent plug-ins that loaded, sorted by name and checked as {@link #find} gives them (a call that fails
     * untyped or answers null is a PluginException naming the plug-in), and the ones left out with why.
     *
     * @param sources each loaded plug-in's jar (its file name) or class folder, by agent name
     */
    public record Installed(List<AgentProvider> providers, List<PluginFailure> failures, Map<String, String> sources) {
    }

    /**
     * The agent plug-ins visible to the thread's context class loader. One that fails (a missing class, no public
     * no-argument constructor, a constructor or {@code name()} that throws, a null or taken name) is logged with
     * its jar and the reason and left out; the others work.
     */
    public static Installed discover() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        List<PluginFailure> failures = new ArrayList<>();
        TreeMap<String, AgentProvider> byName = new TreeMap<>();
        Map<String, String> sources = new HashMap<>();
        for (ProviderDiscovery.Found<AgentProvider> f : ProviderDiscovery.discover(AgentProvider.class,
                context != null ? context : Agents.class.getClassLoader(), failures)) {
            AgentProvider p = f.provider();
            String name;
            try {
                name = p.name();
                p.description();
            } catch (Throwable e) {
                failures.add(new PluginFailure(f.source(), p.getClass().getName(), null,
                        "name() or description() threw "
                                + ProviderDiscovery.describeFault(e)));
                continue;
            }
            if (name == null || name.isBlank()) {
                failures.add(new PluginFailure(f.source(), p.getClass().getName(), null,
                        "name() returned " + (name == null ? "null" : "an empty name")));
            } else if (byName.containsKey(name)) {
                failures.add(new PluginFailure(f.source(), p.getClass().getName(), null, "the agent name '" + name
                        + "' is already taken by " + byName.get(name).getClass().getName()));
            } else {
                byName.put(name, p);
                sources.put(name, f.source());
            }
        }
        for (PluginFailure failure : failures) {
            LOG.warn("{}; the agent plug-in is left out", failure);
        }
        return new Installed(byName.values().stream()
                .<AgentProvider>map(p -> new CheckedAgentProvider(p, sources.get(p.name()))).toList(),
                List.copyOf(failures), Map.copyOf(sources));
    }

    public static List<AgentProvider> list() {
        return discover().providers();
    }

    /**
     * The installed agent plug-in named {@code name}, checked: a call into it that fails untyped, and an agent of
     * it that breaks the {@link Agent} contract (actions of another shape, not finite), is a
     * {@link io.github.tdmpc2j.spi.PluginException} naming the plug-in and its jar.
     */
    public static AgentProvider find(String name) {
        Installed installed = discover();
        List<AgentProvider> all = installed.providers();
        return all.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new UnknownAgentException("unknown agent '" + name + "'; installed agents: "
                        + String.join(", ", all.stream().map(AgentProvider::name).toList())
                        + installed.failures().stream().map(f -> "; left out: " + f).reduce("", String::concat)));
    }

    /** No installed agent plug-in has this name. */
    public static final class UnknownAgentException extends io.github.tdmpc2j.spi.TdmpcException {
        private static final long serialVersionUID = 1L;

        UnknownAgentException(String message) {
            super(message);
        }
    }

}
