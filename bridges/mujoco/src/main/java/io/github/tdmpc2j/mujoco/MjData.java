package io.github.tdmpc2j.mujoco;

import io.github.tdmpc2j.mujoco.raw.global.mujoco;
import io.github.tdmpc2j.mujoco.raw.mjData;
import io.github.tdmpc2j.mujoco.raw.mjModel;
import io.github.tdmpc2j.spi.Messages;
import java.lang.ref.Cleaner;
import java.nio.DoubleBuffer;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.bytedeco.javacpp.DoublePointer;

/**
 * The simulation state of one {@link MjModel} (mjData): qpos, qvel, ctrl, ... and everything
 * computed from them.
 *
 * <p>Threads: not thread-safe; give each thread its own MjData (they may share one MjModel).
 *
 * <p>Views: {@link #qpos()} and the other array accessors return DoubleBuffers over the native
 * arrays themselves (no copy): writes go straight into the simulation. Each call returns a new
 * buffer object with its own position, over the same memory; keep one per loop. They must not be
 * used after {@link #close()}.
 *
 * <p>Failures: an error inside MuJoCo becomes a {@link MujocoException} (the data is then reset).
 * When the simulation diverges, MuJoCo resets the state to the default pose and counts a
 * BAD_QPOS/BAD_QVEL/BAD_QACC warning; by default the call that saw it throws
 * {@link MujocoSimulationException} (see {@link #setThrowOnInstability}), so an episode never
 * continues silently from a reset state. A control that is NaN (or, on an actuator without ctrlrange
 * clamping, infinite or beyond 1e10) makes MuJoCo step without any control and count BAD_CTRL; by default
 * that call throws {@link MujocoException} too, so a step never runs silently without the controls it was given. Other warnings are only counted:
 * {@link #warnings()}.
 */
public final class MjData implements AutoCloseable {
    private static final int INSTABILITY_BITS = MjWarning.instabilityBits();
    private static final int BAD_CTRL_BIT = 1 << MjWarning.BAD_CTRL.index();

    private final MjModel model;
    private final mjModel modelPointer;
    private final mjData pointer;
    private final Cleaner.Cleanable cleanable;
    private boolean closed;
    private boolean throwOnInstability = true;

    private final DoubleBuffer qpos, qvel, qacc, ctrl, act, sensordata, xpos, xquat, xmat, geomXpos,
            geomXmat, siteXpos, siteXmat, subtreeCom, cvel, qfrcActuator, actuatorForce, qfrcApplied,
            xfrcApplied, mocapPos, mocapQuat, xipos, subtreeLinvel, cfrcExt;

    public MjData(MjModel model) {
        if (model == null) {
            throw new MujocoException("MjData needs a model; load one with MjModel.fromXml or MjModel.fromFile");
        }
        model.ensureOpen();
        ModelHandle handle = model.handle;
        if (!handle.tryRetain()) {
            throw new MujocoClosedException("MjModel");
        }
        mjData made = mujoco.tdmpc2j_make_data(handle.pointer);
        if (made == null || made.isNull()) {
            handle.release();
            throw new MujocoException("MuJoCo could not allocate the data for " + model + ": " + Native.lastError());
        }
        this.model = model;
        this.modelPointer = handle.pointer;
        this.pointer = made;
        LiveCounts.DATAS.incrementAndGet();
        this.cleanable = Native.CLEANER.register(this, new Release(made, handle));

        int nbody = model.nbody(), ngeom = model.ngeom(), nsite = model.nsite();
        qpos = Native.doubles(made.qpos(), model.nq());
        qvel = Native.doubles(made.qvel(), model.nv());
        qacc = Native.doubles(made.qacc(), model.nv());
        ctrl = Native.doubles(made.ctrl(), model.nu());
        act = Native.doubles(made.act(), model.na());
        sensordata = Native.doubles(made.sensordata(), model.nsensordata());
        xpos = Native.doubles(made.xpos(), 3L * nbody);
        xquat = Native.doubles(made.xquat(), 4L * nbody);
        xmat = Native.doubles(made.xmat(), 9L * nbody);
        geomXpos = Native.doubles(made.geom_xpos(), 3L * ngeom);
        geomXmat = Native.doubles(made.geom_xmat(), 9L * ngeom);
        siteXpos = Native.doubles(made.site_xpos(), 3L * nsite);
        siteXmat = Native.doubles(made.site_xmat(), 9L * nsite);
        subtreeCom = Native.doubles(made.subtree_com(), 3L * nbody);
        cvel = Native.doubles(made.cvel(), 6L * nbody);
        qfrcActuator = Native.doubles(made.qfrc_actuator(), model.nv());
        actuatorForce = Native.doubles(made.actuator_force(), model.nout());
        qfrcApplied = Native.doubles(made.qfrc_applied(), model.nv());
        xfrcApplied = Native.doubles(made.xfrc_applied(), 6L * nbody);
        int nmocap = Math.toIntExact(model.raw().nmocap());
        mocapPos = Native.doubles(made.mocap_pos(), 3L * nmocap);
        mocapQuat = Native.doubles(made.mocap_quat(), 4L * nmocap);
        xipos = Native.doubles(made.xipos(), 3L * nbody);
        subtreeLinvel = Native.doubles(made.subtree_linvel(), 3L * nbody);
        cfrcExt = Native.doubles(made.cfrc_ext(), 6L * nbody);
    }

    /** Frees the native data, then lets go of the model (which may free it too). */
    private record Release(mjData data, ModelHandle model) implements Runnable {
        @Override
        public void run() {
            mujoco.tdmpc2j_delete_data(data);
            LiveCounts.DATAS.decrementAndGet();
            model.release();
        }
    }

    public MjModel model() {
        return model;
    }

    /** One mj_step. */
    public void step() {
        ensureOpen();
        check(mujoco.tdmpc2j_step(modelPointer, pointer, 1), "mj_step");
    }

    /** n mj_steps in one native call. */
    public void step(int n) {
        ensureOpen();
        if (n < 0) {
            throw new IllegalArgumentException("step count must be >= 0, got " + n);
        }
        check(mujoco.tdmpc2j_step(modelPointer, pointer, n), "mj_step");
    }

    /** mj_step1: position and velocity dependent stages, up to before the control is applied. */
    public void step1() {
        ensureOpen();
        check(mujoco.tdmpc2j_step1(modelPointer, pointer), "mj_step1");
    }

    /** mj_step2: the rest of the step after mj_step1, using the current ctrl. */
    public void step2() {
        ensureOpen();
        check(mujoco.tdmpc2j_step2(modelPointer, pointer), "mj_step2");
    }

    /** mj_forward: computes everything derived from the state without integrating. */
    public void forward() {
        ensureOpen();
        check(mujoco.tdmpc2j_forward(modelPointer, pointer), "mj_forward");
    }

    /** mj_resetData: the default state (qpos0, zero velocity, time 0) and zeroed warning counters. */
    public void resetData() {
        ensureOpen();
        int result = mujoco.tdmpc2j_reset_data(modelPointer, pointer);
        if (result == mujoco.TDMPC2J_ERROR) {
            throw new MujocoException("MuJoCo error in mj_resetData: " + Native.lastError());
        }
    }

    /** mj_resetDataKeyframe: the state stored in the model's keyframe {@code key}. */
    public void resetDataKeyframe(int key) {
        ensureOpen();
        int nkey = Math.toIntExact(modelPointer.nkey());
        if (key < 0 || key >= nkey) {
            throw new MujocoException("keyframe " + key + " does not exist; the model has "
                    + Messages.plural(nkey, "keyframe"));
        }
        check(mujoco.tdmpc2j_reset_data_keyframe(modelPointer, pointer, key), "mj_resetDataKeyframe");
    }

    /** mj_kinematics: body, geom and site poses from qpos alone (cheaper than forward()). */
    public void kinematics() {
        ensureOpen();
        check(mujoco.tdmpc2j_kinematics(modelPointer, pointer), "mj_kinematics");
    }

    /**
     * mj_setConst: recomputes the model's derived constants (qpos0-dependent quantities, body
     * masses and inertias, ...) after model fields were edited through {@code model().raw()}.
     * It writes into the model: no other thread may be using the same model meanwhile.
     */
    public void setConst() {
        ensureOpen();
        model.ensureOpen();
        check(mujoco.tdmpc2j_set_const(modelPointer, pointer), "mj_setConst");
    }

    /**
     * mj_contactForce: the force of contact {@code contact} (in [0, ncon())) in its contact frame:
     * normal force, two tangential forces, then three torques.
     */
    public double[] contactForce(int contact) {
        ensureOpen();
        int ncon = pointer.ncon();
        if (contact < 0 || contact >= ncon) {
            throw new MujocoException("contact " + contact + " does not exist; there "
                    + Messages.word(ncon, "is ", "are ") + Messages.plural(ncon, "contact") + " now");
        }
        try (DoublePointer result = new DoublePointer(6)) {
            check(mujoco.tdmpc2j_contact_force(modelPointer, pointer, contact, result), "mj_contactForce");
            double[] force = new double[6];
            result.get(force);
            return force;
        }
    }

    public double time() {
        ensureOpen();
        return pointer.time();
    }

    public void setTime(double time) {
        ensureOpen();
        pointer.time(time);
    }

    /**
     * Whether a diverging simulation throws {@link MujocoSimulationException}, and controls MuJoCo refused (NaN,
     * infinite, beyond 1e10) a {@link MujocoException} (default true); false leaves both to {@link #warnings()}.
     */
    public void setThrowOnInstability(boolean throwOnInstability) {
        this.throwOnInstability = throwOnInstability;
    }

    /** The warning counters since the last reset. */
    public MjWarnings warnings() {
        ensureOpen();
        int[] counts = new int[MjWarning.values().length];
        mujoco.tdmpc2j_warning_counts(pointer, counts);
        Map<MjWarning, Integer> map = new EnumMap<>(MjWarning.class);
        for (MjWarning w : MjWarning.values()) {
            map.put(w, counts[w.index()]);
        }
        return new MjWarnings(map, Native.lastWarning());
    }

    /** Zeroes the warning counters (resetData() does too). */
    public void clearWarnings() {
        ensureOpen();
        mujoco.tdmpc2j_clear_warnings(pointer);
    }

    /** Throws {@link MujocoSimulationException} if the simulation diverged since the last reset or clearWarnings(). */
    public void checkStable() {
        MjWarnings warnings = warnings();
        if (warnings.unstable()) {
            Set<MjWarning> seen = EnumSet.noneOf(MjWarning.class);
            warnings.counts().forEach((w, n) -> {
                if (n > 0 && w.isInstability()) {
                    seen.add(w);
                }
            });
            throw unstable(seen, "since the last reset");
        }
    }

    private void check(int result, String call) {
        if (result == 0) {
            return;
        }
        if (result == mujoco.TDMPC2J_ERROR) {
            String message = Native.lastError();
            mujoco.tdmpc2j_reset_data(modelPointer, pointer);
            throw new MujocoException("MuJoCo error in " + call + ": " + message
                    + " (the data has been reset to the default state)");
        }
        if (throwOnInstability && (result & INSTABILITY_BITS) != 0) {
            throw unstable(MjWarning.fromBits(result & INSTABILITY_BITS), "in " + call);
        }
        if (throwOnInstability && (result & BAD_CTRL_BIT) != 0) {
            throw new MujocoException("the controls given to " + call + " were refused: " + Native.lastWarning()
                    + " MuJoCo steps without any control when one is NaN (or, unclamped, infinite or beyond 1e10), so "
                    + "the call ran without them; write finite controls of a sensible size into ctrl()");
        }
    }

    private MujocoSimulationException unstable(Set<MjWarning> seen, String where) {
        return new MujocoSimulationException("the simulation diverged " + where + " (" + seen + "): "
                + Native.lastWarning() + "; MuJoCo reset the state to the default pose. "
                + "Reset the episode; if it keeps happening, lower the timestep or the control magnitude", seen);
    }

    public DoubleBuffer qpos() { return view(qpos); }
    public DoubleBuffer qvel() { return view(qvel); }
    public DoubleBuffer qacc() { return view(qacc); }
    public DoubleBuffer ctrl() { return view(ctrl); }
    public DoubleBuffer act() { return view(act); }
    public DoubleBuffer sensordata() { return view(sensordata); }
    /** Body positions, nbody x 3 (valid after forward() or a step). */
    public DoubleBuffer xpos() { return view(xpos); }
    /** Body orientations as quaternions (w, x, y, z), nbody x 4. */
    public DoubleBuffer xquat() { return view(xquat); }
    /** Body orientations as row-major 3x3 matrices, nbody x 9. */
    public DoubleBuffer xmat() { return view(xmat); }
    public DoubleBuffer geomXpos() { return view(geomXpos); }
    public DoubleBuffer geomXmat() { return view(geomXmat); }
    public DoubleBuffer siteXpos() { return view(siteXpos); }
    public DoubleBuffer siteXmat() { return view(siteXmat); }
    /** Centre of mass of each body's subtree, nbody x 3. */
    public DoubleBuffer subtreeCom() { return view(subtreeCom); }
    /** Body velocities about the subtree centre of mass (rotation, translation), nbody x 6. */
    public DoubleBuffer cvel() { return view(cvel); }
    public DoubleBuffer qfrcActuator() { return view(qfrcActuator); }
    /** nout (= nu for ordinary actuators). */
    public DoubleBuffer actuatorForce() { return view(actuatorForce); }

    /** Generalized forces applied by the user, nv; kept across steps. */
    public DoubleBuffer qfrcApplied() { return view(qfrcApplied); }
    /** Cartesian forces and torques applied to bodies (force, torque), nbody x 6; kept across steps. */
    public DoubleBuffer xfrcApplied() { return view(xfrcApplied); }
    /** Positions of mocap bodies, nmocap x 3. */
    public DoubleBuffer mocapPos() { return view(mocapPos); }
    /** Orientations of mocap bodies, nmocap x 4. */
    public DoubleBuffer mocapQuat() { return view(mocapQuat); }
    /** Centres of mass of the bodies, nbody x 3. */
    public DoubleBuffer xipos() { return view(xipos); }
    /** Linear velocity of each subtree's centre of mass, nbody x 3 (computed only when a sensor needs it). */
    public DoubleBuffer subtreeLinvel() { return view(subtreeLinvel); }
    /** External (contact) forces on the bodies, com-based, nbody x 6 (computed only when needed). */
    public DoubleBuffer cfrcExt() { return view(cfrcExt); }

    /** Number of contacts found by the last step or forward(). */
    public int ncon() {
        ensureOpen();
        return pointer.ncon();
    }

    /** The JavaCPP pointer, for fields this class does not expose. Valid until close(). */
    public mjData raw() {
        ensureOpen();
        return pointer;
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        cleanable.clean();
    }

    private void ensureOpen() {
        if (closed) {
            throw new MujocoClosedException("MjData");
        }
    }

    private DoubleBuffer view(DoubleBuffer buffer) {
        ensureOpen();
        return buffer.duplicate();
    }
}
