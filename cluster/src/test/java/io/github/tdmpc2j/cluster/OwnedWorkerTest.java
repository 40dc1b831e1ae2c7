package io.github.tdmpc2j.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark Worker's JVM ends once the {@code tdmpc2j cluster worker} that started it is gone, a kill -9 of it too:
 * it went on alone, orphaned, still offering the node's cores to the master.
 */
class OwnedWorkerTest {
    /** A JVM that watches its stdin as the Worker's does and would otherwise run for ten minutes. */
    public static final class Watched {
        public static void main(String[] args) throws InterruptedException {
            OwnedWorker.exitWhenEnded(System.in);
            System.out.println("watching");
            System.out.flush();
            Thread.sleep(600_000);
        }
    }

    private static Process startWatched(Path parentOut) throws IOException {
        return new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Watched.class.getName()))
                .redirectInput(ProcessBuilder.Redirect.PIPE).redirectErrorStream(true)
                .redirectOutput(parentOut.toFile()).start();
    }

    @Test
    void theWorkerEndsWhenItsOwnersPipeCloses(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out.txt");
        Process worker = startWatched(out);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(out).contains("watching") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(worker.isAlive()).isTrue();
            worker.getOutputStream().close(); // what the OS does when the owner ends, a kill -9 too
            assertThat(worker.waitFor(60, TimeUnit.SECONDS)).as("the worker ended").isTrue();
            assertThat(worker.exitValue()).isEqualTo(143);
            assertThat(Files.readString(out, StandardCharsets.UTF_8)).contains(OwnedWorker.OWNER_GONE);
        } finally {
            worker.destroyForcibly();
        }
    }
}
