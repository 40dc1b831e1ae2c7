package io.github.tdmpc2j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.tdmpc2j.spi.Availability;
import io.github.tdmpc2j.spi.Box;
import io.github.tdmpc2j.spi.Env;
import io.github.tdmpc2j.spi.EnvOptions;
import io.github.tdmpc2j.spi.EnvProvider;
import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.EnvUnavailableException;
import io.github.tdmpc2j.spi.SuccessMetric;
import io.github.tdmpc2j.spi.TaskSpec;
import io.github.tdmpc2j.spi.agent.Agents;
import io.github.tdmpc2j.spi.agent.Episode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CollectorTest {
    private static final List<String> TASKS = List.of("classic/pendulum", "point/reach");

    private static int collect(EnvRegistry registry, Path out, int episodes, int workers) {
        return collect(registry, out, episodes, workers, null);
    }

    /** {@link #collect}, putting the damaged episode files it finds in the folder into {@code damaged} (when not null). */
    private static int collect(EnvRegistry registry, Path out, int episodes, int workers, Map<Path, String> damaged) {
        Collector c = new Collector(registry, TASKS, DatasetPolicy.RANDOM);
        Collector.Listener listener = damaged == null ? null : new Collector.Listener() {
            @Override
            public void episodeWritten(DatasetTask task, int k, Episode episode) {
            }

            @Override
            public void damagedFound(Map<Path, String> files) {
                damaged.putAll(files);
            }
        };
        return c.collect(out, episodes, workers, 7,
                () -> Agents.find("random").create(c.agentContext(Map.of(), 100)), listener);
    }

    @Test
    void writesPaddedEpisodesOfTwoDomainsAndReadsThemBack(@TempDir Path out) throws IOException {
        try (EnvRegistry registry = EnvRegistry.discover()) {
            assertThat(collect(registry, out, 3, 2)).isEqualTo(6);
            DatasetReader reader = new DatasetReader(out);
            DatasetIndex index = reader.index();
            assertThat(index.observationSize()).isEqualTo(4);
            assertThat(index.actionSize()).isEqualTo(2);
            assertThat(index.actionMasks().get(0)).containsExactly(1f, 0f);
            assertThat(index.actionMasks().get(1)).containsExactly(1f, 1f);
            assertThat(reader.episodeFiles(0)).hasSize(3);
            // created with the user's umask, as any new file, not owner-only
            Path probe = Files.createFile(out.resolve("umask-probe"));
            assertThat(Files.getPosixFilePermissions(reader.episodeFiles(0).get(0)))
                    .isEqualTo(Files.getPosixFilePermissions(probe));
            assertThat(Files.getPosixFilePermissions(DatasetLayout.index(out)))
                    .isEqualTo(Files.getPosixFilePermissions(probe));
            Files.delete(probe);

            List<Episode> episodes = reader.readAll();
            assertThat(episodes).hasSize(6);
            Episode pendulum = episodes.get(0);
            assertThat(pendulum.task()).isZero();
            assertThat(pendulum.length()).isEqualTo(200);
            assertThat(pendulum.observations()[0]).hasSize(4);
            assertThat(pendulum.observations()[0][3]).isZero(); // padding
            for (float[] a : pendulum.actions()) {
                assertThat(a[1]).isZero(); // outside the mask
                assertThat(a[0]).isBetween(-1f, 1f);
            }
            Episode point = episodes.get(3);
            assertThat(point.task()).isEqualTo(1);
            assertThat(point.length()).isBetween(1, 30);
            if (point.terminated()) {
                assertThat(point.success()[point.length() - 1]).isTrue();
            }
        }
    }

    @Test
    void theSameSeedsGiveTheSameEpisodesWhateverTheWorkerCount(@TempDir Path dir) {
        try (EnvRegistry registry = EnvRegistry.discover()) {
            collect(registry, dir.resolve("one"), 3, 1);
            collect(registry, dir.resolve("three"), 3, 3);
            // resumed: another split of the same episodes among the workers
            collect(registry, dir.resolve("resumed"), 1, 2);
            collect(registry, dir.resolve("resumed"), 3, 2);
            List<Episode> a = new DatasetReader(dir.resolve("one")).readAll();
            assertThat(a).hasSize(6);
            for (String other : List.of("three", "resumed")) {
                List<Episode> b = new DatasetReader(dir.resolve(other)).readAll();
                assertThat(b).hasSize(a.size());
                for (int i = 0; i < a.size(); i++) {
                    assertThat(b.get(i).task()).isEqualTo(a.get(i).task());
                    assertThat(b.get(i).observations()).as(other + " episode " + i).isDeepEqualTo(a.get(i).observations());
                    assertThat(b.get(i).actions()).as(other + " episode " + i).isDeepEqualTo(a.get(i).actions());
                    assertThat(b.get(i).rewards()).containsExactly(a.get(i).rewards());
                }
            }
            // the episodes of one task differ from each other: the policy is not reseeded with one constant
            assertThat(a.get(0).actions()[0]).isNotEqualTo(a.get(1).actions()[0]);
        }
    }

    @Test
    void oneUnitAtATimeWritesTheSameBytesAsTheCollection(@TempDir Path dir) throws IOException {
        try (EnvRegistry registry = EnvRegistry.discover()) {
            collect(registry, dir.resolve("all"), 2, 2);
            Collector c = new Collector(registry, TASKS, DatasetPolicy.RANDOM);
            c.open(dir.resolve("units"), 7); // the driver writes the index
            DatasetWriter executor = DatasetWriter.attach(dir.resolve("units"), c.index());
            Path stray = dir.resolve("units/episodes/point/reach/episode-000009.npz42.tmp"); // another's write
            Files.createDirectories(stray.getParent());
            Files.writeString(stray, "in flight");
            try (var policy = Agents.find("random").create(c.agentContext(Map.of(), 5))) {
                for (int t = 1; t >= 0; t--) { // another order, another policy object, envs made per unit
                    for (int k = 1; k >= 0; k--) {
                        try (var env = c.makeEnv(t, 7)) {
                            c.collectOne(env, policy, t, k, 7, executor);
                            c.collectOne(env, policy, t, k, 7, executor); // a retried unit: the same file again
                        }
                    }
                }
            }
            assertThat(stray).exists();
            for (String task : TASKS) {
                for (int k = 0; k < 2; k++) {
                    assertThat(Files.readAllBytes(DatasetLayout.episode(dir.resolve("units"), task, k)))
                            .as(task + " " + k)
                            .isEqualTo(Files.readAllBytes(DatasetLayout.episode(dir.resolve("all"), task, k)));
                }
            }
            // no clock in the bytes: every entry carries zip's first date
            try (var zip = new java.util.zip.ZipFile(DatasetLayout.episode(dir.resolve("all"), TASKS.get(0), 0)
                    .toFile())) {
                zip.stream().forEach(e -> assertThat(e.getTimeLocal()).isEqualTo("1980-01-01T00:00"));
            }
            DatasetWriter.attach(dir.resolve("units"), c.index()).removeTemporaryFiles();
            assertThat(stray).doesNotExist();
            Collector other = new Collector(registry, List.of("point/reach"), DatasetPolicy.RANDOM);
            assertThatThrownBy(() -> DatasetWriter.attach(dir.resolve("units"), other.index()))
                    .isInstanceOf(DatasetException.class).hasMessageContaining("other tasks");
        }
    }

    @Test
    void resumingSkipsWrittenEpisodesAndDropsHalfWrittenFiles(@TempDir Path out) throws IOException {
        try (EnvRegistry registry = EnvRegistry.discover()) {
            collect(registry, out, 2, 1);
            Path first = DatasetLayout.episode(out, "classic/pendulum", 0);
            long before = Files.getLastModifiedTime(first).toMillis();
            Path partial = first.resolveSibling("episode-000002.npz12345.tmp");
            Files.writeString(partial, "half an episode");
            Path halfIndex = out.resolve(DatasetLayout.INDEX + "8421.tmp"); // an earlier version's name
            Files.writeString(halfIndex, "{ \"format\"");
            // this version's names, even of a process that is running (the dataset's lock keeps out any writer)
            Path halfIndexNow = out.resolve(io.github.tdmpc2j.spi.io.AtomicWrites.temporaryName(DatasetLayout.INDEX));
            Files.writeString(halfIndexNow, "{ \"format\"");
            Path partialNow = first.resolveSibling(io.github.tdmpc2j.spi.io.AtomicWrites.temporaryName(
                    "episode-000003.npz"));
            Files.writeString(partialNow, "half an episode");
            Files.delete(DatasetLayout.episode(out, "point/reach", 1));

            assertThat(collect(registry, out, 3, 2)).isEqualTo(3); // point #1, and #2 of both tasks
            assertThat(Files.exists(partial)).isFalse();
            assertThat(halfIndex).doesNotExist();
            assertThat(halfIndexNow).doesNotExist();
            assertThat(partialNow).doesNotExist();
            assertThat(Files.getLastModifiedTime(first).toMillis()).isEqualTo(before);
            assertThat(new DatasetReader(out).readAll()).hasSize(6);
            assertThat(collect(registry, out, 3, 2)).isZero();
        }
    }

    @Test
    void anotherTaskListOrACorruptFileIsATypedError(@TempDir Path out) throws IOException {
        try (EnvRegistry registry = EnvRegistry.discover()) {
            collect(registry, out, 1, 1);
            Collector other = new Collector(registry, List.of("point/reach"), DatasetPolicy.RANDOM);
            assertThatThrownBy(() -> other.collect(out, 1, 1, 0,
                    () -> Agents.find("random").create(other.agentContext(Map.of(), 0)), null))
                    .isInstanceOf(DatasetException.class).hasMessageContaining("other tasks");
            // the same tasks in another order (the episodes' task numbers are the order's): not "other tasks", but
            // the order that goes on with the collection
            Collector reordered = new Collector(registry, List.of("point/reach", "classic/pendulum"),
                    DatasetPolicy.RANDOM);
            assertThatThrownBy(() -> reordered.collect(out, 1, 1, 0,
                    () -> Agents.find("random").create(reordered.agentContext(Map.of(), 0)), null))
                    .isInstanceOf(DatasetException.class).hasMessageContaining(out + " already holds a dataset of "
                            + "these tasks in another order (classic/pendulum, point/reach)")
                    .hasMessageContaining("give them in that order (classic/pendulum,point/reach) to go on "
                            + "with it").hasMessageNotContaining("other tasks");
            Path f = DatasetLayout.episode(out, "point/reach", 0);
            byte[] bytes = Files.readAllBytes(f);
            Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length / 2));
            assertThatThrownBy(() -> new DatasetReader(out).read(f)).isInstanceOf(DatasetException.class)
                    .hasMessageContaining("delete it");
            assertThatThrownBy(() -> new DatasetReader(out.resolve("nothing"))).isInstanceOf(DatasetException.class)
                    .hasMessageContaining("tdmpc2j collect");
        }
    }

    /** Only the layout's episode files are episodes: a copy or another .npz beside them is not read as one. */
    @Test
    void filesBesideTheEpisodesAreNotReadAsEpisodes(@TempDir Path out) throws IOException {
        try (EnvRegistry registry = EnvRegistry.discover()) {
            collect(registry, out, 2, 1);
            Path first = DatasetLayout.episode(out, "classic/pendulum", 0);
            Files.copy(first, first.resolveSibling("episode-000000 (copy).npz"));
            Files.copy(first, first.resolveSibling("stats.npz"));
            Files.writeString(first.resolveSibling("notes.txt"), "collected on Tuesday");
            DatasetReader reader = new DatasetReader(out);
            assertThat(reader.episodeFiles(0)).containsExactly(first, DatasetLayout.episode(out, "classic/pendulum", 1));
            assertThat(reader.readAll()).hasSize(4);
            // in episode order past six digits too
            Path late = DatasetLayout.episode(out, "classic/pendulum", 1_000_000);
            Files.copy(first, late);
            assertThat(reader.episodeFiles(0)).containsExactly(first, DatasetLayout.episode(out, "classic/pendulum", 1),
                    late);
        }
    }

    /**
     * An episode file that does not fit the dataset (another dataset's, with other padded sizes or task numbers, or
     * one copied into another task's folder) is refused with its name, not handed to the learner.
     */
    @Test
    void anEpisodeThatDoesNotFitTheIndexIsATypedError(@TempDir Path dir) throws IOException {
        try (EnvRegistry registry = EnvRegistry.discover()) {
            Path out = dir.resolve("two");
            collect(registry, out, 1, 1); // padded to obs 4, action 2
            Collector one = new Collector(registry, List.of("classic/pendulum"), DatasetPolicy.RANDOM);
            Path small = dir.resolve("one");
            one.collect(small, 1, 1, 7, () -> Agents.find("random").create(one.agentContext(Map.of(), 1)), null);

            Path pendulum = DatasetLayout.episode(out, "classic/pendulum", 1);
            Files.copy(DatasetLayout.episode(small, "classic/pendulum", 0), pendulum); // obs 3, action 1
            assertThatThrownBy(() -> new DatasetReader(out).readAll()).isInstanceOf(DatasetException.class)
                    .hasMessageContaining(pendulum.toString())
                    .hasMessageContaining("observation (201, 3)")
                    .hasMessageContaining("(T+1, 4)")
                    .hasMessageContaining("delete it");
            Files.delete(pendulum);

            Path moved = DatasetLayout.episode(out, "classic/pendulum", 1);
            Files.copy(DatasetLayout.episode(out, "point/reach", 0), moved); // task 1 in task 0's folder
            assertThatThrownBy(() -> new DatasetReader(out).readAll()).isInstanceOf(DatasetException.class)
                    .hasMessageContaining(moved.toString())
                    .hasMessageContaining("task 1 (point/reach)")
                    .hasMessageContaining("classic/pendulum");
        }
    }

    /**
     * An index of a newer version (with fields this version does not know) says so; a damaged one says how to make
     * it again, and the same collection run again after deleting it keeps the episodes, while another seed is
     * refused as it would be with the index there.
     */
    @Test
    void aNewerOrDamagedIndexSaysWhatToDo(@TempDir Path out) throws IOException {
        try (EnvRegistry registry = EnvRegistry.discover()) {
            collect(registry, out, 2, 1); // seed 7
            Path file = DatasetLayout.index(out);
            String v2 = Files.readString(file);
            int newer = DatasetLayout.VERSION + 1;
            Files.writeString(file, v2.replace("\"version\" : " + DatasetLayout.VERSION, "\"version\" : " + newer)
                    .replace("\"seed\" : 7", "\"seed\" : 7, \"episodeCounts\" : [ 2, 2 ]"));
            assertThatThrownBy(() -> new DatasetReader(out)).isInstanceOf(DatasetException.class)
                    .hasMessageContaining("is format tdmpc2j-episodes v" + newer + "; this version reads "
                            + "tdmpc2j-episodes v1 to v" + DatasetLayout.VERSION)
                    .hasMessageContaining("newer tdmpc2j");

            Files.writeString(file, v2.substring(0, v2.length() / 2));
            assertThatThrownBy(() -> new DatasetReader(out)).isInstanceOf(DatasetException.class)
                    .hasMessageContaining("is damaged")
                    .hasMessageContaining("delete it and run the command that made the dataset again")
                    .hasMessageContaining("the same collect (its --tasks, --seed and --policy)")
                    .hasMessageContaining("the same import-data (its chunks and --set)");
            Files.delete(file);
            Collector c = new Collector(registry, TASKS, DatasetPolicy.RANDOM);
            assertThatThrownBy(() -> c.open(out, 8)).isInstanceOf(DatasetException.class)
                    .hasMessageContaining("collected with --seed 7 (read from its episode files), not --seed 8");
            assertThat(file).doesNotExist();
            long before = Files.getLastModifiedTime(DatasetLayout.episode(out, "point/reach", 1)).toMillis();
            assertThat(collect(registry, out, 2, 1)).isZero();
            assertThat(Files.readString(file)).isEqualTo(v2);
            assertThat(Files.getLastModifiedTime(DatasetLayout.episode(out, "point/reach", 1)).toMillis())
                    .isEqualTo(before);
        }
    }

    /**
     * A folder that is not a dataset of ours says what to do with it, and never tells to delete a file of another
     * tool: the reference's chunk folder (import it first), another tool's {@code dataset.json} (a format of its own,
     * or no JSON of ours, beside no episodes/ folder). Before, the chunk folder was told to `collect`, another
     * format's index got no advice, and an unreadable one beside no episodes was "damaged: delete it".
     */
    @Test
    void aFolderOfAnotherToolSaysWhatToDoAndNeverToDeleteItsFiles(@TempDir Path dir) throws IOException {
        Path chunks = Files.createDirectories(dir.resolve("mt30"));
        Files.write(chunks.resolve("chunk_0.pt"), new byte[] {1, 2, 3});
        assertThatThrownBy(() -> new DatasetReader(chunks)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("it has no dataset.json; it holds .pt files")
                .hasMessageContaining("tdmpc2j import-data " + chunks + " --out DATASET --set mt30");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> new DatasetReader(empty)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("make one with `tdmpc2j collect`, or with `tdmpc2j import-data`");

        Path minari = Files.createDirectories(dir.resolve("minari"));
        Files.writeString(DatasetLayout.index(minari), "{\"format\": \"minari\", \"version\": 1}");
        assertThatThrownBy(() -> new DatasetReader(minari)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("is format minari v1, not a dataset of tdmpc2j")
                .hasMessageContaining("Give a folder that collect or import-data wrote")
                .hasMessageNotContaining("delete");
        Files.writeString(DatasetLayout.index(minari), "[1, 2]");
        assertThatThrownBy(() -> new DatasetReader(minari)).isInstanceOf(DatasetException.class)
                .hasMessageContaining("is not the index of a tdmpc2j dataset")
                .hasMessageContaining("holds no episodes/ folder")
                .hasMessageNotContaining("delete");
        try (EnvRegistry registry = EnvRegistry.discover()) {
            Collector c = new Collector(registry, TASKS, DatasetPolicy.RANDOM);
            assertThatThrownBy(() -> c.open(minari, 1)).isInstanceOf(DatasetException.class)
                    .hasMessageContaining("is not the index of a tdmpc2j dataset");
        }
        assertThat(Files.readString(DatasetLayout.index(minari))).isEqualTo("[1, 2]");
    }

    /**
     * Episodes whose index was deleted, opened with their tasks in another order or with other tasks, are refused
     * with the order their files tell: each file's task number points into the index, so a new index of the tasks
     * given would name every episode's task wrongly (and change the padded sizes under them). Before, the other order
     * was refused as another seed (the first task's episodes have other seeds), whose "give --seed" then went on with
     * it, and a task left out went on at once: "0 episodes written", an index that mislabels the episodes.
     */
    @Test
    void episodesWithoutAnIndexAreNotGivenAnIndexOfOtherTasks(@TempDir Path out) throws IOException {
        try (EnvRegistry registry = EnvRegistry.discover()) {
            collect(registry, out, 1, 1); // seed 7
            Path file = DatasetLayout.index(out);
            String written = Files.readString(file);
            Files.delete(file);
            Collector reversed = new Collector(registry, List.of("point/reach", "classic/pendulum"),
                    DatasetPolicy.RANDOM);
            for (long seed : new long[] {7, Collector.episodeSeed(7, 1, 0)}) {
                assertThatThrownBy(() -> reversed.open(out, seed)).isInstanceOf(DatasetException.class)
                        .hasMessageContaining("has no dataset.json, and its episode files were not collected with "
                                + "the tasks given (point/reach, classic/pendulum, in that order): their task numbers "
                                + "say classic/pendulum is task 0, point/reach is task 1;")
                        .hasMessageContaining("(--tasks classic/pendulum,point/reach, as far as the episode files "
                                + "tell)")
                        .hasMessageNotContaining("--seed");
            }
            Collector fewer = new Collector(registry, List.of("classic/pendulum"), DatasetPolicy.RANDOM);
            assertThatThrownBy(() -> fewer.open(out, 7)).isInstanceOf(DatasetException.class)
                    .hasMessageContaining("padded to 4 observation and 2 action entries, not 3 and 1");
            assertThat(file).doesNotExist();
            // the tasks in their order: the index as it was, the episodes kept
            assertThat(collect(registry, out, 1, 1)).isZero();
            assertThat(Files.readString(file)).isEqualTo(written);
        }
    }

    /**
     * An index edited by hand so that its padded sizes or action masks no longer follow from its tasks is damaged:
     * collect and the reader say so (and how to make it anew) rather than writing or reading episodes of other
     * shapes; an index whose tasks have other sizes (another version's) is refused as such.
     */
    @Test
    void anIndexEditedByHandIsDamagedNotObeyed(@TempDir Path out) throws IOException {
        try (EnvRegistry registry = EnvRegistry.discover()) {
            collect(registry, out, 1, 1);
            Path file = DatasetLayout.index(out);
            String whole = Files.readString(file);
            DatasetIndex index = DatasetIndex.read(out);
            int o = index.observationSize();
            List<String> edits = List.of(
                    whole.replaceFirst("\"observationSize\" : " + o, "\"observationSize\" : " + (o + 3)),
                    whole.replaceFirst("\\[ 1\\.0, 0\\.0", "[ 1.0, 1.0"),
                    whole.replaceFirst("\"actionMasks\" : \\[ \\[[^]]*\\], ", "\"actionMasks\" : [ "));
            List<String> reasons = List.of("its padded sizes (observation " + (o + 3),
                    "the action mask of task 0 (classic/pendulum) is not 2 entries",
                    "it has 1 action mask for 2 tasks)");
            for (int i = 0; i < edits.size(); i++) {
                String edited = edits.get(i);
                assertThat(edited).isNotEqualTo(whole);
                Files.writeString(file, edited);
                assertThatThrownBy(() -> new DatasetReader(out)).isInstanceOf(DatasetException.class)
                        .hasMessageContaining("is damaged").hasMessageContaining(reasons.get(i))
                        .hasMessageContaining("delete it and run the command that made the dataset again");
                assertThatThrownBy(() -> collect(registry, out, 2, 1)).isInstanceOf(DatasetException.class)
                        .hasMessageContaining("is damaged");
            }
            // a task's own size changed within the padding (the task as another version made it)
            int own = index.tasks().get(0).observationSize();
            Files.writeString(file, whole.replaceFirst("(\"id\" : \"classic/pendulum\",\\s*\"observationSize\" : )"
                    + own, "$1" + (own + 1)));
            assertThat(new DatasetReader(out).index().tasks().get(0).observationSize()).isEqualTo(own + 1);
            assertThatThrownBy(() -> collect(registry, out, 2, 1)).isInstanceOf(DatasetException.class)
                    .hasMessageContaining("these tasks with other sizes");
            Files.writeString(file, whole);
            assertThat(collect(registry, out, 2, 1)).isEqualTo(2);
        }
    }

    /**
     * Episode files that are not whole (cut short by a full disk or a machine that lost power, emptied by hand) are
     * written anew by the next collection, with the bytes they should have had, and reported; whole ones are kept.
     */
    @Test
    void aDamagedEpisodeFileIsCollectedAgain(@TempDir Path out) throws IOException {
        try (EnvRegistry registry = EnvRegistry.discover()) {
            collect(registry, out, 3, 2);
            Path cut = DatasetLayout.episode(out, "classic/pendulum", 1);
            Path empty = DatasetLayout.episode(out, "point/reach", 2);
            Path kept = DatasetLayout.episode(out, "point/reach", 0);
            byte[] cutBytes = Files.readAllBytes(cut);
            byte[] emptyBytes = Files.readAllBytes(empty);
            long before = Files.getLastModifiedTime(kept).toMillis();
            Files.write(cut, java.util.Arrays.copyOf(cutBytes, cutBytes.length - 30));
            Files.write(empty, new byte[0]);

            Map<Path, String> reported = new java.util.HashMap<>();
            int written = collect(registry, out, 3, 2, reported);
            assertThat(written).isEqualTo(2);
            assertThat(reported).containsOnlyKeys(cut, empty);
            assertThat(reported.get(empty)).contains("not a whole NPZ file");
            assertThat(Files.readAllBytes(cut)).isEqualTo(cutBytes);
            assertThat(Files.readAllBytes(empty)).isEqualTo(emptyBytes);
            assertThat(Files.getLastModifiedTime(kept).toMillis()).isEqualTo(before);
            assertThat(new DatasetReader(out).readAll()).hasSize(6);
            assertThat(collect(registry, out, 3, 2)).isZero();
        }
    }

    /**
     * An episode file whose zip is whole (its directory, its entries' names and sizes) but one of whose entries has a
     * flipped bit (a disk fault, a bad copy: it inflates, to other numbers, and only its CRC-32 tells) is named and
     * collected again on resume, as a file cut short is, not kept for {@code train --data} to refuse or another tool
     * to read as data.
     */
    @Test
    void anEpisodeFileThatFailsItsCrcIsCollectedAgain(@TempDir Path out) throws IOException {
        try (EnvRegistry registry = EnvRegistry.discover()) {
            collect(registry, out, 3, 2);
            Path flipped = DatasetLayout.episode(out, "classic/pendulum", 2);
            Path kept = DatasetLayout.episode(out, "classic/pendulum", 0);
            long before = Files.getLastModifiedTime(kept).toMillis();
            byte[] whole = Damage.flipABitThatOnlyTheCrcTells(flipped, "observation.npy");

            Map<Path, String> reported = new java.util.HashMap<>();
            int written = collect(registry, out, 3, 2, reported);
            assertThat(reported).containsOnlyKeys(flipped);
            assertThat(reported.get(flipped)).startsWith("its observation.npy fails its CRC-32 check");
            assertThat(written).isEqualTo(1);
            assertThat(Files.readAllBytes(flipped)).isEqualTo(whole);
            assertThat(Files.getLastModifiedTime(kept).toMillis()).isEqualTo(before);
            assertThat(new DatasetReader(out).readAll()).hasSize(6);
        }
    }

    /**
     * Reading a dataset with such a file ({@code train --data}) is a typed error that names the file, the entry that
     * failed and what to do, not other numbers learnt from.
     */
    @Test
    void theReaderRefusesAnEpisodeFileThatFailsItsCrcNamingIt(@TempDir Path out) throws IOException {
        try (EnvRegistry registry = EnvRegistry.discover()) {
            collect(registry, out, 2, 2);
            Path flipped = DatasetLayout.episode(out, "point/reach", 1);
            Damage.flipABitThatOnlyTheCrcTells(flipped, "observation.npy");
            DatasetReader reader = new DatasetReader(out);
            assertThatThrownBy(reader::readAll).isInstanceOf(DatasetException.class)
                    .hasMessageStartingWith(flipped + " is not a readable episode (")
                    .hasMessageContaining("observation.npy fails its CRC-32 check")
                    .hasMessageEndingWith("delete it and run collect again to replace it");
            assertThatThrownBy(() -> reader.forEachFile((file, episode) -> { }))
                    .isInstanceOf(DatasetException.class).hasMessageContaining(flipped.toString());
        }
    }

    /**
     * A listener that stops the collection from the {@code at}-th time it is asked on (negative: once {@code -at}
     * episodes are written), and notes whether the folder existed when it was told of the first write.
     */
    private static final class StopAt implements Collector.Listener {
        private final int at;
        private int asked;
        private int written;
        private final List<Boolean> folderAtWriting = new java.util.ArrayList<>();
        private final Path out;

        StopAt(Path out, int at) {
            this.out = out;
            this.at = at;
        }

        @Override
        public void episodeWritten(DatasetTask task, int k, Episode episode) {
            written++;
        }

        @Override
        public void writing() {
            folderAtWriting.add(Files.exists(out));
        }

        @Override
        public boolean stopRequested() {
            asked++;
            return at > 0 ? asked >= at : written >= -at;
        }
    }

    /**
     * A stop asked for (a signal) ends the collection before its next step: the episodes written stay whole and a
     * collection run again adds the rest; a new dataset is written only once its envs are made (the caller told
     * first, to take the folder's lock, whose release removes the index of one stopped before its first episode:
     * RunLockTest); an existing one stopped so keeps its own.
     */
    @Test
    void aStopKeepsTheEpisodesWrittenAndANewDatasetStoppedBeforeItsFirstHoldsNothing(@TempDir Path dir)
            throws IOException {
        try (EnvRegistry registry = EnvRegistry.discover()) {
            Collector c = new Collector(registry, List.of("classic/pendulum"), DatasetPolicy.RANDOM);
            java.util.function.Supplier<io.github.tdmpc2j.spi.agent.Agent> random =
                    () -> Agents.find("random").create(c.agentContext(Map.of(), 100));
            Path out = dir.resolve("new");
            // asked before the folder is opened, then before the task's envs (its plug-in's batched form, then the
            // env made one by one), once they are made, and before each step
            StopAt whileEnvsStart = new StopAt(out, 2);
            assertThat(c.collect(out, 3, 1, 7, random, whileEnvsStart)).isZero();
            assertThat(whileEnvsStart.folderAtWriting).isEmpty();
            assertThat(out).doesNotExist();

            StopAt beforeTheFirst = new StopAt(out, 5); // at the first step
            assertThat(c.collect(out, 3, 1, 7, random, beforeTheFirst)).isZero();
            assertThat(beforeTheFirst.folderAtWriting).containsExactly(false);
            try (java.util.stream.Stream<Path> files = Files.list(out)) { // no episode, nothing half-written
                assertThat(files).containsExactly(DatasetLayout.index(out));
            }

            StopAt afterOne = new StopAt(out, -1); // once an episode is written
            assertThat(c.collect(out, 3, 1, 7, random, afterOne)).isEqualTo(1);
            assertThat(afterOne.folderAtWriting).containsExactly(true); // the index the stop above left
            assertThat(new DatasetReader(out).readAll()).hasSize(1);

            StopAt existing = new StopAt(out, 2); // an existing dataset: opened first, told before
            assertThat(c.collect(out, 3, 1, 7, random, existing)).isZero();
            assertThat(existing.folderAtWriting).containsExactly(true);
            assertThat(new DatasetReader(out).readAll()).hasSize(1);

            assertThat(c.collect(out, 3, 1, 7, random, null)).isEqualTo(2);
            assertThat(new DatasetReader(out).readAll()).hasSize(3);
        }
    }

    /** A task that cannot be made (its Python environment missing) is refused before the folder gets an index. */
    @Test
    void anUnavailableTaskLeavesNoDatasetBehind(@TempDir Path dir) {
        TaskSpec absent = new TaskSpec("absent/task", List.of(), Box.unbounded(2), Box.of(1, -1, 1), 10, 1,
                SuccessMetric.RETURN, false);
        EnvProvider provider = new EnvProvider() {
            @Override
            public String domain() {
                return "absent";
            }

            @Override
            public List<TaskSpec> tasks() {
                return List.of(absent);
            }

            @Override
            public Availability availability() {
                return Availability.unavailable("its Python environment is missing", "tdmpc2j setup absent");
            }

            @Override
            public Env create(TaskSpec task, EnvOptions options) {
                throw new AssertionError("not available");
            }
        };
        try (EnvRegistry registry = EnvRegistry.of(List.of(provider, new PointProvider()))) {
            Collector c = new Collector(registry, List.of("point/reach", "absent/task"), DatasetPolicy.RANDOM);
            Path out = dir.resolve("data");
            assertThatThrownBy(() -> c.collect(out, 1, 1, 7,
                    () -> Agents.find("random").create(c.agentContext(Map.of(), 1)), null))
                    .isInstanceOf(EnvUnavailableException.class).hasMessageContaining("tdmpc2j setup absent");
            assertThat(out).doesNotExist();
        }
    }

    /** A resumed collection must be the same collection: the same seed and policy, or the folder is refused. */
    @Test
    void anotherSeedOrPolicyIsRefusedRatherThanMixedIn(@TempDir Path out) throws IOException {
        try (EnvRegistry registry = EnvRegistry.discover()) {
            collect(registry, out, 2, 2); // seed 7, random
            String index = Files.readString(DatasetLayout.index(out));
            assertThat(new DatasetReader(out).index().seed()).isEqualTo(7L);

            Collector same = new Collector(registry, TASKS, DatasetPolicy.RANDOM);
            assertThatThrownBy(() -> same.open(out, 8)).isInstanceOf(DatasetException.class)
                    .hasMessageContaining("collected with --seed 7, not --seed 8")
                    .hasMessageContaining("another --out folder, or give --seed 7");
            DatasetPolicy checkpoint = new DatasetPolicy(out.resolveSibling("ckpt").toString(), 300L, "d1");
            Collector other = new Collector(registry, TASKS, checkpoint);
            assertThatThrownBy(() -> other.open(out, 7)).isInstanceOf(DatasetException.class)
                    .hasMessageContaining("holds episodes of the random policy, not of the checkpoint "
                            + out.resolveSibling("ckpt") + " (step 300)")
                    .hasMessageContaining("give --policy random");
            assertThat(Files.readString(DatasetLayout.index(out))).isEqualTo(index);
            assertThat(new DatasetReader(out).readAll()).hasSize(4);
            assertThat(same.open(out, 7).has(1, 1)).isTrue();
        }
    }

    @Test
    void aCheckpointPolicyIsKnownByItsFiles(@TempDir Path dir) throws IOException {
        try (EnvRegistry registry = EnvRegistry.discover()) {
            Path out = dir.resolve("data");
            String ckpt = dir.resolve("run/checkpoint").toString();
            new Collector(registry, TASKS, new DatasetPolicy(ckpt, 100L, "d1")).open(out, 3);
            // the same files moved elsewhere: the same policy
            new Collector(registry, TASKS, new DatasetPolicy(dir.resolve("moved").toString(), 100L, "d1")).open(out, 3);
            // the same folder after more training: another policy
            Collector later = new Collector(registry, TASKS, new DatasetPolicy(ckpt, 200L, "d2"));
            assertThatThrownBy(() -> later.open(out, 3)).isInstanceOf(DatasetException.class)
                    .hasMessageContaining("holds episodes of the checkpoint " + ckpt + " (step 100), and the checkpoint "
                            + "in that folder has changed since (step 200 now, other files)");
            assertThat(new DatasetReader(out).index().policyDigest()).isEqualTo("d1");
        }
    }

    /** A dataset of version 1 recorded neither: its seed is read from an episode, and then recorded. */
    @Test
    void anOlderIndexIsCheckedByItsEpisodesThenRecordsTheSeed(@TempDir Path out) throws IOException {
        try (EnvRegistry registry = EnvRegistry.discover()) {
            collect(registry, out, 1, 1); // seed 7
            Path file = DatasetLayout.index(out);
            String now = Files.readString(file);
            String v1 = now.replace("\"version\" : " + DatasetLayout.VERSION, "\"version\" : 1")
                    .replaceAll(",\\s*\"policyStep\" : null", "").replaceAll(",\\s*\"policyDigest\" : null", "")
                    .replaceAll(",\\s*\"seed\" : 7", "").replaceAll(",\\s*\"revision\" : 1", "");
            assertThat(v1).doesNotContain("seed").doesNotContain("policyStep").doesNotContain("revision")
                    .contains("\"version\" : 1");
            Files.writeString(file, v1);
            assertThat(new DatasetReader(out).index().seed()).isNull();

            Collector c = new Collector(registry, TASKS, DatasetPolicy.RANDOM);
            assertThatThrownBy(() -> c.open(out, 1)).isInstanceOf(DatasetException.class)
                    .hasMessageContaining("collected with --seed 7 (read from its episode files), not --seed 1");
            assertThat(Files.readString(file)).isEqualTo(v1);
            assertThat(collect(registry, out, 2, 1)).isEqualTo(2);
            assertThat(new DatasetReader(out).index().seed()).isEqualTo(7L);
            assertThat(new DatasetReader(out).index().version()).isEqualTo(DatasetLayout.VERSION);
            // and the revision of each task, which an index of version 2 or before did not record
            assertThat(new DatasetReader(out).index().revisions()).isNotNull().doesNotContainValue(null)
                    .containsOnlyKeys(new DatasetReader(out).index().taskIds());
        }
    }

    @Test
    void numpyReadsTheDatasetWithNoCodeOfOurs(@TempDir Path out) throws Exception {
        Path python = PythonWithNumpy.find();
        if (python == null) {
            System.out.println("SKIPPED numpyReadsTheDatasetWithNoCodeOfOurs: no Python with numpy found ("
                    + PythonWithNumpy.WHERE + "); ./scripts/test makes one");
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "no Python with numpy");
        }
        try (EnvRegistry registry = EnvRegistry.discover()) {
            collect(registry, out, 2, 2);
        }
        String script = String.join("\n",
                "import json, glob, sys, numpy as np",
                "root = sys.argv[1]",
                "index = json.load(open(root + '/dataset.json'))",
                "files = sorted(glob.glob(root + '/episodes/*/*/episode-*.npz'))",
                "total = 0.0",
                "for f in files:",
                "    ep = np.load(f)",
                "    t = ep['action'].shape[0]",
                "    assert ep['observation'].shape == (t + 1, index['observationSize'])",
                "    assert ep['observation'].dtype == np.float32 and ep['terminated'].dtype == np.bool_",
                "    total += float(ep['reward'].astype(np.float64).sum())",
                "print(len(files), [t['id'] for t in index['tasks']], '%.3f' % total)");
        Path py = out.resolve("read.py");
        Files.writeString(py, script);
        Process p = new ProcessBuilder(python.toString(), py.toString(), out.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.exitValue()).as(printed).isZero();

        double javaTotal = 0;
        for (Episode e : new DatasetReader(out).readAll()) {
            for (float r : e.rewards()) {
                javaTotal += r;
            }
        }
        assertThat(printed).isEqualTo("4 ['classic/pendulum', 'point/reach'] " + String.format("%.3f", javaTotal));
    }

    /** Finds a Python that has numpy: the project's Python environments, else python3. */
    static final class PythonWithNumpy {
        static final String WHERE = "TDMPC2J_VENVS or ~/.cache/tdmpc2j/venvs/{gymnasium,dmc}, python3";

        static Path find() {
            String venvs = System.getenv().getOrDefault("TDMPC2J_VENVS",
                    System.getProperty("user.home") + "/.cache/tdmpc2j/venvs");
            for (String candidate : List.of(venvs + "/gymnasium/bin/python", venvs + "/dmc/bin/python", "python3")) {
                try {
                    Process p = new ProcessBuilder(candidate, "-c", "import numpy").redirectErrorStream(true).start();
                    if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                        return Path.of(candidate);
                    }
                } catch (IOException | InterruptedException e) {
                    // not this one
                }
            }
            return null;
        }
    }
}
