package io.github.tdmpc2j.tasks.myosuite;

import io.github.tdmpc2j.bridge.py4j.RemoteEnvProvider;
import io.github.tdmpc2j.spi.TaskSpec;
import java.util.List;

/**
 * MyoSuite 3.0's myoHand tasks in a Python worker (venv {@code myosuite}). The raw env is MyoSuite's own, seeded by
 * {@code reset(seed)}; as in the TD-MPC2 reference, MyoSuite's early ends and its own time limits are ignored
 * (the episode is the registry's 100 steps), and the step info carries {@code success} (a Boolean) from
 * MyoSuite's {@code solved}, and {@code myosuite_done}, MyoSuite's own end-of-episode flag. reach-hard is made with
 * the paper's {@code far_th} (MyoSuite 2.x's), {@code reach-hard-myosuite3} with MyoSuite 3.0.0's; pose and pose-hard
 * with the paper's thumb targets (MyoSuite 2.x's), which MyoSuite 3.0.0 exchanged; reach and pose on the paper's hand
 * (the thumb's joint limits, and bones that collide with each other, both of which MyoSuite 3.0.0's hand model lost).
 */
public final class MyoSuiteProvider extends RemoteEnvProvider {

    public MyoSuiteProvider() {
        super(MyoSuiteTasks.DOMAIN);
    }

    @Override
    public String description() {
        return "MyoSuite 3.0 myoHand tasks (Fixed, and Random as -hard; reach-hard with the paper's reward; 100 agent "
                + "steps), in a Python worker";
    }

    @Override
    public List<TaskSpec> tasks() {
        return MyoSuiteTasks.all();
    }
}
