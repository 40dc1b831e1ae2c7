package io.github.tdmpc2j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdmpc2j.bridge.py4j.WorkerFailedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {
    @Test
    void everySubcommandTakesHelp() {
        List<List<String>> paths = new ArrayList<>();
        collect(Main.newCommandLine(), new ArrayList<>(), paths);
        assertThat(paths).extracting(p -> String.join(" ", p))
                .contains("tasks", "tasks list", "tasks check", "train", "eval", "collect", "bench", "setup", "agents");
        for (List<String> path : paths) {
            List<String> args = new ArrayList<>(path);
            args.add("--help");
            TasksCommandTest.Run r = TasksCommandTest.run(args.toArray(String[]::new));
            assertThat(r.exit()).as(args + ": " + r.err()).isZero();
            assertThat(r.out()).as(String.join(" ", args)).startsWith("Usage: tdmpc2j " + String.join(" ", path))
                    .contains("-h, --help");
        }
    }

    /**
     * The README's table of commands against the commands themselves, read from each row's synopsis (its first cell):
     * every option a command takes is in its synopsis (collect's --seed, eval's --spark-conf, tasks check's --seed,
     * ... were not; setup's --torch was only in the description), every option a synopsis shows is one the command
     * takes, with a value where it takes one ({@code --opt VALUE}) and none where it is a flag, {@code ...} where it is
     * repeatable ({@code [--set-param k=v]...}, {@code --tasks ID,...}; --set-param and --spark-conf were shown once),
     * in the form --help shows ({@code --steps N}, {@code --steps=N}: help said {@code --steps=<steps>}), outside
     * every {@code [...]} where it is required and inside one where it is not (unless it is one of alternatives,
     * {@code --task ID|--tasks ID,...}), and each positional parameter by its label, in brackets where it may be left
     * out.
     */
    @Test
    void theReadmeCommandTableShowsEveryOptionAndOnlyOptionsThatExist() throws Exception {
        List<String> rows = Files.readAllLines(Path.of("..", "README.md")).stream()
                .filter(l -> l.startsWith("| `tdmpc2j ")).toList();
        assertThat(rows).isNotEmpty();
        Pattern option = Pattern.compile("--[a-z][a-z-]*[a-z]");
        List<List<String>> paths = new ArrayList<>();
        collect(Main.newCommandLine(), new ArrayList<>(), paths);
        Set<String> problems = new LinkedHashSet<>();
        for (List<String> path : paths) {
            CommandLine cl = Main.newCommandLine();
            for (String name : path) {
                cl = cl.getSubcommands().get(name);
            }
            if (!cl.getSubcommands().isEmpty()) {
                continue; // a group (tasks, cluster): its subcommands have the rows
            }
            String command = "tdmpc2j " + String.join(" ", path);
            // the synopses (in a row's first cell) that name this command
            List<String> synopses = new ArrayList<>();
            for (String row : rows) {
                String first = row.substring(1, row.indexOf(" | "));
                Matcher m = Pattern.compile("`(tdmpc2j [^`]*)`").matcher(first);
                while (m.find()) {
                    String synopsis = m.group(1);
                    if (synopsis.equals(command) || synopsis.startsWith(command + " ")) {
                        synopses.add(synopsis.replace("\\|", "|"));
                    }
                }
            }
            if (synopses.isEmpty()) {
                problems.add(command + ": no row in the README's table of commands");
                continue;
            }
            Map<String, CommandLine.Model.OptionSpec> takes = new LinkedHashMap<>();
            cl.getCommandSpec().options().forEach(o -> takes.put(o.longestName(), o));
            takes.keySet().removeAll(List.of("--help", "--version"));
            Set<String> shown = new LinkedHashSet<>();
            for (String synopsis : synopses) {
                Matcher m = option.matcher(synopsis);
                while (m.find()) {
                    String name = m.group();
                    shown.add(name);
                    CommandLine.Model.OptionSpec o = takes.get(name);
                    if (o == null) {
                        problems.add(command + ": the README shows " + name + ", which it does not take");
                        continue;
                    }
                    // what follows the name: a value (a word that is neither an option nor a bracket) or nothing
                    String rest = synopsis.substring(m.end());
                    String value = rest.startsWith(" ") && rest.length() > 1 && "[-".indexOf(rest.charAt(1)) < 0
                            ? rest.substring(1).split(" ")[0].replaceAll("]+$", "") : null;
                    if (o.arity().max() == 0 && value != null) {
                        problems.add(command + ": the README shows " + name + " " + value + ", a flag taking no value");
                    } else if (o.arity().max() > 0 && value == null) {
                        problems.add(command + ": the README shows " + name + " without the value it takes");
                    } else if (o.isMultiValue() && !rest.substring(1).split(" ")[0].contains("...")) {
                        problems.add(command + ": the README shows " + name + " " + value + " once; it is repeatable"
                                + " (show it as [" + name + " " + value + "]...)");
                    }
                    // the value's form, as --help shows it (--steps=N): the word up to the next alternative's option
                    String form = value == null ? null
                            : value.replaceAll("\\|--.*$", "").replaceAll("(]\\.\\.\\.|])+$", "");
                    if (form != null && !form.equals(o.paramLabel())) {
                        problems.add(command + ": the README shows " + name + " " + form + ", its --help "
                                + name + "=" + o.paramLabel());
                    }
                    boolean required = o.required() && (o.group() == null || o.group().multiplicity().min() > 0);
                    String before = synopsis.substring(0, m.start());
                    long depth = before.chars().filter(c -> c == '[').count()
                            - before.chars().filter(c -> c == ']').count();
                    if (required && depth > 0) {
                        problems.add(command + ": the README shows " + name + ", which it requires, in brackets");
                    } else if (!required && depth == 0 && !alternative(synopsis, m.start(), m.end())
                            && !synopsis.startsWith(command + " " + name)) { // a form's first option: train --data
                        problems.add(command + ": the README shows " + name + ", which it does not require, outside"
                                + " brackets (show it as [" + name + (value == null ? "" : " " + value) + "])");
                    }
                }
            }
            // each positional parameter by its label (setup's DOMAIN...), in brackets where it may be left out
            for (CommandLine.Model.PositionalParamSpec p : cl.getCommandSpec().positionalParameters()) {
                String label = p.paramLabel().replaceAll("^<(.*)>$", "$1");
                for (String synopsis : synopses) {
                    // the label, or a value of it in its place (setup gpu)
                    String[] words = synopsis.substring(command.length()).trim().split(" ");
                    boolean bare = synopsis.contains(" " + label)
                            || !words[0].isEmpty() && "-[".indexOf(words[0].charAt(0)) < 0;
                    boolean bracketed = synopsis.contains("[" + label);
                    if (!bare && !bracketed) {
                        problems.add(command + ": the README's synopsis `" + synopsis + "` does not show its "
                                + label + ", as its --help does");
                    } else if (p.arity().min() == 0 && !bracketed) {
                        problems.add(command + ": the README shows " + label + ", which may be left out, outside"
                                + " brackets");
                    } else if (p.arity().min() > 0 && !bare) {
                        problems.add(command + ": the README shows " + label + ", which it requires, in brackets");
                    }
                }
            }
            for (String name : takes.keySet()) {
                if (!shown.contains(name)) {
                    problems.add(command + " takes " + name + ", which its README synopsis does not show");
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    /**
     * The launcher, on a machine without g++ and Maven, says so before it builds (the build failed minutes in, with
     * Maven's log, where the README named neither g++ nor what was missing).
     */
    @Test
    void theLauncherNamesTheToolsItsBuildNeedsBeforeBuilding(@TempDir Path dir) throws Exception {
        Path root = Files.createDirectories(dir.resolve("checkout"));
        Files.copy(Path.of("..", "tdmpc2j"), root.resolve("tdmpc2j"));
        // a PATH with what the script itself runs, java, javac and python3, but neither mvn nor g++: each a small
        // script that runs this machine's tool
        Path bin = Files.createDirectories(dir.resolve("bin"));
        String bash = where("bash");
        for (String tool : List.of("bash", "dirname", "find", "mktemp", "cat", "mv", "mkdir", "touch", "java",
                "javac", "python3")) {
            String path = where(tool);
            if (path != null) {
                Path wrapper = Files.writeString(bin.resolve(tool), "#!" + bash + "\nexec " + path + " \"$@\"\n");
                assertThat(wrapper.toFile().setExecutable(true)).isTrue();
            }
        }
        ProcessBuilder pb = new ProcessBuilder(bin.resolve("bash").toString(), root.resolve("tdmpc2j").toString(),
                "--help").redirectErrorStream(true);
        pb.environment().put("PATH", bin.toString());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(output).isEqualTo(1);
        assertThat(output).contains("missing: mvn g++").contains("g++").doesNotContain("building (once");
        assertThat(root.resolve("cli")).doesNotExist();
    }

    /** Whether the option at [start, end) of a synopsis is one of alternatives ({@code --task ID|--tasks ID,...}). */
    private static boolean alternative(String synopsis, int start, int end) {
        String rest = synopsis.substring(end);
        String next = rest.startsWith(" ") ? rest.substring(1).split(" ")[0] : "";
        return synopsis.substring(0, start).endsWith("|") || rest.startsWith("|")
                || (!next.startsWith("[") && next.contains("|--"));
    }

    /** The path of {@code tool} on this machine's PATH, or null. */
    private static String where(String tool) throws Exception {
        Process which = new ProcessBuilder("bash", "-c", "command -v " + tool).start();
        String path = new String(which.getInputStream().readAllBytes()).trim();
        return which.waitFor() == 0 && !path.isEmpty() ? path : null;
    }

    @Test
    void onlyCollectTakesGather() {
        // eval and bench took --gather and ignored it: their results come back to this process whatever it says
        for (List<String> args : List.of(List.of("eval", "--checkpoint", "none", "--task", "classic/pendulum"),
                List.of("bench", "--tasks", "classic/pendulum", "--agent", "random"))) {
            String command = args.get(0);
            List<String> withGather = new ArrayList<>(args);
            withGather.addAll(List.of("--master", "local[1]", "--gather"));
            TasksCommandTest.Run r = TasksCommandTest.run(withGather.toArray(String[]::new));
            assertThat(r.exit()).as(command).isEqualTo(2);
            assertThat(r.err()).as(command).contains("Unknown option: '--gather'");
        }
        assertThat(TasksCommandTest.run("collect", "--help").out()).contains("--gather");
    }

    /** A command's user makes no envs: the bridge's advice to make one again is said in the command's words. */
    @Test
    void theBridgesAdviceToMakeAnEnvIsSaidInTheCommandsWords() {
        assertThat(Main.errorLine("[dmc] cannot step dmc-python/walker-walk: the worker was closed (...): "
                + WorkerFailedException.CLOSED_WORKER_ADVICE)).isEqualTo("error: [dmc] cannot step "
                        + "dmc-python/walker-walk: the worker was closed (...): a new worker starts when the command "
                        + "runs again");
        assertThat(Main.errorLine("the worker died; " + WorkerFailedException.NEW_WORKER_ADVICE))
                .isEqualTo("error: the worker died; a new worker starts when the command runs again");
    }

    @Test
    void setupTakesTorchOnlyForTheGpuRuntime() {
        TasksCommandTest.Run r = TasksCommandTest.run("setup", "dmc", "--torch", "/tmp");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--torch is for `setup gpu`");
    }

    @Test
    void setupRefusesAnUnknownDomainBeforeMakingAnyEnvironment(@TempDir Path venvs) {
        // a typo after a long install used to fail only once that install was done (or had failed)
        String before = System.getProperty("tdmpc2j.venvs");
        String python = System.getProperty("tdmpc2j.python");
        System.setProperty("tdmpc2j.venvs", venvs.toString());
        System.setProperty("tdmpc2j.python", venvs.resolve("no-python-here").toString());
        try {
            TasksCommandTest.Run r = TasksCommandTest.run("setup", "gymnasium", "metaworl");
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("no Python requirements for the domain 'metaworl'").contains("metaworld")
                    .doesNotContain("no-python-here");
            assertThat(venvs).isEmptyDirectory();
        } finally {
            restore("tdmpc2j.venvs", before);
            restore("tdmpc2j.python", python);
        }
    }

    private static void restore(String property, String value) {
        if (value == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, value);
        }
    }

    private static void collect(CommandLine cl, List<String> prefix, List<List<String>> paths) {
        cl.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                List<String> path = new ArrayList<>(prefix);
                path.add(name);
                paths.add(path);
                collect(sub, path, paths);
            }
        });
    }
}
