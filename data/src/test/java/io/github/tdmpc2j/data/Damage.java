package io.github.tdmpc2j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** Damage done to an NPZ file as a disk fault or a bad copy does it, for the tests of what notices it. */
final class Damage {
    private Damage() {
    }

    /**
     * Flips one bit inside the compressed bytes of {@code entry} of {@code file} (from their middle on) where the
     * result still inflates, without an error, to as many bytes as before but other ones: the zip's directory and
     * the entry's sizes stay whole, and only the entry's CRC-32 tells. Returns the original bytes of the file.
     */
    static byte[] flipABitThatOnlyTheCrcTells(Path file, String entry) throws IOException {
        byte[] whole = Files.readAllBytes(file);
        byte[] inflated;
        long compressed;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry e = zip.getEntry(entry);
            compressed = e.getCompressedSize();
            try (InputStream in = zip.getInputStream(e)) {
                inflated = in.readAllBytes();
            }
        }
        int start = dataStart(whole, entry);
        for (int at = start + (int) (compressed / 2); at < start + compressed; at++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] bytes = whole.clone();
                bytes[at] ^= (byte) (1 << bit);
                Files.write(file, bytes);
                byte[] now = inflatedOrNull(file, entry);
                if (now != null && now.length == inflated.length && !Arrays.equals(now, inflated)) {
                    return whole;
                }
            }
        }
        Files.write(file, whole);
        throw new AssertionError("no bit of " + entry + " in " + file + " flips to bytes that still inflate");
    }

    /** Where the compressed bytes of {@code entry} begin: after its local header (signature, name, extra field). */
    private static int dataStart(byte[] zip, String entry) {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        byte[] name = entry.getBytes(StandardCharsets.UTF_8);
        for (int at = 0; at + 30 <= zip.length; at++) {
            if (b.getInt(at) != 0x04034b50) {
                continue;
            }
            int nameLength = b.getShort(at + 26) & 0xffff;
            int extraLength = b.getShort(at + 28) & 0xffff;
            if (nameLength == name.length
                    && Arrays.equals(Arrays.copyOfRange(zip, at + 30, at + 30 + nameLength), name)) {
                return at + 30 + nameLength + extraLength;
            }
        }
        throw new AssertionError("no local header of " + entry);
    }

    private static byte[] inflatedOrNull(Path file, String entry) {
        try (ZipFile zip = new ZipFile(file.toFile()); InputStream in = zip.getInputStream(zip.getEntry(entry))) {
            return in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }
}
