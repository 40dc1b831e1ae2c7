package io.github.tdmpc2j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TasksCommandTest {
    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.newCommandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void listShowsEachTaskWithSizesAndAvailability() {
        Run r = run("tasks", "list");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).containsPattern("classic/pendulum\\s+classic\\s+3\\s+1\\s+200\\s+1\\s+ready");
        assertThat(r.out()).contains("domain classic");
    }

    @Test
    void checkPassesAGoodTaskAndCountsIt() {
        Run r = run("tasks", "check", "--task", "classic/pendulum");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).containsPattern("PASS\\s+classic/pendulum\\s+obs 3 act 1\\s+200 steps");
        assertThat(r.out()).contains("1 passed, 0 failed");
    }

    @Test
    void checkFailsATaskWithNaNObservationsAndExitsNonZero() {
        Run r = run("tasks", "check", "--domain", "broken");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).containsPattern("FAIL\\s+broken/nan\\s+step 4: observation\\[1\\] = NaN");
        assertThat(r.out()).contains("0 passed, 1 failed");
    }

    @Test
    void anUnknownTaskFailsWithSuggestions() {
        Run r = run("tasks", "check", "--task", "classic/pendulm");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("did you mean classic/pendulum");
    }

    @Test
    void anUnknownDomainIsAClearError() {
        Run r = run("tasks", "list", "--domain", "nope");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("error: no installed plug-in has the domain 'nope'");
    }
}
