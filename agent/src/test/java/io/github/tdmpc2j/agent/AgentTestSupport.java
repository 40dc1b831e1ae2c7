package io.github.tdmpc2j.agent;

import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.SuccessMetric;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.agent.AgentContext;
import java.util.List;
import java.util.Map;

final class AgentTestSupport {
    private AgentTestSupport() {
    }

    /** A task spec of the given sizes (no env behind it: only shapes matter to the agent). */
    static TaskSpec spec(String id, int obs, int act, int length, boolean episodic) {
        return new TaskSpec(id, List.of(), Box.unbounded(obs), Box.of(act, -1f, 1f), length, 1,
                SuccessMetric.RETURN, episodic);
    }

    static AgentContext single(int obs, int act, Map<String, String> params) {
        return AgentContext.single(spec("test/task", obs, act, 100, false), params, 7L);
    }
}
