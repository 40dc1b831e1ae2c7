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
    }

    @Test
    void unknownDomainIsASetupError() {
        assertThatThrownBy(() -> PythonSetup.fromEnvironment().ensure("nope")).isInstanceOf(SetupException.class)
                .hasMessageContaining("known domains: dmc, gymnasium");
    }
}
