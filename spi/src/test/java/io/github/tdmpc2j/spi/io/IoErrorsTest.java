package io.github.tdmpc2j.spi.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IoErrorsTest {
    @Test
    void theReasonIsSaidInWordsWithTheFile(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("missing.txt");
        IOException noFile = catchThrowableOfType(() -> Files.readString(missing), IOException.class);
        assertThat(noFile.getMessage()).isEqualTo(missing.toString()); // the path alone: what this class is for
        assertThat(IoErrors.describe(noFile)).isEqualTo("no such file or folder (" + missing + ")");

        Path file = Files.writeString(dir.resolve("file"), "x");
        IOException notFolder = catchThrowableOfType(() -> Files.createFile(file.resolve("x.csv")),
                IOException.class);
        assertThat(IoErrors.describe(notFolder)).isEqualTo("not a folder (" + file.resolve("x.csv") + ")");

        IOException exists = catchThrowableOfType(() -> Files.createDirectory(file), IOException.class);
        assertThat(IoErrors.describe(exists)).isEqualTo("already exists (" + file + ")");

        // root may write anywhere, so permission is shown with the exception the file system throws
        assertThat(IoErrors.describe(new AccessDeniedException("/a/b"))).isEqualTo("permission denied (/a/b)");
        assertThat(IoErrors.describe(new java.nio.file.FileSystemException("/a", "/b", "Read-only file system")))
                .isEqualTo("read-only file system (/a -> /b)");
        // a stream's write to a full disk (the kernel's /dev/full fails every write with ENOSPC) carries the
        // reason alone
        IOException full = catchThrowableOfType(() -> Files.write(Path.of("/dev/full"), new byte[1 << 16]),
                IOException.class);
        assertThat(IoErrors.describe(full)).isEqualTo("no space left on the disk");
        assertThat(IoErrors.describe(new IOException("disk on fire"))).isEqualTo("disk on fire");
        assertThat(IoErrors.describe(new IOException())).isEqualTo("IOException");
    }
}
