package io.github.tdmpc2j.mujoco;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * MuJoCo's warning counters of one MjData since its last reset (resetData() clears them), and the
 * text of the last warning MuJoCo printed on the calling thread.
 */
public record MjWarnings(Map<MjWarning, Integer> counts, String lastMessage) {
    public MjWarnings {
        counts = Collections.unmodifiableMap(new EnumMap<>(counts));
    }

    public int count(MjWarning warning) {
        return counts.getOrDefault(warning, 0);
    }

    /** True when any warning was counted. */
    public boolean any() {
        return counts.values().stream().anyMatch(n -> n > 0);
    }

    /** True when the simulation diverged (bad qpos, qvel or qacc). */
    public boolean unstable() {
        return counts.entrySet().stream().anyMatch(e -> e.getKey().isInstability() && e.getValue() > 0);
    }
}
