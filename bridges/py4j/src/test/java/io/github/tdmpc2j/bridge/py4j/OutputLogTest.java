package io.github.tdmpc2j.bridge.py4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The reader of a worker's output keeps reading whatever the log does with a line. */
class OutputLogTest {
    /**
     * A log that fails on every line (an appender that throws): the reader goes on, so a process that prints a lot
     * neither blocks in a write once a pipe (64 KiB) is full nor fails on a pipe the reader closed as it stopped.
     */
    @Test
    void aLogThatThrowsDoesNotStopTheReadingOfAChattyProcess() throws Exception {
        AtomicInteger tried = new AtomicInteger();
        OutputLog log = new OutputLog("testing", (isStderr, line) -> {
            tried.incrementAndGet();
            throw new IllegalStateException("the appender failed");
        });
        Process chatty = new ProcessBuilder("python3", "-c",
                "import sys\nfor i in range(20000): print('line %d %s' % (i, 'x' * 60))\n"
                        + "for i in range(20000): print('err %d %s' % (i, 'y' * 60), file=sys.stderr)\nprint('done')")
                .start();
        log.follow(chatty.getInputStream(), false, "test-stdout");
        log.follow(chatty.getErrorStream(), true, "test-stderr");
        assertThat(chatty.waitFor(30, TimeUnit.SECONDS)).as("the process ended: its pipes were drained").isTrue();
        // a reader that gave up closed its pipe: the process's next print failed (BrokenPipeError, exit code 1)
        assertThat(chatty.exitValue()).isZero();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (tried.get() < 40001 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(tried.get()).isEqualTo(40001);
        // The two streams' readers interleave as the scheduler lets them, so how many of the 40 kept lines are
        // stdout's and how many stderr's varies. What holds whatever the interleaving: a line is kept only while
        // fewer than 40 lines came after it, so each stream's kept lines are its own last ones, in its order.
        List<String> kept = log.lastLines();
        assertThat(kept).hasSize(40);
        List<String> stdout = kept.stream().filter(l -> !l.startsWith("err ")).toList();
        List<String> stderr = kept.stream().filter(l -> l.startsWith("err ")).toList();
        assertThat(stdout).isEqualTo(lastOf(printed("line", "x", "done"), stdout.size()));
        assertThat(stderr).isEqualTo(lastOf(printed("err", "y", null), stderr.size()));
    }

    /** What the process above prints on one stream: 20,000 lines {@code PREFIX i FILL*60}, then {@code end}. */
    private static List<String> printed(String prefix, String fill, String end) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 20000; i++) {
            lines.add(prefix + " " + i + " " + fill.repeat(60));
        }
        if (end != null) {
            lines.add(end);
        }
        return lines;
    }

    private static List<String> lastOf(List<String> lines, int n) {
        return lines.subList(lines.size() - n, lines.size());
    }
}
