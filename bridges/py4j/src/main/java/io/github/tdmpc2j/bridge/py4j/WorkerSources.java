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
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The worker's Python package, shipped inside this jar, unpacked once per version into
 * {@code ~/.cache/tdmpc2j/worker/HASH/} so that a venv needs no install step of its own: the worker starts with
 * that folder on its PYTHONPATH.
 */
final class WorkerSources {
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

    static Path unpack(Path cacheRoot) {
        Map<String, byte[]> files = readFiles();
        Path target = cacheRoot.resolve(hash(files));
        try {
            if (Files.isDirectory(target.resolve(PACKAGE))) {
                repair(target.resolve(PACKAGE), files);
                return target;
            }
            Files.createDirectories(cacheRoot);
            Path temp = Files.createTempDirectory(cacheRoot, "unpacking-");
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
