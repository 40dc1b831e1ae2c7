package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.spi.PluginFailure;
import io.github.tdmpc2j.spi.agent.AgentProvider;
import io.github.tdmpc2j.spi.agent.Agents;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code tdmpc2j agents}: the installed agent plug-ins. */
@Command(name = "agents", description = "List the installed agents (usable as --agent NAME).")
final class AgentsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Agents.Installed installed = Agents.discover();
        for (AgentProvider p : installed.providers()) {
            out.printf("%-10s %s%n", p.name(), p.description());
        }
        for (PluginFailure f : installed.failures()) {
            out.printf("%-10s unavailable: %s%n", "?", f);
        }
        out.flush();
        return 0;
    }
}
