package io.github.tdmpc2j.cli;

import static org.assertj.core.api.Assertions.assertThat;

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
}
