package io.github.tdmpc2j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.tdmpc2j.agent.reference.TorchArchive;
import io.github.tdmpc2j.agent.reference.TorchTensor;
import io.github.tdmpc2j.agent.reference.TorchTensorDict;
import io.github.tdmpc2j.data.DatasetReader;
import io.github.tdmpc2j.spi.TaskSets;
import io.github.tdmpc2j.spi.agent.Episode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code import-data} on chunk files written by the real tensordict library with torch.save, as the reference's
 * released datasets are (agent/src/test/resources/reference/README.md: tensordict 0.2.1, the era of the released
 * files, and 0.8.3, the reference's pin, whose pickles differ), into datasets that {@code train --data} learns from.
 */
class ImportDataCommandTest {
    private static final Path FIXTURES = Path.of("..", "agent", "src", "test", "resources", "reference");

    @Test
    void anMt30ChunkBecomesEpisodesInEachTasksOwnSizes(@TempDir Path dir) {
        Path chunk = FIXTURES.resolve("data-mt30-td0.2.1.pt");
        Path out = dir.resolve("mt30");
        TasksCommandTest.Run r = TasksCommandTest.run("import-data", chunk.toString(), "--out", out.toString(),
                "--set", "mt30");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("3 episodes of 500 steps (observation 24, action 6)")
                .contains("3 episodes written (0 were already there)");

        DatasetReader reader = new DatasetReader(out);
        assertThat(reader.index().taskIds()).isEqualTo(TaskSets.MT30);
        assertThat(reader.index().observationSize()).isEqualTo(24);
        assertThat(reader.index().actionSize()).isEqualTo(6);
        List<Episode> episodes = reader.readAll();
        // the chunk's tasks 1, 8 and 26 (walker-walk 24/6, cartpole-balance 5/1, reacher-three-easy 8/3), in the
        // set's order
        assertThat(episodes).extracting(Episode::task).containsExactly(1, 8, 26);
        try (TorchArchive.Opened archive = TorchArchive.open(chunk)) {
            TorchTensorDict td = (TorchTensorDict) archive.top();
            assertThat(td.batchSize()).containsExactly(3L, 501L);
            TorchTensor obs = (TorchTensor) td.fields().get("obs");
            TorchTensor action = (TorchTensor) td.fields().get("action");
            TorchTensor reward = (TorchTensor) td.fields().get("reward");
            int[][] sizes = {{24, 6}, {5, 1}, {8, 3}};
            for (int e = 0; e < 3; e++) {
                Episode ep = episodes.get(e);
                float[] o = obs.slice(e);
                float[] a = action.slice(e);
                float[] rw = reward.slice(e);
                assertThat(ep.length()).isEqualTo(500);
                assertThat(Float.isNaN(a[0]) && Float.isNaN(rw[0])).as("the placeholder first step").isTrue();
                for (int i = 0; i <= 500; i++) {
                    float[] want = Arrays.copyOf(Arrays.copyOfRange(o, i * 24, i * 24 + sizes[e][0]), 24);
                    assertThat(ep.observations()[i]).as("episode %d observation %d", e, i).containsExactly(want);
                }
                for (int i = 0; i < 500; i++) {
                    // step i is the chunk's row i + 1; the padding of the action (random in the chunk) is zero here
                    float[] want = Arrays.copyOf(Arrays.copyOfRange(a, (i + 1) * 6, (i + 1) * 6 + sizes[e][1]), 6);
                    assertThat(ep.actions()[i]).as("episode %d action %d", e, i).containsExactly(want);
                    assertThat(ep.rewards()[i]).isEqualTo(rw[i + 1]);
                }
                assertThat(ep.terminated()).isFalse();
            }
            // the chunk's action padding is not zero, so the zeros above are the import's
            assertThat(Arrays.copyOfRange(action.slice(1), 6 + 1, 12)).isNotEqualTo(new float[5]);
        }
    }

    @Test
    void anMt80ChunkOfTheReferencesPinnedTensordictNumbersEachTasksEpisodes(@TempDir Path dir) throws Exception {
        Path chunk = FIXTURES.resolve("data-mt80-td0.8.3.pt");
        Path out = dir.resolve("mt80");
        TasksCommandTest.Run r = TasksCommandTest.run("import-data", chunk.toString(), "--out", out.toString(),
                "--set", "mt80");
        assertThat(r.exit()).as(r.err()).isZero();
        // tasks 0, 30, 79, 30: walker-stand (a 100-step piece of its 500-step episode), assembly twice, hand-insert
        Path assembly1 = out.resolve("episodes/metaworld/assembly/episode-000001.npz");
        assertThat(out.resolve("episodes/dmc/walker-stand/episode-000000.npz")).isRegularFile();
        assertThat(out.resolve("episodes/metaworld/assembly/episode-000000.npz")).isRegularFile();
        assertThat(assembly1).isRegularFile();
        assertThat(out.resolve("episodes/metaworld/hand-insert/episode-000000.npz")).isRegularFile();
        List<Episode> episodes = new DatasetReader(out).readAll();
        assertThat(episodes).extracting(Episode::task).containsExactly(0, 30, 30, 79);
        assertThat(episodes).allSatisfy(e -> assertThat(e.length()).isEqualTo(100));

        // run again: nothing to do; an episode file lost since is written again, the same bytes
        byte[] before = Files.readAllBytes(assembly1);
        Files.delete(assembly1);
        TasksCommandTest.Run again = TasksCommandTest.run("import-data", chunk.toString(), "--out", out.toString(),
                "--set", "mt80");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("1 episode written (3 were already there)");
        assertThat(Files.readAllBytes(assembly1)).isEqualTo(before);
        // a damaged one: the reader names the command that writes it again, which does
        Files.write(assembly1, Arrays.copyOf(before, 100));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new DatasetReader(out).readAll())
                .isInstanceOf(io.github.tdmpc2j.data.DatasetException.class)
                .hasMessageContaining("delete it and run the import-data that made it again to replace it");
        TasksCommandTest.Run repaired = TasksCommandTest.run("import-data", chunk.toString(), "--out",
                out.toString(), "--set", "mt80");
        assertThat(repaired.out()).contains("1 episode written (3 were already there)").doesNotContain("is damaged");
        // named on stderr, as collect names one, not written over in silence
        assertThat(repaired.err()).contains(assembly1 + " is damaged (it is not a whole NPZ file")
                .contains("importing it again");
        assertThat(Files.readAllBytes(assembly1)).isEqualTo(before);

        // an import an earlier version began (an index of version 2, which recorded no revisions): the same command
        // finishes it, whatever the revisions of its tasks here (five mt80 tasks are at 2: the reference's); before,
        // it was refused as "episodes of 5 tasks at another revision ... Collect into another --out folder"
        String index = Files.readString(out.resolve("dataset.json"));
        Files.writeString(out.resolve("dataset.json"), index.replace("\"version\" : "
                + io.github.tdmpc2j.data.DatasetLayout.VERSION, "\"version\" : 2").replaceAll(
                ",\\s*\"revision\" : \\d+", ""));
        assertThat(new DatasetReader(out).index().revisions()).isNull();
        Files.delete(assembly1);
        TasksCommandTest.Run older = TasksCommandTest.run("import-data", chunk.toString(), "--out", out.toString(),
                "--set", "mt80");
        assertThat(older.exit()).as(older.err()).isZero();
        assertThat(older.out()).contains("1 episode written (3 were already there)");
        assertThat(Files.readString(out.resolve("dataset.json"))).isEqualTo(index);
        assertThat(new DatasetReader(out).index().revisions()).containsEntry("metaworld/coffee-push", 2);

        // another dataset into it: refused, nothing added; into a copy without its writer's lock file, none left
        Files.delete(out.resolve(RunLock.FILE));
        TasksCommandTest.Run other = TasksCommandTest.run("import-data", FIXTURES.resolve("data-mt30-td0.2.1.pt")
                .toString(), "--out", out.toString(), "--set", "mt80");
        assertThat(other.exit()).isEqualTo(2);
        assertThat(other.err()).contains("holds episodes of 500 steps", "give --set the set it was made for");
        Path copy = Files.copy(chunk, dir.resolve("chunk_0.pt"));
        TasksCommandTest.Run elsewhere = TasksCommandTest.run("import-data", copy.toString(), "--out",
                out.toString(), "--set", "mt80");
        assertThat(elsewhere.exit()).isEqualTo(2);
        assertThat(elsewhere.err()).contains("holds episodes of the reference's dataset at", "Import into another "
                + "--out folder").doesNotContain("Exception");
        assertThat(out.resolve(RunLock.FILE)).doesNotExist();
    }

    @Test
    void aFolderOfChunksImportsInNameOrderAndTrainsOffline(@TempDir Path dir) throws Exception {
        Path chunks = Files.createDirectories(dir.resolve("chunks"));
        // the same chunk twice, as chunk_0 and chunk_1: episode numbers go on from one file to the next
        Files.copy(FIXTURES.resolve("data-2tasks-td0.8.3.pt"), chunks.resolve("chunk_1.pt"));
        Files.copy(FIXTURES.resolve("data-2tasks-td0.8.3.pt"), chunks.resolve("chunk_0.pt"));
        Files.writeString(chunks.resolve("README.txt"), "not a chunk");
        Path data = dir.resolve("data");
        TasksCommandTest.Run r = TasksCommandTest.run("import-data", chunks.toString(), "--out", data.toString(),
                "--set", "dmc/cartpole-balance,dmc/reacher-easy");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).containsSubsequence("chunk_0.pt: 4 episodes", "chunk_1.pt: 4 episodes",
                "8 episodes written");
        assertThat(new DatasetReader(data).episodeFiles(1)).extracting(p -> p.getFileName().toString())
                .containsExactly("episode-000000.npz", "episode-000001.npz", "episode-000002.npz",
                        "episode-000003.npz");

        // collected episodes are not added to an imported dataset
        TasksCommandTest.Run collect = TasksCommandTest.run("collect", "--tasks",
                "dmc/cartpole-balance,dmc/reacher-easy", "--episodes", "1", "--out", data.toString());
        assertThat(collect.exit()).isEqualTo(2);
        assertThat(collect.err()).contains("holds episodes of the reference's dataset at", "not of the random policy",
                "Collect into another --out folder, or run the import-data that made it").doesNotContain("--seed");

        // as an earlier version imported it (an index of version 2, no revisions): the reference's episodes, made on
        // no revision here, are taken as of the revisions now, which the run's checkpoint records (before: none, and
        // eval then said it "was trained before tdmpc2j recorded task revisions")
        String index = Files.readString(data.resolve("dataset.json"));
        Files.writeString(data.resolve("dataset.json"), index.replace("\"version\" : "
                + io.github.tdmpc2j.data.DatasetLayout.VERSION, "\"version\" : 2").replaceAll(
                ",\\s*\"revision\" : \\d+", ""));
        assertThat(new DatasetReader(data).index().revisions()).isNull();
        Path run = dir.resolve("run");
        TasksCommandTest.Run train = TasksCommandTest.run("train", "--data", data.toString(),
                "--steps", "10", "--eval-every", "10", "--eval-episodes", "1", "--out", run.toString(),
                "--progress", "log", "--set-param", "model_size=1", "--set-param", "batch_size=8",
                "--set-param", "num_samples=16", "--set-param", "iterations=1", "--set-param", "num_elites=4",
                "--set-param", "num_pi_trajs=2", "--set-param", "device=cpu");
        assertThat(train.exit()).as(train.err() + train.out()).isZero();
        assertThat(train.out()).contains("offline training of tdmpc2 on 2 tasks from 8 episodes")
                .contains("done: 10 updates");
        assertThat(train.err()).doesNotContain("revision");
        assertThat(RunFolder.revisions(run.resolve("checkpoint"))).containsOnly(
                java.util.Map.entry("dmc/cartpole-balance", 1), java.util.Map.entry("dmc/reacher-easy", 1));
    }

    @Test
    void whatIsNotAChunkOfTheSetIsRefusedBeforeAnythingIsWritten(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        List<String[]> cases = new ArrayList<>();
        // a checkpoint, not a chunk
        cases.add(new String[] {FIXTURES.resolve("mt-1M.pt").toString(), "mt30", "import it with `tdmpc2j import`"});
        // mt80's 100-step episodes given as mt30
        cases.add(new String[] {FIXTURES.resolve("data-mt80-td0.8.3.pt").toString(), "mt30",
            "holds episodes of 100 steps (101 observations each); the reference's mt30 dataset has 500-step"});
        // task indices 30 and 79 in a list of mt30's 30 tasks
        cases.add(new String[] {FIXTURES.resolve("data-mt80-td0.8.3.pt").toString(), String.join(",",
                TaskSets.MT30), "episode 1 has task index 30, but the task list (--set) has 30 tasks (0 to 29)"});
        // mt30's tasks in another order: walker-walk's 24 observation values land on cartpole-balance's 5
        List<String> swapped = new ArrayList<>(TaskSets.MT30);
        java.util.Collections.swap(swapped, 1, 8);
        cases.add(new String[] {FIXTURES.resolve("data-mt30-td0.2.1.pt").toString(), String.join(",", swapped),
            "episode 0 has task index 1 (dmc/cartpole-balance, 5 observation values) but observation 0 holds"});
        cases.add(new String[] {Files.createDirectories(dir.resolve("empty")).toString(), "mt30",
            "holds no .pt files"});
        cases.add(new String[] {dir.resolve("missing.pt").toString(), "mt30", "no file or folder"});
        Path text = Files.writeString(dir.resolve("notes.pt"), "not a zip");
        cases.add(new String[] {text.toString(), "mt30", "not a complete torch.save archive"});
        for (String[] c : cases) {
            TasksCommandTest.Run r = TasksCommandTest.run("import-data", c[0], "--out", out.toString(), "--set",
                    c[1]);
            assertThat(r.exit()).as(c[0]).isEqualTo(2);
            assertThat(r.err()).as(c[0]).contains(c[2]).doesNotContain("Exception");
            assertThat(out).as(c[0]).doesNotExist();
        }
        // and a chunk given to import, the checkpoint command, names this one
        TasksCommandTest.Run checkpoint = TasksCommandTest.run("import", FIXTURES.resolve("data-mt30-td0.2.1.pt")
                .toString(), "--out", out.toString(), "--set", "mt30");
        assertThat(checkpoint.exit()).isEqualTo(2);
        assertThat(checkpoint.err()).contains("it holds a TensorDict", "`tdmpc2j import-data`");
        assertThat(out).doesNotExist();
    }

    /**
     * SIGTERM (as Ctrl-C's SIGINT) to `tdmpc2j import-data` in a child JVM at each stage, on a new dataset and on
     * one it began: while it checks the chunks of a new one it ends with nothing written and no folder; while it
     * writes, the episodes written are kept whole, nothing half-written; while it checks them again, the dataset is
     * as it was; each time with the signal's exit status and one line saying so and that the same command goes on
     * (it ended without a word, leaving the folder's run.lock behind); the same command run again finishes it.
     * The checks run in an interpreted JVM (-Xint): compiled, the 599 chunks after the first are checked in a few
     * tenths of a second, a window a signal sent once the first was checked could miss (the import then wrote).
     */
    @Test
    @org.junit.jupiter.api.Timeout(300)
    void aSignalKeepsWhatWasWrittenAndTheSameCommandFinishesTheImport(@TempDir Path dir) throws Exception {
        // 600 chunks (copies of one): checking them takes a while, writing their 2400 episodes longer
        Path chunks = Files.createDirectories(dir.resolve("chunks"));
        Path fixture = FIXTURES.resolve("data-2tasks-td0.8.3.pt");
        for (int i = 0; i < 600; i++) {
            Files.copy(fixture, chunks.resolve(String.format("chunk_%03d.pt", i)));
        }
        Path out = dir.resolve("data");
        List<String> args = List.of("import-data", chunks.toString(), "--out", out.toString(), "--set",
                "dmc/cartpole-balance,dmc/reacher-easy");
        String again = "; the same command run again goes on with the import";
        List<String> interpreted = List.of("-Xint"); // checks that take seconds (about 5 s here), not tenths

        ChildRun.Ended checking = ChildRun.terminatedAt(dir, "chunk_000.pt: 4 episodes", interpreted, args);
        assertThat(checking.exit()).as(checking.output()).isEqualTo(128 + 15);
        // the notice whole, and then the stop line (printf's pieces let the line land inside the notice)
        assertThat(checking.output()).as(checking.output()).containsSubsequence("\nSIGTERM: stopping before the "
                + "next episode is read from the chunks (the episodes this run wrote are kept, whole); send it again "
                + "to exit at once\n", "stopped by SIGTERM before its first episode was written: nothing was written; "
                + "the same command run again does the import").doesNotContain("chunk_599.pt")
                .doesNotContain("written (");
        assertThat(out).doesNotExist();

        int exit;
        String output;
        try (ChildRun child = new ChildRun(dir, "chunk_599.pt: 4 episodes", args)) {
            assertThat(child.await(120)).as(child.output()).isTrue();
            assertThat(ChildRun.awaitFile(out.resolve("episodes/dmc/cartpole-balance/episode-000000.npz"), 60))
                    .as(child.output()).isTrue();
            child.terminate();
            exit = child.waitFor(60);
            output = child.output();
        }
        assertThat(exit).as(output).isEqualTo(128 + 15);
        java.util.regex.Matcher stopped = java.util.regex.Pattern.compile("stopped by SIGTERM: the (\\d+) episodes? "
                + "this run wrote (is|are) kept in " + java.util.regex.Pattern.quote(out + again)).matcher(output);
        assertThat(stopped.find()).as(output).isTrue();
        int kept = Integer.parseInt(stopped.group(1));
        assertThat(kept).as(output).isBetween(1, 2399);
        assertThat(output).doesNotContain("written (");
        DatasetFolders.assertNothingHalfWritten(out);
        assertThat(new DatasetReader(out).readAll()).hasSize(kept);

        ChildRun.Ended rechecking = ChildRun.terminatedAt(dir, "chunk_000.pt: 4 episodes", interpreted, args);
        assertThat(rechecking.exit()).as(rechecking.output()).isEqualTo(128 + 15);
        assertThat(rechecking.output()).contains("stopped by SIGTERM before this run wrote an episode: the dataset in "
                + out + " is as it was" + again);
        assertThat(DatasetFolders.episodeFiles(out)).isEqualTo(kept);

        TasksCommandTest.Run finished = TasksCommandTest.run(args.toArray(String[]::new));
        assertThat(finished.exit()).as(finished.err()).isZero();
        assertThat(finished.out()).contains((2400 - kept) + " episodes written (" + kept + " "
                + io.github.tdmpc2j.spi.Messages.word(kept, "was", "were") + " already there)");
        assertThat(DatasetFolders.episodeFiles(out)).isEqualTo(2400);
        DatasetFolders.assertNothingHalfWritten(out);
    }
}
