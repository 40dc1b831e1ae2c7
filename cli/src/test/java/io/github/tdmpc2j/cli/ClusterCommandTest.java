package io.github.tdmpc2j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Wrong `cluster master` and `cluster worker` options are refused before a daemon starts: Spark took a port it
 * cannot listen on after the master had printed its URL, and a master URL without a host or port ended the JVM
 * from Spark's own exception handler, with a stack trace.
 */
class ClusterCommandTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "master --port -5                          | --port must be a port from 1024 to 65535, got -5",
        "master --port 99999                       | --port must be a port from 1024 to 65535, got 99999",
        "master --port 0                           | --port must be a port from 1024 to 65535, got 0",
        "master --webui-port 80                    | --webui-port must be a port from 1024 to 65535, got 80",
        "worker spark://node1                      | the master URL is spark://HOST:PORT (as `tdmpc2j cluster master` prints it), not spark://node1",
        "worker spark://:7077                      | not spark://:7077",
        "worker spark://node1:7077/x               | not spark://node1:7077/x",
        "worker spark://node1:7077 --webui-port 1  | --webui-port must be a port from 1024 to 65535, got 1",
        "master --host 0.0.0.0                     | --host 0.0.0.0 is no address the other nodes can reach",
        "worker spark://node1:7077 --host 0.0.0.0  | --host 0.0.0.0 is no address the other nodes can reach",
    })
    void aWrongOptionIsRefusedBeforeAnythingStarts(String args, String message) {
        TasksCommandTest.Run r = TasksCommandTest.run(("cluster " + args).split(" "));
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).as("refused with nothing else said (no notice of the address chosen)")
                .startsWith("error: ").contains(message);
        assertThat(r.out()).doesNotContain("spark://0.0.0.0");
    }

    /**
     * A worker pointed at a master that is not running gives up after --master-wait, saying how long it waits: Spark's
     * Worker retried for a quarter of an hour with a "Failed to connect" line now and then.
     */
    @Test
    void aWorkerGivesUpOnAMasterThatIsNotRunning(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        long start = System.nanoTime();
        TasksCommandTest.Run r = TasksCommandTest.run("cluster", "worker", "spark://127.0.0.1:" + port, "--host",
                "127.0.0.1", "--master-wait", "2", "--spark-home", dir.resolve("home").toString());
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(20));
        assertThat(r.out()).contains("no Spark master answers at spark://127.0.0.1:" + port + " yet")
                .contains("waiting up to 2 s").doesNotContain("tdmpc2j cluster worker: master");
        assertThat(r.err()).startsWith("error: no Spark master answered at spark://127.0.0.1:" + port + " in 2 s")
                .contains("start the master first").contains("--master-wait SECONDS").hasLineCount(1);
        assertThat(dir.resolve("home")).as("nothing made").doesNotExist();
    }

    /**
     * A master's port, or its web UI's, that another process holds is refused before any URL is printed. Spark moved
     * the master to the next free port (7078) and its web UI to the next (8081, 8082) after the command had printed
     * spark://HOST:7077, so workers given that URL joined the master already there.
     */
    @Test
    void aMasterPortInUseIsRefusedNotMovedElsewhere() throws Exception {
        try (java.net.ServerSocket master = new java.net.ServerSocket(0, 50,
                java.net.InetAddress.getByName("127.0.0.1")); java.net.ServerSocket ui = new java.net.ServerSocket(0)) {
            String taken = Integer.toString(master.getLocalPort());
            TasksCommandTest.Run r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                    java.time.Duration.ofSeconds(60), () -> TasksCommandTest.run("cluster", "master", "--host",
                            "127.0.0.1", "--port", taken, "--webui-port", Integer.toString(freePort())));
            assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
            assertThat(r.err()).startsWith("error: --port " + taken + ": 127.0.0.1:" + taken + " is in use")
                    .contains("another master may run there").contains("give another --port").hasLineCount(1);
            assertThat(r.out()).as("no URL printed").doesNotContain("spark://");

            String uiTaken = Integer.toString(ui.getLocalPort());
            r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                    () -> TasksCommandTest.run("cluster", "master", "--host", "127.0.0.1", "--port",
                            Integer.toString(freePort()), "--webui-port", uiTaken));
            assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
            assertThat(r.err()).startsWith("error: --webui-port " + uiTaken + ": port " + uiTaken + " is in use")
                    .contains("give another --webui-port");
            assertThat(r.out()).doesNotContain("spark://");
        }
    }

    /**
     * A worker offering more GPUs than the node lists is refused before it waits for its master or makes its Spark
     * home: Spark's Worker ended at once, exit 1, its only line "Failed to setup worker resources: " (the cause in a
     * stack trace the one-line log hides).
     */
    @Test
    void aWorkerOfferingGpusTheNodeLacksIsRefusedNamingWhatItLists(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws Exception {
        TasksCommandTest.Run r = TasksCommandTest.run("cluster", "worker", "spark://127.0.0.1:" + freePort(), "--host",
                "127.0.0.1", "--gpus", "99", "--master-wait", "1", "--spark-home", dir.resolve("home").toString());
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: --gpus 99, but this node lists ").containsPattern(
                "give --gpus \\d+ or fewer|leave --gpus out on a node without NVIDIA GPUs").hasLineCount(1);
        assertThat(r.out()).as("refused before waiting for the master").doesNotContain("no Spark master answers");
        assertThat(dir.resolve("home")).as("nothing made").doesNotExist();
    }

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void withoutHostTheDaemonsTakeAnAddressTheOthersReachAndSaySo() {
        ClusterCommand.Host host = ClusterCommand.hostOrDefault(null);
        assertThat(host.address()).isNotEqualTo("0.0.0.0");
        assertThat(host.notice()).startsWith("--host not given").contains("listening on " + host.address())
                .contains("pass --host ADDRESS");
        StringWriter said = new StringWriter();
        ClusterCommand.hostOrDefault("node1").say(new PrintWriter(said));
        assertThat(ClusterCommand.hostOrDefault("node1").address()).isEqualTo("node1");
        assertThat(said.toString()).as("nothing to say where --host is given").isEmpty();
    }

    /** The daemon's notice that it chose the address is on stderr, with warnings: stdout is the daemon's output. */
    @Test
    void theHostNoticeIsOnStderr(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        TasksCommandTest.Run r = TasksCommandTest.run("cluster", "worker", "spark://127.0.0.1:" + port,
                "--master-wait", "1", "--spark-home", dir.resolve("home").toString());
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).startsWith("--host not given").contains("error: no Spark master answered");
        assertThat(r.out()).doesNotContain("--host not given");
    }
}
