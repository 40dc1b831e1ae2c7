package io.github.tdmpc2j.bridge.py4j;

import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.EnvStateException;
import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.PluginException;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.vector.Autoreset;
import io.github.tdmpc2j.spi.vector.EpisodeSchedule;
import io.github.tdmpc2j.spi.vector.VectorEnv;
import io.github.tdmpc2j.spi.vector.VectorStepResult;
import io.github.tdmpc2j.spi.wrappers.EpisodeStatistics;
import io.github.tdmpc2j.spi.wrappers.RescaleAction;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * N envs of one worker stepped by one call ({@code stepMany}) per step, with the spi's next-step autoreset and
 * episode schedule ({@link Autoreset}, shared with the local vector envs). The envs may run different tasks of
 * any sizes; wrapped, they share one action repeat.
 *
 * <p>{@link #raw} steps the envs as they are. {@link #wrapped} does in one call what {@code EnvRegistry.wrap}
 * does per env: actions in [-1, 1] rescaled to the task's bounds and clipped, the task's action repeat (done in
 * Python, rewards summed), its time limit in agent steps, episode statistics in the info of an episode's last
 * step, and the same checks of the actions.
 *
 * <p>Request layout: count and repeat (i32 each), then per env: handle (i32), kind (u8: 0 step, 1 reset), seed
 * (i64), action (float32 x the env's action size; ignored on reset). The reply holds per env: observation,
 * reward (f64), terminated, truncated (u8 each), info.
 *
 * <p>A Python exception in one row's env is marked with that row ({@link TdmpcException#atRow}), as the worker tells
 * it, so that the code stepping the vector env can name its task and episode.
 *
 * <p>A call that fails once sent (a Python exception in one row's env, a row that breaks its spec) may have moved
 * some rows' envs in Python while Java got no result for any: the vector env and every env of that call then refuse
 * to step with an {@link EnvStateException} until {@link #reset} (which starts new episodes on all rows).
 */
public final class RemoteVectorEnv implements VectorEnv {
    private static final byte STEP = 0;
    private static final byte RESET = 1;

    private final List<RemoteEnv> envs;
    private final List<TaskSpec> specs;
    private final PythonWorker worker;
    private final int repeat;
    private final boolean rescale;
    private final int[] elapsed;
    private final EpisodeStatistics.Recorder[] statistics;
    private final Autoreset autoreset;
    /** The rows' tasks, for the messages of failed calls: a failure names every task it may come from. */
    private final String tasks;
    /** Why the vector env must be reset before it steps again (a call of it failed), or null. */
    private String failed;
    private boolean closed;

    private RemoteVectorEnv(List<RemoteEnv> envs, boolean wrap) {
        if (envs.isEmpty()) {
            throw new PluginException("a RemoteVectorEnv needs at least one env: make the envs first, then put them "
                    + "in one");
        }
        this.worker = envs.get(0).worker();
        TaskSpec first = envs.get(0).spec();
        for (RemoteEnv e : envs) {
            if (e.worker() != worker) {
                throw new PluginException("the envs of a RemoteVectorEnv must live in one Python worker, but "
                        + first.id() + " and " + e.spec().id() + " live in two: make them with the same worker, or "
                        + "put each worker's envs in a vector env of its own (CompositeVectorEnv joins them)");
            }
            TaskSpec s = e.spec();
            if (wrap && s.actionRepeat() != first.actionRepeat()) {
                throw new PluginException("the wrapped envs of a vector env share one action repeat, but "
                        + first.id() + " repeats " + Messages.plural(first.actionRepeat(), "time") + " and " + s.id()
                        + " " + Messages.plural(s.actionRepeat(), "time") + "; put them in different vector envs");
            }
            if (wrap) {
                RescaleAction.requireBounded(s);
            }
        }
        this.envs = List.copyOf(envs);
        this.specs = envs.stream().map(e -> wrap
                ? e.spec().withActionSpace(Box.of(e.spec().actionSize(), -1f, 1f)) : e.spec()).toList();
        this.repeat = wrap ? first.actionRepeat() : 1;
        this.rescale = wrap;
        this.elapsed = new int[envs.size()];
        this.statistics = new EpisodeStatistics.Recorder[envs.size()];
        for (int i = 0; i < statistics.length; i++) {
            statistics[i] = new EpisodeStatistics.Recorder(envs.get(i).spec().id());
        }
        this.autoreset = new Autoreset(envs.size());
        this.tasks = String.join(", ", envs.stream().map(e -> e.spec().id()).distinct().toList());
    }

    /** The envs as they are: their own action bounds, one env step per step, no time limit added. */
    public static RemoteVectorEnv raw(List<RemoteEnv> envs) {
        return new RemoteVectorEnv(envs, false);
    }

    /**
     * The envs as {@code EnvRegistry.make} would wrap them: [-1, 1] actions, action repeat, time limit, episode
     * statistics. They must share one action repeat.
     */
    public static RemoteVectorEnv wrapped(List<RemoteEnv> envs) {
        return new RemoteVectorEnv(envs, true);
    }

    @Override
    public int numEnvs() {
        return envs.size();
    }

    @Override
    public TaskSpec spec(int i) {
        return specs.get(i);
    }

    @Override
    public float[][] reset(EpisodeSchedule schedule) {
        checkOpen();
        EpisodeSchedule.Ticket[] first = autoreset.start(schedule);
        Autoreset.Move[] moves = new Autoreset.Move[envs.size()];
        for (int i = 0; i < moves.length; i++) {
            moves[i] = first[i] == null ? Autoreset.Move.SKIP : Autoreset.Move.RESET;
            elapsed[i] = 0;
            statistics[i].start();
        }
        float[][] observations = send(moves, null, "reset").observations();
        failed = null;
        return observations;
    }

    @Override
    public VectorStepResult step(float[][] actions) {
        checkOpen();
        if (failed != null) {
            throw new EnvStateException("a vector env of " + tasks + " must be reset before it steps again: " + failed
                    + ", which may have moved some of its envs in Python without Java getting their results; reset"
                    + " it (new episodes on all rows) or make a new one");
        }
        Autoreset.Move[] moves = autoreset.plan(actions, specs::get);
        int n = envs.size();
        float[][] sent = new float[n][];
        for (int i = 0; i < n; i++) {
            if (moves[i] == Autoreset.Move.RESET) {
                elapsed[i] = 0;
                statistics[i].start();
            } else if (moves[i] == Autoreset.Move.STEP) {
                sent[i] = rescale ? toEnvBounds(envs.get(i).spec().actionSpace(), actions[i]) : actions[i];
            }
        }
        VectorStepResult r = send(moves, sent, "step");
        List<Map<String, Object>> infos = new ArrayList<>(r.infos());
        for (int i = 0; i < n; i++) {
            if (moves[i] == Autoreset.Move.STEP) {
                elapsed[i]++;
                if (rescale && elapsed[i] >= specs.get(i).maxEpisodeSteps()) {
                    r.truncated()[i] = true;
                }
                if (rescale) {
                    infos.set(i, statistics[i].record(new StepResult(r.observations()[i], r.rewards()[i],
                            r.terminated()[i], r.truncated()[i], infos.get(i))).info());
                }
                autoreset.stepped(i, r.terminated()[i] || r.truncated()[i]);
            }
        }
        return new VectorStepResult(r.observations(), r.rewards(), r.terminated(), r.truncated(), List.copyOf(infos));
    }

    @Override
    public void checkActions(float[][] actions) {
        autoreset.check(actions, specs::get);
    }

    @Override
    public EpisodeSchedule.Ticket episode(int i) {
        return autoreset.ticket(i);
    }

    /** What RescaleAction (skipped for [-1, 1] boxes, as EnvRegistry.wrap skips it) then ClipAction do. */
    private static float[] toEnvBounds(Box box, float[] action) {
        boolean unitBox = box.hasBounds(-1f, 1f);
        float[] mapped = new float[action.length];
        for (int i = 0; i < action.length; i++) {
            float x = action[i];
            if (!unitBox) {
                x = box.rescale(i, x, -1f, 1f);
            }
            mapped[i] = Math.min(box.high(i), Math.max(box.low(i), x));
        }
        return mapped;
    }

    /** One stepMany call for the rows that reset or step; skipped rows are not sent and read back as null. */
    private VectorStepResult send(Autoreset.Move[] moves, float[][] actions, String what) {
        int n = envs.size();
        int count = 0;
        for (Autoreset.Move m : moves) {
            count += m == Autoreset.Move.SKIP ? 0 : 1;
        }
        if (count == 0) {
            return new VectorStepResult(new float[n][], new double[n], new boolean[n], new boolean[n],
                    List.copyOf(Collections.nCopies(n, Map.<String, Object>of())));
        }
        int size = 8;
        for (int i = 0; i < n; i++) {
            size += moves[i] == Autoreset.Move.SKIP ? 0 : 13 + 4 * envs.get(i).spec().actionSize();
        }
        ByteBuffer request = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        request.putInt(count);
        request.putInt(repeat);
        for (int i = 0; i < n; i++) {
            if (moves[i] == Autoreset.Move.SKIP) {
                continue;
            }
            RemoteEnv env = envs.get(i);
            boolean reset = moves[i] == Autoreset.Move.RESET;
            try {
                env.checkOpen();
                if (!reset) {
                    env.checkSynced();
                }
            } catch (EnvStateException e) {
                // the rows' episodes have moved on
                failed = "row " + i + " could not step (" + Messages.firstLine(e) + ")";
                throw e;
            }
            request.putInt(env.handle());
            request.put(reset ? RESET : STEP);
            request.putLong(reset ? autoreset.ticket(i).seed() : 0L);
            if (!reset) {
                request.asFloatBuffer().put(actions[i]);
            }
            request.position(request.position() + 4 * env.spec().actionSize());
        }
        String bytes = WorkerEndpoint.encode(request.array());
        String operation = what + " " + Messages.plural(count, "env") + " of " + tasks;
        try {
            VectorStepResult r = read(worker.call(operation, ep -> ep.stepMany(bytes)), moves, actions, operation,
                    count);
            for (int i = 0; i < n; i++) {
                if (moves[i] == Autoreset.Move.RESET) {
                    envs.get(i).markSynced();
                }
            }
            return r;
        } catch (RuntimeException e) {
            int row = e instanceof TdmpcException t ? t.row() : -1;
            if (e instanceof PythonException p && p.requestRow() >= 0) {
                row = rowOf(moves, p.requestRow());
                p.atRow(row);
            }
            failed = operation + " failed" + (row >= 0 && row < n ? " at row " + row + " (" + specs.get(row).id()
                    + ")" : "") + " (" + Messages.firstLine(e) + ")";
            for (int i = 0; i < n; i++) {
                if (moves[i] != Autoreset.Move.SKIP) {
                    envs.get(i).markUnsynced("a vector env's " + operation, e);
                }
            }
            throw e;
        }
    }

    /** The vector env's row of the {@code k}-th env a request moved (skipped rows are not sent), or -1. */
    private static int rowOf(Autoreset.Move[] moves, int k) {
        for (int i = 0, sent = 0; i < moves.length; i++) {
            if (moves[i] != Autoreset.Move.SKIP && sent++ == k) {
                return i;
            }
        }
        return -1;
    }

    /** The rows of a stepMany reply; skipped rows read back as null observations and empty infos. */
    private VectorStepResult read(Reply reply, Autoreset.Move[] moves, float[][] actions, String operation,
            int count) {
        int n = envs.size();
        float[][] obs = new float[n][];
        double[] rewards = new double[n];
        boolean[] terminated = new boolean[n];
        boolean[] truncated = new boolean[n];
        List<Map<String, Object>> infos = new ArrayList<>(n);
        int results = reply.int32();
        if (results != count) {
            throw new BridgeException("[" + worker.domain() + "] the worker answered " + operation + " with "
                    + Messages.plural(results, "result") + ": the Java and Python sides of the bridge are of different "
                    + "versions");
        }
        for (int i = 0; i < n; i++) {
            if (moves[i] == Autoreset.Move.SKIP) {
                infos.add(Map.of());
                continue;
            }
            StepResult r;
            try {
                r = envs.get(i).readStepRow(reply, (moves[i] == Autoreset.Move.RESET ? "reset" : "step")
                        + " (row " + i + " of a vector env)");
            } catch (TdmpcException e) {
                throw e.atRow(i); // a result that breaks its spec: the row is known
            }
            obs[i] = r.observation();
            if (moves[i] == Autoreset.Move.RESET) {
                Map<String, Object> info = new HashMap<>(r.info());
                if (actions != null) {
                    info.put(AUTORESET, true);
                }
                infos.add(info);
            } else {
                rewards[i] = r.reward();
                terminated[i] = r.terminated();
                truncated[i] = r.truncated();
                infos.add(r.info());
            }
        }
        reply.checkConsumed(tasks, operation);
        return new VectorStepResult(obs, rewards, terminated, truncated, List.copyOf(infos));
    }

    private void checkOpen() {
        if (closed) {
            throw new EnvStateException("a vector env of " + tasks + " was closed; make a new one");
        }
    }

    /**
     * Closes every env, as {@link RemoteEnv#close()} does, waiting {@link PythonWorker#CLOSE_GRACE} in all (not per
     * env) for the call in flight: past that, each env is closed as that call ends.
     */
    @Override
    public void close() {
        closed = true;
        long deadline = System.nanoTime() + PythonWorker.CLOSE_GRACE.toNanos();
        for (RemoteEnv e : envs) {
            e.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
    }
}
