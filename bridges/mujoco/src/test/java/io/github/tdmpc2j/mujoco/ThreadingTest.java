package io.github.tdmpc2j.mujoco;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.DoubleBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class ThreadingTest {
    private static final int STEPS = 3000;

    @Test
    void fourThreadsOnOneSharedModelMatchOneThreadBitForBit() throws Exception {
        try (MjModel model = MjModel.fromFile(Path.of("src/test/resources/models/planar_walker.xml"))) {
            long[] reference = trajectory(model, null);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<long[]>> runs = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    runs.add(pool.submit(() -> trajectory(model, start)));
                }
                start.countDown();
                for (Future<long[]> run : runs) {
                    assertThat(run.get()).containsExactly(reference);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void modelsLoadConcurrentlyAndLoadErrorsStayWithTheirThread() throws Exception {
        String good = java.nio.file.Files.readString(Path.of("src/test/resources/models/planar_walker.xml"));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> runs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                String attribute = "bogus" + t;
                runs.add(pool.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        try (MjModel model = MjModel.fromXml(good); MjData data = model.makeData()) {
                            data.step(5);
                        }
                        try {
                            MjModel.fromXml("<mujoco><worldbody><geom " + attribute + "='1'/></worldbody></mujoco>").close();
                            return "loaded an invalid model";
                        } catch (MujocoException e) {
                            if (!e.getMessage().contains("'" + attribute + "'")) {
                                return "got another thread's error: " + e.getMessage();
                            }
                        }
                    }
                    return "ok";
                }));
            }
            for (Future<String> run : runs) {
                assertThat(run.get()).isEqualTo("ok");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** The bits of qpos and qvel after every step of a fixed open-loop gait. */
    private static long[] trajectory(MjModel model, CountDownLatch start) throws InterruptedException, IOException {
        if (start != null) {
            start.await();
        }
        try (MjData data = model.makeData()) {
            DoubleBuffer ctrl = data.ctrl(), qpos = data.qpos(), qvel = data.qvel();
            int nq = model.nq(), nv = model.nv(), nu = model.nu();
            long[] bits = new long[STEPS * (nq + nv)];
            int k = 0;
            for (int i = 0; i < STEPS; i++) {
                for (int a = 0; a < nu; a++) {
                    ctrl.put(a, Math.sin(0.02 * i + a));
                }
                data.step();
                for (int j = 0; j < nq; j++) {
                    bits[k++] = Double.doubleToRawLongBits(qpos.get(j));
                }
                for (int j = 0; j < nv; j++) {
                    bits[k++] = Double.doubleToRawLongBits(qvel.get(j));
                }
            }
            assertThat(model.nq()).isEqualTo(9);
            return bits;
        }
    }
}
