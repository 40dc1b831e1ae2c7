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
        // the columns' segments: the rows whose values and header fill 32 MiB (a whole number of G1's regions,
        // which a power of two rows did not: 2^18 rows of 39 values, 39 MiB, took two 32 MiB regions), one at least
        assertThat(Column.segmentRows(39)).isEqualTo(215_085);
        assertThat(4L * 39 * Column.segmentRows(39) + 16).isBetween((32L << 20) - 1024 - 4 * 39, 32L << 20);
        assertThat(Column.segmentRows(1)).isEqualTo((1 << 23) - 256);
        assertThat(Column.segmentRows(1 << 25)).isEqualTo(1);
        assertThatThrownBy(() -> new ReplayBuffer(100, 3, 2, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a segment must hold a row or more");
    }

    /**
     * A step or a buffer that does not fit is a typed error saying what to give. Before: add(null) and a null
     * observation were NullPointerExceptions, an observation of another size an IllegalArgumentException ('transition
     * sizes obs 3, action 2 do not match the agent's 5 and 2'); a buffer of 0 steps was made, its first add an
     * ArithmeticException ('/ by zero').
     */
    @Test
    void aStepOrABufferThatDoesNotFitIsATypedError() {
        ReplayBuffer buffer = new ReplayBuffer(10, 5, 2);
        assertThatThrownBy(() -> buffer.add(null)).isInstanceOf(io.github.tdmpc2j.spi.TdmpcException.class)
                .hasMessage("the transition is null: pass the step to add, in the agent's space");
        assertThatThrownBy(() -> buffer.add(new io.github.tdmpc2j.spi.agent.Transition(0, new float[3], new float[2],
                0, new float[5], false, false)))
                .isInstanceOf(io.github.tdmpc2j.spi.agent.InvalidObservationException.class)
                .hasMessage("a transition with an observation of 3 values was added to a replay buffer of observations "
                        + "of 5: add steps in the agent's space (observations padded to its size, as MultitaskEnv "
                        + "gives them)");
        assertThatThrownBy(() -> buffer.add(new io.github.tdmpc2j.spi.agent.Transition(0, new float[5], new float[2],
                0, null, true, false))).isInstanceOf(io.github.tdmpc2j.spi.agent.InvalidObservationException.class)
                .hasMessageStartingWith("a transition with a null observation");
        assertThatThrownBy(() -> buffer.add(new io.github.tdmpc2j.spi.agent.Transition(0, new float[5], new float[3],
                0, new float[5], false, false))).isInstanceOf(io.github.tdmpc2j.spi.InvalidActionException.class)
                .hasMessageStartingWith("a transition with an action of 3 entries was added to a replay buffer of "
                        + "actions of 2");
        assertThat(buffer.size()).isZero();
        assertThatThrownBy(() -> new ReplayBuffer(0, 5, 2)).isInstanceOf(ConfigException.class)
                .hasMessage("a replay buffer of 0 steps, observations of 5 and actions of 2 holds nothing: give 1 or "
                        + "more of each (buffer_size, the agent's observation and action sizes)");
    }

    /**
     * A row's segment is a multiplication and a shift in place of a division (sampling was 5% slower with one):
     * the quotient exactly, for every row an int holds, whatever the segment's rows.
     */
    @Test
    void aRowsSegmentIsItsRowDividedByTheSegmentsRows() {
        java.util.SplittableRandom random = new java.util.SplittableRandom(5);
        for (int rows : new int[] {1, 2, 3, 5, 7, 1000, 1024, 37_615, 215_085, 349_514, 1_677_670, (1 << 23) - 256,
                12_345_677, 1 << 30, (1 << 30) + 1, Integer.MAX_VALUE - 1, Integer.MAX_VALUE}) {
            long multiplier = Column.divisionMultiplier(rows);
            int shift = Column.divisionShift(rows);
            java.util.function.IntConsumer exact = row -> assertThat((int) ((row * multiplier) >>> shift))
                    .as("%d / %d", row, rows).isEqualTo(row / rows);
            for (int i = 0; i < 200_000; i++) {
                exact.accept(random.nextInt(Integer.MAX_VALUE) + (random.nextBoolean() ? 1 : 0));
                exact.accept(random.nextInt((int) Math.min(Integer.MAX_VALUE, 4L * rows)));
            }
            // each segment's first and last rows, at the start and the end of an int's range
            for (long k = 1; k < 100; k++) {
                long top = Integer.MAX_VALUE;
                for (long row : new long[] {k * rows - 1, k * rows, top - k * rows, top - k * rows + 1,
                        top / rows * rows - k, top - k + 1}) {
                    if (row >= 0 && row <= Integer.MAX_VALUE) {
                        exact.accept((int) row);
                    }
                }
            }
        }
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
        // segments of a power of two rows and of others (the default's are not), the capacity a whole number of
        // them or not, the first segment grown by doubling then copied (2500: 1250, then 2500) or at once (300)
        for (int[] sizes : new int[][] {{37, 1}, {37, 4}, {37, 5}, {3000, 16}, {3000, 512}, {3000, 300},
                {3000, 1000}, {9000, 2500}}) {
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
     * and at the first segment's growth its old size beside its copy; no copy of the buffer at a checkpoint (it is
     * streamed out) and none at a growth past the first segment (a segment more, the others kept); each array as G1
     * places it, a large one in whole regions of the heap.
     */
    @Test
    void thePeakHeapIsTheSegmentsAGrowthMakesAndCopies() {
        long mib = 1L << 20;
        long heap = 256 * mib; // 1 MiB regions
        // cartpole's sizes (5 and 1, 64 bytes a step), segments of 1,677,670 steps (32 MiB of observations):
        // 3,000,000 steps (the measured dataset's and online run's) peak once grown, a whole segment and the last
        // one of the capacity's rest, each array with its header in whole MiB (105 and 87 MiB); the first
        // segment's growth, its half beside it, took less (162 MiB)
        assertThat(Column.segmentRows(5)).isEqualTo(1_677_670);
        assertThat(ReplayBuffer.peakBytes(3_000_000, 3_000_000, 5, 1, heap)).isEqualTo((105 + 87) * mib);
        assertThat(ReplayBuffer.peakBytes(3_000_000, 3_000_000, 5, 1, heap))
                .isBetween(3.0e6 * ReplayBuffer.rowBytes(5, 1), 1.05 * 3.0e6 * 64);
        // growing past the first segment copies none: 5 segments take themselves alone
        int segment = Column.segmentRows(5);
        assertThat(ReplayBuffer.peakBytes(5L * segment, 5 * segment, 5, 1, heap)).isEqualTo(5 * 105 * mib);
        // a buffer_size within the first segment: its size beside its half (94 and 48 MiB)
        assertThat(ReplayBuffer.peakBytes(2_000_000, 1_500_000, 5, 1, heap)).isEqualTo((94 + 48) * mib);
        // a short run fills little of a large buffer_size
        assertThat(ReplayBuffer.peakBytes(5_000, 1_000_000, 5, 1, heap)).isLessThan(mib);
        // G1's regions grow with the heap (to 32 MiB at 64 GiB and more): the segments of mt30's and mt80's sizes
        // (24 and 39 values, 6 an action) fill whole regions, so a step takes its values (236 and 356 bytes; a
        // power of two rows a segment took 300 and 556)
        assertThat(ReplayBuffer.heapRegion(256 * mib)).isEqualTo(mib);
        assertThat(ReplayBuffer.heapRegion(4L << 30)).isEqualTo(2 * mib);
        assertThat(ReplayBuffer.heapRegion(300L << 30)).isEqualTo(32 * mib);
        for (int obs : new int[] {24, 39}) {
            long steps = 100L * Column.segmentRows(obs);
            assertThat(ReplayBuffer.peakBytes(steps, (int) steps, obs, 6, 300L << 30) / steps)
                    .isEqualTo(ReplayBuffer.rowBytes(obs, 6), org.assertj.core.data.Offset.offset(0.02));
        }
        assertThat(ReplayBuffer.rowBytes(24, 6)).isEqualTo(236);
        assertThat(ReplayBuffer.rowBytes(39, 6)).isEqualTo(356);
        // the -Xmx named for the whole of mt30 and mt80 (345 and 545 million steps, README): the smallest whole GiB
        // that holds them (the count in the smaller regions of the heaps tried on the way named 90 and 210 GiB)
        long[][] datasets = {{345_000_000L, 24, 87}, {545_000_000L, 39, 207}};
        for (long[] d : datasets) {
            assertThat(ReplayBuffer.heapToGive(d[0], (int) d[0], (int) d[1], 6, 0)).isEqualTo(d[2] << 30);
            ReplayBuffer.checkHeap(d[0], (int) d[0], (int) d[1], 6, 0, d[2] << 30, Long.MAX_VALUE, true);
            assertThatThrownBy(() -> ReplayBuffer.checkHeap(d[0], (int) d[0], (int) d[1], 6, 0, (d[2] - 1) << 30,
                    Long.MAX_VALUE, true)).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("TDMPC2J_JAVA_OPTS=-Xmx" + d[2] + "g");
        }
    }

    /**
     * The buffer grows its first segment by doubling down from its full size (each size copied into the next), then
     * a segment at a time, none copied: what it allocates past the first segment is the steps it fills rounded up to
     * a segment (the doubling went on past it, up to twice the steps); and the heap a buffer_size needs grows with
     * it without jumps (sizes of 1024 times a power of two, each copied into the next, made 8193 steps need a
     * third more than 8192, and 32,769 a third more than 32,768: 30 MiB for one step).
     */
    @Test
    void theBufferGrowsASegmentAtATimePastTheFirstAndTheHeapItNeedsHasNoJumps() {
        int segment = Column.segmentRows(39);
        java.util.List<Long> sizes = new java.util.ArrayList<>();
        for (long size = 0; size < 1_000_000; ) {
            size = ReplayBuffer.nextSize(size, 1_000_000, segment);
            sizes.add(size);
        }
        assertThat(sizes).containsExactly(1681L, 3361L, 6722L, 13443L, 26886L, 53772L, 107543L, 215085L, 430170L,
                645255L, 860340L, 1_000_000L);
        // a run of 5.3M steps with buffer_size 10M: its steps rounded up to a segment, not 2^23
        assertThat(ReplayBuffer.allocatedFor(5_300_000, 10_000_000, segment)).isEqualTo(25L * segment)
                .isLessThan(5_300_000 + segment);
        assertThat(ReplayBuffer.peakBytes(5_300_000, 10_000_000, 39, 6, 300L << 30))
                .isEqualTo(25L * segment * 356, org.assertj.core.data.Offset.offset(25 * 7 * 32.0 * 1024));
        // the restored buffer grows to the size the steps reach, at once: it samples and exports as one grown step
        // by step (aSavedBufferIsStreamedBackAsItsStepsAddedInOrderMake)
        assertThat(ReplayBuffer.allocatedFor(3000, 1_000_000, segment)).isEqualTo(3361);
        assertThat(ReplayBuffer.allocatedFor(3000, 3000, segment)).isEqualTo(3000);
        assertThat(ReplayBuffer.allocatedFor(1000, 3000, segment)).isEqualTo(1500);
        // no jumps: from one buffer_size to the next the heap grows by what a step takes, with the copy of half of
        // it, and what the rounding to whole regions adds (dog's sizes, 1 MiB regions: seven columns, copied)
        double before = ReplayBuffer.peakBytes(Long.MAX_VALUE, 1, 223, 38, 96L << 20);
        for (int capacity = 2; capacity < 3 * Column.segmentRows(223); capacity++) {
            double peak = ReplayBuffer.peakBytes(Long.MAX_VALUE, capacity, 223, 38, 96L << 20);
            assertThat(peak - before).as("buffer_size %d", capacity).isBetween(0.0, 6.5 * (1 << 20));
            before = peak;
        }
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
        // dog's sizes: 60,000 steps of 1.9 KiB in two segments of 37,615 (32 MiB of observations each; the
        // second made beside the first, no copy) need 141.4 MiB (a checkpoint streams the buffer out: no copy)
        assertThatThrownBy(() -> ReplayBuffer.checkHeap(60_000, 1_000_000, 223, 38, 0, heap, machine, false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("the replay buffer of this run needs 141.4 MiB of Java heap (60000 steps")
                .hasMessageContaining("maximum heap of 96.0 MiB").hasMessageContaining("TDMPC2J_JAVA_OPTS=-Xmx207m")
                .hasMessageContaining("--set-param buffer_size=10579 or less");
        // what the message offers fits: the largest buffer_size in this heap (it was 8192, the next size copying
        // 8192 steps), or that heap for the whole run
        ReplayBuffer.checkHeap(60_000, 10_579, 223, 38, 0, heap, machine, false);
        assertThatThrownBy(() -> ReplayBuffer.checkHeap(60_000, 10_580, 223, 38, 0, heap, machine, false))
                .isInstanceOf(ConfigException.class);
        ReplayBuffer.checkHeap(60_000, 1_000_000, 223, 38, 0, 207L << 20, machine, false);
        assertThatThrownBy(() -> ReplayBuffer.checkHeap(60_000, 1_000_000, 223, 38, 0, 205L << 20, machine, false))
                .isInstanceOf(ConfigException.class);
        // a short run fills little of a large buffer_size
        ReplayBuffer.checkHeap(5_000, 1_000_000, 223, 38, 0, heap, machine, false);
        // a heap beyond the machine's memory is not offered
        assertThatThrownBy(() -> ReplayBuffer.checkHeap(60_000, 1_000_000, 223, 38, 0, heap, 200L << 20, false))
                .hasMessageContaining("more than the machine's 200.0 MiB of memory")
                .hasMessageNotContaining("-Xmx").hasMessageContaining("buffer_size=10579 or less");
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
        // dog's sizes: 60,000 steps of 1.9 KiB in two segments of 37,615 need 141.4 MiB
        assertThatThrownBy(() -> ReplayBuffer.checkHeap(60_000, 1_000_000, 223, 38, 0, heap, machine, true))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("the replay buffer of this run needs 141.4 MiB of Java heap (the dataset's "
                        + "60000 steps of 1.9 KiB each").hasMessageContaining("maximum heap of 96.0 MiB")
                .hasMessageContaining("Offline training holds every step of its dataset: give the JVM more heap, "
                        + "TDMPC2J_JAVA_OPTS=-Xmx207m").hasMessageNotContaining("buffer_size=");
        ReplayBuffer.checkHeap(60_000, 1_000_000, 223, 38, 0, 207L << 20, machine, true);
        // the online run of as many steps needs as much: its checkpoints copy nothing (it was refused, counted with
        // a copy of the buffer that checkpoints no longer make)
        ReplayBuffer.checkHeap(60_000, 1_000_000, 223, 38, 0, 207L << 20, machine, false);
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
        // a segment of 1024 steps of a million floats (4 GiB per array) is more than this test's heap (-Xmx4g):
        // refused at once (the default segment holds 8 such steps, 32 MiB)
        ReplayBuffer buffer = new ReplayBuffer(2000, 1_000_000, 1, 1024);
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
     * A saved buffer cut short, without one of its columns, or of other sizes, is refused when it is opened or before
     * a step is read (the streamed read checks the header against the file, as the whole read did), as a damaged
     * checkpoint file: naming the file and saying what to do.
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
            assertThatThrownBy(() -> restored.restore(saved))
                    .isInstanceOf(io.github.tdmpc2j.spi.agent.CheckpointException.class)
                    .hasMessage(file + " (the replay buffer) has no tensor 'episode': the checkpoint is damaged; put "
                            + "back a copy of it, or use another checkpoint");
        }
        assertThat(restored.size()).isZero();
        io.github.tdmpc2j.agent.checkpoint.SafeTensors.write(file, original.export(), java.util.Map.of());
        ReplayBuffer otherSizes = new ReplayBuffer(100, 4, 2);
        try (var saved = io.github.tdmpc2j.agent.checkpoint.SafeTensors.Reader.open(file)) {
            assertThatThrownBy(() -> otherSizes.restore(saved))
                    .isInstanceOf(io.github.tdmpc2j.spi.agent.CheckpointException.class)
                    .hasMessageStartingWith(file + " (the replay buffer) has 150 values in tensor 'obs' where its 50 "
                            + "steps of 4 make 200: the checkpoint is damaged");
        }
        assertThat(otherSizes.size()).isZero();
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
