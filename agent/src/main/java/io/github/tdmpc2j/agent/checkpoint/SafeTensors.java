package io.github.tdmpc2j.agent.checkpoint;

import io.github.tdmpc2j.spi.GivingUp;
import io.github.tdmpc2j.spi.io.IoErrors;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.tdmpc2j.spi.io.AtomicWrites;
import io.github.tdmpc2j.spi.agent.CheckpointException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors format, float32 only: an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range (plus string metadata under {@code __metadata__}), then the raw
 * little-endian data. Python's {@code safetensors} and a few lines of numpy read it.
 */
public final class SafeTensors {
    /**
     * A float32 tensor as {@link #write} takes it: its shape, and its values copied out a range at a time, so that
     * one larger than a Java array holds (a replay buffer's column) is written without a copy of it.
     */
    public interface Values {
        long[] shape();

        /** Copies {@code length} values, from value {@code from} on (row-major), into {@code into} at {@code at}. */
        void copy(long from, float[] into, int at, int length);
    }

    /** One float32 tensor in one array. */
    public record Tensor(long[] shape, float[] data) implements Values {
        @Override
        public void copy(long from, float[] into, int at, int length) {
            System.arraycopy(data, Math.toIntExact(from), into, at, length);
        }
    }

    /** A float32 tensor whose values {@code values} copies out a range at a time (see {@link Values#copy}). */
    public record Streamed(long[] shape, Ranges values) implements Values {
        @Override
        public void copy(long from, float[] into, int at, int length) {
            values.copy(from, into, at, length);
        }
    }

    /** {@link Values#copy} of a {@link Streamed} tensor. */
    @FunctionalInterface
    public interface Ranges {
        void copy(long from, float[] into, int at, int length);
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_HEADER = 100L << 20;
    /** The most values one Java array holds (the JDK's margin below {@link Integer#MAX_VALUE}). */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private SafeTensors() {
    }

    /**
     * Writes atomically: a temporary file in the same directory, then a rename; each tensor's values are copied out
     * a slice at a time ({@link Values#copy}) as they are written.
     */
    public static void write(Path file, Map<String, ? extends Values> tensors, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        metadata.forEach(meta::put);
        long offset = 0;
        for (Map.Entry<String, ? extends Values> e : tensors.entrySet()) {
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", "F32");
            var shape = t.putArray("shape");
            long n = 1;
            for (long d : e.getValue().shape()) {
                shape.add(d);
                n *= d;
            }
            if (e.getValue() instanceof Tensor tensor && n != tensor.data().length) {
                throw new IllegalArgumentException(e.getKey() + ": shape holds " + n + " values, data has "
                        + tensor.data().length);
            }
            t.putArray("data_offsets").add(offset).add(offset + 4 * n);
            offset += 4 * n;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(header);
        } catch (JsonProcessingException e) {
            throw new CheckpointException("could not encode the safetensors header: " + e.getMessage(), e);
        }
        int padded = (json.length + 7) / 8 * 8;
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            AtomicWrites.replace(file, tmp -> {
                try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
                    ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
                    out.write(len.array());
                    out.write(json);
                    for (int i = json.length; i < padded; i++) {
                        out.write(' ');
                    }
                    ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
                    float[] slice = new float[chunk.capacity() / 4];
                    for (Values t : tensors.values()) {
                        long n = count(t.shape());
                        for (long from = 0; from < n; from += slice.length) {
                            GivingUp.check(); // a large model's tensor: seconds to write (an import's, say)
                            int m = (int) Math.min(slice.length, n - from);
                            t.copy(from, slice, 0, m);
                            chunk.clear();
                            chunk.asFloatBuffer().put(slice, 0, m);
                            out.write(chunk.array(), 0, 4 * m);
                        }
                    }
                }
            });
        } catch (IOException e) {
            throw new CheckpointException("could not write " + file + ": " + IoErrors.describe(e), e);
        }
    }

    /** Reads every tensor and the metadata; a truncated or malformed file fails with a message naming it. */
    public static Map<String, Tensor> read(Path file, Map<String, String> metadataOut) {
        try (Reader in = Reader.open(file)) {
            metadataOut.putAll(in.metadata());
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (String name : in.names()) {
                long[] shape = in.shape(name);
                if (in.count(name) > MAX_ARRAY) {
                    throw new CheckpointException(file + ": tensor " + name + " holds " + in.count(name) + " values, "
                            + "more than one Java array holds; it is not a file of model weights");
                }
                float[] values = new float[(int) in.count(name)];
                in.read(name, 0, values, 0, values.length);
                out.put(name, new Tensor(shape, values));
            }
            return out;
        }
    }

    /**
     * An open safetensors file whose header is read and checked (every tensor F32 and inside the file), its data
     * read on demand, a range of one tensor at a time, straight into the caller's array: a large file (a replay
     * buffer) is read without a copy of it on the heap.
     */
    public static final class Reader implements AutoCloseable {
        private static final int CHUNK = 1 << 16;
        private final Path file;
        private final FileChannel ch;
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private final Map<String, long[]> shapes = new LinkedHashMap<>();
        /** Each tensor's first byte in the file. */
        private final Map<String, Long> starts = new LinkedHashMap<>();
        private final ByteBuffer chunk = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);

        private Reader(Path file, FileChannel ch) {
            this.file = file;
            this.ch = ch;
        }

        /** Opens {@code file} and reads its header; a truncated or malformed file fails with a message naming it. */
        public static Reader open(Path file) {
            FileChannel ch;
            try {
                ch = FileChannel.open(file, StandardOpenOption.READ);
            } catch (IOException e) {
                throw new CheckpointException("could not read " + file + ": " + e.getMessage(), e);
            }
            Reader r = new Reader(file, ch);
            try {
                r.readHeader();
                return r;
            } catch (RuntimeException e) {
                r.close();
                throw e;
            }
        }

        private void readHeader() {
            try {
                long size = ch.size();
                if (size < 8) {
                    throw corrupt(file, "it has " + size + " bytes, fewer than the 8-byte header length");
                }
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                readFully(ch, len, 0);
                long headerLength = len.flip().getLong();
                if (headerLength <= 0 || headerLength > MAX_HEADER || 8 + headerLength > size) {
                    throw corrupt(file, "its header length " + headerLength + " does not fit in " + size + " bytes");
                }
                ByteBuffer hb = ByteBuffer.allocate((int) headerLength);
                readFully(ch, hb, 8);
                JsonNode header;
                try {
                    header = JSON.readTree(new String(hb.array(), StandardCharsets.UTF_8));
                } catch (JsonProcessingException e) {
                    throw corrupt(file, "its header is not valid JSON");
                }
                if (header == null || !header.isObject()) {
                    throw corrupt(file, "its header is not a JSON object");
                }
                long dataStart = 8 + headerLength;
                long dataLength = size - dataStart;
                Iterator<Map.Entry<String, JsonNode>> fields = header.fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> f = fields.next();
                    if (f.getKey().equals("__metadata__")) {
                        f.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                        continue;
                    }
                    JsonNode t = f.getValue();
                    if (!"F32".equals(t.path("dtype").asText())) {
                        throw corrupt(file, "tensor " + f.getKey() + " has dtype " + t.path("dtype")
                                + "; only F32 is read");
                    }
                    JsonNode shapeNode = t.path("shape");
                    long[] shape = new long[shapeNode.size()];
                    long n = 1;
                    for (int i = 0; i < shape.length; i++) {
                        shape[i] = shapeNode.get(i).asLong(-1);
                        if (shape[i] < 0) {
                            throw corrupt(file, "tensor " + f.getKey() + " has a negative dimension");
                        }
                        n *= shape[i];
                    }
                    long begin = t.path("data_offsets").path(0).asLong(-1);
                    long end = t.path("data_offsets").path(1).asLong(-1);
                    if (begin < 0 || end != begin + 4 * n || end > dataLength) {
                        throw corrupt(file, "tensor " + f.getKey() + " spans bytes [" + begin + ", " + end + ") but "
                                + "the data section has " + dataLength + " bytes (truncated?)");
                    }
                    shapes.put(f.getKey(), shape);
                    starts.put(f.getKey(), dataStart + begin);
                }
            } catch (IOException e) {
                throw new CheckpointException("could not read " + file + ": " + e.getMessage(), e);
            }
        }

        /** The file this reader reads, for a message that names it. */
        public Path file() {
            return file;
        }

        /** The string metadata under {@code __metadata__}. */
        public Map<String, String> metadata() {
            return metadata;
        }

        /** The tensors' names, in the header's order. */
        public java.util.Set<String> names() {
            return java.util.Collections.unmodifiableSet(shapes.keySet());
        }

        /** The shape of tensor {@code name}; null when the file has none of that name. */
        public long[] shape(String name) {
            long[] shape = shapes.get(name);
            return shape == null ? null : shape.clone();
        }

        /** How many values tensor {@code name} holds (the product of its shape); -1 when the file has none. */
        public long count(String name) {
            long[] shape = shapes.get(name);
            return shape == null ? -1 : SafeTensors.count(shape);
        }

        /**
         * Reads {@code length} values of tensor {@code name}, from its value {@code from} on (row-major), into
         * {@code into} at {@code at}, through a small buffer of this reader's.
         */
        public void read(String name, long from, float[] into, int at, int length) {
            Long start = starts.get(name);
            if (start == null) {
                throw new IllegalArgumentException(file + " has no tensor " + name);
            }
            if (from < 0 || length < 0 || from + length > count(name)) {
                throw new IndexOutOfBoundsException("values [" + from + ", " + (from + length) + ") of tensor "
                        + name + ", which holds " + count(name));
            }
            long position = start + 4 * from;
            int done = 0;
            try {
                while (done < length) {
                    GivingUp.check(); // a large model's tensor: seconds to read
                    int n = Math.min(length - done, CHUNK / 4);
                    chunk.clear().limit(4 * n);
                    readFully(ch, chunk, position);
                    chunk.flip().asFloatBuffer().get(into, at + done, n);
                    position += 4L * n;
                    done += n;
                }
            } catch (IOException e) {
                throw new CheckpointException("could not read " + file + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            try {
                ch.close();
            } catch (IOException e) {
                // read-only: nothing is lost
            }
        }
    }

    /** The values a tensor of {@code shape} holds: the product of its dimensions. */
    private static long count(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw new IOException("unexpected end of file");
            }
            pos += r;
        }
    }

    private static CheckpointException corrupt(Path file, String why) {
        return new CheckpointException(file + " is not a usable safetensors file: " + why
                + "; it may be truncated or damaged, save the checkpoint again or pick another one");
    }
}
