package io.github.tdmpc2j.tasks.maniskill;

import io.github.tdmpc2j.spi.Availability;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Whether the objects a task needs are where ManiSkill looks for them: {@code $MS_ASSET_DIR/data}, by default
 * {@code ~/.maniskill/data}. ManiSkill downloads them from its own servers; no package registry serves them. Checked
 * without starting Python; the worker repeats ManiSkill's own, complete check when it makes the env.
 */
record ManiSkillAssets(Path dataDir, Path venvPython) {

    /** An asset group as ManiSkill's download command names it, and the path that shows it is there. */
    enum Asset {
        YCB("ycb", "the YCB objects", "assets/mani_skill2_ycb/info_pick_v0.json"),
        FAUCETS("partnet_mobility_faucet", "the PartNet-Mobility faucets", "partnet_mobility/dataset");

        final String downloadId;
        final String what;
        final String probe;

        Asset(String downloadId, String what, String probe) {
            this.downloadId = downloadId;
            this.what = what;
            this.probe = probe;
        }
    }

    static ManiSkillAssets fromEnvironment(Path venvPython) {
        String root = System.getenv("MS_ASSET_DIR");
        Path base = root == null || root.isBlank() ? Path.of(System.getProperty("user.home"), ".maniskill") : Path.of(root);
        return new ManiSkillAssets(base.resolve("data"), venvPython);
    }

    /** Empty when the asset is present; otherwise why not and the command that downloads it. */
    Optional<Availability> missing(Asset asset) {
        Path probe = dataDir.resolve(asset.probe);
        if (Files.isRegularFile(probe) || nonEmptyDirectory(probe)) {
            return Optional.empty();
        }
        return Optional.of(Availability.unavailable(asset.what + " are not in " + dataDir + " (" + probe
                + " is missing); ManiSkill downloads them from its own servers, which no package registry mirrors,"
                + " so this needs internet access (set MS_ASSET_DIR to use another folder than ~/.maniskill)",
                downloadCommand(asset)));
    }

    String downloadCommand(Asset asset) {
        return venvPython + " -m mani_skill.utils.download_asset " + asset.downloadId + " -y";
    }

    private static boolean nonEmptyDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isPresent();
        } catch (IOException e) {
            return false;
        }
    }
}
