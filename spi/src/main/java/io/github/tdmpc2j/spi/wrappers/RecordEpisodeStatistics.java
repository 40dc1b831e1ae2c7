package io.github.tdmpc2j.spi.wrappers;

import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.ResetResult;
import io.github.tdmpc2j.spi.StepResult;
import java.util.HashMap;
import java.util.Map;

/** Adds an {@link EpisodeStatistics} to the info of the step that ends an episode. */
public final class RecordEpisodeStatistics extends EnvWrapper {
    private double episodeReturn;
    private int length;
    private long startNanos;
    private Boolean success;

    public RecordEpisodeStatistics(Env inner) {
        super(inner);
    }

    @Override
    public ResetResult reset(long seed) {
        episodeReturn = 0;
        length = 0;
        success = null;
        startNanos = System.nanoTime();
        return inner.reset(seed);
    }

    @Override
    public StepResult step(float[] action) {
        StepResult r = inner.step(action);
        episodeReturn += r.reward();
        length++;
        if (r.success().isPresent()) {
            success = (success != null && success) || r.success().get();
        }
        if (!r.done()) {
            return r;
        }
        Map<String, Object> info = new HashMap<>(r.info());
        info.put(EpisodeStatistics.INFO_KEY,
                new EpisodeStatistics(episodeReturn, length, (System.nanoTime() - startNanos) / 1e9, success));
        return r.withInfo(info);
    }
}
