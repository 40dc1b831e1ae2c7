package io.github.tdmpc2j.agent.reference;

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
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException("no file " + file + "; give the path of a .pt file saved by TD-MPC2");
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
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
            if (byteorder != null && new String(readAll(zip, byteorder, file), java.nio.charset.StandardCharsets.US_ASCII)
                    .trim().equals("big")) {
                order = ByteOrder.BIG_ENDIAN;
            }
            if (order != ByteOrder.LITTLE_ENDIAN) {
                throw new CheckpointException(file + " was saved on a big-endian machine; re-save it with torch.save "
                        + "on a little-endian one (x86, ARM) and import that copy");
            }
            String base = prefix;
            Map<String, TorchTensor.Storage> storages = new HashMap<>();
            byte[] pickle = readAll(zip, zip.getEntry(prefix + "data.pkl"), file);
            Object top = TorchPickle.read(pickle, file.toString(), ref -> storages.computeIfAbsent(ref.key(), k -> {
                ZipEntry e = zip.getEntry(base + "data/" + k);
                if (e == null) {
                    throw new CheckpointException(file + " has no storage data/" + k + " though its pickle names it; "
                            + "the file is damaged: download it again");
                }
                long need = ref.elements() * ref.dtype().bytes;
                ByteBuffer bytes;
                try {
                    bytes = ByteBuffer.wrap(readAll(zip, e, file));
                } catch (IOException io) {
                    throw new CheckpointException(file + ": storage data/" + k + " cannot be read ("
                            + IoErrors.describe(io)
                            + "); the file is truncated or damaged: download it again", io);
                }
                if (bytes.capacity() < need) {
                    throw new CheckpointException(file + ": storage data/" + k + " holds " + bytes.capacity()
                            + " bytes, " + need + " expected; the file is damaged: download it again");
                }
                return new TorchTensor.Storage(k, ref.dtype(), ref.elements(), () -> bytes);
            }));
            return top;
        } catch (ZipException e) {
            throw new CheckpointException(file + " is not a complete torch.save archive (" + e.getMessage() + "): the "
                    + "file is truncated or damaged, or was saved by PyTorch before 1.6; download it again, or "
                    + "re-save it with a recent torch.save", e);
        } catch (NoSuchFileException e) {
            throw new CheckpointException("no file " + file + "; give the path of a .pt file saved by TD-MPC2", e);
        } catch (IOException e) {
            throw new CheckpointException(file + " cannot be read: " + IoErrors.describe(e), e);
        }
    }

    private static byte[] readAll(ZipFile zip, ZipEntry entry, Path file) throws IOException {
        if (entry.getSize() > Integer.MAX_VALUE - 8) {
            throw new CheckpointException(file + ": entry " + entry.getName() + " is too large to import ("
                    + entry.getSize() + " bytes)");
        }
        try (InputStream in = zip.getInputStream(entry)) {
            return in.readAllBytes();
        } catch (ZipException | java.io.EOFException e) {
            throw new CheckpointException(file + ": entry " + entry.getName() + " cannot be read ("
                    + IoErrors.describe(e)
                    + "); the file is truncated or damaged: download it again", e);
        }
    }
}
