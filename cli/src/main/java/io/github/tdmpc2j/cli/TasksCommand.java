package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.spi.EnvProvider;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.PluginFailure;
import io.github.tdmpc2j.spi.TaskSets;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.TdmpcException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code tdmpc2j tasks list|check}; {@code tdmpc2j tasks} alone lists them. */
@Command(name = "tasks", description = "List the installed tasks (what `tasks` alone does), or check that they run.",
        subcommands = {TasksCommand.ListTasks.class, TasksCommand.CheckTasks.class})
final class TasksCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    /** {@code tasks} without a subcommand: {@code tasks list} (it printed "Missing required subcommand"). */
    @Override
    public Integer call() {
        return spec.subcommands().get("list").execute();
    }

    @Command(name = "list", description = "One line per installed task: id, domain, sizes, episode length, action"
            + " repeat, revision (raised by its plug-in whenever its episodes change), availability.")
    static final class ListTasks implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--domain", paramLabel = "D", description = "only this domain")
        String domain;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (EnvRegistry registry = EnvRegistry.discover()) {
                List<PluginFailure> failures = registry.loadFailures().stream()
                        .filter(f -> domain == null || domain.equals(f.domain())).toList();
                boolean onlyLeftOut = domain != null && !failures.isEmpty() && registry.provider(domain).isEmpty();
                List<TaskSpec> tasks = domain == null ? registry.list()
                        : onlyLeftOut ? List.of() : registry.list(domain);
                out.printf("%-40s %-12s %5s %5s %8s %6s %3s  %s%n", "ID", "DOMAIN", "OBS", "ACT", "EPISODE",
                        "REPEAT", "REV", "AVAILABILITY");
                for (TaskSpec t : tasks) {
                    out.printf("%-40s %-12s %5d %5d %8d %6d %3d  %s%n", t.id(), t.domain(), t.observationSize(),
                            t.actionSize(), t.maxEpisodeSteps(), t.actionRepeat(), t.revision(),
                            registry.availability(t));
                }
                for (PluginFailure f : failures) {
                    // a plug-in left out at discovery: its tasks are unknown, so one line for the whole plug-in
                    out.printf("%-40s %-12s %5s %5s %8s %6s %3s  unavailable: %s%n",
                            (f.domain() == null ? "?" : f.domain()) + "/* (" + f.source() + ")",
                            f.domain() == null ? "?" : f.domain(), "-", "-", "-", "-", "-", f);
                }
                out.println();
                for (EnvProvider p : registry.providers()) {
                    if (domain == null || domain.equals(p.domain())) {
                        int count = registry.list(p.domain()).size();
                        out.printf("domain %-12s %3d %-5s  %s%n", p.domain(), count, Messages.word(count, "task"),
                                p.description());
                    }
                }
                out.flush();
                return 0;
            }
        }
    }

    @Command(name = "check", description = "Make each task, reset it with a seed, step random actions to the end of "
            + "one episode, and verify spaces and finiteness. Exits 1 when a task fails, 3 when none failed but a task "
            + "could not be checked (unavailable), 0 when every task passed.")
    static final class CheckTasks implements Callable<Integer> {
        /** The exit status when no task failed but some could not be checked (unavailable). */
        static final int NOT_CHECKED = 3;

        @Spec
        CommandSpec spec;

        @Option(names = "--domain", paramLabel = "D", description = "check every task of this domain")
        String domain;

        @Option(names = "--task", paramLabel = "ID,...",
                description = "check these tasks (ids or aliases, comma-separated)")
        List<String> tasks;

        @Option(names = "--set", paramLabel = "NAME", description = "check a named task set (mt30, mt80, ...)")
        String set;

        @Option(names = "--all", description = "every installed task (the default when nothing is chosen)")
        boolean all;

        @Option(names = "--seed", paramLabel = "S",
                defaultValue = "1", description = "reset seed (default ${DEFAULT-VALUE})")
        long seed;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try (EnvRegistry registry = EnvRegistry.discover()) {
                List<String> ids = chosen(registry);
                TaskChecker checker = new TaskChecker(registry, seed);
                int passed = 0;
                int failed = 0;
                List<String> unavailable = new ArrayList<>();
                for (String id : ids) {
                    TaskChecker.Result r = checker.check(id);
                    out.println(r.line());
                    out.flush();
                    switch (r.status()) {
                        case PASS -> passed++;
                        case FAIL -> failed++;
                        case UNAVAILABLE -> unavailable.add(r.id());
                        default -> throw new IllegalStateException();
                    }
                }
                out.printf("%d passed, %d failed%s%n", passed, failed,
                        unavailable.isEmpty() ? "" : ", " + unavailable.size() + " unavailable");
                if (!unavailable.isEmpty()) {
                    out.printf("not checked: %s; make each ready as its UNAVAILABLE line says (for a Python suite, "
                            + "`tdmpc2j setup DOMAIN`) and check again, or choose only ready tasks "
                            + "(`tdmpc2j tasks list` shows which are)%n", String.join(", ", unavailable));
                }
                out.flush();
                return failed > 0 ? 1 : unavailable.isEmpty() ? 0 : NOT_CHECKED;
            }
        }

        private List<String> chosen(EnvRegistry registry) {
            LinkedHashSet<String> ids = new LinkedHashSet<>();
            if (domain != null) {
                registry.list(domain).forEach(t -> ids.add(t.id()));
            }
            if (tasks != null) {
                // an alias and its id are one task
                tasks.forEach(given -> TaskSets.split(given, "--task " + given).forEach(name -> ids.add(idOf(registry,
                        name))));
            }
            if (set != null) {
                ids.addAll(registry.taskSet(set));
            }
            if (all || ids.isEmpty()) {
                registry.list().forEach(t -> ids.add(t.id()));
            }
            if (ids.isEmpty()) {
                throw new TdmpcException("no tasks are installed: put a task plug-in on the class path");
            }
            return new ArrayList<>(ids);
        }

        /** The task id a name resolves to, or the name itself where it does not (the check then says why). */
        private static String idOf(EnvRegistry registry, String name) {
            try {
                return registry.resolve(name).id();
            } catch (TdmpcException e) {
                return name;
            }
        }
    }
}
