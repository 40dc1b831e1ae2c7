package io.github.tdmpc2j.tasks.metaworld;

import static io.github.tdmpc2j.bridge.py4j.testkit.VectorLockstep.assertSameStep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.bridge.py4j.PythonWorker;
import io.github.tdmpc2j.bridge.py4j.WorkerFailedException;
import io.github.tdmpc2j.bridge.py4j.testkit.Venvs;
import io.github.tdmpc2j.examples.classic.ClassicControlProvider;
import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.MultitaskEnv;
import io.github.tdmpc2j.spi.TaskSpace;
import io.github.tdmpc2j.spi.vector.CompositeVectorEnv;
import io.github.tdmpc2j.spi.vector.EpisodeSchedule;
import io.github.tdmpc2j.spi.vector.SyncVectorEnv;
import io.github.tdmpc2j.spi.vector.ThreadedVectorEnv;
import io.github.tdmpc2j.spi.vector.VectorEnv;
import io.github.tdmpc2j.spi.vector.VectorStepResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Meta-World rows batched through the registry (one worker call per step for all of them) against the same rows
 * made one by one, each a wrapped env of its own: the same episodes, step for step. Real worker, real suite.
 */
class MetaWorldVectorTest {
    private MetaWorldProvider metaworld;
    private EnvRegistry registry;

    @BeforeEach
    void open() {
        metaworld = new MetaWorldProvider();
        Venvs.assumeReady(metaworld.availability());
        registry = EnvRegistry.of(List.of(metaworld, new ClassicControlProvider()));
    }

    @AfterEach
    void close() {
        if (registry != null) {
            registry.close();
        }
    }

    private static List<EnvOptions> seeds(long seed, int n) {
        List<EnvOptions> options = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            options.add(EnvOptions.seeded(seed + i));
        }
        return options;
    }

    private List<Env> oneByOne(List<String> ids, List<EnvOptions> options) {
        List<Env> envs = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            envs.add(registry.make(ids.get(i), options.get(i)));
        }
        return envs;
    }

    private PythonWorker worker() {
        return metaworld.worker().peek();
    }

    @Test
    void batchedRowsStepLikeRegistryEnvsOneByOneInOneCallPerStep() {
        List<String> ids = List.of("metaworld/reach", "metaworld/push", "metaworld/reach", "metaworld/assembly");
        int n = ids.size();
        try (VectorEnv batched = registry.makeVector(ids, seeds(10, n), 1);
                VectorEnv reference = new SyncVectorEnv(oneByOne(ids, seeds(10, n)))) {
            // the plug-in's batched env (guarded by the registry), not envs made one by one nor a composite
            assertThat(batched).isNotInstanceOf(SyncVectorEnv.class).isNotInstanceOf(ThreadedVectorEnv.class)
                    .isNotInstanceOf(CompositeVectorEnv.class);
            assertThat(batched.reset(50)).isDeepEqualTo(reference.reset(50));
            SplittableRandom rng = new SplittableRandom(4);
            int ended = 0;
            for (int t = 0; t < 230; t++) {
                float[][] actions = new float[n][];
                for (int i = 0; i < n; i++) {
                    if (rng.nextInt(8) != 0) { // else null: the row sits this step out
                        actions[i] = new float[4];
                        for (int j = 0; j < 4; j++) {
                            actions[i][j] = (float) rng.nextDouble(-1.2, 1.2); // some get clipped
                        }
                    }
                }
                long calls = worker().calls();
                VectorStepResult x = batched.step(actions);
                assertThat(worker().calls() - calls).as("worker calls for one step").isEqualTo(1);
                VectorStepResult y = reference.step(actions);
                ended += assertSameStep(batched, reference, x, y, t);
            }
            assertThat(ended).as("episodes that ended").isGreaterThanOrEqualTo(n);
        }
    }

    @Test
    void mixedNativeAndMetaWorldRowsRunTheEpisodesTheyRanOneByOne() {
        TaskSpace space = TaskSpace.of(List.of(registry.resolve("classic/pendulum"),
                registry.resolve("metaworld/reach"), registry.resolve("metaworld/push")));
        List<String> ids = List.of("metaworld/reach", "classic/pendulum", "metaworld/push", "classic/pendulum",
                "metaworld/reach");
        int n = ids.size();
        try (MultitaskEnv batched = MultitaskEnv.make(registry, space, ids, 7, 2);
                MultitaskEnv reference = new MultitaskEnv(space,
                        new ThreadedVectorEnv(oneByOne(ids, seeds(7, n)), 2))) {
            assertThat(batched.tasks()).containsExactly(reference.tasks());
            EpisodeSchedule.TaskSeeds taskSeeds = (t, e) -> 100L * t + e;
            assertThat(batched.reset(EpisodeSchedule.perTask(batched.tasks(), 2, taskSeeds, (t, e) -> false)))
                    .isDeepEqualTo(reference.reset(EpisodeSchedule.perTask(reference.tasks(), 2, taskSeeds,
                            (t, e) -> false)));
            SplittableRandom rng = new SplittableRandom(9);
            List<EpisodeSchedule.Ticket> started = new ArrayList<>();
            int steps = 0;
            while (!reference.allIdle()) {
                float[][] actions = new float[n][];
                for (int i = 0; i < n; i++) {
                    actions[i] = new float[space.actionSize()];
                    for (int j = 0; j < actions[i].length; j++) {
                        actions[i][j] = (float) rng.nextDouble(-1, 1);
                    }
                }
                long calls = worker().calls();
                VectorStepResult x = batched.step(actions);
                boolean metaWorldRan = batched.episode(0) != null || batched.episode(2) != null
                        || batched.episode(4) != null; // a row with an episode after the step stepped or reset
                assertThat(worker().calls() - calls).as("worker calls at step %d", steps)
                        .isEqualTo(metaWorldRan ? 1 : 0);
                VectorStepResult y = reference.step(actions);
                assertSameStep(batched, reference, x, y, steps);
                for (int i = 0; i < n; i++) {
                    if (x.infos().get(i).containsKey(VectorEnv.AUTORESET)) {
                        started.add(batched.episode(i));
                    }
                }
                steps++;
            }
            assertThat(batched.allIdle()).isTrue();
            // 2 episodes per task: the tasks of two rows run one each, push's one row runs both (numbers 4, 5)
            assertThat(started).containsExactly(new EpisodeSchedule.Ticket(5, 201));
            // push's two episodes of 100 steps, its autoreset, and the step on which its row finds no more work
            assertThat(steps).isEqualTo(202);
        }
    }

    @Test
    void aDyingWorkerReachesTheCallerAsTheBridgesExceptionAndCloseLeavesNoWorker() throws Exception {
        List<String> ids = List.of("metaworld/reach", "classic/pendulum", "metaworld/reach");
        VectorEnv rows = registry.makeVector(ids, seeds(3, ids.size()), 2);
        rows.reset(0);
        rows.step(new float[][] {{0, 0, 0, 0}, {0}, {0, 0, 0, 0}});
        ProcessHandle python = ProcessHandle.of(worker().pid()).orElseThrow();
        python.destroyForcibly();
        python.onExit().get(10, TimeUnit.SECONDS);
        assertThatThrownBy(() -> rows.step(new float[][] {{0, 0, 0, 0}, {0}, {0, 0, 0, 0}}))
                .isInstanceOf(WorkerFailedException.class).hasMessageContaining("metaworld");
        rows.close();

        try (VectorEnv again = registry.makeVector(ids, seeds(3, ids.size()), 2)) { // a new worker
            again.reset(0);
            again.step(new float[][] {{0, 0, 0, 0}, {0}, {0, 0, 0, 0}});
            python = ProcessHandle.of(worker().pid()).orElseThrow();
        }
        registry.close();
        registry = null;
        python.onExit().get(Duration.ofSeconds(15).toSeconds(), TimeUnit.SECONDS);
        assertThat(python.isAlive()).isFalse();
    }
}
