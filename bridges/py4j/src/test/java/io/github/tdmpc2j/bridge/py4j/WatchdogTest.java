package io.github.tdmpc2j.bridge.py4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's watchdog shell (tdmpc2j_worker/watchdog.sh), run as the worker runs it, with a {@code sleep} standing
 * in for the worker: it knows the JVM by pid and start time, so a pid reused after the JVM died is not the JVM.
 */
class WatchdogTest {
    private static Path script;

    @BeforeAll
    static void linuxOnly() {
        assumeThat(Files.isReadable(Path.of("/proc/self/stat"))).as("the watchdog reads /proc").isTrue();
        script = WorkerSources.pythonPath().resolve("tdmpc2j_worker/watchdog.sh");
    }

    /**
     * The start time it reads is the process's: field 22 of /proc/PID/stat, counted past a name with ") ( ": the
     * same clock ticks as the field after the name's last ')' holds, and, in wall-clock time, the JDK's start instant.
     * That comparison allows a second and a little: the boot time it is counted from (/proc/stat's btime) is whole
     * seconds, recomputed by the kernel from the wall clock, which a clock step moves against the JDK's copy read at
     * its first use (it failed a CI-like run by exactly 1000 ms on a machine whose clock was stepped). A misread field
     * is off by far more: the one before is 0, the one after the process's memory in bytes.
     */
    @Test
    void readsTheStartTimeOfAProcessEvenWithAnOddName(@TempDir Path dir) throws Exception {
        assertThat(startTicks(ProcessHandle.current().pid())).isEqualTo(statTicks(ProcessHandle.current().pid()));
        assertThat(startInstant(ProcessHandle.current().pid()))
                .isCloseTo(ProcessHandle.current().info().startInstant().orElseThrow(), within(1020, ChronoUnit.MILLIS));
        Path oddName = dir.resolve("a) (b c");
        Files.createSymbolicLink(oddName, Path.of(which("sleep")));
        Process odd = new ProcessBuilder(oddName.toString(), "30").start();
        try {
            // the name is the program's once the process has exec'd it (start() can return before)
            assertThat(statOnceItHas(odd.pid(), "(a) (b c)")).contains("(a) (b c)");
            assertThat(startTicks(odd.pid())).isEqualTo(statTicks(odd.pid()));
            assertThat(startInstant(odd.pid())).isCloseTo(odd.info().startInstant().orElseThrow(),
                    within(1020, ChronoUnit.MILLIS));
        } finally {
            odd.destroyForcibly().waitFor();
        }
    }

    @Test
    void leavesTheWorkerAloneWhileTheJvmLivesAndEndsWithTheWorker() throws Exception {
        Process worker = new ProcessBuilder("sleep", "60").start();
        Process watchdog = watch(ProcessHandle.current().pid(), "", worker.pid());
        try {
            assertThat(worker.waitFor(3, TimeUnit.SECONDS)).as("worker killed while its JVM lives").isFalse();
            worker.destroyForcibly().waitFor();
            assertThat(watchdog.waitFor(5, TimeUnit.SECONDS)).as("watchdog ends with its worker").isTrue();
        } finally {
            worker.destroyForcibly();
            watchdog.destroyForcibly();
        }
    }

    /** A live process with the JVM's pid but another start time (the pid reused after the JVM died) is not the JVM. */
    @Test
    void killsTheWorkerWhenTheJvmsPidBelongsToAnotherProcess() throws Exception {
        long jvm = ProcessHandle.current().pid();
        long started = Long.parseLong(run("--start-time", Long.toString(jvm)));
        Process worker = new ProcessBuilder("sleep", "60").start();
        Process watchdog = watch(jvm, Long.toString(started - 1), worker.pid());
        try {
            assertThat(worker.waitFor(5, TimeUnit.SECONDS)).as("worker killed once its JVM's pid is another's").isTrue();
            assertThat(watchdog.waitFor(5, TimeUnit.SECONDS)).isTrue();
        } finally {
            worker.destroyForcibly();
            watchdog.destroyForcibly();
        }
    }

    /** A JVM that died but was not yet reaped by its parent (a zombie, whose pid and start time stay) is gone. */
    @Test
    void killsTheWorkerWhenTheJvmIsAZombie() throws Exception {
        // the shell's child ends at once, and the program that replaces the shell never reaps it
        Process parent = new ProcessBuilder("/bin/sh", "-c", "sleep 0.1 & echo $!; exec sleep 30").start();
        long zombie = Long.parseLong(new BufferedReader(new InputStreamReader(parent.getInputStream(),
                StandardCharsets.UTF_8)).readLine().strip());
        Process worker = new ProcessBuilder("sleep", "60").start();
        Process watchdog = watch(zombie, "", worker.pid());
        try {
            assertThat(statOnceItHas(zombie, ") Z ")).contains(") Z ");
            assertThat(worker.waitFor(5, TimeUnit.SECONDS)).as("worker killed once its JVM is a zombie").isTrue();
        } finally {
            worker.destroyForcibly();
            watchdog.destroyForcibly();
            parent.destroyForcibly();
        }
    }

    /**
     * Process {@code pid}'s /proc stat line once it contains {@code text} (a program's exec, a child's end take a
     * moment that a loaded machine stretches), or as it is after 10 s.
     */
    private static String statOnceItHas(long pid, String text) throws IOException, InterruptedException {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String line = Files.readString(stat);
        while (!line.contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            line = Files.readString(stat);
        }
        return line;
    }

    private static Process watch(long jvm, String jvmStart, long worker) throws IOException {
        return new ProcessBuilder("/bin/sh", script.toString(), Long.toString(jvm), jvmStart, Long.toString(worker))
                .redirectErrorStream(true).start();
    }

    /** When the watchdog says process {@code pid} started: boot time plus its start time in clock ticks. */
    /** The start time the watchdog reads, in clock ticks since boot. */
    private static long startTicks(long pid) throws Exception {
        return Long.parseLong(run("--start-time", Long.toString(pid)));
    }

    /** Field 22 of /proc/PID/stat, read here: the third field after the name's closing ')' and its space. */
    private static long statTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(") ") + 2).split(" ")[19]);
    }

    private static Instant startInstant(long pid) throws Exception {
        long ticks = startTicks(pid);
        long hertz = Long.parseLong(exec("getconf", "CLK_TCK"));
        long boot = Files.readAllLines(Path.of("/proc/stat")).stream().filter(l -> l.startsWith("btime "))
                .mapToLong(l -> Long.parseLong(l.substring(6).strip())).findFirst().orElseThrow();
        return Instant.ofEpochMilli(boot * 1000 + ticks * 1000 / hertz);
    }

    private static String run(String... args) throws Exception {
        String[] command = new String[args.length + 2];
        command[0] = "/bin/sh";
        command[1] = script.toString();
        System.arraycopy(args, 0, command, 2, args.length);
        return exec(command);
    }

    private static String which(String program) throws Exception {
        return exec("/bin/sh", "-c", "command -v " + program);
    }

    private static String exec(String... command) throws Exception {
        Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", String.join(" ", command), out).isZero();
        return out;
    }
}
