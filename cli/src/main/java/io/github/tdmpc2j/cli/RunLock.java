package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.data.DatasetLayout;
import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.io.IoErrors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The one writer of a run folder: {@code run.lock} in the folder, held with an OS file lock for the life of the
 * command that trains into it ({@code train}, {@code train --resume}, {@code train --data}, a {@code bench} run);
 * a {@code bench} command holds one on its {@code --out} folder too, where it writes its report, and a
 * {@code collect} command on its dataset folder.
 * The OS releases it when the process ends however it ends (a kill -9 too), so a stopped run never leaves a lock
 * that blocks its {@code --resume}; the file itself stays and holds the pid of the last writer. Readers
 * ({@code eval}, {@code export}, {@code collect --policy}) take no lock: checkpoints are replaced as a whole.
 *
 * <p>POSIX locks belong to the process, and closing any channel of the file drops them, so this JVM never opens
 * the lock file of a folder it holds: a second writer in the same process is refused from {@link #HELD}.
 *
 * <p>What the lock made goes when it is closed, and when the JVM exits while it is held (a second Ctrl-C,
 * {@link StopSignals}: a shutdown hook), as long as the folder holds nothing else: the lock file, when it was not
 * there before, a dataset's index that was not there when the lock was taken (a new dataset that got no episode),
 * and the folders the lock made. A folder that was there stays.
 */
final class RunLock implements AutoCloseable {
    static final String FILE = "run.lock";
    /** The lock files this JVM holds (real paths). */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();
    /** The locks this JVM holds, for the shutdown hook that removes the folders they made and left empty. */
    private static final Set<RunLock> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(RunLock::removeIfEmpty),
                "tdmpc2j-run-lock-exit"));
    }

    private final Path dir;
    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;
    /** The highest folder this lock made (for a run refused before it wrote anything), or null. */
    private final Path made;
    /** The names of the files in the folder that its writer made (the lock file last), removed when alone there. */
    private final List<String> own;

    private RunLock(Path dir, Path key, FileChannel channel, FileLock lock, Path made, List<String> own) {
        this.dir = dir;
        this.key = key;
        this.channel = channel;
        this.lock = lock;
        this.made = made;
        this.own = own;
    }

    /**
     * What a lock's folder is, for the message that refuses a second writer; {@code firstFiles}: the files its
     * writer makes first, to be removed with the lock file when it wrote nothing else.
     */
    private record Kind(String folder, String writer, String stop, String work, String meanwhile,
            List<String> firstFiles) {
    }

    private static final Kind RUN = new Kind("run folder", "run", "Ctrl-C; it keeps its last checkpoint, for "
            + "--resume", "train", " `tdmpc2j eval --checkpoint DIR` reads its last checkpoint meanwhile.", List.of());
    private static final Kind BENCH = new Kind("bench folder", "bench", "Ctrl-C; its runs keep their last "
            + "checkpoints, and the same bench command goes on from them", "train", " `tdmpc2j eval --checkpoint "
            + "DIR/runs/TASK/seed-S` reads a run's last checkpoint meanwhile.", List.of());
    private static final Kind DATASET = new Kind("dataset folder", "collection", "Ctrl-C; the episodes it wrote "
            + "are kept, and the same command goes on with the collection", "collect", "",
            List.of(DatasetLayout.INDEX));

    /**
     * Takes the lock of the run folder {@code dir}, making the folder if it is missing; refuses at once (never
     * waits) while another process, or another run of this one, holds it. One at a time in this JVM, so that two
     * of its runs never both open the file.
     */
    static RunLock acquire(Path dir) {
        return acquire(dir, RUN);
    }

    /**
     * Takes the lock of a dataset folder for a {@code collect} command's life: two collections into one folder ran
     * every missing episode twice, and one's clean-up of unfinished writes deleted the other's files in flight.
     * Taken just before the first write (the index of a new dataset): an index not there yet is this writer's,
     * removed with the lock when no episode was written beside it.
     */
    static RunLock acquireDataset(Path dir) {
        return acquire(dir, DATASET);
    }

    /**
     * Takes the lock of the folder a {@code bench} command writes its report into (its {@code --out}) for the
     * command's life, as {@link #acquire} takes a run folder's: two benchmarks on one folder would both rewrite
     * {@code report.md} and {@code report.csv}.
     */
    static RunLock acquireBench(Path dir) {
        return acquire(dir, BENCH);
    }

    private static synchronized RunLock acquire(Path dir, Kind kind) {
        Path made = highestMissing(dir);
        for (int attempt = 0;; attempt++) {
            Path file = dir.resolve(FILE);
            Path key;
            FileChannel channel;
            boolean newFile;
            try {
                Files.createDirectories(dir);
                newFile = !Files.exists(file);
                key = dir.toRealPath().resolve(FILE);
                if (HELD.contains(key)) {
                    throw busy(dir, kind, "another " + kind.writer() + " of this process (pid " + ProcessHandle.current().pid() + ")");
                }
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw new TdmpcException("cannot make the lock file " + file + " of the " + kind.folder() + ": "
                        + IoErrors.describe(e) + "; check the folder's permissions, or choose another --out", e);
            }
            try {
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock == null) {
                    channel.close(); // this process holds no lock on the file, so closing drops none
                    throw busy(dir, kind, "another tdmpc2j process (" + holder(file) + ")");
                }
                if (!Files.exists(file)) {
                    // the file was removed by a writer that made the folder and was refused before it wrote
                    // anything: its lock was on that file, not on the one a next writer makes
                    channel.close();
                    if (attempt < 10) {
                        continue;
                    }
                    throw new TdmpcException("the lock file " + file + " keeps disappearing; is another program "
                            + "removing files in " + dir + "?");
                }
                byte[] pid = ("pid=" + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8);
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(pid), 0);
                HELD.add(key);
                List<String> own = new ArrayList<>();
                for (String first : kind.firstFiles()) {
                    if (!Files.exists(dir.resolve(first))) {
                        own.add(first);
                    }
                }
                if (newFile) {
                    own.add(FILE);
                }
                RunLock held = new RunLock(dir, key, channel, lock, made, List.copyOf(own));
                OPEN.add(held);
                return held;
            } catch (IOException e) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // the lock's error matters more
                }
                throw new TdmpcException("cannot lock the " + kind.folder() + " " + dir + " (" + file + "): "
                        + IoErrors.describe(e) + "; its file system may not support locks: choose an --out on a "
                        + "local disk", e);
            }
        }
    }

    /** The folder's lock is held by another writer: another process, or another run of this one. */
    static final class BusyException extends TdmpcException {
        private static final long serialVersionUID = 1L;

        BusyException(String message) {
            super(message);
        }
    }

    private static TdmpcException busy(Path dir, Kind kind, String who) {
        return new BusyException(who + " is using the " + kind.folder() + " " + dir + " (it holds "
                + dir.resolve(FILE) + "): a " + kind.folder() + " has one writer at a time. Wait for that "
                + kind.writer() + " to end, or stop it (" + kind.stop() + "); to " + kind.work() + " beside it, "
                + "choose another --out." + kind.meanwhile().replace("DIR", dir.toString()));
    }

    /** The holder as its pid recorded in the lock file, for messages. */
    private static String holder(Path file) {
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.filter(l -> l.startsWith("pid=")).findFirst().map(l -> "pid " + l.substring(4).trim())
                    .orElse("pid unknown");
        } catch (IOException | java.io.UncheckedIOException e) {
            return "pid unknown";
        }
    }

    /** The highest folder of {@code dir} and its parents that does not exist yet, or null when {@code dir} does. */
    private static Path highestMissing(Path dir) {
        Path missing = null;
        for (Path p = dir.toAbsolutePath().normalize(); p != null && !Files.exists(p); p = p.getParent()) {
            missing = p;
        }
        return missing;
    }

    @Override
    public void close() {
        OPEN.remove(this);
        try {
            removeOwnFilesIfAlone();
            lock.release();
        } catch (IOException e) {
            // closing the channel below releases the lock as well
        } finally {
            HELD.remove(key);
            try {
                channel.close();
            } catch (IOException ignored) {
                // the OS drops the lock with the process at the latest
            }
        }
        removeMadeFolders();
    }

    /**
     * At the JVM's exit with this lock held: the files and folders it made, when nothing else is in them (the lock
     * itself goes with the process).
     */
    private void removeIfEmpty() {
        try {
            removeOwnFilesIfAlone();
        } catch (IOException | RuntimeException e) {
            return; // a folder left behind holds the lock file only: a later writer takes it
        }
        removeMadeFolders();
    }

    /** The folders this lock made, when the run was refused or stopped before it wrote anything into them. */
    private void removeMadeFolders() {
        if (made == null) {
            return;
        }
        for (Path p = dir.toAbsolutePath().normalize(); p != null && p.startsWith(made); p = p.getParent()) {
            try {
                Files.deleteIfExists(p);
            } catch (DirectoryNotEmptyException e) {
                break;
            } catch (IOException e) {
                break; // an empty folder left behind is harmless
            }
        }
    }

    /**
     * A writer stopped or refused before it wrote anything but its first files leaves none of them (a folder it
     * made goes next, {@link #removeMadeFolders}): they go while the lock is held, the lock file last.
     */
    private void removeOwnFilesIfAlone() throws IOException {
        if (own.isEmpty()) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            if (!files.map(p -> p.getFileName().toString()).allMatch(n -> n.equals(FILE) || own.contains(n))) {
                return;
            }
        } catch (NoSuchFileException e) {
            return; // gone already
        }
        for (String name : own) {
            Files.deleteIfExists(dir.resolve(name));
        }
    }
}
