package io.github.tdmpc2j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdmpc2j.agent.checkpoint.SafeTensors;
import io.github.tdmpc2j.bridge.py4j.VenvLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `import` of checkpoints made by the TD-MPC2 reference (the agent module's parity fixtures), then `eval`. */
class ImportCommandTest {
    private static final Path FIXTURES = Path.of("..", "agent", "src", "test", "resources", "reference");
    private static final String TASKS = "dmc/cartpole-balance,dmc/reacher-easy,dmc/cheetah-run";

    @Test
    void anImportedMultitaskModelEvaluatesOverItsTasks(@TempDir Path dir) {
        Path out = dir.resolve("mt-1M");
        TasksCommandTest.Run imported = TasksCommandTest.run("import", FIXTURES.resolve("mt-1M.pt").toString(),
                "--out", out.toString(), "--set", TASKS,
                // acting with the policy prior alone (mpc=false), so that three CPU episodes of 500 steps take
                // seconds; planning with an imported model is tested in the agent module (ReferenceImportTest)
                "--set-param", "mpc=false");
        assertThat(imported.exit()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("released, older Q-ensemble layout").contains("3 tasks, observation 17, "
                + "action 6").contains("task_dim=96")
                .contains("eval --checkpoint " + out + " --set " + TASKS);

        TasksCommandTest.Run eval = TasksCommandTest.run("eval", "--checkpoint", out.toString(), "--set", TASKS,
                "--episodes", "1", "--device", "cpu");
        assertThat(eval.exit()).as(eval.err()).isZero();
        for (String task : TASKS.split(",")) {
            assertThat(eval.out()).containsPattern(task + "\\s+1\\s+\\d+\\.\\d\\s+-");
        }
    }

    /**
     * `export` writes the checkpoint back in the reference's format, which `import` reads to the same model: the
     * re-imported checkpoint holds the same world-model tensors, bit for bit (the agent module's ReferenceExportTest
     * compares the file with the reference's own; the reference's TDMPC2.load was checked by hand, see the README).
     */
    @Test
    void anExportedCheckpointImportsBackToTheSameModel(@TempDir Path dir) throws Exception {
        Path imported = dir.resolve("mt-1M");
        assertThat(TasksCommandTest.run("import", FIXTURES.resolve("mt-1M.pt").toString(), "--out",
                imported.toString(), "--set", TASKS).exit()).isZero();
        Path file = dir.resolve("mt3.pt");
        TasksCommandTest.Run export = TasksCommandTest.run("export", "--checkpoint", imported.toString(), "--out",
                file.toString());
        assertThat(export.exit()).as(export.err()).isZero();
        assertThat(export.out()).contains("1M model, 3 tasks in the order [" + TASKS.replace(",", ", ") + "]")
                .contains("TDMPC2.load(\"mt3.pt\")");
        Path back = dir.resolve("back");
        assertThat(TasksCommandTest.run("import", file.toString(), "--out", back.toString(), "--set", TASKS).exit())
                .isZero();
        var before = io.github.tdmpc2j.agent.checkpoint.SafeTensors.read(imported.resolve("tdmpc2.safetensors"),
                new java.util.HashMap<>());
        var after = io.github.tdmpc2j.agent.checkpoint.SafeTensors.read(back.resolve("tdmpc2.safetensors"),
                new java.util.HashMap<>());
        assertThat(after.keySet()).isEqualTo(before.keySet());
        before.forEach((name, t) -> assertThat(after.get(name).data()).as(name).isEqualTo(t.data()));

        // a file is never replaced; a folder without a TD-MPC2 checkpoint is a clear error
        TasksCommandTest.Run again = TasksCommandTest.run("export", "--checkpoint", imported.toString(), "--out",
                file.toString());
        assertThat(again.exit()).isEqualTo(2);
        assertThat(again.err()).contains("exists; export writes a new file and replaces nothing");
        Path randomRun = dir.resolve("random-run");
        assertThat(TasksCommandTest.run("train", "--task", "classic/pendulum", "--agent", "random", "--steps", "10",
                "--eval-every", "10", "--eval-episodes", "1", "--out", randomRun.toString(), "--progress", "log")
                .exit()).isZero();
        TasksCommandTest.Run random = TasksCommandTest.run("export", "--checkpoint", randomRun.toString(), "--out",
                dir.resolve("r.pt").toString());
        assertThat(random.exit()).isEqualTo(2);
        assertThat(random.err()).contains("a checkpoint of the agent 'random'").contains("the tdmpc2 agent");
        TasksCommandTest.Run none = TasksCommandTest.run("export", "--checkpoint", dir.resolve("nowhere").toString(),
                "--out", dir.resolve("x.pt").toString());
        assertThat(none.exit()).isEqualTo(2);
        assertThat(dir.resolve("x.pt")).doesNotExist();
    }

    /**
     * SIGTERM (as Ctrl-C's SIGINT) to a `tdmpc2j import` in a child JVM while it writes its folder (in an interpreted
     * JVM, -Xint: seconds, not tenths): the import is given up, its temporary folder beside --out removed, the empty
     * --out folder that was there left as it was, and the command says it stopped with nothing written and ends with
     * the signal's exit status. Before: no handler, the JVM ended at once (exit 143, no line) and left the temporary
     * folder for the next import to remove.
     */
    @Test
    @org.junit.jupiter.api.Timeout(300)
    void aSignalGivesTheImportUpAndLeavesNothing(@TempDir Path dir) throws Exception {
        Path out = Files.createDirectory(dir.resolve("imported"));
        try (ChildRun child = new ChildRun(dir, "stopped by", List.of("-Xint"), List.of("import",
                FIXTURES.resolve("mt-1M.pt").toAbsolutePath().toString(), "--out", out.toString(), "--set",
                TASKS))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
            boolean writing = false;
            while (!writing && child.isAlive() && System.nanoTime() < deadline) {
                try (var files = Files.list(dir)) {
                    writing = files.anyMatch(f -> f.getFileName().toString().startsWith("imported.tmp-"));
                }
                Thread.sleep(5);
            }
            assertThat(writing).as("the import's temporary folder came: %s", child.output()).isTrue();
            child.terminate();
            int exit = child.waitFor(120);
            String output = child.output();
            assertThat(exit).as(output).isEqualTo(128 + 15);
            assertThat(output).contains("SIGTERM: stopping before the import ends (" + ImportCommand.GIVEN_UP + ")")
                    .contains("stopped by SIGTERM before the import ended: nothing was written; the same command run "
                            + "again does the import")
                    .doesNotContain("evaluate it: ");
            assertThat(out).isEmptyDirectory();
            try (var files = Files.list(dir)) {
                assertThat(files.map(f -> f.getFileName().toString())).as(output).containsExactly("imported");
            }
        }
    }

    /**
     * What a killed import (its NAME.tmp-... folder) or export (FILE.pt.tmp-... file) left is removed by the next
     * import or export into the same folder, whatever it writes, and said; a running command's is not, nor anything
     * that is not such a name.
     */
    @Test
    void theNextImportOrExportRemovesWhatAKilledOneLeftBesideIt(@TempDir Path dir) throws Exception {
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        String own = io.github.tdmpc2j.spi.io.AtomicWrites.temporaryName("x");
        String host = own.substring(own.indexOf('@') + 1, own.lastIndexOf('-'));
        Path killedImport = Files.createDirectory(dir.resolve("mt.tmp-" + ended.pid() + "@" + host
                + "-00000000000000aa"));
        Files.writeString(killedImport.resolve("tdmpc2.safetensors"), "half");
        Path killedExport = Files.writeString(dir.resolve("old.pt.tmp-" + ended.pid() + "@" + host
                + "-00000000000000bb"), "half");
        Path running = Files.writeString(dir.resolve(io.github.tdmpc2j.spi.io.AtomicWrites.temporaryName("y.pt")),
                "this process writes it");
        Path usersOwn = Files.writeString(dir.resolve("notes.tmp"), "mine");

        Path imported = dir.resolve("mt-1M");
        TasksCommandTest.Run importRun = TasksCommandTest.run("import", FIXTURES.resolve("mt-1M.pt").toString(),
                "--out", imported.toString(), "--set", TASKS);
        assertThat(importRun.exit()).as(importRun.err()).isZero();
        assertThat(importRun.out()).contains("removed what a stopped tdmpc2j command left half written")
                .contains(killedImport.toString()).contains(killedExport.toString());
        assertThat(killedImport).doesNotExist();
        assertThat(killedExport).doesNotExist();
        assertThat(running).hasContent("this process writes it");
        assertThat(usersOwn).hasContent("mine");

        Path killedAgain = Files.writeString(dir.resolve("mt3.pt.tmp-" + ended.pid() + "@" + host
                + "-00000000000000cc"), "half");
        TasksCommandTest.Run export = TasksCommandTest.run("export", "--checkpoint", imported.toString(), "--out",
                dir.resolve("other.pt").toString());
        assertThat(export.exit()).as(export.err()).isZero();
        assertThat(export.out()).contains("removed what a stopped").contains(killedAgain.toString());
        assertThat(killedAgain).doesNotExist();
        assertThat(running).exists();
        assertThat(usersOwn).exists();
    }

    /**
     * PyTorch itself (the maniskill venv's, which ./scripts/test makes) reads an export with
     * {@code torch.load(weights_only=True)}, the loader that refuses anything but tensors and their containers, and
     * what it writes back with its own {@code torch.save} (its current format, with its alignment entries) imports
     * to the same model, bit for bit: both directions against the real torch, not our own reader alone.
     */
    @Test
    void torchLoadsAnExportAndItsOwnSaveOfItImportsBack(@TempDir Path dir) throws Exception {
        Path python = VenvLayout.fromEnvironment().python("maniskill");
        Assumptions.assumeTrue(Files.isExecutable(python), "no maniskill Python environment (with torch) at "
                + python + " (./scripts/test makes it)");
        Path imported = dir.resolve("mt-1M");
        assertThat(TasksCommandTest.run("import", FIXTURES.resolve("mt-1M.pt").toString(), "--out",
                imported.toString(), "--set", TASKS).exit()).isZero();
        Path exported = dir.resolve("mt3.pt");
        assertThat(TasksCommandTest.run("export", "--checkpoint", imported.toString(), "--out", exported.toString())
                .exit()).isZero();

        Path script = Files.writeString(dir.resolve("resave.py"), String.join("\n",
                "import sys, torch",
                "sd = torch.load(sys.argv[1], weights_only=True, map_location='cpu')['model']",
                "torch.save({'model': sd}, sys.argv[2])",
                "for k, v in sd.items():",
                "    print(k, list(v.shape) if torch.is_tensor(v) else repr(v))", ""));
        Path resaved = dir.resolve("resaved.pt");
        Process p = new ProcessBuilder(python.toString(), script.toString(), exported.toString(), resaved.toString())
                .redirectErrorStream(true).start();
        String listing = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(listing).isZero();
        // the reference's state dict: buffers, task embeddings, modules, then the Q ensemble as TensorDictParams
        List<String> lines = listing.lines().toList();
        assertThat(lines).startsWith("_action_masks [3, 6]", "log_std_min []", "log_std_dif []",
                "_task_emb.weight [3, 96]", "_encoder.state.0.weight [256, 113]");
        assertThat(lines).contains("_Qs.params.0.weight [2, 384, 230]", "_Qs.params.__batch_size torch.Size([2])",
                "_Qs.params.__device None", "_detach_Qs_params.2.weight [2, 101, 384]",
                "_target_Qs_params.2.bias [2, 101]");

        Path back = dir.resolve("back");
        TasksCommandTest.Run again = TasksCommandTest.run("import", resaved.toString(), "--out", back.toString(),
                "--set", TASKS);
        assertThat(again.exit()).as(again.err()).isZero();
        Map<String, SafeTensors.Tensor> before = SafeTensors.read(imported.resolve("tdmpc2.safetensors"),
                new HashMap<>());
        Map<String, SafeTensors.Tensor> after = SafeTensors.read(back.resolve("tdmpc2.safetensors"), new HashMap<>());
        assertThat(after.keySet()).isEqualTo(before.keySet())
                .contains("task_emb.weight", "encoder.0.weight", "qs.0.weight", "target_qs.2.bias");
        before.forEach((name, t) -> {
            assertThat(after.get(name).shape()).as(name).isEqualTo(t.shape());
            assertThat(after.get(name).data()).as(name).isEqualTo(t.data());
        });
    }

    /**
     * A checkpoint of this project's agent (its cpu preset), exported and imported again, acts as it did: the
     * same returns to the last digit the CSV keeps, over the same seeded episodes (with the policy prior alone,
     * whose actions depend on the weights and the policy's std range only, all of which the file carries).
     */
    @Test
    void exportThenImportEvaluatesToTheSameReturns(@TempDir Path dir) throws Exception {
        Path ours = dir.resolve("ours");
        try (io.github.tdmpc2j.spi.EnvRegistry registry = io.github.tdmpc2j.spi.EnvRegistry.discover();
                io.github.tdmpc2j.spi.agent.Agent agent = io.github.tdmpc2j.spi.agent.Agents.find("tdmpc2").create(
                        io.github.tdmpc2j.spi.agent.AgentContext.single(registry.resolve("classic/pendulum"),
                                Map.of("preset", "cpu"), 5))) {
            agent.save(ours);
        }
        Path file = dir.resolve("pendulum.pt");
        assertThat(TasksCommandTest.run("export", "--checkpoint", ours.toString(), "--out", file.toString()).exit())
                .isZero();
        Path back = dir.resolve("back");
        TasksCommandTest.Run imported = TasksCommandTest.run("import", file.toString(), "--out", back.toString(),
                "--task", "classic/pendulum");
        assertThat(imported.exit()).as(imported.err()).isZero();
        List<String> returns = new java.util.ArrayList<>();
        for (Path checkpoint : List.of(ours, back)) {
            Path csv = dir.resolve(checkpoint.getFileName() + ".csv");
            TasksCommandTest.Run eval = TasksCommandTest.run("eval", "--checkpoint", checkpoint.toString(), "--task",
                    "classic/pendulum", "--episodes", "3", "--set-param", "mpc=false", "--csv", csv.toString());
            assertThat(eval.exit()).as(eval.err()).isZero();
            // the row names its checkpoint: all else in it is the same for both
            returns.add(Files.readAllLines(csv).get(1).replace(checkpoint.toString(), "CHECKPOINT"));
        }
        assertThat(returns.get(1)).isEqualTo(returns.get(0)).startsWith("classic/pendulum,3,-")
                .contains(",CHECKPOINT,");
    }

    @Test
    void theWrongTasksAndUnsafeFilesAreClearErrors(@TempDir Path dir) throws Exception {
        TasksCommandTest.Run single = TasksCommandTest.run("import", FIXTURES.resolve("st-1M.pt").toString(),
                "--out", dir.resolve("a").toString(), "--set", TASKS);
        assertThat(single.exit()).isEqualTo(2);
        assertThat(single.err()).contains("single-task model").contains("--task");
        TasksCommandTest.Run sizes = TasksCommandTest.run("import", FIXTURES.resolve("st-1M.pt").toString(),
                "--out", dir.resolve("b").toString(), "--task", "cheetah-run");
        assertThat(sizes.exit()).isEqualTo(2);
        assertThat(sizes.err()).contains("observations of 24");
        assertThat(dir.resolve("a")).doesNotExist();
        assertThat(dir.resolve("b")).doesNotExist();

        Path fake = dir.resolve("fake.pt");
        Files.writeString(fake, "not a zip");
        TasksCommandTest.Run bad = TasksCommandTest.run("import", fake.toString(), "--out", dir.resolve("c").toString(),
                "--task", "walker-walk");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("not a complete torch.save archive");

        // a device is eval's to choose: import refuses one it would have recorded as cpu
        TasksCommandTest.Run gpu = TasksCommandTest.run("import", FIXTURES.resolve("st-1M.pt").toString(), "--out",
                dir.resolve("d").toString(), "--task", "walker-walk", "--set-param", "device=gpu");
        assertThat(gpu.exit()).isEqualTo(2);
        assertThat(gpu.err()).contains("--set-param device=gpu is not recorded by import")
                .contains("--device gpu");
        assertThat(dir.resolve("d")).doesNotExist();
    }

    @Test
    void evalTakesTheReferenceFileItself(@TempDir Path dir) throws Exception {
        Path file = Files.copy(FIXTURES.resolve("st-1M.pt"), dir.resolve("walker-walk-1.pt"));
        // the user's own folder of the name an import beside the file once had: eval never touches it (it was
        // replaced by eval's import)
        Path importedDir = dir.resolve("walker-walk-1-imported");
        assertThat(TasksCommandTest.run("import", file.toString(), "--out", importedDir.toString(), "--task",
                "walker-walk", "--set-param", "iterations=2").exit()).isZero();
        byte[] usersManifest = Files.readAllBytes(importedDir.resolve("manifest.properties"));
        // a setting refused leaves no folder of the command's behind: one refused by the agent (a shape setting,
        // after the import), one that is no key=value (before it)
        TasksCommandTest.Run shape = TasksCommandTest.run("eval", "--checkpoint", file.toString(), "--task",
                "walker-walk", "--episodes", "1", "--device", "cpu", "--set-param", "num_q=3");
        assertThat(shape.exit()).isEqualTo(2);
        assertThat(shape.err()).contains("leave out --set-param num_q=3");
        assertThat(dir).isDirectoryNotContaining("glob:**.tmp-*");
        TasksCommandTest.Run malformed = TasksCommandTest.run("eval", "--checkpoint", file.toString(), "--task",
                "walker-walk", "--episodes", "1", "--set-param", "mpc");
        assertThat(malformed.exit()).isEqualTo(2);
        assertThat(malformed.err()).contains("--set-param takes key=value, got 'mpc'");
        assertThat(malformed.out()).doesNotContain("imported");
        assertThat(dir).isDirectoryNotContaining("glob:**.tmp-*");

        TasksCommandTest.Run eval = TasksCommandTest.run("eval", "--checkpoint", file.toString(), "--task",
                "walker-walk", "--episodes", "1", "--device", "cpu", "--set-param", "mpc=false");
        assertThat(eval.exit()).as(eval.err()).isZero();
        assertThat(eval.out()).contains("imported " + file + " into the temporary checkpoint folder")
                .containsPattern("dmc/walker-walk\\s+1\\s+\\d+\\.\\d\\s+-");
        // the row names the .pt file, not the temporary folder; a reference file records no step: 0, as import's
        assertThat(Files.readAllLines(dir.resolve("eval-results.csv")).get(1)).startsWith("dmc/walker-walk,1,")
                .endsWith("," + file.toAbsolutePath().normalize() + ",0");
        assertThat(dir).isDirectoryNotContaining("glob:**.tmp-*"); // the command's own folder is gone
        assertThat(importedDir.resolve("manifest.properties")).hasBinaryContent(usersManifest);
        assertThat(TasksCommandTest.run("eval", "--checkpoint", importedDir.toString(), "--task", "walker-walk",
                "--episodes", "1", "--device", "cpu").exit()).isZero(); // and it is still a whole checkpoint

        Path fake = Files.writeString(dir.resolve("fake.pt"), "not a zip");
        TasksCommandTest.Run bad = TasksCommandTest.run("eval", "--checkpoint", fake.toString(), "--task",
                "walker-walk");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("not a complete torch.save archive");
        assertThat(dir).isDirectoryNotContaining("glob:**.tmp-*");
    }

    /** --out that holds anything (a trained run's checkpoint) is refused, never replaced. */
    @Test
    void anOutFolderThatHoldsSomethingIsRefusedNotReplaced(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        Path checkpoint = run.resolve("checkpoint");
        try (io.github.tdmpc2j.spi.EnvRegistry registry = io.github.tdmpc2j.spi.EnvRegistry.discover();
                io.github.tdmpc2j.spi.agent.Agent agent = io.github.tdmpc2j.spi.agent.Agents.find("random").create(
                        io.github.tdmpc2j.spi.agent.AgentContext.single(registry.resolve("dmc/walker-walk"),
                                java.util.Map.of(), 0))) {
            agent.save(checkpoint);
        }
        Path old = run.resolve("checkpoint.old");
        Files.createDirectories(old);
        Files.writeString(old.resolve("keep.txt"), "the previous checkpoint");
        String manifest = Files.readString(checkpoint.resolve("manifest.properties"));
        String[] importInto = {"import", FIXTURES.resolve("st-1M.pt").toString(), "--task", "walker-walk", "--out"};

        TasksCommandTest.Run taken = TasksCommandTest.run(CollectCommandTest.concat(importInto, checkpoint.toString()));
        assertThat(taken.exit()).isEqualTo(2);
        assertThat(taken.err()).contains("--out " + checkpoint + " is taken: it holds a checkpoint")
                .contains("choose another --out, or remove " + checkpoint + " first");
        assertThat(checkpoint.resolve("manifest.properties")).hasContent(manifest);
        assertThat(old.resolve("keep.txt")).exists();

        TasksCommandTest.Run folder = TasksCommandTest.run(CollectCommandTest.concat(importInto, run.toString()));
        assertThat(folder.exit()).isEqualTo(2);
        assertThat(folder.err()).contains("is taken: it is a folder that is not empty");

        Path empty = Files.createDirectories(dir.resolve("empty"));
        Files.createDirectories(dir.resolve("empty.old"));
        TasksCommandTest.Run besideOld = TasksCommandTest.run(CollectCommandTest.concat(importInto, empty.toString()));
        assertThat(besideOld.exit()).isEqualTo(2);
        assertThat(besideOld.err()).contains("empty.old beside it holds the checkpoint a stopped save left")
                .contains("remove " + dir.resolve("empty.old") + " first");
        assertThat(dir.resolve("empty.old")).isDirectory();
        Files.delete(dir.resolve("empty.old"));

        TasksCommandTest.Run fresh = TasksCommandTest.run(CollectCommandTest.concat(importInto, empty.toString()));
        assertThat(fresh.exit()).as(fresh.err()).isZero();
        assertThat(empty.resolve("manifest.properties")).isRegularFile();
    }

    /**
     * A file written into a checkpoint folder would make it fail its check (a file its manifest does not list) and
     * be deleted by a run's next save: export --out, eval --csv and import --out there are refused, and the
     * checkpoint stays whole.
     */
    @Test
    void nothingIsWrittenIntoACheckpointFolder(@TempDir Path dir) throws Exception {
        Path st = dir.resolve("st");
        assertThat(TasksCommandTest.run("import", FIXTURES.resolve("st-1M.pt").toString(), "--out", st.toString(),
                "--task", "walker-walk").exit()).isZero();
        String[][] commands = {
            {"export", "--checkpoint", st.toString(), "--out", st.resolve("walker.pt").toString()},
            {"eval", "--checkpoint", st.toString(), "--task", "walker-walk", "--csv",
                st.resolve("results").resolve("eval.csv").toString()},
            {"import", FIXTURES.resolve("st-1M.pt").toString(), "--task", "walker-walk", "--out",
                st.resolve("again").toString()}};
        for (String[] command : commands) {
            TasksCommandTest.Run r = TasksCommandTest.run(command);
            assertThat(r.exit()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).contains("is inside the checkpoint folder " + st.toAbsolutePath())
                    .contains("Write it outside the checkpoint folder").doesNotContain("Exception");
        }
        try (var files = Files.list(st)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("manifest.properties",
                    "tdmpc2.json", "tdmpc2.safetensors", "replay-buffer.safetensors");
        }
        assertThat(io.github.tdmpc2j.spi.agent.CheckpointFolder.open(st).step()).isZero();
        // beside it is fine
        TasksCommandTest.Run beside = TasksCommandTest.run("export", "--checkpoint", st.toString(), "--out",
                dir.resolve("walker.pt").toString());
        assertThat(beside.exit()).as(beside.err()).isZero();
    }

    /** An --out whose folder is a file (or cannot be written) is refused before the file is read, with what to do. */
    @Test
    void anOutThatCannotBeMadeIsRefusedFirst(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "a file, not a folder");
        Path st = dir.resolve("st");
        assertThat(TasksCommandTest.run("import", FIXTURES.resolve("st-1M.pt").toString(), "--out", st.toString(),
                "--task", "walker-walk").exit()).isZero();
        TasksCommandTest.Run export = TasksCommandTest.run("export", "--checkpoint", st.toString(), "--out",
                file.resolve("walker.pt").toString());
        assertThat(export.exit()).isEqualTo(2);
        assertThat(export.err()).contains("cannot write " + file.resolve("walker.pt") + ": " + file
                + " is not a folder; give --out a path in a folder you can write");
        TasksCommandTest.Run imported = TasksCommandTest.run("import", FIXTURES.resolve("st-1M.pt").toString(),
                "--out", file.resolve("st").toString(), "--task", "walker-walk");
        assertThat(imported.exit()).isEqualTo(2);
        assertThat(imported.err()).contains(file + " is not a folder; give --out a folder in one you can write");
        assertThat(file).hasContent("a file, not a folder");
        try (var left = Files.list(dir)) {
            assertThat(left.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("notes.txt", "st");
        }
    }

    @Test
    void aSingleTaskModelImports(@TempDir Path dir) {
        TasksCommandTest.Run r = TasksCommandTest.run("import", FIXTURES.resolve("st-1M.pt").toString(), "--out",
                dir.resolve("st").toString(), "--task", "walker-walk");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("(current layout): 1 task, observation 24, action 6")
                .contains("--task dmc/walker-walk");
        assertThat(dir.resolve("st").resolve("manifest.properties")).isRegularFile();
    }
}
