package io.github.tdmpc2j.tasks.maniskill;

import io.github.tdmpc2j.bridge.py4j.PythonException;
import io.github.tdmpc2j.bridge.py4j.RemoteEnv;
import io.github.tdmpc2j.bridge.py4j.RemoteEnvProvider;
import io.github.tdmpc2j.bridge.py4j.VenvLayout;
import io.github.tdmpc2j.spi.Availability;
import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.EnvUnavailableException;
import io.github.tdmpc2j.spi.TaskSpec;
import java.util.List;
import java.util.Optional;

/**
 * The five ManiSkill tasks of TD-MPC2 on ManiSkill 3 in a Python worker (venv {@code maniskill}): CPU simulation,
 * one env per task, state observations, seeded by {@code reset(seed)}. As in the TD-MPC2 reference's first release,
 * ManiSkill's own end of an episode (at success) is ignored: every episode runs its 100 agent steps. The step info
 * carries {@code success} as a Boolean from ManiSkill's own flag, and {@code maniskill_done}, ManiSkill's
 * end-of-episode flag. {@code pick-ycb} and {@code turn-faucet} need objects that ManiSkill downloads
 * from its servers; without them those two tasks are unavailable, with the download command.
 */
public final class ManiSkillProvider extends RemoteEnvProvider {
    private static final String ASSETS_MISSING = "tdmpc2j_worker.suites.maniskill.AssetsMissing";
    private static final String RENDERER_MISSING = "tdmpc2j_worker.suites.maniskill.RendererMissing";
    static final String VULKAN_SETUP = "sudo scripts/setup.d/45-maniskill-vulkan.sh";

    public ManiSkillProvider() {
        super(ManiSkillTasks.DOMAIN);
    }

    @Override
    public String description() {
        return "ManiSkill 3.0 (CPU simulation, state, end-effector delta control, 100 agent steps, action repeat 2),"
                + " in a Python worker";
    }

    @Override
    public List<TaskSpec> tasks() {
        return ManiSkillTasks.all();
    }

    /** Ready, or why this one task cannot be made now (the venv, or the objects it needs). */
    @Override
    public Availability availability(TaskSpec task) {
        Availability venv = availability();
        if (!venv.ready()) {
            return venv;
        }
        Optional<ManiSkillAssets.Asset> asset = ManiSkillTasks.byName(task.name()).assets();
        return asset.flatMap(a -> assets().missing(a)).orElse(venv);
    }

    @Override
    public RemoteEnv create(TaskSpec task, EnvOptions options) {
        Availability availability = availability(task);
        if (!availability.ready()) {
            throw new EnvUnavailableException(task.id(), availability);
        }
        try {
            return super.create(task, options);
        } catch (PythonException e) {
            if (e.pythonType().equals(ASSETS_MISSING)) {
                Optional<ManiSkillAssets.Asset> asset = ManiSkillTasks.byName(task.name()).assets();
                throw new EnvUnavailableException(task.id(), Availability.unavailable(e.pythonMessage(),
                        asset.map(a -> assets().downloadCommand(a)).orElse(null)));
            }
            if (e.pythonType().equals(RENDERER_MISSING)) {
                throw new EnvUnavailableException(task.id(), Availability.unavailable(e.pythonMessage(), VULKAN_SETUP));
            }
            throw e;
        }
    }

    private static ManiSkillAssets assets() {
        return ManiSkillAssets.fromEnvironment(VenvLayout.fromEnvironment().python(ManiSkillTasks.DOMAIN));
    }
}
