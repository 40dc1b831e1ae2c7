package io.github.tdmpc2j.cluster;

import io.github.tdmpc2j.spi.MachineMemory;
import io.github.tdmpc2j.spi.Messages;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Spark's standalone Master and Worker from tdmpc2j's own class path ({@code tdmpc2j cluster master|worker}): no
 * Spark download. The Master runs in this JVM. The Worker runs in a child JVM whose Spark home
 * ({@link SparkHome}) links this class path, so the executors it launches have all of tdmpc2j; the child (and
 * its executors) end when this JVM ends.
 */
public final class Standalone {
    /** One master of a URL: a host name, IPv4 or bracketed IPv6 address, and a port (several for HA masters). */
    private static final String HOST_PORT = "([^:/,\\[\\]]+|\\[[0-9a-fA-F:.]+\\]):\\d{1,5}";

    /**
     * @param port      the port workers and drivers connect to (Spark's default 7077)
     * @param webUiPort the status page (Spark's default 8080)
     */
    public record MasterSettings(String host, int port, int webUiPort) {
        public MasterSettings {
            requireReachableHost(host);
            requirePort("--port", port);
            requirePort("--webui-port", webUiPort);
        }

        public String url() {
            return "spark://" + host + ":" + port;
        }
    }

    /**
     * @param cores     cores its executors may use (default: all)
     * @param memoryMb  memory its executors may use, in MB (default: all but 1 GB, as Spark's)
     * @param gpus      GPUs it offers (found with nvidia-smi); 0 for none
     * @param sparkHome the folder made into its Spark home (links to tdmpc2j's jars)
     * @param workDir   where executors' logs and files go (default: {@code sparkHome/work})
     * @param masterWait how long to wait for a master that does not answer yet before giving up
     */
    public record WorkerSettings(String masterUrl, String host, int cores, int memoryMb, int gpus, Path sparkHome,
            Path workDir, int webUiPort, Duration masterWait) {
        public WorkerSettings {
            if (masterWait == null || masterWait.isNegative()) {
                throw new ClusterException("--master-wait must be 0 or more seconds");
            }
            requireReachableHost(host);
            if (!isMasterUrl(masterUrl)) {
                throw new ClusterException("the master URL is spark://HOST:PORT (as `tdmpc2j cluster master` prints "
                        + "it), not " + masterUrl);
            }
            if (cores <= 0 || memoryMb < 512 || gpus < 0) {
                throw new ClusterException("--cores must be positive, --memory at least 512m and --gpus 0 or more");
            }
            requirePort("--webui-port", webUiPort);
        }
    }

    private Standalone() {
    }

    /** A standalone master's URL: {@code spark://HOST:PORT}, or several {@code HOST:PORT} for HA masters. */
    static boolean isMasterUrl(String url) {
        return url.matches("spark://" + HOST_PORT + "(," + HOST_PORT + ")*");
    }

    /**
     * A daemon listens on its --host and tells the others to reach it there, so the wildcard address (which
     * Spark would hand out as spark://0.0.0.0:PORT) and an empty one are refused.
     */
    private static void requireReachableHost(String host) {
        if (host == null || host.isBlank()) {
            throw new ClusterException("--host is empty: give the address the other nodes reach this node at");
        }
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            throw new ClusterException("--host " + host + " is no address the other nodes can reach this node at: "
                    + "give this node's address or host name, or leave --host out to use "
                    + reachableHost().orElse("one (this machine has none but loopback)"));
        }
    }

    /**
     * The address a daemon started without --host listens on and gives the others: the address this machine's
     * host name resolves to when other machines can reach it, else the first such IPv4 address of its network
     * interfaces (a host name that resolves to loopback, as Debian's /etc/hosts makes it, does not do); empty
     * when it has none but loopback.
     */
    public static Optional<String> reachableHost() {
        InetAddress named;
        try {
            named = InetAddress.getLocalHost();
        } catch (UnknownHostException e) {
            named = null;
        }
        List<InetAddress> interfaces = new ArrayList<>();
        try {
            for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (n.isUp()) {
                    interfaces.addAll(Collections.list(n.getInetAddresses()));
                }
            }
        } catch (SocketException e) {
            // no interfaces to look at: the host name decides alone
        }
        return reachableHost(named, interfaces);
    }

    /** {@link #reachableHost()} of a host name's address and the interfaces' addresses. */
    static Optional<String> reachableHost(InetAddress named, List<InetAddress> interfaces) {
        if (named != null && reachable(named)) {
            return Optional.of(named.getHostAddress());
        }
        return interfaces.stream().filter(Standalone::reachable).map(InetAddress::getHostAddress).findFirst();
    }

    private static boolean reachable(InetAddress a) {
        return a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isAnyLocalAddress()
                && !a.isLinkLocalAddress();
    }

    /** Spark's daemons listen on ports 1024 to 65535; it fails on others only after the URL is printed. */
    private static void requirePort(String option, int port) {
        if (port < 1024 || port > 65535) {
            throw new ClusterException(option + " must be a port from 1024 to 65535, got " + port);
        }
    }

    public static int defaultCores() {
        return Runtime.getRuntime().availableProcessors();
    }

    /** Spark's default: the machine's memory less 1 GB, at least 1 GB. */
    public static int defaultMemoryMb() {
        long total = MachineMemory.total().orElseThrow(() -> new ClusterException("this Java runtime cannot tell the "
                + "machine's memory (it has no jdk.management module): give the worker's memory, --memory MB"))
                / (1024 * 1024);
        return (int) Math.max(1024, total - 1024);
    }

    /**
     * Runs Spark's Master in this JVM until the JVM is stopped. Its ports are taken as given or not at all: Spark
     * moves a service whose port is in use to the next one free (7078, 8081, ...), so a second master on a port
     * another holds ran elsewhere than the URL it printed, and workers given that URL joined the first master. Its
     * REST submission server (port 6066, which tdmpc2j does not use) is off, one port fewer to clash or be reached.
     */
    public static void runMaster(MasterSettings s, PrintWriter out) {
        requireFreePort("--port", new InetSocketAddress(s.host(), s.port()), "another master may run there");
        requireFreePort("--webui-port", new InetSocketAddress(s.webUiPort()), "another master's or worker's web "
                + "UI may be there");
        System.setProperty("spark.port.maxRetries", "0");
        System.setProperty("spark.master.rest.enabled", "false");
        out.printf("tdmpc2j cluster master: %s  (web UI http://%s:%d, Spark %s)%n", s.url(), s.host(), s.webUiPort(),
                org.apache.spark.package$.MODULE$.SPARK_VERSION());
        out.printf("  on each node: tdmpc2j cluster worker %s [--cores N] [--memory MB] [--gpus G]%n", s.url());
        out.printf("  jobs:         tdmpc2j collect|bench|eval ... --master %s%n", s.url());
        out.flush();
        System.setProperty("io.netty.tryReflectionSetAccessible",
                System.getProperty("io.netty.tryReflectionSetAccessible", "true")); // as Spark's own scripts set it
        org.apache.spark.deploy.master.Master.main(new String[] {"--host", s.host(), "--port",
            Integer.toString(s.port()), "--webui-port", Integer.toString(s.webUiPort())});
    }

    /**
     * Refuses an address this machine cannot listen on now: a port another process holds (naming the option to
     * change), a --host that is not this machine's.
     */
    private static void requireFreePort(String option, InetSocketAddress address, String who) {
        String where = address.getAddress() != null && address.getAddress().isAnyLocalAddress()
                ? "port " + address.getPort() : address.getHostString() + ":" + address.getPort();
        if (address.isUnresolved()) {
            throw new ClusterException("--host " + address.getHostString() + " does not resolve on this machine: "
                    + "give this node's address or a host name that resolves to it");
        }
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true); // as Spark's servers: a port a stopped master just left is free
            socket.bind(address);
        } catch (IOException e) {
            throw new ClusterException(String.valueOf(e.getMessage()).contains("in use")
                    ? option + " " + address.getPort() + ": " + where + " is in use (" + who + "): stop what "
                            + "holds it, or give another " + option
                    : "cannot listen on " + where + " (" + e.getMessage() + "): give --host an address of this "
                            + "machine");
        }
    }

    /** How often {@link #awaitMaster} tries the master again. */
    private static final long MASTER_POLL_MS = 1000;

    /**
     * Returns once a master of {@code masterUrl} accepts a connection, waiting at most about {@code limit} (saying
     * so once); then refuses. Spark's Worker started without a master retries for about a quarter of an hour, with
     * only a "Failed to connect to master" line every 10 to 90 s, and never says how long it will go on.
     */
    public static void awaitMaster(String masterUrl, Duration limit, PrintWriter out) throws InterruptedException {
        List<String> failures = UnitRunner.unanswered(masterUrl);
        if (failures.isEmpty()) {
            return;
        }
        out.printf("no Spark master answers at %s yet (%s): waiting up to %d s for one (start it with `tdmpc2j "
                + "cluster master`; --master-wait SECONDS changes how long)%n", masterUrl, String.join("; ", failures),
                limit.toSeconds());
        out.flush();
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            Thread.sleep(MASTER_POLL_MS);
            failures = UnitRunner.unanswered(masterUrl);
            if (failures.isEmpty()) {
                out.printf("the master at %s answers%n", masterUrl);
                out.flush();
                return;
            }
        }
        throw new ClusterException("no Spark master answered at " + masterUrl + " in " + limit.toSeconds() + " s ("
                + String.join("; ", failures) + "): start the master first (`tdmpc2j cluster master --host HOST "
                + "--port PORT` prints the URL to give), check that this node reaches that host and port, then start "
                + "this worker again (--master-wait SECONDS to wait longer for a master that is starting)");
    }

    /**
     * The system properties the Worker's JVM starts with: Spark's clean-up of its work folder turned on, then this
     * JVM's tdmpc2j, DJL and JavaCPP settings (its executors get them from there) and its {@code spark.worker.*}
     * settings, which come later and so win. Spark keeps every application's folder there (its executors' logs) for
     * ever by default, so a worker left running for weeks gained one folder per job; with the clean-up it removes
     * the folders of applications that have ended once nothing in them changed for
     * {@code spark.worker.cleanup.appDataTtl} (7 days), looking every {@code spark.worker.cleanup.interval}
     * (30 minutes); {@code TDMPC2J_JAVA_OPTS=-Dspark.worker.cleanup.appDataTtl=86400} keeps them a day.
     */
    static List<String> workerProperties(Properties properties) {
        List<String> options = new ArrayList<>();
        options.add("-Dspark.worker.cleanup.enabled=true");
        properties.stringPropertyNames().stream().sorted().forEach(key -> {
            if (key.startsWith("tdmpc2j.") || key.startsWith("ai.djl.") || key.startsWith("org.bytedeco.")
                    || key.startsWith("spark.worker.")) {
                options.add("-D" + key + "=" + properties.getProperty(key));
            }
        });
        return options;
    }

    /**
     * Waits for the master ({@link #awaitMaster}), starts a Worker in a child JVM, prints its settings and waits for
     * it; returns its exit status. The Worker ends with this JVM, however this one ends ({@link OwnedWorker}).
     */
    public static int runWorker(WorkerSettings s, PrintWriter out) throws IOException, InterruptedException {
        if (s.gpus() > 0) {
            requireGpus(s.gpus());
        }
        awaitMaster(s.masterUrl(), s.masterWait(), out);
        SparkHome.fill(s.sparkHome());
        Path workDir = s.workDir() != null ? s.workDir() : s.sparkHome().resolve("work");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(Arrays.asList(org.apache.spark.launcher.JavaModuleOptions.defaultModuleOptionArray()));
        cmd.add("-Xmx512m"); // the Worker only launches executors; they get spark.executor.memory
        cmd.addAll(workerProperties(System.getProperties()));
        if (s.gpus() > 0) {
            cmd.add("-Dspark.worker.resource.gpu.amount=" + s.gpus());
            cmd.add("-Dspark.worker.resource.gpu.discoveryScript=" + gpuDiscoveryScript(s.sparkHome()));
        }
        cmd.addAll(List.of("-cp", SparkHome.classPathArgument(), OwnedWorker.class.getName(),
                "--host", s.host(), "--cores", Integer.toString(s.cores()), "--memory", s.memoryMb() + "m",
                "--work-dir", workDir.toString(), "--webui-port", Integer.toString(s.webUiPort()), s.masterUrl()));
        // its stdin is a pipe this JVM holds open, whose end (this JVM gone, a kill -9 too) stops it (OwnedWorker)
        ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO().redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().put("SPARK_HOME", s.sparkHome().toAbsolutePath().toString());
        pb.environment().put("SPARK_SCALA_VERSION", "2.13");
        out.printf("tdmpc2j cluster worker: master %s, host %s, cores %d, memory %d MB, GPUs %d%n", s.masterUrl(),
                s.host(), s.cores(), s.memoryMb(), s.gpus());
        out.printf("  Spark home %s (links to tdmpc2j's jars), executors' logs in %s%n", s.sparkHome(), workDir);
        out.flush();
        Process worker = pb.start();
        Thread stop = new Thread(() -> {
            worker.descendants().forEach(ProcessHandle::destroy);
            worker.destroy();
        }, "tdmpc2j-worker-stop");
        Runtime.getRuntime().addShutdownHook(stop);
        return worker.waitFor();
    }

    /** The command that lists the node's GPUs, one index a line: what the discovery script and the check run. */
    private static final String LIST_GPUS = "nvidia-smi --query-gpu=index --format=csv,noheader";

    /**
     * Refuses {@code --gpus N} where the node lists fewer GPUs ({@link #LIST_GPUS}): Spark's Worker then ended at
     * once, exit 1, with "Failed to setup worker resources" and no word of what was missing.
     */
    static void requireGpus(int gpus) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", LIST_GPUS).redirectErrorStream(true).start();
        String said;
        try (var in = p.getInputStream()) {
            said = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
        int status = p.waitFor();
        List<String> found = status != 0 ? List.of()
                : said.lines().map(String::strip).filter(l -> l.matches("\\d+")).toList();
        if (found.size() >= gpus) {
            return;
        }
        if (found.isEmpty()) {
            throw new ClusterException("--gpus " + gpus + ", but this node lists no GPU (`" + LIST_GPUS + "`: "
                    + (said.isEmpty() ? "exit " + status : Messages.firstLine(said)) + "): leave --gpus out on a node "
                    + "without NVIDIA GPUs, or install their driver (nvidia-smi)");
        }
        throw new ClusterException("--gpus " + gpus + ", but this node lists " + found.size() + " (" + String.join(", ",
                found) + "): give --gpus " + found.size() + " or fewer");
    }

    /** A script that prints the node's GPUs as Spark's resource discovery expects them. */
    private static Path gpuDiscoveryScript(Path sparkHome) throws IOException {
        Path script = sparkHome.resolve("bin/discover-gpus.sh");
        Files.createDirectories(script.getParent());
        Files.writeString(script, String.join("\n", "#!/usr/bin/env bash",
                "# the node's GPUs for Spark's Worker: {\"name\": \"gpu\", \"addresses\": [\"0\", ...]}",
                "ids=$(" + LIST_GPUS + " | sed 's/.*/\"&\"/' | paste -sd, -)",
                "echo \"{\\\"name\\\": \\\"gpu\\\", \\\"addresses\\\": [$ids]}\"", ""), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }
}
