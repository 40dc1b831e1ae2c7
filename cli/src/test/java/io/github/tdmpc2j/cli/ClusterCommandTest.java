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
        assertThat(r.err()).startsWith("error: ").contains(message);
        assertThat(r.out()).doesNotContain("spark://0.0.0.0");
    }

    @Test
    void withoutHostTheDaemonsTakeAnAddressTheOthersReachAndSaySo() {
        StringWriter said = new StringWriter();
        String host = ClusterCommand.hostOrDefault(null, new PrintWriter(said, true));
        assertThat(host).isNotEqualTo("0.0.0.0");
        assertThat(said.toString()).startsWith("--host not given").contains("listening on " + host)
                .contains("pass --host ADDRESS");
        assertThat(ClusterCommand.hostOrDefault("node1", new PrintWriter(new StringWriter()))).isEqualTo("node1");
    }
}
