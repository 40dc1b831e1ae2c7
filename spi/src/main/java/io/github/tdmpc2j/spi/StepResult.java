package io.github.tdmpc2j.spi;

import java.util.Map;

/**
 * One step, in Gymnasium 1.x terms.
 *
 * @param terminated the task really ended (the agent should not bootstrap past it)
 * @param truncated  the episode was cut, by a time limit for example (bootstrap as usual)
 * @param info       extra values; {@code "success"} (a Boolean, or a number 0 or 1 as Gymnasium envs give it) where
 *                   the domain has a success flag
 */
public record StepResult(float[] observation, double reward, boolean terminated, boolean truncated,
        Map<String, Object> info) {
    public static final String SUCCESS = "success";
    /** The answers of {@link #success(Map, String)}, made once: it runs on every step of every row. */
    private static final java.util.Optional<Boolean> SUCCEEDED = java.util.Optional.of(true);
    private static final java.util.Optional<Boolean> NOT_SUCCEEDED = java.util.Optional.of(false);

    /**
     * A step's result; a null observation, a null info, or an info with a null key or value, is a
     * {@link PluginException}.
     */
    public StepResult {
        requireObservation(observation, "StepResult");
        info = copyInfo(info, "StepResult");
    }

    /**
     * Refuses a {@link StepResult}'s or a {@link ResetResult}'s ({@code record}) null observation with a
     * {@link PluginException} saying what to give: an env's result always has one.
     */
    static void requireObservation(float[] observation, String record) {
        if (observation == null) {
            throw new PluginException("a " + record + "'s observation is null: give the observation of the env's task "
                    + "(a float[] of its observation size)");
        }
    }

    /**
     * {@code info}, copied: the one check of a {@link StepResult}'s and a {@link ResetResult}'s info ({@code record}
     * names which). A null key or value, which no copy can hold, is a {@link PluginException} that names it (the entry
     * is looked for only then: a step pays nothing for it).
     */
    static Map<String, Object> copyInfo(Map<String, Object> info, String record) {
        if (info == null) {
            throw new PluginException("a " + record + "'s info is null: give Map.of() for no info");
        }
        try {
            return Map.copyOf(info);
        } catch (NullPointerException e) {
            for (Map.Entry<String, Object> entry : info.entrySet()) {
                if (entry.getKey() == null) {
                    throw new PluginException("a " + record + "'s info has a null key: give every entry a name");
                }
                if (entry.getValue() == null) {
                    throw new PluginException("a " + record + "'s info has no value for '" + entry.getKey()
                            + "' (null): leave the entry out or give it a value");
                }
            }
            throw e;
        }
    }

    public boolean done() {
        return terminated || truncated;
    }

    /**
     * The domain's success flag, or empty when the task has none; see {@link #success(Map, String)} (a value that is
     * not a flag is refused naming no task: callers that know the task use that one).
     */
    public java.util.Optional<Boolean> success() {
        return success(info, "an env");
    }

    /**
     * The success flag of a step's info, or empty when the task has none: a Boolean as it is, a number 0 or 1 (as a
     * Gymnasium env's own {@code info["success"]} comes, 1.0 or a NumPy bool or int) as false or true. Anything else
     * under {@code "success"} (0.5, a string) throws {@link InvalidEnvOutputException} naming {@code task} and what to
     * give: read as "no success flag" it would silently score every episode as failed.
     */
    public static java.util.Optional<Boolean> success(Map<String, Object> info, String task) {
        if (info == null) {
            throw new TdmpcException("the info of " + task + " is null: pass a step's info (Map.of() for none)");
        }
        Object s = info.get(SUCCESS);
        if (s == null) {
            return java.util.Optional.empty();
        }
        if (s instanceof Boolean b) {
            return b ? SUCCEEDED : NOT_SUCCEEDED;
        }
        if (s instanceof Number n) {
            double v = n.doubleValue();
            if (v == 0 || v == 1) {
                return v == 1 ? SUCCEEDED : NOT_SUCCEEDED;
            }
        }
        throw new InvalidEnvOutputException(task + " returned " + (s instanceof CharSequence ? "\"" + s + "\"" : s)
                + " (" + s.getClass().getSimpleName() + ") as \"success\" in a step's info: give a boolean, or the"
                + " number 0 or 1, where the task has a success flag, and leave the key out where it has none; a defect"
                + " of the suite or its plug-in, not of the agent");
    }

    public StepResult withInfo(Map<String, Object> newInfo) {
        return new StepResult(observation, reward, terminated, truncated, newInfo);
    }
}
