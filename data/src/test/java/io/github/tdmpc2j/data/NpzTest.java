package io.github.tdmpc2j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    @Test
    void aFlippedBitThatStillInflatesIsRefusedByItsCrc(@TempDir Path dir) throws IOException {
        // numpy.load refuses such a file (zipfile's "Bad CRC-32"); ZipFile inflated it to other numbers, read as data
        float[] values = gaussians(200 * 24, 1);
        Path file = dir.resolve("episode-000000.npz");
        Npz.write(file, Map.of("observation", NpyArray.of(values, new int[] {200, 24})));
        Path damaged = dir.resolve("damaged.npz");
        Files.copy(file, damaged);
        Damage.flipABitThatOnlyTheCrcTells(damaged, "observation.npy");
        assertThatThrownBy(() -> Npz.read(damaged)).isInstanceOf(IOException.class)
                .hasMessageContaining("observation.npy fails its CRC-32 check");
        assertThatThrownBy(() -> Npz.readOne(damaged, "observation")).isInstanceOf(IOException.class)
                .hasMessageContaining("CRC-32");
        assertThat(Npz.read(file).get("observation").floats()).containsExactly(values);
    }

    /**
     * What keeps a file from being a whole, undamaged NPZ file: its zip directory (cut short), an array it lacks, and
     * an entry whose bytes fail their CRC-32 though the zip around them is whole (only reading them through tells).
     */
    @Test
    void damageIsFoundInTheDirectoryAndInTheEntriesBytes(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("whole.npz");
        Map<String, NpyArray> arrays = new java.util.LinkedHashMap<>();
        arrays.put("observation", NpyArray.of(gaussians(200 * 24, 2), 200, 24));
        arrays.put("reward", NpyArray.of(new float[] {1f, 2f}, 2));
        Npz.write(file, arrays);
        List<String> names = List.of("observation", "reward");
        assertThat(Npz.damage(file, names)).isNull();
        assertThat(Npz.damage(file, List.of("observation", "action"))).isEqualTo("it has no array 'action'");
        Path cut = dir.resolve("cut.npz");
        byte[] whole = Files.readAllBytes(file);
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length - 30));
        assertThat(Npz.damage(cut, names)).startsWith("it is not a whole NPZ file");
        Path flipped = dir.resolve("flipped.npz");
        Files.copy(file, flipped);
        Damage.flipABitThatOnlyTheCrcTells(flipped, "observation.npy");
        assertThat(Npz.damage(flipped, names)).startsWith("its observation.npy fails its CRC-32 check");
    }

    private static float[] gaussians(int n, long seed) {
        java.util.Random random = new java.util.Random(seed);
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return values;
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
