package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.bridge.py4j.WorkerFailedException;
import io.github.tdmpc2j.spi.TdmpcException;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tdmpc2j} command. */
// scope INHERIT: every subcommand takes --help (and --version) too
@Command(name = "tdmpc2j", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
        version = "tdmpc2j 0.1.0-SNAPSHOT",
        description = "TD-MPC2 and its task suites on the JVM.%n"
                + "Extra plug-in jars: set TDMPC2J_PLUGINS to jars or folders of jars, separated by '"
                + "${sys:path.separator}'.",
        subcommands = {TasksCommand.class, AgentsCommand.class, TrainCommand.class, EvalCommand.class,
            ImportCommand.class, ImportDataCommand.class, ExportCommand.class, CollectCommand.class, BenchCommand.class,
            SetupCommand.class, ClusterCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    public static final String PLUGINS_ENV = "TDMPC2J_PLUGINS";

    public static void main(String[] args) {
        installPluginClassLoader(System.getenv(PLUGINS_ENV));
        System.exit(newCommandLine().execute(args));
    }

    /** A command line whose typed failures print as one clear line instead of a stack trace. */
    public static CommandLine newCommandLine() {
        CommandLine cl = new CommandLine(new Main());
        ClusterOptions.describeSettings(cl);
        cl.setExecutionExceptionHandler((e, cmd, parseResult) -> {
            if (e instanceof TdmpcException) {
                PrintWriter err = cmd.getErr();
                err.println(errorLine(e.getMessage()));
                err.flush();
                return 2;
            }
            throw e;
        });
        return cl;
    }

    /**
     * The line a typed failure prints. A command's user makes no envs: the bridge's advice after a worker that failed
     * or was closed (to make an env again) is said in the command's words.
     */
    static String errorLine(String message) {
        String line = "error: " + message;
        for (String advice : List.of(WorkerFailedException.NEW_WORKER_ADVICE,
                WorkerFailedException.CLOSED_WORKER_ADVICE)) {
            line = line.replace(advice, "a new worker starts when the command runs again");
        }
        return line;
    }

    /** Puts the jars named by {@code spec} on a class loader that plug-in lookups then see; warnings to stderr. */
    static void installPluginClassLoader(String spec) {
        if (spec == null || spec.isBlank()) {
            return;
        }
        Thread.currentThread().setContextClassLoader(pluginClassLoader(spec, Main.class.getClassLoader(),
                warning -> System.err.println("warning: " + warning)));
    }

    /**
     * A class loader over {@code parent} and the jars {@code spec} names: jars, or folders whose {@code *.jar}
     * files are taken, separated by the path separator. What cannot be used (a missing path, a file that is not a
     * jar, an unreadable folder, a folder without a jar) is ignored with a line to {@code warn} that says so.
     */
    static ClassLoader pluginClassLoader(String spec, ClassLoader parent, Consumer<String> warn) {
        List<URL> urls = new ArrayList<>();
        for (String part : spec.split(File.pathSeparator)) {
            if (part.isBlank()) {
                continue;
            }
            Path p = Path.of(part);
            if (Files.isDirectory(p)) {
                try (Stream<Path> files = Files.list(p)) {
                    List<Path> jars = files.filter(j -> j.toString().endsWith(".jar")).sorted().toList();
                    if (jars.isEmpty()) {
                        warn.accept(PLUGINS_ENV + " names the folder " + p + ", which holds no .jar file; ignored: it"
                                + " takes plug-in jars and folders of them (pack a folder of classes into one with"
                                + " `jar cf your-plugin.jar -C classes .`)");
                    }
                    for (Path jar : jars) {
                        addJar(jar, urls, warn);
                    }
                } catch (IOException e) {
                    warn.accept(PLUGINS_ENV + " names the folder " + p + ", which cannot be read (" + e
                            + "); ignored");
                }
            } else if (Files.isRegularFile(p)) {
                addJar(p, urls, warn);
            } else {
                warn.accept(PLUGINS_ENV + " names " + p + ", which does not exist; ignored");
            }
        }
        return new PluginClassLoader(urls.toArray(URL[]::new), parent);
    }

    /** The class loader of the plug-in jars {@link #pluginClassLoader} found, which a cluster's executors need too. */
    static final class PluginClassLoader extends URLClassLoader {
        PluginClassLoader(URL[] jars, ClassLoader parent) {
            super(jars, parent);
        }
    }

    /** The plug-in jars on the current thread's class loader ({@link #PLUGINS_ENV}); none without them. */
    static List<String> pluginJars() {
        List<String> jars = new ArrayList<>();
        for (ClassLoader l = Thread.currentThread().getContextClassLoader(); l != null; l = l.getParent()) {
            if (l instanceof PluginClassLoader plugins) {
                for (URL url : plugins.getURLs()) {
                    jars.add(url.toString());
                }
            }
        }
        return jars;
    }

    private static void addJar(Path p, List<URL> urls, Consumer<String> warn) {
        try (JarFile ignored = new JarFile(p.toFile())) { // opens only a zip file with a readable directory
            urls.add(toUrl(p));
        } catch (IOException e) {
            warn.accept(PLUGINS_ENV + " names " + p + ", which is not a jar (" + e.getMessage()
                    + "); ignored: it takes plug-in jars and folders of them");
        }
    }

    private static URL toUrl(Path p) {
        try {
            return p.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new TdmpcException("bad plug-in path " + p, e);
        }
    }
}
