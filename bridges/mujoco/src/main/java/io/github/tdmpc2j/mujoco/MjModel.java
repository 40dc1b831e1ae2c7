package io.github.tdmpc2j.mujoco;

import io.github.tdmpc2j.mujoco.raw.global.mujoco;
import io.github.tdmpc2j.mujoco.raw.mjModel;
import java.lang.ref.Cleaner;
import java.nio.DoubleBuffer;
import java.nio.IntBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.bytedeco.javacpp.BytePointer;

/**
 * A compiled MuJoCo model (mjModel): sizes, names and the constant arrays.
 *
 * <p>Threads: a model is immutable once loaded, so one MjModel may be shared by any number of
 * threads, each stepping its own {@link MjData}. An MjData must not be used by two threads at once.
 *
 * <p>Lifetime: {@link #close()} makes every further call on this object throw
 * {@link MujocoClosedException}; the native model is freed when the MjModel and every MjData made
 * from it are closed (or garbage collected: a Cleaner frees what was never closed). Views returned
 * by the accessors below read the model's native memory directly and must not be used after that.
 */
public final class MjModel implements AutoCloseable {
    private static final int ERROR_BUFFER_SIZE = 2048;

    final ModelHandle handle;
    private final Cleaner.Cleanable cleanable;
    private volatile boolean closed;

    private final int nq, nv, nu, na, nbody, njnt, ngeom, nsite, nsensor, nsensordata, nactuator, nout;
    private final DoubleBuffer jntRange, actuatorCtrlRange, bodyMass, geomSize, siteSize, qpos0;
    private final IntBuffer jntQposAdr, jntDofAdr, jntType, sensorAdr, sensorDim;

    private MjModel(mjModel pointer) {
        this.handle = new ModelHandle(pointer);
        this.cleanable = Native.CLEANER.register(this, handle::release);
        nq = size(pointer.nq());
        nv = size(pointer.nv());
        nu = size(pointer.nu());
        na = size(pointer.na());
        nbody = size(pointer.nbody());
        njnt = size(pointer.njnt());
        ngeom = size(pointer.ngeom());
        nsite = size(pointer.nsite());
        nsensor = size(pointer.nsensor());
        nsensordata = size(pointer.nsensordata());
        nactuator = size(pointer.nactuator());
        nout = size(pointer.nout());
        jntRange = Native.doubles(pointer.jnt_range(), 2L * njnt).asReadOnlyBuffer();
        actuatorCtrlRange = Native.doubles(pointer.actuator_ctrlrange(), 2L * nu).asReadOnlyBuffer();
        bodyMass = Native.doubles(pointer.body_mass(), nbody).asReadOnlyBuffer();
        geomSize = Native.doubles(pointer.geom_size(), 3L * ngeom).asReadOnlyBuffer();
        siteSize = Native.doubles(pointer.site_size(), 3L * nsite).asReadOnlyBuffer();
        qpos0 = Native.doubles(pointer.qpos0(), nq).asReadOnlyBuffer();
        jntQposAdr = Native.ints(pointer.jnt_qposadr(), njnt).asReadOnlyBuffer();
        jntDofAdr = Native.ints(pointer.jnt_dofadr(), njnt).asReadOnlyBuffer();
        jntType = Native.ints(pointer.jnt_type(), njnt).asReadOnlyBuffer();
        sensorAdr = Native.ints(pointer.sensor_adr(), nsensor).asReadOnlyBuffer();
        sensorDim = Native.ints(pointer.sensor_dim(), nsensor).asReadOnlyBuffer();
    }

    /** Compiles MJCF (or URDF) text. Relative asset paths (meshes, includes) resolve against the working directory. */
    public static MjModel fromXml(String xml) {
        return fromXml(xml, "the given XML text");
    }

    /**
     * Compiles MJCF (or URDF) text read from {@code source} (a resource's name, say), which the errors name. Relative
     * asset paths resolve against the working directory.
     */
    public static MjModel fromXml(String xml, String source) {
        if (xml == null || xml.isBlank()) {
            throw new MujocoException("the model XML (" + source + ") is empty; pass MJCF text such as "
                    + "<mujoco>...</mujoco>");
        }
        return load(error -> mujoco.tdmpc2j_load_xml_string(xml, error, ERROR_BUFFER_SIZE), source);
    }

    /** Compiles an MJCF (or URDF) file; assets resolve against the file's directory. */
    public static MjModel fromFile(Path file) {
        if (file != null && Files.isDirectory(file)) {
            throw new MujocoException(file + " is a directory, not a model file; pass the path of an MJCF .xml file"
                    + " (the model's own file inside it)");
        }
        if (file == null || !Files.isRegularFile(file)) {
            throw new MujocoException("no model file at " + file + "; pass the path of an MJCF .xml file");
        }
        String path = file.toAbsolutePath().toString();
        return load(error -> mujoco.tdmpc2j_load_xml_file(path, error, ERROR_BUFFER_SIZE), path);
    }

    private static MjModel load(Function<BytePointer, mjModel> loader, String source) {
        Native.ensureLoaded();
        try (BytePointer error = new BytePointer(ERROR_BUFFER_SIZE)) {
            error.put(0, (byte) 0);
            mjModel pointer = loader.apply(error);
            if (pointer == null || pointer.isNull()) {
                String message = Native.text(error);
                throw new MujocoException("MuJoCo could not load " + source + ": "
                        + (message.isBlank() ? Native.lastError() : message));
            }
            MjModel model = new MjModel(pointer);
            double timestep = pointer.opt().timestep();
            if (!(timestep > 0) || Double.isInfinite(timestep)) { // MuJoCo compiles these, then steps nonsense
                model.close();
                throw new MujocoException("MuJoCo could not load " + source + ": its timestep " + timestep
                        + " is not a positive finite number of seconds; give <option timestep=\"...\"/> a value "
                        + "such as 0.002 (MuJoCo's default), or leave it out");
            }
            return model;
        }
    }

    private static int size(long n) {
        return Math.toIntExact(n);
    }

    /** A new MjData for this model, in the default state (qpos0, zero velocity, time 0). */
    public MjData makeData() {
        return new MjData(this);
    }

    public int nq() { ensureOpen(); return nq; }
    public int nv() { ensureOpen(); return nv; }
    public int nu() { ensureOpen(); return nu; }
    public int na() { ensureOpen(); return na; }
    public int nbody() { ensureOpen(); return nbody; }
    public int njnt() { ensureOpen(); return njnt; }
    public int ngeom() { ensureOpen(); return ngeom; }
    public int nsite() { ensureOpen(); return nsite; }
    public int nsensor() { ensureOpen(); return nsensor; }
    public int nsensordata() { ensureOpen(); return nsensordata; }
    public int nactuator() { ensureOpen(); return nactuator; }
    /** Number of actuator force outputs (the length of MjData.actuatorForce()). */
    public int nout() { ensureOpen(); return nout; }

    /** Number of keyframes (see MjData.resetDataKeyframe). */
    public int nkey() {
        ensureOpen();
        return size(handle.pointer.nkey());
    }

    public double timestep() {
        ensureOpen();
        return handle.pointer.opt().timestep();
    }

    public int bodyId(String name) { return id(MjObjectType.BODY, name); }
    public int jointId(String name) { return id(MjObjectType.JOINT, name); }
    public int geomId(String name) { return id(MjObjectType.GEOM, name); }
    public int siteId(String name) { return id(MjObjectType.SITE, name); }
    public int sensorId(String name) { return id(MjObjectType.SENSOR, name); }
    public int actuatorId(String name) { return id(MjObjectType.ACTUATOR, name); }

    /** The id of the named element; resolve once, then use ids in loops. */
    public int id(MjObjectType type, String name) {
        ensureOpen();
        if (name == null) {
            throw new MujocoException("a " + type.label() + " name is null");
        }
        int id = mujoco.tdmpc2j_name2id(handle.pointer, type.mjtObj(), name);
        if (id < 0) {
            throw new MujocoException("the model has no " + type.label() + " named '" + name
                    + "'; its " + type.label() + " names are " + names(type));
        }
        return id;
    }

    /** The element's name, or "" for an unnamed one. */
    public String name(MjObjectType type, int id) {
        ensureOpen();
        if (id < 0 || id >= count(type)) {
            throw new MujocoException(type.label() + " id " + id + " is out of range [0, " + count(type) + ")");
        }
        return Native.text(mujoco.tdmpc2j_id2name(handle.pointer, type.mjtObj(), id));
    }

    /** The names of all elements of a type, in id order ("" for unnamed ones). */
    public List<String> names(MjObjectType type) {
        ensureOpen();
        int n = count(type);
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add(Native.text(mujoco.tdmpc2j_id2name(handle.pointer, type.mjtObj(), i)));
        }
        return names;
    }

    private int count(MjObjectType type) {
        mjModel m = handle.pointer;
        return size(switch (type) {
            case BODY -> m.nbody();
            case JOINT -> m.njnt();
            case GEOM -> m.ngeom();
            case SITE -> m.nsite();
            case CAMERA -> m.ncam();
            case TENDON -> m.ntendon();
            case ACTUATOR -> m.nactuator();
            case SENSOR -> m.nsensor();
        });
    }

    /** Joint limits, njnt x 2. */
    public DoubleBuffer jntRange() { return view(jntRange); }
    /** Address of each joint's first entry in qpos, njnt. */
    public IntBuffer jntQposAdr() { return view(jntQposAdr); }
    /** Address of each joint's first entry in qvel, njnt. */
    public IntBuffer jntDofAdr() { return view(jntDofAdr); }
    /** mjtJoint of each joint (0 free, 1 ball, 2 slide, 3 hinge), njnt. */
    public IntBuffer jntType() { return view(jntType); }
    /** Control limits, nu x 2. */
    public DoubleBuffer actuatorCtrlRange() { return view(actuatorCtrlRange); }
    public DoubleBuffer bodyMass() { return view(bodyMass); }
    /** ngeom x 3. */
    public DoubleBuffer geomSize() { return view(geomSize); }
    /** nsite x 3. */
    public DoubleBuffer siteSize() { return view(siteSize); }
    /** Address of each sensor's first value in sensordata, nsensor. */
    public IntBuffer sensorAdr() { return view(sensorAdr); }
    public IntBuffer sensorDim() { return view(sensorDim); }
    /** The default pose, nq. */
    public DoubleBuffer qpos0() { return view(qpos0); }

    /** The JavaCPP pointer, for fields this class does not expose. Valid until the model is freed. */
    public mjModel raw() {
        ensureOpen();
        return handle.pointer;
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        cleanable.clean();
    }

    void ensureOpen() {
        if (closed) {
            throw new MujocoClosedException("MjModel");
        }
    }

    private DoubleBuffer view(DoubleBuffer buffer) {
        ensureOpen();
        return buffer.duplicate();
    }

    private IntBuffer view(IntBuffer buffer) {
        ensureOpen();
        return buffer.duplicate();
    }

    @Override
    public String toString() {
        return "MjModel[nq=" + nq + ", nv=" + nv + ", nu=" + nu + ", nbody=" + nbody + (closed ? ", closed]" : "]");
    }
}
