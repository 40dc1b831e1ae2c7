package io.github.tdmpc2j.agent.reference;

import io.github.tdmpc2j.spi.GivingUp;
import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.agent.CheckpointException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * A tensor of a {@code torch.save} archive: a view (offset, shape, strides in elements) of a storage whose bytes
 * are read from the archive when first needed.
 */
public final class TorchTensor {
    /** Element types of torch storages. */
    public enum DType {
        FLOAT32(4), FLOAT64(8), FLOAT16(2), BFLOAT16(2), INT64(8), INT32(4), INT16(2), INT8(1), UINT8(1), BOOL(1);

        final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }
    }

    /**
     * A storage: the file it is in (for messages), its archive key, element type, element count, and its bytes
     * (read once, on demand).
     */
    static final class Storage {
        final String source;
        final String key;
        final DType dtype;
        final long elements;
        private final Supplier<ByteBuffer> reader;
        private final Ranges ranges;
        private ByteBuffer bytes;

        Storage(String source, String key, DType dtype, long elements, Supplier<ByteBuffer> reader) {
            this(source, key, dtype, elements, reader, null);
        }

        /**
         * A storage read a range at a time ({@link #range}), never whole: one larger than the heap (a dataset's,
         * of many GB) is read a slice at a time.
         */
        Storage(String source, String key, DType dtype, long elements, Ranges ranges) {
            this(source, key, dtype, elements, null, ranges);
        }

        private Storage(String source, String key, DType dtype, long elements, Supplier<ByteBuffer> reader,
                Ranges ranges) {
            this.source = source;
            this.key = key;
            this.dtype = dtype;
            this.elements = elements;
            this.reader = reader;
            this.ranges = ranges;
        }

        synchronized ByteBuffer bytes() {
            if (bytes == null) {
                bytes = reader != null ? reader.get() : ranges.read(0, Math.toIntExact(elements * dtype.bytes));
            }
            return bytes;
        }

        /** {@code count} elements from element {@code first}, little-endian. */
        ByteBuffer range(long first, int count) {
            if (ranges == null) {
                return bytes().duplicate().position(Math.toIntExact(first * dtype.bytes))
                        .limit(Math.toIntExact((first + count) * dtype.bytes)).slice();
            }
            return ranges.read(first * dtype.bytes, count * dtype.bytes);
        }
    }

    /** Reads a byte range of a storage (its entry in the archive), for {@link Storage#range}. */
    @FunctionalInterface
    interface Ranges {
        ByteBuffer read(long offset, int length);
    }

    /** A stop is heeded every 2^20 values converted ({@link GivingUp#check}). */
    private static final int CHECK_EVERY = (1 << 20) - 1;
    private final Storage storage;
    private final long offset;
    private final long[] shape;
    private final long[] stride;

    TorchTensor(Storage storage, long offset, long[] shape, long[] stride) {
        if (shape.length != stride.length) {
            throw new CheckpointException(storage.source + ": a tensor with " + Messages.plural(shape.length, "size")
                    + " but " + Messages.plural(stride.length, "stride") + "; the file is damaged");
        }
        this.storage = storage;
        this.offset = offset;
        this.shape = shape;
        this.stride = stride;
        long last = offset;
        long size = 1;
        try {
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] < 0 || stride[i] < 0) {
                    throw new ArithmeticException("negative");
                }
                size = Math.multiplyExact(size, shape[i]);
                last = Math.addExact(last, shape[i] == 0 ? 0 : Math.multiplyExact(shape[i] - 1, stride[i]));
            }
        } catch (ArithmeticException e) { // sizes no storage can hold (a hostile file's, that would overflow)
            throw new CheckpointException(storage.source + ": a tensor of shape " + Arrays.toString(shape)
                    + " and strides " + Arrays.toString(stride) + "; the file is damaged");
        }
        if (size > 0 && (offset < 0 || last >= storage.elements)) {
            throw new CheckpointException(storage.source + ": a tensor of shape " + Arrays.toString(shape)
                    + " reaches past its storage " + storage.key + " of " + Messages.plural(storage.elements, "element")
                    + "; the file is damaged");
        }
    }

    public long[] shape() {
        return shape.clone();
    }

    public DType dtype() {
        return storage.dtype;
    }

    /** Number of elements. */
    public long size() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** The values, row-major, converted to float32 (integers and booleans exactly, float64 rounded). */
    public float[] toFloats() {
        long n = size();
        if (n > Integer.MAX_VALUE - 8) {
            throw new CheckpointException(storage.source + ": a tensor of " + n + " elements is too large to import "
                    + "(a Java array holds at most 2^31 floats)");
        }
        TorchArchive.ensureMemory(4 * n, storage.source, "a tensor of shape " + Arrays.toString(shape));
        ByteBuffer b = storage.bytes().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[(int) n];
        long[] index = new long[shape.length];
        for (int i = 0; i < out.length; i++) {
            if ((i & CHECK_EVERY) == 0) {
                GivingUp.check(); // the 317M model's largest tensor: 134M values, a second or more to convert
            }
            long at = offset;
            for (int d = 0; d < shape.length; d++) {
                at += index[d] * stride[d];
            }
            out[i] = element(b, at);
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++index[d] < shape[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
        return out;
    }

    /**
     * Entry {@code i} along the first dimension, its remaining dimensions row-major, converted to float32 as
     * {@link #toFloats} converts: read from the file alone (a slice of a storage larger than the heap, say). The
     * remaining dimensions must be laid out contiguously, as torch.save writes a tensor made in one piece.
     */
    public float[] slice(long i) {
        if (shape.length == 0 || i < 0 || i >= shape[0]) {
            throw new IndexOutOfBoundsException("entry " + i + " of a tensor of shape " + Arrays.toString(shape));
        }
        long n = 1;
        for (int d = shape.length - 1; d >= 1; d--) {
            if (shape[d] > 1 && stride[d] != n) {
                throw new CheckpointException(storage.source + ": a tensor of shape " + Arrays.toString(shape)
                        + " with strides " + Arrays.toString(stride) + " is not laid out in one piece; re-save it "
                        + "from a contiguous copy (tensor.contiguous()) and read that file");
            }
            n *= shape[d];
        }
        if (n * storage.dtype.bytes > Integer.MAX_VALUE - 8) {
            throw new CheckpointException(storage.source + ": an entry of " + n + " elements of a tensor of shape "
                    + Arrays.toString(shape) + " is too large to read at once");
        }
        ByteBuffer b = storage.range(offset + i * stride[0], (int) n).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[(int) n];
        for (int k = 0; k < out.length; k++) {
            out[k] = element(b, k);
        }
        return out;
    }

    private float element(ByteBuffer b, long at) {
        int p = Math.toIntExact(at * storage.dtype.bytes);
        return switch (storage.dtype) {
            case FLOAT32 -> b.getFloat(p);
            case FLOAT64 -> (float) b.getDouble(p);
            case FLOAT16 -> halfToFloat(b.getShort(p));
            case BFLOAT16 -> Float.intBitsToFloat((b.getShort(p) & 0xffff) << 16);
            case INT64 -> (float) b.getLong(p);
            case INT32 -> (float) b.getInt(p);
            case INT16 -> (float) b.getShort(p);
            case INT8 -> (float) b.get(p);
            case UINT8, BOOL -> (float) (b.get(p) & 0xff);
        };
    }

    /** IEEE 754 binary16 to float32, exactly (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short h) {
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f; // subnormal (or zero)
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    @Override
    public String toString() {
        return storage.dtype + Arrays.toString(shape);
    }
}
