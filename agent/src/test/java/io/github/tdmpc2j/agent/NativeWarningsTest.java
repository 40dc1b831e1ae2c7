package io.github.tdmpc2j.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Making, training, running, saving and loading the agent prints nothing of PyTorch's own to stderr (it once printed
 * "AutoNonVariableTypeMode is deprecated" on every command that loaded the agent). PyTorch writes to the
 * process's stderr from native code, so the agent runs in a child JVM whose output is read.
 */
class NativeWarningsTest {
    static final String DONE = "probe done";

    /** The child: the agent's whole life once. */
    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        // trained past its seed steps: acting, updates, target updates
        try (TdmpcAgent a = CheckpointTest.trained(TdmpcAgentTest.SMALL);
                TdmpcAgent b = new TdmpcAgent(AgentTestSupport.single(5, 2, TdmpcAgentTest.SMALL))) {
            a.beginEpisode(0, 0, true, 0L);
            a.act(new float[5], 0, true);
            a.save(dir);
            b.load(dir);
            b.act(new float[5], 0, true);
        }
        System.out.println(DONE);
    }

    @Test
    void theAgentsLifePrintsNoPyTorchWarning(@TempDir Path dir) throws Exception {
        assertThat(life(dir)).doesNotContain("AutoNonVariableTypeMode").doesNotContain("Warning:");
    }

    /**
     * The same on a Java SE runtime without the JDK's own modules, as a JRE made with jlink is (the GPU machine's
     * bundle): the agent read the machine's memory through jdk.management's class, and every agent made there
     * failed with NoClassDefFoundError.
     */
    @Test
    void theAgentsLifeRunsOnAJavaSeRuntimeWithoutTheJdksModules(@TempDir Path dir) throws Exception {
        life(dir, "--limit-modules", "java.se,jdk.unsupported");
    }

    /** The child's output, once it ran the agent's life to its end. */
    private static String life(Path dir, String... jvmOptions) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Dai.djl.offline=true"));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), NativeWarningsTest.class.getName(),
                dir.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains(DONE);
        return out;
    }
}
