package io.github.tdmpc2j.spi.vector;

import io.github.tdmpc2j.spi.Env;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Steps its envs at once on a pool of threads (for native envs, which release no lock while stepping). Env i
 * is only ever touched by one thread at a time. Results are identical to {@link SyncVectorEnv}'s.
 */
public final class ThreadedVectorEnv extends LocalVectorEnv {
    private final ExecutorService pool;

    public ThreadedVectorEnv(List<Env> envs, int threads) {
        super(envs);
        if (threads <= 0) {
            throw new IllegalArgumentException("threads must be positive, got " + threads);
        }
        this.pool = Executors.newFixedThreadPool(Math.min(threads, envs.size()), r -> {
            Thread t = new Thread(r, "vector-env");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    void forEachEnv(int[] rows, EnvWork work) {
        if (rows.length == 1) {
            work.run(rows[0]); // one row: no hand-over to the pool
            return;
        }
        List<Future<?>> futures = new ArrayList<>(rows.length);
        for (int index : rows) {
            futures.add(pool.submit(() -> work.run(index)));
        }
        RuntimeException failure = null;
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException re ? re
                            : new IllegalStateException("env step failed", e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while stepping envs", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
        super.close();
    }
}
