package io.github.tdmpc2j.spi;

import java.util.Map;

/** The first observation of an episode and the env's info about it. */
public record ResetResult(float[] observation, Map<String, Object> info) {
    public ResetResult {
        info = Map.copyOf(info);
    }

    public ResetResult(float[] observation) {
        this(observation, Map.of());
    }
}
