package io.github.tdmpc2j.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
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

    @Test
    void thisMachinesDefaultIsNeitherTheWildcardNorLoopback() {
        Standalone.reachableHost().ifPresent(host -> assertThat(host).isNotEqualTo("0.0.0.0")
                .doesNotStartWith("127."));
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
}
