package io.github.tdmpc2j.spi.vector;

import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.TdmpcException;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * Steps its envs at once on a pool of threads (for native envs, which release no lock while stepping). Env i
 * is only ever touched by one thread at a time. Results are identical to {@link SyncVectorEnv}'s.
 */
public final class ThreadedVectorEnv extends LocalVectorEnv {
    private final ExecutorService pool;

    public ThreadedVectorEnv(List<Env> envs, int threads) {
        super(envs);
        if (threads <= 0) {
            throw new TdmpcException("threads must be positive, got " + threads + ": pass how many envs may step "
                    + "at once (1 or more; more than the machine's cores gains nothing)");
        }
        this.pool = Concurrently.pool(Math.min(threads, envs.size()), "vector-env");
    }

    @Override
    void forEachEnv(int[] rows, EnvWork work) {
        Concurrently.run(pool, rows, work::run);
    }

    @Override
    public void close() {
        pool.shutdownNow();
        super.close();
    }
}
