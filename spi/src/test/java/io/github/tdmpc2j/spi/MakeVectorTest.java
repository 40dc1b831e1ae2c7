package io.github.tdmpc2j.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.spi.vector.CompositeVectorEnv;
import io.github.tdmpc2j.spi.vector.SyncVectorEnv;
import io.github.tdmpc2j.spi.vector.ThreadedVectorEnv;
import io.github.tdmpc2j.spi.vector.VectorEnv;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How {@link EnvRegistry#makeVector} splits rows between a plug-in's batched form and envs made one by one. */
class MakeVectorTest {
    /** A plug-in with a batched form: the wrapped envs in one vector env; records what it was asked for. */
    private static final class BatchingProvider extends TestProvider {
        final List<List<TaskSpec>> askedTasks = new ArrayList<>();
        final List<List<EnvOptions>> askedOptions = new ArrayList<>();
        boolean fail;

        BatchingProvider() {
            super("batch", Availability.ok(), TestProvider.task("batch/x"), TestProvider.task("batch/y"));
        }

        @Override
        public Optional<VectorEnv> createVector(List<TaskSpec> tasks, List<EnvOptions> options) {
            if (fail) {
                throw new TdmpcException("the batch worker did not start");
            }
            askedTasks.add(tasks);
            askedOptions.add(options);
            List<Env> envs = new ArrayList<>();
            for (int j = 0; j < tasks.size(); j++) {
                envs.add(EnvRegistry.wrap(create(tasks.get(j), options.get(j))));
            }
            return Optional.of(new SyncVectorEnv(envs));
        }
    }

    private final TestProvider line = new TestProvider("line", Availability.ok(), TestProvider.task("line/a"));
    private final BatchingProvider batch = new BatchingProvider();
    private final EnvRegistry registry = EnvRegistry.of(List.of(line, batch));

    private static List<EnvOptions> seeds(long seed, int n) {
        List<EnvOptions> options = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            options.add(EnvOptions.seeded(seed + i));
        }
        return options;
    }

    @Test
    void aPluginsRowsGoToItsBatchedFormWithTheirSeedsAndTheRestAreMadeOneByOne() {
        List<String> ids = List.of("line/a", "batch/y", "line/a", "batch/x");
        try (VectorEnv rows = registry.makeVector(ids, seeds(5, 4), 2)) {
            assertThat(rows).isInstanceOf(CompositeVectorEnv.class);
            List<CompositeVectorEnv.Part> parts = ((CompositeVectorEnv) rows).parts();
            assertThat(parts).hasSize(2);
            assertThat(parts.get(0).rows()).containsExactly(1, 3);
            assertThat(parts.get(1).rows()).containsExactly(0, 2);
            assertThat(parts.get(1).env()).isInstanceOf(ThreadedVectorEnv.class);
            assertThat(batch.askedTasks).containsExactly(List.of(registry.resolve("batch/y"),
                    registry.resolve("batch/x")));
            assertThat(batch.askedOptions).containsExactly(List.of(EnvOptions.seeded(6), EnvOptions.seeded(8)));
            for (int i = 0; i < ids.size(); i++) {
                assertThat(rows.spec(i).id()).isEqualTo(ids.get(i));
            }
            float[][] obs = rows.reset(100); // LineEnv starts at seed % 7: row i at (100 + i) % 7
            for (int i = 0; i < ids.size(); i++) {
                assertThat(obs[i][0]).isEqualTo((100 + i) % 7);
            }
        }
        assertThat(line.made).allMatch(e -> e.closed).hasSize(2);
        assertThat(batch.made).allMatch(e -> e.closed).hasSize(2);
    }

    @Test
    void rowsMadeOneWayAreOneVectorEnvAsBefore() {
        try (VectorEnv rows = registry.makeVector(List.of("line/a", "line/a"), seeds(0, 2), 2)) {
            assertThat(rows).isInstanceOf(ThreadedVectorEnv.class);
        }
        try (VectorEnv rows = registry.makeVector(List.of("line/a", "line/a"), seeds(0, 2), 1)) {
            assertThat(rows).isInstanceOf(SyncVectorEnv.class);
        }
        try (VectorEnv rows = registry.makeVector(List.of("batch/x", "batch/y"), seeds(0, 2), 1)) {
            // the plug-in's own vector env (guarded against its untyped failures), no composite
            assertThat(rows).isNotInstanceOf(CompositeVectorEnv.class);
            assertThat(rows.numEnvs()).isEqualTo(2);
        }
    }

    /**
     * A stop (a command's Ctrl-C) asked for while the rows are made is heard before the next env: no env is made
     * after it, those made (batched and one by one) are closed, and the answer is empty.
     */
    @Test
    void aStopWhileTheRowsAreMadeMakesNoFurtherEnvAndClosesThoseMade() {
        List<String> ids = List.of("batch/x", "line/a", "batch/y", "line/a", "line/a");
        Optional<VectorEnv> rows = registry.makeVector(ids, seeds(0, 5), 2, () -> !line.made.isEmpty());
        assertThat(rows).isEmpty();
        assertThat(batch.made).hasSize(2).allMatch(e -> e.closed);
        assertThat(line.made).hasSize(1).allMatch(e -> e.closed);
        // asked before the first env too: a stop that came before makes none
        assertThat(registry.makeVector(ids, seeds(0, 5), 2, () -> true)).isEmpty();
        assertThat(batch.askedTasks).hasSize(1);
        assertThat(line.made).hasSize(1);
    }

    @Test
    void aFailingBatchedFormReachesTheCallerAndBadInputIsTyped() {
        batch.fail = true;
        assertThatThrownBy(() -> registry.makeVector(List.of("line/a", "batch/x"), seeds(0, 2), 2))
                .isInstanceOf(TdmpcException.class).hasMessageContaining("did not start");
        assertThatThrownBy(() -> registry.makeVector(List.of("line/a", "nope/b"), seeds(0, 2), 2))
                .isInstanceOf(UnknownTaskException.class);
        assertThatThrownBy(() -> registry.makeVector(List.of("line/a"), seeds(0, 2), 2))
                .isInstanceOf(TdmpcException.class)
                .hasMessageContaining("one env option per row and at least one row, got 1 row and 2 options: pass");
        assertThat(line.made).isEmpty();
    }

    /**
     * A plug-in's batched env that checks nothing it is given: the registry's guard refuses the caller's mistakes
     * before it, as every vector env of tdmpc2j refuses them, instead of blaming the plug-in for what they make it
     * throw. Before: reset(null) was a PluginException 'the batched env of lax threw from reset(): NullPointerException
     * ... a defect of the plug-in'; step(null) likewise; spec(5) an ArrayIndexOutOfBoundsException.
     */
    @Test
    void aBatchedEnvIsGivenOnlyWhatItsCallerMayGive() {
        TestProvider lax = new TestProvider("lax", Availability.ok(), TestProvider.task("lax/x")) {
            @Override
            public Optional<VectorEnv> createVector(List<TaskSpec> tasks, List<EnvOptions> options) {
                return Optional.of(new VectorEnv() {
                    @Override
                    public int numEnvs() {
                        return tasks.size();
                    }

                    @Override
                    public TaskSpec spec(int i) {
                        return tasks.get(i);
                    }

                    @Override
                    public float[][] reset(io.github.tdmpc2j.spi.vector.EpisodeSchedule schedule) {
                        schedule.next(0, 0);
                        return new float[tasks.size()][tasks.get(0).observationSize()];
                    }

                    @Override
                    public io.github.tdmpc2j.spi.vector.VectorStepResult step(float[][] actions) {
                        throw new IllegalStateException("stepped with " + actions.length + " actions");
                    }

                    @Override
                    public io.github.tdmpc2j.spi.vector.EpisodeSchedule.Ticket episode(int i) {
                        return null;
                    }

                    @Override
                    public void close() {
                    }
                });
            }
        };
        try (EnvRegistry r = EnvRegistry.of(List.of(lax));
                VectorEnv rows = r.makeVector(List.of("lax/x", "lax/x"), seeds(0, 2), 1)) {
            assertThatThrownBy(() -> rows.reset((io.github.tdmpc2j.spi.vector.EpisodeSchedule) null))
                    .isExactlyInstanceOf(TdmpcException.class)
                    .hasMessageStartingWith("the episode schedule is null: pass EpisodeSchedule.sequential(seed, 2)");
            assertThatThrownBy(() -> rows.step(null)).isInstanceOf(InvalidActionException.class)
                    .hasMessage("a vector env of 2 envs needs 2 actions (null for a row to leave as it is), got null");
            assertThatThrownBy(() -> rows.checkActions(new float[1][])).isInstanceOf(InvalidActionException.class);
            assertThatThrownBy(() -> rows.spec(5)).isExactlyInstanceOf(TdmpcException.class)
                    .hasMessageStartingWith("row 5 is not one of this vector env's 2 rows");
            assertThatThrownBy(() -> rows.episode(2)).isExactlyInstanceOf(TdmpcException.class)
                    .hasMessageStartingWith("row 2 is not one of this vector env's 2 rows");
        }
    }
}
