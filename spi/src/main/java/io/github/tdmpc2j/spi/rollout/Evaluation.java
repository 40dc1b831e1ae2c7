package io.github.tdmpc2j.spi.rollout;

import io.github.tdmpc2j.spi.MultitaskEnv;
import io.github.tdmpc2j.spi.TaskSpace;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.vector.EpisodeSchedule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;

/**
 * Evaluation: {@code episodes} episodes of every task the rows of a {@link MultitaskEnv} run, with no
 * exploration and no learning, spread over the rows of each task. Episode e of every task is reset with
 * {@code seed + e}, whichever row runs it, so the result does not depend on the row count.
 */
public final class Evaluation {
    /** The result of one task: each episode's return (in episode order), their mean, and the success rate. */
    public record TaskResult(int task, TaskSpec spec, double[] returns, double meanReturn, boolean hasSuccess,
            double successRate) {
        public int episodes() {
            return returns.length;
        }
    }

    private Evaluation() {
    }

    /**
     * The rows (task ids, a task once per row) to evaluate {@code episodes} episodes of every task of {@code space}
     * on: per task, as many as training runs ({@code rowsPerTask}) or enough to keep the machine busy, two rows per
     * core in all (where batched planning saturates on a CPU: bench/RESULTS.md, "The rollout engine with N
     * rows"), and at most one per episode. Episodes keep their seeds whatever the row count.
     */
    public static List<String> rows(TaskSpace space, int episodes, int rowsPerTask) {
        if (space == null) {
            throw new TdmpcException("the task space is null: pass the tasks' space (TaskSpace.of(specs))");
        }
        return rows(space, episodes, rowsPerTask, Runtime.getRuntime().availableProcessors());
    }

    /** {@link #rows}' count per task, for {@code tasks} tasks evaluated at the same time on this machine. */
    public static int rowsPerTask(int episodes, int rowsPerTask, int tasks) {
        if (tasks < 1) {
            throw new TdmpcException("an evaluation of " + tasks + " tasks has no rows: pass how many tasks are "
                    + "evaluated at the same time, 1 or more");
        }
        return rowsPerTask(episodes, rowsPerTask, tasks, Runtime.getRuntime().availableProcessors());
    }

    private static int rowsPerTask(int episodes, int rowsPerTask, int tasks, int cores) {
        return Math.max(1, Math.min(episodes, Math.max(rowsPerTask, 2 * cores / tasks)));
    }

    static List<String> rows(TaskSpace space, int episodes, int rowsPerTask, int cores) {
        int perTask = rowsPerTask(episodes, rowsPerTask, space.taskCount(), cores);
        List<String> ids = new ArrayList<>();
        for (TaskSpec t : space.tasks()) {
            for (int i = 0; i < perTask; i++) {
                ids.add(t.id());
            }
        }
        return ids;
    }

    /** Runs the episodes; one result per task, in task order. */
    public static List<TaskResult> run(MultitaskEnv env, Agent agent, int episodes, long seed) {
        return run(env, agent, episodes, seed, () -> false).orElseThrow();
    }

    /**
     * As {@link #run(MultitaskEnv, Agent, int, long)}, but gives up between two steps once {@code stop} answers
     * true (a run asked to stop does not wait for an evaluation of minutes to end): empty then, with the rows left
     * in the middle of their episodes.
     */
    public static Optional<List<TaskResult>> run(MultitaskEnv env, Agent agent, int episodes, long seed,
            BooleanSupplier stop) {
        return run(env, agent, episodes, seed, stop, Watch.NONE);
    }

    /**
     * What an evaluation has done so far, told after each of its steps: for a progress display, since an evaluation
     * of a large model on a CPU runs for minutes to hours (the paper preset's ten episodes at step 0) with nothing
     * else to show.
     *
     * @param steps    the agent steps taken so far, of all rows
     * @param maxSteps the agent steps of the whole evaluation if no episode ends early (each task's episodes times
     *                 its episode length)
     * @param ended    the episodes ended so far, of all tasks
     * @param episodes the episodes of the evaluation, of all tasks
     * @param seconds  since the evaluation began
     */
    public record Status(long steps, long maxSteps, long ended, long episodes, double seconds) {
    }

    /** Told an evaluation's {@link Status} after each of its steps. */
    @FunctionalInterface
    public interface Watch {
        /** Tells nothing. */
        Watch NONE = status -> {
        };

        void stepped(Status status);
    }

    /** As {@link #run(MultitaskEnv, Agent, int, long, BooleanSupplier)}, telling {@code watch} after each step. */
    public static Optional<List<TaskResult>> run(MultitaskEnv env, Agent agent, int episodes, long seed,
            BooleanSupplier stop, Watch watch) {
        if (episodes <= 0) {
            throw new TdmpcException("episodes must be positive, got " + episodes + ": pass how many episodes of "
                    + "each task to run");
        }
        if (stop == null || watch == null) {
            throw new TdmpcException(stop == null ? "the stop check is null: pass () -> false to run every episode"
                    : "the watch is null: pass Evaluation.Watch.NONE to be told nothing");
        }
        Rollout rollout = new Rollout(env, agent, Rollout.Mode.EVALUATE);
        rollout.start(EpisodeSchedule.perTask(env.tasks(), episodes, (t, e) -> seed + e, EpisodeSchedule.Skip.NONE));
        TreeMap<Integer, double[]> returns = new TreeMap<>();
        TreeMap<Integer, Integer> successes = new TreeMap<>();
        TreeMap<Integer, Boolean> hasSuccess = new TreeMap<>();
        for (int t : env.tasks()) {
            // grown as episodes end: memory for the episodes run, whatever number was asked for
            returns.put(t, new double[Math.min(episodes, 1024)]);
            successes.put(t, 0);
            hasSuccess.put(t, false);
        }
        long start = System.nanoTime();
        long total = (long) episodes * returns.size(); // the tasks the rows run, each once
        long maxSteps = returns.keySet().stream().mapToLong(t -> (long) episodes * env.space().spec(t)
                .maxEpisodeSteps()).sum();
        long ended = 0;
        long steps = 0;
        while (rollout.active()) {
            if (stop.getAsBoolean()) {
                return Optional.empty();
            }
            Rollout.Step step = rollout.step();
            steps += step.stepped();
            ended += step.finished().size();
            watch.stepped(new Status(steps, maxSteps, ended, total, (System.nanoTime() - start) / 1e9));
            for (Rollout.Finished f : step.finished()) {
                int e = (int) (f.episode() - (long) f.task() * episodes);
                double[] r = returns.get(f.task());
                if (e >= r.length) {
                    r = Arrays.copyOf(r, (int) Math.min(episodes, Math.max(e + 1L, 2L * r.length)));
                    returns.put(f.task(), r);
                }
                r[e] = f.episodeReturn();
                if (f.success().isPresent()) {
                    hasSuccess.put(f.task(), true);
                    successes.merge(f.task(), f.success().get() ? 1 : 0, Integer::sum);
                }
            }
        }
        List<TaskResult> results = new ArrayList<>();
        for (var e : returns.entrySet()) {
            int t = e.getKey();
            double mean = Arrays.stream(e.getValue()).average().orElse(Double.NaN);
            boolean has = hasSuccess.get(t);
            results.add(new TaskResult(t, env.space().spec(t), e.getValue(), mean, has,
                    has ? successes.get(t) / (double) episodes : Double.NaN));
        }
        return Optional.of(results);
    }
}
