package io.github.tdmpc2j.spi.io;

import java.io.IOException;
import java.io.SyncFailedException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The one way files are written atomically here: write a temporary file beside the target, then move it over
 * the target with {@code ATOMIC_MOVE}. The temporary file comes from {@link #tempFileFor(Path)}, named {@link #temporaryName} (what it
 * becomes, and which process writes it, so that a killed process's is recognised and removed: {@link #removeStale}),
 * which creates it
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
        write(target, contents, true);
    }

    /**
     * Writes {@code target}, which must not exist, whole or not at all, as {@link #replace} does, but never over a
     * file: one that is there when the new file is moved in place (made meanwhile by another program) is left as it
     * is, and this is a {@link FileAlreadyExistsException} naming it, the temporary file gone.
     */
    public static void create(Path target, Contents contents) throws IOException {
        write(target, contents, false);
    }

    /** {@link #replace} ({@code overwrite}) or {@link #create}: the temporary file, forced, then given its name. */
    private static void write(Path target, Contents contents, boolean overwrite) throws IOException {
        Path tmp = tempFileFor(target);
        try {
            contents.writeTo(tmp);
            force(tmp);
            if (overwrite) {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                moveToNew(tmp, target);
            }
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

    /**
     * Gives {@code tmp} the name {@code target} when no file has it: a hard link, which the file system makes only
     * when the name is free (a rename would replace what is there), then the temporary name removed. A file system
     * without hard links gets a move that refuses an existing target (checked just before the rename: a file made
     * in between would be replaced, a narrow window only there).
     */
    private static void moveToNew(Path tmp, Path target) throws IOException {
        try {
            Files.createLink(target, tmp);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (IOException | UnsupportedOperationException e) {
            Files.move(tmp, target); // no REPLACE_EXISTING: an existing target is a FileAlreadyExistsException
            return;
        }
        Files.delete(tmp);
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
     * A new, empty file in {@code target}'s folder named {@link #temporaryName} of its name, created with the
     * user's umask. The caller writes it and moves it onto {@code target}, or deletes it.
     */
    public static Path tempFileFor(Path target) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        String name = target.getFileName().toString();
        for (int attempt = 0;; attempt++) {
            Path tmp = dir.resolve(temporaryName(name));
            try {
                return Files.createFile(tmp); // no attributes: the OS applies the umask to 0666
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) {
                    throw e;
                }
            }
        }
    }

    /** {@code NAME.tmp-PID@HOST-NONCE}: a temporary name's owner and nonce (16 hex digits). */
    private static final Pattern TEMPORARY = Pattern.compile("(.+)\\.tmp-(\\d+)@([A-Za-z0-9_.-]*)-[0-9a-f]{16}");

    /**
     * The name of a temporary file or folder for {@code name} ({@code NAME.tmp-PID@HOST-NONCE}): it says what it
     * will become and which process on which machine writes it, so that a later command can tell one a killed
     * process left ({@link #removeStale}) from one a running process is writing.
     */
    public static String temporaryName(String name) {
        return name + ".tmp-" + ProcessHandle.current().pid() + "@" + Host.NAME + "-"
                + String.format("%016x", ThreadLocalRandom.current().nextLong());
    }

    /** Whether {@code path}'s name is a {@link #temporaryName}. */
    public static boolean isTemporary(Path path) {
        return path.getFileName() != null && TEMPORARY.matcher(path.getFileName().toString()).matches();
    }

    /**
     * Whether {@code path}, a {@link #temporaryName}, may still be written: its process is this one, or runs on
     * this machine (and started before the path was last changed: a process id used again since is not the
     * writer), or is on another machine (sharing the folder), which this one cannot see. False for a path whose
     * writer is gone, and for other names.
     */
    public static boolean mayBeInUse(Path path) {
        Matcher m = path.getFileName() == null ? null : TEMPORARY.matcher(path.getFileName().toString());
        if (m == null || !m.matches()) {
            return false;
        }
        if (!m.group(3).equals(Host.NAME)) {
            return true;
        }
        long pid;
        try {
            pid = Long.parseLong(m.group(2));
        } catch (NumberFormatException e) {
            return false; // no process has that id
        }
        if (pid == ProcessHandle.current().pid()) {
            return true;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return false;
        }
        Optional<java.time.Instant> started = process.get().info().startInstant();
        try {
            return started.isEmpty() || !started.get().isAfter(
                    Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS).toInstant());
        } catch (IOException e) {
            return true; // gone meanwhile, or unreadable: not ours to remove
        }
    }

    /**
     * What {@link #removeStale} found.
     *
     * @param removed   the temporary files and folders of processes that ended before they moved them in place
     * @param elsewhere those made by processes on other machines, left alone
     */
    public record Leftovers(List<Path> removed, List<Path> elsewhere) {
        /** One line for the user per kind found; none when nothing was found. */
        public List<String> report() {
            List<String> lines = new ArrayList<>();
            if (!removed.isEmpty()) {
                lines.add("removed what a stopped tdmpc2j command left half written: " + names(removed));
            }
            if (!elsewhere.isEmpty()) {
                lines.add("left alone, made by tdmpc2j on another machine that shares the folder (a write there in "
                        + "progress, or one stopped): " + names(elsewhere) + "; remove them once no tdmpc2j command "
                        + "writes there");
            }
            return lines;
        }

        private static String names(List<Path> paths) {
            return paths.stream().map(Path::toString).collect(java.util.stream.Collectors.joining(", "));
        }
    }

    /**
     * Removes the temporary files and folders ({@link #temporaryName}) in {@code dir} that no process writes any
     * more (a killed command's, {@link #mayBeInUse}); those of other machines are listed, not removed. Other files
     * are not looked at. Nothing when {@code dir} is missing.
     */
    public static Leftovers removeStale(Path dir) throws IOException {
        List<Path> removed = new ArrayList<>();
        List<Path> elsewhere = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return new Leftovers(removed, elsewhere);
        }
        List<Path> found;
        try (Stream<Path> entries = Files.list(dir)) {
            found = entries.filter(AtomicWrites::isTemporary).sorted().toList();
        }
        for (Path p : found) {
            Matcher m = TEMPORARY.matcher(p.getFileName().toString());
            if (m.matches() && !m.group(3).equals(Host.NAME)) {
                elsewhere.add(p);
            } else if (!mayBeInUse(p)) {
                deleteTree(p);
                removed.add(p);
            }
        }
        return new Leftovers(removed, elsewhere);
    }

    /** This machine's name as a file name allows it, found once. */
    private static final class Host {
        static final String NAME = find();

        private static String find() {
            String name = null;
            try {
                name = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim(); // Linux, without a lookup
            } catch (IOException | RuntimeException e) {
                // another platform
            }
            if (name == null || name.isEmpty()) {
                name = System.getenv("COMPUTERNAME"); // Windows
            }
            if (name == null || name.isEmpty()) {
                try {
                    name = java.net.InetAddress.getLocalHost().getHostName();
                } catch (IOException e) {
                    name = "localhost";
                }
            }
            name = name.replaceAll("[^A-Za-z0-9_.-]", "_");
            return name.length() > 40 ? name.substring(0, 40) : name;
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
