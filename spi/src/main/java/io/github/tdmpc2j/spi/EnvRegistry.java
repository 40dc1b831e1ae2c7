package io.github.tdmpc2j.spi;

import io.github.tdmpc2j.spi.vector.Autoreset;
import io.github.tdmpc2j.spi.vector.CompositeVectorEnv;
import io.github.tdmpc2j.spi.vector.EpisodeSchedule;
import io.github.tdmpc2j.spi.vector.SyncVectorEnv;
import io.github.tdmpc2j.spi.vector.ThreadedVectorEnv;
import io.github.tdmpc2j.spi.vector.VectorEnv;
import io.github.tdmpc2j.spi.vector.VectorStepResult;
import io.github.tdmpc2j.spi.wrappers.ActionRepeat;
import io.github.tdmpc2j.spi.wrappers.ClipAction;
import io.github.tdmpc2j.spi.wrappers.EnvChecker;
import io.github.tdmpc2j.spi.wrappers.EnvWrapper;
import io.github.tdmpc2j.spi.wrappers.RecordEpisodeStatistics;
import io.github.tdmpc2j.spi.wrappers.RescaleAction;
import io.github.tdmpc2j.spi.wrappers.TimeLimit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The installed task plug-ins and their tasks. Finds {@link EnvProvider}s through their service files (the
 * {@link java.util.ServiceLoader} format; a broken plug-in is left out, see {@link #discover(ClassLoader)}),
 * resolves ids and aliases, and makes envs wrapped the TD-MPC2 way.
 *
 * <p>Name resolution, in order: an exact id ({@code dmc/walker-walk}); a reference-style name mapped to its
 * canonical id when that id is installed ({@code walker-walk}, {@code mw-assembly}); an alias claimed by exactly
 * one task. Anything else is an {@link UnknownTaskException} with the closest known ids. An added plug-in cannot
 * change what a name of the plug-ins that come with tdmpc2j means: its claim to such an alias is dropped with a
 * warning ({@link #warnings()}).
 */
public final class EnvRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EnvRegistry.class);
    /** What a user does about a plug-in's env that failed as it runs (the command's line names the task and seed). */
    static final String ENV_DEFECT = "; a defect of the plug-in, not of tdmpc2j: report it to the plug-in's authors "
            + "with the task and seed, or leave the task out";
    /** Why an env that returns an observation array again is refused, and what to return instead (then "from ..."). */
    private static final String ARRAY_AGAIN = " the observation array it returned before: the caller keeps every "
            + "observation it is given (a replay buffer, a dataset), so an array written again changes the ones kept; "
            + "return a new array ";

    private final Map<String, EnvProvider> providers;
    private final Map<String, String> sources;
    private final Map<String, TaskSpec> tasks;
    private final Map<String, List<String>> aliases;
    private final List<PluginFailure> failures;
    private final List<String> warnings;
    private final Map<String, TaskSpec> described = new java.util.concurrent.ConcurrentHashMap<>();
    private final Set<String> reportedAvailabilityFailures = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /**
     * Keeps the providers that answer their domain, description and task list sanely; each other one is closed
     * and, when {@code strict}, a {@link PluginException}, else logged once and kept in {@link #loadFailures()}.
     */
    private EnvRegistry(List<ProviderDiscovery.Found<EnvProvider>> found, List<PluginFailure> loadFailures,
            boolean strict) {
        Map<String, EnvProvider> byDomain = new TreeMap<>();
        Map<String, String> sourceByDomain = new HashMap<>();
        Map<String, TaskSpec> byId = new TreeMap<>();
        Map<String, List<String>> byAlias = new HashMap<>();
        List<PluginFailure> failed = new ArrayList<>(loadFailures);
        for (ProviderDiscovery.Found<EnvProvider> f : found) {
            EnvProvider p = f.provider();
            String domain = null;
            try {
                domain = domainOf(p);
                EnvProvider previous = byDomain.get(domain);
                if (previous != null) {
                    throw new PluginException(strict
                            ? "two plug-ins claim the domain '" + domain + "': " + previous.getClass().getName()
                                    + " and " + p.getClass().getName()
                                    + "; remove one of their jars from the class path"
                            : comesWithTdmpc2j(previous)
                                    ? "the domain '" + domain + "' is one of tdmpc2j's own, "
                                            + previous.getClass().getName() + " in " + sourceByDomain.get(domain)
                                            + ": give the plug-in another domain (its domain() and the first part "
                                            + "of its task ids)"
                                    : "the domain '" + domain + "' is already claimed by "
                                            + previous.getClass().getName() + " in " + sourceByDomain.get(domain)
                                            + "; remove one of the two jars");
                }
                List<TaskSpec> listed = tasksOf(p, domain);
                describeOf(p);
                byDomain.put(domain, p);
                sourceByDomain.put(domain, f.source());
                for (TaskSpec t : listed) {
                    byId.put(t.id(), t);
                    for (String a : t.aliases()) {
                        byAlias.computeIfAbsent(a, k -> new ArrayList<>()).add(t.id());
                    }
                }
            } catch (PluginException e) {
                if (strict) {
                    throw e;
                }
                failed.add(new PluginFailure(f.source(), p.getClass().getName(), domain, e.getMessage()));
                closeQuietly(p, domain);
            }
        }
        for (PluginFailure failure : failed) {
            LOG.warn("{}; the plug-in is left out", failure);
        }
        this.providers = byDomain;
        this.sources = sourceByDomain;
        this.tasks = byId;
        this.failures = List.copyOf(failed);
        List<String> dropped = new ArrayList<>();
        this.aliases = settleAliases(byAlias, dropped);
        for (String warning : dropped) {
            LOG.warn(warning);
        }
        this.warnings = List.copyOf(dropped);
    }

    /**
     * The aliases {@link #resolve} reads. The names of the plug-ins that come with tdmpc2j keep their meaning
     * whatever jars are added: an added plug-in's task loses an alias that a task of those plug-ins claims, or that
     * {@link #resolve} reads as another task (that task's id, or a reference-style name such as
     * {@code walker-walk} of an installed task), with a warning in {@code dropped} naming the plug-in and its jar.
     * An alias that several added plug-ins (or several of tdmpc2j's) claim stays theirs, and is refused with
     * their ids when used.
     */
    private Map<String, List<String>> settleAliases(Map<String, List<String>> claims, List<String> dropped) {
        Map<String, List<String>> settled = new HashMap<>();
        claims.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(claim -> {
            String alias = claim.getKey();
            Optional<String> builtIn = claim.getValue().stream().filter(id -> comesWithTdmpc2j(domainOfId(id)))
                    .findFirst();
            Optional<String> readAs = tasks.containsKey(alias) ? Optional.of(alias)
                    : TaskSets.canonicalFromReference(alias).filter(tasks::containsKey);
            List<String> kept = new ArrayList<>();
            for (String id : claim.getValue()) {
                String domain = domainOfId(id);
                if (comesWithTdmpc2j(domain)) {
                    kept.add(id);
                } else if (readAs.isPresent() && !readAs.get().equals(id)) {
                    dropped.add(aliasDropped(domain, id, alias, readAs.get(), ", which already names " + readAs.get()
                            + " (an id or a reference-style name comes before aliases)"));
                } else if (builtIn.isPresent()) {
                    dropped.add(aliasDropped(domain, id, alias, builtIn.get(), " of " + builtIn.get()
                            + ", which comes with tdmpc2j"));
                } else {
                    kept.add(id);
                }
            }
            if (!kept.isEmpty()) {
                settled.put(alias, List.copyOf(kept));
            }
        });
        return settled;
    }

    private String aliasDropped(String domain, String id, String alias, String keeper, String whose) {
        return new PluginFailure(sources.get(domain), providers.get(domain).getClass().getName(), domain,
                "its task " + id + " claims the alias '" + alias + "'" + whose + ": the alias keeps naming " + keeper
                        + "; give " + id + " in full or by another alias").toString();
    }

    /** The plug-ins that come with tdmpc2j (the command line carries them) are those of its own packages. */
    private boolean comesWithTdmpc2j(String domain) {
        return comesWithTdmpc2j(providers.get(domain));
    }

    private static boolean comesWithTdmpc2j(EnvProvider provider) {
        return provider.getClass().getName().startsWith("io.github.tdmpc2j.");
    }

    private static String domainOfId(String id) {
        return id.substring(0, id.indexOf('/'));
    }

    /**
     * What the registry set aside without leaving a plug-in out, one line each naming the plug-in and its jar: an
     * added plug-in's alias that already names another task (see {@link #resolve}).
     */
    public List<String> warnings() {
        return warnings;
    }

    private static String domainOf(EnvProvider p) {
        String domain;
        try {
            domain = p.domain();
        } catch (Throwable e) {
            throw new PluginException("domain() threw " + ProviderDiscovery.describeFault(e));
        }
        if (domain == null || domain.isBlank() || domain.contains("/")) {
            throw new PluginException("domain() returned " + (domain == null ? "null" : "'" + domain + "'")
                    + "; a domain is a non-empty name without '/'");
        }
        return domain;
    }

    private static List<TaskSpec> tasksOf(EnvProvider p, String domain) {
        List<TaskSpec> listed;
        try {
            listed = p.tasks();
        } catch (Throwable e) {
            throw new PluginException("tasks() threw " + ProviderDiscovery.describeFault(e));
        }
        if (listed == null) {
            throw new PluginException("tasks() returned null; a plug-in with no tasks returns an empty list");
        }
        Set<String> ids = new java.util.HashSet<>();
        for (TaskSpec t : listed) {
            if (t == null) {
                throw new PluginException("tasks() lists a null task: list each task's TaskSpec");
            }
            if (!t.domain().equals(domain)) {
                throw new PluginException("plug-in " + p.getClass().getName() + " of domain '" + domain
                        + "' lists task " + t.id() + " of another domain: give each of its tasks an id of the form "
                        + domain + "/NAME");
            }
            String empty = emptySpace(t);
            if (empty != null) {
                throw new PluginException("plug-in " + p.getClass().getName() + " lists task " + t.id() + " " + empty);
            }
            if (!ids.add(t.id())) {
                throw new PluginException("plug-in " + p.getClass().getName() + " lists task " + t.id() + " twice: list each task once");
            }
        }
        return List.copyOf(listed);
    }

    /** What is missing from a task an agent cannot act in (an observation or action box of no entries), or null. */
    private static String emptySpace(TaskSpec t) {
        if (t.observationSize() > 0 && t.actionSize() > 0) {
            return null;
        }
        return "with " + (t.observationSize() == 0 ? "an empty observation space" : "an empty action space")
                + "; an agent needs at least one observation and one action entry: give the task's boxes a size of 1 "
                + "or more";
    }

    private static void describeOf(EnvProvider p) {
        String description;
        try {
            description = p.description();
        } catch (Throwable e) {
            throw new PluginException("description() threw " + ProviderDiscovery.describeFault(e));
        }
        if (description == null) {
            throw new PluginException("description() returned null");
        }
    }

    private static void closeQuietly(EnvProvider p, String domain) {
        try {
            p.close();
        } catch (Throwable e) {
            LOG.warn("closing plug-in {} failed: {}", domain != null ? domain : p.getClass().getName(),
                    ProviderDiscovery.describeFault(e));
        }
    }

    /** The plug-ins visible to this class's class loader and the thread's context class loader. */
    public static EnvRegistry discover() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return discover(context != null ? context : EnvRegistry.class.getClassLoader());
    }

    /**
     * The plug-ins named by the {@code META-INF/services/io.github.tdmpc2j.spi.EnvProvider} files visible to
     * {@code loader}. A plug-in that fails (a missing class, no public no-argument constructor, a constructor,
     * {@code domain()}, {@code description()} or {@code tasks()} that throws or answers null, a domain another
     * plug-in already has) is logged once with its jar and the reason, left out, and listed in
     * {@link #loadFailures()}; the other plug-ins work.
     */
    public static EnvRegistry discover(ClassLoader loader) {
        List<PluginFailure> failures = new ArrayList<>();
        List<ProviderDiscovery.Found<EnvProvider>> found =
                ProviderDiscovery.discover(EnvProvider.class, loader, failures);
        return new EnvRegistry(found, failures, false);
    }

    /** A registry of exactly these providers; one that fails as {@link #discover(ClassLoader)} describes throws. */
    public static EnvRegistry of(Collection<? extends EnvProvider> providers) {
        if (providers == null) {
            throw new TdmpcException("the plug-ins are null: pass the EnvProviders the registry is to hold "
                    + "(List.of() for none), or use EnvRegistry.discover() for the installed ones");
        }
        int at = 0;
        for (EnvProvider p : providers) {
            if (p == null) {
                throw new TdmpcException("plug-in " + at + " of the plug-ins given is null: pass an EnvProvider "
                        + "(new YourProvider()) in its place, or leave it out");
            }
            at++;
        }
        List<ProviderDiscovery.Found<EnvProvider>> found = providers.stream()
                .map(p -> new ProviderDiscovery.Found<EnvProvider>(p, ProviderDiscovery.sourceOf(p.getClass())))
                .toList();
        return new EnvRegistry(found, List.of(), true);
    }

    public List<EnvProvider> providers() {
        return List.copyOf(providers.values());
    }

    public Optional<EnvProvider> provider(String domain) {
        return Optional.ofNullable(providers.get(domain));
    }

    /** Plug-ins that were found but left out, and why. */
    public List<PluginFailure> loadFailures() {
        return failures;
    }

    /** The jar (file name) or class folder a loaded plug-in's domain comes from. */
    public Optional<String> source(String domain) {
        return Optional.ofNullable(sources.get(domain));
    }

    /** Every installed task, sorted by id. */
    public List<TaskSpec> list() {
        return List.copyOf(tasks.values());
    }

    /** Installed tasks of one domain, sorted by id. */
    public List<TaskSpec> list(String domain) {
        if (domain == null || !providers.containsKey(domain)) {
            throw unknownDomain(domain);
        }
        return tasks.values().stream().filter(t -> t.domain().equals(domain)).toList();
    }

    /**
     * The ids of a named task set ({@code mt30}, {@code mt80}), installed or not; or of a list of ids or aliases
     * separated by commas, in its order, each once; or of one id ({@code domain/task}), a list of one.
     */
    public List<String> taskSet(String name) {
        if (name != null && name.contains(",")) {
            List<String> ids = new ArrayList<>();
            for (String part : TaskSets.split(name, "the task list '" + name + "'")) {
                String id = resolve(part).id();
                if (ids.contains(id)) {
                    // a known task, named twice: no unknown task (nor nearest ids) to name
                    throw new TdmpcException("the task list '" + name + "' names " + id + " twice; give each "
                            + "task once, in the order the set's agent uses");
                }
                ids.add(id);
            }
            return ids;
        }
        Optional<List<String>> named = TaskSets.get(name);
        if (named.isEmpty() && name != null && name.contains("/")) {
            return List.of(resolve(name.trim()).id()); // one id: a list of one, as a,b is a list of two
        }
        return named.orElseThrow(() -> new UnknownTaskException(
                (name == null ? "no task set named (null)" : "unknown task set '" + name + "'") + "; known sets: "
                        + String.join(", ", TaskSets.names()) + ", or task ids separated by commas",
                TaskSets.names()));
    }

    /** The spec behind an id or alias. */
    public TaskSpec resolve(String name) {
        if (name == null || name.isBlank()) {
            throw new UnknownTaskException("no task named (" + (name == null ? "null" : "an empty name")
                    + "): give an id such as dmc/walker-walk or an alias; `tdmpc2j tasks list` shows them", List.of());
        }
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
            Optional<TaskSpec> found = describedTask(name.substring(0, slash), name.substring(slash + 1));
            if (found.isPresent()) {
                described.put(name, found.get());
                return found.get();
            }
        }
        throw unknownTask(name, canonical.orElse(name));
    }

    /**
     * The task {@code domain/name} as its plug-in describes it on demand, held to what a listed task is held to; a
     * plug-in that fails to describe it is a {@link PluginException} naming it and its jar.
     */
    private Optional<TaskSpec> describedTask(String domain, String name) {
        String call = "describeTask(" + name + ")";
        Optional<TaskSpec> found = callPlugin(domain, call, () -> providers.get(domain).describeTask(name));
        if (found == null) {
            throw pluginFailed(domain, call + " returned null; a plug-in that cannot make a name returns "
                    + "Optional.empty()", null);
        }
        if (found.isPresent()) {
            TaskSpec t = found.get();
            if (!t.id().equals(domain + "/" + name)) {
                throw pluginFailed(domain, call + " described '" + domain + "/" + name + "' as " + t.id()
                        + "; it describes the task of that id", null);
            }
            String empty = emptySpace(t);
            if (empty != null) {
                throw pluginFailed(domain, call + " describes " + t.id() + " " + empty, null);
            }
        }
        return found;
    }

    public Availability availability(String name) {
        return availability(resolve(name));
    }

    /**
     * Whether an installed task can be made now (with the standard wrappers, as {@link #make} makes it). A task
     * whose action box has no finite bounds is not, as its listing shows without making it (its plug-in's defect,
     * named with its jar); otherwise a plug-in whose {@code availability} throws or answers null makes its task
     * unavailable with that reason (logged once per plug-in), rather than failing the caller.
     */
    public Availability availability(TaskSpec spec) {
        providerOf(spec);
        String unbounded = RescaleAction.unboundedReason(spec);
        return unbounded != null ? Availability.unavailable(failureOf(spec.domain(), unbounded).toString(), null)
                : pluginAvailability(spec);
    }

    /** What the task's plug-in says of the task's availability (see {@link #availability(TaskSpec)}). */
    private Availability pluginAvailability(TaskSpec spec) {
        EnvProvider provider = providerOf(spec);
        String reason;
        try {
            Availability a = provider.availability(spec);
            if (a != null) {
                return a;
            }
            reason = "availability() returned null";
        } catch (Throwable e) {
            reason = "availability() threw " + ProviderDiscovery.describeFault(e);
        }
        PluginFailure failure = failureOf(spec.domain(), reason);
        if (reportedAvailabilityFailures.add(spec.domain())) {
            LOG.warn("{}; its tasks are unavailable", failure);
        }
        return Availability.unavailable(failure.toString(), null);
    }

    /** Makes a task's env with the standard wrappers and default options. */
    public Env make(String name) {
        return make(name, EnvOptions.defaults());
    }

    /**
     * Makes a task's env with the standard wrappers: actions in [-1, 1] (rescaled and clipped to the task's
     * bounds), the task's action repeat, its time limit in agent steps, episode statistics in the info of the
     * last step, and checks against misuse. A plug-in that cannot make the env (its {@code create} throws or
     * answers null, the env's spec is not the listed task's sizes and action bounds, the action box is unbounded)
     * is a {@link PluginException} naming the plug-in and its jar; so is the env's {@code reset}, {@code step} or
     * {@code close} throwing untyped or answering null, or an observation of another size than the task lists.
     */
    public Env make(String name, EnvOptions options) {
        requireOpen();
        TaskSpec spec = resolve(name);
        requireOptions(options);
        requireBoundedActions(spec);
        Env raw = makeRaw(spec, options);
        try {
            return wrap(new Guarded(raw, spec));
        } catch (RuntimeException e) {
            throw closeAfter(e, raw);
        }
    }

    /**
     * Makes the envs of several rows as one vector env: row i runs {@code rowIds.get(i)} made with
     * {@code options.get(i)}, wrapped as {@link #make(String, EnvOptions)} wraps it. The rows of a plug-in with a
     * batched form ({@link EnvProvider#createVector}: a Python worker stepping all its rows in one call) go to it;
     * the other rows are made one by one and stepped on {@code threads} threads (in turn when 1 or less). When rows are
     * made in more than one way, a {@link CompositeVectorEnv} steps the groups at once (in turn when
     * {@code threads} is 1 or less), and each row runs exactly the episodes it would run alone.
     */
    public VectorEnv makeVector(List<String> rowIds, List<EnvOptions> options, int threads) {
        return makeVector(rowIds, options, threads, () -> false).orElseThrow();
    }

    /**
     * {@link #makeVector(List, List, int)} that gives up once {@code stop} answers true (a command's Ctrl-C), asked
     * before each env is made, a plug-in's batched envs too ({@link EnvProvider#createVector(List, List,
     * BooleanSupplier)} asks it between its rows): empty then, every env made closed. Making envs can take minutes
     * (a Python worker started for each suite, each row's env made in it), and a command asked to stop does not
     * wait for the rest.
     */
    public Optional<VectorEnv> makeVector(List<String> rowIds, List<EnvOptions> options, int threads,
            BooleanSupplier stop) {
        requireOpen();
        if (rowIds == null || options == null || stop == null) {
            throw new TdmpcException("makeVector was given " + (rowIds == null ? "null row ids: pass a task id per row"
                    : options == null ? "null env options: pass an EnvOptions per row (EnvOptions.seeded(seed + i) "
                    + "for row i)" : "a null stop check: pass () -> false to make every row"));
        }
        if (rowIds.isEmpty() || rowIds.size() != options.size()) {
            throw new TdmpcException("makeVector needs one env option per row and at least one row, got "
                    + Messages.plural(rowIds.size(), "row") + " and " + Messages.plural(options.size(), "option")
                    + ": pass options.get(i) for row i (EnvOptions.seeded(seed + i) gives each row its own seed)");
        }
        List<TaskSpec> specs = new ArrayList<>();
        Map<String, List<Integer>> rowsOfDomain = new LinkedHashMap<>();
        for (int i = 0; i < rowIds.size(); i++) {
            TaskSpec spec = resolve(rowIds.get(i));
            requireOptions(options.get(i));
            specs.add(spec);
            rowsOfDomain.computeIfAbsent(spec.domain(), d -> new ArrayList<>()).add(i);
        }
        requireAvailable(specs);
        List<CompositeVectorEnv.Part> parts = new ArrayList<>();
        List<Integer> oneByOne = new ArrayList<>();
        List<Env> made = new ArrayList<>();
        try {
            for (Map.Entry<String, List<Integer>> domain : rowsOfDomain.entrySet()) {
                if (stop.getAsBoolean()) {
                    return stopped(made, parts);
                }
                List<Integer> rows = domain.getValue();
                Optional<VectorEnv> batched = batchedOf(domain.getKey(), rows.stream().map(specs::get).toList(),
                        rows.stream().map(options::get).toList(), stop);
                if (batched.isEmpty()) {
                    oneByOne.addAll(rows);
                    continue;
                }
                int[] map = rows.stream().mapToInt(Integer::intValue).toArray();
                parts.add(new CompositeVectorEnv.Part(batched.get(), map));
                if (batched.get().numEnvs() != rows.size()) {
                    throw pluginFailed(domain.getKey(), "createVector() made a batched env of "
                            + Messages.plural(batched.get().numEnvs(), "row") + " for "
                            + Messages.plural(rows.size(), "row"), null);
                }
                parts.set(parts.size() - 1, new CompositeVectorEnv.Part(
                        new GuardedVector(batched.get(), domain.getKey()), map));
            }
            oneByOne.sort(null);
            for (int i : oneByOne) { // a plug-in's batched envs given up for a stop come here: none is made
                if (stop.getAsBoolean()) {
                    return stopped(made, parts);
                }
                made.add(make(specs.get(i).id(), options.get(i)));
            }
            if (!made.isEmpty()) {
                VectorEnv local = threads > 1 && made.size() > 1 ? new ThreadedVectorEnv(made, threads)
                        : new SyncVectorEnv(made);
                made.clear();
                parts.add(new CompositeVectorEnv.Part(local, oneByOne.stream().mapToInt(Integer::intValue).toArray()));
            }
        } catch (RuntimeException e) {
            CloseAll.closeAll(made, envsOf(parts), e);
            throw e;
        }
        if (parts.size() == 1 && isIdentity(parts.get(0).rows())) {
            return Optional.of(parts.get(0).env());
        }
        return Optional.of(new CompositeVectorEnv(parts, threads > 1));
    }

    /**
     * Closes the envs made before a stop ({@code made} one by one, {@code parts} batched), taken out of the lists
     * (the caller's clean-up after a failure closes none again): every one, a close that failed thrown once all were
     * closed, the others' failures suppressed in it. Empty, for the stop.
     */
    private static Optional<VectorEnv> stopped(List<Env> made, List<CompositeVectorEnv.Part> parts) {
        List<VectorEnv> batched = envsOf(parts);
        List<Env> single = List.copyOf(made);
        made.clear();
        parts.clear();
        RuntimeException failed = CloseAll.closeAll(single, batched, null);
        if (failed != null) {
            throw failed;
        }
        return Optional.empty();
    }

    private static List<VectorEnv> envsOf(List<CompositeVectorEnv.Part> parts) {
        return parts.stream().map(CompositeVectorEnv.Part::env).toList();
    }

    /** The plug-in's batched env of these rows, or empty; one that throws untyped or answers null is its defect. */
    private Optional<VectorEnv> batchedOf(String domain, List<TaskSpec> tasks, List<EnvOptions> options,
            BooleanSupplier stop) {
        Optional<VectorEnv> batched = callPlugin(domain, "createVector()",
                () -> providers.get(domain).createVector(tasks, options, stop));
        if (batched == null) {
            throw pluginFailed(domain, "createVector() returned null; a plug-in without a batched form returns "
                    + "Optional.empty()", null);
        }
        return batched;
    }

    private static boolean isIdentity(int[] rows) {
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] != i) {
                return false;
            }
        }
        return true;
    }

    /** The provider's env with no wrappers. */
    public Env makeRaw(String name, EnvOptions options) {
        requireOpen();
        TaskSpec spec = resolve(name);
        requireOptions(options);
        return makeRaw(spec, options);
    }

    /**
     * Refuses a task that cannot be made now ({@link #availability(TaskSpec)}) with what fixes it, for a caller
     * that checks before it writes anything: a {@link PluginException} for an action box without finite bounds (as
     * {@link #make} refuses it), else an {@link EnvUnavailableException}.
     */
    public void requireAvailable(TaskSpec spec) {
        providerOf(spec);
        requireBoundedActions(spec);
        requireReady(spec, pluginAvailability(spec));
    }

    /**
     * Refuses tasks of which any cannot be made now, as {@link #requireAvailable(TaskSpec)} refuses the first, with
     * the others that are unavailable for another reason named too (one line per fix, so the tasks of a suite that
     * is not set up take one), so that a run of several suites says at once everything there is to do.
     */
    public void requireAvailable(List<TaskSpec> specs) {
        if (specs == null) {
            throw new TdmpcException("the task list is null: pass the specs of the tasks to check (resolve(id) "
                    + "gives a task's)");
        }
        EnvUnavailableException first = null;
        Map<String, List<String>> others = new LinkedHashMap<>(); // what fixes them -> their ids
        for (TaskSpec spec : new java.util.LinkedHashSet<>(specs)) {
            try {
                requireAvailable(spec);
            } catch (EnvUnavailableException e) {
                if (first == null) {
                    first = e;
                } else if (!fixOf(e.availability()).equals(fixOf(first.availability()))) {
                    others.computeIfAbsent(fixOf(e.availability()), k -> new ArrayList<>()).add(spec.id());
                }
            }
        }
        if (first == null) {
            return;
        }
        if (!others.isEmpty()) {
            StringBuilder hint = new StringBuilder("other tasks are unavailable too:");
            others.forEach((fix, ids) -> hint.append(System.lineSeparator()).append("  ").append(ids.get(0))
                    .append(ids.size() > 1 ? " and " + Messages.plural(ids.size() - 1, "more task") : "")
                    .append(": ").append(fix));
            first.addHint(hint.toString());
        }
        throw first;
    }

    /** What a user does about an unavailable task: its fix command, else the reason. */
    private static String fixOf(Availability availability) {
        return availability.fixCommand() != null ? "run `" + availability.fixCommand() + "`" : availability.reason();
    }

    private static void requireReady(TaskSpec spec, Availability availability) {
        if (!availability.ready()) {
            throw new EnvUnavailableException(spec.id(), availability);
        }
    }

    private Env makeRaw(TaskSpec spec, EnvOptions options) {
        requireReady(spec, pluginAvailability(spec)); // the raw env takes its actions as they are: any bounds
        Env raw = callPlugin(spec.domain(), "create(" + spec.id() + ")",
                () -> providers.get(spec.domain()).create(spec, options));
        if (raw == null) {
            throw pluginFailed(spec.domain(), "create(" + spec.id() + ") returned null", null);
        }
        try {
            requireListedSpaces(spec, raw);
        } catch (RuntimeException e) {
            throw closeAfter(e, raw);
        }
        return raw;
    }

    /**
     * Closes what a call that failed with {@code failure} made, for the caller to rethrow {@code failure}: a close that
     * throws too is added to it as suppressed, so the failure that says what went wrong is the one shown.
     */
    private static RuntimeException closeAfter(RuntimeException failure, AutoCloseable made) {
        try {
            made.close();
        } catch (Throwable e) {
            failure.addSuppressed(e);
        }
        return failure;
    }

    /**
     * The innermost wrapper of a plug-in's env: what its {@code reset}, {@code step} or {@code close} throws untyped
     * (a bug in the plug-in, not a mistake of the caller's), a null result or an observation of another size than the
     * task's, is a {@link PluginException} naming the plug-in and its jar, as a failing {@code create} is; the
     * project's typed exceptions pass through. The env's own spec is read once (it is checked against the listed
     * task when the env is made): the wrappers ask for it every step, and it does not change. No lambda in reset or
     * step (one capturing the action was made on every step): a step allocates nothing here.
     */
    private final class Guarded extends EnvWrapper {
        private final TaskSpec listed;
        private final TaskSpec own;
        /** The observation array the env returned last: an env that fills one array of its own is refused. */
        private float[] returned;

        Guarded(Env raw, TaskSpec listed) {
            super(raw);
            this.listed = listed;
            this.own = answered("spec", guarded("spec", raw::spec, this::fault));
        }

        @Override
        public TaskSpec spec() {
            return own;
        }

        @Override
        public ResetResult reset(long seed) {
            ResetResult r;
            try {
                r = inner.reset(seed);
            } catch (PluginException e) {
                throw fault("reset", e); // a Box or a StepResult of its making refused what it gave
            } catch (TdmpcException e) {
                throw e;
            } catch (Throwable e) {
                throw fault("reset", e);
            }
            returned = fresh("reset", answered("reset", r).observation());
            requireFinite(listed.domain(), listed, r.observation(), 0, "reset", -1);
            return r;
        }

        @Override
        public StepResult step(float[] action) {
            StepResult r;
            try {
                r = inner.step(action);
            } catch (PluginException e) {
                throw fault("step", e); // a Box or a StepResult of its making refused what it gave
            } catch (TdmpcException e) {
                throw e;
            } catch (Throwable e) {
                throw fault("step", e);
            }
            returned = fresh("step", answered("step", r).observation());
            requireFinite(listed.domain(), listed, r.observation(), r.reward(), "step", -1);
            return r;
        }

        @Override
        public void close() {
            guarded("close", () -> {
                inner.close();
                return null;
            }, this::fault);
        }

        /** What the plug-in's env threw untyped from {@code call}: its defect, named with its jar. */
        private PluginException fault(String call, Throwable e) {
            return pluginFailed(listed.domain(), "the env of " + listed.id() + " threw from " + call + "(): "
                    + ProviderDiscovery.describeFault(e) + ENV_DEFECT, e);
        }

        /** An observation of another size would be padded or cut without a word further on: refused here. */
        private void listedSize(String call, float[] observation) {
            if (observation == null || observation.length != listed.observationSize()) {
                throw pluginFailed(listed.domain(), "the env of " + listed.id() + " returned "
                        + (observation == null ? "a null observation" : "an observation of "
                                + Messages.plural(observation.length, "value")) + " from " + call + "(), but the task "
                        + "is listed with observations of " + Messages.plural(listed.observationSize(), "value")
                        + "; the plug-in's env and its task list disagree" + ENV_DEFECT, null);
            }
        }

        /**
         * The observation {@code call} returned, of the listed size and not the array the env returned last: the
         * rollout keeps each observation it is given (the transition of a step holds the one before it and the one
         * after, a dataset's episode every one), so an env that writes each into one array of its own would make
         * every kept observation its last one, without a word.
         */
        private float[] fresh(String call, float[] observation) {
            listedSize(call, observation);
            if (observation == returned) {
                throw pluginFailed(listed.domain(), "the env of " + listed.id() + " returned from " + call + "()"
                        + ARRAY_AGAIN + "from every reset() and step()" + ENV_DEFECT, null);
            }
            return observation;
        }

        private <T> T answered(String call, T result) {
            if (result == null) {
                throw pluginFailed(listed.domain(), "the env of " + listed.id() + " returned null from " + call
                        + "()" + ENV_DEFECT, null);
            }
            return result;
        }
    }

    /**
     * A NaN or an infinity in what a plug-in's env ({@link Guarded}, or row {@code row} of a batched one,
     * {@link GuardedVector}; -1 for none) returned from {@code call}, refused as the rollout refuses it ({@link
     * EnvChecker#checkOutput}, the same exception and words) with the plug-in of {@code domain} and its jar named, as
     * the guards name them for the env's other faults: the rollout sees only the task, and a plug-in's author reads
     * which jar to fix. A batched env's row is named, and marked ({@link TdmpcException#atRow}), so that the rollout
     * puts that row's task, step and episode before it. A finite result allocates nothing here.
     */
    private void requireFinite(String domain, TaskSpec task, float[] observation, double reward, String call,
            int row) {
        if (EnvChecker.finite(observation, reward)) {
            return;
        }
        String when = call + "()" + (row < 0 ? "" : " for its batched env's row " + row);
        try {
            EnvChecker.checkOutput(task, observation, reward, () -> when);
        } catch (InvalidEnvOutputException e) {
            InvalidEnvOutputException named = new InvalidEnvOutputException(failureOf(domain, e.getMessage())
                    .toString(), true);
            throw row < 0 ? named : named.atRow(row);
        }
    }

    /**
     * The innermost wrapper of a plug-in's batched env ({@link EnvProvider#createVector}), as {@link Guarded} is of
     * one env: what its {@code reset}, {@code step}, {@code checkActions} or {@code close} throws untyped, or a null
     * result, is a {@link PluginException} naming the plug-in and its jar; the project's typed exceptions pass
     * through. Its rows' specs are read once, when it is made. No lambda in reset, step or checkActions: a step
     * allocates nothing here.
     */
    private final class GuardedVector implements VectorEnv {
        private final VectorEnv inner;
        private final String domain;
        private final TaskSpec[] specs;
        /** Each row's observation array returned last: a batched env that fills one array per row is refused. */
        private final float[][] returned;

        GuardedVector(VectorEnv inner, String domain) {
            this.inner = inner;
            this.domain = domain;
            this.specs = new TaskSpec[inner.numEnvs()];
            this.returned = new float[specs.length][];
            for (int i = 0; i < specs.length; i++) {
                int row = i;
                specs[i] = guarded("spec(" + i + ")", () -> inner.spec(row), this::fault);
                if (specs[i] == null) {
                    throw pluginFailed(domain, "the batched env of " + domain + " returned null from spec(" + i + ")",
                            null);
                }
            }
        }

        @Override
        public int numEnvs() {
            return specs.length;
        }

        @Override
        public TaskSpec spec(int i) {
            return specs[Autoreset.checkRow(specs.length, i)];
        }

        @Override
        public float[][] reset(EpisodeSchedule schedule) {
            Autoreset.checkSchedule(specs.length, schedule); // the caller's mistake, not the plug-in's
            float[][] r;
            try {
                r = inner.reset(schedule);
            } catch (TdmpcException e) {
                throw e;
            } catch (Throwable e) {
                throw fault("reset", e);
            }
            fresh("reset", answered("reset", r));
            for (int i = 0; i < r.length && i < specs.length; i++) {
                if (r[i] != null) { // a row the schedule left idle is null
                    requireFinite(domain, specs[i], r[i], 0, "reset", i);
                }
            }
            return r;
        }

        @Override
        public VectorStepResult step(float[][] actions) {
            Autoreset.checkCount(specs.length, actions);
            VectorStepResult r;
            try {
                r = inner.step(actions);
            } catch (TdmpcException e) {
                throw e;
            } catch (Throwable e) {
                throw fault("step", e);
            }
            fresh("step", answered("step", r).observations());
            float[][] observations = r.observations();
            for (int i = 0; observations != null && i < observations.length && i < specs.length; i++) {
                if (observations[i] != null) { // a row that did not move is null
                    requireFinite(domain, specs[i], observations[i], r.rewards()[i], "step", i);
                }
            }
            return r;
        }

        @Override
        public void checkActions(float[][] actions) {
            Autoreset.checkCount(specs.length, actions);
            try {
                inner.checkActions(actions);
            } catch (TdmpcException e) {
                throw e;
            } catch (Throwable e) {
                throw fault("checkActions", e);
            }
        }

        @Override
        public EpisodeSchedule.Ticket episode(int i) {
            Autoreset.checkRow(specs.length, i);
            return guarded("episode", () -> inner.episode(i), this::fault);
        }

        @Override
        public void close() {
            guarded("close", () -> {
                inner.close();
                return null;
            }, this::fault);
        }

        /** The rows' observations, none of them the array its row returned last (see {@link Guarded#fresh}). */
        private float[][] fresh(String call, float[][] observations) {
            for (int i = 0; observations != null && i < observations.length && i < returned.length; i++) {
                float[] row = observations[i];
                if (row == null) {
                    continue; // a row that did not move
                }
                if (row == returned[i]) {
                    throw pluginFailed(domain, "the batched env of " + domain + " returned from " + call + "() for "
                            + "row " + i + ARRAY_AGAIN + "for every row of every reset() and step()" + ENV_DEFECT,
                            null);
                }
                returned[i] = row;
            }
            return observations;
        }

        private PluginException fault(String call, Throwable e) {
            return pluginFailed(domain, "the batched env of " + domain + " threw from " + call + "(): "
                    + ProviderDiscovery.describeFault(e) + ENV_DEFECT, e);
        }

        private <T> T answered(String call, T result) {
            if (result == null) {
                throw pluginFailed(domain, "the batched env of " + domain + " returned null from " + call + "()"
                        + ENV_DEFECT, null);
            }
            return result;
        }
    }

    /**
     * What a plug-in's env ({@link Guarded}, {@link GuardedVector}) answers to {@code call} ({@code body}): the
     * project's typed exceptions pass through, anything else it throws is {@code fault}'s {@link PluginException}.
     * For the calls not made every step: the lambda is made on every call, so reset, step and checkActions have
     * this try of their own (bench/RESULTS.md, "The registry's guard around a plug-in's env").
     */
    private static <T> T guarded(String call, Supplier<T> body, BiFunction<String, Throwable, PluginException> fault) {
        try {
            return body.get();
        } catch (TdmpcException e) {
            throw e;
        } catch (Throwable e) {
            throw fault.apply(call, e);
        }
    }

    /**
     * What the plug-in of {@code domain} answers to {@code call}: a typed reason it cannot (a suite not set up, say)
     * passes as it is, but a {@link PluginException} it met (a bad {@code Box} or {@code TaskSpec} of its making) and
     * anything untyped it threw is a {@link PluginException} naming the plug-in and its jar.
     */
    private <T> T callPlugin(String domain, String call, Supplier<T> body) {
        try {
            return body.get();
        } catch (PluginException e) {
            throw pluginFailed(domain, call + " threw " + ProviderDiscovery.describe(e), e);
        } catch (TdmpcException e) {
            throw e;
        } catch (Throwable e) {
            throw pluginFailed(domain, call + " threw " + ProviderDiscovery.describeFault(e), e);
        }
    }

    /** Refuses an env whose spec is not the task the plug-in lists: the agent is made for the listed sizes. */
    private void requireListedSpaces(TaskSpec listed, Env raw) {
        TaskSpec made;
        try {
            made = raw.spec();
        } catch (Throwable e) {
            throw pluginFailed(listed.domain(), "the env of " + listed.id() + " threw from spec(): "
                    + ProviderDiscovery.describeFault(e), e);
        }
        if (made == null) {
            throw pluginFailed(listed.domain(), "the env of " + listed.id() + " answered null from spec()", null);
        }
        if (!made.id().equals(listed.id()) || made.observationSize() != listed.observationSize()
                || !made.actionSpace().equals(listed.actionSpace())) {
            throw pluginFailed(listed.domain(), listed.id() + " is listed with observations of "
                    + Messages.plural(listed.observationSize(), "value") + " and actions in " + listed.actionSpace()
                    + ", but create() "
                    + "made an env whose spec() says " + made.id() + " with observations of "
                    + Messages.plural(made.observationSize(), "value") + " and actions in " + made.actionSpace()
                    + "; the plug-in's task list does not match its envs", null);
        }
    }

    /**
     * The standard wrapping shows actions in [-1, 1] rescaled to the task's bounds, which must be finite: refused with
     * {@link RescaleAction}'s reason, naming the plug-in and its jar.
     */
    private void requireBoundedActions(TaskSpec spec) {
        String unbounded = RescaleAction.unboundedReason(spec);
        if (unbounded != null) {
            throw pluginFailed(spec.domain(), unbounded, null);
        }
    }

    /** A failure of an installed plug-in, named with its class and jar as {@link PluginFailure} names them. */
    private PluginException pluginFailed(String domain, String reason, Throwable cause) {
        String message = failureOf(domain, reason).toString();
        return cause == null ? new PluginException(message) : new PluginException(message, cause);
    }

    /** The installed plug-in of the task's domain. */
    private EnvProvider providerOf(TaskSpec spec) {
        if (spec == null) {
            throw new TdmpcException("the task is null: pass a task's spec (resolve(id) gives it from its id or "
                    + "alias)");
        }
        EnvProvider provider = providers.get(spec.domain());
        if (provider == null) {
            throw unknownDomain(spec.domain());
        }
        return provider;
    }

    private PluginFailure failureOf(String domain, String reason) {
        return new PluginFailure(sources.get(domain), providers.get(domain).getClass().getName(), domain, reason);
    }

    private static void requireOptions(EnvOptions options) {
        if (options == null) {
            throw new TdmpcException("the env options are null: pass EnvOptions.defaults() for the defaults");
        }
    }

    /** The standard TD-MPC2 wrapping of a raw env, see {@link #make(String, EnvOptions)}. */
    public static Env wrap(Env raw) {
        if (raw == null) {
            throw new TdmpcException("the env to wrap is null: pass a plug-in's raw env (EnvProvider.create makes "
                    + "one; EnvRegistry.make makes it and wraps it)");
        }
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

    /**
     * Closes every plug-in (its workers, its caches); the envs made stay the caller's to close. A closed registry
     * still looks names up but makes no env: it would start the workers the close stopped again. Closing again does
     * nothing.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        providers.forEach((domain, p) -> closeQuietly(p, domain));
    }

    /** Refuses to make an env once {@link #close} ran. */
    private void requireOpen() {
        if (closed) {
            throw new EnvStateException("this EnvRegistry was closed (its plug-ins with it, their workers stopped): "
                    + "make a new one with EnvRegistry.discover() to make envs");
        }
    }

    private UnknownTaskException unknownDomain(String domain) {
        if (domain == null) {
            return new UnknownTaskException("no domain named (null). Installed domains: "
                    + String.join(", ", providers.keySet()), List.of());
        }
        Optional<PluginFailure> failed = failureOf(domain);
        if (failed.isPresent()) {
            return new UnknownTaskException("the plug-in of the domain '" + domain + "' was left out: "
                    + failed.get(), List.of());
        }
        List<String> suggestions = closest(domain, providers.keySet(), 3);
        return new UnknownTaskException("no installed plug-in has the domain '" + domain + "'"
                + (suggestions.isEmpty() ? "." : "; did you mean " + String.join(", ", suggestions) + "?")
                + " Installed domains: " + String.join(", ", providers.keySet()) + leftOutUnnamed(), suggestions);
    }

    /**
     * The plug-ins left out before they named their domain (a class that cannot be loaded, a constructor that
     * throws), one of which may be the one asked for: a sentence to end a message with, or empty.
     */
    private String leftOutUnnamed() {
        List<String> unnamed = failures.stream().filter(f -> f.domain() == null).map(PluginFailure::toString)
                .toList();
        return unnamed.isEmpty() ? "" : ". Left out before naming " + Messages.word(unnamed.size(), "its domain",
                "their domains") + ": " + String.join("; ", unnamed);
    }

    private UnknownTaskException unknownTask(String name, String canonical) {
        String domain = canonical.contains("/") ? canonical.substring(0, canonical.indexOf('/')) : null;
        Optional<PluginFailure> failed = domain == null ? Optional.empty() : failureOf(domain);
        if (failed.isPresent() && !providers.containsKey(domain)) {
            return new UnknownTaskException("task " + canonical + " belongs to the domain '" + domain
                    + "', whose plug-in was left out: " + failed.get(), List.of());
        }
        if (domain != null && !providers.containsKey(domain) && TaskSets.allKnownIds().contains(canonical)) {
            return new UnknownTaskException("task " + canonical + " belongs to the domain '" + domain
                    + "', whose plug-in is not installed: put its jar on the class path (installed domains: "
                    + String.join(", ", providers.keySet()) + ")", List.of());
        }
        Map<String, List<String>> forms = new LinkedHashMap<>();
        for (TaskSpec t : tasks.values()) {
            List<String> typed = new ArrayList<>(List.of(t.id()));
            typed.addAll(t.aliases());
            forms.put(t.id(), typed);
        }
        List<String> suggestions = closest(name, forms, 3);
        String hint = suggestions.isEmpty() ? "run `tdmpc2j tasks list` to see the installed tasks."
                : "did you mean " + String.join(", ", suggestions) + "?";
        if (domain != null && !providers.containsKey(domain)) {
            // a plug-in's task asked for without its jar (an eval of its checkpoint, say) is not a typo to correct
            hint += " No installed plug-in has the domain '" + domain + "' (installed: "
                    + String.join(", ", providers.keySet()) + "): if a plug-in of yours makes it, put its jar on the "
                    + "class path (for the command line: on TDMPC2J_PLUGINS)" + leftOutUnnamed();
        }
        return new UnknownTaskException("unknown task '" + name + "': " + hint, suggestions);
    }

    private Optional<PluginFailure> failureOf(String domain) {
        return failures.stream().filter(f -> domain.equals(f.domain())).findFirst();
    }

    /**
     * Up to {@code n} candidates nearest to {@code name}, as {@link #closest(String, Map, int)}: the one way names
     * typed wrong get their suggestions (task ids, domains, settings).
     */
    public static List<String> closest(String name, Collection<String> candidates, int n) {
        if (name == null || candidates == null) {
            throw new TdmpcException((name == null ? "the name is null: pass the name to find the closest of"
                    : "the candidates are null: pass the names to choose from (List.of() for none)"));
        }
        Map<String, List<String>> forms = new LinkedHashMap<>();
        candidates.forEach(c -> forms.put(c, List.of(c)));
        return closest(name, forms, n);
    }

    /**
     * Up to {@code n} candidates (task ids, each with the forms a user may type for it: the id, its aliases) that
     * {@code name} likely meant: those of which a form starts with the name (or the name's task part, three
     * characters or more: {@code cartpole}, {@code dmc/walk}) first, then those within a typo's edit distance;
     * ties go to the shorter id. Each candidate at most once, however many of its forms match.
     */
    static List<String> closest(String name, Map<String, ? extends Collection<String>> forms, int n) {
        String bareName = afterSlash(name);
        Map<String, Integer> scored = new LinkedHashMap<>();
        forms.forEach((candidate, typed) -> {
            int best = Integer.MAX_VALUE;
            for (String f : typed) {
                String bare = afterSlash(f);
                if (bareName.length() >= 3 && (f.startsWith(name) || (!name.contains("/") && bare.startsWith(name)))) {
                    best = 0;
                    break;
                }
                int d = Math.min(editDistance(name, f), f.contains("/") ? editDistance(name, bare) : Integer.MAX_VALUE);
                if (d <= Math.max(2, name.length() / 2)) {
                    best = Math.min(best, d);
                }
            }
            if (best != Integer.MAX_VALUE) {
                scored.put(candidate, best);
            }
        });
        return scored.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue()
                        .thenComparing(e -> e.getKey().length()).thenComparing(Map.Entry.comparingByKey()))
                .limit(n).map(Map.Entry::getKey).toList();
    }

    private static String afterSlash(String s) {
        return s.substring(s.indexOf('/') + 1);
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
