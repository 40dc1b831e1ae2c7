package io.github.tdmpc2j.spi.vector;

import io.github.tdmpc2j.spi.CloseAll;
import io.github.tdmpc2j.spi.EnvStateException;
import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.TdmpcException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * Several vector envs (parts) as one: each part runs some of the rows, any subset in any order, given by its row
 * map; the rows keep their global order. Used where rows are made in different ways: the batched rows of a Python
 * worker in one part, native rows on their threads in another. The parts step at once, each on its own thread
 * (or in turn on the calling thread, when made so).
 *
 * <p>Each part runs the global {@link EpisodeSchedule} through its row map, so a row gets exactly the episodes
 * it would get in one vector env. Parts ask it from their own threads, one at a time; a schedule must therefore
 * answer from (row, k) and per-row state only, as {@link EpisodeSchedule#perTask} does, not from the order in
 * which rows ask. A part's failure reaches the caller as it was thrown, after every part has finished its step.
 */
public final class CompositeVectorEnv implements VectorEnv {
    /** A vector env and the global rows its rows are: its row j is global row {@code rows[j]}. */
    public record Part(VectorEnv env, int[] rows) {
        public Part {
            if (env == null || rows == null) {
                throw new TdmpcException("a composite vector env's part needs " + (env == null ? "its vector env"
                        : "its row map") + ", got null: pass the part's vector env and the global row of each of its "
                        + "rows");
            }
            rows = rows.clone();
        }
    }

    private final List<Part> parts;
    private final int[] partOf;
    private final int[] localOf;
    private final ExecutorService pool;
    private final Object scheduleLock = new Object();
    private volatile boolean closed;

    /**
     * Takes ownership of the parts (closing this closes them; so does a failing constructor). Their row maps must
     * cover rows 0 .. n-1 once each. {@code concurrent} steps the parts at once on threads of their own.
     */
    public CompositeVectorEnv(List<Part> parts, boolean concurrent) {
        if (parts == null || parts.stream().anyMatch(java.util.Objects::isNull)) {
            throw new TdmpcException("a composite vector env's parts " + (parts == null ? "are null" : "hold a null")
                    + ": pass a Part (a vector env and its row map) for each group of rows");
        }
        try {
            if (parts.isEmpty()) {
                throw new TdmpcException("a composite vector env needs at least one part, got none: pass a Part (a "
                        + "vector env and its row map) for each group of rows (EnvRegistry.makeVector makes a run's)");
            }
            int n = parts.stream().mapToInt(p -> p.rows().length).sum();
            int[] partOf = new int[n];
            int[] localOf = new int[n];
            Arrays.fill(partOf, -1);
            for (int p = 0; p < parts.size(); p++) {
                Part part = parts.get(p);
                if (part.env().numEnvs() != part.rows().length) {
                    throw new TdmpcException("part " + p + " has " + part.env().numEnvs() + " rows but its row "
                            + "map names " + part.rows().length + ": give the global row of each of its rows, in its "
                            + "order");
                }
                for (int j = 0; j < part.rows().length; j++) {
                    int row = part.rows()[j];
                    if (row < 0 || row >= n || partOf[row] != -1) {
                        throw new TdmpcException("the parts' row maps must name rows 0.." + (n - 1)
                                + " once each, but part " + p + " names row " + row
                                + (row >= 0 && row < n ? " again" : "") + ": give each global row to one part");
                    }
                    partOf[row] = p;
                    localOf[row] = j;
                }
            }
            this.parts = List.copyOf(parts);
            this.partOf = partOf;
            this.localOf = localOf;
            this.pool = concurrent && parts.size() > 1 ? Concurrently.pool(parts.size(), "vector-part") : null;
        } catch (RuntimeException e) {
            closeAll(parts, e);
            throw e;
        }
    }

    @Override
    public int numEnvs() {
        return partOf.length;
    }

    @Override
    public TaskSpec spec(int i) {
        Autoreset.checkRow(partOf.length, i);
        return parts.get(partOf[i]).env().spec(localOf[i]);
    }

    @Override
    public float[][] reset(EpisodeSchedule schedule) {
        checkOpen();
        Autoreset.checkSchedule(numEnvs(), schedule);
        float[][] obs = new float[numEnvs()][];
        forEachPart(p -> {
            Part part = parts.get(p);
            int[] rows = part.rows();
            float[][] own;
            try {
                own = part.env().reset((row, k) -> {
                    synchronized (scheduleLock) {
                        return schedule.next(rows[row], k);
                    }
                });
            } catch (TdmpcException e) {
                throw ownRow(e, rows);
            }
            for (int j = 0; j < rows.length; j++) {
                obs[rows[j]] = own[j];
            }
        });
        return obs;
    }

    @Override
    public VectorStepResult step(float[][] actions) {
        int n = numEnvs();
        checkActions(actions);
        float[][] obs = new float[n][];
        double[] rewards = new double[n];
        boolean[] terminated = new boolean[n];
        boolean[] truncated = new boolean[n];
        @SuppressWarnings("unchecked")
        Map<String, Object>[] infos = new Map[n];
        forEachPart(p -> {
            int[] rows = parts.get(p).rows();
            VectorStepResult r;
            try {
                r = parts.get(p).env().step(own(parts.get(p), actions));
            } catch (TdmpcException e) {
                throw ownRow(e, rows);
            }
            for (int j = 0; j < rows.length; j++) {
                obs[rows[j]] = r.observations()[j];
                rewards[rows[j]] = r.rewards()[j];
                terminated[rows[j]] = r.terminated()[j];
                truncated[rows[j]] = r.truncated()[j];
                infos[rows[j]] = r.infos().get(j);
            }
        });
        return new VectorStepResult(obs, rewards, terminated, truncated, List.of(infos));
    }

    /** Checks every part's actions before any part steps, so that a refused step changes no row. */
    @Override
    public void checkActions(float[][] actions) {
        checkOpen();
        Autoreset.checkCount(numEnvs(), actions);
        for (Part part : parts) {
            part.env().checkActions(own(part, actions));
        }
    }

    /**
     * A part's typed failure with its row mark ({@link TdmpcException#atRow}) made one of this env's rows: the part's
     * row translated, the part's one row, or none.
     */
    private static TdmpcException ownRow(TdmpcException e, int[] rows) {
        int local = e.row() >= 0 ? e.row() : rows.length == 1 ? 0 : -1;
        return e.atRow(local >= 0 && local < rows.length ? rows[local] : -1);
    }

    /** The actions of a part's rows, in its order. */
    private static float[][] own(Part part, float[][] actions) {
        int[] rows = part.rows();
        float[][] own = new float[rows.length][];
        for (int j = 0; j < rows.length; j++) {
            own[j] = actions[rows[j]];
        }
        return own;
    }

    private void checkOpen() {
        if (closed) {
            throw new EnvStateException("this vector env of " + Messages.plural(numEnvs(), "env")
                    + " was closed: make a new one");
        }
    }

    @Override
    public EpisodeSchedule.Ticket episode(int i) {
        Autoreset.checkRow(partOf.length, i);
        return parts.get(partOf[i]).env().episode(localOf[i]);
    }

    /** The parts, in the order given. */
    public List<Part> parts() {
        return parts;
    }

    private void forEachPart(java.util.function.IntConsumer work) {
        int[] all = java.util.stream.IntStream.range(0, parts.size()).toArray();
        if (pool == null) {
            for (int p : all) {
                work.accept(p);
            }
        } else {
            Concurrently.run(pool, all, work);
        }
    }

    /** Closes every part, also when one fails to close; then rethrows the first such failure. */
    @Override
    public void close() {
        closed = true;
        if (pool != null) {
            pool.shutdownNow();
        }
        RuntimeException first = closeAll(parts, null);
        if (first != null) {
            throw first;
        }
    }

    /** Closes every part ({@link CloseAll#closeAll(Iterable, Throwable)}). */
    private static RuntimeException closeAll(List<Part> parts, RuntimeException cause) {
        return CloseAll.closeAll(parts.stream().map(Part::env).toList(), cause);
    }
}
