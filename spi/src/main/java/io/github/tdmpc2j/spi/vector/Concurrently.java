package io.github.tdmpc2j.spi.vector;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/** The thread pools of the vector envs that step their parts at once, and the one way they wait for them. */
final class Concurrently {
    private Concurrently() {
    }

    /** A pool of {@code threads} daemon threads named {@code name}. */
    static ExecutorService pool(int threads, String name) {
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs {@code work(item)} for every item on {@code pool} (on the calling thread when there is one item: no
     * hand-over); returns when all are done and then rethrows the first failure in item order, a runtime
     * exception as it was thrown.
     */
    static void run(ExecutorService pool, int[] items, IntConsumer work) {
        if (items.length == 1) {
            work.accept(items[0]);
            return;
        }
        List<Future<?>> futures = new ArrayList<>(items.length);
        for (int item : items) {
            futures.add(pool.submit(() -> work.accept(item)));
        }
        RuntimeException failure = null;
        boolean interrupted = false;
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException re ? re
                            : new IllegalStateException("env step failed", e.getCause());
                }
            } catch (InterruptedException e) {
                interrupted = true; // still wait for the rest: an env is never left to a thread still stepping it
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stepping envs");
        }
        if (failure != null) {
            throw failure;
        }
    }
}
