package io.github.tdmpc2j.spi.agent;

import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.io.AtomicWrites;
import io.github.tdmpc2j.spi.io.IoErrors;
import io.github.tdmpc2j.spi.io.WriteFailedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A checkpoint as one unit: a folder whose files were all written together, with a manifest, written last, that
 * names every file with its size and SHA-256 and the step the checkpoint was taken at.
 *
 * <p>{@link #write} fills a new folder {@code NAME.tmp-PID@HOST-NONCE} ({@link AtomicWrites#temporaryName}) beside
 * the target, syncs it, writes the manifest,
 * then swaps folders: the previous checkpoint is renamed to {@code NAME.old}, the new folder to {@code NAME}, and
 * the old one is deleted. A writer killed at any point leaves either the whole previous checkpoint or the whole
 * new one: {@link #open} (read-only) takes {@code NAME}, or {@code NAME.old} when the writer died between the two
 * renames; {@link #recover} (for the folder's writer) puts that state right and deletes stale {@code .tmp-}
 * folders, as every {@link #write} does first. {@link #open} checks every checksum and refuses a folder with a
 * changed, missing or extra file, so a bit flip or a file copied in from another checkpoint never loads.
 */
public final class CheckpointFolder {
    /** The manifest's file name inside a checkpoint folder. */
    public static final String MANIFEST = "manifest.properties";
    /** The name of the checkpoint folder inside a run folder (the folder {@code train} writes). */
    public static final String IN_RUN = "checkpoint";
    /** What a command that reads a checkpoint takes, for messages. */
    private static final String EXPECTED = "the checkpoint/ folder of a run `train` wrote, a run folder that holds "
            + "one, or a folder `import` wrote";
    /**
     * For crash tests: a system property naming a {@link Stage}; the writer halts the JVM there (as a kill -9
     * would, no shutdown hooks) with exit status {@link #HALT_STATUS}.
     */
    public static final String HALT_PROPERTY = "tdmpc2j.checkpoint.haltAt";
    public static final int HALT_STATUS = 137;

    private static final String FORMAT = "1";

    /** The points of {@link #write} where a crash test can halt the writer, in order. */
    public enum Stage {
        /** The new folder holds the files but no manifest yet. */
        CONTENTS_WRITTEN,
        /** The new folder is complete, the previous checkpoint still in place. */
        MANIFEST_WRITTEN,
        /** The previous checkpoint is renamed to {@code NAME.old}; {@code NAME} is missing. */
        OLD_MOVED_ASIDE,
        /** The new folder is {@code NAME}; {@code NAME.old} is not yet deleted. */
        NEW_IN_PLACE
    }

    /** Writes a checkpoint's files into a new, empty folder. */
    @FunctionalInterface
    public interface Contents {
        void writeInto(Path dir) throws IOException;
    }

    /**
     * A verified checkpoint.
     *
     * @param dir   the folder to read the files from ({@code NAME}, or {@code NAME.old} after a writer crashed
     *              between its renames)
     * @param step  the step the writer recorded
     * @param files every file of the checkpoint, relative to {@code dir}, with its SHA-256
     */
    public record Manifest(Path dir, long step, Map<String, String> files) {
        public Manifest {
            files = Map.copyOf(files);
        }

        public boolean contains(String file) {
            return files.containsKey(file);
        }

        /**
         * One SHA-256 (hex) over every file's name and SHA-256, in name order: two checkpoints have the same digest
         * exactly when their files are the same, wherever they are.
         */
        public String digest() {
            MessageDigest md = sha256();
            files.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> md.update(
                    (e.getKey() + " " + e.getValue() + "\n").getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(md.digest());
        }
    }

    private CheckpointFolder() {
    }

    /**
     * Writes a checkpoint to {@code target} as one unit, replacing the one there. {@code target} must be missing,
     * empty, or a checkpoint folder (one with a manifest): anything else is refused rather than deleted. A write
     * given up for a stop while its files are written or hashed ({@link io.github.tdmpc2j.spi.GivingUp}: an import
     * that a signal ends) throws its {@code GivenUp} as it is, the checkpoint there left as it was.
     */
    public static void write(Path target, long step, Contents contents) {
        requireFolder(target);
        Path parent = parent(target);
        String name = target.getFileName().toString();
        recover(target);
        if (Files.isDirectory(target) && !Files.isRegularFile(target.resolve(MANIFEST)) && !isEmpty(target)) {
            throw new CheckpointException(target + " exists and is not a checkpoint folder of this version (it has "
                    + "no " + MANIFEST + "); move it away or delete it, or save the checkpoint somewhere else");
        }
        Path tmp = parent.resolve(AtomicWrites.temporaryName(name));
        Path old = parent.resolve(name + ".old");
        try {
            Files.createDirectories(parent);
            Files.createDirectory(tmp);
            contents.writeInto(tmp);
            if (Files.exists(tmp.resolve(MANIFEST), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                // the manifest's own write would fail with "already exists", said of the disk
                throw new CheckpointException("cannot write the checkpoint " + target + ": its contents hold a file "
                        + "named " + MANIFEST + ", the name a checkpoint keeps for its manifest, which tdmpc2j writes "
                        + "last: an agent's writeState gives its files other names");
            }
            haltAt(Stage.CONTENTS_WRITTEN);
            writeManifest(tmp, step);
            haltAt(Stage.MANIFEST_WRITTEN);
            if (Files.exists(target)) {
                Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
                haltAt(Stage.OLD_MOVED_ASIDE);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            sync(parent);
            haltAt(Stage.NEW_IN_PLACE);
            AtomicWrites.deleteTree(old);
        } catch (IOException | RuntimeException e) {
            try {
                AtomicWrites.deleteTree(tmp);
            } catch (IOException ignored) {
                // the original error matters more; the next write removes the folder
            }
            if (e instanceof io.github.tdmpc2j.spi.GivingUp.GivenUp stop) {
                throw stop; // given up for a stop (GivingUp): no failure, the checkpoint there as it was
            }
            // a write of the contents that failed (a full disk) is said of the checkpoint, not of its temporary
            // folder; a refusal of the contents, in their own words
            IOException io = e instanceof IOException i ? i : e.getCause() instanceof IOException i ? i : null;
            if (e instanceof CheckpointException ce && io == null) {
                throw ce;
            }
            String previous = Files.isDirectory(old) && !Files.exists(target) ? "; the previous checkpoint is in " + old
                    : "";
            if (io != null) { // the file system's failure (a full disk): the checkpoint there is as it was
                throw new WriteFailedException("the checkpoint " + target + previous, io);
            }
            // a typed refusal (an agent closed before its save) in its own words; an untyped one with its class
            String why = e instanceof TdmpcException ? e.getMessage() : e.toString();
            throw new CheckpointException("could not write the checkpoint " + target + ": " + why + previous, e);
        }
    }

    /**
     * The checkpoint folder a user named: {@code given} itself when it is one (or when the previous checkpoint a
     * crashed writer left is beside it as {@code given.old}), else {@code given/checkpoint} when {@code given} is a
     * run folder holding one ({@link #IN_RUN}); otherwise {@code given}, for {@link #open} to say why it is not one.
     * Reads nothing but the folders' names.
     */
    public static Path resolve(Path given) {
        requireFolder(given);
        if (Files.isRegularFile(given.resolve(MANIFEST)) || !Files.isDirectory(given)) {
            return given;
        }
        Path inRun = given.resolve(IN_RUN);
        return exists(inRun) ? inRun : given;
    }

    /**
     * The checkpoint in {@code target}, verified: every file the manifest names is there with its checksum, and
     * there is no other file. Changes nothing on disk.
     */
    public static Manifest open(Path target) {
        requireFolder(target);
        Path old = parent(target).resolve(target.getFileName() + ".old");
        Path dir = Files.isDirectory(target) ? target : Files.isDirectory(old) ? old : null;
        if (dir == null) {
            throw new CheckpointException("no checkpoint folder at " + target + " ("
                    + (Files.exists(target) ? "it is a file" : "no such file or folder") + "). Expected " + EXPECTED
                    + ".");
        }
        Path manifestFile = dir.resolve(MANIFEST);
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(manifestFile)) {
            p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            if (exists(dir.resolve(IN_RUN))) {
                throw new CheckpointException(dir + " is a run folder, not a checkpoint folder: give "
                        + dir.resolve(IN_RUN));
            }
            if (!hasFiles(dir)) {
                throw new CheckpointException(dir + " holds no checkpoint: it has no files of its own and no "
                        + IN_RUN + "/ folder. Expected " + EXPECTED + ".");
            }
            throw new CheckpointException(dir + " has no " + MANIFEST + ", so it is not a checkpoint this version "
                    + "can check. Expected " + EXPECTED + ". A checkpoint written before tdmpc2j's checkpoints "
                    + "carried a manifest cannot be checked (train again to make one), nor one whose writer was "
                    + "stopped before it finished (use another checkpoint).");
        } catch (IOException | IllegalArgumentException e) {
            throw new CheckpointException(manifestFile + " cannot be read (" + (e instanceof IOException io
                    ? IoErrors.describe(io) : e.getMessage()) + "); the checkpoint is "
                    + "damaged, use another one", e);
        }
        long step;
        int count;
        try {
            if (!FORMAT.equals(p.getProperty("format"))) {
                throw new NumberFormatException("format " + p.getProperty("format"));
            }
            step = Long.parseLong(p.getProperty("step"));
            count = Integer.parseInt(p.getProperty("files"));
        } catch (NumberFormatException e) {
            throw new CheckpointException(manifestFile + " is not a manifest this version reads (" + e.getMessage()
                    + "); the checkpoint is damaged or from another version, use another one");
        }
        Map<String, String> files = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            String file = p.getProperty("file." + i);
            String sha = p.getProperty("file." + i + ".sha256");
            String bytes = p.getProperty("file." + i + ".bytes");
            if (file == null || sha == null || bytes == null) {
                throw new CheckpointException(manifestFile + " lacks entry " + i + " of " + count
                        + "; the checkpoint is damaged, use another one");
            }
            Path f = dir.resolve(file);
            try {
                if (!Files.isRegularFile(f)) {
                    throw new CheckpointException(dir + " lacks " + file + ", which its manifest lists: the checkpoint "
                            + "(step " + step + ") is incomplete; use another one");
                }
                if (Files.size(f) != Long.parseLong(bytes) || !sha.equals(sha256(f, false))) {
                    throw new CheckpointException(f + " does not match the checksum in " + MANIFEST + ": it was "
                            + "changed or damaged after the checkpoint (step " + step + ") was written, by a bit flip "
                            + "or a file copied in from another checkpoint. Restore the file, or use another "
                            + "checkpoint.");
                }
            } catch (IOException | NumberFormatException e) {
                throw new CheckpointException("cannot check " + f + ": " + (e instanceof IOException io ? IoErrors.describe(io) : e.getMessage()), e);
            }
            files.put(file, sha);
        }
        for (String file : listFiles(dir)) {
            if (!file.equals(MANIFEST) && !files.containsKey(file)) {
                throw new CheckpointException(dir.resolve(file) + " is not in the checkpoint's " + MANIFEST + ": it is "
                        + "not part of the checkpoint written at step " + step + " (a file copied in from another "
                        + "checkpoint?). Remove it, or use another checkpoint.");
            }
        }
        return new Manifest(dir, step, files);
    }

    /** How often {@link #read} starts over on a checkpoint its writer keeps replacing before it gives up. */
    private static final int READ_ATTEMPTS = 10;

    /**
     * Reads the checkpoint in {@code target} with {@code reader} while its writer may replace it (a run that is
     * training): verifies it as {@link #open} does, reads it, and starts over when the checkpoint in {@code target}
     * was replaced meanwhile, so that {@code reader} returns what it read from the files of one checkpoint. A
     * failure while the same checkpoint stayed in place is that checkpoint's (damage, another shape, ...).
     */
    public static <T> T read(Path target, java.util.function.Function<Manifest, T> reader) {
        requireFolder(target);
        for (int attempt = 1;; attempt++) {
            byte[] before = manifestBytes(target);
            try {
                T result = reader.apply(open(target));
                if (before != null && java.util.Arrays.equals(before, manifestBytes(target))) {
                    return result;
                }
            } catch (RuntimeException e) {
                if (java.util.Arrays.equals(before, manifestBytes(target)) || attempt >= READ_ATTEMPTS) {
                    throw e;
                }
            }
            if (attempt >= READ_ATTEMPTS) {
                throw replacedTooOften(target);
            }
        }
    }

    /**
     * Runs {@code load} on {@code target} (an {@link Agent#load}, which verifies and reads the checkpoint there) and
     * returns the step of the checkpoint it read: its manifest's, the same before and after the load. A writer
     * that replaced the checkpoint meanwhile (a run that is training) makes it load again, as {@link #read} does.
     */
    public static long loadedStep(Path target, java.util.function.Consumer<Path> load) {
        requireFolder(target);
        for (int attempt = 1;; attempt++) {
            byte[] before = manifestBytes(target);
            load.accept(target);
            byte[] after = manifestBytes(target);
            if (after != null && java.util.Arrays.equals(before, after)) {
                try {
                    return stepOf(after);
                } catch (IOException | RuntimeException e) {
                    // load verified this manifest; a step it cannot parse is damage all the same
                    throw new CheckpointException("the manifest of the checkpoint " + target + " names no step ("
                            + e.getMessage() + "); the checkpoint is damaged, use another one");
                }
            }
            if (attempt >= READ_ATTEMPTS) {
                throw replacedTooOften(target);
            }
        }
    }

    private static CheckpointException replacedTooOften(Path target) {
        return new CheckpointException("the checkpoint " + target + " was replaced " + READ_ATTEMPTS + " times while "
                + "it was read (its run saves it that often); read it again, or read a copy of it");
    }

    /**
     * The step the manifest of the checkpoint in {@code target} names, read without verifying its files (for a check
     * before its writer opens it with {@link #open}: a checksum of a large replay buffer is not read for it); empty
     * when there is no manifest or it names no step.
     */
    public static java.util.OptionalLong savedStep(Path target) {
        requireFolder(target);
        byte[] bytes = manifestBytes(target);
        if (bytes == null) {
            return java.util.OptionalLong.empty();
        }
        try {
            return java.util.OptionalLong.of(stepOf(bytes));
        } catch (IOException | RuntimeException e) {
            return java.util.OptionalLong.empty(); // damaged: its writer's open says so
        }
    }

    /** The step a manifest's bytes name; what cannot be read or parsed as one throws. */
    private static long stepOf(byte[] manifest) throws IOException {
        Properties p = new Properties();
        p.load(new java.io.StringReader(new String(manifest, StandardCharsets.UTF_8)));
        return Long.parseLong(p.getProperty("step"));
    }

    /** The manifest that {@link #open} would read now, as bytes; null when there is none. */
    private static byte[] manifestBytes(Path target) {
        Path old = parent(target).resolve(target.getFileName() + ".old");
        Path dir = Files.isDirectory(target) ? target : old;
        try {
            return Files.readAllBytes(dir.resolve(MANIFEST));
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The checkpoint folder that {@code path} would be inside, if any: a folder above it that has a manifest (or,
     * while its writer swaps folders, whose {@code NAME.old} has one). A file written there makes that checkpoint
     * fail its check ({@link #open} refuses a file its manifest does not list), and the next save of a run
     * deletes it: a command that writes a file refuses such a path.
     */
    public static java.util.Optional<Path> enclosing(Path path) {
        requireFolder(path);
        for (Path dir = path.toAbsolutePath().normalize().getParent(); dir != null; dir = dir.getParent()) {
            Path old = dir.getFileName() == null ? null : dir.resolveSibling(dir.getFileName() + ".old");
            if (Files.isRegularFile(dir.resolve(MANIFEST))
                    || (!Files.exists(dir) && old != null && Files.isRegularFile(old.resolve(MANIFEST)))) {
                return java.util.Optional.of(dir);
            }
        }
        return java.util.Optional.empty();
    }

    /** Whether {@code target} or the previous checkpoint a crashed writer left beside it exists. */
    public static boolean exists(Path target) {
        requireFolder(target);
        return Files.isDirectory(target) || Files.isDirectory(parent(target).resolve(target.getFileName() + ".old"));
    }

    /**
     * For the writer of {@code target} only (a reader could disturb a write in progress): after a crash between
     * the two renames, renames {@code NAME.old} back to {@code NAME}; deletes {@code NAME.old} when {@code NAME}
     * is in place, and every stale {@code NAME.tmp-*} folder (not one a running process is filling:
     * {@link AtomicWrites#mayBeInUse}).
     */
    public static void recover(Path target) {
        requireFolder(target);
        Path parent = parent(target);
        String name = target.getFileName().toString();
        Path old = parent.resolve(name + ".old");
        try {
            if (!Files.exists(target) && Files.isDirectory(old)) {
                Files.move(old, target, StandardCopyOption.ATOMIC_MOVE);
                sync(parent);
            }
            AtomicWrites.deleteTree(old);
            if (Files.isDirectory(parent)) {
                try (DirectoryStream<Path> stale = Files.newDirectoryStream(parent, glob(name) + ".tmp-*")) {
                    for (Path t : stale) {
                        if (!AtomicWrites.mayBeInUse(t)) { // an earlier version's name, or a stopped writer's
                            AtomicWrites.deleteTree(t);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new CheckpointException("cannot tidy the checkpoint folder " + target + " after an interrupted "
                    + "save: " + IoErrors.describe(e) + "; check the permissions of " + parent, e);
        }
    }

    private static void writeManifest(Path dir, long step) throws IOException {
        List<String> files = listFiles(dir);
        Properties p = new Properties();
        p.setProperty("format", FORMAT);
        p.setProperty("step", Long.toString(step));
        p.setProperty("files", Integer.toString(files.size()));
        for (int i = 0; i < files.size(); i++) {
            Path f = dir.resolve(files.get(i));
            p.setProperty("file." + i, files.get(i));
            p.setProperty("file." + i + ".sha256", sha256(f, true));
            p.setProperty("file." + i + ".bytes", Long.toString(Files.size(f)));
        }
        java.io.StringWriter text = new java.io.StringWriter();
        p.store(text, "tdmpc2j checkpoint: every file with its SHA-256, written last");
        try (FileChannel ch = FileChannel.open(dir.resolve(MANIFEST), StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
            ch.force(true);
        }
        sync(dir);
    }

    /** Every regular file under {@code dir}, as sorted relative paths with '/'. */
    private static List<String> listFiles(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(f -> dir.relativize(f).toString().replace('\\', '/'))
                    .sorted().toList();
        } catch (IOException e) {
            throw new CheckpointException("cannot list the checkpoint folder " + dir + ": " + IoErrors.describe(e), e);
        }
    }

    /** The file's SHA-256 in hex; with {@code sync}, also forces the file to disk. */
    private static String sha256(Path file, boolean sync) throws IOException {
        MessageDigest md = sha256();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1 << 20);
            while (ch.read(buf) >= 0) {
                io.github.tdmpc2j.spi.GivingUp.check(); // a large model's weights: seconds to hash
                buf.flip();
                md.update(buf);
                buf.clear();
            }
            if (sync) {
                ch.force(true);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** Forces the folder's entries to the disk where the platform can ({@link AtomicWrites#forceFolder}). */
    private static void sync(Path dir) throws IOException {
        AtomicWrites.forceFolder(dir);
    }

    private static void haltAt(Stage stage) {
        if (stage.name().equals(System.getProperty(HALT_PROPERTY))) {
            Runtime.getRuntime().halt(HALT_STATUS);
        }
    }

    /** Whether {@code dir} holds a regular file of its own (not only folders). */
    private static boolean hasFiles(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(Files::isRegularFile);
        } catch (IOException e) {
            return true; // unreadable: say what an unreadable checkpoint could be
        }
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    /** Refuses a null folder, the caller's mistake, saying what to pass (untyped, it would be the agent's fault). */
    static void requireFolder(Path target) {
        if (target == null) {
            throw new TdmpcException("the checkpoint folder is null: pass its path (Path.of(\"runs/x/checkpoint\"), "
                    + "or a run folder that holds one)");
        }
    }

    private static Path parent(Path target) {
        Path parent = target.toAbsolutePath().getParent();
        if (parent == null) {
            throw new CheckpointException("a checkpoint folder needs a parent folder, got " + target);
        }
        return parent;
    }

    private static String glob(String name) {
        return name.replaceAll("([*?\\[\\]{}\\\\])", "\\\\$1");
    }
}
