package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.cluster.Standalone;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tdmpc2j cluster master|worker}: Spark's standalone daemons from tdmpc2j's own jars. */
@Command(name = "cluster", description = {
        "Run an Apache Spark standalone cluster (a master, workers) for --master spark://HOST:PORT.",
        "From tdmpc2j's own jars (no Spark download): one master, a worker on each node, then collect, bench or "
                + "eval with --master spark://HOST:PORT."},
        subcommands = {ClusterCommand.Master.class, ClusterCommand.Worker.class})
final class ClusterCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * The address a daemon listens on, and the notice that says it was chosen (null where --host gave it): said on the
     * command's stderr (its stdout is the daemon's own output) once the settings are found valid, so that a wrong
     * option is refused with nothing else said.
     */
    record Host(String address, String notice) {
        void say(PrintWriter notices) {
            if (notice != null) {
                notices.println(notice);
                notices.flush();
            }
        }
    }

    /**
     * {@code --host} as given, else this machine's address that other machines reach ({@link
     * Standalone#reachableHost()}), with a notice; loopback, said to be for this machine only, where it has no other.
     */
    static Host hostOrDefault(String host) {
        if (host != null) {
            return new Host(host, null);
        }
        Optional<String> reachable = Standalone.reachableHost();
        if (reachable.isPresent()) {
            return new Host(reachable.get(), "--host not given: listening on " + reachable.get() + ", this machine's "
                    + "address for the other nodes; pass --host ADDRESS if they reach it at another");
        }
        return new Host("127.0.0.1", "--host not given, and this machine has no network address but loopback: "
                + "listening on 127.0.0.1, which only this machine reaches; pass --host ADDRESS (an address the other "
                + "nodes reach this one at) for a cluster of several machines");
    }

    @Command(name = "master", description = "Start Spark's Master here; prints the URL workers and jobs use.")
    static final class Master implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--host", paramLabel = "H",
                description = "address to listen on, as the workers and jobs reach it (default: "
                + "this machine's address that other machines can reach)")
        String host;

        @Option(names = "--port", paramLabel = "P",
                defaultValue = "7077", description = "port to listen on, the one in the URL workers "
                + "and jobs use (default ${DEFAULT-VALUE})")
        int port;

        @Option(names = "--webui-port", paramLabel = "P",
                defaultValue = "8080", description = "status page (default ${DEFAULT-VALUE})")
        int webUiPort;

        @Override
        public Integer call() {
            Host listen = hostOrDefault(host);
            Standalone.MasterSettings settings = new Standalone.MasterSettings(listen.address(), port, webUiPort);
            listen.say(spec.commandLine().getErr());
            Standalone.runMaster(settings, spec.commandLine().getOut());
            return 0;
        }
    }

    @Command(name = "worker", description = {
            "Start a Spark worker here that offers this node's cores, memory and GPUs to the master.",
            "Its executors run tdmpc2j's units. Run `tdmpc2j setup DOMAIN` on the node first for Python suites."})
    static final class Worker implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "MASTER_URL", description = "spark://HOST:PORT")
        String masterUrl;

        @Option(names = "--host", paramLabel = "H",
                description = "address to listen on, as the master and jobs reach it (default: "
                + "this machine's address that other machines can reach)")
        String host;

        @Option(names = "--cores", paramLabel = "N", description = "cores for executors (default: all)")
        Integer cores;

        @Option(names = "--memory", paramLabel = "MB", description = "MB for executors (default: all but 1 GB)")
        Integer memoryMb;

        @Option(names = "--gpus", paramLabel = "G",
                defaultValue = "0", description = "GPUs to offer, found with nvidia-smi "
                + "(default ${DEFAULT-VALUE}); jobs ask with --gpus-per-task")
        int gpus;

        @Option(names = "--spark-home", paramLabel = "DIR", description = "folder made into the worker's Spark home "
                + "(default ~/.cache/tdmpc2j/spark-home)")
        Path sparkHome;

        @Option(names = "--work-dir", paramLabel = "DIR",
                description = "executors' logs and files (default: SPARK_HOME/work)")
        Path workDir;

        @Option(names = "--webui-port", paramLabel = "P",
                defaultValue = "8081", description = "status page (default ${DEFAULT-VALUE})")
        int webUiPort;

        @Option(names = "--master-wait", defaultValue = "60", paramLabel = "SECONDS", description = "how long to wait "
                + "for a master that does not answer yet, then give up (default ${DEFAULT-VALUE})")
        int masterWait;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            Path home = sparkHome != null ? sparkHome
                    : Path.of(System.getProperty("user.home"), ".cache", "tdmpc2j", "spark-home");
            Host listen = hostOrDefault(host);
            Standalone.WorkerSettings settings = new Standalone.WorkerSettings(masterUrl, listen.address(),
                    cores != null ? cores : Standalone.defaultCores(),
                    memoryMb != null ? memoryMb : Standalone.defaultMemoryMb(), gpus, home, workDir, webUiPort,
                    java.time.Duration.ofSeconds(masterWait));
            listen.say(spec.commandLine().getErr());
            return Standalone.runWorker(settings, out);
        }
    }
}
