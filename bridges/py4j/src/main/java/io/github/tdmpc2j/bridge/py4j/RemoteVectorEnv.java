package io.github.tdmpc2j.bridge.py4j;

import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.EnvStateException;
import io.github.tdmpc2j.spi.InvalidActionException;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.vector.VectorEnv;
import io.github.tdmpc2j.spi.vector.VectorStepResult;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * N envs of one worker stepped by one call ({@code stepMany}) per step, with the same next-step autoreset and
 * seeds as the spi's local vector envs: env i is reset with {@code seed + i}, its k-th autoreset with
 * {@code seed + i + k * numEnvs()}.
 *
 * <p>{@link #raw} steps the envs as they are. {@link #wrapped} does in one call what {@code EnvRegistry.wrap}
 * does per env: actions in [-1, 1] rescaled to the task's bounds and clipped, the task's action repeat (done in
 * Python, rewards summed), and its time limit in agent steps.
 *
 * <p>Request layout: count and repeat (i32 each), then per env: handle (i32), kind (u8: 0 step, 1 reset), seed
 * (i64), action (float32 x action size; ignored on reset). The reply holds per env: observation, reward (f64),
 * terminated, truncated (u8 each), info.
 */
public final class RemoteVectorEnv implements VectorEnv {
    private static final byte STEP = 0;
    private static final byte RESET = 1;

    private final List<RemoteEnv> envs;
    private final List<TaskSpec> specs;
    private final PythonWorker worker;
    private final int actionSize;
    private final int repeat;
    private final boolean rescale;
    private final int[] elapsed;
    private final boolean[] needsReset;
    private final int[] episodes;
    private long baseSeed;
    private boolean started;

    private RemoteVectorEnv(List<RemoteEnv> envs, boolean wrap) {
        if (envs.isEmpty()) {
            throw new IllegalArgumentException("a vector env needs at least one env");
        }
        this.worker = envs.get(0).worker();
        TaskSpec first = envs.get(0).spec();
        for (RemoteEnv e : envs) {
            if (e.worker() != worker) {
                throw new IllegalArgumentException("all envs of a RemoteVectorEnv must live in one worker");
            }
            TaskSpec s = e.spec();
            if (s.observationSize() != first.observationSize() || s.actionSize() != first.actionSize()
                    || (wrap && (s.actionRepeat() != first.actionRepeat()
                            || s.maxEpisodeSteps() != first.maxEpisodeSteps()))) {
                throw new IllegalArgumentException("all envs of a vector env need the sizes (and, wrapped, the action"
                        + " repeat and time limit) of " + first.id() + ", but " + s.id() + " differs");
            }
            if (wrap && !s.actionSpace().isBounded()) {
                throw new IllegalArgumentException("cannot rescale the unbounded action space of " + s.id());
            }
        }
        this.envs = List.copyOf(envs);
        this.specs = envs.stream().map(e -> wrap
                ? e.spec().withActionSpace(Box.of(e.spec().actionSize(), -1f, 1f)) : e.spec()).toList();
        this.actionSize = first.actionSize();
        this.repeat = wrap ? first.actionRepeat() : 1;
        this.rescale = wrap;
        this.elapsed = new int[envs.size()];
        this.needsReset = new boolean[envs.size()];
        this.episodes = new int[envs.size()];
    }

    /** The envs as they are: their own action bounds, one env step per step, no time limit added. */
    public static RemoteVectorEnv raw(List<RemoteEnv> envs) {
        return new RemoteVectorEnv(envs, false);
    }

    /** The envs as {@code EnvRegistry.make} would wrap them: [-1, 1] actions, action repeat, time limit. */
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
    public float[][] reset(long seed) {
        baseSeed = seed;
        Arrays.fill(needsReset, true);
        Arrays.fill(episodes, 0);
        Arrays.fill(elapsed, 0);
        VectorStepResult r = send(null, "reset");
        Arrays.fill(needsReset, false);
        started = true;
        return r.observations();
    }

    @Override
    public VectorStepResult step(float[][] actions) {
        if (!started) {
            throw new EnvStateException("step() called before reset(seed) on a vector env");
        }
        int n = envs.size();
        if (actions == null || actions.length != n) {
            throw new InvalidActionException("a vector env of " + n + " envs needs " + n + " actions, got "
                    + (actions == null ? "null" : actions.length));
        }
        float[][] sent = new float[n][];
        for (int i = 0; i < n; i++) {
            if (needsReset[i]) {
                episodes[i]++;
                elapsed[i] = 0;
            } else {
                RemoteEnv.checkAction(specs.get(i), actions[i]);
                sent[i] = rescale ? toEnvBounds(envs.get(i).spec().actionSpace(), actions[i]) : actions[i];
            }
        }
        VectorStepResult r = send(sent, "step");
        for (int i = 0; i < n; i++) {
            if (!needsReset[i]) {
                elapsed[i]++;
                if (rescale && elapsed[i] >= specs.get(i).maxEpisodeSteps()) {
                    r.truncated()[i] = true;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            needsReset[i] = sent[i] != null && (r.terminated()[i] || r.truncated()[i]);
        }
        return r;
    }

    /** What RescaleAction (skipped for [-1, 1] boxes, as EnvRegistry.wrap skips it) then ClipAction do. */
    private static float[] toEnvBounds(Box box, float[] action) {
        boolean unitBox = box.hasBounds(-1f, 1f);
        float[] mapped = new float[action.length];
        for (int i = 0; i < action.length; i++) {
            float x = action[i];
            if (!unitBox) {
                float unit = (x + 1f) / 2f;
                x = box.low(i) + unit * (box.high(i) - box.low(i));
            }
            mapped[i] = Math.min(box.high(i), Math.max(box.low(i), x));
        }
        return mapped;
    }

    /** One stepMany call: envs flagged in needsReset are reset, the others take their action. */
    private VectorStepResult send(float[][] actions, String what) {
        int n = envs.size();
        ByteBuffer request = ByteBuffer.allocate(8 + n * (13 + 4 * actionSize)).order(ByteOrder.LITTLE_ENDIAN);
        request.putInt(n);
        request.putInt(repeat);
        for (int i = 0; i < n; i++) {
            RemoteEnv env = envs.get(i);
            env.checkOpen();
            request.putInt(env.handle());
            request.put(needsReset[i] ? RESET : STEP);
            request.putLong(baseSeed + i + (long) episodes[i] * n);
            if (!needsReset[i]) {
                request.asFloatBuffer().put(actions[i]);
            }
            request.position(request.position() + 4 * actionSize);
        }
        String bytes = WorkerEndpoint.encode(request.array());
        Reply reply = worker.call(what + " " + n + " envs of " + envs.get(0).spec().id(), ep -> ep.stepMany(bytes));
        float[][] obs = new float[n][];
        double[] rewards = new double[n];
        boolean[] terminated = new boolean[n];
        boolean[] truncated = new boolean[n];
        List<Map<String, Object>> infos = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            StepResult r = envs.get(i).readStep(reply);
            obs[i] = r.observation();
            if (needsReset[i]) {
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
        return new VectorStepResult(obs, rewards, terminated, truncated, List.copyOf(infos));
    }

    @Override
    public void close() {
        for (RemoteEnv e : envs) {
            e.close();
        }
    }
}
