package io.github.tdmpc2j.spi.rollout;

import io.github.tdmpc2j.spi.EnvStateException;
import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.MultitaskEnv;
import io.github.tdmpc2j.spi.StepResult;
import io.github.tdmpc2j.spi.TaskSpace;
import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.agent.Episode;
import io.github.tdmpc2j.spi.agent.Transition;
import io.github.tdmpc2j.spi.vector.EpisodeSchedule;
import io.github.tdmpc2j.spi.vector.VectorEnv;
import io.github.tdmpc2j.spi.vector.VectorStepResult;
import io.github.tdmpc2j.spi.wrappers.EnvChecker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one episode runner: an {@link Agent} acting on every row of a {@link MultitaskEnv} at once, one
 * {@link Agent#act(float[][], int[], boolean) batch} per step. Training, evaluation and data collection all run
 * on it; they differ only in the {@link Mode}. A row whose episode ended sits out the next step (its env resets,
 * see {@link VectorEnv}) and then begins its next episode of the schedule with
 * {@link Agent#beginEpisode(int, int, boolean, long)}.
 *
 * <p>An episode's success is the reference's: the success flag of its last step.
 *
 * <p>An episode kept whole ({@link Mode#COLLECT}) holds copies of its observations and actions: what an agent does
 * with the arrays afterwards (an action array it fills again at the next step, an observation it changes in place)
 * does not change what was recorded. Its actions are those the envs took: an agent's entry outside [-1, 1] clipped
 * into it, as the envs clip it.
 *
 * <p>Every observation and reward of every workflow passes {@link EnvChecker#checkOutput} here, whatever the env
 * (native, a bridge suite, a plug-in's): a NaN from a suite stops the run naming the task and step, before it
 * reaches the agent. A typed failure of an env ({@link TdmpcException}: a simulation that went unstable, a plug-in's
 * error) keeps its type and gets the task, episode and step it happened at put before its message
 * ({@link TdmpcException#addContext}): in a run of many tasks it would otherwise not say which one failed.
 */
public final class Rollout {
    /** What the rows are for. */
    public enum Mode {
        /** explore and learn: every step goes to {@link Agent#observe(Transition[])} */
        TRAIN(false, true, false),
        /** no exploration, no learning */
        EVALUATE(true, false, false),
        /** explore without learning, and keep every episode whole ({@link Finished#recorded()}) */
        COLLECT(false, false, true);

        final boolean eval;
        final boolean learn;
        final boolean record;

        Mode(boolean eval, boolean learn, boolean record) {
            this.eval = eval;
            this.learn = learn;
            this.record = record;
        }
    }

    /**
     * An episode that ended: its row, task, number and seed in the schedule, return, length, the last step's
     * success flag (empty for a task without one) and whether the task terminated it (else the time limit).
     * {@code recorded} holds it whole in {@link Mode#COLLECT} (null otherwise), with per-step flags.
     */
    public record Finished(int row, int task, long episode, long seed, double episodeReturn, int length,
            Optional<Boolean> success, boolean terminated, Recorded recorded) {
    }

    /** A whole episode with its per-step truncated and terminated flags. */
    public record Recorded(Episode episode, boolean[] truncated, boolean[] terminated) {
    }

    /** One step of every row: how many rows stepped, the episodes that ended, and the agent's update metrics. */
    public record Step(int stepped, List<Finished> finished, Map<String, Double> metrics) {
    }

    private final MultitaskEnv env;
    private final Agent agent;
    private final Mode mode;
    private final int rows;
    private final int[] tasks;
    private float[][] obs;
    private final boolean[] ended;
    private final double[] returns;
    private final int[] lengths;
    private final List<List<float[]>> observations;
    private final List<List<float[]>> actions;
    private final List<List<Float>> rewards;
    private final List<List<boolean[]>> flags;

    public Rollout(MultitaskEnv env, Agent agent, Mode mode) {
        if (env == null || agent == null || mode == null) {
            throw new TdmpcException((env == null ? "the env is null: pass the MultitaskEnv of the rows to run"
                    : agent == null ? "the agent is null: pass the agent that acts on the rows"
                    : "the mode is null: pass Rollout.Mode.TRAIN, EVALUATE or COLLECT"));
        }
        agent.space().ifPresent(made -> requireFits(made, env.space()));
        this.env = env;
        this.agent = agent;
        this.mode = mode;
        this.rows = env.numEnvs();
        this.tasks = env.tasks();
        this.ended = new boolean[rows];
        this.returns = new double[rows];
        this.lengths = new int[rows];
        this.observations = lists(rows);
        this.actions = lists(rows);
        this.rewards = lists(rows);
        this.flags = lists(rows);
    }

    public int rows() {
        return rows;
    }

    /**
     * Refuses an agent made for {@code made} acting on an env of {@code space} unless each of the env's task indices
     * is the agent's for the same task, with the agent's observation and action sizes: act would refuse the
     * observations ("pass observations padded ..."), or, the sizes alike, act for other tasks without a word.
     */
    private static void requireFits(TaskSpace made, TaskSpace space) {
        boolean fits = made.observationSize() == space.observationSize() && made.actionSize() == space.actionSize()
                && space.taskCount() <= made.taskCount();
        for (int t = 0; fits && t < space.taskCount(); t++) {
            fits = made.spec(t).id().equals(space.spec(t).id());
        }
        if (!fits) {
            throw new TdmpcException("the agent was made for " + describe(made) + ", but the env's rows run "
                    + describe(space) + ": make the agent for the env's space (AgentContext.of(env.space(), params, "
                    + "seed)), or let it act in some of its tasks with SubsetAgent.within(agent, its space, "
                    + "env.space())");
        }
    }

    /** {@code the tasks 0 a, 1 b (observations of 5 values, actions of 2 entries)}. */
    private static String describe(TaskSpace space) {
        return (space.taskCount() == 1 ? "the task " : "the tasks ") + space.describeTasks() + " (observations of "
                + Messages.plural(space.observationSize(), "value") + ", actions of "
                + Messages.plural(space.actionSize(), "entry", "entries") + ")";
    }

    /** Resets every row into its first episode of {@code schedule}. */
    public void start(EpisodeSchedule schedule) {
        if (schedule == null) {
            throw new TdmpcException("the episode schedule is null: pass the episodes each row runs "
                    + "(EpisodeSchedule.sequential(seed, rows()) for endless ones)");
        }
        try {
            obs = env.reset(schedule);
        } catch (TdmpcException e) {
            boolean[] all = new boolean[rows];
            java.util.Arrays.fill(all, true);
            throw inContext(e, all, row -> true);
        }
        java.util.Arrays.fill(ended, false);
        for (int i = 0; i < rows; i++) {
            if (obs[i] != null) {
                checkReset(i, obs[i]);
                begin(i);
            }
        }
    }

    /** True while some row has an episode in progress or to come. */
    public boolean active() {
        for (int i = 0; i < rows; i++) {
            if (obs[i] != null) {
                return true;
            }
        }
        return false;
    }

    /** One step of every row. */
    public Step step() {
        return step(rows);
    }

    /**
     * One step of at most {@code budget} rows (the first ones with an episode in progress; the others stay as they
     * are), so that a run can end on an exact step count.
     */
    public Step step(int budget) {
        if (obs == null) {
            throw new EnvStateException("step() called before start on a rollout of " + Messages.plural(rows, "row")
                    + ": call start(schedule) first (EpisodeSchedule.sequential(seed, " + rows + ") for endless "
                    + "episodes on every row)");
        }
        float[][] input = new float[rows][];
        int allowed = 0;
        for (int i = 0; i < rows; i++) {
            if (obs[i] != null && !ended[i] && allowed < budget) {
                input[i] = obs[i];
                allowed++;
            }
        }
        float[][] chosen = allowed == 0 ? new float[rows][] : agent.act(input, tasks, mode.eval);
        VectorStepResult r;
        try {
            r = env.step(chosen);
        } catch (TdmpcException e) {
            boolean[] moved = new boolean[rows];
            for (int i = 0; i < rows; i++) {
                moved[i] = input[i] != null || ended[i];
            }
            throw inContext(e, moved, row -> ended[row]);
        }
        Transition[] transitions = mode.learn ? new Transition[rows] : null;
        List<Finished> finished = new ArrayList<>();
        int stepped = 0;
        for (int i = 0; i < rows; i++) {
            float[] next = r.observations()[i];
            if (ended[i]) {
                // this step reset the row into its next episode, or the schedule left it idle
                ended[i] = false;
                obs[i] = next;
                if (next != null) {
                    checkReset(i, next);
                    begin(i);
                }
                continue;
            }
            if (input[i] == null || next == null) {
                continue; // left as it is
            }
            stepped++;
            int row = i;
            EnvChecker.checkOutput(env.spec(i), next, r.rewards()[i], () -> "step " + (lengths[row] + 1) + " of "
                    + episodeOf(row));
            Optional<Boolean> success;
            try {
                success = StepResult.success(r.infos().get(i), env.spec(i).id());
            } catch (TdmpcException e) {
                throw e.addContext(env.spec(i).id() + " failed at step " + (lengths[row] + 1) + " of " + episodeOf(row));
            }
            boolean terminated = r.terminated()[i];
            boolean truncated = r.truncated()[i];
            if (transitions != null) {
                transitions[i] = new Transition(tasks[i], input[i], chosen[i], r.rewards()[i], next, terminated,
                        truncated);
            }
            returns[i] += r.rewards()[i];
            lengths[i]++;
            if (mode.record) {
                // copies: the agent may reuse its action arrays, or change the observations it is given, next step
                observations.get(i).add(next.clone());
                actions.get(i).add(clipped(chosen[i]));
                rewards.get(i).add((float) r.rewards()[i]);
                flags.get(i).add(new boolean[] {success.orElse(false), truncated, terminated});
            }
            obs[i] = next;
            if (terminated || truncated) {
                ended[i] = true;
                EpisodeSchedule.Ticket ticket = env.episode(i);
                finished.add(new Finished(i, tasks[i], ticket.episode(), ticket.seed(), returns[i], lengths[i], success,
                        terminated, mode.record ? recorded(i, terminated) : null));
            }
        }
        Map<String, Double> metrics = transitions != null && stepped > 0 ? agent.observe(transitions) : Map.of();
        return new Step(stepped, finished, metrics);
    }

    private void checkReset(int row, float[] observation) {
        EnvChecker.checkOutput(env.spec(row), observation, 0, () -> "the reset of " + episodeOf(row));
    }

    /**
     * {@code e}, an env's failure, with where it happened put before its message: the failed row's task and the
     * reset or step of its episode ({@code resetting}: whether a row reset on this call; a failed reset is marked
     * {@link TdmpcException#inReset}), that row being the one the vector env marked ({@link TdmpcException#atRow}) or
     * the one row of {@code moved} (the rows that stepped or reset) with an episode; otherwise the tasks of those
     * rows with an episode, or of all of them when none has one.
     */
    private TdmpcException inContext(TdmpcException e, boolean[] moved, java.util.function.IntPredicate resetting) {
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            if (moved[i] && env.episode(i) != null) {
                candidates.add(i);
            }
        }
        int row = e.row() >= 0 && e.row() < rows ? e.row() : candidates.size() == 1 ? candidates.get(0) : -1;
        if (row >= 0 && env.episode(row) != null) {
            if (resetting.test(row)) {
                return e.inReset().addContext(env.spec(row).id() + " failed at the reset of " + episodeOf(row));
            }
            return e.addContext(env.spec(row).id() + " failed at step " + (lengths[row] + 1) + " of " + episodeOf(row));
        }
        if (candidates.isEmpty()) { // refused before any row had an episode (a closed vector env): every row moved
            for (int i = 0; i < rows; i++) {
                if (moved[i]) {
                    candidates.add(i);
                }
            }
        }
        return e.addContext("an env of " + String.join(", ", candidates.stream().map(i -> env.spec(i).id())
                .distinct().toList()) + " failed");
    }

    private String episodeOf(int row) {
        EpisodeSchedule.Ticket t = env.episode(row);
        return "episode " + t.episode() + " (seed " + t.seed() + ", row " + row + ")";
    }

    private void begin(int row) {
        returns[row] = 0;
        lengths[row] = 0;
        agent.beginEpisode(row, tasks[row], mode.eval, env.episode(row).seed());
        if (mode.record) {
            observations.get(row).clear();
            actions.get(row).clear();
            rewards.get(row).clear();
            flags.get(row).clear();
            observations.get(row).add(obs[row].clone());
        }
    }

    /** A copy of {@code action} in [-1, 1], as the envs clip it: the action the episode's step took. */
    private static float[] clipped(float[] action) {
        float[] a = action.clone();
        for (int i = 0; i < a.length; i++) {
            a[i] = Math.max(-1f, Math.min(1f, a[i]));
        }
        return a;
    }

    private Recorded recorded(int row, boolean terminated) {
        int n = actions.get(row).size();
        float[] rw = new float[n];
        boolean[] su = new boolean[n];
        boolean[] tr = new boolean[n];
        boolean[] te = new boolean[n];
        for (int t = 0; t < n; t++) {
            rw[t] = rewards.get(row).get(t);
            boolean[] f = flags.get(row).get(t);
            su[t] = f[0];
            tr[t] = f[1];
            te[t] = f[2];
        }
        Episode e = new Episode(tasks[row], observations.get(row).toArray(float[][]::new),
                actions.get(row).toArray(float[][]::new), rw, terminated, su);
        return new Recorded(e, tr, te);
    }

    private static <T> List<List<T>> lists(int n) {
        List<List<T>> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            l.add(new ArrayList<>());
        }
        return l;
    }
}
