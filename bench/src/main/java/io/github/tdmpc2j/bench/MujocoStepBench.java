package io.github.tdmpc2j.bench;

import io.github.tdmpc2j.mujoco.MjData;
import io.github.tdmpc2j.mujoco.MjModel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.DoubleBuffer;
import java.nio.file.Path;

/**
 * Steps per second of the plain Java loop over the MuJoCo binding: random ctrl, step(), read qpos
 * and qvel through the views, reset every 1000 steps. bench/mujoco/step_loop.c is the same loop in
 * C (same generator, so the same trajectory and checksum); bench/mujoco/run.sh runs both.
 *
 * <p>usage: MujocoStepBench MODEL.xml STEPS REPEATS SEED -> one line per repeat: steps_per_wall_second checksum_bits_hex steps_per_cpu_second
 */
public final class MujocoStepBench {
    private long rngState;

    public static void main(String[] args) {
        if (args.length != 4) {
            System.err.println("usage: MujocoStepBench MODEL.xml STEPS REPEATS SEED");
            System.exit(2);
        }
        Path model = Path.of(args[0]);
        long steps = Long.parseLong(args[1]);
        int repeats = Integer.parseInt(args[2]);
        long seed = Long.parseUnsignedLong(args[3]);
        new MujocoStepBench().run(model, steps, repeats, seed);
    }

    private void run(Path file, long steps, int repeats, long seed) {
        try (MjModel model = MjModel.fromFile(file); MjData data = model.makeData()) {
            loop(model, data, Math.min(steps, 50_000), seed); // JIT warm-up, not reported
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            for (int r = 0; r < repeats; r++) {
                long start = System.nanoTime();
                long startCpu = threads.getCurrentThreadCpuTime();
                double checksum = loop(model, data, steps, seed);
                double elapsed = (System.nanoTime() - start) * 1e-9;
                double elapsedCpu = (threads.getCurrentThreadCpuTime() - startCpu) * 1e-9;
                System.out.printf("%.1f %016x %.1f%n", steps / elapsed, Double.doubleToRawLongBits(checksum),
                        steps / elapsedCpu);
            }
        }
    }

    private double loop(MjModel model, MjData data, long steps, long seed) {
        rngState = seed;
        DoubleBuffer ctrl = data.ctrl(), qpos = data.qpos(), qvel = data.qvel();
        int nu = model.nu(), nq = model.nq(), nv = model.nv();
        double checksum = 0;
        for (long i = 0; i < steps; i++) {
            if (i % 1000 == 0) {
                data.resetData();
            }
            for (int a = 0; a < nu; a++) {
                ctrl.put(a, 2 * nextUniform() - 1);
            }
            data.step();
            for (int j = 0; j < nq; j++) {
                checksum += qpos.get(j);
            }
            for (int j = 0; j < nv; j++) {
                checksum += qvel.get(j);
            }
        }
        return checksum;
    }

    /** splitmix64, uniform in [0, 1): the same generator as step_loop.c. */
    private double nextUniform() {
        long z = (rngState += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-53;
    }
}
