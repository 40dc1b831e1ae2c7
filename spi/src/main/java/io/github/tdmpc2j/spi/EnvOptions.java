package io.github.tdmpc2j.spi;

import java.util.Map;
import java.util.Optional;

/**
 * How to make an env. Observations are states: no built-in suite renders frames (a plug-in that does takes
 * its camera and size from {@code extras}).
 *
 * @param seed   seeds whatever the env draws at construction (task variations, goal positions)
 * @param extras plug-in specific settings, for example a backend or a camera
 */
public record EnvOptions(long seed, Map<String, String> extras) {
    public EnvOptions {
        extras = Map.copyOf(extras);
    }

    public static EnvOptions defaults() {
        return new EnvOptions(0L, Map.of());
    }

    public static EnvOptions seeded(long seed) {
        return new EnvOptions(seed, Map.of());
    }

    public Optional<String> extra(String key) {
        return Optional.ofNullable(extras.get(key));
    }
}
