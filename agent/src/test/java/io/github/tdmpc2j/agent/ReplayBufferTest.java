package io.github.tdmpc2j.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReplayBufferTest {
    /**
     * A buffer_size whose observations would not fit one Java array is taken (its columns are segmented; it was
     * refused with the largest that fits one array, 55 million steps of mt80's): the heap is its limit, and a
     * buffer allocates only the steps it holds.
     */
    @Test
    void aBufferLargerThanAJavaArrayHoldsIsTaken() {
        int beyond = (Integer.MAX_VALUE - 8) / 223 + 1;
        assertThat(new ReplayBuffer(beyond, 223, 38).capacity()).isEqualTo(beyond);
        assertThat(new ReplayBuffer(Integer.MAX_VALUE, 39, 6).capacity()).isEqualTo(Integer.MAX_VALUE);
        // the columns' segments: a power of two rows, 2^24 values at most, one row at the least
        assertThat(Column.segmentRows(39)).isEqualTo(1 << 18);
        assertThat(Column.segmentRows(1)).isEqualTo(1 << 24);
        assertThat(Column.segmentRows(1 << 25)).isEqualTo(1);
        assertThatThrownBy(() -> new ReplayBuffer(100, 3, 2, 12)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("power of two");
    }

    /**
     * A dataset of more steps than any buffer_size (an int) can hold is refused with what to do, not with a
     * buffer_size to give that no setting can take.
     */
    @Test
    void aDatasetBeyondTheLargestBufferSizeIsRefusedWithWhatToDo() {
        io.github.tdmpc2j.spi.agent.AgentContext context = AgentTestSupport.single(39, 6,
                java.util.Map.of("preset", "cpu", "buffer_size", String.valueOf(Integer.MAX_VALUE)));
        assertThatThrownBy(() -> TdmpcAgent.checkOfflineRun(context, 3_000_000_000L, Long.MAX_VALUE))
                .isInstanceOf(ConfigException.class).hasMessageContaining("the dataset holds 3000000000 steps, more "
                        + "than the largest buffer_size (2147483647 steps)").hasMessageContaining("train on a part")
                .hasMessageNotContaining("--set-param buffer_size=3000000000");
    }

    /**
     * A buffer whose segments hold a few steps (rows on many segments, the ring wrapping at a segment's middle,
     * the last segment partly filled, growth across segment borders) holds what the one-array layout held: the
     * same batches for the same seed, the same export, and the same file, which restores bit for bit into either
     * layout and goes on alike after more steps (a resumed run).
     */
    @Test
    void aBufferInSmallSegmentsActsAsOneArray(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        for (int[] sizes : new int[][] {{37, 1}, {37, 4}, {3000, 16}, {3000, 512}}) {
            int capacity = sizes[0];
            int segment = sizes[1];
            // one segment: the one-array layout
            ReplayBuffer whole = new ReplayBuffer(capacity, 3, 2, Integer.highestOneBit(capacity) * 2);
            ReplayBuffer split = new ReplayBuffer(capacity, 3, 2, segment);
            java.util.Random r = new java.util.Random(capacity + segment);
            int steps = capacity + capacity / 3 + 5; // wraps the ring, away from a segment's border
            for (int i = 0; i < steps; i++) {
                var t = step(r, i % 3, i % 23 == 22, i % 11 == 10 && r.nextBoolean());
                whole.add(t);
                split.add(t);
                if (i == capacity / 2) { // half full: the growing buffer samples alike too
                    sameBatches(whole, split, i);
                }
            }
            sameBatches(whole, split, 7);
            // the export's views, copied out in pieces that start and end inside rows and segments
            var expected = copies(whole.export());
            split.export().forEach((name, values) -> {
                float[] pieces = new float[expected.get(name).data().length];
                for (int from = 0; from < pieces.length; from += 5) {
                    values.copy(from, pieces, from, Math.min(5, pieces.length - from));
                }
                assertThat(pieces).as(name).containsExactly(expected.get(name).data());
            });
            java.nio.file.Path wholeFile = dir.resolve("whole-" + capacity + "-" + segment + ".safetensors");
            java.nio.file.Path splitFile = dir.resolve("split-" + capacity + "-" + segment + ".safetensors");
            io.github.tdmpc2j.agent.checkpoint.SafeTensors.write(wholeFile, whole.export(), java.util.Map.of());
            io.github.tdmpc2j.agent.checkpoint.SafeTensors.write(splitFile, split.export(), java.util.Map.of());
            assertThat(splitFile).hasSameBinaryContentAs(wholeFile);
            // restored: a layout's file into the other, both written again the same, then more steps alike
            ReplayBuffer wholeBack = new ReplayBuffer(capacity, 3, 2, Integer.highestOneBit(capacity) * 2);
            ReplayBuffer splitBack = new ReplayBuffer(capacity, 3, 2, segment);
            try (var saved = io.github.tdmpc2j.agent.checkpoint.SafeTensors.Reader.open(wholeFile)) {
                splitBack.restore(saved);
            }
            try (var saved = io.github.tdmpc2j.agent.checkpoint.SafeTensors.Reader.open(splitFile)) {
                wholeBack.restore(saved);
            }
            java.nio.file.Path again = dir.resolve("again.safetensors");
            io.github.tdmpc2j.agent.checkpoint.SafeTensors.write(again, splitBack.export(), java.util.Map.of());
            assertThat(again).hasSameBinaryContentAs(wholeFile);
            for (int i = 0; i < capacity / 2 + 3; i++) {
                var t = step(r, 1, i % 19 == 18, false);
                wholeBack.add(t);
                splitBack.add(t);
            }
            sameBatches(wholeBack, splitBack, 11);
            io.github.tdmpc2j.agent.checkpoint.SafeTensors.write(again, splitBack.export(), java.util.Map.of());
            io.github.tdmpc2j.agent.checkpoint.SafeTensors.write(wholeFile, wholeBack.export(), java.util.Map.of());
            assertThat(again).hasSameBinaryContentAs(wholeFile);
        }
    }

    private static void sameBatches(ReplayBuffer expected, ReplayBuffer actual, long seed) {
        assertThat(actual.size()).isEqualTo(expected.size());
        for (int k = 0; k < 3; k++) {
            ReplayBuffer.Batch x = actual.sample(32, 3, new java.util.SplittableRandom(seed + k));
            ReplayBuffer.Batch y = expected.sample(32, 3, new java.util.SplittableRandom(seed + k));
            assertThat(x.obs()).containsExactly(y.obs());
            assertThat(x.action()).containsExactly(y.action());
            assertThat(x.reward()).containsExactly(y.reward());
            assertThat(x.terminated()).containsExactly(y.terminated());
            assertThat(x.task()).containsExactly(y.task());
        }
    }

    /** Episodes that ended before the horizon leave nothing to sample: a typed error saying what to lower. */
    @Test
    void episodesShorterThanTheHorizonAreATypedError() {
        ReplayBuffer buffer = new ReplayBuffer(1000, 2, 1);
        assertThatThrownBy(() -> buffer.sample(4, 3, new java.util.SplittableRandom(1)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("holds 0 steps, fewer than horizon=3");
        ReplayBuffer one = new ReplayBuffer(1000, 2, 1);
        one.add(new io.github.tdmpc2j.spi.agent.Transition(0, new float[2], new float[1], 0, new float[2], false,
                false));
        assertThatThrownBy(() -> one.sample(4, 3, new java.util.SplittableRandom(1)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("holds 1 step, fewer than horizon=3");
        for (int i = 0; i < 10; i++) { // five episodes of 2 steps, each terminated
            buffer.add(new io.github.tdmpc2j.spi.agent.Transition(0, new float[2], new float[1], 0,
                    new float[2], i % 2 == 1, false));
        }
        assertThat(buffer.canSample(3)).as("enough steps, none in one episode").isTrue();
        assertThatThrownBy(() -> buffer.sample(4, 3, new java.util.SplittableRandom(1)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("no sub-trajectory of horizon=3 steps")
                .hasMessageContaining("--set-param horizon=N");
        assertThat(buffer.sample(4, 2, new java.util.SplittableRandom(1)).size()).isEqualTo(4);
    }

    /**
     * The heap a buffer takes at its peak, as measured (bench/RESULTS.md, 2026-12-03): the segments it is grown to,
     * and at its growth within one segment the old segment beside its copy; no copy of the buffer at a checkpoint
     * (it is streamed out) and none of the whole buffer at a growth past a segment (it counted both: 1.3 to 1.7 times
     * what a run's buffer took); each array as G1 places it, a large one in whole regions of the heap.
     */
    @Test
    void thePeakHeapIsTheSegmentsAGrowthMakesAndCopies() {
        long mib = 1L << 20;
        long heap = 256 * mib; // 1 MiB regions
        // cartpole's sizes (5 and 1, 64 bytes a step), segments of 2^21 steps: 3,000,000 steps (the measured
        // dataset's and online run's) peak at the growth from 2^20 steps to 2^21, one segment copied into a longer
        // one: 3 x 2^20 steps, each array with its header in whole MiB (a 40 MiB one takes 41)
        assertThat(Column.segmentRows(5)).isEqualTo(1 << 21);
        assertThat(ReplayBuffer.peakBytes(3_000_000, 3_000_000, 5, 1, heap)).isEqualTo((135 + 71) * mib);
        assertThat(ReplayBuffer.peakBytes(3_000_000, 3_000_000, 5, 1, heap))
                .isBetween(3.0 * (1 << 20) * ReplayBuffer.rowBytes(5, 1), 1.08 * 3 * (1 << 20) * 64);
        // growing past whole segments copies none: 2^23 steps take their 4 segments alone, not 1.5 times them
        assertThat(ReplayBuffer.peakBytes(1 << 23, 1 << 23, 5, 1, heap)).isEqualTo(4 * 135 * mib);
        // a buffer_size between two of the doubling's sizes, within a segment: the old segment (2^20 steps) beside
        // the new of buffer_size steps (counted as 3/4 of the new one, it was short of what the growth took)
        assertThat(ReplayBuffer.peakBytes(2_000_000, 1_500_000, 5, 1, heap)).isEqualTo((94 + 71) * mib);
        // a short run fills little of a large buffer_size
        assertThat(ReplayBuffer.peakBytes(5_000, 1_000_000, 5, 1, heap)).isLessThan(mib);
        // G1's regions grow with the heap (to 32 MiB at 64 GiB and more): mt80's sizes (39 and 6), segments of
        // 2^18 steps whose observations (39 MiB) take two regions: 556 bytes a step, not the 356 its values take
        assertThat(ReplayBuffer.heapRegion(256 * mib)).isEqualTo(mib);
        assertThat(ReplayBuffer.heapRegion(4L << 30)).isEqualTo(2 * mib);
        assertThat(ReplayBuffer.heapRegion(300L << 30)).isEqualTo(32 * mib);
        long segments = 100L << 18;
        assertThat(ReplayBuffer.peakBytes(segments, (int) segments, 39, 6, 300L << 30) / segments)
                .isEqualTo(556.0, org.assertj.core.data.Offset.offset(0.1));
        assertThat(ReplayBuffer.rowBytes(39, 6)).isEqualTo(356);
    }

    /**
     * A run whose buffer would outgrow the heap is refused before it starts (it failed with an OutOfMemoryError
     * deep into the run, once the buffer had grown there), with the bytes it needs, an -Xmx that holds them and the
     * buffer_size that fits; what a run fills counts, not buffer_size: a short run with the default buffer passes.
     */
    @Test
    void aRunWhoseBufferOutgrowsTheHeapIsRefusedWithWhatFits() {
        long heap = 96L << 20;
        long machine = 16L << 30;
        // dog's sizes: 60,000 steps of 1.9 KiB grown to 65,536 (one segment), the 32,768 before beside them while
        // it grows, need 185 MiB (a checkpoint streams the buffer out: no copy of it)
        assertThatThrownBy(() -> ReplayBuffer.checkHeap(60_000, 1_000_000, 223, 38, 0, heap, machine, false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("the replay buffer of this run needs 185.4 MiB of Java heap (60000 steps")
                .hasMessageContaining("maximum heap of 96.0 MiB").hasMessageContaining("TDMPC2J_JAVA_OPTS=-Xmx251m")
                .hasMessageContaining("--set-param buffer_size=8192 or less");
        // what the message offers fits: that buffer_size in this heap, or that heap for the whole run
        ReplayBuffer.checkHeap(60_000, 8192, 223, 38, 0, heap, machine, false);
        assertThatThrownBy(() -> ReplayBuffer.checkHeap(60_000, 8193, 223, 38, 0, heap, machine, false))
                .isInstanceOf(ConfigException.class);
        ReplayBuffer.checkHeap(60_000, 1_000_000, 223, 38, 0, 251L << 20, machine, false);
        assertThatThrownBy(() -> ReplayBuffer.checkHeap(60_000, 1_000_000, 223, 38, 0, 249L << 20, machine, false))
                .isInstanceOf(ConfigException.class);
        // a short run fills little of a large buffer_size
        ReplayBuffer.checkHeap(5_000, 1_000_000, 223, 38, 0, heap, machine, false);
        // a heap beyond the machine's memory is not offered
        assertThatThrownBy(() -> ReplayBuffer.checkHeap(60_000, 1_000_000, 223, 38, 0, heap, 200L << 20, false))
                .hasMessageContaining("more than the machine's 200.0 MiB of memory")
                .hasMessageNotContaining("-Xmx").hasMessageContaining("buffer_size=8192 or less");
    }

    /**
     * A dataset's buffer (offline training) is checked against the heap before its episodes are read, with the same
     * advice but for a buffer that must hold every step: the -Xmx that holds them, never a smaller buffer_size;
     * its growth is counted as an online run's (whose checkpoints stream the buffer out, no copy of it).
     */
    @Test
    void aDatasetWhoseBufferOutgrowsTheHeapIsRefusedWithTheHeapThatHoldsIt() {
        long heap = 96L << 20;
        long machine = 16L << 30;
        // dog's sizes: 60,000 steps grown to 65,536 of 1.9 KiB, the 32,768 before beside them, need 185.4 MiB
        assertThatThrownBy(() -> ReplayBuffer.checkHeap(60_000, 1_000_000, 223, 38, 0, heap, machine, true))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("the replay buffer of this run needs 185.4 MiB of Java heap (the dataset's "
                        + "60000 steps of 1.9 KiB each").hasMessageContaining("maximum heap of 96.0 MiB")
                .hasMessageContaining("Offline training holds every step of its dataset: give the JVM more heap, "
                        + "TDMPC2J_JAVA_OPTS=-Xmx251m").hasMessageNotContaining("buffer_size=");
        ReplayBuffer.checkHeap(60_000, 1_000_000, 223, 38, 0, 251L << 20, machine, true);
        // the online run of as many steps needs as much: its checkpoints copy nothing (it was refused, counted with
        // a copy of the buffer that checkpoints no longer make)
        ReplayBuffer.checkHeap(60_000, 1_000_000, 223, 38, 0, 251L << 20, machine, false);
        assertThatThrownBy(() -> ReplayBuffer.checkHeap(60_000, 1_000_000, 223, 38, 0, heap, 200L << 20, true))
                .hasMessageContaining("60000 steps need more than the machine's 200.0 MiB of memory: train on a "
                        + "dataset of fewer episodes or tasks").hasMessageNotContaining("-Xmx")
                .hasMessageNotContaining("buffer_size=");
    }

    /**
     * Arrays the heap cannot hold when the buffer grows are a ConfigException saying what to do, and the buffer
     * keeps what it held (the OutOfMemoryError left the run to die with its stack trace).
     */
    @Test
    void aBufferThatCannotGrowIsATypedErrorAndKeepsItsSteps() {
        // 1024 steps of a million floats (4 GiB per array) is more than this test's heap (-Xmx4g): refused at once
        ReplayBuffer buffer = new ReplayBuffer(2000, 1_000_000, 1);
        var step = new io.github.tdmpc2j.spi.agent.Transition(0, new float[1_000_000], new float[1], 0,
                new float[1_000_000], false, false);
        assertThatThrownBy(() -> buffer.add(step)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("the Java heap").hasMessageContaining("is full: the replay buffer holds 0 "
                        + "steps and cannot grow to 1024").hasCauseInstanceOf(OutOfMemoryError.class);
        assertThat(buffer.size()).isZero();
        // a dataset's buffer (offline training) must hold every step: more heap is the way, not a smaller buffer_size
        buffer.keepEverything();
        assertThatThrownBy(() -> buffer.add(step)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("Offline training holds every step of its dataset")
                .hasMessageNotContaining("--set-param buffer_size=");
    }

    /**
     * A saved buffer is read back from its file a slice at a time into the buffer's arrays (it was read whole
     * first, a copy of the buffer beside it that the run's heap check did not count): the restored buffer is the
     * one its steps, added in order, make (the same samples, the same steps after more are added), and a smaller
     * capacity keeps the newest steps.
     */
    @Test
    void aSavedBufferIsStreamedBackAsItsStepsAddedInOrderMake(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        java.util.Random r = new java.util.Random(4);
        ReplayBuffer original = new ReplayBuffer(3000, 3, 2);
        for (int i = 0; i < 4100; i++) { // wraps the ring, grows past 1024 and 2048; episodes of 7 to 40 steps
            original.add(step(r, i % 2, i % 37 == 36, i % 7 == 6 && i % 37 != 36 && r.nextBoolean()));
        }
        java.nio.file.Path file = dir.resolve("buffer.safetensors");
        var exported = copies(original.export());
        io.github.tdmpc2j.agent.checkpoint.SafeTensors.write(file, exported, java.util.Map.of());
        for (int capacity : new int[] {3000, 5000, 1100}) {
            ReplayBuffer restored = new ReplayBuffer(capacity, 3, 2);
            int dropped;
            try (var saved = io.github.tdmpc2j.agent.checkpoint.SafeTensors.Reader.open(file)) {
                dropped = restored.restore(saved);
            }
            assertThat(dropped).isEqualTo(Math.max(0, 3000 - capacity));
            // the same steps added one by one: what the restore did before it streamed
            ReplayBuffer added = new ReplayBuffer(capacity, 3, 2);
            float[] o = exported.get("obs").data();
            float[] no = exported.get("next_obs").data();
            float[] a = exported.get("action").data();
            float[] ep = exported.get("episode").data();
            for (int i = dropped; i < 3000; i++) {
                boolean last = i == 2999 || ep[i + 1] != ep[i];
                boolean terminated = exported.get("terminated").data()[i] == 1f;
                added.add(new io.github.tdmpc2j.spi.agent.Transition((int) exported.get("task").data()[i],
                        java.util.Arrays.copyOfRange(o, 3 * i, 3 * i + 3), java.util.Arrays.copyOfRange(a, 2 * i,
                        2 * i + 2), exported.get("reward").data()[i], java.util.Arrays.copyOfRange(no, 3 * i,
                        3 * i + 3), terminated, last && !terminated));
            }
            assertThat(restored.size()).isEqualTo(added.size()).isEqualTo(Math.min(3000, capacity));
            for (int k = 0; k < 2; k++) {
                java.util.Random more = new java.util.Random(k);
                ReplayBuffer.Batch x = restored.sample(16, 3, new java.util.SplittableRandom(9 + k));
                ReplayBuffer.Batch y = added.sample(16, 3, new java.util.SplittableRandom(9 + k));
                assertThat(x.obs()).containsExactly(y.obs());
                assertThat(x.action()).containsExactly(y.action());
                assertThat(x.reward()).containsExactly(y.reward());
                assertThat(x.terminated()).containsExactly(y.terminated());
                assertThat(x.task()).containsExactly(y.task());
                // then more steps: both go on alike (the same ring position and episode numbering)
                for (int i = 0; i < 700; i++) {
                    var t = step(more, 1, i % 50 == 49, false);
                    restored.add(t);
                    added.add(t);
                }
            }
            var x = copies(restored.export());
            var y = copies(added.export());
            for (String column : x.keySet()) {
                assertThat(x.get(column).data()).as(column).containsExactly(y.get(column).data());
            }
        }
        // and the same capacity gives back the buffer saved
        ReplayBuffer same = new ReplayBuffer(3000, 3, 2);
        try (var saved = io.github.tdmpc2j.agent.checkpoint.SafeTensors.Reader.open(file)) {
            same.restore(saved);
        }
        var x = copies(same.export());
        for (String column : x.keySet()) {
            assertThat(x.get(column).data()).as(column).containsExactly(exported.get(column).data());
        }
    }

    /**
     * A saved buffer cut short, or without one of its columns, is refused when it is opened or before a step is
     * read (the streamed read checks the header against the file, as the whole read did).
     */
    @Test
    void aDamagedSavedBufferIsRefusedBeforeAStepIsRead(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        ReplayBuffer original = new ReplayBuffer(100, 3, 2);
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < 50; i++) {
            original.add(step(r, 0, i % 10 == 9, false));
        }
        java.nio.file.Path file = dir.resolve("buffer.safetensors");
        var exported = copies(original.export());
        io.github.tdmpc2j.agent.checkpoint.SafeTensors.write(file, exported, java.util.Map.of());
        byte[] whole = java.nio.file.Files.readAllBytes(file);
        java.nio.file.Files.write(file, java.util.Arrays.copyOf(whole, whole.length - 4));
        assertThatThrownBy(() -> io.github.tdmpc2j.agent.checkpoint.SafeTensors.Reader.open(file))
                .isInstanceOf(io.github.tdmpc2j.spi.agent.CheckpointException.class)
                .hasMessageContaining("is not a usable safetensors file").hasMessageContaining("(truncated?)");
        exported.remove("episode");
        io.github.tdmpc2j.agent.checkpoint.SafeTensors.write(file, exported, java.util.Map.of());
        ReplayBuffer restored = new ReplayBuffer(100, 3, 2);
        try (var saved = io.github.tdmpc2j.agent.checkpoint.SafeTensors.Reader.open(file)) {
            assertThatThrownBy(() -> restored.restore(saved)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("has no tensor 'episode'");
        }
        assertThat(restored.size()).isZero();
    }

    /** The tensors of an export, each copied into one array (export's are views of the buffer). */
    private static java.util.Map<String, io.github.tdmpc2j.agent.checkpoint.SafeTensors.Tensor> copies(
            java.util.Map<String, io.github.tdmpc2j.agent.checkpoint.SafeTensors.Values> exported) {
        var out = new java.util.LinkedHashMap<String, io.github.tdmpc2j.agent.checkpoint.SafeTensors.Tensor>();
        exported.forEach((name, values) -> {
            float[] data = new float[Math.toIntExact(values.shape()[0] * values.shape()[1])];
            values.copy(0, data, 0, data.length);
            out.put(name, new io.github.tdmpc2j.agent.checkpoint.SafeTensors.Tensor(values.shape(), data));
        });
        return out;
    }

    private static io.github.tdmpc2j.spi.agent.Transition step(java.util.Random r, int task, boolean truncated,
            boolean terminated) {
        float[] o = {r.nextFloat(), r.nextFloat(), r.nextFloat()};
        float[] no = {r.nextFloat(), r.nextFloat(), r.nextFloat()};
        return new io.github.tdmpc2j.spi.agent.Transition(task, o, new float[] {r.nextFloat(), r.nextFloat()},
                r.nextGaussian(), no, terminated, truncated);
    }
}
