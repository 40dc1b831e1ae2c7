package io.github.tdmpc2j.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A master or worker started without --host gives the others an address they can reach, never 0.0.0.0. */
class StandaloneTest {
    private static InetAddress address(String name, int... bytes) throws UnknownHostException {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return InetAddress.getByAddress(name, b);
    }

    @Test
    void aHostNameOnLoopbackGivesWayToTheFirstInterfaceAddressOthersReach() throws UnknownHostException {
        InetAddress loopbackName = address("vm", 127, 0, 1, 1); // Debian's /etc/hosts maps the host name so
        List<InetAddress> interfaces = List.of(address(null, 127, 0, 0, 1), address(null, 169, 254, 3, 4),
                address(null, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1), address(null, 192, 0, 2, 2),
                address(null, 10, 0, 0, 9));
        assertThat(Standalone.reachableHost(loopbackName, interfaces)).contains("192.0.2.2");
        assertThat(Standalone.reachableHost(null, interfaces)).contains("192.0.2.2");
        assertThat(Standalone.reachableHost(address("node1", 10, 0, 0, 1), interfaces)).contains("10.0.0.1");
        assertThat(Standalone.reachableHost(loopbackName, List.of(address(null, 127, 0, 0, 1)))).isEmpty();
    }

    /**
     * Without --host a daemon gives one of this machine's own IPv4 addresses that is neither the wildcard, loopback
     * nor link-local, and gives one whenever the machine has such an address (an empty answer on a machine with a
     * network was not caught: the test only looked at the answer when there was one).
     */
    @Test
    void thisMachinesDefaultIsOneOfItsOwnAddressesNeitherTheWildcardNorLoopback() throws Exception {
        Set<String> own = new LinkedHashSet<>();
        for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (n.isUp()) {
                Collections.list(n.getInetAddresses()).forEach(a -> own.add(a.getHostAddress()));
            }
        }
        try {
            own.add(InetAddress.getLocalHost().getHostAddress()); // the host name's address goes first where reachable
        } catch (UnknownHostException e) {
            // a host name that does not resolve: the interfaces decide
        }
        List<String> others = own.stream().filter(a -> a.matches("\\d+\\.\\d+\\.\\d+\\.\\d+"))
                .filter(a -> !a.startsWith("127.") && !a.startsWith("169.254.") && !a.equals("0.0.0.0")).toList();
        Optional<String> host = Standalone.reachableHost();
        if (others.isEmpty()) {
            System.out.println("this machine has no IPv4 address but loopback (" + own + "): the default is none");
            assertThat(host).isEmpty();
        } else {
            assertThat(host).as("this machine's addresses: %s", own)
                    .hasValueSatisfying(h -> assertThat(h).isIn(others));
        }
    }

    @Test
    void theWildcardAddressIsRefusedForItIsNoAddressToReachANodeAt() {
        for (String wildcard : new String[] {"0.0.0.0", "::"}) {
            assertThatThrownBy(() -> new Standalone.MasterSettings(wildcard, 7077, 8080))
                    .isInstanceOf(ClusterException.class)
                    .hasMessageContaining("--host " + wildcard + " is no address the other nodes can reach");
        }
        assertThat(new Standalone.MasterSettings("10.0.0.1", 7077, 8080).url()).isEqualTo("spark://10.0.0.1:7077");
    }

    /** What a JVM started with {@code options} has as its system properties: the last -Dkey=value of a key wins. */
    private static Map<String, String> asTheJvmSeesThem(List<String> options) {
        Map<String, String> seen = new HashMap<>();
        for (String o : options) {
            assertThat(o).startsWith("-D").contains("=");
            seen.put(o.substring(2, o.indexOf('=')), o.substring(o.indexOf('=') + 1));
        }
        return seen;
    }

    /**
     * The Worker's JVM has Spark's clean-up of its work folder on: without it every job's application folder (its
     * executors' logs) stayed for ever on a worker left running, one more per job. A spark.worker.* setting of this
     * JVM reaches it and wins (a shorter time to keep the folders, or the clean-up off); other spark.* settings and
     * unrelated properties stay here.
     */
    @Test
    void theWorkerCleansUpTheFoldersOfEndedJobsAndTakesThisJvmsWorkerSettings() {
        Properties none = new Properties();
        none.setProperty("java.home", "/jdk");
        assertThat(asTheJvmSeesThem(Standalone.workerProperties(none)))
                .containsExactly(Map.entry("spark.worker.cleanup.enabled", "true"));

        Properties given = new Properties();
        given.setProperty("spark.worker.cleanup.appDataTtl", "86400");
        given.setProperty("tdmpc2j.python.callTimeoutSeconds", "120");
        given.setProperty("ai.djl.offline", "true");
        given.setProperty("spark.executor.memory", "4g");
        assertThat(asTheJvmSeesThem(Standalone.workerProperties(given))).containsOnly(
                Map.entry("spark.worker.cleanup.enabled", "true"), Map.entry("spark.worker.cleanup.appDataTtl", "86400"),
                Map.entry("tdmpc2j.python.callTimeoutSeconds", "120"), Map.entry("ai.djl.offline", "true"));

        given.setProperty("spark.worker.cleanup.enabled", "false");
        assertThat(asTheJvmSeesThem(Standalone.workerProperties(given))).containsEntry("spark.worker.cleanup.enabled",
                "false");
    }
}
