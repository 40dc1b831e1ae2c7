package io.github.tdmpc2j.spi.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.SuccessMetric;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.RandomAgent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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
        assertThat(tmp.getFileName().toString()).startsWith("state.json.tmp-" + ProcessHandle.current().pid() + "@");
        assertThat(AtomicWrites.isTemporary(tmp)).isTrue();
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

    @Test
    void replaceWritesTheWholeFileAndLeavesNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("config.yaml");
        AtomicWrites.writeString(target, "a: 1\n");
        AtomicWrites.writeString(target, "a: 2\n");
        assertThat(Files.readString(target, StandardCharsets.UTF_8)).isEqualTo("a: 2\n");
        AtomicWrites.write(dir.resolve("bytes"), new byte[] {1, 2, 3});
        assertThat(Files.readAllBytes(dir.resolve("bytes"))).containsExactly(1, 2, 3);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("config.yaml", "bytes");
        }
    }

    @Test
    void aFailedWriteKeepsTheOldFileAndRemovesTheTemporaryOne(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("index.json");
        AtomicWrites.writeString(target, "old");
        assertThatThrownBy(() -> AtomicWrites.replace(target, tmp -> {
            Files.writeString(tmp, "half of the new");
            throw new IOException("disk full");
        })).isInstanceOf(IOException.class).hasMessage("disk full");
        assertThatThrownBy(() -> AtomicWrites.replace(target, tmp -> {
            Files.writeString(tmp, "half of the new");
            throw new UncheckedIOException(new IOException("encoder failed"));
        })).isInstanceOf(UncheckedIOException.class);
        assertThat(Files.readString(target)).isEqualTo("old");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("index.json");
        }
    }

    @Test
    void aDiskThatWillNotForceTheNewFileIsATypedErrorAndTheOldFileStays(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("dataset.json");
        AtomicWrites.writeString(target, "old");
        List<Path> forced = new java.util.ArrayList<>();
        AtomicWrites.Forcing real = AtomicWrites.forcing;
        try {
            AtomicWrites.forcing = channel -> {
                throw new IOException("Input/output error");
            };
            assertThatThrownBy(() -> AtomicWrites.writeString(target, "new, never on the disk"))
                    .isInstanceOf(java.io.SyncFailedException.class)
                    .hasMessageContaining("the disk did not take " + dir)
                    .hasMessageContaining("Input/output error").hasMessageContaining("write again");
            assertThat(Files.readString(target)).isEqualTo("old");
            try (var files = Files.list(dir)) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactly("dataset.json");
            }
            // what is forced: the new file's bytes before the move, its folder's entry after it
            AtomicWrites.forcing = channel -> {
                forced.add(channel.size() == 3 ? Path.of("file") : Path.of("other"));
                real.force(channel);
            };
            AtomicWrites.writeString(target, "new");
            assertThat(forced).hasSize(2).startsWith(Path.of("file"));
            assertThat(Files.readString(target)).isEqualTo("new");
        } finally {
            AtomicWrites.forcing = real;
        }
    }

    @Test
    void aFolderIsForcedWhereThePlatformCanAndAFailingDiskIsATypedError(@TempDir Path dir) throws IOException {
        AtomicWrites.forceFolder(dir); // Linux: fsync on the folder, no error
        AtomicWrites.Forcing real = AtomicWrites.forcing;
        try {
            AtomicWrites.forcing = channel -> {
                throw new IOException("Invalid argument"); // a file system that does not sync folders
            };
            AtomicWrites.forceFolder(dir);
            AtomicWrites.forcing = channel -> {
                throw new IOException("Input/output error");
            };
            assertThatThrownBy(() -> AtomicWrites.forceFolder(dir)).isInstanceOf(java.io.SyncFailedException.class)
                    .hasMessageContaining(dir.toString());
        } finally {
            AtomicWrites.forcing = real;
        }
    }

    /** A temporary name of {@code name} as process {@code pid} on {@code host} makes it. */
    private static String temporaryNameOf(String name, long pid, String host) {
        return name + ".tmp-" + pid + "@" + host + "-0123456789abcdef";
    }

    /** This machine's name as {@link AtomicWrites#temporaryName} writes it. */
    private static String thisHost() {
        String own = AtomicWrites.temporaryName("x");
        return own.substring(own.indexOf('@') + 1, own.lastIndexOf('-'));
    }

    @Test
    void theNextCommandRemovesWhatAKilledOneLeftButNotWhatARunningOneWrites(@TempDir Path dir) throws Exception {
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        Process running = new ProcessBuilder("sleep", "60").start();
        try {
            Thread.sleep(50); // the files below are made after the running process started
            String host = thisHost();
            Path killedExport = Files.writeString(dir.resolve(temporaryNameOf("x.pt", ended.pid(), host)), "half");
            Path killedImport = Files.createDirectory(dir.resolve(temporaryNameOf("ckpt", ended.pid(), host)));
            Files.writeString(killedImport.resolve("weights.safetensors"), "half");
            Path inFlight = Files.writeString(dir.resolve(temporaryNameOf("y.pt", running.pid(), host)), "being written");
            Path ours = AtomicWrites.tempFileFor(dir.resolve("z.pt"));
            // a process id that a new process has since: that process did not make the file
            Path reused = Files.writeString(dir.resolve(temporaryNameOf("w.pt", running.pid(), host)), "old");
            Files.setLastModifiedTime(reused, java.nio.file.attribute.FileTime.fromMillis(946684800000L));
            Path remote = Files.writeString(dir.resolve(temporaryNameOf("v.pt", ended.pid(), "another-machine")), "?");
            Path usersOwn = Files.writeString(dir.resolve("notes.tmp"), "mine");

            AtomicWrites.Leftovers found = AtomicWrites.removeStale(dir);
            assertThat(found.removed()).containsExactlyInAnyOrder(killedExport, killedImport, reused);
            assertThat(found.elsewhere()).containsExactly(remote);
            assertThat(killedExport).doesNotExist();
            assertThat(killedImport).doesNotExist();
            assertThat(reused).doesNotExist();
            assertThat(inFlight).hasContent("being written");
            assertThat(ours).exists();
            assertThat(remote).exists();
            assertThat(usersOwn).hasContent("mine");
            assertThat(found.report()).hasSize(2);
            assertThat(found.report().get(0)).contains("removed").contains(killedExport.toString());
            assertThat(found.report().get(1)).contains("another machine").contains(remote.toString());
            assertThat(AtomicWrites.removeStale(dir).report()).hasSize(1); // the other machine's, again
        } finally {
            running.destroyForcibly();
        }
    }

    @Test
    void createNeverReplacesAFileEvenOneMadeWhileItWrote(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("x.pt");
        AtomicWrites.create(target, tmp -> Files.writeString(tmp, "exported"));
        assertThat(target).hasContent("exported");
        assertThatThrownBy(() -> AtomicWrites.create(target, tmp -> Files.writeString(tmp, "again")))
                .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
        assertThat(target).hasContent("exported");
        // another program makes the file after the command checked that it was not there, before the move
        Path raced = dir.resolve("y.pt");
        assertThatThrownBy(() -> AtomicWrites.create(raced, tmp -> {
            Files.writeString(tmp, "exported");
            Files.writeString(raced, "the user's");
        })).isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
        assertThat(raced).hasContent("the user's");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("x.pt", "y.pt");
        }
    }
}
