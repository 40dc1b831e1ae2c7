package io.github.tdmpc2j.agent.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.RandomAgent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OnlineTrainerTest {
    @Test
    void reportsEpisodesAndPeriodicEvaluations() {
        try (EnvRegistry registry = EnvRegistry.discover(); Env env = registry.make("classic/pendulum");
                Env evalEnv = registry.make("classic/pendulum");
                RandomAgent agent = new RandomAgent(AgentContext.single(env.spec(), Map.of(), 1L))) {
            List<OnlineTrainer.Episode> episodes = new ArrayList<>();
            List<OnlineTrainer.Evaluation> seen = new ArrayList<>();
            List<OnlineTrainer.Evaluation> evals = new OnlineTrainer(env, evalEnv, agent, 0).run(
                    new OnlineTrainer.Settings(450, 200, 2, 3L), new OnlineTrainer.Listener() {
                        @Override
                        public void onEpisode(OnlineTrainer.Episode e) {
                            episodes.add(e);
                        }

                        @Override
                        public void onEvaluation(OnlineTrainer.Evaluation e) {
                            seen.add(e);
                        }
                    });
            assertThat(episodes).extracting(OnlineTrainer.Episode::step).containsExactly(200L, 400L);
            assertThat(episodes).allSatisfy(e -> assertThat(e.length()).isEqualTo(200));
            assertThat(evals).isEqualTo(seen).extracting(OnlineTrainer.Evaluation::step)
                    .containsExactly(200L, 400L, 450L);
            assertThat(evals).allSatisfy(e -> {
                assertThat(e.returns()).hasSize(2);
                assertThat(e.meanReturn()).isBetween(-16.3 * 200, 0.0);
            });
            assertThat(agent.steps()).isEqualTo(450);
        }
    }

    @Test
    void evaluationsWaitForTheTrainingEpisodeToEnd() {
        try (EnvRegistry registry = EnvRegistry.discover(); Env env = registry.make("classic/pendulum");
                Env evalEnv = registry.make("classic/pendulum");
                RandomAgent agent = new RandomAgent(AgentContext.single(env.spec(), Map.of(), 1L))) {
            List<Long> order = new ArrayList<>();
            List<OnlineTrainer.Evaluation> evals = new OnlineTrainer(env, evalEnv, agent, 0).run(
                    new OnlineTrainer.Settings(450, 150, 1, 3L), new OnlineTrainer.Listener() {
                        @Override
                        public void onEpisode(OnlineTrainer.Episode e) {
                            order.add(e.step());
                        }

                        @Override
                        public void onEvaluation(OnlineTrainer.Evaluation e) {
                            order.add(-e.step());
                        }
                    });
            // due at 150 and 300, made when the 200-step episodes end; the last one ends the run mid-episode
            assertThat(evals).extracting(OnlineTrainer.Evaluation::step).containsExactly(200L, 400L, 450L);
            assertThat(order).containsExactly(200L, -200L, 400L, -400L, -450L);
            assertThat(agent.steps()).isEqualTo(450);
        }
    }
}
