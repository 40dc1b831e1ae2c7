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
        if (extras == null) {
            throw new TdmpcException("the env options' extras are null: pass Map.of() for none (EnvOptions.seeded(seed) "
                    + "makes options without any)");
        }
        for (Map.Entry<String, String> e : extras.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new TdmpcException("the env options' extras hold " + (e.getKey() == null ? "a null key"
                        : "no value for '" + e.getKey() + "' (null)") + ": give each extra a name and a value, or "
                        + "leave it out");
            }
        }
        extras = Map.copyOf(extras);
    }

    public static EnvOptions defaults() {
        return new EnvOptions(0L, Map.of());
    }

    public static EnvOptions seeded(long seed) {
        return new EnvOptions(seed, Map.of());
    }

    public Optional<String> extra(String key) {
        if (key == null) {
            throw new TdmpcException("the extra's name is null: pass the name of the setting to read");
        }
        return Optional.ofNullable(extras.get(key));
    }
}
