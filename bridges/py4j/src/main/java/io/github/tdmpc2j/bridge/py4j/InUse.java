package io.github.tdmpc2j.bridge.py4j;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Marks a folder that running workers use (a domain's venv, an unpacked worker) with a lock file: each JVM holds a
 * shared OS lock on it while it has a worker on the folder, and what would delete the folder ({@code setup --force},
 * the worker cache's clean-up) first takes the lock exclusively, which fails while any worker holds it. The OS drops
 * a JVM's locks when it ends however it ends, so a crash leaves no folder marked.
 *
 * <p>POSIX locks belong to the process, and closing any channel of the file drops them all, so this JVM opens each
 * lock file once: its workers share one hold, counted, and a remover in this JVM is refused from that count.
 */
final class InUse {
    /** The lock files this JVM holds shared, by absolute path. Guarded by {@code InUse.class}. */
    private static final Map<Path, Held> HELD = new HashMap<>();
    /** The lock files this JVM holds exclusively (a setup, a clean-up). Guarded by {@code InUse.class}. */
    private static final Set<Path> EXCLUSIVE = new HashSet<>();

    private static final class Held {
        final FileChannel channel;
        final FileLock lock;
        int users;

        Held(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }
    }

    private InUse() {
    }

    /** A worker's hold on one lock file; {@link #close()} releases it (more than once is harmless). */
    static final class Hold implements AutoCloseable {
        private final Path key;
        private boolean closed;

        private Hold(Path key) {
            this.key = key;
        }

        @Override
        public void close() {
            synchronized (InUse.class) {
                if (closed) {
                    return;
                }
                closed = true;
                Held held = HELD.get(key);
                if (held != null && --held.users == 0) {
                    HELD.remove(key);
                    closeQuietly(held.channel); // releases the lock
                }
            }
        }
    }

    /** The folder is being removed or remade: another process holds its lock file exclusively. */
    static final class BeingRemovedException extends Exception {
        private static final long serialVersionUID = 1L;
        final List<String> holders;

        BeingRemovedException(List<String> holders) {
            super("held exclusively by " + String.join(", ", holders));
            this.holders = List.copyOf(holders);
        }
    }

    /**
     * Marks {@code lockFile}'s folder in use by this JVM until the hold is closed; makes the file if missing. Fails
     * while a remover holds it. A lock file a remover deleted while this one waited is made again and locked anew.
     */
    static Hold hold(Path lockFile) throws IOException, BeingRemovedException {
        Path key = key(lockFile);
        synchronized (InUse.class) {
            Held held = HELD.get(key);
            if (held != null) {
                held.users++;
                return new Hold(key);
            }
            if (EXCLUSIVE.contains(key)) {
                throw new BeingRemovedException(List.of(describe(ProcessHandle.current().pid()) + ", this process"));
            }
            for (int attempt = 0;; attempt++) {
                Object before = fileKey(key);
                FileChannel channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                FileLock lock;
                try {
                    lock = channel.tryLock(0, Long.MAX_VALUE, true);
                } catch (IOException | RuntimeException e) {
                    closeQuietly(channel);
                    throw e;
                }
                if (lock == null) {
                    closeQuietly(channel);
                    throw new BeingRemovedException(holders(key));
                }
                Object after = fileKey(key);
                if (after != null && Objects.equals(before, after)) {
                    held = new Held(channel, lock);
                    held.users = 1;
                    HELD.put(key, held);
                    return new Hold(key);
                }
                // a remover deleted the file, or it was made between the look and the open: lock the file there now
                closeQuietly(channel);
                if (attempt == 10) {
                    throw new IOException("the lock file " + key + " keeps being replaced; is another program "
                            + "removing files beside it?");
                }
            }
        }
    }

    /** A remover's exclusive hold on a lock file; closing it releases the lock. */
    static final class Exclusive implements AutoCloseable {
        private final Path key;
        private final FileChannel channel;

        private Exclusive(Path key, FileChannel channel) {
            this.key = key;
            this.channel = channel;
        }

        @Override
        public void close() {
            synchronized (InUse.class) {
                if (EXCLUSIVE.remove(key)) {
                    closeQuietly(channel);
                }
            }
        }
    }

    /**
     * Takes {@code lockFile} exclusively, making it if missing, or returns null while workers hold it (this JVM's
     * or another process's: {@link #holders} names them). Never waits.
     */
    static Exclusive tryExclusive(Path lockFile) throws IOException {
        Path key = key(lockFile);
        synchronized (InUse.class) {
            if (HELD.containsKey(key) || EXCLUSIVE.contains(key)) {
                return null; // opening the file again would drop this JVM's lock on it when closed
            }
            FileChannel channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            try {
                FileLock lock = channel.tryLock();
                if (lock == null) {
                    channel.close(); // this process holds no lock on the file, so closing drops none
                    return null;
                }
                EXCLUSIVE.add(key);
                return new Exclusive(key, channel);
            } catch (OverlappingFileLockException e) {
                closeQuietly(channel);
                return null;
            } catch (IOException | RuntimeException e) {
                closeQuietly(channel);
                throw e;
            }
        }
    }

    /**
     * The processes that hold locks on {@code lockFile}, as "pid N (command)", read from /proc/locks; this JVM
     * first when it holds the file. Empty where there is no /proc (not Linux).
     */
    static List<String> holders(Path lockFile) {
        Path key = key(lockFile);
        List<String> found = new ArrayList<>();
        long self = ProcessHandle.current().pid();
        synchronized (InUse.class) {
            if (HELD.containsKey(key) || EXCLUSIVE.contains(key)) {
                found.add(describe(self) + ", this process");
            }
        }
        long inode;
        long major;
        long minor;
        try {
            inode = ((Number) Files.getAttribute(key, "unix:ino")).longValue();
            long dev = ((Number) Files.getAttribute(key, "unix:dev")).longValue();
            // what glibc's major() and minor() take from st_dev; /proc/locks prints them in hex
            major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
            minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
        } catch (IOException | RuntimeException e) {
            return found;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/locks"));
        } catch (IOException | RuntimeException e) {
            return found;
        }
        for (String line : lines) {
            // "1: POSIX  ADVISORY  READ 1234 fd:00:5678 0 EOF"; a waiter's line has "->" after the number
            String[] f = line.trim().split("\\s+");
            if (f.length < 6 || f[1].equals("->")) {
                continue;
            }
            String[] where = f[5].split(":");
            if (where.length != 3 || !where[2].equals(Long.toString(inode))) {
                continue;
            }
            long pid;
            try {
                if (Long.parseLong(where[0], 16) != major || Long.parseLong(where[1], 16) != minor) {
                    continue;
                }
                pid = Long.parseLong(f[4]);
            } catch (NumberFormatException e) {
                continue;
            }
            String who = describe(pid);
            if (pid != self && !found.contains(who)) {
                found.add(who);
            }
        }
        return found;
    }

    /** One name per lock file, however it is reached (a root through a link): the file is opened once. */
    private static Path key(Path lockFile) {
        Path file = lockFile.toAbsolutePath().normalize();
        try {
            return file.getParent().toRealPath().resolve(file.getFileName());
        } catch (IOException | RuntimeException e) {
            return file; // its folder is missing: opening it fails and says so
        }
    }

    private static String describe(long pid) {
        String command = ProcessHandle.of(pid).flatMap(p -> p.info().command()).map(c -> Path.of(c).getFileName()
                .toString()).orElse("");
        return "pid " + pid + (command.isEmpty() ? "" : " (" + command + ")");
    }

    private static Object fileKey(Path file) throws IOException {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the OS drops the lock with the process at the latest
        }
    }
}
