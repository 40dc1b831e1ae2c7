package io.github.tdmpc2j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdmpc2j.agent.ConfigException;
import io.github.tdmpc2j.bridge.py4j.BridgeException;
import io.github.tdmpc2j.bridge.py4j.PythonException;
import io.github.tdmpc2j.bridge.py4j.WorkerFailedException;
import io.github.tdmpc2j.cluster.ClusterException;
import io.github.tdmpc2j.data.DatasetException;
import io.github.tdmpc2j.mujoco.MjWarning;
import io.github.tdmpc2j.mujoco.MujocoException;
import io.github.tdmpc2j.mujoco.MujocoSimulationException;
import io.github.tdmpc2j.spi.Availability;
import io.github.tdmpc2j.spi.EnvUnavailableException;
import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.io.WriteFailedException;
import io.github.tdmpc2j.tasks.dmc.SimulationSetupException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The project's exceptions as callers and a cluster see them: their types, and what travels with them. */
class ExceptionTypesTest {
    /**
     * A run's resume hint is added to the exception itself: a caller that catches its type (a worker that died, a
     * Python error) still can, and it still says whether running again may succeed.
     */
    @Test
    void aResumeHintKeepsTheExceptionAndItsType(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("checkpoint"));
        RunFolder run = new RunFolder(dir);
        String hint = "the run's last checkpoint is kept in " + dir.resolve("checkpoint") + ": the same command with"
                + " --resume --out " + dir + " goes on from it";
        WorkerFailedException died = new WorkerFailedException("[dmc] the worker died during step");
        died.addContext("dmc/cartpole-balance failed at step 3 of episode 1 (seed 7, row 0)");
        TdmpcException hinted = run.withResumeHint(died);
        assertThat(hinted).isSameAs(died).isInstanceOf(WorkerFailedException.class);
        assertThat(hinted.transientFailure()).isTrue();
        assertThat(hinted.getMessage()).isEqualTo("dmc/cartpole-balance failed at step 3 of episode 1 (seed 7, row 0)"
                + ": [dmc] the worker died during step" + System.lineSeparator() + hint);
        PythonException python = new PythonException("gymnasium", "step", "ValueError", "bad", "Traceback\n  x");
        assertThat(run.withResumeHint(python)).isSameAs(python).hasMessageEndingWith(hint);
        // a file of the run that could not be written (a full disk)
        WriteFailedException full = new WriteFailedException("the plot " + dir.resolve("curve.png"),
                new IOException("No space left on device"));
        assertThat(run.withResumeHint(full)).isSameAs(full).hasMessage("cannot write the plot "
                + dir.resolve("curve.png") + ": no space left on the disk" + System.lineSeparator() + hint);
        // a mistake in the input gets no hint
        ConfigException mistake = new ConfigException("horizon too long");
        assertThat(run.withResumeHint(mistake)).isSameAs(mistake).hasMessage("horizon too long");
    }

    /**
     * A run failed on the way before it saved a checkpoint: where it wrote files (which the same command refuses to
     * write over), the hint says to remove them; where it wrote nothing, there is nothing to say.
     */
    @Test
    void aRunWithoutACheckpointIsToldToStartAgain(@TempDir Path dir) throws IOException {
        RunFolder run = new RunFolder(dir);
        Files.writeString(dir.resolve(RunLock.FILE), "pid=1\n");
        WorkerFailedException early = new WorkerFailedException("[dmc] the worker died during reset");
        assertThat(run.withResumeHint(early)).isSameAs(early).hasMessage("[dmc] the worker died during reset");
        Files.writeString(dir.resolve("config.yaml"), "task: dmc/cartpole-balance\n");
        WriteFailedException full = new WriteFailedException("the checkpoint " + dir.resolve("checkpoint"),
                new IOException("No space left on device"));
        assertThat(run.withResumeHint(full)).isSameAs(full).hasMessageEndingWith(System.lineSeparator() + "the run "
                + "saved no checkpoint: remove " + dir + " (or give another --out), then the same command starts it "
                + "again");
    }

    /**
     * Every exception of the project declares its serialVersionUID (they travel between a cluster's executors and its
     * driver, whose builds may differ by a recompile), found in the classes of every module.
     */
    @Test
    void everyProjectExceptionDeclaresItsSerialVersionUid() throws Exception {
        List<String> missing = new ArrayList<>();
        int found = 0;
        for (Class<?> anchor : List.of(TdmpcException.class, DatasetException.class, ClusterException.class,
                BridgeException.class, MujocoException.class, ConfigException.class, SimulationSetupException.class,
                Main.class)) {
            for (String name : classNames(Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI()))) {
                Class<?> c = Class.forName(name, false, anchor.getClassLoader());
                if (!TdmpcException.class.isAssignableFrom(c)) {
                    continue;
                }
                found++;
                Field f;
                try {
                    f = c.getDeclaredField("serialVersionUID");
                } catch (NoSuchFieldException e) {
                    missing.add(name);
                    continue;
                }
                if (f.getType() != long.class || !Modifier.isStatic(f.getModifiers())
                        || !Modifier.isFinal(f.getModifiers())) {
                    missing.add(name + " (not a static final long)");
                }
            }
        }
        assertThat(found).as("exception classes found").isGreaterThan(20);
        assertThat(missing).isEmpty();
    }

    /** What an exception gathered on the way (context, row, reset mark, hint, its own fields) comes back with it. */
    @Test
    void anExceptionComesBackFromSerializationWithWhatWasAddedToIt() throws Exception {
        PythonException python = new PythonException("dmc", "step 2 envs of dmc/a, dmc/b", "ValueError", "bad",
                "Traceback\n  line");
        python.atRow(1).inReset().addContext("dmc/b failed at the reset of episode 4 (seed 9, row 1)")
                .addHint("the same command with --resume goes on");
        PythonException back = roundTrip(python);
        assertThat(back.getMessage()).isEqualTo(python.getMessage());
        assertThat(back.row()).isEqualTo(1);
        assertThat(back.failedInReset()).isTrue();
        assertThat(back.pythonType()).isEqualTo("ValueError");
        EnvUnavailableException unavailable = new EnvUnavailableException("dmc-python/cartpole-swingup",
                Availability.unavailable("its Python environment is missing", "tdmpc2j setup dmc-python"));
        EnvUnavailableException back2 = roundTrip(unavailable);
        assertThat(back2.getMessage()).isEqualTo(unavailable.getMessage());
        assertThat(back2.availability()).isEqualTo(unavailable.availability());
        MujocoSimulationException unstable = new MujocoSimulationException("the simulation diverged in mj_step",
                java.util.Set.of(MjWarning.BAD_QACC));
        unstable.addContext("dmc/cheetah-run failed at step 9 of episode 2 (seed 5, row 0)");
        MujocoSimulationException back3 = roundTrip(unstable);
        assertThat(back3.getMessage()).isEqualTo(unstable.getMessage());
        assertThat(back3.warnings()).containsExactly(MjWarning.BAD_QACC);
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    /** The classes under io/github/tdmpc2j of a classes folder or jar. */
    private static TreeSet<String> classNames(Path root) throws IOException {
        TreeSet<String> names = new TreeSet<>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> s = Files.walk(root)) {
                s.map(p -> root.relativize(p).toString().replace('\\', '/')).forEach(n -> add(names, n));
            }
        } else {
            try (JarFile jar = new JarFile(root.toFile())) {
                jar.stream().forEach(e -> add(names, e.getName()));
            }
        }
        return names;
    }

    private static void add(TreeSet<String> names, String entry) {
        if (entry.startsWith("io/github/tdmpc2j/") && entry.endsWith(".class") && !entry.contains("package-info")) {
            names.add(entry.substring(0, entry.length() - ".class".length()).replace('/', '.'));
        }
    }
}
