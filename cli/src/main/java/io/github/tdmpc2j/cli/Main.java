package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.bridge.py4j.WorkerFailedException;
import io.github.tdmpc2j.spi.EnvProvider;
import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.agent.AgentProvider;
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
import java.util.Locale;
import java.util.function.Consumer;
import java.util.jar.JarEntry;
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
    /** The service files that make a jar a plug-in: a task plug-in's, an agent plug-in's. */
    private static final List<String> SERVICE_FILES = List.of("META-INF/services/" + EnvProvider.class.getName(),
            "META-INF/services/" + AgentProvider.class.getName());
    /** Where a plug-in names its provider class, said with each warning of a jar that names none. */
    private static final String SERVICE_FILES_ARE = "a task plug-in names its provider class in " + SERVICE_FILES.get(0)
            + ", an agent plug-in in " + SERVICE_FILES.get(1);

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
     * jar, an unreadable folder, a folder without a jar) is ignored with a line to {@code warn} that says so. A jar
     * that names no plug-in is kept (a library a plug-in needs) but warned of where it has a misspelt service file,
     * and so are all of them when no jar names a plug-in: the plug-in would be missing without a word.
     */
    static ClassLoader pluginClassLoader(String spec, ClassLoader parent, Consumer<String> warn) {
        List<URL> urls = new ArrayList<>();
        List<Path> namingNone = new ArrayList<>();
        int[] namingSome = {0}; // jars that name a plug-in, or one misspelt (warned of: it is the one meant)
        Consumer<Path> add = jar -> {
            switch (addJar(jar, urls, warn)) {
                case PLUGIN, MISSPELT -> namingSome[0]++;
                case NONE -> namingNone.add(jar);
                default -> { } // not a jar: warned of and left out
            }
        };
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
                    jars.forEach(add);
                } catch (IOException e) {
                    warn.accept(PLUGINS_ENV + " names the folder " + p + ", which cannot be read (" + e
                            + "); ignored");
                }
            } else if (Files.isRegularFile(p)) {
                add.accept(p);
            } else {
                warn.accept(PLUGINS_ENV + " names " + p + ", which does not exist; ignored");
            }
        }
        if (namingSome[0] == 0 && !namingNone.isEmpty()) {
            warn.accept(PLUGINS_ENV + " names no plug-in: " + (namingNone.size() == 1 ? namingNone.get(0)
                    + " has" : String.join(", ", namingNone.stream().map(Path::toString).toList()) + " have")
                    + " no service file; " + SERVICE_FILES_ARE + " (a jar made with javac and jar cf: copy "
                    + "src/main/resources/. into the classes folder before jar cf)");
        }
        return new PluginClassLoader(urls.toArray(URL[]::new), parent);
    }

    /** What {@link #addJar} found in a jar. */
    private enum JarKind { PLUGIN, MISSPELT, NONE, NOT_A_JAR }

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

    /**
     * Adds the jar {@code p} to {@code urls}, and says whether it names a plug-in (a service file of {@link
     * #SERVICE_FILES}); one that names none but has a file that looks meant as one (a misspelt name or folder) is
     * warned of here. What is not a jar is warned of and left out.
     */
    private static JarKind addJar(Path p, List<URL> urls, Consumer<String> warn) {
        try (JarFile jar = new JarFile(p.toFile())) { // opens only a zip file with a readable directory
            urls.add(toUrl(p));
            if (SERVICE_FILES.stream().anyMatch(f -> jar.getEntry(f) != null)) {
                return JarKind.PLUGIN;
            }
            List<String> meant = jar.stream().map(JarEntry::getName).filter(n -> {
                String name = n.toLowerCase(Locale.ROOT);
                return name.startsWith("meta-inf/") && !name.endsWith("/") && (name.contains("tdmpc2j")
                        || name.endsWith("envprovider") || name.endsWith("agentprovider"));
            }).toList();
            if (meant.isEmpty()) {
                return JarKind.NONE;
            }
            warn.accept(PLUGINS_ENV + " names " + p + ", which names no plug-in: it has " + String.join(", ", meant)
                    + " (a misspelt name?), but " + SERVICE_FILES_ARE);
            return JarKind.MISSPELT;
        } catch (IOException e) {
            warn.accept(PLUGINS_ENV + " names " + p + ", which is not a jar (" + e.getMessage()
                    + "); ignored: it takes plug-in jars and folders of them");
            return JarKind.NOT_A_JAR;
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
