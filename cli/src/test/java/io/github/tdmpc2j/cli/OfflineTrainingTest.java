package io.github.tdmpc2j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The multitask data path end to end, at a small scale: collect random episodes of tasks from two domains (native
 * DMControl and the pure-Java example), then train TD-MPC2 offline on them and evaluate it per task.
 */
class OfflineTrainingTest {
    @Test
    void collectsTwoDomainsThenTrainsTdmpc2OfflineOnTheDataset(@TempDir Path dir) throws java.io.IOException {
        Path data = dir.resolve("data");
        Path run = dir.resolve("run");
        TasksCommandTest.Run collect = TasksCommandTest.run("collect", "--tasks", "dmc/cartpole-balance,classic/pendulum", "--episodes", "2",
                "--out", data.toString());
        assertThat(collect.exit()).as(collect.err()).isZero();

        TasksCommandTest.Run train = TasksCommandTest.run("train", "--data", data.toString(),
                "--steps", "20", "--eval-every", "20", "--eval-episodes", "1", "--out", run.toString(),
                "--progress", "log", "--set-param", "model_size=1", "--set-param", "batch_size=8",
                "--set-param", "num_samples=16", "--set-param", "iterations=1", "--set-param", "num_elites=4",
                "--set-param", "num_pi_trajs=2", "--set-param", "device=cpu");
        assertThat(train.exit()).as(train.err() + train.out()).isZero();
        assertThat(train.out()).contains("offline training of tdmpc2 on 2 tasks from 4 episodes")
                .contains("done: 20 updates");
        List<CsvLog.Row> evals = CsvLog.read(run.resolve("eval.csv"));
        assertThat(evals).extracting(r -> r.cell(0) + " " + r.cell(1)).containsExactly("0 dmc/cartpole-balance",
                "0 classic/pendulum", "20 dmc/cartpole-balance", "20 classic/pendulum");
        assertThat(run.resolve("checkpoint").resolve(RunFolder.STATE)).exists();
        // the model and the loop's position, not a copy of the dataset (the replay buffer) at every save
        assertThat(io.github.tdmpc2j.spi.agent.CheckpointFolder.open(run.resolve("checkpoint")).files().keySet())
                .containsExactlyInAnyOrder("tdmpc2.json", "tdmpc2.safetensors", RunFolder.STATE,
                        RunFolder.DATASET_EPISODES, RunFolder.TASK_REVISIONS);
        // the revisions its episodes were collected on
        assertThat(RunFolder.revisions(run.resolve("checkpoint"))).containsOnly(
                java.util.Map.entry("dmc/cartpole-balance", 1), java.util.Map.entry("classic/pendulum", 1));
        // which eval, export and collect --policy read as any other
        TasksCommandTest.Run eval = TasksCommandTest.run("eval", "--checkpoint", run.toString(), "--task",
                "classic/pendulum", "--episodes", "1");
        assertThat(eval.exit()).as(eval.err()).isZero();
        assertThat(eval.out()).contains("classic/pendulum");
        TasksCommandTest.Run export = TasksCommandTest.run("export", "--checkpoint", run.toString(), "--out",
                dir.resolve("offline.pt").toString());
        assertThat(export.exit()).as(export.err()).isZero();
        assertThat(dir.resolve("offline.pt")).isNotEmptyFile();
        TasksCommandTest.Run policy = TasksCommandTest.run("collect", "--tasks", "classic/pendulum", "--episodes",
                "1", "--policy", run.toString(), "--out", dir.resolve("policy").toString(), "--workers", "1");
        assertThat(policy.exit()).as(policy.err()).isZero();
        assertThat(policy.out()).contains("1 episode written");

        // the dataset grows by one episode of each task (1400 steps to 2100)
        TasksCommandTest.Run more = TasksCommandTest.run("collect", "--tasks", "dmc/cartpole-balance,classic/pendulum",
                "--episodes", "3", "--out", data.toString());
        assertThat(more.exit()).as(more.err()).isZero();
        // resumed with nothing but more updates: its own settings (evaluations every 20 updates, one episode), no
        // second evaluation of update 20; it learns from the whole dataset, the new episodes too (the checkpoint's
        // buffer replaced them)
        TasksCommandTest.Run resumed = TasksCommandTest.run("train", "--data", data.toString(), "--steps", "40",
                "--out", run.toString(), "--progress", "log", "--resume");
        assertThat(resumed.exit()).as(resumed.err() + resumed.out()).isZero();
        // a notice on stderr, as the envs' warnings; stdout keeps the run's own lines
        assertThat(resumed.err()).contains("has grown since the checkpoint (update 20): 6 episodes (2100 steps) now, "
                + "2 (700) more; the run goes on learning from all of them");
        assertThat(resumed.out()).doesNotContain("has grown").contains("from 6 episodes");
        assertThat(CsvLog.read(run.resolve("eval.csv"))).extracting(r -> r.cell(0) + " " + r.cell(1)).containsExactly(
                "0 dmc/cartpole-balance", "0 classic/pendulum", "20 dmc/cartpole-balance", "20 classic/pendulum",
                "40 dmc/cartpole-balance", "40 classic/pendulum");
        TasksCommandTest.Run ended = TasksCommandTest.run("train", "--data", data.toString(), "--out",
                run.toString(), "--progress", "log", "--resume");
        assertThat(ended.exit()).as(ended.err()).isZero();
        assertThat(ended.out()).contains("has ended: its checkpoint is at update 40 of 40; nothing to do");

        // the same episode and step counts, other episodes (two files swapped, as a dataset collected again with
        // another seed would be): refused, naming a file (it resumed on them)
        Path e0 = data.resolve("episodes/classic/pendulum/episode-000000.npz");
        Path e1 = data.resolve("episodes/classic/pendulum/episode-000001.npz");
        Path aside = java.nio.file.Files.move(e0, data.resolve("aside.npz"));
        java.nio.file.Files.move(e1, e0);
        java.nio.file.Files.move(aside, e1);
        TasksCommandTest.Run swapped = TasksCommandTest.run("train", "--data", data.toString(), "--steps", "60",
                "--out", run.toString(), "--progress", "log", "--resume");
        assertThat(swapped.exit()).as(swapped.out()).isNotZero();
        assertThat(swapped.err()).contains("is not the one the run in " + run + " learnt from up to its checkpoint "
                + "(update 40): " + e0 + " and 1 more hold other episodes").contains("start a new run")
                .doesNotContain("Exception");
        java.nio.file.Files.move(e0, aside);
        java.nio.file.Files.move(e1, e0);
        java.nio.file.Files.move(aside, e1);

        // episodes removed since the checkpoint: refused, as the dataset's other checks are; the run's folder (a copy
        // without its lock file) gets no run.lock from the refusals (it got one)
        java.nio.file.Files.delete(run.resolve(RunLock.FILE));
        try (var files = java.nio.file.Files.list(data.resolve("episodes/classic/pendulum"))) {
            java.nio.file.Files.delete(files.filter(f -> f.getFileName().toString().endsWith(".npz")).findFirst()
                    .orElseThrow());
        }
        TasksCommandTest.Run shrunk = TasksCommandTest.run("train", "--data", data.toString(), "--steps", "60",
                "--out", run.toString(), "--progress", "log", "--resume");
        assertThat(shrunk.exit()).isNotZero();
        assertThat(shrunk.err()).contains("holds 5 episodes (1900 steps), fewer than the 6 episodes (2100 steps)")
                .contains("start a new run").doesNotContain("Exception");
        // a dataset of other tasks: refused too, before its episodes are read
        Path other = dir.resolve("other");
        TasksCommandTest.Run pendulum = TasksCommandTest.run("collect", "--tasks", "classic/pendulum", "--episodes",
                "1", "--out", other.toString());
        assertThat(pendulum.exit()).as(pendulum.err()).isZero();
        TasksCommandTest.Run otherTasks = TasksCommandTest.run("train", "--data", other.toString(), "--steps", "60",
                "--out", run.toString(), "--progress", "log", "--resume");
        assertThat(otherTasks.exit()).isNotZero();
        assertThat(otherTasks.err()).contains("learnt from a dataset of the tasks [dmc/cartpole-balance, "
                + "classic/pendulum], but the dataset in " + other + " holds the tasks [classic/pendulum]")
                .doesNotContain("Exception");
        assertThat(io.github.tdmpc2j.spi.agent.CheckpointFolder.open(run.resolve("checkpoint")).step())
                .isEqualTo(40);
        assertThat(run.resolve(RunLock.FILE)).doesNotExist();
    }

    /**
     * An online run resumed with --data, and an offline run of an earlier version (its config.yaml records no
     * dataset) resumed without it, are refused before anything is written: resumed offline, an online run's
     * config.yaml was rewritten for an offline run (its tasks replaced by "offline-DATASET", so its own --resume then
     * failed on an unknown task), and resumed online an offline run was refused as an unknown task
     * 'offline-DATASET', naming no way on. Each still resumes as what it is afterwards; an offline run's config.yaml
     * now records its dataset, so it resumes without --data (it was refused) and, given as --config, starts a new run
     * on that dataset (it was taken for an online run of the unknown task 'offline-DATASET').
     */
    @Test
    void aRunIsNotResumedAsTheOtherKindOfTraining(@TempDir Path dir) throws java.io.IOException {
        Path data = dir.resolve("data");
        TasksCommandTest.Run collect = TasksCommandTest.run("collect", "--tasks",
                "classic/pendulum,dmc/cartpole-balance", "--episodes", "1", "--out", data.toString());
        assertThat(collect.exit()).as(collect.err()).isZero();
        Path online = dir.resolve("online");
        TasksCommandTest.Run trained = TasksCommandTest.run("train", "--tasks", "classic/pendulum,dmc/cartpole-balance",
                "--steps", "200", "--eval-every", "200", "--eval-episodes", "1", "--out", online.toString(),
                "--progress", "log", "--preset", "cpu", "--set-param", "mpc=false", "--set-param", "seed_steps=1000");
        assertThat(trained.exit()).as(trained.err()).isZero();
        Path offline = dir.resolve("offline");
        TasksCommandTest.Run learnt = TasksCommandTest.run("train", "--data", data.toString(), "--steps", "1",
                "--eval-every", "1", "--eval-episodes", "1", "--out", offline.toString(), "--progress", "log",
                "--preset", "cpu", "--set-param", "batch_size=8", "--set-param", "mpc=false");
        assertThat(learnt.exit()).as(learnt.err()).isZero();
        // what an earlier version recorded: no dataset
        withoutDataset(offline);
        Map<Path, byte[]> before = new java.util.HashMap<>();
        for (Path run : List.of(online, offline)) {
            for (String f : List.of("config.yaml", "eval.csv")) {
                before.put(run.resolve(f), java.nio.file.Files.readAllBytes(run.resolve(f)));
            }
        }

        TasksCommandTest.Run asOffline = TasksCommandTest.run("train", "--data", data.toString(), "--resume",
                "--out", online.toString(), "--steps", "300", "--progress", "log");
        assertThat(asOffline.exit()).as(asOffline.out()).isEqualTo(2);
        assertThat(asOffline.err()).contains("the run in " + online + " trains online (on "
                + "classic/pendulum,dmc/cartpole-balance, its config.yaml says), not on a dataset: resume it without "
                + "--data (`tdmpc2j train --resume --out " + online + "`)").doesNotContain("Exception");
        TasksCommandTest.Run asOnline = TasksCommandTest.run("train", "--resume", "--out", offline.toString(),
                "--steps", "2", "--progress", "log");
        assertThat(asOnline.exit()).as(asOnline.out()).isEqualTo(2);
        assertThat(asOnline.err()).contains("the run in " + offline + " learnt offline from a dataset (`train "
                + "--data`; its config.yaml records 'offline-data'), not online: resume it with `tdmpc2j train --data "
                + "DATASET --resume --out " + offline + "`, DATASET the folder it learnt from, a folder named 'data'")
                .doesNotContain("unknown task");
        before.forEach((file, bytes) -> {
            try {
                assertThat(java.nio.file.Files.readAllBytes(file)).as(file.toString()).isEqualTo(bytes);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });

        TasksCommandTest.Run onlineOn = TasksCommandTest.run("train", "--resume", "--out", online.toString(),
                "--steps", "400", "--progress", "log");
        assertThat(onlineOn.exit()).as(onlineOn.err()).isZero();
        assertThat(onlineOn.out()).contains("done: 400 steps");
        TasksCommandTest.Run offlineOn = TasksCommandTest.run("train", "--data", data.toString(), "--resume", "--out",
                offline.toString(), "--steps", "2", "--progress", "log");
        assertThat(offlineOn.exit()).as(offlineOn.err()).isZero();
        assertThat(offlineOn.out()).contains("done: 2 updates");
        assertThat(java.nio.file.Files.readString(offline.resolve("config.yaml")))
                .contains("data: " + data.toAbsolutePath().normalize());
        // the dataset its config.yaml records, without --data
        TasksCommandTest.Run noData = TasksCommandTest.run("train", "--resume", "--out", offline.toString(),
                "--steps", "3", "--progress", "log");
        assertThat(noData.exit()).as(noData.err()).isZero();
        assertThat(noData.out()).contains("done: 3 updates");
        // the dataset moved: named, with how to go on
        Path moved = java.nio.file.Files.move(data, dir.resolve("moved"));
        TasksCommandTest.Run gone = TasksCommandTest.run("train", "--resume", "--out", offline.toString(),
                "--steps", "4", "--progress", "log");
        assertThat(gone.exit()).as(gone.out()).isEqualTo(2);
        assertThat(gone.err()).contains("the dataset " + data.toAbsolutePath().normalize() + " that the config.yaml "
                + "of the run in " + offline + " records is not there (moved or removed): name its folder with --data "
                + "DIR");
        java.nio.file.Files.move(moved, data);
        // its config.yaml as --config: a new offline run on the same dataset, with the same settings
        Path fresh = dir.resolve("fresh");
        TasksCommandTest.Run fromConfig = TasksCommandTest.run("train", "--config",
                offline.resolve("config.yaml").toString(), "--steps", "1", "--out", fresh.toString(), "--progress",
                "log");
        assertThat(fromConfig.exit()).as(fromConfig.err()).isZero();
        assertThat(fromConfig.out()).contains("offline training").contains("done: 1 update");
        assertThat(java.nio.file.Files.readString(fresh.resolve("config.yaml"))).contains("batch_size: 8")
                .contains("data: " + data.toAbsolutePath().normalize());

        // an offline run on a dataset of one task, named with --set, records that id as its task, as an online run
        // of it would: its checkpoint says which kind it is (it was refused as an online run)
        Path oneData = dir.resolve("one-data");
        TasksCommandTest.Run oneCollect = TasksCommandTest.run("collect", "--tasks", "dmc/cartpole-balance",
                "--episodes", "1", "--out", oneData.toString());
        assertThat(oneCollect.exit()).as(oneCollect.err()).isZero();
        Path one = dir.resolve("one");
        for (boolean again : new boolean[] {false, true}) {
            List<String> args = new java.util.ArrayList<>(List.of("train", "--data", oneData.toString(), "--set",
                    "dmc/cartpole-balance", "--steps", again ? "2" : "1", "--eval-every", "1", "--eval-episodes", "1",
                    "--out", one.toString(), "--progress", "log", "--preset", "cpu", "--set-param", "batch_size=8",
                    "--set-param", "mpc=false"));
            if (again) {
                args.add("--resume");
            }
            TasksCommandTest.Run r = TasksCommandTest.run(args.toArray(String[]::new));
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("done: " + (again ? 2 : 1) + " update");
        }
        // resumed without --data, its --set given again: on the recorded dataset (it was taken for an online run,
        // refused as one that "learnt offline")
        TasksCommandTest.Run setAgain = TasksCommandTest.run("train", "--resume", "--out", one.toString(), "--set",
                "dmc/cartpole-balance", "--steps", "3", "--progress", "log");
        assertThat(setAgain.exit()).as(setAgain.err()).isZero();
        assertThat(setAgain.out()).contains("done: 3 updates");
        withoutDataset(one);
        TasksCommandTest.Run oneAsOnline = TasksCommandTest.run("train", "--resume", "--out", one.toString(),
                "--steps", "2", "--progress", "log");
        assertThat(oneAsOnline.exit()).as(oneAsOnline.out()).isEqualTo(2);
        assertThat(oneAsOnline.err()).contains("the run in " + one + " learnt offline from a dataset");
    }

    /** Makes the offline run in {@code run} one of an earlier version: its config.yaml records no dataset. */
    private static void withoutDataset(Path run) throws java.io.IOException {
        Path config = run.resolve("config.yaml");
        List<String> lines = java.nio.file.Files.readAllLines(config);
        assertThat(lines).anyMatch(l -> l.startsWith("data: "));
        java.nio.file.Files.write(config, lines.stream().filter(l -> !l.startsWith("data: ")).toList());
    }

    /**
     * A dataset the agent cannot take whole (more steps than its replay buffer, which dropped the first tasks'
     * steps without a word) or whose tasks are installed here with other sizes (padded alike, so that was not seen)
     * is refused with what to do, before a run folder is made.
     */
    @Test
    void aDatasetTheAgentCannotTakeIsRefusedBeforeTraining(@TempDir Path dir) throws java.io.IOException {
        Path data = dir.resolve("data");
        TasksCommandTest.Run collect = TasksCommandTest.run("collect", "--tasks", "dmc/cartpole-balance,classic/pendulum",
                "--episodes", "1", "--out", data.toString());
        assertThat(collect.exit()).as(collect.err()).isZero();
        Path run = dir.resolve("run");
        TasksCommandTest.Run small = TasksCommandTest.run("train", "--data", data.toString(), "--steps", "2",
                "--out", run.toString(), "--progress", "log", "--preset", "cpu", "--set-param", "buffer_size=600");
        assertThat(small.exit()).isNotZero();
        assertThat(small.err()).contains("buffer_size=600").contains("--set-param buffer_size=700 or more")
                .contains("holds 700 steps in 2 episodes").doesNotContain("Exception");
        assertThat(run.resolve("checkpoint")).doesNotExist();

        Path index = data.resolve("dataset.json");
        String json = java.nio.file.Files.readString(index);
        java.nio.file.Files.writeString(index, json.replaceFirst(
                "(\"id\" : \"classic/pendulum\",\\s*\"observationSize\" : )3", "$14"));
        TasksCommandTest.Run other = TasksCommandTest.run("train", "--data", data.toString(), "--steps", "2",
                "--out", run.toString(), "--progress", "log", "--preset", "cpu");
        assertThat(other.exit()).isNotZero();
        assertThat(other.err()).contains("holds classic/pendulum with observations of 4 and actions of 1, but that "
                + "task installed here has 3 and 1").contains("collect the dataset again");
        assertThat(run).doesNotExist();
    }

    /**
     * A dataset's folder and a run's are not taken for each other. Before: eval, export and collect --policy of a
     * dataset folder said it "is a run folder whose run has saved no checkpoint yet ... train it again (remove DIR
     * first ...)", which would delete the dataset; train --data D --out D and collect --out RUN wrote a run into the
     * dataset's folder and a dataset into the run's.
     */
    @Test
    void aDatasetFolderAndARunFolderAreNotTakenForEachOther(@TempDir Path dir) throws java.io.IOException {
        Path data = dir.resolve("data");
        TasksCommandTest.Run collect = TasksCommandTest.run("collect", "--tasks", "echo/action", "--episodes", "1",
                "--out", data.toString());
        assertThat(collect.exit()).as(collect.err()).isZero();
        Path run = dir.resolve("run");
        TasksCommandTest.Run train = TasksCommandTest.run("train", "--task", "classic/pendulum", "--agent", "random",
                "--steps", "10", "--eval-every", "1000", "--eval-episodes", "1", "--out", run.toString(), "--progress",
                "log");
        assertThat(train.exit()).as(train.err()).isZero();
        String dataFiles = DatasetFolders.listing(data);
        String runFiles = DatasetFolders.listing(run);
        String[][] readers = {
            {"eval", "--checkpoint", data.toString(), "--episodes", "1"},
            {"export", "--checkpoint", data.toString(), "--out", dir.resolve("x.pt").toString()},
            {"collect", "--tasks", "echo/action", "--episodes", "1", "--policy", data.toString(), "--out",
                dir.resolve("more").toString()}};
        for (String[] args : readers) {
            TasksCommandTest.Run r = TasksCommandTest.run(args);
            assertThat(r.exit()).as(args[0]).isEqualTo(2);
            assertThat(r.err()).as(args[0]).contains(data + " is a dataset folder (it holds dataset.json), not a "
                    + "checkpoint: give a checkpoint folder, or a run folder that holds one as checkpoint/")
                    .doesNotContain("remove");
        }
        TasksCommandTest.Run resume = TasksCommandTest.run("train", "--resume", "--out", data.toString());
        assertThat(resume.exit()).isEqualTo(2);
        assertThat(resume.err()).contains("; it is a dataset folder (it holds dataset.json): --resume --out takes the "
                + "folder of a run");
        TasksCommandTest.Run into = TasksCommandTest.run("train", "--data", data.toString(), "--out", data.toString(),
                "--steps", "2", "--preset", "cpu");
        assertThat(into.exit()).isEqualTo(2);
        assertThat(into.err()).contains("--out " + data + " holds a dataset (its dataset.json): a run's files there "
                + "would mix with its episodes; choose another --out");
        TasksCommandTest.Run collectIntoRun = TasksCommandTest.run("collect", "--tasks", "echo/action",
                "--episodes", "1", "--out", run.toString());
        assertThat(collectIntoRun.exit()).isEqualTo(2);
        assertThat(collectIntoRun.err()).contains("--out " + run + " holds a run (checkpoint, config.yaml");
        assertThat(DatasetFolders.listing(data)).isEqualTo(dataFiles);
        assertThat(DatasetFolders.listing(run)).isEqualTo(runFiles);

        // a dataset's folder that an earlier version let a run write into, stopped before its first save: the
        // readers named it a run folder and said "remove DIR first", which would delete the dataset
        Path both = dir.resolve("both");
        TrainCommandTest.copyTree(data, both);
        java.nio.file.Files.copy(run.resolve("config.yaml"), both.resolve("config.yaml"));
        java.nio.file.Files.copy(run.resolve("eval.csv"), both.resolve("eval.csv"));
        String bothFiles = DatasetFolders.listing(both);
        for (String[] args : readers) {
            // the folder given as --checkpoint or --policy
            TasksCommandTest.Run r = TasksCommandTest.run(java.util.Arrays.stream(args)
                    .map(a -> a.equals(data.toString()) ? both.toString() : a).toArray(String[]::new));
            assertThat(r.exit()).as(args[0]).isEqualTo(2);
            assertThat(r.err()).as(args[0]).contains(both + " holds a dataset (its dataset.json) and the files of a "
                    + "run that saved no checkpoint there (config.yaml, eval.csv, from a `train --data` an earlier "
                    + "version let write into the dataset's folder): there is no checkpoint to read. Train one on the "
                    + "dataset into a folder of its own (`tdmpc2j train --data " + both + " --out RUN`); keep " + both
                    + " itself: it holds the dataset").doesNotContain("remove");
        }
        assertThat(DatasetFolders.listing(both)).isEqualTo(bothFiles);
    }

    /**
     * A dataset collected on an earlier revision of its task (the echo plug-in as a newer version would give it, at
     * revision 2): offline training learns from it and says that its evaluations are on the task as it is now;
     * collecting more into it is refused (one dataset would hold two versions of the task), the dataset unchanged.
     */
    @Test
    void aDatasetOfAnEarlierRevisionOfItsTaskIsSaidAndNotAddedTo(@TempDir Path dir) throws java.io.IOException {
        Path data = dir.resolve("data");
        TasksCommandTest.Run collect = TasksCommandTest.run("collect", "--tasks", "echo/action", "--episodes", "2",
                "--out", data.toString());
        assertThat(collect.exit()).as(collect.err()).isZero();
        String index = java.nio.file.Files.readString(data.resolve("dataset.json"));
        assertThat(index).contains("\"revision\" : 1");
        try {
            EchoProvider.revision = 2;
            Path run = dir.resolve("run");
            TasksCommandTest.Run train = TasksCommandTest.run("train", "--data", data.toString(), "--steps", "2",
                    "--eval-every", "2", "--eval-episodes", "1", "--out", run.toString(), "--progress", "log",
                    "--preset", "cpu", "--set-param", "batch_size=4");
            assertThat(train.exit()).as(train.err() + train.out()).isZero();
            assertThat(train.err()).startsWith("warning: the dataset in " + data + " was collected on other "
                    + "revisions of 1 task: echo/action (revision 1 then, 2 now); the run learns from those episodes "
                    + "but is evaluated on the tasks as they are now; collect the dataset again for one version");
            assertThat(RunFolder.revisions(run.resolve("checkpoint"))).containsExactly(
                    java.util.Map.entry("echo/action", 1));
            // eval says so of its checkpoint, which learnt from the dataset's revision; its run's eval.csv was of the
            // task as it is now (before: "was trained on other revisions ... (and than its run's eval.csv)")
            TasksCommandTest.Run eval = TasksCommandTest.run("eval", "--checkpoint", run.toString(), "--episodes",
                    "1");
            assertThat(eval.exit()).as(eval.err()).isZero();
            assertThat(eval.err()).startsWith("warning: the checkpoint in " + run.resolve("checkpoint") + " was "
                    + "trained on a dataset collected on other revisions of 1 task: echo/action (revision 1 then, 2 "
                    + "now); it is evaluated here on the tasks as they are now, other episodes than it learnt on (the "
                    + "plug-in's README says what changed)");

            // the same dataset under an index of version 2, which recorded no revisions: the run resumed on it keeps
            // the revision its checkpoint recorded (before: the next save recorded none, and eval said the
            // checkpoint "was trained before tdmpc2j recorded task revisions")
            Path older = dir.resolve("older");
            TrainCommandTest.copyTree(data, older);
            java.nio.file.Files.writeString(older.resolve("dataset.json"), index.replace("\"version\" : "
                    + io.github.tdmpc2j.data.DatasetLayout.VERSION, "\"version\" : 2").replaceAll(
                    ",\\s*\"revision\" : 1", ""));
            // (with a planning setting changed from the checkpoint's, which the resume says with what eval does)
            TasksCommandTest.Run resumed = TasksCommandTest.run("train", "--resume", "--out", run.toString(),
                    "--data", older.toString(), "--steps", "4", "--set-param", "mpc=false");
            assertThat(resumed.exit()).as(resumed.err() + resumed.out()).isZero();
            assertThat(resumed.out()).contains("done: 4 updates");
            assertThat(resumed.err()).contains("the run goes on with mpc=false (its checkpoint was saved with "
                    + "mpc=true): the checkpoints it saves from now on record it, and `tdmpc2j eval --checkpoint "
                    + run + "` acts with it");
            assertThat(RunFolder.revisions(run.resolve("checkpoint"))).containsExactly(
                    java.util.Map.entry("echo/action", 1));
            // a new run on it: the dataset records none, and eval says that of the dataset, not of the training
            Path fresh = dir.resolve("fresh");
            TasksCommandTest.Run train2 = TasksCommandTest.run("train", "--data", older.toString(), "--steps", "2",
                    "--eval-every", "2", "--eval-episodes", "1", "--out", fresh.toString(), "--progress", "log",
                    "--preset", "cpu", "--set-param", "batch_size=4");
            assertThat(train2.exit()).as(train2.err() + train2.out()).isZero();
            TasksCommandTest.Run eval2 = TasksCommandTest.run("eval", "--checkpoint", fresh.toString(), "--episodes",
                    "1");
            assertThat(eval2.err()).startsWith("warning: the checkpoint in " + fresh.resolve("checkpoint") + " was "
                    + "trained on a dataset collected before tdmpc2j recorded task revisions, and 1 task changed "
                    + "since");

            // a copy of the dataset without its writer's lock file: the refusal leaves none (it left one)
            java.nio.file.Files.delete(data.resolve(RunLock.FILE));
            TasksCommandTest.Run more = TasksCommandTest.run("collect", "--tasks", "echo/action", "--episodes", "3",
                    "--out", data.toString());
            assertThat(more.exit()).isEqualTo(2);
            assertThat(data.resolve(RunLock.FILE)).doesNotExist();
            assertThat(more.err()).contains(data + " holds episodes of 1 task at another revision than it has now: "
                    + "echo/action (collected on revision 1; revision 2 now); the plug-in changed it since")
                    .contains("Collect into another --out folder").doesNotContain("Exception");
            assertThat(java.nio.file.Files.readString(data.resolve("dataset.json"))).isEqualTo(index);
            assertThat(io.github.tdmpc2j.data.DatasetLayout.episode(data, "echo/action", 2)).doesNotExist();
        } finally {
            EchoProvider.revision = 1;
        }
    }

    /**
     * A dataset whose replay buffer would not fit the JVM's heap is refused before an episode is read, with the
     * -Xmx that holds it (loading failed once the heap was full, minutes into a large dataset); here a real dataset
     * in a child JVM of 64 MiB, all of it the headroom the check leaves for the JVM's other use. A JVM of the -Xmx
     * the message names trains on it, its checkpoint written, and goes on from it with --resume.
     */
    @Test
    @org.junit.jupiter.api.Timeout(300)
    void aDatasetBeyondTheHeapIsRefusedBeforeItsEpisodesAreRead(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Path run = dir.resolve("run");
        TasksCommandTest.Run collect = TasksCommandTest.run("collect", "--tasks", "classic/pendulum", "--episodes",
                "2", "--out", data.toString());
        assertThat(collect.exit()).as(collect.err()).isZero();
        int exit;
        String output;
        try (ChildRun child = new ChildRun(dir, "error:", List.of("-Xmx64m"), List.of("train", "--data",
                data.toString(), "--steps", "2", "--out", run.toString(), "--progress", "log", "--preset", "cpu"))) {
            exit = child.waitFor(120);
            output = child.output();
        }
        assertThat(exit).as(output).isEqualTo(2);
        assertThat(output).contains("the replay buffer of this run needs").contains("(the dataset's 400 steps of "
                + "48 bytes each").contains("Offline training holds every step of its dataset: give the JVM more "
                + "heap, TDMPC2J_JAVA_OPTS=-Xmx").contains("the dataset in " + data + " holds 400 steps in 2 "
                + "episodes").doesNotContain("offline training of").doesNotContain("Exception");
        assertThat(run.resolve("checkpoint")).doesNotExist();

        java.util.regex.Matcher named = java.util.regex.Pattern.compile("TDMPC2J_JAVA_OPTS=(-Xmx[0-9]+[mg]) ")
                .matcher(output);
        assertThat(named.find()).as(output).isTrue();
        for (String steps : List.of("2", "3")) { // the run, then the run resumed
            List<String> args = new java.util.ArrayList<>(List.of("train", "--data", data.toString(), "--steps",
                    steps, "--eval-every", "10", "--eval-episodes", "1", "--out", run.toString(), "--progress", "log",
                    "--preset", "cpu", "--set-param", "mpc=false"));
            if (steps.equals("3")) {
                args.add("--resume");
            }
            try (ChildRun child = new ChildRun(dir, "done:", List.of(named.group(1)), args)) {
                exit = child.waitFor(240);
                output = child.output();
            }
            assertThat(exit).as(named.group(1) + ": " + output).isZero();
            assertThat(output).contains("done: " + steps + " updates").doesNotContain("OutOfMemoryError");
        }
    }

    /**
     * SIGTERM (as Ctrl-C's SIGINT) to an offline `tdmpc2j train --data` in a child JVM while it gets ready, before its
     * first update (its evaluation env being made, which takes three seconds: made at once, the run wrote its
     * config.yaml milliseconds after its worker started, before a signal sent then came): it ends with the exit
     * status of the signal and lets go of its lock, so the folder it made is gone (it stayed, holding the run.lock of
     * a process that was gone).
     */
    @Test
    @org.junit.jupiter.api.Timeout(300)
    void aSignalBeforeTheFirstUpdateLeavesNoLockBehind(@TempDir Path dir) throws Exception {
        PythonTestingProvider.assumeSetUp();
        Path data = dir.resolve("data");
        Path run = dir.resolve("run");
        TasksCommandTest.Run collect = TasksCommandTest.run("collect", "--tasks", "pytesting/slow-start",
                "--episodes", "1", "--out", data.toString());
        assertThat(collect.exit()).as(collect.err()).isZero();
        ChildRun.Ended ended = ChildRun.terminatedOnceThePytestingWorkerStarts(dir, List.of("train",
                "--data", data.toString(), "--steps", "20", "--eval-every", "10", "--eval-episodes", "1", "--out",
                run.toString(), "--progress", "log", "--preset", "cpu", "--set-param", "batch_size=4",
                "--set-param", "device=cpu"));
        assertThat(ended.exit()).as(ended.output()).isEqualTo(128 + 15);
        assertThat(ended.output()).contains("stopped by SIGTERM at update 0: no checkpoint was saved yet")
                .doesNotContain("offline training of");
        assertThat(run).doesNotExist();
    }

    /**
     * SIGTERM (as Ctrl-C's SIGINT) to an offline `tdmpc2j train --data` in a child JVM stops it as an online run
     * stops: before its next update, with the exit status of the signal and the line that names the checkpoint kept
     * for --resume (it exited 143 silently).
     */
    @Test
    @org.junit.jupiter.api.Timeout(600)
    void aSignalStopsOfflineTrainingKeepingTheLastCheckpoint(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Path run = dir.resolve("run");
        TasksCommandTest.Run collect = TasksCommandTest.run("collect", "--tasks", "classic/pendulum", "--episodes",
                "1", "--out", data.toString());
        assertThat(collect.exit()).as(collect.err()).isZero();
        int exit;
        String output;
        try (ChildRun child = new ChildRun(dir, "eval at update 20", List.of("train", "--data", data.toString(),
                "--steps", "100000000", "--eval-every", "20", "--eval-episodes", "1", "--out", run.toString(),
                "--progress", "log", "--preset", "cpu", "--set-param", "batch_size=8", "--set-param", "mpc=false",
                "--set-param", "device=cpu"))) {
            assertThat(child.await(400)).as(child.output()).isTrue();
            child.terminate();
            exit = child.waitFor(60);
            output = child.output();
        }
        assertThat(exit).as(output).isEqualTo(128 + 15);
        java.util.regex.Matcher stopped = java.util.regex.Pattern.compile("stopped by SIGTERM at update \\d+: the "
                + "checkpoint of update (\\d+) is kept; --resume goes on from it").matcher(output);
        assertThat(stopped.find()).as(output).isTrue();
        assertThat(output).contains("SIGTERM: stopping before the next update (an evaluation in progress is given "
                + "up; the last checkpoint is kept)").doesNotContain("done:");
        assertThat(io.github.tdmpc2j.spi.agent.CheckpointFolder.open(run.resolve("checkpoint")).step())
                .isEqualTo(Long.parseLong(stopped.group(1))).isGreaterThanOrEqualTo(20);
    }
}
