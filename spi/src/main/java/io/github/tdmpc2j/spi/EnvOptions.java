package io.github.tdmpc2j.spi;

import java.util.Map;
import java.util.Optional;

/**
 * How to make an env.
 *
 * @param seed   seeds whatever the env draws at construction (task variations, goal positions)
 * @param render true to keep rendering on (off by default: state observations only)
 * @param extras plug-in specific settings, for example a backend or a camera
 */
public record EnvOptions(long seed, boolean render, Map<String, String> extras) {
    public EnvOptions {
        extras = Map.copyOf(extras);
    }

    public static EnvOptions defaults() {
        return new EnvOptions(0L, false, Map.of());
    }

    public static EnvOptions seeded(long seed) {
        return new EnvOptions(seed, false, Map.of());
    }

    public Optional<String> extra(String key) {
        return Optional.ofNullable(extras.get(key));
    }
}
