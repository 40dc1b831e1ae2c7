package io.github.tdmpc2j.agent.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.github.tdmpc2j.spi.GivingUp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The long-lived tensors of an agent (weights, target weights, optimiser moments), by name, in a manager that
 * lives as long as the agent. Names follow the reference's modules, so a checkpoint reads like its state dict.
 */
public final class ParamStore implements AutoCloseable {
    /**
     * A stop is heeded every 2^20 weights drawn ({@link GivingUp#check}): the 317M model draws a tensor of 134M
     * weights in seconds, the whole model in tens of seconds on a CPU.
     */
    private static final int CHECK_EVERY = (1 << 20) - 1;
    private final NDManager manager;
    private final Map<String, NDArray> byName = new LinkedHashMap<>();
    private final Map<String, String> groupOf = new LinkedHashMap<>();
    private final SplittableRandom rng;

    public ParamStore(NDManager manager, long seed) {
        this.manager = manager;
        this.rng = new SplittableRandom(seed);
    }

    public NDManager manager() {
        return manager;
    }

    /** Weights drawn from N(0, std^2) truncated to [-2, 2], as the reference's trunc_normal_ (absolute bounds). */
    public NDArray truncatedNormal(String name, String group, Shape shape, double std) {
        float[] data = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < data.length; i++) {
            if ((i & CHECK_EVERY) == 0) {
                GivingUp.check();
            }
            double x;
            do {
                x = gaussian() * std;
            } while (x < -2 || x > 2);
            data[i] = (float) x;
        }
        return add(name, group, manager.create(data, shape), true);
    }

    public NDArray uniform(String name, String group, Shape shape, double bound) {
        float[] data = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < data.length; i++) {
            if ((i & CHECK_EVERY) == 0) {
                GivingUp.check();
            }
            data[i] = (float) (rng.nextDouble() * 2 * bound - bound);
        }
        return add(name, group, manager.create(data, shape), true);
    }

    public NDArray constant(String name, String group, Shape shape, float value, boolean trainable) {
        return add(name, group, manager.full(shape, value), trainable);
    }

    /** Registers an existing array (taking ownership). */
    public NDArray add(String name, String group, NDArray array, boolean trainable) {
        if (byName.containsKey(name)) {
            throw new IllegalStateException("duplicate parameter " + name);
        }
        array.attach(manager);
        if (trainable) {
            array.setRequiresGradient(true);
        }
        byName.put(name, array);
        groupOf.put(name, group);
        return array;
    }

    public NDArray get(String name) {
        NDArray a = byName.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no parameter " + name);
        }
        return a;
    }

    public Map<String, NDArray> all() {
        return Collections.unmodifiableMap(byName);
    }

    /** Names of a group's tensors, in creation order. */
    public List<String> group(String group) {
        List<String> names = new ArrayList<>();
        groupOf.forEach((n, g) -> {
            if (g.equals(group)) {
                names.add(n);
            }
        });
        return names;
    }

    public String groupOf(String name) {
        return groupOf.get(name);
    }

    /** Number of scalars in the given groups. */
    public long count(List<String> groups) {
        long n = 0;
        for (Map.Entry<String, NDArray> e : byName.entrySet()) {
            if (groups.contains(groupOf.get(e.getKey()))) {
                n += e.getValue().getShape().size();
            }
        }
        return n;
    }

    private double gaussian() {
        double u1 = rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    /**
     * Copies {@code source}'s values into {@code target} in place (PyTorch's {@code index_put_} over the whole
     * array; shapes must match). Use this, not DJL's {@code NDArray.copyTo}/{@code set(Buffer)}: those go through a
     * native call that makes PyTorch print "AutoNonVariableTypeMode is deprecated" to stderr once per process,
     * and alias the tensor's storage to Java memory.
     */
    public static void copyInto(NDArray source, NDArray target) {
        if (!source.getShape().equals(target.getShape())) {
            throw new IllegalArgumentException("cannot copy an array of shape " + source.getShape()
                    + " into one of shape " + target.getShape());
        }
        try (NoGrad off = new NoGrad()) {
            target.set(new NDIndex("..."), source);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
