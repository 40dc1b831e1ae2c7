package io.github.tdmpc2j.bridge.py4j;

import io.github.tdmpc2j.spi.GivingUp;
import java.io.IOException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import javax.net.SocketFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import py4j.CallbackClient;
import py4j.GatewayServer;
import py4j.Py4JException;

/**
 * One Python worker process and the Py4J gateway to it.
 *
 * <p>Start-up: the JVM opens a gateway on a loopback port chosen at run time, guarded by a random token; it
 * starts {@code python -m tdmpc2j_worker} in the domain's venv with the port and token in the environment; the
 * worker opens its own loopback server, connects back and reports that server's port through {@link Handshake}.
 * From then on Java calls the worker's {@link WorkerEndpoint}.
 *
 * <p>Failures: a Python exception arrives as a {@link PythonException} and the worker stays usable. A worker that
 * dies, or does not answer within the call timeout, is stopped and every call after that fails at once with a
 * {@link WorkerFailedException}. The worker ends when {@link #close()} is called, when this JVM exits (a shutdown
 * hook), or when this JVM dies (the worker sees its stdin close).
 */
public final class PythonWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PythonWorker.class);
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final SecureRandom RANDOM = new SecureRandom();
    /**
     * How long a close waits for a worker to end, or for an env's call in flight to return (then the env is closed as
     * that call ends), before it kills the worker or leaves the env to close so.
     */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(5);
    /** How long past its wait a worker has to answer an env's close before it is taken for hung and killed. */
    static final Duration CLOSE_ANSWER = Duration.ofSeconds(2);
    /**
     * How long a call that heeds a stop ({@link #callHeedingStop}) runs before it first asks it, in milliseconds: a
     * call that answers sooner is waited for (the stop is heard after it), since giving it up costs the worker, its
     * other envs and a new worker's start (about as long) for the plug-in's next env.
     */
    static final long STOP_GRACE_MS = 2000;
    /** How often such a call asks the stop after that, in milliseconds. */
    static final long STOP_POLL_MS = 100;

    private final WorkerConfig config;
    private final Process process;
    private final GatewayServer server;
    private final OutputLog output;
    private final String command;
    private WorkerEndpoint endpoint;
    private String versions = "";
    private volatile String failure;
    private volatile boolean closed;
    /** Why this JVM stopped the worker (killed or closed it), or null: a call in flight then fails saying so. */
    private volatile String stopped;
    private final java.util.concurrent.atomic.AtomicLong calls = new java.util.concurrent.atomic.AtomicLong();
    /** What marks the venv and the unpacked sources in use while the worker runs ({@link InUse}). */
    private final List<InUse.Hold> holds;

    private PythonWorker(WorkerConfig config, Process process, GatewayServer server, OutputLog output, String command,
            List<InUse.Hold> holds) {
        this.holds = holds;
        this.config = config;
        this.process = process;
        this.server = server;
        this.output = output;
        this.command = command;
    }

    /** Starts a worker and waits until it has connected back. */
    public static PythonWorker start(WorkerConfig config) {
        return start(config, null);
    }

    /** As {@link #start(WorkerConfig)}; a non-null {@code tokenForWorker} hands the worker a wrong token (tests). */
    static PythonWorker start(WorkerConfig config, String tokenForWorker) {
        if (!Files.isExecutable(config.python())) {
            throw new WorkerFailedException("[" + config.domain() + "] no Python at " + config.python()
                    + ": the domain's environment is missing; run `tdmpc2j setup " + config.domain() + "`");
        }
        String pythonPath = WorkerSources.pythonPath().toString();
        String token = newToken();
        Handshake handshake = new Handshake();
        // minConnectionTime 0: no idle-connection cleaner, whose pool thread would keep the JVM from exiting
        CallbackClient callbacks = new CallbackClient(0, LOOPBACK, token, 0, TimeUnit.SECONDS,
                SocketFactory.getDefault(), false, (int) Math.min(Integer.MAX_VALUE, config.callTimeout().toMillis()));
        GatewayServer server = new GatewayServer.GatewayServerBuilder(handshake).javaPort(0).javaAddress(LOOPBACK)
                .callbackClient(callbacks).authToken(token).build();
        startAsDaemon(server, config.domain());
        List<InUse.Hold> holds = new ArrayList<>();
        try {
            holds.add(WorkerSources.use());
            holdVenv(config, holds);
        } catch (RuntimeException e) {
            holds.forEach(InUse.Hold::close);
            server.shutdown();
            throw e;
        }

        List<String> argv = List.of(config.python().toString(), "-u", "-m", "tdmpc2j_worker",
                "--domain", config.domain(), "--suites", String.join(",", config.suites()));
        String command = String.join(" ", argv);
        ProcessBuilder builder = VenvLayout.processOn(argv);
        Map<String, String> env = builder.environment();
        env.put("PYTHONPATH", pythonPath);
        env.put("PYTHONUNBUFFERED", "1");
        // `python -m` would put the working folder first on sys.path: a user's numpy.py or random.py there would be
        // imported instead of the venv's (Python 3.11 and later; the worker drops it for what it starts)
        env.put("PYTHONSAFEPATH", "1");
        env.put("PYTHONIOENCODING", "utf-8:backslashreplace"); // what OutputLog reads, whatever the locale
        env.put("MUJOCO_GL", "disable");
        env.putAll(config.environment());
        env.put("TDMPC2J_GATEWAY_PORT", Integer.toString(server.getListeningPort()));
        env.put("TDMPC2J_AUTH_TOKEN", tokenForWorker != null ? tokenForWorker : token);

        OutputLog output = new OutputLog(config.domain());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            server.shutdown();
            holds.forEach(InUse.Hold::close);
            throw new WorkerFailedException("[" + config.domain() + "] cannot start `" + command + "`: "
                    + e.getMessage() + "; run `tdmpc2j setup " + config.domain() + "`", e);
        }
        output.follow(process.getInputStream(), false, "python-" + config.domain() + "-stdout");
        output.follow(process.getErrorStream(), true, "python-" + config.domain() + "-stderr");
        PythonWorker worker = new PythonWorker(config, process, server, output, command, holds);
        LiveWorkers.add(worker);
        try {
            worker.awaitHandshake(handshake);
        } catch (RuntimeException e) {
            worker.kill("it failed to start");
            throw e;
        }
        process.onExit().thenRun(worker::exited);
        LOG.info("python worker {} started: pid {}, {}", config.domain(), process.pid(), worker.versions);
        return worker;
    }

    /**
     * Marks the worker's venv in use, so that `tdmpc2j setup --force` refuses to delete it under the worker; a
     * venv root this user cannot write is used unmarked (no setup of this user can delete it either).
     */
    private static void holdVenv(WorkerConfig config, List<InUse.Hold> holds) {
        Path lock = VenvLayout.inUseOf(config.python());
        if (lock == null) {
            return;
        }
        try {
            holds.add(InUse.hold(lock));
        } catch (InUse.BeingRemovedException e) {
            throw new WorkerFailedException("[" + config.domain() + "] the Python environment "
                    + config.python().getParent().getParent() + " is being made again (`tdmpc2j setup "
                    + config.domain() + "` in " + String.join(", ", e.holders) + "); wait for it to finish, then "
                    + "start again");
        } catch (IOException e) {
            LOG.warn("cannot mark the Python environment of {} in use ({}): {}; `tdmpc2j setup --force` would not "
                    + "see this worker", config.python(), lock, e.toString());
        }
    }

    private void releaseHolds() {
        holds.forEach(InUse.Hold::close);
    }

    /**
     * Py4J's server and connection threads inherit daemon status from the thread that starts the server; started
     * from a daemon thread they never keep the JVM alive when a program forgets to close its envs.
     */
    private static void startAsDaemon(GatewayServer server, String domain) {
        RuntimeException[] failure = new RuntimeException[1];
        Thread starter = new Thread(() -> {
            try {
                server.start(true);
            } catch (RuntimeException e) {
                failure[0] = e;
            }
        }, "py4j-start-" + domain);
        starter.setDaemon(true);
        starter.start();
        try {
            starter.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdown();
            throw new WorkerFailedException("[" + domain + "] interrupted while opening the gateway");
        }
        if (failure[0] != null) {
            throw new WorkerFailedException("[" + domain + "] cannot open a loopback gateway for the worker: "
                    + failure[0].getMessage(), failure[0]);
        }
    }

    private void awaitHandshake(Handshake handshake) {
        long deadline = System.nanoTime() + config.startupTimeout().toNanos();
        try {
            while (!handshake.await(50)) {
                if (!process.isAlive()) {
                    process.waitFor(1, TimeUnit.SECONDS);
                    throw new WorkerFailedException("[" + config.domain() + "] the worker `" + command
                            + "` exited with code " + process.exitValue() + " before connecting (if its Python "
                            + "environment is damaged, " + remakeAdvice(config.domain()) + ")" + tailSoon());
                }
                if (System.nanoTime() > deadline) {
                    throw new WorkerFailedException("[" + config.domain() + "] the worker `" + command
                            + "` did not connect within " + seconds(config.startupTimeout()) + " s ("
                            + WorkerConfig.toWaitLonger(WorkerConfig.STARTUP_TIMEOUT_PROPERTY) + ")" + tailSoon());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorkerFailedException("[" + config.domain() + "] interrupted while starting the worker");
        }
        server.resetCallbackClient(LOOPBACK, handshake.pythonPort());
        endpoint = (WorkerEndpoint) server.getPythonServerEntryPoint(new Class<?>[] {WorkerEndpoint.class});
        versions = handshake.versions();
    }

    /** What makes a domain's damaged venv again, whose marker still says it is ready. */
    static String remakeAdvice(String domain) {
        return "`tdmpc2j setup " + domain + " --force` makes it again";
    }

    /** A duration in seconds as a person writes it: 2, 1.5, 0.25. */
    static String seconds(Duration d) {
        return java.math.BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString();
    }

    /** Runs one call on the worker's endpoint and returns its reply after the status byte. */
    Reply call(String operation, Function<WorkerEndpoint, byte[]> request) {
        String failed = failure;
        if (closed && failed == null) { // no new worker is started for a closed registry's plug-in
            throw new WorkerFailedException("[" + config.domain() + "] cannot " + operation + ": the worker was closed "
                    + "(an EnvRegistry's close closes its plug-ins' workers), and its envs with it: "
                    + WorkerFailedException.CLOSED_WORKER_ADVICE);
        }
        if (failed != null) {
            throw new WorkerFailedException("[" + config.domain() + "] cannot " + operation + ": the worker " + failed
                    + "; " + WorkerFailedException.NEW_WORKER_ADVICE + (closed ? "" : output.tail()));
        }
        byte[] raw;
        calls.incrementAndGet();
        try {
            raw = request.apply(endpoint);
        } catch (Py4JException e) {
            throw fail(operation, e);
        }
        return Reply.parse(raw, config.domain(), operation);
    }

    /**
     * As {@link #call}, but a worker that has not answered within {@code limit} is taken to be hung (an env stuck
     * in a step that holds Python's GIL answers nothing else) and is killed with the processes it started, instead
     * of waited for the whole call timeout.
     */
    Reply callWithin(String operation, Duration limit, Function<WorkerEndpoint, byte[]> request) {
        CompletableFuture<Reply> answer = callOnItsOwnThread(operation, request);
        long deadline = System.nanoTime() + limit.toNanos();
        boolean interrupted = false; // an interrupt neither cuts the grace short nor kills a worker that answers
        try {
            while (true) {
                try {
                    return answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (TimeoutException e) {
            String why = "did not answer " + operation + " within " + seconds(limit) + " s and was stopped";
            kill(why);
            throw new WorkerFailedException("[" + config.domain() + "] the worker `" + command + "` " + why + "; "
                    + WorkerFailedException.NEW_WORKER_ADVICE + tailSoon());
        } catch (ExecutionException e) {
            throw failureOf(operation, e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * As {@link #call}, heeding the stop of the {@link GivingUp#unless} this thread runs in, asked every
     * {@value #STOP_POLL_MS} ms from {@value #STOP_GRACE_MS} ms on while the worker works (an env being made:
     * seconds for a suite that loads its assets, ManiSkill's): once it is asked, the worker is killed with the processes it started, as a hung one is
     * (a call into Python cannot be cut short otherwise), and {@link GivingUp.GivenUp} is thrown. The worker's other
     * envs go with it (the command that stops closes them); its plug-in's next env starts a new worker.
     */
    Reply callHeedingStop(String operation, Function<WorkerEndpoint, byte[]> request) {
        CompletableFuture<Reply> answer = callOnItsOwnThread(operation, request);
        boolean interrupted = false;
        long wait = STOP_GRACE_MS;
        try {
            while (true) {
                try {
                    return answer.get(wait, TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    wait = STOP_POLL_MS;
                    try {
                        GivingUp.check();
                    } catch (GivingUp.GivenUp stop) {
                        kill("was stopped during " + operation + ": the command was asked to stop (Ctrl-C or "
                                + "SIGTERM) while the worker made it");
                        throw stop;
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            throw failureOf(operation, e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** {@link #call} on a daemon thread of its own, whose answer (or failure) the future holds. */
    private CompletableFuture<Reply> callOnItsOwnThread(String operation, Function<WorkerEndpoint, byte[]> request) {
        CompletableFuture<Reply> answer = new CompletableFuture<>();
        Thread caller = new Thread(() -> {
            try {
                answer.complete(call(operation, request));
            } catch (Throwable t) {
                answer.completeExceptionally(t);
            }
        }, "python-" + config.domain() + "-" + operation);
        caller.setDaemon(true);
        caller.start();
        return answer;
    }

    /** The failure of a call made on its own thread ({@link #callOnItsOwnThread}), as the caller throws it. */
    private RuntimeException failureOf(String operation, ExecutionException e) {
        if (e.getCause() instanceof RuntimeException r) {
            return r;
        }
        return new WorkerFailedException("[" + config.domain() + "] " + operation + " failed: " + e.getCause(),
                e.getCause());
    }

    private WorkerFailedException fail(String operation, Py4JException e) {
        boolean timedOut = causedByTimeout(e);
        String why;
        String stoppedBefore = stopped;
        if (stoppedBefore != null) {
            why = "was stopped during " + operation + " (" + stoppedBefore + ")";
        } else if (timedOut) {
            why = "did not answer " + operation + " within " + seconds(config.callTimeout()) + " s and was stopped ("
                    + WorkerConfig.toWaitLonger(WorkerConfig.CALL_TIMEOUT_PROPERTY) + ")";
        } else {
            try {
                process.waitFor(2, TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            why = process.isAlive() ? "lost its connection during " + operation + " (" + e.getMessage() + ")"
                    : "died during " + operation + " (exit code " + process.exitValue() + ")";
        }
        kill(why);
        return new WorkerFailedException("[" + config.domain() + "] the worker `" + command + "` " + why
                + "; " + WorkerFailedException.NEW_WORKER_ADVICE + tailSoon(), e);
    }

    private static boolean causedByTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private void exited() {
        if (!closed && failure == null) {
            failure = "exited unexpectedly with code " + process.exitValue();
            LOG.warn("python worker {} (pid {}) {}", config.domain(), process.pid(), failure);
        }
        LiveWorkers.remove(this);
        server.shutdown();
        releaseHolds();
    }

    /** The worker's last output lines, after a moment for its final lines to arrive. */
    private String tailSoon() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return output.tail();
    }

    /** One empty round trip: the worker answers with its versions line. */
    public String ping() {
        return call("ping", WorkerEndpoint::ping).text();
    }

    /** How many calls were sent to the worker (each one Py4J round trip), answered or not. */
    public long calls() {
        return calls.get();
    }

    /** True while the worker runs and answers. */
    public boolean isAlive() {
        return failure == null && !closed && process.isAlive();
    }

    public String domain() {
        return config.domain();
    }

    public WorkerConfig config() {
        return config;
    }

    /** The worker's process id. */
    public long pid() {
        return process.pid();
    }

    /** Versions of Python and the suite packages, as the worker reported them. */
    public String versions() {
        return versions;
    }

    /** The worker's last lines of output, oldest first. */
    public List<String> lastOutput() {
        return output.lastLines();
    }

    /** Stops the worker at once (and any processes it started), marking it failed with {@code why}. */
    void kill(String why) {
        if (failure == null) {
            failure = why;
        }
        if (stopped == null) {
            stopped = why;
        }
        List<ProcessHandle> children = new ArrayList<>(process.descendants().toList());
        process.destroyForcibly();
        killStarted(children);
        LiveWorkers.remove(this);
        server.shutdown();
        releaseHolds();
    }

    /**
     * Kills {@code descendants} (the worker's, taken while it lived) and every process left in the worker's session:
     * the worker leads one, and what its envs started stays in it once re-parented away from the worker (a simulator
     * server that daemonised, a helper whose parent ended), out of reach of {@link Process#descendants()}.
     */
    private void killStarted(List<ProcessHandle> descendants) {
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        sessionOf(process.pid()).forEach(ProcessHandle::destroyForcibly);
    }

    /** The processes of session {@code sid}, read from /proc (none without it: not Linux). */
    static List<ProcessHandle> sessionOf(long sid) {
        List<ProcessHandle> members = new ArrayList<>();
        String wanted = Long.toString(sid);
        try (DirectoryStream<Path> all = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path dir : all) {
                String stat;
                try {
                    stat = new String(Files.readAllBytes(dir.resolve("stat")), StandardCharsets.ISO_8859_1);
                } catch (IOException gone) {
                    continue;
                }
                // the command name, field 2, may hold spaces and parentheses: fields are counted after its last ')'
                String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                if (after.length > 3 && after[3].equals(wanted)) { // field 6, the session id
                    ProcessHandle.of(Long.parseLong(dir.getFileName().toString())).ifPresent(members::add);
                }
            }
        } catch (IOException | RuntimeException noProc) {
            // no /proc: the descendants taken while the worker lived are all there is to end
        }
        return members;
    }

    /**
     * Asks the worker to end (it closes its envs), and kills it and the processes it started if it has not within
     * {@link #CLOSE_GRACE} (a worker stuck in a step).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (stopped == null) {
            stopped = "it was closed";
        }
        List<ProcessHandle> children = new ArrayList<>(process.descendants().toList());
        try {
            process.getOutputStream().close();
            if (!process.waitFor(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly(); // the worker ignores SIGTERM (a group's Ctrl-C or SIGTERM is the JVM's)
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        killStarted(children);
        LiveWorkers.remove(this);
        server.shutdown();
        releaseHolds();
    }

    private static String newToken() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public String toString() {
        return "PythonWorker[" + config.domain() + ", pid " + process.pid() + (isAlive() ? "" : ", stopped") + "]";
    }
}
