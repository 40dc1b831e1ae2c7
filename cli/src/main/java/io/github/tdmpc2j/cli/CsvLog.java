package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.spi.Messages;
import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.io.AtomicWrites;
import io.github.tdmpc2j.spi.io.IoErrors;
import io.github.tdmpc2j.spi.io.WriteFailedException;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
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
            throw new WriteFailedException(file.toString(), e);
        }
    }

    /**
     * Fails now, saying why and then {@code advice}, where a {@code CsvLog} of {@code file} could not be opened
     * later: the file is not a writable file or has other columns, or it is missing and its folder is not a folder
     * this process can create a file in (where the folder is missing too, the nearest existing one must be a
     * writable folder). Leaves nothing behind. For a command that writes its results only at its end.
     */
    static void checkWritable(Path file, List<String> columns, String advice) {
        checkWritable(file, columns, null, advice);
    }

    /**
     * {@link #checkWritable(Path, List, String)}, where a file with the header {@code earlier} (the columns an
     * earlier version wrote, which {@link #addColumns} turns into {@code columns}) is taken too; null: none.
     */
    static void checkWritable(Path file, List<String> columns, List<String> earlier, String advice) {
        Path target = file.toAbsolutePath();
        try {
            if (Files.exists(target)) {
                if (!Files.isRegularFile(target)) {
                    throw new TdmpcException("cannot write " + file + ": it is not a file; " + advice);
                }
                if (!Files.isWritable(target)) {
                    throw new TdmpcException("cannot write " + file + ": permission denied; " + advice);
                }
                if (Files.size(target) > 0 && earlier != null && String.join(",", earlier).equals(
                        firstLine(target))) {
                    checkCanCreate(target.toRealPath(), advice); // addColumns replaces it with a file made beside it
                } else if (Files.size(target) > 0) {
                    checkHeader(target, String.join(",", columns), advice);
                }
                return;
            }
        } catch (IOException e) {
            throw new TdmpcException("cannot write " + file + ": " + IoErrors.describe(e) + "; " + advice, e);
        }
        checkCanCreate(file, advice);
    }

    /**
     * Checks, before a command's work, that {@code file} (a file or folder) can be made where it is named: its
     * folder is a folder that this process can write in (tried with a temporary file there), or can be made (tried
     * by making its first missing folder and removing it again).
     * Whatever is at {@code file} itself is the caller's to check.
     */
    static void checkCanCreate(Path file, String advice) {
        Path target = file.toAbsolutePath();
        try {
            Path folder = target.getParent();
            while (folder != null && !Files.exists(folder)) {
                folder = folder.getParent();
            }
            if (folder == null || !Files.isDirectory(folder)) {
                throw new TdmpcException("cannot write " + file + ": " + folder + " is not a folder; " + advice);
            }
            if (folder.equals(target.getParent())) {
                Files.delete(AtomicWrites.tempFileFor(target)); // a file created there is the one sure test
            } else {
                // the first missing folder, made and removed at once: the one sure test (a permission check alone
                // passes for root where the file system still refuses, as under /proc)
                Path first = folder.resolve(folder.relativize(target).getName(0));
                try {
                    Files.createDirectory(first);
                } catch (java.nio.file.FileAlreadyExistsException e) {
                    return; // made meanwhile, by another process: the later making finds it there
                } catch (IOException e) {
                    throw new TdmpcException("cannot write " + file + ": cannot make its folder in " + folder
                            + " (" + IoErrors.describe(e) + "); " + advice, e);
                }
                Files.deleteIfExists(first);
            }
        } catch (IOException e) {
            throw new TdmpcException("cannot write " + file + ": " + IoErrors.describe(e) + "; " + advice, e);
        }
    }

    /**
     * Where {@code file} has the header {@code earlier}, the columns an earlier version of its writer wrote, which
     * {@code columns} begins with: rewrites it once with the header {@code columns}, every row of {@code earlier}'s
     * length given empty cells for the added columns (a row of another length, damaged, is kept as it is), the
     * file replaced whole ({@link AtomicWrites#replace}: a failure leaves it as it was), with a notice on
     * {@code notices}. Returns whether it did; a missing or empty file, or one with other columns, is left alone
     * (the {@code CsvLog} that opens it next takes it or refuses it).
     */
    static boolean addColumns(Path file, List<String> earlier, List<String> columns, PrintWriter notices) {
        if (earlier.size() >= columns.size() || !columns.subList(0, earlier.size()).equals(earlier)) {
            throw new IllegalArgumentException(columns + " does not extend " + earlier);
        }
        try {
            if (!Files.isRegularFile(file) || Files.size(file) == 0
                    || !String.join(",", earlier).equals(firstLine(file))) {
                return false;
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            String added = ",".repeat(columns.size() - earlier.size());
            StringBuilder text = new StringBuilder(String.join(",", columns)).append('\n');
            int rows = 0;
            for (String line : lines.subList(1, lines.size())) {
                boolean whole = !line.isBlank() && line.split(",", -1).length == earlier.size();
                text.append(line).append(whole ? added : "").append('\n');
                rows += whole ? 1 : 0;
            }
            AtomicWrites.writeString(file.toRealPath(), text.toString()); // a link's file, not the link
            notices.printf("%s had the columns an earlier version wrote (%s): rewrote it with the columns %s, its "
                    + "%s with %s empty%n", file, String.join(",", earlier), String.join(",", columns),
                    Messages.plural(rows, "row"), String.join(", ", columns.subList(earlier.size(), columns.size())));
            notices.flush();
            return true;
        } catch (IOException e) {
            throw new TdmpcException("cannot write " + file + " (to add the columns " + String.join(",",
                    columns.subList(earlier.size(), columns.size())) + "): " + IoErrors.describe(e) + "; it is as it "
                    + "was", e);
        }
    }

    private static String firstLine(Path file) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return reader.readLine();
        }
    }

    private static void checkHeader(Path file, String header, String advice) throws IOException {
        String first = firstLine(file);
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
            String cell = v instanceof Double d ? String.format(Locale.ROOT, "%.6g", d)
                    : v instanceof Float f ? String.format(Locale.ROOT, "%.6g", f) : String.valueOf(v);
            // a cell with a comma, a quote or a line end (a path can have them) is quoted as RFC 4180 says, so that
            // a CSV reader finds it whole; the logs that read() reads back have none
            cells.add(cell.matches("(?s).*[,\"\r\n].*") ? '"' + cell.replace("\"", "\"\"") + '"' : cell);
        }
        try {
            writer.write(String.join(",", cells));
            writer.newLine();
            writer.flush();
        } catch (IOException e) {
            throw new WriteFailedException(file.toString(), e);
        }
    }

    /**
     * One row of a CSV written by this class: its cells, and its line, so that a damaged row (a file edited by
     * hand, a disk that filled up mid-row) is a clear error naming the file and the line, not a parse failure.
     */
    record Row(Path file, int line, String[] cells) {
        String cell(int column) {
            if (column >= cells.length) {
                throw damaged("it has " + Messages.plural(cells.length, "column") + ", not "
                        + (column + 1));
            }
            return cells[column];
        }

        double number(int column) {
            String cell = cell(column);
            try {
                return Double.parseDouble(cell);
            } catch (NumberFormatException e) {
                throw damaged("column " + (column + 1) + " is '" + cell + "', not a number");
            }
        }

        private TdmpcException damaged(String why) {
            return new TdmpcException(file + " is damaged at line " + line + " ('" + String.join(",", cells) + "': "
                    + why + "); it is the run's log, not its checkpoint: delete that line (or restore the file) and "
                    + "run the command again");
        }
    }

    /**
     * Rows of a CSV written by this class, without the header, split on commas; a row with another number of
     * columns than the header is refused ({@link Row}'s message).
     */
    static List<Row> read(Path file) {
        return read(file, false);
    }

    /** {@link #read(Path)}, with the file's last line left out unread where {@code withoutLast} (a torn one). */
    static List<Row> read(Path file, boolean withoutLast) {
        List<String> lines = lines(file);
        int columns = lines.isEmpty() ? 0 : lines.get(0).split(",", -1).length;
        List<Row> rows = new ArrayList<>();
        for (int i = 1; i < lines.size() - (withoutLast ? 1 : 0); i++) {
            if (!lines.get(i).isBlank()) {
                Row row = new Row(file, i + 1, lines.get(i).split(",", -1));
                row.cell(columns - 1);
                if (row.cells().length > columns) {
                    throw row.damaged("it has " + row.cells().length + " columns, not " + columns);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /**
     * The file's last row where it is torn, a write cut short (by a power loss: rows are flushed, not forced): no line
     * end after it, or fewer cells than the header; else null (a whole last row, a file of no rows).
     */
    static Row tornLast(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new TdmpcException("cannot read " + file + ": " + IoErrors.describe(e), e);
        }
        List<String> lines = text.lines().toList();
        if (lines.size() < 2 || lines.get(lines.size() - 1).isBlank()) {
            return null;
        }
        String[] cells = lines.get(lines.size() - 1).split(",", -1);
        boolean ended = text.endsWith("\n") || text.endsWith("\r");
        return ended && cells.length >= lines.get(0).split(",", -1).length ? null
                : new Row(file, lines.size(), cells);
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
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
