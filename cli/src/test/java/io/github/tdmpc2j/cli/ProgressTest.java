package io.github.tdmpc2j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdmpc2j.spi.rollout.Evaluation;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The progress line's rate is over the whole run so far (evaluations too, as the ETA is), and never reads 0.0. */
class ProgressTest {
    private static final long SECOND = 1_000_000_000L;

    /** The log line printed for {@code step} at {@code seconds} into a run of 100 updates. */
    private static String lineAt(double seconds, long step) {
        AtomicLong now = new AtomicLong();
        StringWriter text = new StringWriter();
        Progress progress = new Progress(new PrintWriter(text), false, 0, 100, 0, "update", false, now::get);
        now.set((long) (seconds * SECOND));
        progress.update(step);
        return text.toString().trim();
    }

    @Test
    void updatesBetweenLongEvaluationsShowTheirRatePerMinuteNotZero() {
        // 20 updates in 1000 s, evaluations taking most of it: 0.02 updates/s
        assertThat(lineAt(1000, 20)).isEqualTo("update 20/100  1.2 updates/min  ETA 1h06m")
                .doesNotContain("0.0 updates/s");
    }

    @Test
    void slowerStillIsPerHourAndFastIsPerSecondAsBefore() {
        assertThat(lineAt(7200, 1)).isEqualTo("update 1/100  0.5 updates/h  ETA 198h00m");
        assertThat(lineAt(4, 50)).isEqualTo("update 50/100  12.5 updates/s  ETA 0m04s");
        assertThat(lineAt(60, 1)).as("one a minute").isEqualTo("update 1/100  1.0 updates/min  ETA 1h39m");
    }

    /**
     * An evaluation in progress is shown once it has run a while (a log line every logEverySeconds, the bar's text
     * after a second on a terminal): the paper preset's evaluation at step 0 on a CPU ran for an hour with nothing
     * on the screen. A short one shows nothing.
     */
    @Test
    void aLongEvaluationIsShownWhileItRunsAShortOneIsNot() {
        AtomicLong now = new AtomicLong(5 * SECOND);
        StringWriter log = new StringWriter();
        Progress logged = new Progress(new PrintWriter(log), false, 0, 1000, 30, "step", true, now::get);
        logged.evaluating(0, new Evaluation.Status(40, 1500, 0, 3, 5));
        now.set(31 * SECOND);
        logged.evaluating(0, new Evaluation.Status(250, 1500, 0, 3, 31));
        now.set(40 * SECOND);
        logged.evaluating(0, new Evaluation.Status(320, 1500, 0, 3, 40));
        now.set(62 * SECOND);
        logged.evaluating(0, new Evaluation.Status(1503, 1500 + 1000, 3, 5, 62));
        assertThat(log.toString().lines()).containsExactly(
                "step 0/1000  evaluating: step 250/1500, 0/3 episodes ended, 0m31s so far",
                "step 0/1000  evaluating: step 1503/2500, 3/5 episodes ended, 1m02s so far");

        StringWriter bar = new StringWriter();
        Progress drawn = new Progress(new PrintWriter(bar), true, 0, 1000, 30, "step", true, now::get);
        drawn.evaluating(500, new Evaluation.Status(4, 1500, 0, 3, 0.5));
        assertThat(bar.toString()).isEmpty();
        drawn.evaluating(500, new Evaluation.Status(12, 1500, 0, 3, 1.2));
        assertThat(bar.toString()).isEqualTo("\r[##############              ] step 500/1000  evaluating: step 12/1500, "
                + "0/3 episodes ended, 0m01s so far   ");
    }
}
