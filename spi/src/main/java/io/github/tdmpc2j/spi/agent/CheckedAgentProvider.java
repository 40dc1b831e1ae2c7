package io.github.tdmpc2j.spi.agent;

import io.github.tdmpc2j.spi.PluginException;
import io.github.tdmpc2j.spi.PluginFailure;
import io.github.tdmpc2j.spi.ProviderDiscovery;
import io.github.tdmpc2j.spi.TdmpcException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * An installed agent plug-in as {@link Agents#discover} and {@link Agents#find} give it: a call into the plug-in that throws an untyped
 * exception or answers null is a {@link PluginException} that names the plug-in and its jar as
 * {@link PluginFailure} does, and the agents it makes are {@link CheckedAgent checked} the same way. A
 * {@link TdmpcException} the plug-in throws (a bad setting, a checkpoint of another shape) passes as it is. A null
 * argument is the caller's mistake, refused before the plug-in is called.
 */
final class CheckedAgentProvider implements AgentProvider {
    private final AgentProvider provider;
    private final String source;

    CheckedAgentProvider(AgentProvider provider, String source) {
        this.provider = provider;
        this.source = source;
    }

    @Override
    public String name() {
        return provider.name();
    }

    /** The plug-in's description; one it does not give (null or blank) is said to be missing, not shown as "null". */
    @Override
    public String description() {
        return call("description", () -> Optional.ofNullable(provider.description())).filter(d -> !d.isBlank())
                .orElse("(no description)");
    }

    @Override
    public Agent create(AgentContext context) {
        AgentContext.require(context); // the caller's mistake, refused before the plug-in is called with it
        Agent agent = call("create", () -> provider.create(context));
        return agent instanceof OfflineLearner ? new CheckedAgent.Offline(agent, context, this)
                : new CheckedAgent(agent, context, this);
    }

    @Override
    public void checkRun(AgentContext context, long steps, int envs, long heapBytes) {
        AgentContext.require(context);
        AgentProvider.requireRun(steps, envs, heapBytes);
        call("checkRun", () -> {
            provider.checkRun(context, steps, envs, heapBytes);
            return Boolean.TRUE;
        });
    }

    @Override
    public void checkOfflineRun(AgentContext context, long datasetSteps, long heapBytes) {
        AgentContext.require(context);
        AgentProvider.requireOfflineRun(datasetSteps, heapBytes);
        call("checkOfflineRun", () -> {
            provider.checkOfflineRun(context, datasetSteps, heapBytes);
            return Boolean.TRUE;
        });
    }

    @Override
    public Map<String, String> checkpointParams(Path dir) {
        CheckpointFolder.requireFolder(dir);
        return call("checkpointParams", () -> provider.checkpointParams(dir));
    }

    @Override
    public List<String> checkpointTasks(Path dir) {
        CheckpointFolder.requireFolder(dir);
        return call("checkpointTasks", () -> provider.checkpointTasks(dir));
    }

    @Override
    public Optional<String> actingNotice(Map<String, String> params) {
        if (params == null) {
            throw new TdmpcException("the agent's params are null: pass Map.of() for none");
        }
        return call("actingNotice", () -> provider.actingNotice(params));
    }

    /** {@code what} of the plug-in, run: a typed failure passes, another is the plug-in's, and so is a null. */
    <T> T call(String what, Supplier<T> call) {
        T answer;
        try {
            answer = call.get();
        } catch (TdmpcException e) {
            throw e;
        } catch (Throwable e) {
            throw failed(what + " threw " + ProviderDiscovery.describeFault(e), e);
        }
        if (answer == null) {
            throw failed(what + " returned null", null);
        }
        return answer;
    }

    /** A failure of this plug-in: {@code plug-in CLASS in JAR: agent 'NAME': REASON}. */
    PluginException failed(String reason, Throwable cause) {
        String message = new PluginFailure(source, provider.getClass().getName(), null,
                "agent '" + provider.name() + "': " + reason).toString();
        return cause == null ? new PluginException(message) : new PluginException(message, cause);
    }
}
