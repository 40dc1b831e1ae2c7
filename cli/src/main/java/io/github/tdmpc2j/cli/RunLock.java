package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.cluster.UnitRunner;
import io.github.tdmpc2j.data.DatasetLayout;
import io.github.tdmpc2j.data.DatasetWriter;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The one writer of a run folder: {@code run.lock} in the folder, held with an OS file lock for the life of the
 * command that trains into it ({@code train}, {@code train --resume}, {@code train --data}, a {@code bench} run);
 * a {@code bench} command holds one on its {@code --out} folder too, where it writes its report, and a
 * {@code collect} or {@code import-data} command on its dataset folder.
 * The OS releases it when the process ends however it ends (a kill -9 too), so a stopped run never leaves a lock
 * that blocks its {@code --resume}; the file itself stays and holds the pid of the last writer and its command
 * ({@link Holder}), which a writer refused meanwhile is told. Readers
 * ({@code eval}, {@code export}, {@code collect --policy}) take no lock: checkpoints are replaced as a whole.
 *
 * <p>POSIX locks belong to the process, and closing any channel of the file drops them, so this JVM never opens
 * the lock file of a folder it holds: a second writer in the same process is refused from {@link #HELD}.
 *
 * <p>What the lock made goes when it is closed, and when the JVM exits while it is held (a second Ctrl-C,
 * {@link StopSignals}: a shutdown hook), as long as the folder holds nothing else: the lock file, when it was not
 * there before, a dataset's index that was not there when the lock was taken (a new dataset that got no episode),
 * and the folders the lock made. A folder that was there stays. At the exit, the writes into a dataset folder that
 * this JVM makes meanwhile (the command's main thread goes on while the hook runs) end first
 * ({@link DatasetWriter#endWrites}): an index is never removed while its first episode is being written, nor before
 * one is, which left episodes beside no index. The lock file it made goes on close too, whatever else the folder
 * holds, when its command was refused or failed ({@link #failed}): a refused command leaves the folder as it was.
 */
final class RunLock implements AutoCloseable {
    static final String FILE = "run.lock";
    /** The lock files this JVM holds (real paths), with what holds each. */
    private static final Map<Path, LockFile> HELD = new ConcurrentHashMap<>();
    /** The locks this JVM holds, for the shutdown hook that removes the folders they made and left empty. */
    private static final Set<RunLock> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> OPEN.forEach(RunLock::removeAtExit),
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
    /** Whether other processes write into the folder for its holder (a cluster's executors): {@link #writtenElsewhere}. */
    private volatile boolean elsewhere;
    /** Whether its holder's command ended in a refusal or a failure: {@link #failed}. */
    private volatile boolean failed;

    private RunLock(Path dir, Path key, FileChannel channel, FileLock lock, Path made, List<String> own) {
        this.dir = dir;
        this.key = key;
        this.channel = channel;
        this.lock = lock;
        this.made = made;
        this.own = own;
    }

    /**
     * What a lock's folder is, for the message that refuses a second writer: its name in the lock file
     * ({@code id}, {@code folder=ID}: what the holder took it for, which a writer that asks for another kind of
     * folder is told), the holder it usually has ({@code usual}), whose texts a lock file that names no command (an
     * older version's, which wrote its pid alone) is told with; {@code firstFiles}: the files its writer makes
     * first, to be removed with the lock file when it wrote nothing else.
     */
    private record Kind(String id, String folder, Holder usual, List<String> firstFiles) {
        /** The kind a lock file names, or null (none: an older version's, or one this version does not know). */
        static Kind named(String id) {
            return Stream.of(RUN, BENCH_OUT, DATASET).filter(k -> k.id.equals(id)).findFirst().orElse(null);
        }
    }

    private static final Kind RUN = new Kind("run", "run folder", Holder.TRAIN, List.of());
    private static final Kind BENCH_OUT = new Kind("bench", "bench folder", Holder.BENCH, List.of());
    private static final Kind DATASET = new Kind("dataset", "dataset folder", Holder.COLLECT,
            List.of(DatasetLayout.INDEX));

    /** What stopping a dataset's writer keeps, {@link Holder#COLLECT}'s and {@link Holder#IMPORT}'s alike. */
    private static final String EPISODES_KEPT = "Ctrl-C; the episodes it wrote are kept, and the same command goes on";

    /**
     * The command that holds a lock, as its lock file names it ({@code command=}) for a writer refused in another
     * process: what it is called in the refusal ({@code writer}), what stopping it keeps ({@code stop}, and
     * {@code stopMore} when the lock file names it: what of it is this command's own), what a writer of its own
     * kind does beside it in another folder ({@code work}), and what reads its folder meanwhile
     * ({@code meanwhile}, DIR for the folder).
     */
    enum Holder {
        TRAIN("train", "run", "Ctrl-C; it keeps its last checkpoint", ", for --resume", "train",
                " `tdmpc2j eval --checkpoint DIR` reads its last checkpoint meanwhile."),
        BENCH("bench", "bench", "Ctrl-C; its runs keep their last checkpoints, and the same bench command goes on "
                + "from them", "", "train", " `tdmpc2j eval --checkpoint DIR/runs/TASK/seed-S` reads a run's last "
                + "checkpoint meanwhile."),
        COLLECT("collect", "collection", EPISODES_KEPT, " with the collection", "collect", ""),
        IMPORT("import-data", "import", EPISODES_KEPT, " with the import", "import", "");

        private final String command;
        private final String writer;
        private final String stop;
        private final String stopMore;
        private final String work;
        private final String meanwhile;

        Holder(String command, String writer, String stop, String stopMore, String work, String meanwhile) {
            this.command = command;
            this.writer = writer;
            this.stop = stop;
            this.stopMore = stopMore;
            this.work = work;
            this.meanwhile = meanwhile;
        }

        /** The holder a lock file names ({@code command=NAME}), or null (none, or one this version does not know). */
        static Holder named(String command) {
            for (Holder h : values()) {
                if (h.command.equals(command)) {
                    return h;
                }
            }
            return null;
        }

        /** Whether it writes a dataset, not trains. */
        boolean writesDataset() {
            return this == COLLECT || this == IMPORT;
        }
    }

    /**
     * Takes the lock of the run folder {@code dir} for {@code train} ({@code --resume}, {@code --data}), making the
     * folder if it is missing; refuses at once (never waits) while another process, or another run of this one,
     * holds it. One at a time in this JVM, so that two of its runs never both open the file.
     */
    static RunLock acquire(Path dir) {
        return acquire(dir, Holder.TRAIN);
    }

    /** {@link #acquire(Path)} for {@code holder}: {@code train}, or a run of a {@code bench} command. */
    static RunLock acquire(Path dir, Holder holder) {
        return acquire(dir, RUN, holder);
    }

    /**
     * Takes the lock of a dataset folder for the life of a {@code collect} or {@code import-data} command
     * ({@code holder}): two collections into one folder ran every missing episode twice, and one's clean-up of
     * unfinished writes deleted the other's files in flight. Taken just before the first write (the index of a new
     * dataset): an index not there yet is this writer's, removed with the lock when no episode was written beside
     * it.
     */
    static RunLock acquireDataset(Path dir, Holder holder) {
        if (!holder.writesDataset()) {
            throw new IllegalArgumentException(holder + " writes no dataset");
        }
        return acquire(dir, DATASET, holder);
    }

    /**
     * Takes the lock of the folder a {@code bench} command writes its report into (its {@code --out}) for the
     * command's life, as {@link #acquire} takes a run folder's: two benchmarks on one folder would both rewrite
     * {@code report.md} and {@code report.csv}.
     */
    static RunLock acquireBench(Path dir) {
        return acquire(dir, BENCH_OUT, Holder.BENCH);
    }

    private static synchronized RunLock acquire(Path dir, Kind kind, Holder holder) {
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
                LockFile other = HELD.get(key);
                if (other != null) {
                    throw busy(dir, kind, holder, other, "another " + other.holder().writer + " of this process (pid "
                            + ProcessHandle.current().pid() + ")");
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
                    LockFile found = LockFile.read(file);
                    throw busy(dir, kind, holder, found, "another tdmpc2j process (" + found + ")");
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
                LockFile mine = new LockFile(Long.toString(ProcessHandle.current().pid()), holder, kind);
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(mine.text().getBytes(StandardCharsets.UTF_8)), 0);
                HELD.put(key, mine);
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

    /**
     * The refusal of {@code asking}, which took {@code dir} for a folder of the kind {@code kind}, by the writer
     * {@code who} that holds it, as its lock file ({@code held}) says: the folder is the kind its holder took it for
     * (a train refused by a bench's --out is told of a bench folder, and of what reads a bench's runs); where the
     * lock file does not say (an older version's), the kind asked for, and its holder's texts (or, where it names
     * none either, those of that kind's usual holder).
     */
    private static TdmpcException busy(Path dir, Kind kind, Holder asking, LockFile held, String who) {
        Holder holder = held.holder();
        Kind folder = held.kind() != null ? held.kind() : kind;
        Holder told = holder == null ? folder.usual() : holder;
        String stop = holder == null ? told.stop : told.stop + told.stopMore;
        // what reads the folder meanwhile: its kind's usual holder's reader (a bench's run folder is read as a
        // train's); an older lock file names no kind: a bench's, on a run folder, was one of its runs
        String meanwhile = (held.kind() != null ? folder.usual()
                : kind == RUN && told == Holder.BENCH ? Holder.TRAIN : told).meanwhile;
        return new BusyException(who + " is using the " + folder.folder() + " " + dir + " (it holds "
                + dir.resolve(FILE) + "): a " + folder.folder() + " has one writer at a time. Wait for that "
                + (holder == null ? "process" : holder.writer) + " to end, or stop it (" + stop + "); to "
                + asking.work + " beside it, choose another --out." + meanwhile.replace("DIR", dir.toString()));
    }

    /**
     * What a lock file says of its writer: its pid, the command that holds it and what it took the folder for (each
     * null when it does not say).
     */
    record LockFile(String pid, Holder holder, Kind kind) {
        /**
         * How many times a refused writer reads a lock file that is not whole, with {@link #PAUSE} between: its
         * holder empties it and writes its own details just after it takes the lock, and the refusal read between
         * the two said "pid unknown". One that stays so (another program's lock) is said as last read.
         */
        private static final int READS = 50;
        private static final Duration PAUSE = Duration.ofMillis(10);

        static LockFile read(Path file) {
            return read(() -> Files.readString(file, StandardCharsets.UTF_8));
        }

        /**
         * What {@code text} says, read again while it is not whole: a writer of every version writes its pid first
         * and ends each line, the last one too.
         */
        static LockFile read(Callable<String> text) {
            LockFile read = new LockFile(null, null, null);
            for (int i = 0; i < READS; i++) {
                String said;
                try {
                    if (i > 0) {
                        Thread.sleep(PAUSE.toMillis());
                    }
                    said = text.call();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return read;
                } catch (Exception e) {
                    return read; // said as unknown
                }
                read = parse(said);
                // this version writes the folder's kind last; an older one wrote no kind (its file, with a command,
                // is taken after the last read)
                if (read.pid() != null && said.endsWith("\n") && (read.kind() != null || read.holder() == null)) {
                    return read;
                }
            }
            return read;
        }

        private static LockFile parse(String said) {
            String pid = null;
            Holder holder = null;
            Kind kind = null;
            for (String line : said.lines().toList()) {
                if (line.startsWith("pid=") && pid == null) {
                    pid = line.substring(4).trim();
                } else if (line.startsWith("command=") && holder == null) {
                    holder = Holder.named(line.substring(8).trim());
                } else if (line.startsWith("folder=") && kind == null) {
                    kind = Kind.named(line.substring(7).trim());
                }
            }
            return new LockFile(pid, holder, kind);
        }

        /** The file's text: pid, command and folder, a line each, each ended (the folder last, see read). */
        String text() {
            return "pid=" + pid + "\ncommand=" + holder.command + "\nfolder=" + kind.id() + "\n";
        }

        /** As the refusal names it: {@code pid 42, running `tdmpc2j collect`}. */
        @Override
        public String toString() {
            return "pid " + (pid == null || pid.isEmpty() ? "unknown" : pid) + (holder == null ? ""
                    : ", running `tdmpc2j " + holder.command + "`");
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
        // closed by the command's thread while the JVM exits (a second Ctrl-C ended a cluster's job under it): what
        // the exit leaves ({@link #removeAtExit}) stays, the executors elsewhere perhaps still writing
        boolean leave = elsewhere && own.contains(DatasetLayout.INDEX) && UnitRunner.exiting();
        try {
            if (!leave) {
                removeEmptyFolders();
                removeOwnFilesIfAlone();
                if (failed && own.contains(FILE)) {
                    Files.deleteIfExists(dir.resolve(FILE)); // while the lock is held, as removeOwnFilesIfAlone
                }
            }
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
        if (!leave) {
            removeMadeFolders();
        }
    }

    /**
     * Says that other processes write episodes into this dataset folder for its holder (a cluster's executors, in
     * JVMs of their own): their writes cannot be ended at this JVM's exit, which therefore leaves a new dataset's
     * index (and the folder) as they are, lest an episode they finish meanwhile land beside no index; the same
     * command goes on from it. Closing the lock, once they are done (their job ended or stopped, not cut short by
     * the JVM's exit), still removes an index that got no episode.
     */
    void writtenElsewhere() {
        elsewhere = true;
    }

    /**
     * Says that its holder's command ends in a refusal or a failure (its exception on the way out), to be called
     * before {@link #close}: closing the lock then removes the lock file when this lock made it, whatever else the
     * folder holds, so that a command refused once it took the lock (a dataset of tasks at another revision, a
     * damaged index, a checkpoint that does not fit) leaves a folder that had no lock file as it was. A command that
     * ends well leaves its lock file, with its pid and command (see above).
     */
    void failed() {
        failed = true;
    }

    /** How long the exit waits for a write into a dataset folder in progress before it leaves the folder as it is. */
    private static final Duration WRITE_WAIT = Duration.ofSeconds(10);

    /**
     * At the JVM's exit with this lock held (its shutdown hook): the files and folders it made, when nothing else is
     * in them (the lock itself goes with the process). A dataset folder's writes in this JVM end first: one in
     * progress finishes, and none starts after, so that what is checked to be alone stays alone.
     */
    void removeAtExit() {
        if (own.contains(DatasetLayout.INDEX) && (elsewhere || !DatasetWriter.endWrites(dir, WRITE_WAIT))) {
            return; // a write that is not ended here: its episode may come beside the index, which stays
        }
        try {
            removeOwnFilesIfAlone();
        } catch (IOException | RuntimeException e) {
            return; // a folder left behind holds the lock file only: a later writer takes it
        }
        removeMadeFolders();
    }

    /**
     * In a folder this lock made, the empty folders its writers made and left (runs of a bench on a cluster, stopped
     * before they wrote anything, each removed the folders its own lock made, and the one that made their common
     * parent was not always the last to end), so that a folder that got nothing else goes too. Only once its
     * writers have ended: on close, not at the exit.
     */
    private void removeEmptyFolders() {
        if (made == null) {
            return; // the folder was there: what is in it may be someone else's
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.filter(Files::isDirectory).filter(p -> !p.equals(dir))
                    .sorted(java.util.Comparator.reverseOrder()).toList()) { // the deepest first
                try {
                    Files.deleteIfExists(p);
                } catch (DirectoryNotEmptyException e) {
                    // it holds something: it stays
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            // an empty folder left behind is harmless
        }
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
