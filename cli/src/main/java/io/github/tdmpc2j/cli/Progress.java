package io.github.tdmpc2j.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Training progress: on a terminal, one line redrawn in place (steps or updates, their rate, ETA, and for online
 * training the last episode's return); otherwise a plain log line at most every {@code logEverySeconds}.
 */
final class Progress {
    private final PrintWriter out;
    private final boolean terminal;
    private final long total;
    private final long startStep;
    private final long startNanos = System.nanoTime();
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
        long now = System.nanoTime();
        double sinceDraw = (now - lastDrawNanos) / 1e9;
        if (terminal ? sinceDraw < 0.2 && step < total : sinceDraw < logEverySeconds && step < total) {
            return;
        }
        lastDrawNanos = now;
        double elapsed = (now - startNanos) / 1e9;
        double rate = (step - startStep) / Math.max(elapsed, 1e-9);
        double eta = rate > 0 ? Math.max(0, total - step) / rate : Double.NaN;
        String text = String.format(Locale.ROOT, "%s %d/%d  %.1f %ss/s  ETA %s", unit, step, total, rate, unit,
                duration(eta));
        if (episodes) {
            text += "  last return " + (Double.isNaN(lastReturn) ? "-" : String.format(Locale.ROOT, "%.1f", lastReturn));
        }
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
        lastDrawNanos = System.nanoTime();
    }

    void finish() {
        if (terminal) {
            out.println();
            out.flush();
        }
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
