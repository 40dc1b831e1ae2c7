package io.github.tdmpc2j.tasks.dmc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A Python with dm_control 1.0.50 and mujoco 3.17.0, for the reference checks. Looked for, in order: the venv
 * the Python-bridge setup makes ({@code ${TDMPC2J_VENVS:-~/.cache/tdmpc2j/venvs}/dmc/bin/python}), the
 * {@code TDMPC2J_DMC_PYTHON} variable, {@code /tmp/dmcref/bin/python}.
 */
final class DmcPython {
    static final Path SCRIPTS = Path.of("src/test/python");
    static final Path MODELS = Path.of("src/main/resources/io/github/tdmpc2j/tasks/dmc/models");

    private DmcPython() {
    }

    static Optional<Path> find() {
        List<Path> candidates = new ArrayList<>();
        String venvs = System.getenv("TDMPC2J_VENVS");
        Path venvRoot = venvs != null ? Path.of(venvs) : Path.of(System.getProperty("user.home"), ".cache", "tdmpc2j", "venvs");
        candidates.add(venvRoot.resolve("dmc/bin/python"));
        String explicit = System.getenv("TDMPC2J_DMC_PYTHON");
        if (explicit != null) {
            candidates.add(Path.of(explicit));
        }
        candidates.add(Path.of("/tmp/dmcref/bin/python"));
        for (Path p : candidates) {
            if (Files.isExecutable(p) && hasDmControl(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    static String whyMissing() {
        return "no Python with dm_control found (looked at ${TDMPC2J_VENVS:-~/.cache/tdmpc2j/venvs}/dmc/bin/python, "
                + "$TDMPC2J_DMC_PYTHON, /tmp/dmcref/bin/python); make one with: python3 -m venv /tmp/dmcref && "
                + "/tmp/dmcref/bin/pip install dm_control==1.0.50 mujoco==3.17.0";
    }

    private static boolean hasDmControl(Path python) {
        try {
            Process p = new ProcessBuilder(python.toString(), "-c", "import dm_control, mujoco")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Runs a script under {@link #SCRIPTS}; returns its standard output, or throws with its error output. */
    static List<String> run(Path python, String script, List<String> args, int timeoutSeconds)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(python.toString(), SCRIPTS.resolve(script).toString()));
        command.addAll(args);
        Path err = Files.createTempFile("dmc-python", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(script + " did not finish in " + timeoutSeconds + " s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(script + " failed (exit " + p.exitValue() + "):\n"
                        + Files.readString(err));
            }
            return new String(out, StandardCharsets.UTF_8).lines().toList();
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
