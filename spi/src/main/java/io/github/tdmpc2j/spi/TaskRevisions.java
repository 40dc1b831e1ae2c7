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
        return changed(recorded, Map.of(), now);
    }

    /**
     * {@link #changed(Map, List)} of something made on a task's revision {@code first} gives it at first and
     * {@code recorded}'s later (a run resumed after its task changed): such a task is said as {@code id (revision F
     * at first, R later; N now)} whichever revision it has now, as what was made is in part of another.
     */
    public static List<String> changed(Map<String, Integer> recorded, Map<String, Integer> first,
            List<TaskSpec> now) {
        List<String> changed = new ArrayList<>();
        for (TaskSpec t : now) {
            if (recorded == null) {
                if (t.revision() > 1) {
                    changed.add(t.id() + " (now revision " + t.revision() + ")");
                }
            } else {
                Integer then = recorded.get(t.id());
                Integer before = first.get(t.id());
                if (then != null && before != null && !before.equals(then)) {
                    changed.add(t.id() + " (revision " + before + " at first, " + then + " later; " + t.revision()
                            + " now)");
                } else if (then != null && then != t.revision()) {
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
        return notice(made, recorded, Map.of(), now, consequence);
    }

    /**
     * {@link #notice(String, Map, List, String)} of something made on the revisions {@code first} gives tasks at
     * first ({@link #changed(Map, Map, List)}): made "in part" on other revisions when each task it names is at the
     * revision {@code recorded} gives it now.
     */
    public static String notice(String made, Map<String, Integer> recorded, Map<String, Integer> first,
            List<TaskSpec> now, String consequence) {
        List<String> changed = changed(recorded, first, now);
        if (changed.isEmpty()) {
            return null;
        }
        boolean inPart = recorded != null && now.stream().allMatch(t -> !recorded.containsKey(t.id())
                || recorded.get(t.id()) == t.revision());
        String which = String.join(", ", changed);
        return recorded == null
                ? made + " before tdmpc2j recorded task revisions, and " + Messages.plural(changed.size(), "task")
                        + " changed since " + Messages.word(changed.size(), "its", "their") + " plug-in first listed "
                        + Messages.word(changed.size(), "it", "them") + ": " + which + "; if it was made before the "
                        + "change, " + consequence + " (the plug-in's README says what changed)"
                : made + (inPart ? " in part" : "") + " on other revisions of "
                        + Messages.plural(changed.size(), "task") + ": " + which + "; " + consequence
                        + " (the plug-in's README says what changed)";
    }
}
