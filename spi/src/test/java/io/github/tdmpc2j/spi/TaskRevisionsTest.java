package io.github.tdmpc2j.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskRevisionsTest {
    private static final TaskSpec A = TestProvider.task("line/a");
    private static final TaskSpec B = TestProvider.task("line/b").withRevision(2);

    @Test
    void aTaskAtAnotherRevisionThanRecordedIsNamedWithBoth() {
        Map<String, Integer> recorded = TaskRevisions.of(List.of(A, B.withRevision(1)));
        assertThat(recorded).containsExactly(Map.entry("line/a", 1), Map.entry("line/b", 1));
        assertThat(TaskRevisions.changed(recorded, List.of(A, B))).containsExactly("line/b (revision 1 then, 2 now)");
        assertThat(TaskRevisions.changed(TaskRevisions.of(List.of(A, B)), List.of(A, B))).isEmpty();
        // a task the record does not name is not compared
        assertThat(TaskRevisions.changed(Map.of("line/a", 1), List.of(A, B))).isEmpty();
        assertThat(TaskRevisions.notice("the run was trained", recorded, List.of(A, B), "its curve mixes two"))
                .isEqualTo("the run was trained on other revisions of 1 task: line/b (revision 1 then, 2 now); its "
                        + "curve mixes two (the plug-in's README says what changed)");
        assertThat(TaskRevisions.notice("the run was trained", TaskRevisions.of(List.of(A, B)), List.of(A, B), "x"))
                .isNull();
    }

    /**
     * Made on a task's revision 1 at first and 2 later (a run resumed after its task changed): said whichever
     * revision the task has now, "in part" when it is the later one (its record named the later alone, and nothing
     * was said).
     */
    @Test
    void aTaskMadeOnTwoRevisionsIsNamedWithBothWhicheverItHasNow() {
        Map<String, Integer> recorded = TaskRevisions.of(List.of(A, B));
        Map<String, Integer> first = Map.of("line/b", 1);
        assertThat(TaskRevisions.changed(recorded, first, List.of(A, B)))
                .containsExactly("line/b (revision 1 at first, 2 later; 2 now)");
        assertThat(TaskRevisions.notice("the checkpoint was trained", recorded, first, List.of(A, B), "x"))
                .isEqualTo("the checkpoint was trained in part on other revisions of 1 task: line/b (revision 1 at "
                        + "first, 2 later; 2 now); x (the plug-in's README says what changed)");
        assertThat(TaskRevisions.notice("the checkpoint was trained", recorded, first,
                List.of(A, B.withRevision(3)), "x")).startsWith("the checkpoint was trained on other revisions of 1 "
                + "task: line/b (revision 1 at first, 2 later; 3 now)");
        // a first revision that is the later one, or no first one: as before
        assertThat(TaskRevisions.changed(recorded, Map.of("line/b", 2), List.of(A, B))).isEmpty();
        assertThat(TaskRevisions.changed(recorded, Map.of(), List.of(A, B))).isEmpty();
    }

    /** Nothing recorded (made before revisions were): the tasks past their first revision, as possibly changed. */
    @Test
    void withNothingRecordedTheTasksPastTheirFirstRevisionAreNamed() {
        assertThat(TaskRevisions.changed(null, List.of(A, B))).containsExactly("line/b (now revision 2)");
        assertThat(TaskRevisions.changed(null, List.of(A))).isEmpty();
        assertThat(TaskRevisions.notice("the dataset was collected", null, List.of(A, B,
                TestProvider.task("line/c").withRevision(3)), "it learns from old episodes"))
                .isEqualTo("the dataset was collected before tdmpc2j recorded task revisions, and 2 tasks changed "
                        + "since their plug-in first listed them: line/b (now revision 2), line/c (now revision 3); "
                        + "if it was made before the change, it learns from old episodes (the plug-in's README says "
                        + "what changed)");
        assertThat(TaskRevisions.notice("x", null, List.of(A), "y")).isNull();
    }
}
