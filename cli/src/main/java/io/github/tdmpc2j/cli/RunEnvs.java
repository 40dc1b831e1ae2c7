package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.spi.MultitaskEnv;
import io.github.tdmpc2j.spi.TdmpcException;
import java.io.PrintWriter;
import java.util.Optional;

/**
 * A command's envs ({@code what}: "run's training", "run's evaluation"), whose typed failure to close (a plug-in's
 * {@code close()} that throws) is a warning on {@code warnings} (the command's stderr, so that its stdout stays its
 * own data): it comes after the work and what it saved ({@code kept}: "what the run saved in DIR is whole"), so the
 * command's result stands (after work that failed, the work's own error is the one reported).
 */
record RunEnvs(MultitaskEnv env, String what, String kept, PrintWriter warnings) implements AutoCloseable {
    /** A training run's envs: what it saved in its run folder stands. */
    RunEnvs(MultitaskEnv env, String what, RunFolder run, PrintWriter warnings) {
        this(env, "run's " + what, "what the run saved in " + run.dir() + " is whole", warnings);
    }

    /**
     * A training run's envs as {@code MultitaskEnv.make} with a stop gave them: null where a stop gave their
     * making up (it closed those made), which a try-with-resources closes nothing of.
     */
    static RunEnvs made(Optional<MultitaskEnv> env, String what, RunFolder run, PrintWriter warnings) {
        return env.map(e -> new RunEnvs(e, what, run, warnings)).orElse(null);
    }

    @Override
    public void close() {
        try {
            env.close();
        } catch (TdmpcException e) {
            closeFailed(warnings, what, kept, e);
        }
    }

    /**
     * The warning for {@code what} envs whose close failed with {@code e} after the work that saved {@code kept}: for
     * a command whose envs are closed by other code (collect's collector, eval's setup), in the same words.
     */
    static void closeFailed(PrintWriter warnings, String what, String kept, TdmpcException e) {
        warn(warnings, "the " + what + " envs", kept, e);
    }

    /** The warning for an agent whose close failed with {@code e} after the work that saved {@code kept}. */
    static void agentCloseFailed(PrintWriter warnings, String kept, TdmpcException e) {
        warn(warnings, "the agent", kept, e);
    }

    private static void warn(PrintWriter warnings, String closed, String kept, TdmpcException e) {
        warnings.println("warning: closing " + closed + " failed (" + kept + "): " + e.getMessage());
        warnings.flush();
    }
}
