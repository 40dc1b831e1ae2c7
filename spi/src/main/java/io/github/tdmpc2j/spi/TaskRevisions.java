package io.github.tdmpc2j.spi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The revisions of tasks ({@link TaskSpec#revision}) that something saved was made on (a run's checkpoint, a
 * dataset's episodes), against the tasks' revisions now: the one way a command finds and says that a task changed
 * since. Something made on one revision of each task records it as a map of id to revision ({@link #of}); a run
 * resumed after a task changed learnt on several, recorded in order as a map of id to revisions
 * ({@link #followedBy}).
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
     * {@code revisions} (something made on one revision of each task) as the revisions learnt on in order, one each;
     * null for null (none recorded).
     */
    public static Map<String, List<Integer>> inOrder(Map<String, Integer> revisions) {
        if (revisions == null) {
            return null;
        }
        Map<String, List<Integer>> learnt = new LinkedHashMap<>();
        revisions.forEach((id, revision) -> learnt.put(id, List.of(revision)));
        return learnt;
    }

    /**
     * The revisions a run learnt on of each task of {@code now}, in order, as it goes on with the tasks as they are
     * now: those {@code learnt} gives the task (none when it is null, or does not name the task), followed by the
     * task's revision now where that is not the last of them. A run resumed on revision 2 of a task it learnt on at
     * revision 1 records 1 then 2; resumed on revision 1 again, 1 then 2 then 1.
     */
    public static Map<String, List<Integer>> followedBy(Map<String, List<Integer>> learnt, List<TaskSpec> now) {
        Map<String, List<Integer>> then = new LinkedHashMap<>();
        for (TaskSpec t : now) {
            List<Integer> on = new ArrayList<>(learnt == null ? List.of() : learnt.getOrDefault(t.id(), List.of()));
            if (on.isEmpty() || on.get(on.size() - 1) != t.revision()) {
                on.add(t.revision());
            }
            then.put(t.id(), List.copyOf(on));
        }
        return then;
    }

    /**
     * The tasks of {@code now} at another revision than {@code recorded} gives them, each as {@code id (revision R
     * then, N now)}; with {@code recorded} null (made before revisions were recorded), each task of {@code now} past
     * its first revision, as {@code id (now revision N)}. A task {@code recorded} does not name is not compared.
     */
    public static List<String> changed(Map<String, Integer> recorded, List<TaskSpec> now) {
        return changedInOrder(inOrder(recorded), now);
    }

    /**
     * {@link #changed(Map, List)} of something made on the revisions {@code learnt} gives each task in order: a task
     * learnt on more than one (a run resumed after its task changed) is said as {@code id (revisions 1 then 2 then 1;
     * N now)} whichever revision it has now, as what was made is in part of another.
     */
    public static List<String> changedInOrder(Map<String, List<Integer>> learnt, List<TaskSpec> now) {
        List<String> changed = new ArrayList<>();
        for (TaskSpec t : now) {
            if (learnt == null) {
                if (t.revision() > 1) {
                    changed.add(t.id() + " (now revision " + t.revision() + ")");
                }
                continue;
            }
            List<Integer> on = learnt.get(t.id());
            if (on == null || on.isEmpty()) {
                continue;
            }
            if (on.size() > 1) {
                StringBuilder which = new StringBuilder(t.id()).append(" (revisions ");
                for (int i = 0; i < on.size(); i++) {
                    which.append(i == 0 ? "" : " then ").append(on.get(i));
                }
                changed.add(which.append("; ").append(t.revision()).append(" now)").toString());
            } else if (on.get(0) != t.revision()) {
                changed.add(t.id() + " (revision " + on.get(0) + " then, " + t.revision() + " now)");
            }
        }
        return changed;
    }

    /**
     * What {@code made} (a subject such as {@code the checkpoint in DIR was trained}) tells a user when
     * {@link #changed} is not empty, and what it means ({@code consequence}); null when nothing changed.
     */
    public static String notice(String made, Map<String, Integer> recorded, List<TaskSpec> now, String consequence) {
        return noticeInOrder(made, inOrder(recorded), now, consequence);
    }

    /**
     * {@link #notice(String, Map, List, String)} of something made on the revisions {@code learnt} gives each task in
     * order ({@link #changedInOrder}): made "in part" on other revisions when each task it names was learnt on its
     * revision now too (1 then 2 then 1, with 1 now or 2 now).
     */
    public static String noticeInOrder(String made, Map<String, List<Integer>> learnt, List<TaskSpec> now,
            String consequence) {
        List<String> changed = changedInOrder(learnt, now);
        if (changed.isEmpty()) {
            return null;
        }
        boolean inPart = learnt != null && now.stream().allMatch(t -> learnt.getOrDefault(t.id(), List.of())
                .isEmpty() || learnt.get(t.id()).contains(t.revision()));
        String which = String.join(", ", changed);
        return learnt == null
                ? made + " before tdmpc2j recorded task revisions, and " + Messages.plural(changed.size(), "task")
                        + " changed since " + Messages.word(changed.size(), "its", "their") + " plug-in first listed "
                        + Messages.word(changed.size(), "it", "them") + ": " + which + "; if it was made before the "
                        + "change, " + consequence + " (the plug-in's README says what changed)"
                : made + (inPart ? " in part" : "") + " on other revisions of "
                        + Messages.plural(changed.size(), "task") + ": " + which + "; " + consequence
                        + " (the plug-in's README says what changed)";
    }
}
