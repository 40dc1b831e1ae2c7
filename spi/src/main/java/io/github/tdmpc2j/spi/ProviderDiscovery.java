package io.github.tdmpc2j.spi;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the providers of a service named in {@code META-INF/services/SERVICE} files (the
 * {@link java.util.ServiceLoader} format: one binary class name a line, {@code #} starts a comment, the first
 * file to name a class wins, and another jar naming it too is a {@link PluginFailure}) and makes one of each.
 * Unlike {@code ServiceLoader}, a provider that cannot be made does not end the search: it becomes a
 * {@link PluginFailure} that names the jar whose service file named it.
 * Used for task plug-ins ({@link EnvRegistry}) and agent plug-ins ({@link io.github.tdmpc2j.spi.agent.Agents}).
 */
public final class ProviderDiscovery {
    /** A provider made from a service file, and the jar or folder that file is in. */
    public record Found<T>(T provider, String source) {
    }

    private ProviderDiscovery() {
    }

    /**
     * Every provider of {@code service} visible to {@code loader}, made; the ones that could not be made go to
     * {@code failures}.
     */
    public static <T> List<Found<T>> discover(Class<T> service, ClassLoader loader, List<PluginFailure> failures) {
        String serviceFile = "META-INF/services/" + service.getName();
        Map<String, String> named = new LinkedHashMap<>(); // class name -> source of the first file naming it
        Enumeration<URL> files;
        try {
            files = loader.getResources(serviceFile);
        } catch (IOException e) {
            throw new PluginException("cannot list the plug-ins' service files (" + serviceFile + "): " + e, e);
        }
        while (files.hasMoreElements()) {
            URL file = files.nextElement();
            String source = sourceName(file, serviceFile);
            try {
                for (String name : classNames(file)) {
                    String first = named.putIfAbsent(name, source);
                    if (first != null && !first.equals(source)) {
                        failures.add(new PluginFailure(source, name, null, "the service file of " + first
                                + " names the same class, and a class is loaded once, from the first jar on the path "
                                + "that has it: remove one of the two jars (an old build beside a new one?)"));
                    }
                }
            } catch (IOException e) {
                failures.add(new PluginFailure(source, serviceFile, null, "its service file cannot be read: " + e));
            }
        }
        List<Found<T>> found = new ArrayList<>();
        for (Map.Entry<String, String> e : named.entrySet()) {
            try {
                found.add(new Found<>(instantiate(service, e.getKey(), loader), e.getValue()));
            } catch (PluginException failure) {
                failures.add(new PluginFailure(e.getValue(), e.getKey(), null, failure.getMessage()));
            }
        }
        return found;
    }

    private static List<String> classNames(URL file) throws IOException {
        List<String> names = new ArrayList<>();
        var connection = file.openConnection();
        connection.setUseCaches(false); // a jar replaced since the last look is read afresh
        try (BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                int hash = line.indexOf('#');
                String name = (hash >= 0 ? line.substring(0, hash) : line).strip();
                if (!name.isEmpty()) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    /** Loads, checks and constructs one provider class; every way that fails is a {@link PluginException}. */
    private static <T> T instantiate(Class<T> service, String name, ClassLoader loader) {
        Class<?> type;
        try {
            type = Class.forName(name, false, loader);
        } catch (ClassNotFoundException e) {
            throw new PluginException("the class is missing: the service file names " + name
                    + ", which is neither in the jar nor on the class path (a renamed class, or a stale jar)");
        } catch (LinkageError e) {
            throw new PluginException("the class cannot be loaded: " + describe(e) + newerJava(e));
        }
        if (!service.isAssignableFrom(type)) {
            throw new PluginException("the class does not implement " + service.getName());
        }
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers())) {
            throw new PluginException("the class is abstract; the service file must name a concrete class");
        }
        Constructor<?> constructor;
        try {
            constructor = type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw new PluginException("the class has no public no-argument constructor, which plug-ins need");
        }
        try {
            return service.cast(constructor.newInstance());
        } catch (InvocationTargetException e) {
            throw new PluginException("its constructor threw " + describe(e.getCause()) + thrownAt(e.getCause())
                    + newerJava(e.getCause()));
        } catch (IllegalAccessException e) {
            throw new PluginException("the class is not public");
        } catch (InstantiationException e) {
            throw new PluginException("the class cannot be instantiated: " + describe(e));
        } catch (LinkageError e) {
            Throwable cause = e instanceof ExceptionInInitializerError init && init.getCause() != null
                    ? init.getCause() : e;
            throw new PluginException("the class failed to initialise: " + describe(cause) + thrownAt(cause));
        }
    }

    /** The file name of the jar (or the class folder) a service file or class comes from. */
    static String sourceName(URL url, String resource) {
        String s = url.toString();
        if (s.startsWith("jar:")) {
            int bang = s.indexOf("!/");
            s = s.substring("jar:".length(), bang >= 0 ? bang : s.length());
        } else if (resource != null && s.endsWith(resource)) {
            s = s.substring(0, s.length() - resource.length());
        }
        try {
            Path p = Path.of(new URL(s).toURI());
            return p.getFileName() != null && s.endsWith(".jar") ? p.getFileName().toString() : p.toString();
        } catch (URISyntaxException | IOException | IllegalArgumentException
                | java.nio.file.FileSystemNotFoundException e) {
            return s;
        }
    }

    /** Where a provider given directly (not through a service file) was loaded from. */
    static String sourceOf(Class<?> type) {
        CodeSource code = type.getProtectionDomain().getCodeSource();
        return code == null || code.getLocation() == null ? type.getName() : sourceName(code.getLocation(), null);
    }

    /**
     * {@code t}, thrown by a plug-in's code, in a few words ({@link #describe}) to report as the plug-in's failure:
     * any exception (a checked one too, as a Kotlin or Scala plug-in throws them unannounced) and any error of the
     * plug-in's making (an {@code AssertionError}, a {@code StackOverflowError}, a {@code LinkageError}). The JVM's
     * own trouble (an {@code OutOfMemoryError}, an {@code InternalError}) is no plug-in's to answer for: it is
     * rethrown as it is. The one way a call into a plug-in reports what it throws: {@code catch (Throwable e)} and
     * this. The words end with where the plug-in's code threw (its first frame outside the JDK), as
     * {@code (at org.example.MyEnv.step(MyEnv.java:42))}: the commands print the one line, not the stack trace, and
     * the plug-in's author needs the place to mend it.
     */
    public static String describeFault(Throwable t) {
        if (t instanceof VirtualMachineError fatal && !(t instanceof StackOverflowError)) {
            throw fatal;
        }
        return describe(t) + thrownAt(t) + newerJava(t);
    }

    /**
     * For a class of the plug-in's compiled for a newer Java than the one running (its provider class, or one that
     * only its constructor, {@code create} or an env loads), the release to compile for; else nothing.
     */
    private static String newerJava(Throwable t) {
        if (!(t instanceof UnsupportedClassVersionError)) {
            return "";
        }
        int java = Runtime.version().feature();
        return "; compile the plug-in for the Java " + java + " that runs tdmpc2j (javac --release " + java + ")";
    }

    /**
     * {@code " (at CLASS.METHOD(FILE:LINE))"}: the first frame of {@code t} outside the JDK and the spi (whose
     * {@code Box}, {@code TaskSpec} or {@code StepResult} refused what the plug-in's code gave it, the line to mend
     * being the plug-in's), else the first outside the JDK; empty without one.
     */
    static String thrownAt(Throwable t) {
        if (t == null) {
            return "";
        }
        StackTraceElement outsideJdk = null;
        for (StackTraceElement frame : t.getStackTrace()) {
            String module = frame.getModuleName();
            if (module != null && (module.startsWith("java.") || module.startsWith("jdk."))) {
                continue;
            }
            if (!frame.getClassName().startsWith("io.github.tdmpc2j.spi.")) {
                return at(frame);
            }
            if (outsideJdk == null) {
                outsideJdk = frame;
            }
        }
        return outsideJdk == null ? "" : at(outsideJdk);
    }

    private static String at(StackTraceElement frame) {
        return " (at " + frame.getClassName() + "." + frame.getMethodName() + "(" + (frame.getFileName() == null
                ? "unknown source" : frame.getFileName() + (frame.getLineNumber() > 0 ? ":" + frame.getLineNumber()
                        : "")) + "))";
    }

    /** A throwable in a few words: its simple class name and message. */
    public static String describe(Throwable t) {
        if (t == null) {
            return "an exception";
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
