package io.github.tdmpc2j.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A {@code tdmpc2j} command in a child JVM, for tests of what a process sees (signals, locks, a kill): its output
 * read as it comes, and a wait for the first line that contains a text.
 */
final class ChildRun implements AutoCloseable {
    private final Process process;
    private final StringBuffer output = new StringBuffer();
    private final Thread reader;
    private final String awaited;
    private final CountDownLatch seen = new CountDownLatch(1);

    /** Starts {@code tdmpc2j ARGS} in {@code dir}; {@link #await} waits for a line containing {@code awaited}. */
    ChildRun(Path dir, String awaited, List<String> args) throws IOException {
        this(dir, awaited, List.of(), args);
    }

    /** {@link #ChildRun(Path, String, List)} in a JVM started with {@code jvmOptions} (such as -Xmx64m). */
    ChildRun(Path dir, String awaited, List<String> jvmOptions, List<String> args) throws IOException {
        this.awaited = awaited;
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(args);
        process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        reader = new Thread(this::read);
        reader.start();
    }

    /** How a command ended: its exit status and its output. */
    record Ended(int exit, String output) {
    }

    /**
     * Runs {@code tdmpc2j ARGS} in {@code dir}, sends it SIGTERM once a line containing {@code awaited} came (within
     * 120 s), and waits up to 60 s for it to end (exit -1 when it did not).
     */
    static Ended terminatedAt(Path dir, String awaited, List<String> args) throws IOException, InterruptedException {
        return terminatedAt(dir, awaited, List.of(), args);
    }

    /** {@link #terminatedAt(Path, String, List)} in a JVM started with {@code jvmOptions} (such as -Xint). */
    static Ended terminatedAt(Path dir, String awaited, List<String> jvmOptions, List<String> args)
            throws IOException, InterruptedException {
        try (ChildRun child = new ChildRun(dir, awaited, jvmOptions, args)) {
            if (!child.await(120)) {
                throw new IllegalStateException("no line with '" + awaited + "' came: " + child.output());
            }
            child.terminate();
            return new Ended(child.waitFor(60), child.output());
        }
    }

    /**
     * {@link #terminatedAt(Path, String, List)}, sending SIGTERM a second time once the command said it stops (its
     * notice), while it still gets there.
     */
    static Ended terminatedTwiceAt(Path dir, String awaited, List<String> args) throws IOException,
            InterruptedException {
        try (ChildRun child = new ChildRun(dir, awaited, List.of(), args)) {
            if (!child.await(120)) {
                throw new IllegalStateException("no line with '" + awaited + "' came: " + child.output());
            }
            child.terminate();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!child.output().contains("send it again to exit at once") && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            child.terminate();
            return new Ended(child.waitFor(60), child.output());
        }
    }

    /**
     * Runs {@code tdmpc2j ARGS} in {@code dir} in a JVM started with {@code jvmOptions}, sends it SIGTERM once
     * {@code file} exists (within 240 s: a command's first write, such as a lock or an index), and waits up to 120 s
     * for it to end (exit -1 when it did not).
     */
    static Ended terminatedOnceExists(Path dir, Path file, List<String> jvmOptions, List<String> args)
            throws IOException, InterruptedException {
        try (ChildRun child = new ChildRun(dir, "stopped by", jvmOptions, args)) {
            if (!awaitFile(file, 240)) {
                throw new IllegalStateException(file + " did not come: " + child.output());
            }
            child.terminate();
            return new Ended(child.waitFor(120), child.output());
        }
    }

    /**
     * {@link #terminatedAt} once the Python worker of the tests' pytesting suite has started (the command is then
     * making its env, before it trains); skips the calling test where that suite's venv is not set up.
     */
    static Ended terminatedOnceThePytestingWorkerStarts(Path dir, List<String> args) throws IOException,
            InterruptedException {
        PythonTestingProvider.assumeSetUp();
        return terminatedAt(dir, PythonTestingProvider.WORKER_STARTED, args);
    }

    private void read() {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream()))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (output.length() < 100_000) {
                    output.append(line).append('\n');
                }
                if (line.contains(awaited)) {
                    seen.countDown();
                }
            }
        } catch (IOException e) {
            output.append(e);
        }
    }

    /** Whether a line with the awaited text came within {@code seconds}. */
    boolean await(long seconds) throws InterruptedException {
        return seen.await(seconds, TimeUnit.SECONDS);
    }

    /** Waits up to {@code seconds} for {@code file} to exist (a command's first write); whether it came. */
    static boolean awaitFile(Path file, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!java.nio.file.Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Sends SIGTERM, as kill does (Process.destroy would also close the pipe of the output still to read). */
    void terminate() throws IOException, InterruptedException {
        if (new ProcessBuilder("kill", "-TERM", Long.toString(pid())).start().waitFor() != 0) {
            throw new IOException("kill -TERM " + pid() + " failed");
        }
    }

    /** Waits for the process to end and its output to be read; its exit status, or -1 when it did not end in time. */
    int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            return -1;
        }
        reader.join(10_000);
        return process.exitValue();
    }

    String output() {
        return output.toString();
    }

    /** Kills the process (SIGKILL) if it still runs. */
    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(60, TimeUnit.SECONDS);
        reader.join(10_000);
    }
}
