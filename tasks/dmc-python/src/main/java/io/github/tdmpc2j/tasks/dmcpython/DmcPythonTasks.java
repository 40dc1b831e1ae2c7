package io.github.tdmpc2j.tasks.dmcpython;

import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.SuccessMetric;
import io.github.tdmpc2j.spi.TaskSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The dm_control suite tasks this plug-in lists, with the spaces dm_control 1.0.50 gives them (observation = the
 * observation dict flattened in order; the action bounds of the task's actuators). A test checks every row against
 * dm_control itself.
 */
final class DmcPythonTasks {
    static final String DOMAIN = "dmc-python";
    /** TD-MPC2's DMControl setting: 1000 control steps = 500 agent steps at action repeat 2. */
    static final int ACTION_REPEAT = 2;
    static final int EPISODE_AGENT_STEPS = 500;

    private static final Object[][] TABLE = {
        // the 19 DMControl tasks of MT30
        {"walker-stand", 24, 6}, {"walker-walk", 24, 6}, {"walker-run", 24, 6}, {"cheetah-run", 17, 6},
        {"reacher-easy", 6, 2}, {"reacher-hard", 6, 2}, {"acrobot-swingup", 6, 1}, {"pendulum-swingup", 3, 1},
        {"cartpole-balance", 5, 1}, {"cartpole-balance-sparse", 5, 1}, {"cartpole-swingup", 5, 1},
        {"cartpole-swingup-sparse", 5, 1}, {"cup-catch", 8, 2}, {"finger-spin", 9, 2}, {"finger-turn-easy", 12, 2},
        {"finger-turn-hard", 12, 2}, {"fish-swim", 24, 5}, {"hopper-stand", 15, 4}, {"hopper-hop", 15, 4},
        // the high-dimensional ones
        {"dog-stand", 223, 38}, {"dog-walk", 223, 38}, {"dog-trot", 223, 38}, {"dog-run", 223, 38},
        {"humanoid-stand", 67, 21}, {"humanoid-walk", 67, 21}, {"humanoid-run", 67, 21},
        {"quadruped-walk", 78, 12}, {"quadruped-run", 78, 12},
    };

    /** The quadruped's actuators: per leg yaw [-1, 1], lift [-1, 1.1], extend [-0.8, 0.8]. */
    private static final float[] QUADRUPED_LEG_LOW = {-1f, -1f, -0.8f};
    private static final float[] QUADRUPED_LEG_HIGH = {1f, 1.1f, 0.8f};

    private DmcPythonTasks() {
    }

    static List<TaskSpec> all() {
        List<TaskSpec> specs = new ArrayList<>(TABLE.length);
        for (Object[] row : TABLE) {
            String name = (String) row[0];
            int obs = (Integer) row[1];
            int act = (Integer) row[2];
            Box action = name.startsWith("quadruped-") ? quadrupedActions() : Box.of(act, -1f, 1f);
            specs.add(new TaskSpec(DOMAIN + "/" + name, List.of(), Box.unbounded(obs), action, EPISODE_AGENT_STEPS,
                    ACTION_REPEAT, SuccessMetric.RETURN, false));
        }
        return List.copyOf(specs);
    }

    private static Box quadrupedActions() {
        float[] low = new float[12];
        float[] high = new float[12];
        for (int leg = 0; leg < 4; leg++) {
            System.arraycopy(QUADRUPED_LEG_LOW, 0, low, 3 * leg, 3);
            System.arraycopy(QUADRUPED_LEG_HIGH, 0, high, 3 * leg, 3);
        }
        return Box.of(low, high);
    }
}
