package io.github.tdmpc2j.cluster;

import io.github.tdmpc2j.spi.EnvRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an executor JVM keeps across the units it runs: the plug-in registry, and pools of envs and agents (with
 * the Python worker processes behind bridged envs). An env or agent is used by one unit at a time: a unit
 * {@link #lease leases} it, runs, and {@link #release releases} it for the next unit with the same key, or
 * {@link #discard discards} it after a failure. Everything is closed when the JVM exits.
 */
public final class ExecutorCache {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorCache.class);
    private static final ExecutorCache INSTANCE = new ExecutorCache();

    private final Map<String, Object> shared = new ConcurrentHashMap<>();
    /** Registries by the class loader holding the plug-ins (class loaders compare by identity). */
    private final Map<ClassLoader, EnvRegistry> registries = new ConcurrentHashMap<>();
    private final Map<String, Deque<Object>> idle = new HashMap<>();
    private final List<AutoCloseable> made = new ArrayList<>();
    private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

    private ExecutorCache() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::closeAll, "tdmpc2j-executor-cache"));
    }

    /** This JVM's cache. */
    public static ExecutorCache get() {
        return INSTANCE;
    }

    /**
     * The plug-in registry of this thread's context class loader, found once per plug-in class path: once per JVM
     * when the plug-ins are set at its start, as the command line sets them. Spark's own class loaders (a new one
     * for each application a local-mode JVM runs) are looked through to the loader they wrap, so that a JVM whose
     * plug-in class path was changed (a test adding a plug-in) finds the plug-ins anew instead of reusing a
     * registry made without them.
     */
    public EnvRegistry registry() {
        ClassLoader key = Thread.currentThread().getContextClassLoader();
        while (key != null && key.getClass().getName().startsWith("org.apache.spark.")) {
            key = key.getParent();
        }
        return registries.computeIfAbsent(key != null ? key : EnvRegistry.class.getClassLoader(),
                k -> remember("registry", EnvRegistry.discover()));
    }

    /** One object per key for every unit (it must be safe to share between threads). */
    @SuppressWarnings("unchecked")
    public <T> T shared(String key, Supplier<T> make) {
        return (T) shared.computeIfAbsent(key, k -> remember(k, make.get()));
    }

    /**
     * An idle object of this key, or a new one: the caller's alone until it releases or discards it. Null where
     * {@code make} answered null (it gave up: a unit stopped while it made the object), nothing then kept.
     */
    @SuppressWarnings("unchecked")
    public <T> T lease(String key, Supplier<T> make) {
        synchronized (idle) {
            Deque<Object> free = idle.get(key);
            if (free != null && !free.isEmpty()) {
                return (T) free.pop();
            }
        }
        T made = make.get();
        return made == null ? null : remember(key, made);
    }

    /**
     * A unit's use of an env and an agent: leases both ({@link #lease}), runs {@code work} with them and releases
     * both for the next unit with the same keys; where {@code work} fails, or returns null (it gave them up midway,
     * a stopped unit), discards both (either may be in a bad state, or mid-episode); where the agent cannot be
     * made, releases the env, unused, and rethrows. Returns what {@code work} returned. Where {@code makeEnv} answers
     * null (it gave the env up: the unit's job was stopped while its rows were made, and it closed those made),
     * returns null, neither an agent made nor {@code work} run; where {@code makeAgent} answers null (it gave the
     * agent up for the same stop, {@link io.github.tdmpc2j.spi.GivingUp}), releases the env, unused, and returns
     * null, {@code work} not run.
     */
    public <E, A, R> R withLeased(String envKey, Supplier<E> makeEnv, String agentKey, Supplier<A> makeAgent,
            BiFunction<E, A, R> work) {
        E env = lease(envKey, makeEnv);
        if (env == null) {
            return null;
        }
        A agent;
        try {
            agent = lease(agentKey, makeAgent);
        } catch (RuntimeException | Error e) {
            release(envKey, env);
            throw e;
        }
        if (agent == null) {
            release(envKey, env);
            return null;
        }
        R result;
        try {
            result = work.apply(env, agent);
        } catch (RuntimeException | Error e) {
            discard(env);
            discard(agent);
            throw e;
        }
        if (result == null) {
            discard(env);
            discard(agent);
            return null;
        }
        release(envKey, env);
        release(agentKey, agent);
        return result;
    }

    /** Gives a leased object back for the next unit with the same key. */
    public void release(String key, Object leased) {
        synchronized (idle) {
            idle.computeIfAbsent(key, k -> new ArrayDeque<>()).push(leased);
        }
    }

    /** Closes a leased object that a failed unit may have left in a bad state. */
    public void discard(Object leased) {
        synchronized (made) {
            made.remove(leased);
        }
        closeQuietly(leased);
    }

    /** How many objects were made in this JVM for keys starting with {@code prefix}. */
    public int made(String prefix) {
        return counts.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToInt(e -> e.getValue().get()).sum();
    }

    private <T> T remember(String key, T object) {
        counts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        if (object instanceof AutoCloseable c) {
            synchronized (made) {
                made.add(c);
            }
        }
        return object;
    }

    private void closeAll() {
        List<AutoCloseable> all;
        synchronized (made) {
            all = new ArrayList<>(made);
            made.clear();
        }
        // the registry (made first) last: envs may still need their plug-ins while closing
        for (int i = all.size() - 1; i >= 0; i--) {
            closeQuietly(all.get(i));
        }
    }

    private static void closeQuietly(Object o) {
        if (o instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", o, e.toString());
            }
        }
    }
}
