package io.github.tdmpc2j.spi.vector;

import io.github.tdmpc2j.spi.Env;
import java.util.List;

/** Steps its envs one after another on the calling thread. */
public final class SyncVectorEnv extends LocalVectorEnv {
    public SyncVectorEnv(List<Env> envs) {
        super(envs);
    }

    @Override
    void forEachEnv(int[] rows, EnvWork work) {
        for (int i : rows) {
            work.run(i);
        }
    }
}
