package io.github.tdmpc2j.bridge.py4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requirements, the ready marker and the setup's idempotence (no venv is built here: that needs minutes). */
class PythonSetupTest {
    private static final Pattern PINNED = Pattern.compile("[A-Za-z0-9_.-]+(\\[[a-z0-9_,-]+])?==[A-Za-z0-9_.+!-]+");

    @Test
    void everyRequirementIsPinnedExactly() {
        for (String domain : Requirements.DOMAINS) {
            List<String> lines = Requirements.of(domain).text().lines()
                    .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
            assertThat(lines).as(domain).isNotEmpty().allMatch(l -> PINNED.matcher(l).matches());
            assertThat(lines).as(domain).contains("py4j==0.10.9.9").anyMatch(l -> l.startsWith("numpy=="));
        }
        assertThat(Requirements.of("dmc").text()).contains("mujoco==3.17.0").contains("dm_control==1.0.50");
    }

    @Test
    void markerHashIsWhatSha256sumPrintsForTheRepositoryFile() throws Exception {
        Path repoFile = Path.of("..", "python", "requirements", "dmc.txt");
        byte[] onDisk = Files.readAllBytes(repoFile);
        assertThat(Requirements.of("dmc").content()).isEqualTo(onDisk);
        assertThat(Requirements.of("dmc").sha256()).matches("[0-9a-f]{64}");
        assertThat(new Requirements("x", "abc".getBytes()).sha256())
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void layoutTellsMissingIncompleteAndOutdatedApart(@TempDir Path root) throws Exception {
        VenvLayout layout = new VenvLayout(root);
        String hash = Requirements.of("gymnasium").sha256();
        assertThat(layout.whyNotReady("gymnasium", hash)).contains("missing");
        Files.createDirectories(layout.python("gymnasium").getParent());
        Files.writeString(layout.python("gymnasium"), "#!/bin/sh\n");
        layout.python("gymnasium").toFile().setExecutable(true);
        assertThat(layout.whyNotReady("gymnasium", hash)).contains("incomplete");
        Files.writeString(layout.marker("gymnasium"), "0".repeat(64) + "\n");
        assertThat(layout.whyNotReady("gymnasium", hash)).contains("other requirements");
        Files.writeString(layout.marker("gymnasium"), hash + "\n");
        assertThat(layout.isReady("gymnasium", hash)).isTrue();
        assertThat(layout.whyNotReady("gymnasium", hash)).isNull();
    }

    @Test
    void aVenvWhosePythonIsGoneSaysSoNotOtherRequirements(@TempDir Path root) throws Exception {
        VenvLayout layout = new VenvLayout(root);
        String hash = Requirements.of("gymnasium").sha256();
        Files.createDirectories(layout.python("gymnasium").getParent());
        // what a venv's bin/python becomes when the interpreter it was made with is removed
        Files.createSymbolicLink(layout.python("gymnasium"), root.resolve("removed-interpreter/python3"));
        Files.writeString(layout.marker("gymnasium"), hash + "\n");
        assertThat(layout.whyNotReady("gymnasium", hash)).contains("no working python")
                .doesNotContain("other requirements");
    }

    @Test
    void ensureLeavesAReadyVenvAlone() {
        TestVenvs.assumeReady("gymnasium");
        long t0 = System.nanoTime();
        PythonSetup.Report report = PythonSetup.fromEnvironment().ensure("gymnasium");
        assertThat(report.installed()).isFalse();
        assertThat(report.toString()).contains("already ready");
        assertThat(report.packages()).contains("gymnasium[classic-control]==1.4.0", "py4j==0.10.9.9");
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(2);
    }

    @Test
    void aBuilderWaitsForAnotherProcesssBuildAndLeavesItsVenvAlone(@TempDir Path root) throws Exception {
        Requirements nothing = new Requirements("empty", "# no packages\n".getBytes());
        VenvLayout layout = new VenvLayout(root);
        Files.createDirectories(root);
        // another process (a second executor on the node) holds the lock and finishes the venv after 1.5 s
        String other = String.join("\n", "import fcntl, os, sys, time",
                "root, marker = sys.argv[1], sys.argv[2]",
                "f = open(os.path.join(root, 'empty.lock'), 'w')",
                "fcntl.lockf(f, fcntl.LOCK_EX)",
                "print('locked', flush=True)",
                "time.sleep(1.5)",
                "os.makedirs(os.path.join(root, 'empty', 'bin'), exist_ok=True)",
                "py = os.path.join(root, 'empty', 'bin', 'python')",
                "open(py, 'w').write('#!/bin/sh\\n'); os.chmod(py, 0o755)",
                "open(os.path.join(root, 'empty', '.tdmpc2j-ready'), 'w').write(marker + '\\n')");
        Process holder = new ProcessBuilder("python3", "-c", other, root.toString(), nothing.sha256())
                .redirectErrorStream(true).start();
        try {
            assertThat(new String(holder.getInputStream().readNBytes(7))).isEqualTo("locked\n");
            long t0 = System.nanoTime();
            // a python that cannot make venvs: building here instead of waiting would fail
            PythonSetup.Report report = new PythonSetup(layout, "/bin/false").ensure(nothing);
            assertThat((System.nanoTime() - t0) / 1e9).isGreaterThan(1.0);
            assertThat(report.installed()).isFalse();
            assertThat(layout.isReady("empty", nothing.sha256())).isTrue();
        } finally {
            holder.destroyForcibly();
            holder.waitFor();
        }
    }

    @Test
    void makesAVenvOnceAndRemakesAHalfMadeOne(@TempDir Path root) throws Exception {
        // requirements with no package: a real venv and a real pip run, without the network
        Requirements nothing = new Requirements("empty", "# no packages\n".getBytes());
        PythonSetup setup = new PythonSetup(new VenvLayout(root), "python3");
        VenvLayout layout = new VenvLayout(root);

        PythonSetup.Report first = setup.ensure(nothing);
        assertThat(first.installed()).isTrue();
        assertThat(first.detail()).contains("missing");
        assertThat(first.toString()).contains("installed 0 pinned packages into");
        assertThat(Files.readString(layout.marker("empty")).strip()).isEqualTo(nothing.sha256());
        assertThat(layout.python("empty")).isExecutable();

        assertThat(setup.ensure(nothing).installed()).isFalse();

        Files.delete(layout.marker("empty")); // as if setup had been interrupted before its last step
        Files.writeString(layout.venv("empty").resolve("leftover"), "x");
        PythonSetup.Report again = setup.ensure(nothing);
        assertThat(again.installed()).isTrue();
        assertThat(again.detail()).contains("incomplete");
        assertThat(layout.venv("empty").resolve("leftover")).doesNotExist();
        assertThat(layout.isReady("empty", nothing.sha256())).isTrue();

        // damaged after setup (a file broken by hand): ensure cannot tell and leaves it, remake makes it again
        Path broken = layout.venv("empty").resolve("pyvenv.cfg");
        Files.writeString(broken, "broken");
        assertThat(setup.ensure(nothing).installed()).isFalse();
        assertThat(broken).hasContent("broken");
        PythonSetup.Report remade = setup.remake(nothing);
        assertThat(remade.installed()).isTrue();
        assertThat(broken).content().doesNotContain("broken");
        assertThat(layout.python("empty")).isExecutable();
        assertThat(layout.isReady("empty", nothing.sha256())).isTrue();
    }

    @Test
    void aMissingPythonOrAnUnusableFolderIsASetupErrorThatSaysWhatToDo(@TempDir Path root) throws Exception {
        Requirements nothing = new Requirements("empty", "# no packages\n".getBytes());
        assertThatThrownBy(() -> new PythonSetup(new VenvLayout(root), root.resolve("no-python").toString())
                .ensure(nothing)).isInstanceOf(SetupException.class)
                .hasMessageContaining("cannot run " + root.resolve("no-python"))
                .hasMessageContaining("TDMPC2J_PYTHON");
        Path file = Files.writeString(root.resolve("a-file"), "x");
        assertThatThrownBy(() -> new PythonSetup(new VenvLayout(file.resolve("venvs")), "python3").ensure(nothing))
                .isInstanceOf(SetupException.class).hasMessageContaining("cannot lock")
                .hasMessageContaining("not a folder (" + file);
    }

    @Test
    void unknownDomainIsASetupError() {
        assertThatThrownBy(() -> PythonSetup.fromEnvironment().ensure("nope")).isInstanceOf(SetupException.class)
                .hasMessageContaining("known domains: dmc, gymnasium");
    }
}
