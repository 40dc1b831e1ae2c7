package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.spi.io.IoErrors;
import io.github.tdmpc2j.spi.TdmpcException;
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
            boolean exists = Files.isRegularFile(file) && Files.size(file) > 0;
            if (exists) {
                String first = Files.newBufferedReader(file, StandardCharsets.UTF_8).readLine();
                if (!header.equals(first)) {
                    throw new TdmpcException(file + " has the columns '" + first + "', expected '" + header
                            + "'; use another --out folder");
                }
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
