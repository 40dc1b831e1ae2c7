package io.github.tdmpc2j.mujoco;

import java.io.File;
import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.jar.JarEntry;
import org.bytedeco.javacpp.Loader;

/**
 * Gives each build of the natives its own folder in JavaCPP's extraction cache.
 *
 * <p>JavaCPP extracts a jar's libraries to {@code CACHE/JAR-FILE-NAME/PACKAGE-PATH/} and reuses them when their
 * size and time match the jar's entries, else deletes and rewrites them in place. Every clone and version of this
 * project names its jar {@code tdmpc2j-mujoco-0.1.0-SNAPSHOT.jar}, so two builds would take turns rewriting the
 * same files, and a program loading them while another build's program rewrites them fails to load MuJoCo. So
 * before the first load, JavaCPP's cache folder ({@code org.bytedeco.javacpp.cachedir}, by default
 * {@code ~/.javacpp/cache}) is narrowed to a subfolder {@code tdmpc2j-mujoco-KEY}, KEY a hash of the libraries'
 * names, sizes, times and CRCs in this jar: the same build shares its folder, another build never touches it.
 */
final class NativeCache {
    static final String CACHE_PROPERTY = "org.bytedeco.javacpp.cachedir";
    static final String FOLDER_PREFIX = "tdmpc2j-mujoco-";
    static final String NATIVES = "/io/github/tdmpc2j/mujoco/raw/linux-x86_64/";
    static final String[] LIBRARIES = {"libjnimujoco.so", "libmujoco.so." + Native.EXPECTED_VERSION};

    private NativeCache() {
    }

    /**
     * Points JavaCPP's cache at this build's folder, under the configured cache folder; returns the folder JavaCPP
     * will use (another one when JavaCPP chose its folder before this ran, or this jar lacks the libraries).
     */
    static File useBuildFolder() {
        URL[] libraries = new URL[LIBRARIES.length];
        for (int i = 0; i < LIBRARIES.length; i++) {
            libraries[i] = NativeCache.class.getResource(NATIVES + LIBRARIES[i]);
            if (libraries[i] == null) {
                return cacheDir(); // the load fails and says why; nothing to key
            }
        }
        String configured = System.getProperty(CACHE_PROPERTY);
        File base = configured != null ? new File(configured)
                : new File(System.getProperty("user.home"), ".javacpp/cache");
        if (base.getName().startsWith(FOLDER_PREFIX) && base.getParentFile() != null) {
            base = base.getParentFile(); // set by a previous load in this JVM (another class loader)
        }
        try {
            System.setProperty(CACHE_PROPERTY, new File(base, FOLDER_PREFIX + buildKey(libraries)).getPath());
        } catch (IOException e) {
            throw new MujocoException("cannot read the natives in the tdmpc2j-mujoco jar to key JavaCPP's cache: "
                    + e.getMessage() + "; rebuild it with `mvn -B install -pl bridges/mujoco`", e);
        }
        return cacheDir();
    }

    private static File cacheDir() {
        try {
            return Loader.getCacheDir();
        } catch (IOException e) {
            throw new MujocoException("JavaCPP cannot make its cache folder: " + e.getMessage()
                    + "; set -D" + CACHE_PROPERTY + " to a writable folder", e);
        }
    }

    /**
     * A 16-hex-digit key for these library resources: their names, sizes, times and CRC-32s from the jar's
     * directory (nothing is decompressed), or for files in a class folder their paths, sizes and times.
     */
    static String buildKey(URL... libraries) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        for (URL library : libraries) {
            URLConnection connection = library.openConnection();
            String fact;
            if (connection instanceof JarURLConnection jar) {
                JarEntry e = jar.getJarEntry();
                fact = e.getName() + " " + e.getSize() + " " + e.getTime() + " " + e.getCrc();
            } else {
                File f;
                try {
                    f = Path.of(library.toURI()).toFile();
                } catch (URISyntaxException | IllegalArgumentException e) {
                    throw new IOException("not a jar entry or a file: " + library, e);
                }
                fact = f.getCanonicalPath() + " " + f.length() + " " + f.lastModified();
            }
            sha.update((fact + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(sha.digest(), 0, 8);
    }
}
