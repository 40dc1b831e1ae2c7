package io.github.tdmpc2j.spi.vector;

import java.util.List;
import java.util.Map;

/** One step of N envs: entry i of each array belongs to env i. */
public record VectorStepResult(float[][] observations, double[] rewards, boolean[] terminated, boolean[] truncated,
        List<Map<String, Object>> infos) {
    public int size() {
        return rewards.length;
    }
}
