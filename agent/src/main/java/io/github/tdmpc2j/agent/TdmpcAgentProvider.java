package io.github.tdmpc2j.agent;

import io.github.tdmpc2j.agent.checkpoint.Checkpoint;
import io.github.tdmpc2j.spi.agent.Agent;
import io.github.tdmpc2j.spi.agent.AgentContext;
import io.github.tdmpc2j.spi.agent.AgentProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@code tdmpc2} agent plug-in. */
public final class TdmpcAgentProvider implements AgentProvider {
    @Override
    public String name() {
        return "tdmpc2";
    }

    @Override
    public String description() {
        return "TD-MPC2 (Hansen et al., ICLR 2024) on DJL/PyTorch; params: preset=paper|cpu, model_size=1|5|19|48|317, "
                + "and the reference's hyperparameter names";
    }

    @Override
    public Agent create(AgentContext context) {
        return new TdmpcAgent(context);
    }

    /** The settings as {@link #create} checks them, and the heap the run's replay buffer fills. */
    @Override
    public void checkRun(AgentContext context, long steps, int envs, long heapBytes) {
        TdmpcAgent.checkRun(context, steps, envs, heapBytes);
    }

    /** The settings as {@link #create} checks them, and the heap the dataset fills in the replay buffer. */
    @Override
    public void checkOfflineRun(AgentContext context, long datasetSteps, long heapBytes) {
        TdmpcAgent.checkOfflineRun(context, datasetSteps, heapBytes);
    }

    /** A checkpoint trained with {@code mpc=false} acts with its policy prior alone, not with MPPI. */
    @Override
    public Optional<String> actingNotice(Map<String, String> params) {
        String mpc = params.get("mpc");
        return mpc != null && mpc.strip().equalsIgnoreCase("false") ? Optional.of("the agent acts with its policy prior alone, "
                + "without planning (mpc=false); --set-param mpc=true plans with its world "
                + "model") : Optional.empty();
    }

    /** The resolved configuration in the checkpoint's {@code tdmpc2.json}, without the device. */
    @Override
    public Map<String, String> checkpointParams(Path dir) {
        return Checkpoint.savedParams(dir);
    }

    /** The tasks in the checkpoint's {@code tdmpc2.json}, in the order of its task embeddings. */
    @Override
    public List<String> checkpointTasks(Path dir) {
        return Checkpoint.savedTasks(dir);
    }
}
