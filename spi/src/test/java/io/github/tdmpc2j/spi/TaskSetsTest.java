package io.github.tdmpc2j.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TaskSetsTest {
    @Test
    void theBenchmarkHas104DistinctTasksInFourSuites() {
        List<String> all = TaskSets.get("bench104").orElseThrow();
        assertThat(all).hasSize(104);
        assertThat(new HashSet<>(all)).hasSize(104);
        Map<String, Integer> bySuite = new TreeMap<>();
        for (String id : all) {
            String domain = id.substring(0, id.indexOf('/'));
            bySuite.merge(domain.startsWith("dmc") ? "dmc" : domain, 1, Integer::sum);
        }
        assertThat(bySuite).containsExactlyEntriesOf(new TreeMap<>(Map.of("dmc", 39, "maniskill", 5,
                "metaworld", 50, "myosuite", 10)));
        assertThat(all).containsAll(TaskSets.MT80).containsAll(TaskSets.get("myo10").orElseThrow())
                .contains("dmc/dog-run", "dmc/humanoid-walk", "dmc/quadruped-run", "maniskill/pick-ycb");
        assertThat(TaskSets.get("dmc39").orElseThrow()).hasSize(39).allMatch(id -> id.startsWith("dmc/"))
                .endsWith("dmc/dog-run", "dmc/dog-stand", "dmc/dog-trot", "dmc/dog-walk");
        assertThat(TaskSets.get("ms5").orElseThrow()).hasSize(5);
    }

    @Test
    void referenceNamesMapToTheirBackend() {
        assertThat(TaskSets.canonicalFromReference("walker-walk")).contains("dmc/walker-walk");
        assertThat(TaskSets.canonicalFromReference("dog-run")).contains("dmc/dog-run");
        assertThat(TaskSets.canonicalFromReference("humanoid-walk")).contains("dmc/humanoid-walk");
        assertThat(TaskSets.canonicalFromReference("quadruped-run")).contains("dmc/quadruped-run");
        assertThat(TaskSets.canonicalFromReference("lift-cube")).contains("maniskill/lift-cube");
        assertThat(TaskSets.canonicalFromReference("mw-assembly")).contains("metaworld/assembly");
        assertThat(TaskSets.canonicalFromReference("myo-key-turn-hard")).contains("myosuite/key-turn-hard");
        assertThat(TaskSets.canonicalFromReference("no-such-task")).isEmpty();
        // every task of the benchmark is known, so a missing plug-in can be named
        assertThat(TaskSets.allKnownIds()).hasSize(104);
    }

    /** Before: split(null, ...) was a NullPointerException 'Cannot invoke "String.split(String, int)"'. */
    @Test
    void aNullListIsATypedError() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TaskSets.split(null, "--tasks"))
                .isInstanceOf(TdmpcException.class).hasMessageStartingWith("--tasks names no task (null): give task "
                        + "ids or aliases separated by commas");
    }
}
