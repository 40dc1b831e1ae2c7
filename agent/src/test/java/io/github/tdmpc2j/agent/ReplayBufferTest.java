package io.github.tdmpc2j.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReplayBufferTest {
    /**
     * A buffer_size whose observations would not fit one Java array is refused with the largest that does (the
     * ring's offsets overflowed an int once the buffer grew there).
     */
    @Test
    void aBufferLargerThanAJavaArrayHoldsIsRefused() {
        int largest = (Integer.MAX_VALUE - 8) / 223;
        assertThatThrownBy(() -> new ReplayBuffer(largest + 1, 223, 38)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("buffer_size=" + (largest + 1)).hasMessageContaining("largest buffer_size for "
                        + "these tasks is " + largest);
        assertThat(new ReplayBuffer(largest, 223, 38).capacity()).isEqualTo(largest);
    }

    /** Episodes that ended before the horizon leave nothing to sample: a typed error saying what to lower. */
    @Test
    void episodesShorterThanTheHorizonAreATypedError() {
        ReplayBuffer buffer = new ReplayBuffer(1000, 2, 1);
        assertThatThrownBy(() -> buffer.sample(4, 3, new java.util.SplittableRandom(1)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("holds 0 steps, fewer than horizon=3");
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
     * A run whose buffer would outgrow the heap is refused before it starts (it failed with an OutOfMemoryError
     * deep into the run, once the buffer had grown there), with the bytes it needs, an -Xmx that holds them and the
     * buffer_size that fits; what a run fills counts, not buffer_size: a short run with the default buffer passes.
     */
    @Test
    void aRunWhoseBufferOutgrowsTheHeapIsRefusedWithWhatFits() {
        long heap = 96L << 20;
        long machine = 16L << 30;
        // dog's sizes: 60,000 steps of 1.9 KiB, twice over at a checkpoint, need 234 MiB
        assertThatThrownBy(() -> ReplayBuffer.checkHeap(60_000, 1_000_000, 223, 38, 0, heap, machine))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("the replay buffer of this run needs 233.9 MiB of Java heap (60000 steps")
                .hasMessageContaining("maximum heap of 96.0 MiB").hasMessageContaining("TDMPC2J_JAVA_OPTS=-Xmx299m")
                .hasMessageContaining("--set-param buffer_size=8586 or less");
        // what the message offers fits: that buffer_size in this heap, or that heap for the whole run
        ReplayBuffer.checkHeap(60_000, 8586, 223, 38, 0, heap, machine);
        assertThatThrownBy(() -> ReplayBuffer.checkHeap(60_000, 8587, 223, 38, 0, heap, machine))
                .isInstanceOf(ConfigException.class);
        ReplayBuffer.checkHeap(60_000, 1_000_000, 223, 38, 0, 299L << 20, machine);
        // a short run fills little of a large buffer_size
        ReplayBuffer.checkHeap(5_000, 1_000_000, 223, 38, 0, heap, machine);
        // a heap beyond the machine's memory is not offered
        assertThatThrownBy(() -> ReplayBuffer.checkHeap(60_000, 1_000_000, 223, 38, 0, heap, 200L << 20))
                .hasMessageContaining("more than the machine's 200.0 MiB of memory")
                .hasMessageNotContaining("-Xmx").hasMessageContaining("buffer_size=8586 or less");
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
                .hasMessageContaining("Offline training holds every step of its dataset: give the JVM more heap, "
                        + "TDMPC2J_JAVA_OPTS=-Xmx").hasMessageNotContaining("--set-param buffer_size=");
    }
}
