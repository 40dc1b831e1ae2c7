package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.data.DatasetLayout;
import io.github.tdmpc2j.spi.Messages;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) and SIGTERM while {@code train} runs (online, and offline with {@code --data}), a {@code bench}
 * runs, {@code collect} collects, {@code import-data} imports, {@code eval} evaluates or {@code import} imports a
 * {@code .pt} file (given up whole, {@link io.github.tdmpc2j.spi.GivingUp}), heard from before the
 * folder's lock is taken: the first asks the command to stop before its next step (with {@code --master}: Spark's job
 * is cancelled, and the units on the executors stop before their next step, {@code UnitRunner.Stop}; import-data:
 * before it reads its next episode from the chunks, to check or to write it; one still getting ready stops before it
 * writes anything), so the process ends through its normal path (envs, Python workers and the agent closed; the last
 * checkpoint, the episodes written, or eval's rows of the tasks evaluated, kept; the lock let go of) instead of
 * exiting while the engine's native code is in the middle of an update, which can crash the JVM. A second signal
 * exits at once, as without this (the lock's shutdown hook still removes what it made when nothing else was
 * written, {@link RunLock}).
 */
final class StopSignals implements AutoCloseable {
    private static final List<String> NAMES = List.of("INT", "TERM");
    private final List<Signal> installed = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    /** Whether a first signal came: the one its notice is said for, the next exits. */
    private final AtomicBoolean signalled = new AtomicBoolean();
    private volatile Signal received;
    private volatile boolean heeded;
    /** What a signal gives up while the command gets ready ({@link #gettingReady}); null once it works. */
    private volatile String gettingReady;

    private StopSignals() {
    }

    /** Installs the handlers of a training run; {@code stop} runs on the signal's thread when the first arrives. */
    static StopSignals install(Runnable stop) {
        return install(stop, "the next step", "an evaluation in progress is given up, and so are updates after the "
                + "one running; the last checkpoint is kept");
    }

    /**
     * Installs the handlers; {@code stop} runs on the signal's thread when the first signal arrives, which says at
     * once what the command stops before ({@code before}: {@code the next step}) and what that gives up and keeps
     * ({@code stopping}), in the one notice every command gives.
     */
    static StopSignals install(Runnable stop, String before, String stopping) {
        StopSignals s = new StopSignals();
        for (String name : NAMES) {
            Signal signal = new Signal(name);
            try {
                s.previous.add(Signal.handle(signal, sig -> {
                    if (s.signalled.compareAndSet(false, true)) {
                        // at once, so that a long step (an update on a CPU, the seed phase's catch-up) is not
                        // mistaken for a signal that went unheard; whole (one write, flushed) before the command
                        // hears of the signal, whose stop line its own thread prints: printf's pieces let that line
                        // land inside the notice ("...from the chunksstopped by SIGTERM...")
                        String ready = s.gettingReady;
                        System.err.print(String.format("%nSIG%s: stopping before %s (%s); send it again to exit at "
                                + "once%n", sig.getName(), before, ready != null ? ready : stopping));
                        System.err.flush();
                        s.received = sig;
                        stop.run();
                    } else {
                        System.err.print(String.format("%nSIG%s again: exiting at once%n", sig.getName()));
                        System.err.flush();
                        System.exit(128 + sig.getNumber());
                    }
                }));
                s.installed.add(signal);
            } catch (IllegalArgumentException e) {
                // the JVM keeps this signal for itself (-Xrs, or a platform without it): default behaviour stays
            }
        }
        return s;
    }

    /**
     * From now until {@link #ready}, the command gets ready (its agent made, its checkpoint read, its envs made): a
     * signal's notice says {@code givenUp}, what stopping then gives up and keeps, in place of what it gives up once
     * the command works.
     */
    void gettingReady(String givenUp) {
        gettingReady = givenUp;
    }

    /** The command got ready: a signal's notice says what stopping gives up as it works. */
    void ready() {
        gettingReady = null;
    }

    /**
     * Whether the command is to stop now, a signal having come. Ask it only where a true answer stops the command
     * before it finished, so that {@link #cutShort} tells a command a signal stopped from one a signal reached once
     * its work was done (it ends as if none had come).
     */
    boolean stopNow() {
        if (received == null) {
            return false;
        }
        heeded = true;
        return true;
    }

    /** Whether a signal stopped the command before its work was done ({@link #stopNow} said so). */
    boolean cutShort() {
        return heeded;
    }

    /**
     * The line a command that writes episodes into the dataset folder {@code dir} ends with when the received signal
     * stopped it: what this run wrote ({@code written} episodes) is kept, and the same command goes on with its
     * {@code work} (the collection, the import). Call it once the folder's lock is let go of, which removes a new
     * dataset that got no episode.
     *
     * @param givenUp what the stop gave up beside the episodes written, in parentheses, or empty
     */
    String datasetStoppedLine(Path dir, long written, String work, String givenUp) {
        String again = "; the same command run again goes on with the " + work;
        if (written == 0 && !Files.exists(DatasetLayout.index(dir))) {
            return "stopped by " + received() + " before its first episode was written: nothing was written; the "
                    + "same command run again does the " + work;
        }
        return "stopped by " + received() + (written == 0 ? " before this run wrote an episode: the dataset in "
                + dir + " is as it was" : ": the " + Messages.plural(written, "episode") + " this run wrote "
                + Messages.word(written, "is", "are") + " kept in " + dir + givenUp) + again;
    }

    /** The first signal received, as {@code SIGINT}; null when none came. */
    String received() {
        return received == null ? null : "SIG" + received.getName();
    }

    /**
     * The line a run stopped by the received signal ends with: where it stopped and the checkpoint it keeps.
     *
     * @param unit  what the run counts ({@code step}, {@code update})
     * @param saved the step of the checkpoint on disk; negative when the run saved none
     */
    String stoppedLine(String unit, long at, long saved) {
        return "stopped by " + received() + " at " + unit + " " + at + ": " + (saved < 0 ? "no checkpoint was saved yet"
                : "the checkpoint of " + unit + " " + saved + " is kept; --resume goes on from it");
    }

    /**
     * Says on {@code console} that the received signal stopped a run before its first step, keeping the checkpoint of
     * step {@code saved} (negative: the run saved none), and returns the exit status the run ends with.
     */
    int stoppedBeforeStart(PrintWriter console, String unit, long saved) {
        console.println(stoppedLine(unit, Math.max(0, saved), saved));
        console.flush();
        return exitStatus();
    }

    /** The conventional exit status of a process ended by the received signal (130 for SIGINT). */
    int exitStatus() {
        return received == null ? 0 : 128 + received.getNumber();
    }

    @Override
    public void close() {
        for (int i = 0; i < installed.size(); i++) {
            Signal.handle(installed.get(i), previous.get(i));
        }
    }
}
