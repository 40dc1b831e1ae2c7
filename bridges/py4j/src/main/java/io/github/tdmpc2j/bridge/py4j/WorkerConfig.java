package io.github.tdmpc2j.bridge.py4j;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How to start one worker.
 *
 * @param domain         the venv's name and the log name ({@code dmc}, {@code gymnasium})
 * @param suites         the suites the worker may serve ({@code dmc}, {@code gymnasium}, {@code testing})
 * @param python         the venv's python executable
 * @param startupTimeout how long the worker may take to connect back
 * @param callTimeout    how long any one call may take before the worker is declared stuck and stopped
 * @param environment    extra environment variables for the worker ({@code MUJOCO_GL=egl})
 */
public record WorkerConfig(String domain, List<String> suites, Path python, Duration startupTimeout,
        Duration callTimeout, Map<String, String> environment) {
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(120);
    public static final String STARTUP_TIMEOUT_PROPERTY = "tdmpc2j.python.startupTimeoutSeconds";
    public static final String CALL_TIMEOUT_PROPERTY = "tdmpc2j.python.callTimeoutSeconds";

    public WorkerConfig {
        suites = List.copyOf(suites);
        environment = Map.copyOf(environment);
        if (startupTimeout.isNegative() || startupTimeout.isZero() || callTimeout.isNegative() || callTimeout.isZero()) {
            throw new IllegalArgumentException("worker timeouts must be positive");
        }
    }

    /**
     * The domain's venv in the usual place, timeouts from {@code -Dtdmpc2j.python.startupTimeoutSeconds} and
     * {@code -Dtdmpc2j.python.callTimeoutSeconds} (defaults 60 s and 120 s).
     */
    public static WorkerConfig forDomain(String domain, List<String> suites) {
        return new WorkerConfig(domain, suites, VenvLayout.fromEnvironment().python(domain),
                seconds(STARTUP_TIMEOUT_PROPERTY, DEFAULT_STARTUP_TIMEOUT),
                seconds(CALL_TIMEOUT_PROPERTY, DEFAULT_CALL_TIMEOUT), Map.of());
    }

    public WorkerConfig withCallTimeout(Duration timeout) {
        return new WorkerConfig(domain, suites, python, startupTimeout, timeout, environment);
    }

    public WorkerConfig withStartupTimeout(Duration timeout) {
        return new WorkerConfig(domain, suites, python, timeout, callTimeout, environment);
    }

    public WorkerConfig withEnvironment(Map<String, String> extra) {
        return new WorkerConfig(domain, suites, python, startupTimeout, callTimeout, extra);
    }

    /** How to give a timeout more time, from Java and from the command line (whose JVM options the launcher takes). */
    static String toWaitLonger(String property) {
        return "to wait longer, set -D" + property + "=SECONDS (for ./tdmpc2j: TDMPC2J_JAVA_OPTS=-D" + property
                + "=SECONDS)";
    }

    private static Duration seconds(String property, Duration fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + property + " must be a number of seconds, got '" + value + "'");
        }
    }
}
