package io.github.tdmpc2j.spi.agent;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A checkpoint writer for crash tests, run in a child JVM: {@code TARGET STEP} writes three files whose bytes
 * all say STEP. With {@code -Dtest.haltInContents=true} it halts half way through its first file.
 */
final class CheckpointWriterMain {
    static final int WEIGHT_BYTES = 1 << 20;

    private CheckpointWriterMain() {
    }

    public static void main(String[] args) {
        write(Path.of(args[0]), Long.parseLong(args[1]), Boolean.getBoolean("test.haltInContents"));
    }

    static void write(Path target, long step, boolean haltInContents) {
        CheckpointFolder.write(target, step, dir -> {
            byte[] half = new byte[WEIGHT_BYTES / 2];
            Arrays.fill(half, (byte) step);
            try (OutputStream out = Files.newOutputStream(dir.resolve("weights.bin"))) {
                out.write(half);
                out.flush();
                if (haltInContents) {
                    Runtime.getRuntime().halt(CheckpointFolder.HALT_STATUS);
                }
                out.write(half);
            }
            Files.createDirectories(dir.resolve("buffer"));
            Files.write(dir.resolve("buffer").resolve("replay.bin"), half);
            Files.writeString(dir.resolve("trainer.properties"), "step=" + step + "\n");
        });
    }

    /** The step every file of a checkpoint folder says; fails if they disagree. */
    static long stepOfFiles(Path dir) throws IOException {
        byte[] w = Files.readAllBytes(dir.resolve("weights.bin"));
        byte[] b = Files.readAllBytes(dir.resolve("buffer").resolve("replay.bin"));
        long t = Long.parseLong(Files.readString(dir.resolve("trainer.properties")).trim().substring(5));
        if (w.length != WEIGHT_BYTES || w[0] != t || w[w.length - 1] != t || b[0] != t || b[b.length - 1] != t) {
            throw new AssertionError("a mixed checkpoint in " + dir + ": trainer step " + t + ", weights " + w[0]
                    + "/" + w[w.length - 1] + " (" + w.length + " bytes), buffer " + b[0]);
        }
        return t;
    }
}
