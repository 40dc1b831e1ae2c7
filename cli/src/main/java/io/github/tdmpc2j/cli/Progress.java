package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.spi.rollout.Evaluation;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Training progress: on a terminal, one line redrawn in place (steps or updates, their rate over the run so far,
 * evaluations included, ETA, and for online training the last episode's return); otherwise a plain log line at
 * most every {@code logEverySeconds}.
 */
final class Progress {
    private final PrintWriter out;
    private final boolean terminal;
    private final long total;
    private final long startStep;
    private final LongSupplier clock;
    private final long startNanos;
    private final double logEverySeconds;
    private long lastDrawNanos;
    private double lastReturn = Double.NaN;
    private final String unit;
    private final boolean episodes;

    /** Online training: agent steps, with the last training episode's return. */
    Progress(PrintWriter out, boolean terminal, long startStep, long total, double logEverySeconds) {
        this(out, terminal, startStep, total, logEverySeconds, "step", true);
    }

    /**
     * @param unit     what is counted ({@code step}, {@code update})
     * @param episodes whether there are episodes whose return to show (not in offline training)
     */
    Progress(PrintWriter out, boolean terminal, long startStep, long total, double logEverySeconds, String unit,
            boolean episodes) {
        this(out, terminal, startStep, total, logEverySeconds, unit, episodes, System::nanoTime);
    }

    /** @param clock nanoseconds, as {@link System#nanoTime} counts them */
    Progress(PrintWriter out, boolean terminal, long startStep, long total, double logEverySeconds, String unit,
            boolean episodes, LongSupplier clock) {
        this.clock = clock;
        this.startNanos = clock.getAsLong();
        this.unit = unit;
        this.episodes = episodes;
        this.out = out;
        this.terminal = terminal;
        this.total = total;
        this.startStep = startStep;
        this.logEverySeconds = logEverySeconds;
    }

    void episode(double episodeReturn) {
        lastReturn = episodeReturn;
    }

    void update(long step) {
        long now = clock.getAsLong();
        double sinceDraw = (now - lastDrawNanos) / 1e9;
        if (terminal ? sinceDraw < 0.2 && step < total : sinceDraw < logEverySeconds && step < total) {
            return;
        }
        lastDrawNanos = now;
        double elapsed = (now - startNanos) / 1e9;
        double rate = (step - startStep) / Math.max(elapsed, 1e-9);
        double eta = rate > 0 ? Math.max(0, total - step) / rate : Double.NaN;
        String text = String.format(Locale.ROOT, "%s %d/%d  %s  ETA %s", unit, step, total, rate(rate, unit),
                duration(eta));
        if (episodes) {
            text += "  last return " + (Double.isNaN(lastReturn) ? "-" : String.format(Locale.ROOT, "%.1f", lastReturn));
        }
        draw(step, text);
    }

    /**
     * An evaluation at {@code step} in progress, having done {@code status} so far: shown once it has run a second
     * on a terminal (the bar's text replaced until the evaluation's line), and as a log line every
     * {@code logEverySeconds} otherwise, so that an evaluation of minutes or hours (the paper preset's at step 0 on a
     * CPU) does not read as a hang. Its steps are agent steps of all rows, against the most it can take.
     */
    void evaluating(long step, Evaluation.Status status) {
        long now = clock.getAsLong();
        double sinceDraw = (now - lastDrawNanos) / 1e9;
        double seconds = status.seconds();
        if (terminal ? seconds < 1 || sinceDraw < 0.2 : seconds < logEverySeconds || sinceDraw < logEverySeconds) {
            return;
        }
        lastDrawNanos = now;
        draw(step, String.format(Locale.ROOT, "%s %d/%d  evaluating: step %d/%d, %d/%d episodes ended, %s so far",
                unit, step, total, status.steps(), status.maxSteps(), status.ended(), status.episodes(),
                duration(seconds)));
    }

    /** On a terminal the bar at {@code step} with {@code text}, redrawn in place; otherwise a log line. */
    private void draw(long step, String text) {
        if (terminal) {
            int width = 28;
            int filled = (int) Math.round(width * (double) step / Math.max(1, total));
            out.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + text + "   ");
        } else {
            out.println(text);
        }
        out.flush();
    }

    /** Prints a line of its own without breaking the progress bar. */
    void println(String line) {
        if (terminal) {
            out.print("\r" + " ".repeat(110) + "\r");
        }
        out.println(line);
        out.flush();
        lastDrawNanos = clock.getAsLong();
    }

    void finish() {
        if (terminal) {
            out.println();
            out.flush();
        }
    }

    /**
     * A rate over the whole run so far, evaluations included (as the ETA is), per second, or per minute or hour when
     * slower, so that a run whose evaluations take most of its time does not read as stopped ("0.0 updates/s").
     */
    static String rate(double perSecond, String unit) {
        if (perSecond >= 1) {
            return String.format(Locale.ROOT, "%.1f %ss/s", perSecond, unit);
        }
        if (perSecond * 60 >= 1) {
            return String.format(Locale.ROOT, "%.1f %ss/min", perSecond * 60, unit);
        }
        return String.format(Locale.ROOT, "%.1f %ss/h", perSecond * 3600, unit);
    }

    static String duration(double seconds) {
        if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
            return "-";
        }
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
                : String.format("%dm%02ds", s / 60, s % 60);
    }
}
