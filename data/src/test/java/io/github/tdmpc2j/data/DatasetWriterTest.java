package io.github.tdmpc2j.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.TaskSpace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class DatasetWriterTest {
    /** Waits until {@code thread} waits on {@code writes} (within 60 s); whether it did. */
    private static boolean queued(ReentrantReadWriteLock writes, Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!writes.hasQueuedThread(thread)) {
            if (!thread.isAlive() || System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /**
     * An episode that cannot be written (a full disk, a folder that refuses) names the command that goes on once
     * there is room: the import-data that is writing an imported dataset, not collect (as it said before).
     */
    @Test
    void aFailedWriteNamesTheCommandThatGoesOn(@TempDir Path dir) throws Exception {
        for (boolean imported : new boolean[] {false, true}) {
            DatasetIndex index;
            try (EnvRegistry registry = EnvRegistry.discover()) {
                index = DatasetIndex.of(TaskSpace.of(List.of(registry.resolve("point/reach"))), imported
                        ? DatasetPolicy.imported(dir.resolve("chunks"), "0123") : DatasetPolicy.RANDOM).withSeed(1);
            }
            Path out = dir.resolve("data-" + imported);
            DatasetWriter writer = DatasetWriter.open(out, index);
            // the task's folder cannot be made: its domain's name is a file (as a refusing disk refuses it)
            Files.createDirectories(out.resolve("episodes"));
            Files.writeString(out.resolve("episodes").resolve("point"), "in the way");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> writer.writeEncoded(0, 0, new byte[] {1, 2, 3}))
                    .isInstanceOf(DatasetException.class)
                    .hasMessageContaining("cannot write " + DatasetLayout.episode(out, "point/reach", 0))
                    .hasMessageContaining("the episodes already written are kept")
                    .hasMessageContaining("run the same " + (imported ? "import-data" : "collect")
                            + " command again to go on");
        }
    }

    /**
     * The exit's end of the writes into a dataset folder ({@link DatasetWriter#endWrites}, which the dataset lock's
     * shutdown hook waits for before it removes a new dataset's index): it waits for a write in progress, and a write
     * that comes after it never starts, so nothing lands beside an index the hook removes; when a write does not end
     * in time it says so and the writes go on.
     */
    @Test
    @Timeout(120)
    void theExitWaitsForAWriteInProgressAndNoWriteStartsAfterIt(@TempDir Path dir) throws Exception {
        DatasetIndex index;
        try (EnvRegistry registry = EnvRegistry.discover()) {
            index = DatasetIndex.of(TaskSpace.of(List.of(registry.resolve("point/reach"))), DatasetPolicy.RANDOM)
                    .withSeed(1);
        }
        Path out = dir.resolve("data");
        DatasetWriter writer = DatasetWriter.open(out, index);
        ReentrantReadWriteLock writes = DatasetWriter.writes(out);
        AtomicBoolean ended = new AtomicBoolean();
        Thread exit = new Thread(() -> ended.set(DatasetWriter.endWrites(out, Duration.ofMinutes(1))));
        writes.readLock().lock(); // a write in progress
        try {
            exit.start();
            assertThat(queued(writes, exit)).as("the exit waits for the write in progress").isTrue();
        } finally {
            writes.readLock().unlock();
        }
        exit.join(60_000);
        assertThat(ended).isTrue();

        Path episode = DatasetLayout.episode(out, "point/reach", 0);
        Thread late = new Thread(() -> writer.writeEncoded(0, 0, new byte[] {1, 2, 3}));
        late.setDaemon(true); // it waits for a halt that never comes here
        late.start();
        assertThat(queued(writes, late)).as("a write after the exit waits").isTrue();
        assertThat(episode).doesNotExist();
        assertThat(out.resolve("episodes")).doesNotExist();

        Path other = dir.resolve("other");
        DatasetWriter going = DatasetWriter.open(other, index);
        ReentrantReadWriteLock otherWrites = DatasetWriter.writes(other);
        otherWrites.readLock().lock(); // a write that does not end in time
        try {
            Thread shortExit = new Thread(() -> ended.set(DatasetWriter.endWrites(other, Duration.ofMillis(50))));
            shortExit.start();
            shortExit.join(60_000);
            assertThat(ended).as("the exit did not end the writes").isFalse();
        } finally {
            otherWrites.readLock().unlock();
        }
        going.writeEncoded(0, 0, new byte[] {1, 2, 3});
        assertThat(Files.readAllBytes(DatasetLayout.episode(other, "point/reach", 0))).containsExactly(1, 2, 3);
    }
}
