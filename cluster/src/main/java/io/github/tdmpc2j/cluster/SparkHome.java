package io.github.tdmpc2j.cluster;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * A Spark home made from tdmpc2j's own class path, so no Spark download is needed: {@code jars/} holds links to
 * every jar this JVM runs with (Spark's and tdmpc2j's, plug-ins included), plus the {@code RELEASE} file and the
 * build folder Spark's launcher looks for. A Worker started with it launches executors that have all of tdmpc2j.
 */
public final class SparkHome {
    static final String MARKER = "tdmpc2j class path";

    private SparkHome() {
    }

    /**
     * The class path entries of this JVM, with the jars a jar's manifest names ({@code java -jar tdmpc2j-cli.jar}
     * has only that jar on {@code java.class.path}; its manifest names the rest).
     */
    public static List<Path> classPath() {
        Set<Path> entries = new LinkedHashSet<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!e.isBlank()) {
                add(Path.of(e).toAbsolutePath().normalize(), entries);
            }
        }
        return new ArrayList<>(entries);
    }

    private static void add(Path entry, Set<Path> entries) {
        if (!entries.add(entry) || !Files.isRegularFile(entry) || !entry.toString().endsWith(".jar")) {
            return;
        }
        try (JarFile jar = new JarFile(entry.toFile())) {
            Manifest manifest = jar.getManifest();
            String named = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (named == null) {
                return;
            }
            for (String part : named.trim().split("\\s+")) {
                if (!part.isEmpty()) {
                    Path p = Path.of(entry.getParent().toUri().resolve(part)).normalize();
                    if (Files.exists(p)) {
                        add(p, entries);
                    }
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // not a readable jar: it stays on the list as it is
        }
    }

    /** This JVM's class path as a {@code -cp} argument, manifest entries spelled out. */
    public static String classPathArgument() {
        return String.join(File.pathSeparator, classPath().stream().map(Path::toString).toList());
    }

    /** The folders on this JVM's class path (a build's classes): they cannot go into {@code jars/}. */
    static List<Path> classFolders() {
        return classPath().stream().filter(Files::isDirectory).toList();
    }

    /**
     * Fills {@code dir} (new, empty, or made by this method before) with links to this JVM's jars. A folder that
     * holds something else (a Spark install) is refused rather than changed.
     */
    public static Path fill(Path dir) {
        Path release = dir.resolve("RELEASE");
        try {
            if (Files.isDirectory(dir.resolve("jars")) && !(Files.isRegularFile(release)
                    && Files.readString(release, StandardCharsets.UTF_8).contains(MARKER))) {
                throw new ClusterException(dir + " holds a Spark installation that tdmpc2j did not make; point "
                        + "SPARK_HOME at an empty folder, which tdmpc2j fills with links to its own jars");
            }
            Path jars = dir.resolve("jars");
            Files.createDirectories(jars);
            try (Stream<Path> old = Files.list(jars)) {
                for (Path p : old.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            for (Path entry : classPath()) {
                if (Files.isRegularFile(entry) && entry.getFileName().toString().endsWith(".jar")) {
                    Path link = jars.resolve(entry.getFileName());
                    if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        Files.createSymbolicLink(link, entry);
                    }
                }
            }
            // Spark's launcher asks for a build folder when SPARK_SCALA_VERSION is not set
            Files.createDirectories(dir.resolve("launcher/target/scala-2.13"));
            Files.writeString(release, "Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION() + " ("
                    + MARKER + ")\n", StandardCharsets.UTF_8);
            return dir;
        } catch (IOException e) {
            throw new ClusterException("cannot make a Spark home in " + dir + ": " + e.getMessage(), e);
        }
    }
}
