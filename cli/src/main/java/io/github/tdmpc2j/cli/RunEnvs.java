package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.spi.MultitaskEnv;
import io.github.tdmpc2j.spi.TdmpcException;
import java.io.PrintWriter;

/**
 * A training run's envs ({@code what}: "training", "evaluation"), whose typed failure to close (a plug-in's
 * {@code close()} that throws) is a warning on the console: it comes after the run's steps, evaluations and
 * checkpoints are saved, so the run's result stands (after a run that failed, the run's own error is the one
 * reported).
 */
record RunEnvs(MultitaskEnv env, String what, RunFolder run, PrintWriter console) implements AutoCloseable {
    @Override
    public void close() {
        try {
            env.close();
        } catch (TdmpcException e) {
            console.println("warning: closing the run's " + what + " envs failed (what the run saved in " + run.dir()
                    + " is whole): " + e.getMessage());
            console.flush();
        }
    }
}
