package io.github.tdmpc2j.bench;

import io.github.tdmpc2j.mujoco.MjData;
import io.github.tdmpc2j.mujoco.MjModel;
import java.nio.file.Path;

/**
 * The fixed cost the binding adds to each call, without physics: {@code step(0)} crosses JNI,
 * arms the error guard, snapshots and compares the warning counters, and returns. Compare it with
 * a step's cost from MujocoStepBench.
 *
 * <p>usage: MujocoCallOverheadBench MODEL.xml CALLS REPEATS -> one line per repeat: ns per step(0) call
 */
public final class MujocoCallOverheadBench {
    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: MujocoCallOverheadBench MODEL.xml CALLS REPEATS");
            System.exit(2);
        }
        int calls = Integer.parseInt(args[1]);
        int repeats = Integer.parseInt(args[2]);
        try (MjModel model = MjModel.fromFile(Path.of(args[0])); MjData data = model.makeData()) {
            for (int i = 0; i < calls; i++) {
                data.step(0); // warm-up
            }
            for (int r = 0; r < repeats; r++) {
                long start = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    data.step(0);
                }
                System.out.printf("%.1f%n", (System.nanoTime() - start) / (double) calls);
            }
        }
    }
}
