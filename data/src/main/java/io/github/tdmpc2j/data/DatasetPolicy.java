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

    public DatasetPolicy {
        Objects.requireNonNull(name, "name");
    }

    /** The checkpoint folder {@code folder}, verified as {@code manifest}. */
    public static DatasetPolicy checkpoint(Path folder, CheckpointFolder.Manifest manifest) {
        return new DatasetPolicy(folder.toAbsolutePath().normalize().toString(), manifest.step(), manifest.digest());
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
        return random() ? "the random policy" : "the checkpoint " + name + (step != null ? " (step " + step + ")" : "");
    }

    private Path path() {
        return Path.of(name).toAbsolutePath().normalize();
    }
}
