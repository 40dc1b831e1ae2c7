package io.github.tdmpc2j.mujoco;

import io.github.tdmpc2j.mujoco.raw.global.mujoco;
import io.github.tdmpc2j.mujoco.raw.mjModel;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Owns a native mjModel. It is deleted when the last owner lets go: the MjModel itself and every
 * MjData made from it each hold one reference, so a model closed while its datas are open stays
 * alive until they close too.
 */
final class ModelHandle {
    final mjModel pointer;
    private final AtomicInteger references = new AtomicInteger(1);

    ModelHandle(mjModel pointer) {
        this.pointer = pointer;
        LiveCounts.MODELS.incrementAndGet();
    }

    /** Adds a reference unless the model is already deleted. */
    boolean tryRetain() {
        int n;
        do {
            n = references.get();
            if (n == 0) {
                return false;
            }
        } while (!references.compareAndSet(n, n + 1));
        return true;
    }

    void release() {
        if (references.decrementAndGet() == 0) {
            mujoco.tdmpc2j_delete_model(pointer);
            LiveCounts.MODELS.decrementAndGet();
        }
    }
}
