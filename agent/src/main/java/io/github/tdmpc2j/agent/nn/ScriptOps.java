package io.github.tdmpc2j.agent.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import io.github.tdmpc2j.spi.TdmpcException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * PyTorch operators that DJL 0.36 does not bind, reached through a TorchScript module instead of native code: the
 * module's source ({@code script_ops.py} beside this class, in TorchScript's serialized dialect) is packed at run time
 * into the archive layout that {@code torch.jit.load} reads, and DJL's engine loads it and runs its methods. So the
 * CPU build of DJL's natives gets them too, with no compiler and no torch headers (unlike the native extension of
 * {@code agent.gpu}, which only {@code setup gpu} builds).
 *
 * <p>What it holds: one Adam step over all of an optimiser's parameters (global-norm clipping, PyTorch's fused Adam
 * per learning rate, a non-finite norm skipping the step, gradients zeroed: a handful of kernels where DJL's
 * per-parameter update is about ten operators per tensor, and no value read back), a foreach lerp for the target
 * networks' soft update (the reference's {@code _foreach_lerp_}), and random draws from a generator of the caller's
 * own (DJL's draws all come from the engine's one generator, shared by every agent of the JVM).
 *
 * <p>The methods take every tensor they write as an input list: TorchScript drops in-place writes to lists it built
 * itself (they look unobservable to its dead-code pass), so a method must not gather the tensors it updates.
 * {@code ScriptOpsTest} checks each method against the update written out.
 */
public final class ScriptOps {
    private static final String CLASS_NAME = "ScriptOps";
    private static volatile PtSymbolBlock module;
    private static volatile TdmpcException failure;

    private ScriptOps() {
    }

    /**
     * One Adam step (see {@code adam_step} in the script). Parameters come in groups with one learning rate each;
     * {@code step} is the 0-d float32 step counter shared by all (it counts the steps taken). Returns the gradients'
     * global L2 norm before clipping, 0-d, in {@code m}.
     */
    public static NDArray adamStep(NDManager m, List<List<NDArray>> params, List<List<NDArray>> expAvgs,
            List<List<NDArray>> expAvgSqs, double[] lrs, NDArray step, double beta1, double beta2, double eps,
            double clipNorm) {
        List<IValue> made = new ArrayList<>();
        List<NDArray> grads = new ArrayList<>();
        try {
            List<IValue> gradGroups = new ArrayList<>();
            List<IValue> stepGroups = new ArrayList<>();
            for (List<NDArray> group : params) {
                PtNDArray[] g = new PtNDArray[group.size()];
                PtNDArray[] s = new PtNDArray[group.size()];
                for (int i = 0; i < g.length; i++) {
                    g[i] = (PtNDArray) group.get(i).getGradient();
                    grads.add(g[i]);
                    s[i] = (PtNDArray) step;
                }
                gradGroups.add(keep(made, IValue.listFrom(g)));
                stepGroups.add(keep(made, IValue.listFrom(s)));
            }
            IValue[] args = {nested(made, params), keep(made, IValue.listFrom(gradGroups.toArray(IValue[]::new))),
                nested(made, expAvgs), nested(made, expAvgSqs),
                keep(made, IValue.listFrom(stepGroups.toArray(IValue[]::new))), keep(made, IValue.listFrom(lrs)),
                keep(made, IValue.from((PtNDArray) step)), keep(made, IValue.from(beta1)),
                keep(made, IValue.from(beta2)), keep(made, IValue.from(eps)), keep(made, IValue.from(clipNorm))};
            try (IValue norm = IValueUtils.runMethod(module(), "adam_step", args)) {
                return norm.toTensor((PtNDManager) m);
            }
        } finally {
            made.forEach(IValue::close);
            grads.forEach(NDArray::close);
        }
    }

    /** {@code targets[i] += weight * (sources[i] - targets[i])} for every i, in place. */
    public static void lerp(List<NDArray> targets, List<NDArray> sources, double weight) {
        try (IValue t = IValue.listFrom(targets.toArray(PtNDArray[]::new));
                IValue s = IValue.listFrom(sources.toArray(PtNDArray[]::new));
                IValue w = IValue.from(weight);
                IValue none = IValueUtils.runMethod(module(), "lerp", t, s, w)) {
            // the method returns nothing; its work is the in-place update
        }
    }

    /**
     * A new CPU random generator of PyTorch's own kind (mt19937, as the engine's default one), seeded as
     * {@code torch.manual_seed(seed)} seeds that: so it gives the numbers the engine's generator would after that
     * call. The caller closes it.
     */
    public static IValue generator(long seed) {
        try (IValue s = IValue.from(seed)) {
            return IValueUtils.runMethod(module(), "generator", s);
        }
    }

    /** Standard normal float32 draws of {@code shape} from {@code generator} (the engine's {@code torch.normal}). */
    public static NDArray normal(NDManager m, IValue generator, Shape shape) {
        return tensor(m, "normal", generator, IValue.listFrom(shape.getShape()));
    }

    /** Float32 draws uniform in [0, 1) of {@code shape} from {@code generator}. */
    public static NDArray uniform(NDManager m, IValue generator, Shape shape) {
        return tensor(m, "uniform", generator, IValue.listFrom(shape.getShape()));
    }

    /** Int64 draws uniform in [low, high) of {@code shape} from {@code generator}. */
    public static NDArray integer(NDManager m, IValue generator, long low, long high, Shape shape) {
        return tensor(m, "integer", generator, IValue.from(low), IValue.from(high), IValue.listFrom(shape.getShape()));
    }

    /**
     * Dropout's scaled keep mask for {@code x} from {@code generator}: 1 / (1 - p) with probability 1 - p, else 0,
     * drawn as PyTorch's CPU dropout draws its own ({@code x} times this mask is that dropout).
     */
    public static NDArray keepMask(NDManager m, IValue generator, NDArray x, double p) {
        return tensor(m, "keep_mask", generator, IValue.from((PtNDArray) x), IValue.from(p));
    }

    /**
     * Runs a method that draws from {@code generator} with the arguments {@code made} (closed here) and returns its
     * tensor in {@code m}. DJL runs methods in PyTorch's inference mode, whose tensors autograd refuses to keep for
     * the backward pass ("Inference tensors cannot be saved for backward"), so under autograd (an update) the result
     * is copied into an ordinary tensor; without it (planning) it is returned as it is.
     */
    private static NDArray tensor(NDManager m, String method, IValue generator, IValue... made) {
        IValue[] args = new IValue[made.length + 1];
        args[0] = generator;
        System.arraycopy(made, 0, args, 1, made.length);
        try (IValue out = IValueUtils.runMethod(module(), method, args)) {
            NDArray result = out.toTensor((PtNDManager) m);
            if (!JniUtils.isGradMode()) {
                return result;
            }
            NDArray copy = result.duplicate();
            result.close();
            return copy;
        } finally {
            for (IValue v : made) {
                v.close();
            }
        }
    }

    private static IValue keep(List<IValue> made, IValue v) {
        made.add(v);
        return v;
    }

    private static IValue nested(List<IValue> made, List<List<NDArray>> groups) {
        IValue[] lists = new IValue[groups.size()];
        for (int i = 0; i < lists.length; i++) {
            lists[i] = keep(made, IValue.listFrom(groups.get(i).toArray(PtNDArray[]::new)));
        }
        return keep(made, IValue.listFrom(lists));
    }

    /** Loads the module now (an agent's optimiser does, so that a torch without these operators fails at once). */
    public static void load() {
        module();
    }

    /** The loaded module (once per JVM; the methods hold no tensors, so one serves every device and thread). */
    private static PtSymbolBlock module() {
        PtSymbolBlock m = module;
        if (m != null) {
            return m;
        }
        synchronized (ScriptOps.class) {
            if (module == null && failure == null) {
                try {
                    module = compile(source());
                } catch (IOException | RuntimeException e) {
                    failure = new TdmpcException("tdmpc2j's TorchScript operators (fused Adam, foreach lerp, "
                            + "generators) did not load into DJL's PyTorch engine "
                            + ai.djl.engine.Engine.getEngine("PyTorch").getVersion()
                            + " (" + e.getMessage() + "); they need PyTorch 2.4 or newer: run on DJL's own natives "
                            + "(TDMPC2J_TORCH=bundled) or on the torch of `tdmpc2j setup gpu`", e);
                }
            }
            if (failure != null) {
                throw failure;
            }
            return module;
        }
    }

    /**
     * Loads a module of class {@code __torch__.ScriptOps} from its source in TorchScript's serialized dialect (as
     * {@code script_ops.py}); for programs that measure TorchScript of their own ({@code bench/FuserBench}). The module
     * lives as long as the JVM.
     */
    public static PtSymbolBlock compile(String code) throws IOException {
        long handle = JniUtils.loadModuleHandle(new ByteArrayInputStream(archive(code)), Device.cpu(), false, false);
        return new PtSymbolBlock((PtNDManager) NDManager.newBaseManager(Device.cpu()), handle);
    }

    private static String source() throws IOException {
        try (InputStream in = ScriptOps.class.getResourceAsStream("script_ops.py")) {
            if (in == null) {
                throw new IOException("script_ops.py is missing from the agent's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /**
     * The archive {@code torch.jit.load} reads for a module of class {@code __torch__.ScriptOps} with no parameters:
     * the pickled module object, its code, an empty constants table, the format version and the byte order.
     */
    private static byte[] archive(String code) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            entry(zip, "ops/data.pkl", modulePickle());
            entry(zip, "ops/code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
            entry(zip, "ops/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
            entry(zip, "ops/version", "3\n".getBytes(StandardCharsets.US_ASCII));
            entry(zip, "ops/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void entry(ZipOutputStream zip, String name, byte[] data) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(data);
        zip.closeEntry();
    }

    /**
     * Pickle protocol 2 of the module object: GLOBAL {@code __torch__ ScriptOps}, EMPTY_TUPLE, NEWOBJ, then its
     * attribute dict {training: True} by EMPTY_DICT, BINUNICODE, NEWTRUE, SETITEM, BUILD, STOP.
     */
    private static byte[] modulePickle() {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80);
        p.write(2);
        p.writeBytes(("c__torch__\n" + CLASS_NAME + "\n").getBytes(StandardCharsets.US_ASCII));
        p.write(')');
        p.write(0x81);
        p.write('}');
        byte[] key = "training".getBytes(StandardCharsets.US_ASCII);
        p.write('X');
        p.writeBytes(new byte[] {(byte) key.length, 0, 0, 0});
        p.writeBytes(key);
        p.write(0x88);
        p.write('s');
        p.write('b');
        p.write('.');
        return p.toByteArray();
    }
}
