package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.spi.TdmpcException;
import io.github.tdmpc2j.spi.io.AtomicWrites;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A training run's folder: {@code config.yaml}, {@code train.csv}, {@code eval.csv}, {@code curve.png} and
 * {@code checkpoint/} (the agent's files plus {@code trainer.properties}, the loop's position). By default
 * {@code runs/TASK/SEED/TIMESTAMP}.
 */
record RunFolder(Path dir) {
    static final String STATE = "trainer.properties";

    static RunFolder create(Path out, String task, long seed) {
        Path dir = out != null ? out
                : Path.of("runs", task, Long.toString(seed),
                        LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new TdmpcException("cannot create the run folder " + dir + ": " + e.getMessage(), e);
        }
        return new RunFolder(dir);
    }

    /** The folder to resume: {@code out} itself, or the newest run of the task and seed. */
    static RunFolder resume(Path out, String task, long seed) {
        Path dir = out;
        if (dir == null) {
            Path parent = Path.of("runs", task, Long.toString(seed));
            try (Stream<Path> runs = Files.isDirectory(parent) ? Files.list(parent) : Stream.empty()) {
                dir = runs.filter(p -> Files.isRegularFile(p.resolve("checkpoint").resolve(STATE)))
                        .max(Comparator.comparing(Path::getFileName)).orElse(null);
            } catch (IOException e) {
                throw new TdmpcException("cannot look for runs in " + parent + ": " + e.getMessage(), e);
            }
            if (dir == null) {
                throw new TdmpcException("--resume found no checkpoint under " + parent
                        + "; name the run folder with --out, or start without --resume");
            }
        }
        if (!Files.isRegularFile(dir.resolve("checkpoint").resolve(STATE))) {
            throw new TdmpcException(dir + " has no checkpoint to resume from (no checkpoint/" + STATE + ")");
        }
        return new RunFolder(dir);
    }

    Path checkpoint() {
        return dir.resolve("checkpoint");
    }

    Path trainCsv() {
        return dir.resolve("train.csv");
    }

    Path evalCsv() {
        return dir.resolve("eval.csv");
    }

    Path curve() {
        return dir.resolve("curve.png");
    }

    Path config() {
        return dir.resolve("config.yaml");
    }

    /** Where the loop stood at the last checkpoint. */
    record State(long step, long episode, double seconds) {
    }

    void saveState(State s) {
        Properties p = new Properties();
        p.setProperty("step", Long.toString(s.step()));
        p.setProperty("episode", Long.toString(s.episode()));
        p.setProperty("seconds", Double.toString(s.seconds()));
        try {
            Files.createDirectories(checkpoint());
            Path tmp = AtomicWrites.tempFileFor(checkpoint().resolve(STATE));
            try (var w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                p.store(w, "tdmpc2j training loop position");
            }
            Files.move(tmp, checkpoint().resolve(STATE), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new TdmpcException("cannot save the trainer state in " + checkpoint() + ": " + e.getMessage(), e);
        }
    }

    State loadState() {
        Properties p = new Properties();
        Path file = checkpoint().resolve(STATE);
        try (var r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
            return new State(Long.parseLong(p.getProperty("step")), Long.parseLong(p.getProperty("episode")),
                    Double.parseDouble(p.getProperty("seconds", "0")));
        } catch (IOException | RuntimeException e) {
            throw new TdmpcException(file + " is damaged (" + e.getMessage() + "); start a new run", e);
        }
    }

    /** Drops CSV rows logged after the checkpoint a resumed run goes back to (their steps will be run again). */
    static void truncateAfter(Path csv, long step) {
        if (!Files.isRegularFile(csv)) {
            return;
        }
        try {
            List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
            if (lines.isEmpty()) {
                return;
            }
            List<String> keep = new java.util.ArrayList<>();
            keep.add(lines.get(0));
            for (String l : lines.subList(1, lines.size())) {
                String first = l.split(",", 2)[0];
                if (!l.isBlank() && Long.parseLong(first) <= step) {
                    keep.add(l);
                }
            }
            Path tmp = AtomicWrites.tempFileFor(csv);
            Files.write(tmp, keep, StandardCharsets.UTF_8);
            Files.move(tmp, csv, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | NumberFormatException e) {
            throw new TdmpcException("cannot tidy " + csv + " for the resumed run: " + e.getMessage(), e);
        }
    }
}
