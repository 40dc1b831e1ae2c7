package io.github.tdmpc2j.bridge.py4j;

import io.github.tdmpc2j.spi.io.AtomicWrites;
import io.github.tdmpc2j.spi.io.IoErrors;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's Python package, shipped inside this jar, unpacked once per version into
 * {@code ~/.cache/tdmpc2j/worker/HASH/} so that a venv needs no install step of its own: the worker starts with
 * that folder on its PYTHONPATH. Each build with other worker sources unpacks a folder of its own: a worker
 * marks its folder in use ({@code HASH.in-use}, an {@link InUse} lock) and touches it when it starts, and then
 * removes the folders no worker holds beyond the {@link #KEEP} last used, once unused for {@link #UNUSED_FOR}
 * (a version of tdmpc2j from before these locks marks nothing: the delay spares its running workers). A version is
 * unpacked into a temporary folder named for its writer ({@link AtomicWrites#temporaryName}) and moved into place: the
 * clean-up also removes those a JVM that died left ({@link #removeOld}).
 */
final class WorkerSources {
    private static final Logger LOG = LoggerFactory.getLogger(WorkerSources.class);
    /** How many unpacked versions the clean-up keeps, the last used first, the starting worker's among them. */
    static final int KEEP = 3;
    /** How long a version beyond {@link #KEEP} must have been unused before the clean-up removes it. */
    static final Duration UNUSED_FOR = Duration.ofDays(1);
    static final String IN_USE = ".in-use";
    private static final Pattern VERSION = Pattern.compile("[0-9a-f]{16}");
    /** An unpack's folder as versions before temporary names made it ({@code Files.createTempDirectory}). */
    private static final Pattern UNFINISHED_BEFORE = Pattern.compile("unpacking-[0-9]+");
    private static final String PACKAGE = "tdmpc2j_worker";
    private static final String RESOURCE_DIR = "python/" + PACKAGE;
    private static volatile Path unpacked;

    private WorkerSources() {
    }

    /** The folder to put on PYTHONPATH. */
    static Path pythonPath() {
        Path dir = unpacked;
        if (dir == null) {
            synchronized (WorkerSources.class) {
                if (unpacked == null) {
                    unpacked = unpack(Path.of(System.getProperty("user.home"), ".cache", "tdmpc2j", "worker"));
                }
                dir = unpacked;
            }
        }
        return dir;
    }

    /**
     * Marks the unpacked worker in use for one worker's life (close the hold when it ends), puts back what a
     * clean-up or a hand removed meanwhile, and removes old versions no worker uses.
     */
    static InUse.Hold use() {
        Path dir = pythonPath();
        return use(dir.getParent(), KEEP, UNUSED_FOR);
    }

    /** As {@link #use()}, for the cache at {@code cacheRoot}, keeping {@code keep} versions unused for less than {@code unusedFor}. */
    static InUse.Hold use(Path cacheRoot, int keep, Duration unusedFor) {
        Path dir = unpack(cacheRoot);
        Path lock = cacheRoot.resolve(dir.getFileName() + IN_USE);
        InUse.Hold hold = null;
        try {
            for (int attempt = 0; hold == null; attempt++) {
                try {
                    hold = InUse.hold(lock);
                } catch (InUse.BeingRemovedException e) {
                    // another JVM's clean-up is deleting this version (unused for a day): it is quick; then unpack it
                    if (attempt == 100) {
                        throw new WorkerFailedException("cannot use the Python worker in " + dir + ": it stays "
                                + e.getMessage() + "; stop those processes, or delete " + cacheRoot, e);
                    }
                    Thread.sleep(100);
                }
            }
            unpack(cacheRoot); // makes again what a clean-up removed before this hold
            Files.setLastModifiedTime(dir, FileTime.from(Instant.now()));
        } catch (IOException e) {
            if (hold != null) {
                hold.close();
            }
            throw new WorkerFailedException("cannot mark the Python worker in " + dir + " in use (" + lock + "): "
                    + IoErrors.describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorkerFailedException("interrupted while waiting for the Python worker in " + dir);
        }
        removeOld(cacheRoot, dir, keep, unusedFor);
        return hold;
    }

    /**
     * Removes the unpacked versions beyond the {@code keep} last used (and their lock files), but not {@code current},
     * one used within {@code unusedFor}, or one a worker holds; a failure is logged, never thrown (the worker runs).
     */
    static void removeOld(Path cacheRoot, Path current, int keep, Duration unusedFor) {
        removeUnfinished(cacheRoot, unusedFor);
        List<Path> versions = new ArrayList<>();
        try (Stream<Path> all = Files.list(cacheRoot)) {
            all.filter(p -> VERSION.matcher(p.getFileName().toString()).matches() && Files.isDirectory(p))
                    .forEach(versions::add);
        } catch (IOException e) {
            LOG.debug("cannot list the worker cache {}: {}", cacheRoot, e.toString());
            return;
        }
        versions.sort(Comparator.comparing(WorkerSources::lastUsed).reversed());
        Instant unusedSince = Instant.now().minus(unusedFor);
        for (Path version : versions.subList(Math.min(keep, versions.size()), versions.size())) {
            if (version.getFileName().equals(current.getFileName())
                    || lastUsed(version).toInstant().isAfter(unusedSince)) {
                continue;
            }
            Path lock = cacheRoot.resolve(version.getFileName() + IN_USE);
            try (InUse.Exclusive unused = InUse.tryExclusive(lock)) {
                if (unused == null) {
                    continue; // a running worker's
                }
                AtomicWrites.deleteTree(version);
                Files.deleteIfExists(lock); // locked: a worker waiting on it locks the file made anew
                LOG.debug("removed the unused Python worker {}", version);
            } catch (IOException e) {
                LOG.warn("cannot remove the unused Python worker {}: {}", version, IoErrors.describe(e));
            }
        }
    }

    /**
     * Removes the folders of unpacks that never finished (their JVM died while it wrote them): those named for a
     * process that has ended ({@link AtomicWrites#removeStale}: never one a live process writes, nor another machine's);
     * and those of versions before these names ({@code unpacking-N}, whose writer is unknown) untouched for
     * {@code unusedFor}, where an unpack takes milliseconds. A failure is logged, never thrown.
     */
    private static void removeUnfinished(Path cacheRoot, Duration unusedFor) {
        try {
            AtomicWrites.removeStale(cacheRoot).removed()
                    .forEach(p -> LOG.debug("removed the unfinished unpack of a Python worker {}", p));
        } catch (IOException e) {
            LOG.warn("cannot remove unfinished unpacks of the Python worker in {}: {}", cacheRoot,
                    IoErrors.describe(e));
        }
        Instant unusedSince = Instant.now().minus(unusedFor);
        try (Stream<Path> all = Files.list(cacheRoot)) {
            for (Path p : all.filter(p -> UNFINISHED_BEFORE.matcher(p.getFileName().toString()).matches()
                    && lastUsed(p).toInstant().isBefore(unusedSince)).toList()) {
                AtomicWrites.deleteTree(p);
                LOG.debug("removed the unfinished unpack of a Python worker {}", p);
            }
        } catch (IOException e) {
            LOG.warn("cannot remove unfinished unpacks of the Python worker in {}: {}", cacheRoot,
                    IoErrors.describe(e));
        }
    }

    private static FileTime lastUsed(Path dir) {
        try {
            return Files.getLastModifiedTime(dir);
        } catch (IOException e) {
            return FileTime.fromMillis(Long.MAX_VALUE); // gone or unreadable: never taken for old
        }
    }

    static Path unpack(Path cacheRoot) {
        Map<String, byte[]> files = readFiles();
        Path target = cacheRoot.resolve(hash(files));
        try {
            if (Files.isDirectory(target.resolve(PACKAGE))) {
                repair(target.resolve(PACKAGE), files);
                return target;
            }
            Files.createDirectories(cacheRoot);
            // named for its writer (HASH.tmp-PID@HOST-NONCE): one a killed JVM left is removed by removeOld
            Path temp = Files.createDirectory(cacheRoot.resolve(AtomicWrites.temporaryName(target.getFileName()
                    .toString())));
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                Path p = temp.resolve(PACKAGE).resolve(f.getKey());
                Files.createDirectories(p.getParent());
                Files.write(p, f.getValue());
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                AtomicWrites.deleteTree(temp);
                if (!Files.isDirectory(target.resolve(PACKAGE))) {
                    throw raced;
                }
            }
            return target;
        } catch (IOException e) {
            throw new WorkerFailedException("cannot unpack the Python worker into " + cacheRoot + ": "
                    + IoErrors.describe(e), e);
        }
    }

    /**
     * Puts back each file of an unpacked worker that is missing or differs from the jar's (a cache cleaner or a hand
     * took it), so that the worker starts instead of failing on an import no setup would fix. A file is replaced
     * atomically: a worker of another JVM that imports it meanwhile reads either version whole.
     */
    private static void repair(Path unpacked, Map<String, byte[]> files) throws IOException {
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            Path p = unpacked.resolve(f.getKey());
            if (Files.isRegularFile(p) && Arrays.equals(Files.readAllBytes(p), f.getValue())) {
                continue;
            }
            Files.createDirectories(p.getParent());
            AtomicWrites.write(p, f.getValue());
        }
    }

    /** Relative path inside the package -> bytes, from a folder (a build) or a jar (an install). */
    private static Map<String, byte[]> readFiles() {
        URL url = WorkerSources.class.getResource(RESOURCE_DIR);
        if (url == null) {
            throw new WorkerFailedException("the Python worker is missing from the tdmpc2j-py4j jar; rebuild it");
        }
        Map<String, byte[]> files = new TreeMap<>();
        try {
            if (url.getProtocol().equals("jar")) {
                JarURLConnection connection = (JarURLConnection) url.openConnection();
                connection.setUseCaches(false);
                String prefix = connection.getEntryName() + "/";
                try (JarFile jar = connection.getJarFile()) {
                    for (JarEntry e : jar.stream().toList()) {
                        if (!e.isDirectory() && e.getName().startsWith(prefix) && isSource(e.getName())) {
                            try (InputStream in = jar.getInputStream(e)) {
                                files.put(e.getName().substring(prefix.length()), in.readAllBytes());
                            }
                        }
                    }
                }
            } else {
                Path root = Path.of(url.toURI());
                try (Stream<Path> walk = Files.walk(root)) {
                    for (Path p : walk.filter(p -> isSource(p.toString())).toList()) {
                        files.put(root.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Python worker from " + url, e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return files;
    }

    /** The worker's files: its Python modules and its watchdog shell script. */
    private static boolean isSource(String name) {
        return name.endsWith(".py") || name.endsWith(".sh");
    }

    private static String hash(Map<String, byte[]> files) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            files.forEach((name, content) -> {
                digest.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(content);
            });
            return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
