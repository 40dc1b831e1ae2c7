package io.github.tdmpc2j.spi.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
     * is gone. The folder must exist.
     */
    public static void replace(Path target, Contents contents) throws IOException {
        Path tmp = tempFileFor(target);
        try {
            contents.writeTo(tmp);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
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
