package io.github.tdmpc2j.spi;

import java.util.Map;

/**
 * One step, in Gymnasium 1.x terms.
 *
 * @param terminated the task really ended (the agent should not bootstrap past it)
 * @param truncated  the episode was cut, by a time limit for example (bootstrap as usual)
 * @param info       extra values; {@code "success"} (Boolean) where the domain has a success flag
 */
public record StepResult(float[] observation, double reward, boolean terminated, boolean truncated,
        Map<String, Object> info) {
    public static final String SUCCESS = "success";

    public StepResult {
        info = Map.copyOf(info);
    }

    public boolean done() {
        return terminated || truncated;
    }

    /** The domain's success flag, or empty when the task has none. */
    public java.util.Optional<Boolean> success() {
        return success(info);
    }

    /** The success flag of a step's info, or empty when the task has none. */
    public static java.util.Optional<Boolean> success(Map<String, Object> info) {
        Object s = info.get(SUCCESS);
        return s instanceof Boolean b ? java.util.Optional.of(b) : java.util.Optional.empty();
    }

    public StepResult withInfo(Map<String, Object> newInfo) {
        return new StepResult(observation, reward, terminated, truncated, newInfo);
    }
}
