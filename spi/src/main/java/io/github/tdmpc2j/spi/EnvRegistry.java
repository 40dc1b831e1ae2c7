package io.github.tdmpc2j.spi;

import io.github.tdmpc2j.spi.wrappers.ActionRepeat;
import io.github.tdmpc2j.spi.wrappers.ClipAction;
import io.github.tdmpc2j.spi.wrappers.EnvChecker;
import io.github.tdmpc2j.spi.wrappers.RecordEpisodeStatistics;
import io.github.tdmpc2j.spi.wrappers.RescaleAction;
import io.github.tdmpc2j.spi.wrappers.TimeLimit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The installed task plug-ins and their tasks. Finds {@link EnvProvider}s with {@link ServiceLoader}, resolves
 * ids and aliases, and makes envs wrapped the TD-MPC2 way.
 *
 * <p>Name resolution, in order: an exact id ({@code dmc/walker-walk}); a reference-style name mapped to its
 * canonical id when that id is installed ({@code walker-walk}, {@code mw-assembly}); an alias claimed by exactly
 * one task. Anything else is an {@link UnknownTaskException} with the closest known ids.
 */
public final class EnvRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EnvRegistry.class);

    private final Map<String, EnvProvider> providers;
    private final Map<String, TaskSpec> tasks;
    private final Map<String, List<String>> aliases;
    private final List<String> loadFailures;
    private final Map<String, TaskSpec> described = new java.util.concurrent.ConcurrentHashMap<>();

    private EnvRegistry(Collection<EnvProvider> found, List<String> loadFailures) {
        Map<String, EnvProvider> byDomain = new TreeMap<>();
        for (EnvProvider p : found) {
            EnvProvider previous = byDomain.putIfAbsent(p.domain(), p);
            if (previous != null) {
                throw new PluginException("two plug-ins claim the domain '" + p.domain() + "': "
                        + previous.getClass().getName() + " and " + p.getClass().getName()
                        + "; remove one of their jars from the class path");
            }
        }
        Map<String, TaskSpec> byId = new TreeMap<>();
        Map<String, List<String>> byAlias = new HashMap<>();
        for (EnvProvider p : byDomain.values()) {
            for (TaskSpec t : p.tasks()) {
                if (!t.domain().equals(p.domain())) {
                    throw new PluginException("plug-in " + p.getClass().getName() + " of domain '" + p.domain()
                            + "' lists task " + t.id() + " of another domain");
                }
                if (byId.putIfAbsent(t.id(), t) != null) {
                    throw new PluginException("plug-in " + p.getClass().getName() + " lists task " + t.id() + " twice");
                }
                for (String a : t.aliases()) {
                    byAlias.computeIfAbsent(a, k -> new ArrayList<>()).add(t.id());
                }
            }
        }
        this.providers = byDomain;
        this.tasks = byId;
        this.aliases = byAlias;
        this.loadFailures = List.copyOf(loadFailures);
    }

    /** The plug-ins visible to this class's class loader and the thread's context class loader. */
    public static EnvRegistry discover() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return discover(context != null ? context : EnvRegistry.class.getClassLoader());
    }

    /** The plug-ins visible to {@code loader}. A plug-in that fails to load is logged and left out. */
    public static EnvRegistry discover(ClassLoader loader) {
        List<EnvProvider> found = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (ServiceLoader.Provider<EnvProvider> sp : ServiceLoader.load(EnvProvider.class, loader).stream().toList()) {
            try {
                found.add(sp.get());
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                String msg = "plug-in " + sp.type().getName() + " failed to load: " + e;
                LOG.warn(msg);
                failures.add(msg);
            }
        }
        return new EnvRegistry(found, failures);
    }

    /** A registry of exactly these providers. */
    public static EnvRegistry of(Collection<? extends EnvProvider> providers) {
        return new EnvRegistry(new ArrayList<>(providers), List.of());
    }

    public List<EnvProvider> providers() {
        return List.copyOf(providers.values());
    }

    public Optional<EnvProvider> provider(String domain) {
        return Optional.ofNullable(providers.get(domain));
    }

    /** Plug-ins that were found but could not be loaded, one line each. */
    public List<String> loadFailures() {
        return loadFailures;
    }

    /** Every installed task, sorted by id. */
    public List<TaskSpec> list() {
        return List.copyOf(tasks.values());
    }

    /** Installed tasks of one domain, sorted by id. */
    public List<TaskSpec> list(String domain) {
        if (!providers.containsKey(domain)) {
            throw unknownDomain(domain);
        }
        return tasks.values().stream().filter(t -> t.domain().equals(domain)).toList();
    }

    /** The ids of a named task set ({@code mt30}, {@code mt80}), installed or not. */
    public List<String> taskSet(String name) {
        return TaskSets.get(name).orElseThrow(() -> new UnknownTaskException(
                "unknown task set '" + name + "'; known sets: " + String.join(", ", TaskSets.names()),
                TaskSets.names()));
    }

    /** The spec behind an id or alias. */
    public TaskSpec resolve(String name) {
        TaskSpec exact = tasks.get(name);
        if (exact != null) {
            return exact;
        }
        Optional<String> canonical = TaskSets.canonicalFromReference(name);
        if (canonical.isPresent() && tasks.containsKey(canonical.get())) {
            return tasks.get(canonical.get());
        }
        List<String> claimed = aliases.getOrDefault(name, List.of());
        if (claimed.size() == 1) {
            return tasks.get(claimed.get(0));
        }
        if (claimed.size() > 1) {
            throw new UnknownTaskException("'" + name + "' is an alias of several tasks: " + String.join(", ", claimed)
                    + "; use the full id", claimed);
        }
        int slash = name.indexOf('/');
        if (slash > 0 && providers.containsKey(name.substring(0, slash))) {
            TaskSpec known = described.get(name);
            if (known != null) {
                return known;
            }
            Optional<TaskSpec> found = providers.get(name.substring(0, slash)).describeTask(name.substring(slash + 1));
            if (found.isPresent()) {
                if (!found.get().id().equals(name)) {
                    throw new PluginException("plug-in " + name.substring(0, slash) + " described '" + name
                            + "' as " + found.get().id());
                }
                described.put(name, found.get());
                return found.get();
            }
        }
        throw unknownTask(name, canonical.orElse(name));
    }

    public Availability availability(String name) {
        TaskSpec spec = resolve(name);
        return providers.get(spec.domain()).availability(spec);
    }

    /** Makes a task's env with the standard wrappers and default options. */
    public Env make(String name) {
        return make(name, EnvOptions.defaults());
    }

    /**
     * Makes a task's env with the standard wrappers: actions in [-1, 1] (rescaled and clipped to the task's
     * bounds), the task's action repeat, its time limit in agent steps, episode statistics in the info of the
     * last step, and checks against misuse.
     */
    public Env make(String name, EnvOptions options) {
        TaskSpec spec = resolve(name);
        Env raw = makeRaw(spec, options);
        try {
            return wrap(raw);
        } catch (RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /** The provider's env with no wrappers. */
    public Env makeRaw(String name, EnvOptions options) {
        return makeRaw(resolve(name), options);
    }

    private Env makeRaw(TaskSpec spec, EnvOptions options) {
        EnvProvider provider = providers.get(spec.domain());
        Availability availability = provider.availability(spec);
        if (!availability.ready()) {
            throw new EnvUnavailableException(spec.id(), availability);
        }
        return provider.create(spec, options);
    }

    /** The standard TD-MPC2 wrapping of a raw env, see {@link #make(String, EnvOptions)}. */
    public static Env wrap(Env raw) {
        TaskSpec spec = raw.spec();
        Env env = new ClipAction(raw);
        if (!spec.actionSpace().hasBounds(-1f, 1f)) {
            env = new RescaleAction(env);
        }
        if (spec.actionRepeat() > 1) {
            env = new ActionRepeat(env, spec.actionRepeat());
        }
        env = new TimeLimit(env, spec.maxEpisodeSteps());
        env = new RecordEpisodeStatistics(env);
        return new EnvChecker(env);
    }

    @Override
    public void close() {
        for (EnvProvider p : providers.values()) {
            try {
                p.close();
            } catch (RuntimeException e) {
                LOG.warn("closing plug-in {} failed: {}", p.domain(), e.toString());
            }
        }
    }

    private UnknownTaskException unknownDomain(String domain) {
        List<String> suggestions = closest(domain, providers.keySet(), 3);
        return new UnknownTaskException("no installed plug-in has the domain '" + domain + "'; installed domains: "
                + String.join(", ", providers.keySet()), suggestions);
    }

    private UnknownTaskException unknownTask(String name, String canonical) {
        String domain = canonical.contains("/") ? canonical.substring(0, canonical.indexOf('/')) : null;
        if (domain != null && !providers.containsKey(domain) && TaskSets.allKnownIds().contains(canonical)) {
            return new UnknownTaskException("task " + canonical + " belongs to the domain '" + domain
                    + "', whose plug-in is not installed: put its jar on the class path (installed domains: "
                    + String.join(", ", providers.keySet()) + ")", List.of());
        }
        Set<String> candidates = new LinkedHashSet<>(tasks.keySet());
        candidates.addAll(aliases.keySet());
        List<String> suggestions = closest(name, candidates, 3);
        String hint = suggestions.isEmpty() ? "run `tdmpc2j tasks list` to see the installed tasks"
                : "did you mean " + String.join(", ", suggestions) + "?";
        return new UnknownTaskException("unknown task '" + name + "': " + hint, suggestions);
    }

    /** Up to {@code n} candidates nearest to {@code name} by edit distance, close enough to be a likely typo. */
    static List<String> closest(String name, Collection<String> candidates, int n) {
        Map<String, Integer> scored = new LinkedHashMap<>();
        for (String c : candidates) {
            int d = Math.min(editDistance(name, c), c.contains("/") ? editDistance(name, c.substring(c.indexOf('/') + 1)) : Integer.MAX_VALUE);
            if (d <= Math.max(2, name.length() / 2)) {
                scored.put(c, d);
            }
        }
        return scored.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .limit(n).map(Map.Entry::getKey).toList();
    }

    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

}
