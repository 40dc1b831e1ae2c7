package io.github.tdmpc2j.tasks.dmc;

import io.github.tdmpc2j.mujoco.MjData;
import io.github.tdmpc2j.mujoco.MjModel;
import io.github.tdmpc2j.mujoco.MujocoException;
import io.github.tdmpc2j.mujoco.raw.mjModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * One env's MuJoCo model and data, stepped the way dm_control's {@code mujoco.Physics} steps them.
 *
 * <p>dm_control's legacy stepping assumes {@code mj_step1} already ran for the current state: a control step of
 * n physics steps is {@code mj_step2}, then {@code mj_step} n-1 times, then {@code mj_step1}, so positions and
 * velocity-dependent quantities (xpos, xmat, sensors) match qpos/qvel when the task reads them. With the RK4
 * integrator it is {@code mj_step} n times, then {@code mj_step1}. After a reset, {@code mj_forward} runs with
 * actuation disabled.
 *
 * <p>Each env owns its model (tasks edit it: target sizes and positions, damping), so nothing is shared.
 */
public final class DmcPhysics implements AutoCloseable {
    private static final String MODELS = "/io/github/tdmpc2j/tasks/dmc/models/";
    private static final Map<String, String> XML_CACHE = new ConcurrentHashMap<>();
    private static final int DISABLE_ACTUATION = 1 << 11; // mjDSBL_ACTUATION in MuJoCo 3.x
    private static final int INTEGRATOR_RK4 = 1; // mjINT_RK4
    private static final int HINGE = 3; // mjJNT_HINGE

    private final MjModel model;
    private final MjData data;
    private final boolean rk4;
    // The binding hands out a fresh view per call; tasks read these every step, so take them once.
    private final DoubleBuffer qpos;
    private final DoubleBuffer qvel;
    private final DoubleBuffer ctrl;
    private final DoubleBuffer sensordata;
    private final DoubleBuffer xpos;
    private final DoubleBuffer xmat;
    private final DoubleBuffer geomXpos;
    private final DoubleBuffer siteXpos;
    private boolean closed;

    private DmcPhysics(MjModel model) {
        this.model = model;
        try {
            this.data = new MjData(model);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        this.rk4 = model.raw().opt().integrator() == INTEGRATOR_RK4;
        this.qpos = data.qpos();
        this.qvel = data.qvel();
        this.ctrl = data.ctrl();
        this.sensordata = data.sensordata();
        this.xpos = data.xpos();
        this.xmat = data.xmat();
        this.geomXpos = data.geomXpos();
        this.siteXpos = data.siteXpos();
    }

    /** Loads a model file shipped under {@code io/github/tdmpc2j/tasks/dmc/models/}. */
    public static DmcPhysics fromResource(String modelFile) {
        // the errors name the resource, not "the given XML text"
        return new DmcPhysics(MjModel.fromXml(XML_CACHE.computeIfAbsent(modelFile, DmcPhysics::readResource),
                "the model resource " + MODELS + modelFile));
    }

    public static DmcPhysics fromXml(String xml) {
        return new DmcPhysics(MjModel.fromXml(xml));
    }

    private static String readResource(String modelFile) {
        try (InputStream in = DmcPhysics.class.getResourceAsStream(MODELS + modelFile)) {
            if (in == null) {
                throw new MujocoException("the model resource " + MODELS + modelFile + " is not in "
                        + jarOfThisClass() + ": a damaged or partial build of tdmpc2j-tasks-dmc; build it again "
                        + "(./tdmpc2j rebuilds what is missing)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new MujocoException("the model resource " + MODELS + modelFile + " in " + jarOfThisClass()
                    + " cannot be read (" + e + "): a damaged jar; build tdmpc2j-tasks-dmc again", e);
        }
    }

    private static String jarOfThisClass() {
        var code = DmcPhysics.class.getProtectionDomain().getCodeSource();
        return code == null || code.getLocation() == null ? "the tasks/dmc jar" : code.getLocation().getPath();
    }

    public MjModel model() {
        return model;
    }

    public MjData data() {
        return data;
    }

    /** Advances by {@code nSubSteps} physics steps, dm_control's legacy way (see the class comment). */
    public void step(int nSubSteps) {
        if (rk4) {
            data.step(nSubSteps);
        } else {
            data.step2();
            if (nSubSteps > 1) {
                data.step(nSubSteps - 1);
            }
        }
        data.step1();
    }

    /** {@code mj_resetData}, then {@code mj_forward} without actuation. */
    public void resetData() {
        data.resetData();
        afterReset();
    }

    /** {@code mj_forward} without actuation, as dm_control runs after a task set the initial state. */
    public void afterReset() {
        var opt = model.raw().opt();
        int flags = opt.disableflags();
        opt.disableflags(flags | DISABLE_ACTUATION);
        try {
            data.forward();
        } finally {
            opt.disableflags(flags);
        }
    }

    public void forward() {
        data.forward();
    }

    public void setControl(float[] action) {
        ensureOpen();
        for (int i = 0; i < action.length; i++) {
            ctrl.put(i, action[i]);
        }
    }

    /** The number of contacts found by the last forward pass. */
    public int contactCount() {
        return data.raw().ncon();
    }

    public double timestep() {
        return model.timestep();
    }

    // --- names to addresses (resolve once, in a task's constructor) ---

    public int qposAddress(String joint) {
        return model.jntQposAdr().get(model.jointId(joint));
    }

    public int dofAddress(String joint) {
        return model.jntDofAdr().get(model.jointId(joint));
    }

    /** The qpos address of every hinge joint, in joint order (dm_control's {@code joint_angles}: no free joints). */
    public int[] hingeQposAddresses() {
        return hingeAddresses(model.jntQposAdr());
    }

    /** The dof address of every hinge joint, in joint order (dm_control's {@code joint_velocities}). */
    public int[] hingeDofAddresses() {
        return hingeAddresses(model.jntDofAdr());
    }

    private int[] hingeAddresses(IntBuffer addresses) {
        var types = model.jntType();
        return IntStream.range(0, model.njnt()).filter(j -> types.get(j) == HINGE)
                .map(addresses::get).toArray();
    }

    /** The first index of a sensor's values in sensordata. */
    public int sensorAddress(String sensor) {
        return model.sensorAdr().get(model.sensorId(sensor));
    }

    // --- state ---

    public DoubleBuffer qpos() {
        ensureOpen();
        return qpos;
    }

    public DoubleBuffer qvel() {
        ensureOpen();
        return qvel;
    }

    public DoubleBuffer ctrl() {
        ensureOpen();
        return ctrl;
    }

    public DoubleBuffer sensordata() {
        ensureOpen();
        return sensordata;
    }

    /** Row-major 3x3 orientation of a body; entry (row r, column c) is {@code xmat().get(9 * body + 3 * r + c)}. */
    public DoubleBuffer xmat() {
        ensureOpen();
        return xmat;
    }

    public DoubleBuffer xpos() {
        ensureOpen();
        return xpos;
    }

    public DoubleBuffer geomXpos() {
        ensureOpen();
        return geomXpos;
    }

    public DoubleBuffer siteXpos() {
        ensureOpen();
        return siteXpos;
    }

    // --- model edits a task makes at the start of an episode ---

    public double geomSize(int geom, int k) {
        return model.raw().geom_size().get(3L * geom + k);
    }

    public void setGeomSize(int geom, int k, double value) {
        model.raw().geom_size().put(3L * geom + k, value);
    }

    /** The half sizes in x and y of the plane named "floor", as dm_control's {@code make_model(floor_size)} sets them. */
    public void setFloorSize(double halfSide) {
        int floor = model.geomId("floor");
        setGeomSize(floor, 0, halfSide);
        setGeomSize(floor, 1, halfSide);
    }

    public void setGeomPos(int geom, int k, double value) {
        model.raw().geom_pos().put(3L * geom + k, value);
    }

    public double siteSize(int site, int k) {
        return model.raw().site_size().get(3L * site + k);
    }

    public void setSiteSize(int site, int k, double value) {
        model.raw().site_size().put(3L * site + k, value);
    }

    public void setSitePos(int site, int k, double value) {
        model.raw().site_pos().put(3L * site + k, value);
    }

    public void setDofDamping(int dof, double value) {
        model.raw().dof_damping().put(dof, value);
    }

    /** Whether a joint has limits (MuJoCo's jnt_limited). */
    public boolean jointLimited(int joint) {
        return model.raw().jnt_limited().get(joint);
    }

    /** The raw model, for anything this class does not wrap. */
    public mjModel rawModel() {
        return model.raw();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            data.close();
            model.close();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this physics was closed; make a new env");
        }
    }
}
