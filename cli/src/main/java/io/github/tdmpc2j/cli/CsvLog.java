package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.io.AtomicWrites;
import io.github.tdmpc2j.spi.io.IoErrors;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An append-only CSV file with a fixed header, flushed after every row so that a killed run keeps every
 * finished row. Opening an existing file with the same header appends to it (used by --resume).
 */
final class CsvLog implements AutoCloseable {
    private final Path file;
    private final List<String> columns;
    private final BufferedWriter writer;

    CsvLog(Path file, List<String> columns) {
        this.file = file;
        this.columns = List.copyOf(columns);
        String header = String.join(",", columns);
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent()); // checked by checkWritable, if asked
            }
            boolean exists = Files.isRegularFile(file) && Files.size(file) > 0;
            if (exists) {
                checkHeader(file, header, "use another --out folder");
            }
            writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            if (!exists) {
                writer.write(header);
                writer.newLine();
                writer.flush();
            }
        } catch (IOException e) {
            throw new TdmpcException("cannot write " + file + ": " + IoErrors.describe(e), e);
        }
    }

    /**
     * Fails now, saying why and then {@code advice}, where a {@code CsvLog} of {@code file} could not be opened
     * later: the file is not a writable file or has other columns, or it is missing and its folder is not a folder
     * this process can create a file in (where the folder is missing too, the nearest existing one must be a
     * writable folder). Leaves nothing behind. For a command that writes its results only at its end.
     */
    static void checkWritable(Path file, List<String> columns, String advice) {
        Path target = file.toAbsolutePath();
        try {
            if (Files.exists(target)) {
                if (!Files.isRegularFile(target)) {
                    throw new TdmpcException("cannot write " + file + ": it is not a file; " + advice);
                }
                if (!Files.isWritable(target)) {
                    throw new TdmpcException("cannot write " + file + ": permission denied; " + advice);
                }
                if (Files.size(target) > 0) {
                    checkHeader(target, String.join(",", columns), advice);
                }
                return;
            }
            Path folder = target.getParent();
            while (folder != null && !Files.exists(folder)) {
                folder = folder.getParent();
            }
            if (folder == null || !Files.isDirectory(folder)) {
                throw new TdmpcException("cannot write " + file + ": " + folder + " is not a folder; " + advice);
            }
            if (folder.equals(target.getParent())) {
                Files.delete(AtomicWrites.tempFileFor(target)); // a file created there is the one sure test
            } else if (!Files.isWritable(folder)) {
                throw new TdmpcException("cannot write " + file + ": cannot make its folder in " + folder
                        + " (permission denied); " + advice);
            }
        } catch (IOException e) {
            throw new TdmpcException("cannot write " + file + ": " + IoErrors.describe(e) + "; " + advice, e);
        }
    }

    private static void checkHeader(Path file, String header, String advice) throws IOException {
        String first;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            first = reader.readLine();
        }
        if (!header.equals(first)) {
            throw new TdmpcException(file + " has the columns '" + first + "', expected '" + header + "'; " + advice);
        }
    }

    void row(Object... values) {
        if (values.length != columns.size()) {
            throw new IllegalArgumentException(file + " takes " + columns.size() + " values, got " + values.length);
        }
        List<String> cells = new ArrayList<>(values.length);
        for (Object v : values) {
            cells.add(v instanceof Double d ? String.format(Locale.ROOT, "%.6g", d)
                    : v instanceof Float f ? String.format(Locale.ROOT, "%.6g", f) : String.valueOf(v));
        }
        try {
            writer.write(String.join(",", cells));
            writer.newLine();
            writer.flush();
        } catch (IOException e) {
            throw new TdmpcException("cannot write " + file + ": " + IoErrors.describe(e), e);
        }
    }

    /** Rows of a CSV written by this class, without the header, split on commas. */
    static List<String[]> read(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return lines.stream().skip(1).filter(l -> !l.isBlank()).map(l -> l.split(",", -1)).toList();
        } catch (IOException e) {
            throw new TdmpcException("cannot read " + file + ": " + IoErrors.describe(e), e);
        }
    }

    @Override
    public void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new TdmpcException("cannot close " + file + ": " + IoErrors.describe(e), e);
        }
    }
}
