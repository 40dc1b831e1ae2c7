package io.github.tdmpc2j.bridge.py4j;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the per-domain virtual environments live: {@code $TDMPC2J_VENVS/DOMAIN}, by default
 * {@code ~/.cache/tdmpc2j/venvs/DOMAIN}. A venv is ready when its marker file, written last by setup, holds the
 * SHA-256 of the domain's requirements file (the same check as {@code scripts/setup.d/40-python-venvs.sh}).
 */
public record VenvLayout(Path root) {
    public static final String MARKER = ".tdmpc2j-ready";
    public static final String ROOT_VARIABLE = "TDMPC2J_VENVS";
    public static final String ROOT_PROPERTY = "tdmpc2j.venvs";
    /**
     * Variables of the user's shell that would run a venv's python on another Python or other packages than the
     * venv's (a PYTHONHOME set for another interpreter stops it at start-up; a PYTHONPATH shadows a pinned package in
     * a worker, and makes pip take a package found there as installed, leaving it out of the venv), or make it wait at
     * a prompt. Packages a suite needs go into its venv.
     */
    private static final List<String> USERS_PYTHON_VARIABLES = List.of("PYTHONHOME", "PYTHONPATH", "PYTHONUSERBASE",
            "PYTHONPLATLIBDIR", "PYTHONEXECUTABLE", "PYTHONSTARTUP", "PYTHONINSPECT");

    /** The root named by {@code -Dtdmpc2j.venvs}, else {@code $TDMPC2J_VENVS}, else {@code ~/.cache/tdmpc2j/venvs}. */
    public static VenvLayout fromEnvironment() {
        String configured = System.getProperty(ROOT_PROPERTY, System.getenv(ROOT_VARIABLE));
        if (configured != null && !configured.isBlank()) {
            return new VenvLayout(Path.of(configured));
        }
        return new VenvLayout(Path.of(System.getProperty("user.home"), ".cache", "tdmpc2j", "venvs"));
    }

    /**
     * A process builder for {@code command} (a python, a venv's or the one a venv is made with), in this JVM's
     * environment without the user's variables that would point that python at other packages.
     */
    static ProcessBuilder processOn(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command);
        USERS_PYTHON_VARIABLES.forEach(builder.environment()::remove);
        return builder;
    }

    public Path venv(String domain) {
        return root.resolve(domain);
    }

    public Path python(String domain) {
        return venv(domain).resolve("bin").resolve("python");
    }

    public Path marker(String domain) {
        return venv(domain).resolve(MARKER);
    }

    /**
     * The lock file that marks the domain's venv in use by running workers ({@link InUse}); setup takes it
     * exclusively before it deletes the venv.
     */
    public Path inUse(String domain) {
        return root.resolve(domain + ".in-use");
    }

    /** The in-use lock file of the venv whose python is {@code python}, or null when that python is in no venv. */
    static Path inUseOf(Path python) {
        Path venv = python.toAbsolutePath().normalize().getParent();
        venv = venv == null ? null : venv.getParent();
        if (venv == null || venv.getFileName() == null || !Files.isRegularFile(venv.resolve("pyvenv.cfg"))) {
            return null;
        }
        return new VenvLayout(venv.getParent()).inUse(venv.getFileName().toString());
    }

    /** True when the domain's venv was completed for exactly these requirements. Reads one small file. */
    public boolean isReady(String domain, String requirementsSha256) {
        Path marker = marker(domain);
        if (!Files.isRegularFile(marker) || !Files.isExecutable(python(domain))) {
            return false;
        }
        try {
            return Files.readString(marker, StandardCharsets.UTF_8).strip().equals(requirementsSha256);
        } catch (IOException e) {
            return false;
        }
    }

    /** Why the domain's venv is not ready, for {@code Availability.unavailable}; null when it is ready. */
    public String whyNotReady(String domain, String requirementsSha256) {
        if (isReady(domain, requirementsSha256)) {
            return null;
        }
        if (!Files.isDirectory(venv(domain))) {
            return "the Python environment for '" + domain + "' is missing (" + venv(domain) + ")";
        }
        if (!Files.isRegularFile(marker(domain))) {
            return "the Python environment for '" + domain + "' at " + venv(domain) + " is incomplete";
        }
        if (!Files.isExecutable(python(domain))) {
            // a venv's python links to the interpreter it was made with: removed or upgraded since, say
            return "the Python environment for '" + domain + "' at " + venv(domain) + " has no working python ("
                    + python(domain) + " is missing or links to an interpreter that is gone)";
        }
        return "the Python environment for '" + domain + "' at " + venv(domain)
                + " was made from other requirements than this version pins";
    }
}
