package io.github.tdmpc2j.agent.reference;

import io.github.tdmpc2j.spi.GivingUp;
import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.agent.CheckpointException;
import io.github.tdmpc2j.spi.io.IoErrors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads a {@code torch.save} file (PyTorch 1.6 and later: a zip of {@code NAME/data.pkl} plus one raw entry per
 * storage under {@code NAME/data/}) through {@link TorchPickle}, so that nothing in it runs.
 */
public final class TorchArchive {
    /**
     * The largest {@code data.pkl} read: a state dict's pickle names its tensors, not their values (the 317M
     * model's is tens of KB), so a larger one is a damaged or hostile file, whose bytes are not all read.
     */
    static final long MAX_PICKLE_BYTES = 64L << 20;
    /** The bytes of a storage read between two stop checks ({@link GivingUp#check}). */
    private static final int READ_CHUNK = 1 << 20;

    private TorchArchive() {
    }

    /**
     * Whether {@code file} begins as a zip archive does, as every {@code torch.save} file since PyTorch 1.6 does (a
     * damaged one too): for a command that takes a file or a folder, to tell a .pt file from any other file.
     */
    public static boolean isZip(Path file) {
        byte[] head = new byte[4];
        try (var in = Files.newInputStream(file)) {
            return in.readNBytes(head, 0, 4) == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The unpickled top-level object (for a TD-MPC2 checkpoint, {@code {"model": state_dict}}); tensors are
     * {@link TorchTensor}s whose storages are read while the file is open, before this returns.
     */
    public static Object read(Path file) {
        if (Files.isDirectory(file)) {
            throw new CheckpointException(file + " is a folder; give the path of a .pt file saved by TD-MPC2 (a "
                    + "checkpoint folder of tdmpc2j needs no import: eval, export and train --resume take it as it is)");
        }
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException("no file " + file + "; give the path of a .pt file saved by TD-MPC2");
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return load(file, zip, false);
        } catch (ZipException e) {
            throw incomplete(file, e);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("no file " + file + "; give the path of a .pt file saved by TD-MPC2", e);
        } catch (IOException e) {
            throw new CheckpointException(file + " cannot be read: " + IoErrors.describe(e), e);
        }
    }

    /**
     * An open {@code torch.save} file of data (a dataset chunk of the reference: a TensorDict of tensors, or a
     * dict of them) whose tensors are read a slice at a time while it is open ({@link TorchTensor#slice}), so that
     * storages of many GB need no more memory than a slice.
     */
    public static final class Opened implements AutoCloseable {
        private final ZipFile zip;
        private final Object top;

        private Opened(ZipFile zip, Object top) {
            this.zip = zip;
            this.top = top;
        }

        /** The unpickled top-level object: {@link TorchTensorDict}s, dicts, lists, {@link TorchTensor}s. */
        public Object top() {
            return top;
        }

        @Override
        public void close() {
            try {
                zip.close();
            } catch (IOException e) {
                // read only: nothing is lost
            }
        }
    }

    /** Opens {@code file} (a dataset chunk) as {@link Opened} describes; nothing in it is run. */
    public static Opened open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException("no file " + file + "; give the path of a .pt file of the reference's "
                    + "dataset (chunk_0.pt, say)");
        }
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw incomplete(file, e);
        } catch (IOException e) {
            throw new CheckpointException(file + " cannot be read: " + IoErrors.describe(e), e);
        }
        try {
            return new Opened(zip, load(file, zip, true));
        } catch (IOException | RuntimeException e) {
            try {
                zip.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof ZipException z) {
                throw incomplete(file, z);
            }
            if (e instanceof IOException io) {
                throw new CheckpointException(file + " cannot be read: " + IoErrors.describe(io), io);
            }
            throw (RuntimeException) e;
        }
    }

    private static CheckpointException incomplete(Path file, ZipException e) {
        return new CheckpointException(file + " is not a complete torch.save archive (" + e.getMessage() + "): the "
                + "file is truncated or damaged, or was saved by PyTorch before 1.6; download it again, or "
                + "re-save it with a recent torch.save", e);
    }

    /**
     * The top-level object of the open archive {@code zip}: with its storages read whole now (a checkpoint's), or,
     * for {@code data}, read a range at a time from the archive while it is open (a dataset's).
     */
    private static Object load(Path file, ZipFile zip, boolean data) throws IOException {
        String prefix = null;
        Enumeration<? extends ZipEntry> entries = zip.entries();
        while (entries.hasMoreElements()) {
            String name = entries.nextElement().getName();
            if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                prefix = name.substring(0, name.length() - "data.pkl".length());
                break;
            }
        }
        if (prefix == null) {
            throw new CheckpointException(file + " is a zip file but holds no data.pkl; it is not a torch.save "
                    + "archive");
        }
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        ZipEntry byteorder = zip.getEntry(prefix + "byteorder");
        if (byteorder != null && new String(read(zip, byteorder, 16, false, file),
                java.nio.charset.StandardCharsets.US_ASCII).trim().equals("big")) {
            order = ByteOrder.BIG_ENDIAN;
        }
        if (order != ByteOrder.LITTLE_ENDIAN) {
            throw new CheckpointException(file + " was saved on a big-endian machine; re-save it with torch.save "
                    + "on a little-endian one (x86, ARM) and import that copy");
        }
        String base = prefix;
        Map<String, TorchTensor.Storage> storages = new HashMap<>();
        ZipEntry pickleEntry = zip.getEntry(prefix + "data.pkl");
        if (pickleEntry.getSize() > MAX_PICKLE_BYTES) {
            throw new CheckpointException(file + ": its data.pkl is " + pickleEntry.getSize() + " bytes, far more "
                    + "than a state dict's; the file is damaged or not a TD-MPC2 checkpoint");
        }
        byte[] pickle = read(zip, pickleEntry, MAX_PICKLE_BYTES, false, file);
        String source = file.toString();
        if (data) {
            return TorchPickle.readData(pickle, source, ref -> storages.computeIfAbsent(ref.key(),
                    k -> ranged(file, zip, base, k, ref)));
        }
        Object top = TorchPickle.read(pickle, source, ref -> storages.computeIfAbsent(ref.key(), k -> {
            ZipEntry e = storageEntry(file, zip, base, k);
            long need = storageBytes(ref);
            if (need > Integer.MAX_VALUE - 8 || (e.getSize() >= 0 && e.getSize() < need)) {
                throw new CheckpointException(file + ": storage data/" + k + " holds "
                        + Messages.plural(e.getSize(), "byte") + ", its pickle names "
                        + Messages.plural(ref.elements(), "element") + " of " + ref.dtype() + " in it"
                        + (need > Integer.MAX_VALUE - 8 ? " (more than a storage this reader takes, 2 GB)" : "")
                        + "; the file is damaged: download it again");
            }
            ensureMemory(need, source, "storage data/" + k);
            // exactly the bytes the pickle names: a file whose entry inflates to more is not read further
            ByteBuffer bytes;
            try {
                bytes = ByteBuffer.wrap(read(zip, e, need, true, file));
            } catch (IOException io) {
                throw new CheckpointException(file + ": storage data/" + k + " cannot be read ("
                        + IoErrors.describe(io) + "); the file is truncated or damaged: download it again", io);
            }
            return new TorchTensor.Storage(source, k, ref.dtype(), ref.elements(), () -> bytes);
        }));
        return top;
    }

    /** Storage {@code k}'s entry (data/k under the archive's folder {@code base}); a missing one is damage. */
    private static ZipEntry storageEntry(Path file, ZipFile zip, String base, String k) {
        ZipEntry e = zip.getEntry(base + "data/" + k);
        if (e == null) {
            throw new CheckpointException(file + " has no storage data/" + k + " though its pickle names it; "
                    + "the file is damaged: download it again");
        }
        return e;
    }

    /** The bytes the pickle says storage {@code ref} holds; Long.MAX_VALUE past a long. */
    private static long storageBytes(TorchPickle.StorageRef ref) {
        try {
            return Math.multiplyExact(ref.elements(), ref.dtype().bytes);
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    /**
     * The storage {@code ref} as entry data/{@code k} of {@code zip}, read a range at a time: a stored (uncompressed)
     * entry, as torch.save writes them, is skipped to the range's start without reading what lies before it.
     */
    private static TorchTensor.Storage ranged(Path file, ZipFile zip, String base, String k,
            TorchPickle.StorageRef ref) {
        ZipEntry e = storageEntry(file, zip, base, k);
        String name = "data/" + k;
        long need = storageBytes(ref);
        if (e.getSize() < need) {
            throw new CheckpointException(file + ": storage " + name + " holds "
                    + Messages.plural(e.getSize(), "byte") + ", its pickle names "
                    + Messages.plural(ref.elements(), "element") + " of " + ref.dtype() + " in it; the file is "
                    + "truncated or damaged: download it again");
        }
        return new TorchTensor.Storage(file.toString(), ref.key(), ref.dtype(), ref.elements(), (offset, length) -> {
            byte[] bytes;
            try (InputStream in = zip.getInputStream(e)) {
                in.skipNBytes(offset);
                bytes = in.readNBytes(length);
            } catch (IOException io) {
                throw new CheckpointException(file + ": storage " + name
                        + " cannot be read (" + IoErrors.describe(io) + "); the file is truncated or damaged: "
                        + "download it again", io);
            }
            if (bytes.length < length) {
                throw new CheckpointException(file + ": storage " + name
                        + " ends early; the file is truncated or damaged: download it again");
            }
            return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        });
    }

    /**
     * The entry's first {@code limit} bytes (all of them, when {@code exactly}); an entry that holds more than
     * {@code limit} (one whose compressed bytes inflate past what its header says, say) is refused without
     * reading further, so that a small hostile file cannot fill the memory.
     */
    private static byte[] read(ZipFile zip, ZipEntry entry, long limit, boolean exactly, Path file)
            throws IOException {
        byte[] bytes;
        boolean more;
        int got;
        try (InputStream in = zip.getInputStream(entry)) {
            if (exactly) {
                // a storage: a megabyte at a time, a stop heeded between them (GivingUp): the 317M model's largest
                // storage is half a gigabyte, seconds to inflate
                bytes = new byte[(int) limit];
                got = 0;
                int n;
                do {
                    GivingUp.check();
                    n = in.readNBytes(bytes, got, Math.min(READ_CHUNK, bytes.length - got));
                    got += n;
                } while (n > 0 && got < bytes.length);
                more = false;
            } else {
                bytes = in.readNBytes((int) limit);
                got = bytes.length;
                more = in.read() >= 0;
            }
        } catch (ZipException | java.io.EOFException e) {
            throw new CheckpointException(file + ": entry " + entry.getName() + " cannot be read ("
                    + IoErrors.describe(e)
                    + "); the file is truncated or damaged: download it again", e);
        }
        if (more || (exactly && got < limit)) {
            throw new CheckpointException(file + ": entry " + entry.getName() + " holds " + (more ? "more than "
                    : "only ") + got + " bytes, " + (exactly ? "" : "at most ") + limit + " expected; the "
                    + "file is damaged: download it again");
        }
        return bytes;
    }

    /**
     * Refuses, before it is made, an array of {@code bytes} that the JVM's heap has no room for: a model larger
     * than the heap (or a damaged file that names such sizes) is a message that says what to do, not an
     * {@link OutOfMemoryError}.
     */
    static void ensureMemory(long bytes, String source, String what) {
        Runtime rt = Runtime.getRuntime();
        long free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (bytes <= free) {
            return;
        }
        System.gc(); // what is free once the garbage is gone, before refusing
        free = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        if (bytes > free) {
            long mb = 1 << 20;
            throw new CheckpointException(source + ": " + what + " needs " + bytes / mb + " MB of memory but the "
                    + "JVM has " + free / mb + " MB free of its " + rt.maxMemory() / mb + " MB: give it more (e.g. "
                    + "TDMPC2J_JAVA_OPTS=-Xmx" + Math.max(2, 2 * (rt.maxMemory() + bytes) / (1L << 30) + 1) + "g, "
                    + "within the machine's memory). If the file is not a model that large, it is damaged: download "
                    + "it again");
        }
    }
}
