package io.github.tdmpc2j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .npz reader on files it did not write: a header's shape is checked against the bytes there are. */
class NpzTest {
    @Test
    void aHeaderThatAsksForMoreThanTheFileHoldsIsRefusedWithoutAllocatingIt(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("crafted.npz");
        // 4 GB of float32 declared, 8 bytes there
        writeNpz(file, "observation", npy("<f4", "(1000000, 1000)", new byte[8]));
        assertThatThrownBy(() -> Npz.read(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("observation.npy's header declares the shape (1000000, 1000), 4000000000 bytes")
                .hasMessageContaining("more than its");
        Path huge = dir.resolve("huge.npz");
        writeNpz(huge, "observation", npy("<f4", "(2147483647, 2147483647, 2147483647)", new byte[8])); // > a long
        assertThatThrownBy(() -> Npz.read(huge)).isInstanceOf(IOException.class)
                .hasMessageContaining("declares the shape");
        Path wide = dir.resolve("wide.npz");
        writeNpz(wide, "observation", npy("<f4", "(4611686018427387904, 4)", new byte[8])); // a dimension > an int
        assertThatThrownBy(() -> Npz.read(wide)).isInstanceOf(IOException.class)
                .hasMessageContaining("malformed .npy header");
        Path negative = dir.resolve("negative.npz");
        writeNpz(negative, "reward", npy("<f4", "(-2,)", new byte[8]));
        assertThatThrownBy(() -> Npz.read(negative)).isInstanceOf(IOException.class)
                .hasMessageContaining("negative shape");
    }

    @Test
    void aHeaderThatFitsItsBytesReads(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("fits.npz");
        writeNpz(file, "reward", npy("<f4", "(2,)", new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, 0x40}));
        NpyArray reward = Npz.read(file).get("reward");
        assertThat(reward.floats()).containsExactly(1f, 2f);
    }

    private static byte[] npy(String dtype, String shape, byte[] body) throws IOException {
        String dict = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int unpadded = 10 + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        out.write(header.length() & 0xff);
        out.write((header.length() >> 8) & 0xff);
        out.write(header.getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        return out.toByteArray();
    }

    private static void writeNpz(Path file, String name, byte[] npy) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
            zip.putNextEntry(new ZipEntry(name + ".npy"));
            zip.write(npy);
            zip.closeEntry();
        }
    }
}
