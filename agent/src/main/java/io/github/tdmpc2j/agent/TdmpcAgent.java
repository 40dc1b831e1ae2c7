package io.github.tdmpc2j.agent;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.tdmpc2j.agent.checkpoint.Checkpoint;
import io.github.tdmpc2j.agent.gpu.TorchNative;
import io.github.tdmpc2j.agent.checkpoint.SafeTensors;
import io.github.tdmpc2j.agent.nn.NoGrad;
import io.github.tdmpc2j.agent.nn.ParamStore;
import io.github.tdmpc2j.agent.nn.Recording;
import io.github.tdmpc2j.agent.nn.Scalars;
import io.github.tdmpc2j.spi.MachineMemory;
import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.AgentProvider;
import io.github.tdmpc2j.spi.agent.CheckpointException;
import io.github.tdmpc2j.spi.agent.Episode;
import io.github.tdmpc2j.spi.agent.OfflineLearner;
import io.github.tdmpc2j.spi.agent.Transition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TD-MPC2 (Hansen et al., ICLR 2024): plans with MPPI in a learned latent space and learns the model, value and
 * policy prior from sub-trajectories of its replay buffer. It acts on batches of rows (one per env of a vector
 * env) and plans all of them in one batch, each training and evaluation row with its own warm start. It owns its
 * schedule: random actions for the seed phase, a catch-up of as many updates as seed steps when that phase ends,
 * then one update per {@code update_every} env steps (every row's step counts); each training row's episode
 * enters the replay buffer whole when it ends.
 */
public final class TdmpcAgent implements Agent, OfflineLearner {
    /** The replay buffer beside the weights, so that a resumed run learns from the same data. */
    static final String BUFFER_FILE = "replay-buffer.safetensors";

    private final AgentContext context;
    private final TdmpcConfig cfg;
    private final Engine engine;
    private final ParamStore store;
    private final WorldModel model;
    private final Planner planner;
    /** The agent's own generator on the CPU (null on a GPU, where the engine's is used). */
    private final OwnDraws ownDraws;
    private final Adam optim;
    private final Adam piOptim;
    private final RunningScale scale;
    private final ReplayBuffer buffer;
    /** The seed phase's random actions and the replay buffer's sampling. */
    private SplittableRandom rng;
    private final float[] discounts;
    private final int seedSteps;
    private final int shortestEpisode;
    /** Set from any thread by {@link #interruptUpdates}; cleared when an {@link #observe} returns. */
    private volatile boolean updatesInterrupted;
    private final boolean multitask;
    private final int actionDim;
    private boolean graphs;
    /** Captured act graphs by batch size (rows planned at once). */
    private final Map<Integer, GraphedCall> actGraphs = new java.util.HashMap<>();
    private NDArray[] taskTables;
    /** Per row of training acts and of evaluation acts: the episode's first-step flag and warm-start mean. */
    private final Map<Integer, RowState> trainRows = new java.util.HashMap<>();
    private final Map<Integer, RowState> evalRows = new java.util.HashMap<>();
    private NDArray rhoWeights;
    private GraphedCall updateGraph;
    /** Names of the values {@link #updateOnDevice} returns, in order (set by its first run). */
    private List<String> metricNames = List.of();
    private long steps;
    /**
     * Whether the buffer holds recorded episodes ({@link #addEpisode}): the dataset is then their source, so
     * {@link #writeState} leaves the buffer out and {@link #readState} keeps it ({@link OfflineLearner}).
     */
    private boolean recorded;
    /**
     * Whether the model was trained before this agent's own seed phase could have ended: loaded from a checkpoint
     * that updates wrote (a run of {@code train --data}, whose agent observes no steps) or that a reference model was
     * imported into, or updated here from recorded episodes. Such a model acts with its policy when it explores
     * ({@code collect --policy}), not with the seed phase's random actions, which are for a model yet to learn.
     */
    private boolean modelTrained;
    /** Updates the schedule called for that have not run yet (the buffer could not give a batch). */
    private long owedUpdates;
    private long scheduledUpdates;
    /** Each training row's transitions of its episode in progress, not yet in the buffer. */
    private final Map<Integer, List<Transition>> pending = new java.util.HashMap<>();
    private boolean closed;

    /** One row's planning state: whether its next act is its episode's first, and the last plan's mean [H, A]. */
    private static final class RowState {
        boolean first = true;
        final float[] mean;

        RowState(float[] mean) {
            this.mean = mean;
        }
    }

    public TdmpcAgent(AgentContext context) {
        this.context = AgentContext.require(context);
        this.cfg = TdmpcConfig.from(context.params());
        // before the engine loads: settings that would allocate more than there is fail here, not in the first act
        checkSettings(cfg, context);
        this.engine = DjlRuntime.engine();
        Device device = DjlRuntime.device(cfg.device());
        int seed = engineSeed(context.seed());
        this.rng = new SplittableRandom(context.seed());
        this.multitask = context.multitask();
        this.actionDim = context.actionSize();
        boolean episodic = context.tasks().stream().anyMatch(TaskSpec::episodic);
        this.store = new ParamStore(engine.newBaseManager(device), context.seed());
        try {
            this.model = new WorldModel(cfg, store, context.observationSize(), actionDim, context.tasks().size(),
                    episodic, context.seed());
        } catch (RuntimeException | Error e) {
            store.close(); // the weights made so far (a stop gives the making up, GivingUp)
            throw e;
        }
        this.planner = new Planner(cfg, model, actionDim);
        if (device.isGpu()) {
            // a captured plan draws from the device's default generator (the one a CUDA graph registers)
            engine.setRandomSeed(seed);
            this.ownDraws = null;
        } else {
            this.ownDraws = new OwnDraws(seed);
            model.useDraws(ownDraws);
        }
        this.graphs = device.isGpu() && gpuFeatures(cfg);
        Map<String, Float> modelLr = new LinkedHashMap<>();
        for (String group : WorldModel.MODEL_GROUPS) {
            float lr = group.equals("encoder") ? cfg.lr() * cfg.encLrScale() : cfg.lr();
            store.group(group).forEach(n -> modelLr.put(n, lr));
        }
        this.optim = new Adam(store, "optim", modelLr, 1e-8f, cfg.gradClipNorm());
        Map<String, Float> piLr = new LinkedHashMap<>();
        store.group("pi").forEach(n -> piLr.put(n, cfg.lr()));
        this.piOptim = new Adam(store, "pi_optim", piLr, 1e-5f, cfg.gradClipNorm());
        this.scale = new RunningScale(cfg.tau(), store.manager());
        this.buffer = new ReplayBuffer(cfg.bufferSize(), context.observationSize(), actionDim);
        this.discounts = new float[context.tasks().size()];
        int longest = 0;
        int shortest = Integer.MAX_VALUE;
        for (int i = 0; i < discounts.length; i++) {
            int length = context.tasks().get(i).maxEpisodeSteps();
            discounts[i] = cfg.discount(length);
            longest = Math.max(longest, length);
            shortest = Math.min(shortest, length);
        }
        this.seedSteps = cfg.seedSteps(longest);
        this.shortestEpisode = shortest;
        // said at the first planned act, not here: an agent made only to write a checkpoint (an import, eval of a
        // .pt file before its --set-param planning applies) plans nothing
        this.heavyOnCpu = device.isGpu() ? null : madeForGpus(cfg, context).orElse(null);
    }

    /** What an agent of these settings for these tasks could not do, refused before anything is allocated. */
    private static void checkSettings(TdmpcConfig cfg, AgentContext context) {
        cfg.checkSizes(context.observationSize(), context.actionSize(), context.tasks().size(), machineMemory());
        checkHorizonFitsEpisodes(cfg, context);
    }

    /**
     * {@link TdmpcAgentProvider#checkRun}: the settings as the agent's construction checks them, and the heap that
     * a run of {@code steps} steps on {@code envs} envs fills: the replay buffer (one for every task and env, of
     * min(steps, buffer_size) steps; {@link ReplayBuffer#checkHeap}) and the envs' episodes in progress, which enter
     * it when they end.
     */
    static void checkRun(AgentContext context, long steps, int envs, long heapBytes) {
        // as Agents.find's provider refuses them, for a caller of this provider itself
        AgentContext.require(context);
        AgentProvider.requireRun(steps, envs, heapBytes);
        TdmpcConfig cfg = TdmpcConfig.from(context.params());
        checkSettings(cfg, context);
        int obs = context.observationSize();
        int act = context.actionSize();
        int longest = context.tasks().stream().mapToInt(TaskSpec::maxEpisodeSteps).max().orElse(0);
        // a transition in progress: its observation, next observation and action arrays, with their headers
        double pending = Math.min(steps, (double) envs * longest) * (4.0 * (2.0 * obs + act) + 96);
        ReplayBuffer.checkHeap(steps, cfg.bufferSize(), obs, act, pending, heapBytes, machineMemory(), false);
        seedPhaseCoversRun(cfg, longest, steps).filter(m -> !WARNED_NO_UPDATES.getAndSet(true)).ifPresent(LOG::warn);
    }

    /**
     * {@link TdmpcAgentProvider#checkOfflineRun}: the settings as the agent's construction checks them, a
     * buffer_size that holds the dataset's {@code datasetSteps} steps ({@link #addEpisode} takes no fewer), and the
     * heap its replay buffer fills holding them ({@link ReplayBuffer#checkHeap}), with the episode being read
     * beside it (its file's arrays and its rows).
     */
    static void checkOfflineRun(AgentContext context, long datasetSteps, long heapBytes) {
        // as Agents.find's provider refuses them, for a caller of this provider itself
        AgentContext.require(context);
        AgentProvider.requireOfflineRun(datasetSteps, heapBytes);
        TdmpcConfig cfg = TdmpcConfig.from(context.params());
        checkSettings(cfg, context);
        if (datasetSteps > Integer.MAX_VALUE) {
            // buffer_size is an int: no setting holds such a dataset in one replay buffer
            throw new ConfigException("the dataset holds " + datasetSteps + " steps, more than the largest "
                    + "buffer_size (" + Integer.MAX_VALUE + " steps) and offline training holds every step: train on "
                    + "a part of it (a dataset folder of some of its episodes, or of some of its tasks)");
        }
        if (datasetSteps > cfg.bufferSize()) {
            throw bufferTooSmall(cfg.bufferSize(), "the dataset holds " + datasetSteps + " steps", datasetSteps);
        }
        int obs = context.observationSize();
        int act = context.actionSize();
        int longest = context.tasks().stream().mapToInt(TaskSpec::maxEpisodeSteps).max().orElse(0);
        double episode = Math.min(datasetSteps, longest) * 2.0 * (4.0 * (obs + act + 1) + 32);
        ReplayBuffer.checkHeap(datasetSteps, cfg.bufferSize(), obs, act, episode, heapBytes, machineMemory(), true);
    }

    /**
     * What offline training with a buffer_size of {@code capacity} steps, too few for its dataset ({@code what}),
     * is told: the buffer must hold every step; {@code steps} is the buffer_size to give, or -1 when not known.
     */
    private static ConfigException bufferTooSmall(int capacity, String what, long steps) {
        return new ConfigException("the replay buffer (buffer_size=" + Messages.plural(capacity, "step") + ") cannot "
                + "take every step of the recorded episodes: " + what + "; offline training learns from all of them, "
                + "so give --set-param buffer_size=" + (steps < 0 ? "STEPS with at least the dataset's steps" : steps
                + " or more"));
    }

    /** Whether an agent of this JVM has said that a run ends before its seed phase does. */
    static final AtomicBoolean WARNED_NO_UPDATES = new AtomicBoolean();

    /**
     * What a run of {@code steps} steps that ends before its seed phase does is told before it starts: it makes no
     * update (the first come when the seed phase ends), so its evaluations are of the untrained model, hours of
     * them with the paper's planning on a CPU. Empty when the run reaches its first update.
     */
    static Optional<String> seedPhaseCoversRun(TdmpcConfig cfg, int longestEpisode, long steps) {
        int seed = cfg.seedSteps(longestEpisode);
        if (steps >= seed) {
            return Optional.empty();
        }
        return Optional.of("this run of " + Messages.plural(steps, "step") + " ends in the seed phase (seed_steps="
                + seed + " steps of random actions before the first update" + (cfg.seedSteps() < 0
                ? ", the reference's max(1000, 5 x episode length)" : "") + "): it makes no update, and its "
                + "evaluations are of the untrained model. Give --steps " + seed + " or more, or --set-param "
                + "seed_steps=N with N below " + steps);
    }

    /**
     * This machine's memory in bytes (its container's limit, where it has one); {@link Long#MAX_VALUE} where this Java
     * runtime cannot tell ({@link MachineMemory}).
     */
    static long machineMemory() {
        return MachineMemory.total().orElse(Long.MAX_VALUE);
    }

    private static final Logger LOG = LoggerFactory.getLogger(TdmpcAgent.class);
    /** Whether an agent of this JVM has said that its settings are made for GPUs ({@link #madeForGpus}). */
    static final AtomicBoolean WARNED_CPU = new AtomicBoolean();
    /** What this agent says at its first planned act, once per JVM: {@link #madeForGpus}'s message, or null. */
    private final String heavyOnCpu;
    /** Whether an agent of this JVM has said that its seed phase ends before its first episode can. */
    static final AtomicBoolean WARNED_SHORT_SEED = new AtomicBoolean();

    /**
     * What an agent on a CPU says once per JVM, at its first planned act, when its planning is ten times the cpu
     * preset's work or more (the paper preset: 65x, 1-2 s per act at 5M on 2 cores, bench/RESULTS.md), so that a
     * user who left out
     * {@code --preset cpu} learns why nothing seems to move; empty for lighter settings. Planning only: an
     * evaluation of a large model planned as the cpu preset plans is not slow, and training with heavy planning
     * has heavy updates too.
     */
    static Optional<String> madeForGpus(TdmpcConfig cfg, AgentContext context) {
        int o = context.observationSize();
        int a = context.actionSize();
        int n = context.tasks().size();
        double ratio = FlopCount.act(cfg, o, a, n) / FlopCount.act(TdmpcConfig.from(Map.of("preset", "cpu")), o, a, n);
        if (ratio < 10) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT,
                "these TD-MPC2 settings (preset %s, %dM model, %d samples x %s) are made for GPUs: on "
                        + "this CPU each act does %.0fx the work of preset=cpu's (about 15 ms on 2 cores), and "
                        + "training updates grow with them. preset=cpu (--preset cpu) is made for CPUs; for a GPU "
                        + "see `tdmpc2j setup gpu`.",
                cfg.preset(), cfg.modelSize(), cfg.numSamples(), Messages.plural(cfg.planIterations(a), "iteration"),
                ratio));
    }

    public TdmpcConfig config() {
        return cfg;
    }

    /** Whether act replays a captured CUDA graph (GPU with the native extension, cuda_graphs=true, capture ok). */
    public boolean cudaGraphsActive() {
        return graphs;
    }

    public int seedSteps() {
        return seedSteps;
    }

    /** Learnable scalars of the world model (target Q heads and optimiser state not counted). */
    public long parameterCount() {
        return store.count(List.of("encoder", "dynamics", "reward", "termination", "pi", "qs", "task_emb"));
    }

    ParamStore store() {
        return store;
    }

    /**
     * Starts the agent's random draws over from {@code seed}, as its constructor seeds them: the planner's and the
     * model's (its own generator on the CPU, the engine's on a GPU, there shared by the JVM's agents) and those of
     * the seed phase's random actions and the replay buffer's sampling.
     */
    @Override
    public void reseed(long seed) {
        checkOpen();
        rng = new SplittableRandom(seed);
        int s = engineSeed(seed);
        if (ownDraws != null) {
            ownDraws.reseed(s);
        } else {
            engine.setRandomSeed(s);
        }
    }

    /** The 32-bit seed the engine's generator takes (DJL's {@code setRandomSeed} takes an int). */
    private static int engineSeed(long seed) {
        return (int) (seed ^ (seed >>> 32));
    }

    WorldModel model() {
        return model;
    }

    /**
     * Starts an episode in a row: its next act plans without a warm start. The seed is not used: the agent's
     * draws come from its own generators (seeded by the context), as the reference's do. A training row whose
     * previous episode has steps not yet ended by a done transition adds them to the buffer as a truncated episode,
     * so a caller observes a row's last (done) step before it begins the row's next episode.
     */
    @Override
    public void beginEpisode(int row, int task, boolean eval, long seed) {
        checkOpen();
        checkTask(task);
        checkRow(row);
        row(row, eval).first = true;
        if (!eval) {
            List<Transition> episode = pending.get(row);
            if (episode != null && !episode.isEmpty()) {
                // the row's episode was cut without a done step: it goes in as a truncated episode
                Transition last = episode.get(episode.size() - 1);
                episode.set(episode.size() - 1, new Transition(last.task(), last.observation(), last.action(),
                        last.reward(), last.nextObservation(), false, true));
                episode.forEach(buffer::add);
                episode.clear();
            }
        }
    }

    @Override
    public float[][] act(float[][] observations, int[] tasks, boolean eval) {
        checkOpen();
        context.requireAct(observations, tasks);
        int o = context.observationSize();
        int[] planned = new int[observations.length];
        int b = 0;
        for (int row = 0; row < observations.length; row++) {
            if (observations[row] != null) {
                planned[b++] = row;
            }
        }
        float[][] actions = new float[observations.length][];
        if (!eval && seedPhase()) {
            // seed phase: uniform actions from the agent's generator, row by row
            for (int i = 0; i < b; i++) {
                float[] mask = context.actionMasks().get(tasks[planned[i]]);
                float[] a = new float[actionDim];
                for (int k = 0; k < actionDim; k++) {
                    a[k] = mask[k] * (float) (rng.nextDouble() * 2 - 1);
                }
                actions[planned[i]] = a;
            }
            return actions;
        }
        if (b == 0) {
            return actions;
        }
        if (heavyOnCpu != null && !WARNED_CPU.getAndSet(true)) {
            LOG.warn(heavyOnCpu);
        }
        // one input for the whole batch: observations [B, O], notFirst [B], explore [B], task [B], means [B, H, A]
        int ha = cfg.horizon() * actionDim;
        float[] input = new float[b * (o + 3 + ha)];
        RowState[] states = new RowState[b];
        for (int i = 0; i < b; i++) {
            int row = planned[i];
            states[i] = row(row, eval);
            System.arraycopy(observations[row], 0, input, i * o, o);
            input[b * o + i] = states[i].first ? 0f : 1f;
            input[b * (o + 1) + i] = eval ? 0f : 1f;
            input[b * (o + 2) + i] = tasks[row];
            System.arraycopy(states[i].mean, 0, input, b * (o + 3) + i * ha, ha);
            states[i].first = false;
        }
        float[] out;
        try (NoGrad off = new NoGrad()) {
            out = plan(input, b);
        }
        for (int i = 0; i < b; i++) {
            int row = planned[i];
            float[] mask = context.actionMasks().get(tasks[row]);
            float[] a = java.util.Arrays.copyOfRange(out, i * actionDim, (i + 1) * actionDim);
            for (int k = 0; k < actionDim; k++) {
                a[k] *= mask[k];
            }
            actions[row] = a;
            System.arraycopy(out, b * actionDim + i * ha, states[i].mean, 0, ha);
        }
        return actions;
    }

    /** The planning state of a training or evaluation row, made on first use. */
    private RowState row(int row, boolean eval) {
        return (eval ? evalRows : trainRows).computeIfAbsent(row,
                r -> new RowState(new float[cfg.horizon() * actionDim]));
    }

    /** Plans a batch of {@code b} rows: through the captured graph of that batch size on a GPU, else eagerly. */
    private float[] plan(float[] input, int b) {
        if (multitask) {
            // made before any capture: their host-to-device copies cannot be part of a graph
            taskTables();
        }
        float[] out = graphs ? replay(actGraphs.computeIfAbsent(b, k -> new GraphedCall(store.manager(),
                input.length, in -> actOnDevice(in, k), List::of)), input, "act") : null;
        if (out == null) {
            try (NDScope scope = new NDScope(); NDManager m = store.manager().newSubManager()) {
                out = actOnDevice(m.create(input), b).toFloatArray();
            }
        }
        return out;
    }

    /**
     * What act does on the device for {@code b} rows, without a host round trip: from the packed input
     * (observations [B, O]; per row 0 on an episode's first step and 1 after, 1 to explore and 0 to evaluate, the
     * task index; the previous plan's means [B, H, A]) to the packed output (actions [B, A], then the refined
     * means [B, H, A] that the host keeps per row for the next step's warm start). The tasks are an input, so one
     * captured graph serves every mix of tasks.
     */
    private NDArray actOnDevice(NDArray input, int b) {
        int o = context.observationSize();
        int h = cfg.horizon();
        NDArray obs = input.get("0:" + b * o).reshape(b, o);
        NDArray notFirst = input.get(b * o + ":" + b * (o + 1));
        NDArray explore = input.get(b * (o + 1) + ":" + b * (o + 2));
        NDArray previous = input.get(b * (o + 3) + ":").reshape(b, h, actionDim);
        Planner.Tasks tasks = null;
        if (multitask) {
            NDArray index = input.get(b * (o + 2) + ":" + b * (o + 3)).toType(DataType.INT64, false);
            NDArray[] table = taskTables();
            tasks = new Planner.Tasks(model.taskEmbedding(index), table[0].get(new NDIndex("{}", index)),
                    table[1].get(new NDIndex("{}", index)));
        }
        if (!cfg.mpc()) {
            NDArray emb = tasks == null ? null : tasks.emb();
            NDArray z = model.encode(obs, emb, false);
            // (the entropy's action-dim scale is not read here)
            WorldModel.PolicySample s = model.pi(z, emb, tasks == null ? null : tasks.mask(), null, false);
            NDArray action = s.mean().add(s.action().sub(s.mean()).mul(explore.reshape(b, 1)));
            return action.reshape(-1).concat(previous.reshape(-1), 0);
        }
        Planner.Plan plan = planner.plan(obs, tasks, discounts[0], previous, notFirst, explore);
        return plan.action().reshape(-1).concat(plan.mean().reshape(-1), 0);
    }

    /**
     * Per task, on the device and made once (multitask only): action masks [T, A], discounts [T, 1] and the
     * number of action dims each uses [T, 1] (its policy's entropy scale), indexed by a batch's task indices.
     */
    private NDArray[] taskTables() {
        if (taskTables == null) {
            int n = context.tasks().size();
            float[] masks = new float[n * actionDim];
            float[] dims = new float[n];
            for (int k = 0; k < n; k++) {
                float[] mask = context.actionMasks().get(k);
                System.arraycopy(mask, 0, masks, k * actionDim, actionDim);
                dims[k] = sum(mask);
            }
            NDManager m = store.manager();
            taskTables = new NDArray[] {m.create(masks, new Shape(n, actionDim)), m.create(discounts, new Shape(n, 1)),
                    m.create(dims, new Shape(n, 1))};
            NDScope.unregister(taskTables);
        }
        return taskTables;
    }

    /**
     * Runs a graphed call; on a failure (an op that synchronises, a driver that refuses the capture) every graph
     * is dropped, the agent continues eagerly, and null is returned.
     */
    private float[] replay(GraphedCall call, float[] input, String what) {
        try {
            return call.run(input);
        } catch (RuntimeException e) {
            LOG.warn("CUDA graph capture of {} failed ({}); "
                    + "acting and updating eagerly from now on (cuda_graphs=false skips the attempt)", what,
                    e.toString());
            graphs = false;
            closeGraphs();
            return null;
        }
    }

    private void closeGraphs() {
        actGraphs.values().forEach(GraphedCall::close);
        actGraphs.clear();
        if (updateGraph != null) {
            updateGraph.close();
            updateGraph = null;
        }
    }

    /** Turns on what the GPU path uses; false (eager on the GPU) when the native extension is missing. */
    private static boolean gpuFeatures(TdmpcConfig cfg) {
        if (!TorchNative.available()) {
            LOG.warn("running eagerly on the GPU (no CUDA graphs, "
                    + "no TF32): {}", TorchNative.unavailableReason().orElse(""));
            return false;
        }
        TorchNative.setTf32(cfg.tf32());
        return cfg.cudaGraphs();
    }

    /**
     * Records one vector step. Each training row's transitions are held until its episode ends and then go into
     * the replay buffer as one whole episode (as the reference's trainer adds episodes), so the buffer holds only
     * finished episodes and no sub-trajectory mixes rows. Every non-null transition is one env step; step k owes
     * {@code seedSteps} updates when k == seedSteps (the catch-up on the seed data) and one when k > seedSteps and
     * k is a multiple of {@code update_every}, so N rows stepping together owe about N / update_every updates per
     * vector step. Owed updates run once the buffer holds a sub-trajectory (until then, when the seed phase is
     * shorter than the first episode, they wait and training acts stay random).
     */
    @Override
    public Map<String, Double> observe(Transition[] transitions) {
        checkOpen();
        context.requireTransitions(transitions);
        noteShortSeedPhase(); // training feeds transitions: an agent that only evaluates or collects gets none
        for (int row = 0; row < transitions.length; row++) {
            Transition transition = transitions[row];
            if (transition == null) {
                continue;
            }
            List<Transition> episode = pending.computeIfAbsent(row, r -> new ArrayList<>());
            // copies: the caller may reuse its arrays for the next step before the episode ends
            episode.add(new Transition(transition.task(), transition.observation().clone(),
                    transition.action().clone(), transition.reward(), transition.nextObservation().clone(),
                    transition.terminated(), transition.truncated()));
            steps++;
            if (steps == seedSteps) {
                owedUpdates += seedSteps;
            } else if (steps > seedSteps && steps % cfg.updateEvery() == 0) {
                owedUpdates++;
            }
            if (transition.done()) {
                episode.forEach(buffer::add);
                episode.clear();
                row(row, false).first = true;
            }
        }
        Map<String, Double> metrics = Map.of();
        try {
            if (owedUpdates > 0 && buffer.canSample(cfg.horizon())) {
                boolean catchUp = owedUpdates >= seedSteps && seedSteps > 1;
                long owed = owedUpdates;
                for (long done = 0; owedUpdates > 0 && !updatesInterrupted; owedUpdates--, done++) {
                    long start = System.nanoTime();
                    metrics = update();
                    scheduledUpdates++;
                    if (catchUp && done == 1) {
                        tellCatchUp(owed, owedUpdates - 1, (System.nanoTime() - start) / 1e9);
                    }
                }
            }
        } finally {
            updatesInterrupted = false;
        }
        return metrics;
    }

    /**
     * Says, after the second update of the seed phase's catch-up of {@code owed}, that {@code left} more run before
     * the next step and about how long they take at that one's {@code seconds}, when that is a while: a run showed
     * nothing for their time, half a minute with the cpu preset on 2 cores, an hour with the paper preset on a CPU.
     * Not the first update's time: that one warms up (on a GPU it runs the update twice and captures its CUDA graph),
     * and on an H200 it announced 12 minutes (289 ms per update) for a catch-up of 2,500 that took about 7 s.
     */
    private void tellCatchUp(long owed, long left, double seconds) {
        double estimate = left * seconds;
        if (estimate >= 10) {
            LOG.info("the seed phase is over at step {}: its catch-up of {} updates on the seed data runs before the "
                    + "next step, about {} ({} ms per update)", steps, owed, estimate >= 90
                    ? Math.round(estimate / 60) + " min" : Math.round(estimate) + " s", Math.round(seconds * 1000));
        }
    }

    /** The owed updates that an interrupted {@link #observe} left run in the next one. */
    @Override
    public void interruptUpdates() {
        updatesInterrupted = true;
    }

    /** Says, once per JVM, that the seed phase ends before the first episode can (a training matter only). */
    private void noteShortSeedPhase() {
        if (seedSteps > 0 && seedSteps < shortestEpisode && !WARNED_SHORT_SEED.get()
                && !WARNED_SHORT_SEED.getAndSet(true)) {
            LOG.info("seed_steps={} is shorter than the episodes ({} steps for the shortest task, unless one ends "
                    + "early): the replay buffer takes whole episodes, so updates begin when the first episode ends, "
                    + "and training acts stay random until then", seedSteps, shortestEpisode);
        }
    }

    /**
     * Refuses, when the agent is made, tasks whose episodes are shorter than the horizon: updates learn from
     * sub-trajectories of {@code horizon} steps inside one episode, so none of such a task's steps would be learned
     * from (with every task so, the first update failed), and planning looks past the episode's end.
     */
    private static void checkHorizonFitsEpisodes(TdmpcConfig cfg, AgentContext context) {
        int horizon = cfg.horizon();
        TaskSpec shortTask = context.tasks().stream().min(java.util.Comparator.comparingInt(
                TaskSpec::maxEpisodeSteps)).orElseThrow();
        int shortestEpisode = shortTask.maxEpisodeSteps();
        if (shortestEpisode >= horizon) {
            return;
        }
        throw new ConfigException("horizon=" + horizon + " is longer than the episodes of " + shortTask.id() + " ("
                + Messages.plural(shortestEpisode, "step") + "): updates learn from sub-trajectories of horizon steps "
                + "inside one episode, so none of its steps could be learned from; give --set-param horizon="
                + shortestEpisode + " or less (the reference's is 3)");
    }

    /** Whether training acts are random: the seed phase, and after it until its catch-up updates have run. */
    private boolean seedPhase() {
        return (steps < seedSteps && !modelTrained) || (owedUpdates > 0 && !buffer.canSample(cfg.horizon()));
    }

    /** Gradient updates the schedule has run in this object's life (for tests). */
    long scheduledUpdates() {
        return scheduledUpdates;
    }

    /** Steps held in the replay buffer. */
    int bufferSize() {
        return buffer.size();
    }

    /** A batch drawn from the replay buffer with the given generator (for tests). */
    ReplayBuffer.Batch sampleBuffer(SplittableRandom generator) {
        return buffer.sample(cfg.batchSize(), cfg.horizon(), generator);
    }

    /** The world model's one-step reward predictions for (observation, action) pairs of one task (for tests). */
    float[] predictRewards(float[][] observations, float[][] actions, int task) {
        checkOpen();
        checkTask(task);
        int n = observations.length;
        float[] obsFlat = new float[n * context.observationSize()];
        float[] actFlat = new float[n * actionDim];
        for (int i = 0; i < n; i++) {
            System.arraycopy(observations[i], 0, obsFlat, i * context.observationSize(), context.observationSize());
            System.arraycopy(actions[i], 0, actFlat, i * actionDim, actionDim);
        }
        try (NDScope scope = new NDScope(); NDManager m = store.manager().newSubManager()) {
            int[] tasks = new int[n];
            java.util.Arrays.fill(tasks, task);
            NDArray emb = model.taskEmbedding(m, tasks);
            NDArray z = model.encode(m.create(obsFlat, new Shape(n, context.observationSize())), emb, false);
            NDArray logits = model.reward(z, m.create(actFlat, new Shape(n, actionDim)), emb, false);
            return model.twoHot().decode(logits).reshape(-1).toFloatArray();
        }
    }

    /** Adds a recorded episode to the replay buffer, for offline training on a dataset. */
    @Override
    public void addEpisode(Episode episode) {
        checkOpen();
        context.requireEpisode(episode);
        int t = episode.length();
        if ((long) buffer.size() + t > buffer.capacity()) {
            // the ring would drop the steps added first (the dataset's first tasks): learning from part of the data
            // without a word
            throw bufferTooSmall(buffer.capacity(), "it is full after " + Messages.plural(buffer.size(), "step"), -1);
        }
        recorded = true;
        buffer.keepEverything();
        for (int i = 0; i < t; i++) {
            boolean last = i == t - 1;
            buffer.add(new Transition(episode.task(), episode.observations()[i], episode.actions()[i],
                    episode.rewards()[i], episode.observations()[i + 1], last && episode.terminated(),
                    last && !episode.terminated()));
        }
    }

    /** One gradient step of the world model and one of the policy prior, on a batch from the buffer. */
    @Override
    public Map<String, Double> update() {
        checkOpen();
        modelTrained = true;
        return update(buffer.sample(cfg.batchSize(), cfg.horizon(), rng));
    }

    /** One update on the given batch (of {@code batch_size} sub-trajectories of {@code horizon} steps). */
    Map<String, Double> update(ReplayBuffer.Batch b) {
        // one copy to the device for the whole batch, its tasks included (multitask): so the update of every
        // mix of tasks is the same sequence of kernels, which one captured graph replays
        float[] tasks = new float[multitask ? b.task().length : 0];
        for (int i = 0; i < tasks.length; i++) {
            tasks[i] = b.task()[i];
        }
        float[] packed = new float[b.obs().length + b.action().length + b.reward().length + b.terminated().length
                + tasks.length];
        int at = 0;
        for (float[] part : new float[][] {b.obs(), b.action(), b.reward(), b.terminated(), tasks}) {
            System.arraycopy(part, 0, packed, at, part.length);
            at += part.length;
        }
        if (multitask) {
            // made before any capture: their host-to-device copies cannot be part of a graph
            taskTables();
        }
        float[] read = null;
        if (graphs) {
            if (updateGraph == null) {
                updateGraph = new GraphedCall(store.manager(), packed.length, this::updateOnDevice,
                        this::trainingState);
            }
            read = replay(updateGraph, packed, "update");
        }
        if (read == null) {
            try (NDScope scope = new NDScope(); NDManager m = store.manager().newSubManager()) {
                read = updateOnDevice(m.create(packed)).toFloatArray();
            }
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < metricNames.size(); i++) {
            out.put(metricNames.get(i), (double) read[i]);
        }
        return out;
    }

    /**
     * The update on the device, from the packed batch (observations [H+1, N, O], actions [H, N, A], rewards and
     * terminations [H, N, 1], then for a multitask agent the task index of each of the N sub-trajectories,
     * flattened in that order) to its metrics [k], named in {@link #metricNames}. Nothing is read back, and every
     * state change is in place, so that it can be captured.
     */
    private NDArray updateOnDevice(NDArray batch) {
        NDManager m = batch.getManager();
        int h = cfg.horizon();
        int n = cfg.batchSize();
        int o = context.observationSize();
        int obsEnd = (h + 1) * n * o;
        int actEnd = obsEnd + h * n * actionDim;
        int rewEnd = actEnd + h * n;
        int termEnd = rewEnd + h * n;
        NDArray obs = batch.get("0:" + obsEnd).reshape(h + 1, n, o);
        NDArray action = batch.get(obsEnd + ":" + actEnd).reshape(h, n, actionDim);
        NDArray reward = batch.get(actEnd + ":" + rewEnd).reshape(h, n, 1);
        NDArray terminated = batch.get(rewEnd + ":" + termEnd).reshape(h, n, 1);
        NDArray emb = null;
        NDArray taskIndex = null;
        NDArray mask = null;
        NDArray dims = null;
        NDArray discount;
        if (multitask) {
            taskIndex = batch.get(termEnd + ":").toType(DataType.INT64, false);
            emb = model.taskEmbedding(taskIndex).stopGradient();
            NDArray[] table = taskTables();
            NDIndex rows = new NDIndex("{}", taskIndex);
            mask = table[0].get(rows);
            discount = table[1].get(rows);
            dims = table[2].get(rows);
        } else {
            discount = Scalars.scalar(obs, discounts[0]);
        }

        // targets, without gradients
        NDArray nextZ;
        NDArray tdTarget;
        try (NoGrad off = new NoGrad()) {
            nextZ = model.encode(obs.get("1:"), emb == null ? null : emb.stopGradient(), false);
            NDArray nextAction = model.piAction(nextZ, emb == null ? null : emb.stopGradient(), mask);
            tdTarget = reward.add(discount.mul(Scalars.oneMinus(terminated))
                    .mul(model.q(nextZ, nextAction, emb == null ? null : emb.stopGradient(), false, true, true,
                            false)));
        }
        float[] rho = new float[h + 1];
        for (int t = 0; t <= h; t++) {
            rho[t] = (float) Math.pow(cfg.rho(), t);
        }
        if (rhoWeights == null) {
            rhoWeights = store.manager().create(rho);
            NDScope.unregister(rhoWeights);
        }
        NDArray rhoH = rhoWeights.get("0:" + h);

        // losses stay on the device until one read at the end
        Map<String, NDArray> metrics = new LinkedHashMap<>();
        NDList zs = new NDList();
        try (Recording rec = new Recording()) {
            // looked up again here, where gradients are recorded: outside this block they are not (on the
            // thread that loaded the engine), and the task embeddings would not learn (reference parity found it)
            NDArray learnEmb = taskIndex == null ? null : model.taskEmbedding(taskIndex);
            NDArray z = model.encode(obs.get(0), learnEmb, true);
            zs.add(z);
            NDArray consistency = null;
            for (int t = 0; t < h; t++) {
                z = model.next(z, action.get(t), learnEmb, true);
                NDArray mse = Scalars.mul(z.sub(nextZ.get(t)).square().mean(), rho[t]);
                consistency = consistency == null ? mse : consistency.add(mse);
                zs.add(z);
            }
            consistency = Scalars.div(consistency, h);
            NDArray rolled = NDArrays.stack(new NDList(zs.subNDList(0, h)));
            NDArray rewardLoss = Scalars.div(Scalars.div(model.twoHot().crossEntropy(
                    model.reward(rolled, action, learnEmb, true), reward).sum(new int[] {1, 2}), n).mul(rhoH).sum(),
                    h);
            NDArray qLogits = model.qAll(rolled, action, learnEmb, true);
            NDArray valueLoss = Scalars.div(Scalars.div(model.twoHot().crossEntropy(qLogits,
                    tdTarget.expandDims(0)).sum(new int[] {2, 3}), n).mul(rhoH).sum(), (float) h * cfg.numQ());
            NDArray total = Scalars.mul(consistency, cfg.consistencyCoef())
                    .add(Scalars.mul(rewardLoss, cfg.rewardCoef())).add(Scalars.mul(valueLoss, cfg.valueCoef()));
            if (model.episodic()) {
                NDArray logits = model.terminationLogits(NDArrays.stack(new NDList(zs.subNDList(1))), learnEmb,
                        true);
                NDArray bce = Scalars.maximum(logits, 0f).sub(logits.mul(terminated))
                        .add(Scalars.add(logits.abs().neg().exp(), 1f).log()).mean();
                total = total.add(Scalars.mul(bce, cfg.terminationCoef()));
                metrics.put("termination_loss", bce);
            }
            rec.backward(total);
            metrics.put("consistency_loss", consistency);
            metrics.put("reward_loss", rewardLoss);
            metrics.put("value_loss", valueLoss);
            metrics.put("total_loss", total);
        }
        metrics.put("grad_norm", optim.step(m));

        NDArray latents = NDArrays.stack(zs).stopGradient();
        try (Recording rec = new Recording()) {
            // the embeddings after the model's step (and renormalised again), detached: the reference's policy
            // loss reads them after the step too, but lets their gradient leak into the next model step
            NDArray piEmb = taskIndex == null ? null : model.taskEmbedding(taskIndex).stopGradient();
            WorldModel.PolicySample s = model.pi(latents, piEmb, mask, dims, true);
            NDArray q = model.q(latents, s.action(), piEmb, true, false, true, true);
            scale.update(q.get(0));
            NDArray scaled = q.div(scale.tensor());
            NDArray piLoss = Scalars.div(Scalars.mul(s.scaledEntropy(), cfg.entropyCoef()).add(scaled)
                    .sum(new int[] {1, 2}), n).neg().mul(rhoWeights).mean();
            rec.backward(piLoss);
            metrics.put("pi_loss", piLoss);
            metrics.put("pi_scaled_entropy", s.scaledEntropy().mean());
        }
        metrics.put("pi_grad_norm", piOptim.step(m));
        metrics.put("pi_scale", scale.tensor());
        model.softUpdateTargets();
        NDList values = new NDList();
        metrics.values().forEach(v -> values.add(v.stopGradient().reshape(1)));
        metricNames = List.copyOf(metrics.keySet());
        return NDArrays.concat(values);
    }

    /**
     * What an update changes: weights, target weights, optimiser moments and step counters, the running scale, the
     * gradients.
     */
    private List<NDArray> trainingState() {
        List<NDArray> state = new ArrayList<>(store.all().values());
        state.add(optim.deviceSteps());
        state.add(piOptim.deviceSteps());
        state.add(scale.tensor());
        state.removeIf(java.util.Objects::isNull);
        return state;
    }

    @Override
    public java.util.Optional<io.github.tdmpc2j.spi.TaskSpace> space() {
        return java.util.Optional.of(context.space());
    }

    @Override
    public long steps() {
        return steps;
    }

    /**
     * Weights, optimiser state, counters and the replay buffer, into a new checkpoint folder. The training rows'
     * episodes in progress (not yet in the buffer) are not saved: a resumed run starts new episodes. A buffer of
     * recorded episodes ({@link #addEpisode}) is not saved either: its dataset holds them.
     */
    @Override
    public void writeState(Path dir) {
        checkOpen();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("steps", Long.toString(steps));
        meta.put("optim_steps", Long.toString(optim.steps()));
        meta.put("pi_optim_steps", Long.toString(piOptim.steps()));
        meta.put("scale", Float.toString(scale.value()));
        meta.put("owed_updates", Long.toString(owedUpdates));
        Checkpoint.save(dir, store, meta, cfg, context);
        if (!recorded) {
            SafeTensors.write(dir.resolve(BUFFER_FILE), buffer.export(), Map.of("steps", Long.toString(steps)));
        }
    }

    /**
     * Restores a verified checkpoint folder: the weights and counters, and the replay buffer when it was saved and
     * this agent holds no recorded episodes (those given again by a resumed offline run are the data it learns from,
     * not an older copy of them that a checkpoint written before offline runs left their buffer out may hold).
     */
    @Override
    public void readState(Path dir) {
        checkOpen();
        Map<String, String> meta = Checkpoint.load(dir, store, cfg, context);
        steps = Long.parseLong(meta.get("steps"));
        optim.setSteps(Long.parseLong(meta.get("optim_steps")));
        piOptim.setSteps(Long.parseLong(meta.get("pi_optim_steps")));
        scale.set(Float.parseFloat(meta.get("scale")));
        // an online run saved in its seed phase has made no update (its catch-up comes at the phase's end)
        modelTrained = optim.steps() > 0 || meta.containsKey(io.github.tdmpc2j.agent.reference.ReferenceImport.IMPORTED_FROM);
        trainRows.values().forEach(r -> r.first = true);
        evalRows.values().forEach(r -> r.first = true);
        // episodes in progress are not saved: the resumed run starts new ones
        pending.clear();
        // updates the schedule owed when it was saved (an interrupted catch-up, or one that had not yet run for want
        // of a finished episode); checkpoints written before this was recorded owe them only in the latter case
        String owed = meta.get("owed_updates");
        owedUpdates = owed != null ? Long.parseLong(owed) : steps >= seedSteps && optim.steps() == 0
                ? seedSteps + steps / cfg.updateEvery() - seedSteps / cfg.updateEvery() : 0;
        Path bufferFile = dir.resolve(BUFFER_FILE);
        if (recorded && java.nio.file.Files.isRegularFile(bufferFile)) {
            LOG.info("the checkpoint's replay buffer {} is not restored: this agent learns from the {} steps of the "
                    + "recorded episodes it was given", bufferFile, buffer.size());
        } else if (java.nio.file.Files.isRegularFile(bufferFile)) {
            int dropped;
            try (SafeTensors.Reader saved = SafeTensors.Reader.open(bufferFile)) {
                dropped = buffer.restore(saved);
            } catch (ConfigException | io.github.tdmpc2j.spi.GivingUp.GivenUp | CheckpointException e) {
                // a heap too small for the buffer: the checkpoint is whole, more heap resumes it; or a stop (no
                // damage); or a damaged file, whose message names it and says what to do, as the weights' does
                throw e;
            } catch (RuntimeException e) {
                throw new CheckpointException(bufferFile + " (the replay buffer) cannot be read: " + e.getMessage()
                        + "; the checkpoint is damaged, use another one", e);
            }
            if (dropped > 0) {
                // a smaller buffer_size than the run had (given on resume): the buffer drops its oldest steps, as
                // it does when it is full
                LOG.warn("the checkpoint's replay buffer holds {} steps, more than buffer_size={}: its oldest {} are "
                        + "dropped, its newest {} kept", dropped + buffer.capacity(), buffer.capacity(), dropped,
                        buffer.capacity());
            }
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            closeGraphs();
            if (ownDraws != null) {
                ownDraws.close();
            }
            store.close();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new io.github.tdmpc2j.spi.EnvStateException("this TD-MPC2 agent is closed; create a new one");
        }
    }

    private static void checkRow(int row) {
        if (row < 0) {
            throw new TdmpcException("row " + row + " is negative: rows are 0, 1, ... (one per env of the vector env)");
        }
    }

    private void checkTask(int task) {
        context.requireTask(task, -1);
    }

    private static float sum(float[] x) {
        float s = 0;
        for (float v : x) {
            s += v;
        }
        return s;
    }
}
