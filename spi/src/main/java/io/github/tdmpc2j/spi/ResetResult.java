package io.github.tdmpc2j.spi;

import java.util.Map;

/** The first observation of an episode and the env's info about it. */
public record ResetResult(float[] observation, Map<String, Object> info) {
    /**
     * A reset's result; a null observation, a null info, or an info with a null key or value, is a
     * {@link PluginException}.
     */
    public ResetResult {
        StepResult.requireObservation(observation, "ResetResult");
        info = StepResult.copyInfo(info, "ResetResult");
    }

    public ResetResult(float[] observation) {
        this(observation, Map.of());
    }
}
