package io.github.tdmpc2j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdmpc2j.cluster.UnitRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code src/test/scripts/cluster-fault-test.sh}: `cluster master`, two `cluster worker`s on 127.0.0.1 and a
 * collect whose one worker's process group is SIGKILLed; the same files as without --master, every process ended.
 */
class ClusterScriptTest {
    @Test
    void aWorkersProcessGroupKilledMidCollectLosesNothing(@TempDir Path dir) throws Exception {
        Path script = Path.of("src/test/scripts/cluster-fault-test.sh").toAbsolutePath();
        String options = UnitRunner.javaModuleOptions() + " -Dtdmpc2j.torch=bundled -Dai.djl.offline=true";
        ProcessBuilder pb = new ProcessBuilder("timeout", "-s", "TERM", "300", "bash", script.toString(),
                dir.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("script.out").toFile());
        pb.environment().put("TDMPC2J_CP", System.getProperty("java.class.path"));
        pb.environment().put("TDMPC2J_JAVA_OPTS", options);
        Process p = pb.start();
        boolean ended = p.waitFor(330, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        String out = Files.readString(dir.resolve("script.out"), StandardCharsets.UTF_8);
        System.out.println(out);
        assertThat(ended).as("the script ended in time").isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("PASS: 80 episode files").contains("killed worker 1")
                .contains("all 4 process groups ended");
        assertThat(List.of(out.split("\n"))).noneMatch(l -> l.startsWith("FAIL"));
    }
}
