package io.github.tdmpc2j.cluster;

import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.TdmpcException;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.JavaSparkStatusTracker;
import org.apache.spark.launcher.JavaModuleOptions;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import scala.collection.Iterator;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the units of a job: in this process, one after another, when {@link ClusterSettings#master()} is null, or
 * as Spark tasks, one task per unit, on the given master. Spark retries a unit whose executor died or whose
 * failure may pass (up to {@code spark.task.maxFailures}, 4), so a unit must be safe to run twice: it writes its
 * output whole under a name of its own (a retry replaces it with the same content) or returns it. A typed error
 * that the same input would repeat ({@link TdmpcException#transientFailure()} false: an unknown task, a bad
 * checkpoint, ...) is not retried: the unit ends with it, the other units run on, and the job then fails with the
 * first such error's message. A {@link Stop} (the command's first Ctrl-C) ends the job early and cleanly: the units
 * that run end before their next step, and the run returns once they have.
 */
public final class UnitRunner {
    private static final Logger LOG = LoggerFactory.getLogger(UnitRunner.class);
    /** Called in the driver as each unit ends, in the order they end. */
    @FunctionalInterface
    public interface ResultHandler<U, R> {
        void accept(int index, U unit, R result);
    }

    /** System properties executors get from the driver (DJL, JavaCPP and tdmpc2j settings). */
    private static final List<String> FORWARDED = List.of("tdmpc2j.", "ai.djl.", "org.bytedeco.", "jna.");
    /** How long {@link #requireReachableMaster} waits for a master's port to accept a connection. */
    private static final int MASTER_CONNECT_TIMEOUT_MS = 5000;

    private UnitRunner() {
    }

    public static <U extends Serializable, R extends Serializable> void run(ClusterSettings settings, String job,
            List<U> units, UnitFunction<U, R> function, ResultHandler<U, R> handler) {
        run(settings, job, units, null, null, function, handler);
    }

    /**
     * As {@link #run(ClusterSettings, String, List, UnitFunction, ResultHandler)}, with {@code check} (may be null)
     * run first, once per {@link UnitCheck#key key} of the units (on a cluster: a first stage on the executors, which
     * run the units, one Spark task per key), before any unit runs: a unit whose check throws a typed error its
     * input would repeat (a task whose suite is not set up on that node) ends the job before any unit has run,
     * instead of after the others have trained for hours. {@code ready} (may be null) is called in this process
     * once the cluster took the job (an executor fits a worker) and every check passed, before any unit runs: what
     * the units write into (a dataset's index) is made there, so that a job refused is refused before anything is
     * written.
     */
    public static <U extends Serializable, R extends Serializable> void run(ClusterSettings settings, String job,
            List<U> units, UnitCheck<U> check, Runnable ready, UnitFunction<U, R> function,
            ResultHandler<U, R> handler) {
        run(settings, job, units, check, ready, function, handler, null);
    }

    /**
     * As {@link #run(ClusterSettings, String, List, UnitCheck, Runnable, UnitFunction, ResultHandler)}, stopped by
     * {@code stop} (may be null) when it is asked: no unit starts after it, and on a cluster the units that run end
     * before their next step ({@link #stopRequested}); this returns once they have ended, having handed over the
     * results of the units that finished, and {@link Stop#cutShort} says whether it stopped the job short. A stop
     * during the checks returns before {@code ready} is called.
     */
    public static <U extends Serializable, R extends Serializable> void run(ClusterSettings settings, String job,
            List<U> units, UnitCheck<U> check, Runnable ready, UnitFunction<U, R> function,
            ResultHandler<U, R> handler, Stop stop) {
        if (units.isEmpty()) {
            return;
        }
        Stop stops = stop != null ? stop : new Stop(); // one nobody asks: the job runs to its end
        // the first unit of each key, in the units' order: what a failed check names
        Map<String, U> checked = new LinkedHashMap<>();
        if (check != null) {
            units.forEach(u -> checked.putIfAbsent(check.key(u), u));
        }
        if (!checked.isEmpty() && settings.unitsAtOnceHere() > 0) {
            // the units run in this JVM (local[K]'s executor too): checked here, every key at once, before Spark
            // starts, so that one error names every fix
            List<String> keys = new ArrayList<>(checked.keySet());
            runOne(k -> {
                check.checkAll(k);
                return Boolean.TRUE;
            }, keys);
            checked.clear();
        }
        if (!settings.distributed()) {
            runHere(units, ready, function, handler, stops);
        } else if (!stops.stopsShort()) { // a stop before Spark starts has nothing to cancel
            new OnCluster<U, R>(settings, job, units, checked, stops).run(check, ready, function, handler);
        }
    }

    /** The job in this process, its units checked: the units one after another; a typed error ends it at once. */
    private static <U, R> void runHere(List<U> units, Runnable ready, UnitFunction<U, R> function,
            ResultHandler<U, R> handler, Stop stop) {
        if (stop.stopsShort()) {
            return;
        }
        if (ready != null) {
            ready.run();
        }
        for (int i = 0; i < units.size() && !stop.stopsShort(); i++) {
            handler.accept(i, units.get(i), runOne(function, units.get(i)));
        }
    }

    /**
     * The job on a Spark master: a stage of checks (one task per key), then a stage of units (one task per unit),
     * and what ends it before its end: a typed error of a check or a unit, the executor watchdog, a stop, Spark.
     */
    private static final class OnCluster<U extends Serializable, R extends Serializable> {
        private final ClusterSettings settings;
        private final String job;
        private final List<U> units;
        private final Map<String, U> checked;
        private final Stop stop;
        private final Handler<String, Object> checks;
        private Handler<U, R> results;
        private int jobs; // the Spark jobs submitted: the checks', the units'

        OnCluster(ClusterSettings settings, String job, List<U> units, Map<String, U> checked, Stop stop) {
            this.settings = settings;
            this.job = job;
            this.units = units;
            this.checked = checked;
            this.stop = stop;
            this.checks = new Handler<>(new ArrayList<>(checked.keySet()), (i, key, ok) -> { }, stop);
        }

        void run(UnitCheck<U> check, Runnable ready, UnitFunction<U, R> function, ResultHandler<U, R> handler) {
            Duration wait = settings.duration(ClusterSettings.EXECUTOR_WAIT, ClusterSettings.EXECUTOR_WAIT_DEFAULT);
            SparkContext sc = start(settings, job);
            Watchdog watchdog = null;
            Running running = new Running(stop, sc);
            try {
                sc.addSparkListener(running);
                stop.attach(sc);
                Resources.requireAWorkerThatFits(sc, settings.master(), job);
                if (!settings.master().startsWith("local[")) { // local[K]: the units run in this JVM, never starved
                    watchdog = new Watchdog(sc, wait, () -> Resources.starved(sc, settings.master(), job, wait));
                }
                JavaSparkContext jsc = new JavaSparkContext(sc);
                if (!checked.isEmpty()) { // one partition per key: a task of 1000 episodes is checked once
                    jobs++;
                    sc.runJob(jsc.parallelize(checks.units, checks.units.size()).rdd(),
                            new OneUnit<String, Boolean>(key -> {
                                check.check(key);
                                return Boolean.TRUE;
                            }), checks, ClassTag$.MODULE$.apply(Object.class));
                    throwFailure(false);
                }
                if (stop.stopsShort()) { // between the checks and the units: nothing written yet
                    return;
                }
                // one partition per unit: a lost executor costs only its units in flight
                var rdd = jsc.parallelize(new ArrayList<>(units), units.size()).rdd();
                if (ready != null) {
                    ready.run();
                }
                if (stop.stopsShort()) { // during ready: nothing was submitted
                    return;
                }
                results = new Handler<>(units, handler, stop);
                jobs++;
                sc.runJob(rdd, new OneUnit<>(function), results, ClassTag$.MODULE$.apply(Object.class));
                throwFailure(false);
            } catch (TdmpcException e) { // ours, with what to do: a typed failure, the cluster's refusal, ready's
                throw e;
            } catch (Exception e) { // Spark's SparkException is checked but not declared
                if (stop.requested() && !exiting()) {
                    // the stop cancelled the job: its units that run end before their next step, and their writes
                    // with them, before Spark is stopped and the caller lets go of what they write into
                    stop.cutShort = true;
                    running.awaitEnded(jobs, job);
                    // a typed failure that came before the stop is the job's outcome, not the stop
                    throwFailure(true);
                    return;
                }
                if (watchdog != null && watchdog.reason != null) { // it cancelled the job: units waited, none ran
                    throw new ClusterException(watchdog.reason, e);
                }
                if (exiting()) { // Ctrl-C or SIGTERM: Spark's shutdown hook stopped the application, not its master
                    throw new ClusterException(job + " stopped: this process is exiting (Ctrl-C or SIGTERM), and "
                            + "Spark stopped the application with it; run the same command again: finished units "
                            + "are kept", e);
                }
                if (sc.isStopped()) { // Spark's own handler stopped it: the master gave up on the application
                    throw new ClusterException(job + " failed on the cluster: Spark stopped the application (the "
                            + "master " + settings.master() + " stopped answering, or removed the application; the "
                            + "lines above say which). Check that the master runs and its workers are registered "
                            + "(its web UI), then run the same command again: finished units are kept", e);
                }
                throw new ClusterException(job + " failed on the cluster: " + rootMessage(e)
                        + " (run the same command again: finished units are kept)", e);
            } finally {
                stop.detach();
                if (watchdog != null) {
                    watchdog.close();
                }
                sc.stop();
            }
        }

        /**
         * Throws the first typed failure of a check or a unit, if any; once the job was {@code stopped}, only one
         * that came before the stop (a unit ended by the stop may fail because of it), the stop said with it.
         */
        private void throwFailure(boolean stopped) {
            String after = stopped ? "; then the job was stopped (Ctrl-C or SIGTERM): the units that ran ended "
                    + "before their next step" : "";
            if (checks.failed != null && !(stopped && checks.failedAfterStop)) {
                throw new ClusterException(job + " cannot run on the cluster: unit " + checked.get(checks.failedUnit)
                        + " (checked on " + checks.failed.node() + " before any unit ran): " + checks.failed.message()
                        + " (" + checks.failed.type() + "; no unit was run" + after + ")");
            }
            if (results != null && results.failed != null && !(stopped && results.failedAfterStop)) {
                throw new ClusterException(job + " failed on the cluster: unit " + results.failedUnit + " (on "
                        + results.failed.node() + "): " + results.failed.message() + " (" + results.failed.type()
                        + "; not retried: the same input fails the same way; finished units are kept" + after + ")");
            }
        }
    }

    /**
     * A stop asked of a job while it runs: the first Ctrl-C or SIGTERM of the command that runs it (the cli's
     * StopSignals call {@link #request}). No unit starts after it; on a cluster the job is cancelled, which each
     * unit that runs sees ({@link #stopRequested}) and ends before its next step, and {@link UnitRunner#run}
     * returns once they have ended. A unit that runs in this process without a master is the caller's to stop.
     */
    public static final class Stop {
        private volatile boolean requested;
        private volatile boolean cutShort;
        private SparkContext context; // the job's while it runs; guarded by this

        /** Asks the job to stop; any thread (a signal's) may call it, at any time, more than once. */
        public void request() {
            SparkContext sc;
            synchronized (this) {
                requested = true;
                sc = context;
            }
            if (sc != null) {
                cancel(sc, null);
            }
        }

        /** Whether a stop was asked. */
        public boolean requested() {
            return requested;
        }

        /** Whether the stop ended the job before every unit had run (one that came once they had stops nothing). */
        public boolean cutShort() {
            return cutShort;
        }

        /** Whether the job is to stop now, before its next stage or unit: then it is cut short. */
        boolean stopsShort() {
            if (requested) {
                cutShort = true;
            }
            return requested;
        }

        private void attach(SparkContext sc) {
            boolean cancel;
            synchronized (this) {
                context = sc;
                cancel = requested;
            }
            if (cancel) {
                cancel(sc, null);
            }
        }

        private synchronized void detach() {
            context = null;
        }

        /** Cancels job {@code id} of {@code sc}, or all its jobs (null). */
        private static void cancel(SparkContext sc, Integer id) {
            try {
                if (id == null) {
                    sc.cancelAllJobs();
                } else {
                    sc.cancelJob(id);
                }
            } catch (RuntimeException e) { // the context stopped meanwhile: its jobs ended with it
                LOG.debug("cancelling the job: {}", e.toString());
            }
        }
    }

    /** How long a stopped job waits for its units that run to end before Spark is stopped under them. */
    private static final Duration STOP_WAIT = Duration.ofMinutes(2);
    /** How long a stopped job's tasks must have all ended, none starting, before it counts as ended. */
    private static final Duration QUIET = Duration.ofMillis(500);

    /**
     * The job's Spark tasks that run, for a stop to wait until they have ended; a job that starts once a stop was
     * asked is cancelled as it starts (the stop may come between two jobs, when it cancels none).
     */
    private static final class Running extends SparkListener {
        private final Stop stop;
        private final SparkContext sc;
        private int tasks;
        private long started;
        private int jobsEnded;

        Running(Stop stop, SparkContext sc) {
            this.stop = stop;
            this.sc = sc;
        }

        @Override
        public void onJobStart(SparkListenerJobStart start) {
            if (stop.requested()) {
                Stop.cancel(sc, start.jobId());
            }
        }

        @Override
        public synchronized void onJobEnd(SparkListenerJobEnd end) {
            jobsEnded++;
            notifyAll();
        }

        @Override
        public synchronized void onTaskStart(SparkListenerTaskStart start) {
            tasks++;
            started++;
            notifyAll();
        }

        @Override
        public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
            tasks--;
            notifyAll();
        }

        /**
         * Waits until the {@code jobs} submitted have ended and so have their tasks, and no task has started for
         * {@link #QUIET} since: a task launched as the job was cancelled (a stop just as it was submitted) is told
         * to the listeners after the job's end, and ran unwaited for (a bench's run folder left behind). At most
         * {@link #STOP_WAIT}.
         */
        synchronized void awaitEnded(int jobs, String job) {
            long deadline = System.nanoTime() + STOP_WAIT.toNanos();
            try {
                long quietSince = System.nanoTime();
                long seen = started;
                while (true) {
                    long now = System.nanoTime();
                    if (started != seen || jobsEnded < jobs || tasks > 0) {
                        seen = started;
                        quietSince = now;
                    } else if (now - quietSince >= QUIET.toNanos()) {
                        return;
                    }
                    long left = deadline - now;
                    if (left <= 0) {
                        LOG.warn("{} stopped: {} of its units still run after {} s; Spark is stopped under them",
                                job, tasks, STOP_WAIT.toSeconds());
                        return;
                    }
                    wait(Math.max(1, Math.min(left, QUIET.toNanos()) / 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Whether the job of the unit this thread runs was asked to stop (a {@link Stop} cancelled it, or Spark killed
     * this attempt): the unit is to end before its next step; its result is not used. False outside a Spark task.
     */
    public static boolean stopRequested() {
        TaskContext context = TaskContext.get();
        return context != null && context.isInterrupted();
    }

    /** What {@link #onStop} returns: closing it ends the watch. */
    public interface StopWatch extends AutoCloseable {
        @Override
        void close();
    }

    /** How often {@link #onStop} looks at its task. */
    private static final long STOP_POLL_MS = 200;

    /**
     * Calls {@code stop} once, from another thread, when the job of the unit this thread runs is asked to stop
     * ({@link #stopRequested}), until the watch returned is closed; for a unit whose work is stopped by a call
     * (a training run's). Outside a Spark task it watches nothing.
     */
    public static StopWatch onStop(Runnable stop) {
        TaskContext context = TaskContext.get();
        if (context == null) {
            return () -> { };
        }
        Thread watch = new Thread(() -> {
            try {
                while (!context.isInterrupted()) {
                    Thread.sleep(STOP_POLL_MS);
                }
                stop.run();
            } catch (InterruptedException e) {
                // the unit ended
            }
        }, "tdmpc2j-unit-stop");
        watch.setDaemon(true);
        watch.start();
        return watch::interrupt;
    }

    /**
     * Cancels the jobs of a Spark application whose units wait and none runs for longer than a limit: no executor
     * the cluster gave it can take one (a worker too small for what an executor asks, workers that other
     * applications hold, none at all). Spark itself waits for ever, warning every 15 s that the "initial job has
     * not accepted any resources". {@link #reason} says why once it has cancelled them.
     */
    private static final class Watchdog implements AutoCloseable {
        private static final long POLL_MS = 500;
        private final Thread thread;
        volatile String reason;

        Watchdog(SparkContext sc, Duration limit, java.util.function.Supplier<String> describe) {
            JavaSparkStatusTracker tracker = new JavaSparkContext(sc).statusTracker();
            thread = new Thread(() -> {
                long since = System.nanoTime();
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        Thread.sleep(POLL_MS);
                        if (!waitingWithNoneRunning(tracker)) {
                            since = System.nanoTime();
                        } else if (System.nanoTime() - since >= limit.toNanos()) {
                            reason = describe.get();
                            sc.cancelAllJobs();
                            return;
                        }
                    }
                } catch (InterruptedException e) {
                    // the job ended
                } catch (RuntimeException e) { // the context stopped under it: the job ends anyway
                    LOG.debug("executor watchdog ended: {}", e.toString());
                }
            }, "tdmpc2j-executor-wait");
            thread.setDaemon(true);
            thread.start();
        }

        /** A stage runs, and none of its tasks has started or all that started ended. */
        private static boolean waitingWithNoneRunning(JavaSparkStatusTracker tracker) {
            int[] stages = tracker.getActiveStageIds();
            if (stages.length == 0) {
                return false;
            }
            for (int id : stages) {
                SparkStageInfo stage = tracker.getStageInfo(id);
                if (stage == null || stage.numActiveTasks() > 0) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void close() {
            thread.interrupt();
        }
    }

    static <U, R> R runOne(UnitFunction<U, R> function, U unit) {
        try {
            return function.run(unit);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ClusterException("unit " + unit + " failed: " + e, e);
        }
    }

    /** Whether this JVM is running its shutdown hooks (a signal ends it): no hook can be added then. */
    public static boolean exiting() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
        } catch (IllegalStateException e) {
            return true;
        }
        Runtime.getRuntime().removeShutdownHook(probe);
        return false;
    }

    /** The Java options Spark needs on Java 17 (its {@code --add-opens} list), as {@code JavaModuleOptions} has them. */
    public static String javaModuleOptions() {
        return JavaModuleOptions.defaultModuleOptions();
    }

    /**
     * Refuses a {@code spark://} master that nothing listens at, within seconds: Spark itself would try for over a
     * minute, with a stack trace in the log every 20 seconds, and then fail with its own. A URL of several masters
     * (high availability) needs one that answers. Other masters are in this process and need no check.
     */
    public static void requireReachableMaster(ClusterSettings settings) {
        String master = settings.master();
        if (master == null || !master.startsWith("spark://")) {
            return;
        }
        List<String> failures = unanswered(master);
        if (!failures.isEmpty()) {
            throw new ClusterException("no Spark master answers at " + master + " (" + String.join("; ", failures)
                    + "): start one with `tdmpc2j cluster master` and give the URL it prints (spark://HOST:PORT), or "
                    + "check that this machine reaches that host and port");
        }
    }

    /**
     * Why no master of a {@code spark://} URL accepts a connection, one reason per master; empty when one does.
     * Each master is given a few seconds.
     */
    static List<String> unanswered(String master) {
        List<String> failures = new ArrayList<>();
        for (String hostPort : master.substring("spark://".length()).split(",")) {
            int colon = hostPort.lastIndexOf(':');
            String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
            int port = Integer.parseInt(hostPort.substring(colon + 1)); // the URL's form was checked
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), MASTER_CONNECT_TIMEOUT_MS);
                return List.of();
            } catch (UnknownHostException e) {
                failures.add(host + ": unknown host");
            } catch (IOException | IllegalArgumentException e) { // refused, timed out, no route; a port over 65535
                failures.add(hostPort + ": " + (e.getMessage() != null ? e.getMessage() : e.toString()));
            }
        }
        return failures;
    }

    static SparkContext start(ClusterSettings settings, String job) {
        if (!Object.class.getModule().isOpen("sun.nio.ch", UnitRunner.class.getModule())) {
            throw new ClusterException("Spark needs Java's internals opened to it: run java with "
                    + javaModuleOptions() + " (the tdmpc2j launcher does)");
        }
        requireReachableMaster(settings);
        SparkKeys.warnings(settings.sparkConf()).forEach(LOG::warn);
        System.setProperty("io.netty.tryReflectionSetAccessible",
                System.getProperty("io.netty.tryReflectionSetAccessible", "true"));
        String master = settings.master();
        SparkConf conf = new SparkConf().setMaster(master).setAppName("tdmpc2j " + job)
                .set("spark.task.maxFailures", "4")
                .set("spark.ui.showConsoleProgress", "false")
                .set("spark.executor.extraJavaOptions", forwardedProperties());
        List<Path> folders = SparkHome.classFolders();
        if (!folders.isEmpty()) { // a development build: its classes are folders, not jars
            conf.set("spark.executor.extraClassPath",
                    folders.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
        }
        if (master.startsWith("local")) {
            conf.set("spark.ui.enabled", "false");
        }
        if (master.startsWith("local-cluster")) {
            String home = System.getenv("SPARK_HOME");
            if (home == null || home.isBlank()) {
                throw new ClusterException("--master " + master + " starts Spark Workers in this process, and they "
                        + "launch executors from SPARK_HOME: set SPARK_HOME to an empty folder (tdmpc2j fills it "
                        + "with links to its own jars), e.g. export SPARK_HOME=$HOME/.cache/tdmpc2j/spark-home");
            }
            SparkHome.fill(Path.of(home));
        }
        if (settings.gpusPerTask() > 0) {
            conf.set("spark.task.resource.gpu.amount", Double.toString(settings.gpusPerTask()));
            conf.set("spark.executor.resource.gpu.amount", "1");
        }
        for (Map.Entry<String, String> e : settings.sparkConf().entrySet()) {
            conf.set(e.getKey(), e.getValue());
        }
        SparkContext sc;
        try {
            sc = new SparkContext(conf);
        } catch (Exception e) { // Spark's SparkException is checked but not declared
            String why = rootMessage(e);
            throw new ClusterException("cannot start Spark with --master " + master + suspects(settings, why) + ": "
                    + why, e);
        }
        InetAddress named;
        try {
            named = InetAddress.getLocalHost();
        } catch (UnknownHostException e) {
            named = null;
        }
        driverAddressNotice(settings, named, sc.getConf().get("spark.driver.host", "")).ifPresent(LOG::info);
        return sc;
    }

    /**
     * What a {@code spark://} driver says of the address its executors reach it at, where Spark chose it because
     * this machine's host name resolves to loopback (Debian's /etc/hosts): Spark said so with two warnings in every
     * JVM, local[K] too, advising SPARK_LOCAL_IP (the cli's logging leaves them out). Empty where the user gave
     * spark.driver.host, the master runs in this process or the host name resolves to an address others reach.
     */
    static Optional<String> driverAddressNotice(ClusterSettings settings, InetAddress named, String driverHost) {
        if (!settings.master().startsWith("spark://") || settings.sparkConf().containsKey("spark.driver.host")
                || (named != null && !named.isLoopbackAddress())) {
            return Optional.empty();
        }
        return Optional.of("the executors reach this command at " + driverHost + " (this machine's host name resolves "
                + "to loopback, so Spark took a network interface's address): --spark-conf spark.driver.host=ADDRESS "
                + "if the workers reach this machine at another");
    }

    /**
     * The --spark-conf settings whose value Spark's refusal {@code why} quotes, as {@code " (--spark-conf K=V)"}:
     * some of its refusals name the value alone ('For input string: "abc"', of spark.executor.cores=abc), so the
     * user did not learn which setting to mend. Empty where it quotes none.
     */
    private static String suspects(ClusterSettings settings, String why) {
        List<String> named = settings.sparkConf().entrySet().stream()
                .filter(e -> !e.getValue().isBlank() && !why.contains(e.getKey())
                        && why.matches("(?s).*[\\s\"'(=]" + java.util.regex.Pattern.quote(e.getValue().strip())
                                + "([\\s\"'),.].*|$)"))
                .map(e -> e.getKey() + "=" + e.getValue()).sorted().toList();
        return named.isEmpty() ? "" : " (--spark-conf " + String.join(", ", named) + ")";
    }

    private static String forwardedProperties() {
        List<String> options = new ArrayList<>();
        System.getProperties().forEach((k, v) -> {
            String key = k.toString();
            String value = v.toString();
            if (FORWARDED.stream().anyMatch(key::startsWith) && !value.matches(".*[\\s'\"].*")) {
                options.add("-D" + key + "=" + value);
            }
        });
        options.sort(null);
        return String.join(" ", options);
    }

    /**
     * {@code e}'s message and its root cause's, the first line of each: Spark's messages go on with stack traces
     * (where a SparkContext was made and stopped, an executor's failure), which belong in the log, not in the one
     * line a user reads.
     */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = Messages.firstLine(e);
        String root = Messages.firstLine(t.toString());
        return t == e || message.contains(root) ? message : message + " (" + root + ")";
    }

    /** This machine's host name, as units report where they ran. */
    public static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }

    /** The GPU Spark gave this task, as the agent's device setting ({@code gpu:N}); null without one. */
    public static String assignedGpu() {
        TaskContext context = TaskContext.get();
        if (context == null) {
            return null;
        }
        ResourceInformation gpu = context.resources().get("gpu").getOrElse(() -> null);
        return gpu == null || gpu.addresses().length == 0 ? null : "gpu:" + gpu.addresses()[0];
    }

    /** A unit that ended with a typed error its input would repeat: what reaches the driver instead of a result. */
    record Failed(String type, String message, String node) implements Serializable {
    }

    /** The Spark task: the one unit of its partition; its result, or {@link Failed}. */
    private static final class OneUnit<U, R> extends AbstractFunction2<TaskContext, Iterator<U>, Object>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final UnitFunction<U, R> function;

        OneUnit(UnitFunction<U, R> function) {
            this.function = function;
        }

        @Override
        public Object apply(TaskContext context, Iterator<U> units) {
            U unit = units.next();
            try {
                return function.run(unit);
            } catch (TdmpcException e) {
                if (e.transientFailure()) {
                    throw e; // Spark retries it
                }
                // the node: what is missing there (a suite's setup) may be missing on that node alone
                return new Failed(e.getClass().getSimpleName(), e.getMessage(), hostName());
            } catch (RuntimeException e) {
                throw e; // a bug or the machinery: Spark retries it
            } catch (Exception e) { // an I/O error, say: it may pass, Spark retries it
                throw new IllegalStateException("unit " + unit + " failed: " + e, e);
            }
        }
    }

    /** The driver's side of a stage: each result to the caller's handler, the first typed failure kept. */
    private static final class Handler<U, R> extends AbstractFunction2<Object, Object, BoxedUnit> {
        private final List<U> units;
        private final ResultHandler<U, R> handler;
        private final Stop stop;
        Failed failed;
        U failedUnit;
        /** Whether {@link #failed} came once a stop was asked (a unit ended by it may fail because of it). */
        boolean failedAfterStop;

        Handler(List<U> units, ResultHandler<U, R> handler, Stop stop) {
            this.units = units;
            this.handler = handler;
            this.stop = stop;
        }

        @Override
        @SuppressWarnings("unchecked")
        public BoxedUnit apply(Object index, Object result) {
            int i = (Integer) index;
            if (result instanceof Failed f) {
                if (failed == null) {
                    failed = f;
                    failedUnit = units.get(i);
                    failedAfterStop = stop.requested();
                }
            } else {
                handler.accept(i, units.get(i), (R) result);
            }
            return BoxedUnit.UNIT;
        }
    }
}
