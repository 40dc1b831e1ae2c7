package io.github.tdmpc2j.mujoco;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LifecycleTest {

    @Test
    void aClosedModelRejectsEveryCall() {
        MjModel model = MjModel.fromXml(TestModels.CARTPOLE);
        model.close();
        model.close(); // idempotent
        assertThat(model.isClosed()).isTrue();
        assertThatThrownBy(model::nq).isInstanceOf(MujocoClosedException.class).hasMessageContaining("MjModel");
        assertThatThrownBy(model::qpos0).isInstanceOf(MujocoClosedException.class);
        assertThatThrownBy(model::raw).isInstanceOf(MujocoClosedException.class);
        assertThatThrownBy(() -> model.jointId("hinge")).isInstanceOf(MujocoClosedException.class);
        assertThatThrownBy(model::makeData).isInstanceOf(MujocoClosedException.class);
    }

    @Test
    void aClosedDataRejectsEveryCall() {
        try (MjModel model = MjModel.fromXml(TestModels.CARTPOLE)) {
            MjData data = model.makeData();
            data.close();
            data.close();
            assertThatThrownBy(data::step).isInstanceOf(MujocoClosedException.class).hasMessageContaining("MjData");
            assertThatThrownBy(() -> data.step(3)).isInstanceOf(MujocoClosedException.class);
            assertThatThrownBy(data::step1).isInstanceOf(MujocoClosedException.class);
            assertThatThrownBy(data::forward).isInstanceOf(MujocoClosedException.class);
            assertThatThrownBy(data::resetData).isInstanceOf(MujocoClosedException.class);
            assertThatThrownBy(data::qpos).isInstanceOf(MujocoClosedException.class);
            assertThatThrownBy(data::time).isInstanceOf(MujocoClosedException.class);
            assertThatThrownBy(data::warnings).isInstanceOf(MujocoClosedException.class);
            assertThat(model.nq()).as("the model is unaffected").isEqualTo(2);
        }
    }

    @Test
    void aDataKeepsItsModelAliveAfterTheModelIsClosed() {
        MjModel model = MjModel.fromXml(TestModels.CARTPOLE);
        MjData data = model.makeData();
        model.close();
        data.ctrl().put(0, 0.5);
        data.step(100);
        assertThat(data.qpos().get(0)).isGreaterThan(0.0);
        assertThat(data.model()).isSameAs(model);
        data.close();
    }

    @Test
    void negativeStepCountIsRejected() {
        try (MjModel model = MjModel.fromXml(TestModels.CARTPOLE); MjData data = model.makeData()) {
            assertThatThrownBy(() -> data.step(-1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void thousandCreateCloseCyclesKeepResidentMemoryFlat() throws IOException {
        // Bound: after 300 warm-up cycles, 1,000 more load/make/step/close cycles grow the
        // resident set by less than 20 MB (a leak of one walker model + data per cycle would be
        // several hundred MB). The heap is capped (-Xmx512m in the pom) and collected before each
        // reading so that the Java heap's own growth does not count. A separate 30,000-cycle run
        // stayed within 2 MB after its first 3,000 cycles.
        String xml = Files.readString(Path.of("src/test/resources/models/planar_walker.xml"));
        for (int i = 0; i < 300; i++) {
            cycle(xml);
        }
        System.gc();
        long before = residentKb();
        for (int i = 0; i < 1000; i++) {
            cycle(xml);
        }
        System.gc();
        long after = residentKb();
        System.out.printf("LifecycleTest: VmRSS %d kB -> %d kB over 1000 cycles (%+d kB)%n", before, after, after - before);
        assertThat(after - before).isLessThan(20 * 1024);
    }

    @Test
    void theCleanerFreesWhatWasNeverClosed() throws Exception {
        String xml = Files.readString(Path.of("src/test/resources/models/planar_walker.xml"));
        int modelsBefore = LiveCounts.MODELS.get(), datasBefore = LiveCounts.DATAS.get();
        // held until counted: a collection during the loop (or one the JIT allows once the last data is no longer
        // read) may free what was made, and unclosed leftovers of earlier tests too, so that "more than before"
        // held only when no collection came in between
        List<MjData> made = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            MjModel model = MjModel.fromXml(xml);
            MjData data = model.makeData();
            data.step(1);
            made.add(data);
        }
        assertThat(LiveCounts.DATAS.get()).as("native datas, each counted until freed").isGreaterThanOrEqualTo(300);
        assertThat(LiveCounts.MODELS.get()).as("native models, kept by their datas").isGreaterThanOrEqualTo(300);
        Reference.reachabilityFence(made);
        made = null; // from here on nothing made above is reachable
        // the Cleaner frees them once a collection found them unreachable: wait for that (up to 60 s), not a time
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while ((LiveCounts.MODELS.get() > modelsBefore || LiveCounts.DATAS.get() > datasBefore)
                && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(100);
        }
        // "at most": garbage left by earlier tests may be freed meanwhile too
        assertThat(LiveCounts.DATAS.get()).as("native datas left").isLessThanOrEqualTo(datasBefore);
        assertThat(LiveCounts.MODELS.get()).as("native models left").isLessThanOrEqualTo(modelsBefore);
    }

    @Test
    void closingFreesAtOnceAndAModelWaitsForItsData() {
        int modelsBefore = LiveCounts.MODELS.get(), datasBefore = LiveCounts.DATAS.get();
        MjModel model = MjModel.fromXml(TestModels.CARTPOLE);
        MjData data = model.makeData();
        assertThat(LiveCounts.MODELS.get()).isEqualTo(modelsBefore + 1);
        assertThat(LiveCounts.DATAS.get()).isEqualTo(datasBefore + 1);
        model.close();
        assertThat(LiveCounts.MODELS.get()).as("kept for its data").isEqualTo(modelsBefore + 1);
        data.close();
        assertThat(LiveCounts.DATAS.get()).isEqualTo(datasBefore);
        assertThat(LiveCounts.MODELS.get()).isEqualTo(modelsBefore);
    }

    private static void cycle(String xml) {
        try (MjModel model = MjModel.fromXml(xml); MjData data = model.makeData()) {
            data.step(10);
        }
    }

    private static long residentKb() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(line -> line.startsWith("VmRSS:"))
                .map(line -> Long.parseLong(line.replaceAll("\\D", "")))
                .findFirst()
                .orElseThrow();
    }
}
