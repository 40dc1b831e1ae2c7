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
     * Learnt on a task's revision 1, then 2, then 1 again (a run resumed after its task changed, and again after it
     * changed back): each is said in order, whichever revision the task has now, "in part" when the task was learnt on
     * that one too. Before, a run recorded its first revision and its last alone, and dropped the first where it was
     * the last: 1, 2, 1 read as 1, and nothing was said of the part learnt on 2.
     */
    @Test
    void aTaskLearntOnSeveralRevisionsIsNamedWithEachInOrderWhicheverItHasNow() {
        TaskSpec b1 = B.withRevision(1);
        Map<String, List<Integer>> learnt = TaskRevisions.followedBy(TaskRevisions.followedBy(
                TaskRevisions.followedBy(null, List.of(A, b1)), List.of(A, B)), List.of(A, b1));
        assertThat(learnt).containsExactly(Map.entry("line/a", List.of(1)), Map.entry("line/b", List.of(1, 2, 1)));
        // resumed on the revision it learnt on last: nothing is added
        assertThat(TaskRevisions.followedBy(learnt, List.of(A, b1))).isEqualTo(learnt);
        assertThat(TaskRevisions.changedInOrder(learnt, List.of(A, b1)))
                .containsExactly("line/b (revisions 1 then 2 then 1; 1 now)");
        assertThat(TaskRevisions.noticeInOrder("the checkpoint was trained", learnt, List.of(A, b1), "x"))
                .isEqualTo("the checkpoint was trained in part on other revisions of 1 task: line/b (revisions 1 "
                        + "then 2 then 1; 1 now); x (the plug-in's README says what changed)");
        assertThat(TaskRevisions.noticeInOrder("the checkpoint was trained", learnt, List.of(A, B), "x"))
                .startsWith("the checkpoint was trained in part on other revisions of 1 task: line/b (revisions 1 "
                        + "then 2 then 1; 2 now)");
        assertThat(TaskRevisions.noticeInOrder("the checkpoint was trained", learnt, List.of(A, B.withRevision(3)),
                "x")).startsWith("the checkpoint was trained on other revisions of 1 task: line/b (revisions 1 then 2 "
                + "then 1; 3 now)");
        // one revision of each task, as something made at once records them: as changed() says
        assertThat(TaskRevisions.changedInOrder(TaskRevisions.inOrder(TaskRevisions.of(List.of(A, B))),
                List.of(A, B))).isEmpty();
        assertThat(TaskRevisions.changedInOrder(TaskRevisions.inOrder(TaskRevisions.of(List.of(A, b1))),
                List.of(A, B))).containsExactly("line/b (revision 1 then, 2 now)");
        assertThat(TaskRevisions.inOrder(null)).isNull();
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
