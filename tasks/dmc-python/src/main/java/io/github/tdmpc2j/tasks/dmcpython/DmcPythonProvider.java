package io.github.tdmpc2j.tasks.dmcpython;

import io.github.tdmpc2j.bridge.py4j.RemoteEnvProvider;
import io.github.tdmpc2j.spi.TaskSpec;
import java.util.List;

/**
 * DMControl through dm_control itself, in a Python worker: the reference implementation to check the native
 * {@code dmc} plug-in against. Ids are {@code dmc-python/walker-walk}; the bare reference names belong to the
 * native plug-in. The raw env is one dm_control control step; the registry adds action repeat 2 and the
 * 500-step limit, as for the native tasks.
 */
public final class DmcPythonProvider extends RemoteEnvProvider {
    private static final List<TaskSpec> TASKS = DmcPythonTasks.all();

    public DmcPythonProvider() {
        super(DmcPythonTasks.DOMAIN, "dmc", "dmc");
    }

    @Override
    public String description() {
        return "DMControl via dm_control 1.0.50 (MuJoCo 3.17.0) in a Python worker";
    }

    @Override
    public List<TaskSpec> tasks() {
        return TASKS;
    }
}
