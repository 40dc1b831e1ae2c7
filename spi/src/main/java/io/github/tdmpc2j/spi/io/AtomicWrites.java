package io.github.tdmpc2j.spi.io;

import java.io.IOException;
import java.io.SyncFailedException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The one way files are written atomically here: write a temporary file beside the target, then move it over
 * the target with {@code ATOMIC_MOVE}. The temporary file comes from {@link #tempFileFor(Path)}, which creates it
 * with the mode the user's umask gives any new file (0644 under the usual umask 022), where
 * {@link Files#createTempFile} would make it, and so the target, 0600. {@link #replace} does all of it; the
 * temporary file never outlives a failed write.
 *
 * <p>Durable as well as atomic: the temporary file's bytes are forced to the disk before the move and the folder's
 * entry after it ({@link #force}, {@link #forceFolder}), so that a machine that loses power after a write returned
 * has the whole new file or the whole old one, never an empty or partial one under the target's name.
 */
public final class AtomicWrites {
    private AtomicWrites() {
    }

    /** What writes a file's contents, given the path to write them to. */
    @FunctionalInterface
    public interface Contents {
        void writeTo(Path file) throws IOException;
    }

    /**
     * Writes {@code target} whole or not at all: {@code contents} writes a temporary file beside it, which then
     * replaces {@code target} in one move. When anything fails, {@code target} is as it was and the temporary file
     * is gone. The folder must exist. Returns once the new file and its name are on the disk: a file or folder
     * the disk would not force is a {@link SyncFailedException} (before the move, {@code target} is as it was).
     */
    public static void replace(Path target, Contents contents) throws IOException {
        Path tmp = tempFileFor(target);
        try {
            contents.writeTo(tmp);
            force(tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        forceFolder(tmp.getParent());
    }

    /** How a file's channel is forced to the disk; a test replaces it to make the disk fail. */
    interface Forcing {
        void force(FileChannel channel) throws IOException;
    }

    static volatile Forcing forcing = channel -> channel.force(true);

    /**
     * Forces {@code file}'s bytes (and its size) to the disk, as {@code fsync} does; a disk that fails it is a
     * {@link SyncFailedException} naming the file.
     */
    public static void force(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) { // WRITE: Windows needs it to flush
            forcing.force(ch);
        } catch (SyncFailedException e) {
            throw e;
        } catch (IOException e) {
            throw syncFailed(file, e);
        }
    }

    /**
     * Forces {@code dir}'s entries (a file created, renamed or deleted in it) to the disk. Linux and macOS do it on
     * a folder opened for reading; where the platform cannot open a folder as a file (Windows, whose file systems
     * journal renames themselves) or a file system does not sync folders (it answers "invalid argument"), there is
     * nothing more to do. A disk that fails it is a {@link SyncFailedException} naming the folder.
     */
    public static void forceFolder(Path dir) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(dir, StandardOpenOption.READ);
        } catch (IOException | UnsupportedOperationException e) {
            return; // a platform that cannot open a folder: its renames are as durable as it makes them
        }
        try (ch) {
            forcing.force(ch);
        } catch (IOException e) {
            if (e.getMessage() != null && e.getMessage().contains("Invalid argument")) {
                return; // EINVAL: this file system does not sync folders
            }
            throw syncFailed(dir, e);
        }
    }

    private static SyncFailedException syncFailed(Path path, IOException e) {
        SyncFailedException s = new SyncFailedException("the disk did not take " + path + " (" + IoErrors.describe(e)
                + "): what was written may not survive a power loss; check the disk (its space, its errors in the "
                + "system log) and write again");
        s.initCause(e);
        return s;
    }

    /** {@link #replace} with these bytes. */
    public static void write(Path target, byte[] bytes) throws IOException {
        replace(target, tmp -> Files.write(tmp, bytes));
    }

    /** {@link #replace} with this text in UTF-8. */
    public static void writeString(Path target, String text) throws IOException {
        replace(target, tmp -> Files.writeString(tmp, text, StandardCharsets.UTF_8));
    }

    /**
     * A new, empty file in {@code target}'s folder named {@code TARGET-NAME<digits>.tmp}, created with the
     * user's umask. The caller writes it and moves it onto {@code target}, or deletes it.
     */
    public static Path tempFileFor(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        String name = target.getFileName().toString();
        for (int attempt = 0;; attempt++) {
            Path tmp = dir.resolve(name + Long.toUnsignedString(ThreadLocalRandom.current().nextLong()) + ".tmp");
            try {
                return Files.createFile(tmp); // no attributes: the OS applies the umask to 0666
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) {
                    throw e;
                }
            }
        }
    }

    /** Deletes {@code root} and everything under it (files before their folders); nothing when it is not there. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        List<Path> all = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.forEach(all::add);
        }
        all.sort(Comparator.reverseOrder());
        for (Path p : all) {
            Files.deleteIfExists(p);
        }
    }
}
