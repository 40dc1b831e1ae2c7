package io.github.tdmpc2j.spi.wrappers;

import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.ResetResult;
import io.github.tdmpc2j.spi.StepResult;

/** Adds an {@link EpisodeStatistics} to the info of the step that ends an episode. */
public final class RecordEpisodeStatistics extends EnvWrapper {
    private final EpisodeStatistics.Recorder recorder;

    public RecordEpisodeStatistics(Env inner) {
        super(inner);
        recorder = new EpisodeStatistics.Recorder(inner.spec().id());
    }

    @Override
    public ResetResult reset(long seed) {
        recorder.start();
        return inner.reset(seed);
    }

    @Override
    public StepResult step(float[] action) {
        return recorder.record(inner.step(action));
    }
}
