package io.github.tdmpc2j.data;

import io.github.tdmpc2j.spi.agent.CheckpointFolder;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What produced a dataset's episodes, as its index records it: {@code random}, or a checkpoint folder with the
 * step and the digest of its files ({@link CheckpointFolder.Manifest#digest}), so that a resumed collection can
 * tell whether it would add episodes of another policy.
 *
 * @param name   {@code random}, or the checkpoint folder's absolute path
 * @param step   the checkpoint's step; null for {@code random} and in datasets written before it was recorded
 * @param digest the checkpoint's digest; null likewise
 */
public record DatasetPolicy(String name, Long step, String digest) implements Serializable {
    public static final DatasetPolicy RANDOM = new DatasetPolicy("random", null, null);
    /** How the name of episodes imported from the reference's dataset begins ({@link #imported}). */
    private static final String IMPORTED = "reference-data:";

    public DatasetPolicy {
        Objects.requireNonNull(name, "name");
    }

    /** The checkpoint folder {@code folder}, verified as {@code manifest}. */
    public static DatasetPolicy checkpoint(Path folder, CheckpointFolder.Manifest manifest) {
        return new DatasetPolicy(folder.toAbsolutePath().normalize().toString(), manifest.step(), manifest.digest());
    }

    /**
     * Episodes imported from the reference's released dataset ({@code tdmpc2j import-data}): {@code source} is the
     * chunk file or folder as given, {@code digest} stands for the chunk files imported (their names and sizes), so
     * that an import resumed from other files is refused rather than mixed in.
     */
    public static DatasetPolicy imported(Path source, String digest) {
        return new DatasetPolicy(IMPORTED + source.toAbsolutePath().normalize(), null, Objects.requireNonNull(digest));
    }

    /** Whether the episodes were imported from the reference's dataset ({@link #imported}). */
    public boolean imported() {
        return name.startsWith(IMPORTED);
    }

    public boolean random() {
        return digest == null && name.equals("random");
    }

    /**
     * Whether episodes of {@code other} belong with episodes of this policy: the same checkpoint files (wherever
     * they are now), or, where a dataset recorded no digest (written before it was), the same folder.
     */
    public boolean sameAs(DatasetPolicy other) {
        if (digest != null && other.digest != null) {
            return digest.equals(other.digest);
        }
        return random() ? other.random() : !other.random() && path().equals(other.path());
    }

    /** As {@code --policy} takes it. */
    public String option() {
        return random() ? "random" : name;
    }

    /** For messages: {@code the random policy}, {@code the checkpoint DIR (step N)}. */
    public String describe() {
        return random() ? "the random policy" : imported() ? "the reference's dataset at "
                + name.substring(IMPORTED.length()) : "the checkpoint " + name + (step != null ? " (step " + step + ")"
                : "");
    }

    private Path path() {
        return Path.of(name).toAbsolutePath().normalize();
    }
}
