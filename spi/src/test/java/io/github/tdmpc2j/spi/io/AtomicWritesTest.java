package io.github.tdmpc2j.spi.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.SuccessMetric;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.RandomAgent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicWritesTest {
    /** The mode any new file in {@code dir} gets under this process's umask. */
    static Set<PosixFilePermission> umaskMode(Path dir) throws IOException {
        Path probe = Files.createFile(dir.resolve("umask-probe"));
        try {
            return Files.getPosixFilePermissions(probe);
        } finally {
            Files.delete(probe);
        }
    }

    @Test
    void theTemporaryFileHasTheUmasksModeNotOwnerOnly(@TempDir Path dir) throws IOException {
        Set<PosixFilePermission> expected = umaskMode(dir);
        Path tmp = AtomicWrites.tempFileFor(dir.resolve("state.json"));
        assertThat(tmp.getParent()).isEqualTo(dir);
        assertThat(tmp.getFileName().toString()).startsWith("state.json").endsWith(".tmp");
        assertThat(Files.size(tmp)).isZero();
        assertThat(Files.getPosixFilePermissions(tmp)).isEqualTo(expected);
        assertThat(AtomicWrites.tempFileFor(dir.resolve("state.json"))).isNotEqualTo(tmp);
    }

    @Test
    void aSavedRandomAgentIsReadableAsAnyNewFileIs(@TempDir Path dir) throws IOException {
        TaskSpec spec = new TaskSpec("t/x", List.of(), Box.unbounded(1), Box.of(1, -1f, 1f), 5, 1,
                SuccessMetric.RETURN, false);
        try (RandomAgent agent = new RandomAgent(AgentContext.single(spec, Map.of(), 0))) {
            agent.save(dir.resolve("checkpoint"));
        }
        Path saved = dir.resolve("checkpoint").resolve("random-agent.properties");
        assertThat(Files.getPosixFilePermissions(saved)).isEqualTo(umaskMode(dir))
                .contains(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    }
}
