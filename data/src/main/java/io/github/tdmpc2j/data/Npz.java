package io.github.tdmpc2j.data;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * numpy's NPZ format (a zip of {@code .npy} files, format version 1.0), as {@code numpy.load} reads it. Writes
 * compressed entries, like {@code numpy.savez_compressed}.
 */
public final class Npz {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']+)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private Npz() {
    }

    /**
     * The time stamped on every entry: a fixed one (zip's first date, as local time: no time zone enters), so the
     * same arrays make the same bytes whenever and wherever they are written.
     */
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

    public static void write(Path file, Map<String, NpyArray> arrays) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            write(out, arrays);
        }
    }

    /** Writes the NPZ to {@code out} (left open); the bytes depend on the arrays alone. */
    public static void write(OutputStream out, Map<String, NpyArray> arrays) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
            ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
            entry.setTimeLocal(ENTRY_TIME);
            zip.putNextEntry(entry);
            writeNpy(zip, e.getValue());
            zip.closeEntry();
        }
        zip.finish();
        zip.flush();
    }

    /**
     * What keeps {@code file} from being a whole, undamaged NPZ file with the arrays {@code names}: it is cut short
     * (no zip directory), lacks one of them, or an entry's bytes do not inflate or fail the CRC-32 that the zip
     * directory records for them (a flipped bit, a block read back as zeros: a file that is whole in shape but not in
     * content); null when it is one. Every entry is read through, as {@code numpy.load} would read it, but not parsed.
     */
    public static String damage(Path file, java.util.List<String> names) {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            for (String name : names) {
                if (zip.getEntry(name + ".npy") == null) {
                    return "it has no array '" + name + "'";
                }
            }
            var entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                try (CheckedInputStream in = new CheckedInputStream(zip.getInputStream(e), new CRC32())) {
                    String failure = crcFailure(in, e);
                    if (failure != null) {
                        return "its " + e.getName() + " " + failure;
                    }
                } catch (IOException inflate) {
                    return "its " + e.getName() + " cannot be read: " + message(inflate);
                }
            }
            return null;
        } catch (IOException e) {
            return "it is not a whole NPZ file: " + message(e);
        }
    }

    private static String message(IOException e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    public static Map<String, NpyArray> read(Path file) throws IOException {
        return readWithChecksum(file).arrays();
    }

    /**
     * A file's arrays, and a checksum of their contents from the zip directory that was read for them (each array's
     * name, CRC-32 and size, as the writer recorded them): two files with the same checksum hold the same arrays,
     * short of a deliberate collision, at no cost beyond the read.
     */
    public record Contents(Map<String, NpyArray> arrays, long checksum) {
    }

    public static Contents readWithChecksum(Path file) throws IOException {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        java.util.zip.CRC32C checksum = new java.util.zip.CRC32C();
        ByteBuffer entry = ByteBuffer.allocate(16);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            var entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry e = entries.nextElement();
                if (!e.getName().endsWith(".npy")) {
                    continue;
                }
                checksum.update(e.getName().getBytes(StandardCharsets.UTF_8));
                checksum.update(entry.clear().putLong(e.getCrc()).putLong(e.getSize()).flip());
                arrays.put(e.getName().substring(0, e.getName().length() - 4), readEntry(zip, e, file));
            }
        }
        return new Contents(arrays, checksum.getValue());
    }

    /** One array of {@code file}, read alone (the others are not decompressed); null when it has none of that name. */
    public static NpyArray readOne(Path file, String name) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry e = zip.getEntry(name + ".npy");
            if (e == null) {
                return null;
            }
            return readEntry(zip, e, file);
        }
    }

    /**
     * One entry's array, its bytes checked against the CRC-32 the zip directory records for them, as
     * {@code numpy.load} (Python's zipfile) checks them: {@link ZipFile} does not check it for a compressed entry, so a
     * flipped bit inflates to other numbers, read as if they were the episode's.
     */
    private static NpyArray readEntry(ZipFile zip, ZipEntry e, Path file) throws IOException {
        String where = file + ":" + e.getName();
        try (CheckedInputStream in = new CheckedInputStream(zip.getInputStream(e), new CRC32())) {
            NpyArray array = readNpy(in, where, e.getSize());
            String failure = crcFailure(in, e);
            if (failure != null) {
                throw new IOException(where + " " + failure);
            }
            return array;
        }
    }

    /**
     * Reads the rest of an entry's bytes through their CRC-32 ({@code in}) and says why they are not those the entry
     * was written with; null when they are (or the zip directory records no CRC-32).
     */
    private static String crcFailure(CheckedInputStream in, ZipEntry e) throws IOException {
        in.transferTo(OutputStream.nullOutputStream());
        return e.getCrc() >= 0 && in.getChecksum().getValue() != e.getCrc()
                ? "fails its CRC-32 check, so its bytes are not those it was written with" : null;
    }

    static void writeNpy(OutputStream out, NpyArray a) throws IOException {
        StringBuilder shape = new StringBuilder("(");
        for (int d : a.shape()) {
            shape.append(d).append(", ");
        }
        if (a.shape().length > 1) {
            shape.setLength(shape.length() - 2);
        } else if (a.shape().length == 1) {
            shape.setLength(shape.length() - 1);
        }
        shape.append(")");
        String dict = "{'descr': '" + a.dtype() + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
        int pad = (64 - unpadded % 64) % 64;
        String header = dict + " ".repeat(pad) + "\n";
        out.write(MAGIC);
        out.write(1);
        out.write(0);
        out.write(header.length() & 0xff);
        out.write((header.length() >> 8) & 0xff);
        out.write(header.getBytes(StandardCharsets.US_ASCII));
        ByteBuffer buf = ByteBuffer.allocate(a.count() * a.itemSize()).order(ByteOrder.LITTLE_ENDIAN);
        switch (a.dtype()) {
            case "<f4" -> buf.asFloatBuffer().put(a.floats());
            case "<i4" -> buf.asIntBuffer().put(a.ints());
            case "<i8" -> buf.asLongBuffer().put(a.longs());
            default -> {
                for (boolean b : a.booleans()) {
                    buf.put((byte) (b ? 1 : 0));
                }
            }
        }
        out.write(buf.array());
    }

    static NpyArray readNpy(InputStream raw, String where) throws IOException {
        return readNpy(raw, where, -1);
    }

    /**
     * Reads one .npy array of at most {@code size} bytes in all ({@code -1}: unknown); a header whose shape asks for
     * more values than that (a damaged or crafted file) is refused before anything of its size is allocated.
     */
    static NpyArray readNpy(InputStream raw, String where, long size) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        byte[] magic = new byte[6];
        in.readFully(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new IOException(where + " is not a .npy array");
        }
        int major = in.readUnsignedByte();
        in.readUnsignedByte();
        int headerLength;
        if (major == 1) {
            headerLength = in.readUnsignedByte() | (in.readUnsignedByte() << 8);
        } else {
            byte[] b = new byte[4];
            in.readFully(b);
            headerLength = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
        }
        byte[] headerBytes = new byte[headerLength];
        in.readFully(headerBytes);
        String header = new String(headerBytes, StandardCharsets.US_ASCII);
        String dtype = group(DESCR, header, where);
        if ("True".equals(group(ORDER, header, where))) {
            throw new IOException(where + " is in Fortran order, which this reader does not take");
        }
        String dims = group(SHAPE, header, where).trim();
        int[] shape;
        try {
            shape = dims.isEmpty() ? new int[0]
                    : java.util.Arrays.stream(dims.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                            .mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new IOException(where + " has a malformed .npy header: shape (" + dims + ")", e);
        }
        long values = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IOException(where + " has a malformed .npy header: negative shape " + dims);
            }
            values = d == 0 || values <= Long.MAX_VALUE / 8 / d ? values * d : Long.MAX_VALUE / 8;
        }
        String normalized = dtype.equals("<?") || dtype.equals("|?") ? "|b1" : dtype;
        int itemSize = switch (normalized) {
            case "<f4", "<i4" -> 4;
            case "|b1", "|u1" -> 1;
            case "<i8" -> 8;
            default -> throw new IOException(where + " has dtype " + dtype + ", which this reader does not take");
        };
        long bodyBytes = values * itemSize;
        long headerBytesInAll = MAGIC.length + 2 + (major == 1 ? 2 : 4) + headerLength;
        if ((size >= 0 && headerBytesInAll + bodyBytes > size) || bodyBytes > Integer.MAX_VALUE - 8) {
            throw new IOException(where + "'s header declares the shape (" + dims + "), " + bodyBytes + " bytes of "
                    + dtype + ", more than " + (size >= 0 ? "its " + size + " bytes hold" : "an array can be"));
        }
        int n = (int) values;
        byte[] body = new byte[n * itemSize];
        in.readFully(body);
        ByteBuffer buf = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        return switch (normalized) {
            case "<f4" -> {
                float[] v = new float[n];
                buf.asFloatBuffer().get(v);
                yield NpyArray.of(v, shape);
            }
            case "<i4" -> {
                int[] v = new int[n];
                buf.asIntBuffer().get(v);
                yield NpyArray.of(v, shape);
            }
            case "<i8" -> {
                long[] v = new long[n];
                buf.asLongBuffer().get(v);
                yield NpyArray.of(v, shape);
            }
            default -> {
                boolean[] v = new boolean[n];
                for (int i = 0; i < n; i++) {
                    v[i] = body[i] != 0;
                }
                yield NpyArray.of(v, shape);
            }
        };
    }

    private static String group(Pattern p, String header, String where) throws IOException {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new IOException(where + " has a malformed .npy header: " + header.trim());
        }
        return m.group(1);
    }
}
