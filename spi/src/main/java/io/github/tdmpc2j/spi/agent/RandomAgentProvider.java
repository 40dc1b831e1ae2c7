package io.github.tdmpc2j.spi.agent;

import io.github.tdmpc2j.spi.EnvRegistry;
import java.util.List;

/**
 * The {@code random} agent. It takes the settings that train and bench give every agent as options
 * ({@code --device}, {@code --preset}, {@code --model-size}), so that one command line runs it beside TD-MPC2, and
 * acts the same whatever they are; a value those options refuse (the presets and model sizes of
 * {@link ModelChoice}, the devices of {@link DeviceSetting}), and any other key, are refused as TD-MPC2 refuses
 * them, rather than ignored (a typo would otherwise pass unseen).
 */
public final class RandomAgentProvider implements AgentProvider {
    /** The settings it takes: the options every agent is given. */
    private static final List<String> KEYS = List.of("device", "preset", "model_size");

    @Override
    public String name() {
        return "random";
    }

    @Override
    public String description() {
        return "uniform random actions in [-1, 1]; a baseline";
    }

    @Override
    public Agent create(AgentContext context) {
        for (String key : context.params().keySet()) {
            if (!KEYS.contains(key)) {
                List<String> near = EnvRegistry.closest(key, KEYS, 3);
                throw new UnknownParameterException(key, "unknown random agent parameter '" + key + "'" + (near.isEmpty() ? ""
                        : " (did you mean " + String.join(", ", near) + "?)") + "; it takes only " + String.join(", ",
                        KEYS) + " (and acts the same whatever they are): leave out --set-param " + key);
            }
        }
        ModelChoice.check(context, "random agent");
        DeviceSetting.check(context, "random agent"); // it runs on none, but takes --device as every agent does
        return new RandomAgent(context);
    }
}
