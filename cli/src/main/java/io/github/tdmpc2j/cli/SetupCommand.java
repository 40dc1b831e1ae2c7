package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.bridge.py4j.PythonSetup;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tdmpc2j setup DOMAIN...}: makes a Python suite's environment. */
@Command(name = "setup", description = {
        "Make the Python environment of one or more bridged domains (dmc, gymnasium, metaworld, myosuite, maniskill),",
        "one virtual environment each, from bridges/python/requirements/DOMAIN.txt. Idempotent: a ready environment",
        "is left alone; a half-made one is made again. Location: TDMPC2J_VENVS (default ~/.cache/tdmpc2j/venvs)."})
final class SetupCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "DOMAIN", description = "the domains to set up")
    List<String> domains;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PythonSetup setup = PythonSetup.fromEnvironment();
        for (String domain : domains) {
            out.println(setup.ensure(domain));
            if (domain.equals("maniskill")) {
                // the one step pip cannot do: a system package, and it needs root
                out.println("maniskill: its simulator also needs Vulkan; without a GPU driver that is Mesa's lavapipe "
                        + "23 or newer: `sudo scripts/setup.d/45-maniskill-vulkan.sh` installs it on Debian "
                        + "(`./scripts/test` runs it too)");
            }
            out.flush();
        }
        return 0;
    }
}
