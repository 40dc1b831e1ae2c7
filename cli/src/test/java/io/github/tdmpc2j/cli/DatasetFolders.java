package io.github.tdmpc2j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What the tests of the commands that write a dataset folder ({@code collect}, {@code import-data}) check in it. */
final class DatasetFolders {
    private DatasetFolders() {
    }

    /**
     * The folder holds whole files only: episode files, its index and its lock file, none of the temporary files of
     * a write in progress (a stopped command's).
     */
    static void assertNothingHalfWritten(Path dataset) throws IOException {
        try (Stream<Path> files = Files.walk(dataset)) {
            assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                    .allMatch(n -> n.matches("episode-\\d+\\.npz|dataset\\.json|run\\.lock"));
        }
    }

    /**
     * Every file under the folder, with its size and time of last change, a line each in name order: the same text
     * before and after a command that was to leave the folder as it was.
     */
    static String listing(Path folder) throws IOException {
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path f : files.sorted().toList()) {
                text.append(folder.relativize(f)).append(' ').append(Files.isRegularFile(f) ? Files.size(f) : -1)
                        .append(' ').append(Files.getLastModifiedTime(f).toMillis()).append('\n');
            }
        }
        return text.toString();
    }

    /** How many episode files the folder holds. */
    static long episodeFiles(Path dataset) throws IOException {
        try (Stream<Path> files = Files.walk(dataset)) {
            return files.filter(p -> p.getFileName().toString().matches("episode-\\d+\\.npz")).count();
        }
    }
}
