package io.github.tdmpc2j.spi;

import java.util.List;
import java.util.Objects;

/**
 * What a task is, before any env is made.
 *
 * @param id                 {@code domain/task}, for example {@code dmc/walker-walk}
 * @param aliases            other names the registry accepts, in the TD-MPC2 reference's style ({@code walker-walk})
 * @param observationSpace   the observation box
 * @param actionSpace        the action box of the env as the provider makes it (the registry rescales to [-1, 1])
 * @param maxEpisodeSteps    episode length in agent steps (after action repeat)
 * @param actionRepeat       how many env steps one agent step takes
 * @param successMetric      how the task is scored
 * @param episodic           true when the task can terminate before its time limit
 * @param revision           the plug-in's revision of the task, 1 and up: raised by the plug-in whenever an episode of
 *                           it changes (its rewards, observations, dynamics, starts or success), so that a run, a
 *                           checkpoint or a dataset made on an earlier revision can be told apart ({@code train
 *                           --resume}, {@code eval} and {@code collect} say so); ids and sizes stay as they were
 */
public record TaskSpec(
        String id,
        List<String> aliases,
        Box observationSpace,
        Box actionSpace,
        int maxEpisodeSteps,
        int actionRepeat,
        SuccessMetric successMetric,
        boolean episodic,
        int revision) {

    /** A task at its first revision. */
    public TaskSpec(String id, List<String> aliases, Box observationSpace, Box actionSpace, int maxEpisodeSteps,
            int actionRepeat, SuccessMetric successMetric, boolean episodic) {
        this(id, aliases, observationSpace, actionSpace, maxEpisodeSteps, actionRepeat, successMetric, episodic, 1);
    }

    /**
     * A task as its plug-in lists it. A spec that no env can run is a {@link PluginException} saying what to give: a
     * null part, an id not of the form {@code domain/task}, episodes of no steps, an action repeat or a revision
     * below 1.
     */
    public TaskSpec {
        if (id == null) {
            throw new PluginException("a TaskSpec needs an id: give one of the form domain/task");
        }
        int slash = id.indexOf('/');
        if (slash <= 0 || slash != id.lastIndexOf('/') || slash == id.length() - 1) {
            throw new PluginException("task id must look like domain/task, got '" + id + "'");
        }
        String missing = aliases == null ? "aliases (List.of() for none)" : observationSpace == null
                ? "observationSpace" : actionSpace == null ? "actionSpace" : successMetric == null ? "successMetric"
                : aliases.stream().anyMatch(Objects::isNull) ? "aliases' entries (one is null)" : null;
        if (missing != null) {
            throw new PluginException("task " + id + " is missing its " + missing
                    + ": give every part of its TaskSpec");
        }
        aliases = List.copyOf(aliases);
        if (maxEpisodeSteps <= 0) {
            throw new PluginException("task " + id + " has episodes of " + maxEpisodeSteps + " agent steps "
                    + "(maxEpisodeSteps); give it 1 or more");
        }
        if (actionRepeat <= 0) {
            throw new PluginException("task " + id + " has an action repeat of " + actionRepeat
                    + " (actionRepeat); give it 1 or more");
        }
        if (revision <= 0) {
            throw new PluginException("task " + id + " is at revision " + revision + "; revisions start at 1 (give "
                    + "1, the default, and raise it whenever the task's episodes change)");
        }
    }

    public String domain() {
        return id.substring(0, id.indexOf('/'));
    }

    /** The part after the slash. */
    public String name() {
        return id.substring(id.indexOf('/') + 1);
    }

    public int observationSize() {
        return observationSpace.size();
    }

    public int actionSize() {
        return actionSpace.size();
    }

    public TaskSpec withActionSpace(Box box) {
        return new TaskSpec(id, aliases, observationSpace, box, maxEpisodeSteps, actionRepeat, successMetric, episodic,
                revision);
    }

    public TaskSpec withObservationSpace(Box box) {
        return new TaskSpec(id, aliases, box, actionSpace, maxEpisodeSteps, actionRepeat, successMetric, episodic,
                revision);
    }

    /** This task at {@code revision} (a plug-in's spec of a task it changed since it first listed it). */
    public TaskSpec withRevision(int revision) {
        return new TaskSpec(id, aliases, observationSpace, actionSpace, maxEpisodeSteps, actionRepeat, successMetric,
                episodic, revision);
    }
}
