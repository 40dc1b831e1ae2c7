package io.github.tdmpc2j.spi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The revisions of tasks ({@link TaskSpec#revision}) that something saved was made on (a run's checkpoint, a
 * dataset's episodes), against the tasks' revisions now: the one way a command finds and says that a task changed
 * since.
 */
public final class TaskRevisions {
    private TaskRevisions() {
    }

    /** Each task's id and revision, in order, to be recorded with what is made on them. */
    public static Map<String, Integer> of(List<TaskSpec> tasks) {
        Map<String, Integer> revisions = new LinkedHashMap<>();
        for (TaskSpec t : tasks) {
            revisions.put(t.id(), t.revision());
        }
        return revisions;
    }

    /**
     * The tasks of {@code now} at another revision than {@code recorded} gives them, each as {@code id (revision R
     * then, N now)}; with {@code recorded} null (made before revisions were recorded), each task of {@code now} past
     * its first revision, as {@code id (now revision N)}. A task {@code recorded} does not name is not compared.
     */
    public static List<String> changed(Map<String, Integer> recorded, List<TaskSpec> now) {
        List<String> changed = new ArrayList<>();
        for (TaskSpec t : now) {
            if (recorded == null) {
                if (t.revision() > 1) {
                    changed.add(t.id() + " (now revision " + t.revision() + ")");
                }
            } else {
                Integer then = recorded.get(t.id());
                if (then != null && then != t.revision()) {
                    changed.add(t.id() + " (revision " + then + " then, " + t.revision() + " now)");
                }
            }
        }
        return changed;
    }

    /**
     * What {@code made} (a subject such as {@code the checkpoint in DIR was trained}) tells a user when
     * {@link #changed} is not empty, and what it means ({@code consequence}); null when nothing changed.
     */
    public static String notice(String made, Map<String, Integer> recorded, List<TaskSpec> now, String consequence) {
        List<String> changed = changed(recorded, now);
        if (changed.isEmpty()) {
            return null;
        }
        String which = String.join(", ", changed);
        return recorded == null
                ? made + " before tdmpc2j recorded task revisions, and " + Messages.plural(changed.size(), "task")
                        + " changed since " + Messages.word(changed.size(), "its", "their") + " plug-in first listed "
                        + Messages.word(changed.size(), "it", "them") + ": " + which + "; if it was made before the "
                        + "change, " + consequence + " (the plug-in's README says what changed)"
                : made + " on other revisions of " + Messages.plural(changed.size(), "task") + ": " + which + "; "
                        + consequence + " (the plug-in's README says what changed)";
    }
}
