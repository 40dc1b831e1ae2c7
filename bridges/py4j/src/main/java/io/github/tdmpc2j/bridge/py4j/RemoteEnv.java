package io.github.tdmpc2j.bridge.py4j;

import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvStateException;
import io.github.tdmpc2j.spi.InvalidActionException;
import io.github.tdmpc2j.spi.InvalidEnvOutputException;
import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.ResetResult;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.TaskSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/** An env living in a Python worker: every reset and step is one call to the worker. */
public final class RemoteEnv implements Env {
    private final PythonWorker worker;
    private final int handle;
    private final TaskSpec spec;
    private final String label;
    private boolean closed;
    /** Why the env must be reset before it steps again (a call with it failed part way), or null. */
    private String unsynced;

    private RemoteEnv(PythonWorker worker, int handle, TaskSpec spec) {
        this.worker = worker;
        this.handle = handle;
        this.spec = spec;
        this.label = spec.id();
    }

    /**
     * Makes {@code task} of {@code suite} in the worker. {@code specOf} turns the spaces the worker reports into
     * the env's spec, and may refuse them by throwing (the remote env is closed then).
     */
    public static RemoteEnv make(PythonWorker worker, String suite, String task, EnvOptions options,
            Function<RemoteSpaces, TaskSpec> specOf) {
        String encoded = encodeOptions(options.extras());
        // seconds for a suite that loads its assets: a stop gives it up (GivingUp), the worker killed
        Reply reply = worker.callHeedingStop("make " + suite + "/" + task,
                ep -> ep.make(suite, task, options.seed(), encoded));
        int handle = reply.int32();
        RemoteSpaces spaces = new RemoteSpaces(reply.box(), reply.box(), reply.int32());
        try {
            return new RemoteEnv(worker, handle, specOf.apply(spaces));
        } catch (RuntimeException e) {
            closeQuietly(worker, handle, PythonWorker.CLOSE_GRACE);
            throw e;
        }
    }

    private static String encodeOptions(Map<String, String> extras) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : extras.entrySet()) {
            if (e.getKey().contains("=") || (e.getKey() + e.getValue()).contains("\n")) {
                throw new BridgeException("env option '" + e.getKey() + "' cannot cross to Python: keys may not hold"
                        + " '=' and neither keys nor values may hold line breaks");
            }
            sb.append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        return sb.toString();
    }

    @Override
    public TaskSpec spec() {
        return spec;
    }

    public PythonWorker worker() {
        return worker;
    }

    int handle() {
        return handle;
    }

    /** Resets the env; after a failed step or reset this is what makes it usable again. */
    @Override
    public ResetResult reset(long seed) {
        checkOpen();
        String operation = "reset " + label;
        try {
            ResetResult r = readReset(worker.call(operation, ep -> ep.reset(handle, seed)));
            unsynced = null;
            return r;
        } catch (RuntimeException e) {
            markUnsynced(operation, e);
            throw e;
        }
    }

    /**
     * Steps the env. A step that fails once it has been sent (a Python exception, a result that breaks the spec)
     * may have moved the env in Python without Java getting its result: the env then refuses to step again before a
     * reset, with an {@link EnvStateException} that says so.
     */
    @Override
    public StepResult step(float[] action) {
        checkOpen();
        checkSynced();
        checkAction(spec, action);
        String packed = WorkerEndpoint.encode(pack(action));
        String operation = "step " + label;
        try {
            return readStep(worker.call(operation, ep -> ep.step(handle, packed)));
        } catch (RuntimeException e) {
            markUnsynced(operation, e);
            throw e;
        }
    }

    /** Marks the env as needing a reset: {@code operation}, sent with it, failed with {@code e}. */
    void markUnsynced(String operation, RuntimeException e) {
        unsynced = operation + " failed (" + Messages.firstLine(e) + ")";
    }

    /** Refuses a step of an env whose last call failed part way, before anything crosses. */
    void checkSynced() {
        if (unsynced != null) {
            throw new EnvStateException(label + " must be reset before it steps again: " + unsynced + ", which may"
                    + " have moved it in Python without Java getting its result; reset it (a new episode) or make a"
                    + " new env");
        }
    }

    /** The reset done in a batched call succeeded: the env is in step again. */
    void markSynced() {
        unsynced = null;
    }

    ResetResult readReset(Reply reply) {
        int size = reply.int32();
        if (size != spec.observationSize()) {
            throw misfit("reset", size + " observation values");
        }
        ResetResult r = new ResetResult(reply.floats(size), reply.info());
        reply.checkConsumed(label, "reset");
        return r;
    }

    StepResult readStep(Reply reply) {
        StepResult r = readStepRow(reply, "step");
        reply.checkConsumed(label, "step");
        return r;
    }

    /**
     * One step result of a reply that may hold more, after its sizes as the env returned them: a size other than
     * the spec's is refused here, before the values after it would be read out of place, and so is an info
     * "success" that is no flag ({@link StepResult#success(Map, String)}).
     */
    StepResult readStepRow(Reply reply, String operation) {
        int size = reply.int32();
        int rewards = reply.int32();
        int terminated = reply.int32();
        int truncated = reply.int32();
        if (size != spec.observationSize() || rewards != 1 || terminated != 1 || truncated != 1) {
            throw misfit(operation, Messages.plural(size, "observation value") + ", "
                    + Messages.plural(rewards, "reward") + ", " + Messages.plural(terminated, "terminated flag")
                    + " and " + Messages.plural(truncated, "truncated flag"));
        }
        StepResult r = new StepResult(reply.floats(size), reply.float64(), reply.flag(), reply.flag(), reply.info());
        StepResult.success(r.info(), spec.id()); // a "success" that is no flag is refused here, as a misfit is
        return r;
    }

    private InvalidEnvOutputException misfit(String operation, String came) {
        return new InvalidEnvOutputException(label + " returned from " + operation + ": " + came + "; its spec has "
                + Messages.plural(spec.observationSize(), "observation value") + ", one reward and one flag of each "
                + "kind: a defect of the suite or its plug-in (" + worker.domain() + "), not of the agent; report it "
                + "to them, or leave this task out");
    }

    static void checkAction(TaskSpec spec, float[] action) {
        if (action == null || action.length != spec.actionSize()) {
            throw new InvalidActionException(spec.id() + " takes actions of "
                    + Messages.plural(spec.actionSize(), "value") + ", got "
                    + (action == null ? "null" : action.length));
        }
        for (int i = 0; i < action.length; i++) {
            if (!Float.isFinite(action[i])) {
                throw new InvalidActionException(spec.id() + ": action[" + i + "] is " + action[i]
                        + "; actions must be finite");
            }
        }
    }

    static byte[] pack(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }

    void checkOpen() {
        if (closed) {
            throw new EnvStateException(label + " was closed; make a new env");
        }
    }

    /**
     * Frees the env in the worker; the worker itself stays up for other envs. A call of the env in flight on another
     * thread is waited for up to {@link PythonWorker#CLOSE_GRACE}; past that the env is closed as that call ends
     * (never beside it), and this returns. A worker that does not answer {@link PythonWorker#CLOSE_ANSWER} later is
     * hung and is killed with its processes. Idempotent.
     */
    @Override
    public void close() {
        close(PythonWorker.CLOSE_GRACE);
    }

    /** As {@link #close()}, waiting {@code wait} (zero or more) for a call in flight. */
    void close(Duration wait) {
        if (closed) {
            return;
        }
        closed = true;
        if (worker.isAlive()) {
            closeQuietly(worker, handle, wait);
        }
    }

    private static void closeQuietly(PythonWorker worker, int handle, Duration wait) {
        try {
            worker.callWithin("close", wait.plus(PythonWorker.CLOSE_ANSWER),
                    ep -> ep.close(handle, wait.toMillis() / 1000.0));
        } catch (BridgeException e) {
            // the env is gone with its worker, or Python failed to close it: nothing left to free here
        }
    }

    @Override
    public String toString() {
        return "RemoteEnv[" + label + " in " + worker + "]";
    }
}
