package io.github.tdmpc2j.cli;

import ai.djl.engine.Engine;
import io.github.tdmpc2j.agent.ConfigException;
import io.github.tdmpc2j.agent.DjlRuntime;
import io.github.tdmpc2j.agent.gpu.GpuSetup;
import io.github.tdmpc2j.agent.gpu.TorchInstall;
import io.github.tdmpc2j.agent.gpu.TorchNative;
import io.github.tdmpc2j.bridge.py4j.PythonSetup;
import io.github.tdmpc2j.bridge.py4j.Requirements;
import io.github.tdmpc2j.spi.io.IoErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code tdmpc2j setup DOMAIN...}: makes a Python suite's environment, or the GPU runtime. */
@Command(name = "setup", description = {
        "Make a Python suite's environment (dmc, gymnasium, metaworld, myosuite, maniskill) or the GPU runtime (gpu).",
        "One virtual environment per domain, from bridges/python/requirements/DOMAIN.txt. Idempotent: a ready "
                + "environment is left alone (--force makes it again); a half-made one is made again. Location: TDMPC2J_VENVS (default "
                + "~/.cache/tdmpc2j/venvs).",
        "`setup gpu`: the agent's GPU runtime: a venv with PyPI's torch 2.7.1 (CUDA 12.6) or your own torch "
                + "(--torch), tdmpc2j's native extension built against it (CUDA graphs; needs g++ and a JDK), and "
                + "DJL pointed at it for every later command (TDMPC2J_TORCH=bundled goes back to DJL's CPU natives). "
                + "Location: TDMPC2J_GPU_HOME (default ~/.cache/tdmpc2j/gpu)."})
final class SetupCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "DOMAIN", description = "the domains to set up, or gpu")
    List<String> domains;

    @Option(names = "--torch", paramLabel = "DIR", description = "setup gpu: use this PyTorch install (the `torch` "
            + "folder in site-packages) instead of making a venv")
    Path torch;

    @Option(names = "--force", description = "make the environments again from scratch even where they look ready "
            + "(a damaged one: a package removed or broken after setup)")
    boolean force;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (torch != null && !domains.contains("gpu")) {
            throw new ConfigException("--torch is for `setup gpu` (the PyTorch the agent runs on); the suites' "
                    + "environments get their own packages: leave it out, or add gpu");
        }
        for (String domain : domains) {
            Requirements.of(domain); // a name it does not know is refused before any environment is made
        }
        PythonSetup setup = PythonSetup.fromEnvironment();
        for (String domain : domains) {
            if (domain.equals("gpu")) {
                setupGpu(setup, out);
                continue;
            }
            out.println(force ? setup.remake(domain) : setup.ensure(domain));
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

    private void setupGpu(PythonSetup setup, PrintWriter out) {
        TorchInstall install;
        if (torch != null) {
            install = TorchInstall.inspect(torch);
        } else {
            PythonSetup.Report report = force ? setup.remake("gpu") : setup.ensure("gpu");
            out.println(report);
            out.flush();
            install = TorchInstall.inspect(torchIn(report.venv()));
        }
        GpuSetup.install(install, out);
        // load DJL on it now, as every later command will
        Engine engine = DjlRuntime.engine();
        out.printf("DJL engine: PyTorch %s, GPUs: %d, --device auto -> %s%s%n", engine.getVersion(),
                engine.getGpuCount(), DjlRuntime.device("auto"), engine.getGpuCount() > 0 ? ""
                        : " (no GPU or driver here: --device gpu will say so; the runtime is ready for one)");
        TorchNative.unavailableReason().ifPresent(why -> out.println("native extension: " + why));
        out.flush();
    }

    private static Path torchIn(Path venv) {
        try (Stream<Path> dirs = Files.list(venv.resolve("lib"))) {
            return dirs.map(d -> d.resolve("site-packages").resolve("torch")).filter(Files::isDirectory).findFirst()
                    .orElseThrow(() -> new ConfigException("no torch package in the venv " + venv + "; delete it and "
                            + "run `tdmpc2j setup gpu` again"));
        } catch (IOException e) {
            throw new ConfigException("cannot read the venv " + venv + ": " + IoErrors.describe(e));
        }
    }
}
