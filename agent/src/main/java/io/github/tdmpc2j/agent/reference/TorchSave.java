package io.github.tdmpc2j.agent.reference;

import io.github.tdmpc2j.agent.checkpoint.SafeTensors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes what {@code torch.save(obj, f)} writes for a nest of string-keyed dicts whose leaves are float32 tensors,
 * {@code torch.Size}s and {@code None}: a zip (entries stored, not compressed) of {@code NAME/data.pkl}, a
 * protocol-2 pickle of the object in which each tensor is a {@code torch._utils._rebuild_tensor_v2} call on a
 * persistent storage, one raw little-endian entry per storage under {@code NAME/data/}, and {@code NAME/version}
 * and {@code NAME/byteorder}. {@code torch.load} reads it (also with {@code weights_only=True}: it names only
 * what that allows), and so does {@link TorchArchive}. Inner dicts are written as {@code collections.OrderedDict},
 * as a module's {@code state_dict()} is.
 */
final class TorchSave {
    /** A {@code torch.Size} leaf. */
    record Size(long... dims) {
    }

    private TorchSave() {
    }

    /** Writes {@code top} (a plain dict at the top, as {@code {"model": state_dict}}) as archive {@code name}. */
    static void write(OutputStream out, String name, Map<String, ?> top) throws IOException {
        Pickler pickler = new Pickler();
        pickler.bytes.write(0x80); // PROTO 2
        pickler.bytes.write(2);
        pickler.dict(top, false);
        pickler.bytes.write('.'); // STOP
        ZipOutputStream zip = new ZipOutputStream(out);
        stored(zip, name + "/data.pkl", pickler.bytes.toByteArray());
        stored(zip, name + "/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < pickler.storages.size(); i++) {
            float[] values = pickler.storages.get(i);
            ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
            raw.asFloatBuffer().put(values);
            stored(zip, name + "/data/" + i, raw.array());
        }
        stored(zip, name + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        zip.finish();
    }

    private static void stored(ZipOutputStream zip, String entryName, byte[] content) throws IOException {
        ZipEntry entry = new ZipEntry(entryName);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(content.length);
        entry.setCompressedSize(content.length);
        CRC32 crc = new CRC32();
        crc.update(content);
        entry.setCrc(crc.getValue());
        entry.setTime(0);
        zip.putNextEntry(entry);
        zip.write(content);
        zip.closeEntry();
    }

    /** The pickle of the object, and the storages its tensors name, in order (their keys are "0", "1", ...). */
    private static final class Pickler {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<float[]> storages = new ArrayList<>();

        void dict(Map<String, ?> map, boolean ordered) {
            if (ordered) {
                global("collections", "OrderedDict");
                bytes.write(')'); // EMPTY_TUPLE
                bytes.write('R'); // REDUCE
            } else {
                bytes.write('}'); // EMPTY_DICT
            }
            if (map.isEmpty()) {
                return;
            }
            bytes.write('('); // MARK
            for (Map.Entry<String, ?> e : map.entrySet()) {
                text(e.getKey());
                value(e.getValue());
            }
            bytes.write('u'); // SETITEMS
        }

        @SuppressWarnings("unchecked")
        void value(Object v) {
            if (v == null) {
                bytes.write('N');
            } else if (v instanceof SafeTensors.Tensor t) {
                tensor(t);
            } else if (v instanceof Size s) {
                global("torch", "Size");
                bytes.write('(');
                ints(s.dims());
                bytes.write('t');
                bytes.write(0x85); // TUPLE1: the args, (dims,)
                bytes.write('R');
            } else if (v instanceof Map<?, ?> m) {
                dict((Map<String, ?>) m, true);
            } else {
                throw new IllegalArgumentException("cannot pickle a " + v.getClass().getName());
            }
        }

        /** {@code _rebuild_tensor_v2(storage, 0, size, stride, False, OrderedDict())}, the tensor contiguous. */
        private void tensor(SafeTensors.Tensor t) {
            long[] shape = t.shape();
            long[] stride = new long[shape.length];
            long step = 1;
            for (int i = shape.length - 1; i >= 0; i--) {
                stride[i] = step;
                step *= shape[i];
            }
            global("torch._utils", "_rebuild_tensor_v2");
            bytes.write('(');
            // the storage, a persistent id: ('storage', torch.FloatStorage, key, location, size)
            bytes.write('(');
            text("storage");
            global("torch", "FloatStorage");
            text(Integer.toString(storages.size()));
            text("cpu");
            integer(t.data().length);
            bytes.write('t');
            bytes.write('Q'); // BINPERSID
            storages.add(t.data());
            integer(0); // storage offset
            bytes.write('(');
            ints(shape);
            bytes.write('t');
            bytes.write('(');
            ints(stride);
            bytes.write('t');
            bytes.write(0x89); // NEWFALSE: requires_grad
            global("collections", "OrderedDict"); // backward hooks
            bytes.write(')');
            bytes.write('R');
            bytes.write('t');
            bytes.write('R');
        }

        private void ints(long[] values) {
            for (long v : values) {
                integer(v);
            }
        }

        private void integer(long v) {
            if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                bytes.write('J'); // BININT, 4 bytes little-endian
                bytes.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
            } else {
                bytes.write(0x8a); // LONG1: 8 bytes little-endian two's complement
                bytes.write(8);
                bytes.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
            }
        }

        private void text(String s) {
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            bytes.write('X'); // BINUNICODE
            bytes.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(utf8.length).array());
            bytes.writeBytes(utf8);
        }

        private void global(String module, String name) {
            bytes.write('c');
            bytes.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        }
    }
}
