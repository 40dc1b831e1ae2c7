package io.github.tdmpc2j.tasks.gymnasium;

import io.github.tdmpc2j.bridge.py4j.RemoteEnv;
import io.github.tdmpc2j.bridge.py4j.RemoteEnvProvider;
import io.github.tdmpc2j.bridge.py4j.RemoteSpaces;
import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.EnvUnavailableException;
import io.github.tdmpc2j.spi.SuccessMetric;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.UnknownTaskException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Gymnasium 1.x envs in a Python worker. {@link #tasks()} lists the continuous classic-control envs with their
 * real spaces and limits; any other registered id with Box spaces is reached through {@link #describe(String)},
 * whose spec {@link #create} accepts like a listed one. The raw env is {@code gymnasium.make(id)}: one env step per
 * step, Gymnasium's own time limit included.
 */
public final class GymnasiumProvider extends RemoteEnvProvider {
    public static final String DOMAIN = "gymnasium";
    private static final Pattern GYM_ID = Pattern.compile("[A-Za-z0-9_.:-]+");

    private static final List<TaskSpec> TASKS = List.of(
            new TaskSpec(DOMAIN + "/Pendulum-v1", List.of(),
                    Box.of(new float[] {-1f, -1f, -8f}, new float[] {1f, 1f, 8f}), Box.of(1, -2f, 2f),
                    200, 1, SuccessMetric.RETURN, false),
            new TaskSpec(DOMAIN + "/MountainCarContinuous-v0", List.of(),
                    Box.of(new float[] {-1.2f, -0.07f}, new float[] {0.6f, 0.07f}), Box.of(1, -1f, 1f),
                    999, 1, SuccessMetric.RETURN, true));

    public GymnasiumProvider() {
        super(DOMAIN);
    }

    @Override
    public String description() {
        return "Gymnasium 1.4 envs with Box spaces, in a Python worker";
    }

    @Override
    public List<TaskSpec> tasks() {
        return TASKS;
    }

    /**
     * The spec of any registered Gymnasium id ({@code Acrobot-v1} fails: its actions are discrete), read from the
     * env itself: its spaces, its time limit (none becomes {@link Integer#MAX_VALUE}), action repeat 1.
     */
    public TaskSpec describe(String gymId) {
        for (TaskSpec t : TASKS) {
            if (t.name().equals(gymId)) {
                return t;
            }
        }
        if (!GYM_ID.matcher(gymId).matches()) {
            throw new UnknownTaskException("'" + gymId + "' is not a Gymnasium id this plug-in can name (letters, digits"
                    + " and _.:- only; namespaced ids with '/' are not supported)", List.of());
        }
        if (!availability().ready()) {
            throw new EnvUnavailableException(DOMAIN + "/" + gymId, availability());
        }
        TaskSpec[] spec = new TaskSpec[1];
        RemoteEnv probe = RemoteEnv.make(worker().get(), DOMAIN, gymId, EnvOptions.defaults(), spaces -> {
            spec[0] = specOf(gymId, spaces);
            return spec[0];
        });
        probe.close();
        return spec[0];
    }

    /** Any registered Gymnasium id with Box spaces, so that {@code EnvRegistry.make("gymnasium/ID")} reaches it. */
    @Override
    public java.util.Optional<TaskSpec> describeTask(String name) {
        return java.util.Optional.of(describe(name));
    }

    private static TaskSpec specOf(String gymId, RemoteSpaces spaces) {
        int limit = spaces.maxEpisodeSteps() > 0 ? spaces.maxEpisodeSteps() : Integer.MAX_VALUE;
        return new TaskSpec(DOMAIN + "/" + gymId, List.of(), spaces.observation(), spaces.action(), limit, 1,
                SuccessMetric.RETURN, true);
    }
}
