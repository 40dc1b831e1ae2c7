package io.github.tdmpc2j.spi.agent;

import io.github.tdmpc2j.spi.TdmpcException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The {@code preset} ({@code --preset}) and {@code model_size} ({@code --model-size}) parameters that train and
 * bench give every agent: TD-MPC2's names, listed once here for every agent that takes them (the {@code random}
 * agent refuses what TD-MPC2 refuses, so that one command line runs either).
 */
public final class ModelChoice {
    /** The presets, the default first: {@code paper} (the reference's settings) and {@code cpu}. */
    public static final List<String> PRESETS = List.of("paper", "cpu");
    /** The model sizes, in millions of parameters: the reference's named sizes. */
    public static final List<Integer> MODEL_SIZES = List.of(1, 5, 19, 48, 317);

    private ModelChoice() {
    }

    /** What is wrong with {@code preset}, or null when it is one of {@link #PRESETS}. */
    public static String presetProblem(String preset) {
        return PRESETS.contains(preset) ? null : "unknown preset '" + preset + "'; use "
                + PRESETS.stream().map(p -> "preset=" + p).collect(Collectors.joining(" or "))
                + " (--preset " + String.join("|", PRESETS) + ")";
    }

    /** What is wrong with {@code modelSize} (as given, maybe not a number), or null when it is one of {@link #MODEL_SIZES}. */
    public static String modelSizeProblem(String modelSize) {
        try {
            if (MODEL_SIZES.contains(Integer.parseInt(modelSize.trim()))) {
                return null;
            }
        } catch (NumberFormatException e) {
            // not a size either
        }
        return "model_size=" + modelSize + " is not one of " + MODEL_SIZES.stream().map(String::valueOf)
                .collect(Collectors.joining(", ")) + " (millions of parameters; --model-size)";
    }

    /** The {@code preset} and {@code model_size} of an agent's parameters, where given, checked; {@code agent} names the agent. */
    static void check(AgentContext context, String agent) {
        String preset = context.params().get("preset");
        String problem = preset == null ? null : presetProblem(preset);
        String size = context.params().get("model_size");
        if (problem == null && size != null) {
            problem = modelSizeProblem(size);
        }
        if (problem != null) {
            throw new TdmpcException("bad " + agent + " configuration: " + problem);
        }
    }
}
