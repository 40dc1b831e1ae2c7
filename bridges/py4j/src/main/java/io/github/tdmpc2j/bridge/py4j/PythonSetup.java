package io.github.tdmpc2j.bridge.py4j;

import io.github.tdmpc2j.spi.io.AtomicWrites;
import io.github.tdmpc2j.spi.io.IoErrors;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Makes a domain's virtual environment from its pinned requirements. Idempotent: a ready venv (marker matches)
 * is left alone; a missing, half-made or outdated one is made again from scratch, the marker written last.
 *
 * <p>Python is {@code -Dtdmpc2j.python}, else {@code $TDMPC2J_PYTHON}, else {@code python3} on the PATH.
 */
public final class PythonSetup {
    private static final Duration PIP_TIMEOUT = Duration.ofMinutes(30);

    private final VenvLayout layout;
    private final String python;

    public PythonSetup(VenvLayout layout, String python) {
        this.layout = layout;
        this.python = python;
    }

    public static PythonSetup fromEnvironment() {
        String python = System.getProperty("tdmpc2j.python", System.getenv("TDMPC2J_PYTHON"));
        return new PythonSetup(VenvLayout.fromEnvironment(), python == null || python.isBlank() ? "python3" : python);
    }

    /**
     * What {@link #ensure} did.
     *
     * @param installed true when the venv was made now, false when it was ready already
     * @param detail    why it was made (missing, incomplete, outdated), empty when it was not
     * @param packages  the pinned requirements the venv holds ({@code name==version})
     */
    public record Report(String domain, Path venv, boolean installed, String detail, List<String> packages) {
        public Report {
            packages = List.copyOf(packages);
        }

        @Override
        public String toString() {
            if (!installed) {
                return domain + ": already ready at " + venv;
            }
            return domain + ": installed " + packages.size() + " pinned packages into " + venv + " because " + detail
                    + (packages.isEmpty() ? "" : "\n  " + String.join(", ", packages));
        }
    }

    /** Makes the domain's venv unless it is ready already. Prints pip's progress to the console. */
    public Report ensure(String domain) {
        return ensure(Requirements.of(domain));
    }

    /**
     * Makes the domain's venv again from scratch, ready or not: for an environment damaged after it was made (a
     * package removed or broken by hand), which {@link #ensure} leaves alone because its marker still matches.
     */
    public Report remake(String domain) {
        return remake(Requirements.of(domain));
    }

    /** As {@link #remake(String)}, for the requirements given. */
    public Report remake(Requirements requirements) {
        return ensure(requirements, true);
    }

    /**
     * As {@link #ensure(String)}, for the requirements given. One builder at a time per venv: the build holds a
     * lock on {@code ROOT/DOMAIN.lock} (a file lock between processes, such as two Spark executors on one node,
     * and a monitor between threads), and a caller that waited for it finds the venv ready and leaves it. A venv
     * that running workers use ({@link VenvLayout#inUse}) is never deleted: setup refuses, naming their processes.
     */
    public Report ensure(Requirements requirements) {
        return ensure(requirements, false);
    }

    private Report ensure(Requirements requirements, boolean force) {
        String domain = requirements.domain();
        Path venv = layout.venv(domain);
        if (!force && layout.isReady(domain, requirements.sha256())) {
            return new Report(domain, venv, false, "", requirements.packages());
        }
        Path lockFile = venv.resolveSibling(domain + ".lock");
        synchronized (("tdmpc2j-venv:" + lockFile.toAbsolutePath()).intern()) {
            try {
                Files.createDirectories(lockFile.getParent());
                try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE); FileLock lock = channel.lock()) {
                    return build(requirements, force);
                }
            } catch (IOException e) {
                throw new SetupException("cannot lock " + lockFile + " to make the Python environment " + venv
                        + ": " + IoErrors.describe(e) + "; set " + VenvLayout.ROOT_VARIABLE + " to a folder you can "
                        + "write", e);
            }
        }
    }

    /**
     * Makes the venv unless another builder made it while this one waited for the lock ({@code force}: makes it
     * again whatever its state), holding its in-use lock exclusively so that no worker starts on it meanwhile.
     */
    private Report build(Requirements requirements, boolean force) throws IOException {
        String domain = requirements.domain();
        String hash = requirements.sha256();
        Path venv = layout.venv(domain);
        if (!force && layout.isReady(domain, hash)) {
            return new Report(domain, venv, false, "", requirements.packages());
        }
        InUse.Exclusive unused;
        try {
            unused = InUse.tryExclusive(layout.inUse(domain));
        } catch (IOException e) {
            throw new SetupException("cannot lock " + layout.inUse(domain) + ", which tells whether workers use the "
                    + "Python environment " + venv + ": " + IoErrors.describe(e) + "; set " + VenvLayout.ROOT_VARIABLE
                    + " to a folder you can write", e);
        }
        if (unused == null) {
            throw inUse(domain, force);
        }
        try (unused) {
            if (force) {
                Files.deleteIfExists(layout.marker(domain));
            }
            return make(requirements);
        }
    }

    private SetupException inUse(String domain, boolean force) {
        List<String> users = InUse.holders(layout.inUse(domain));
        return new SetupException("the Python environment " + layout.venv(domain) + " is in use by "
                + (users.isEmpty() ? "another process" : String.join(", ", users)) + " (a Python worker of a running "
                + "tdmpc2j command, which would fail mid-run if it were deleted): stop "
                + (users.size() > 1 ? "those processes" : "that process") + ", or wait for "
                + (users.size() > 1 ? "them" : "it") + " to end, then run `tdmpc2j setup " + domain
                + (force ? " --force" : "") + "` again");
    }

    private Report make(Requirements requirements) {
        String domain = requirements.domain();
        String hash = requirements.sha256();
        Path venv = layout.venv(domain);
        String why = layout.whyNotReady(domain, hash);
        try {
            AtomicWrites.deleteTree(venv);
            Files.createDirectories(venv.getParent());
            run(List.of(python, "-m", "venv", venv.toString()), "create the venv (on Debian: apt-get install python3-venv)");
            Path requirementsFile = Files.createTempFile("tdmpc2j-" + domain + "-", ".txt");
            try {
                Files.write(requirementsFile, requirements.content());
                run(List.of(layout.python(domain).toString(), "-m", "pip", "install", "--disable-pip-version-check",
                        "--no-input", "-r", requirementsFile.toString()), "install " + domain + "'s requirements");
            } finally {
                Files.deleteIfExists(requirementsFile);
            }
            Files.writeString(layout.marker(domain), hash + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SetupException("cannot make the Python environment " + venv + ": " + IoErrors.describe(e), e);
        }
        return new Report(domain, venv, true, why, requirements.packages());
    }

    private void run(List<String> command, String purpose) throws IOException {
        Process process;
        try {
            process = VenvLayout.processOn(command).inheritIO().start();
        } catch (IOException e) {
            throw new SetupException("cannot run " + command.get(0) + " to " + purpose + " (" + IoErrors.describe(e)
                    + "): install Python 3 with pip, or point TDMPC2J_PYTHON at a python3 executable", e);
        }
        try {
            if (!process.waitFor(PIP_TIMEOUT.toMinutes(), TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new SetupException("timed out after " + PIP_TIMEOUT.toMinutes() + " min trying to " + purpose
                        + ": " + String.join(" ", command));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new SetupException("interrupted while trying to " + purpose);
        }
        if (process.exitValue() != 0) {
            throw new SetupException("could not " + purpose + ": `" + String.join(" ", command) + "` exited with "
                    + process.exitValue() + " (see its output above)");
        }
    }

    /** {@code PythonSetup DOMAIN...}: makes each domain's venv; exit code 1 on failure. */
    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: PythonSetup DOMAIN... (domains: " + String.join(", ", Requirements.DOMAINS) + ")");
            System.exit(2);
        }
        PythonSetup setup = fromEnvironment();
        try {
            for (String domain : args) {
                System.out.println(setup.ensure(domain));
            }
        } catch (SetupException e) {
            System.err.println("setup failed: " + e.getMessage());
            System.exit(1);
        }
    }
}
