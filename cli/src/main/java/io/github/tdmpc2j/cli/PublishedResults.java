package io.github.tdmpc2j.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * TD-MPC2's published single-task results (mean over the authors' seeds at each logged step), from the logs they
 * released with their code; {@code bench/published/make_table.py} builds the table. Their steps are environment
 * steps: the authors multiplied their trainer's agent steps by the action repeat before they wrote the logs (2 for
 * DMControl, Meta-World and ManiSkill, 1 for MyoSuite), so that the logs' step 100000 of a DMControl task is its
 * agent's step 50000. What this class gives a caller is in agent steps of a task of a given action repeat: at the
 * same environment steps as the paper's.
 */
final class PublishedResults {
    /**
     * A published point: the mean return (DMControl) or success rate in [0, 1] (the other suites) at {@code step}
     * (environment steps in the table, agent steps as {@link #curve} gives it).
     */
    record Point(long step, double mean, int seeds, String metric) {
    }

    private static final Map<String, List<Point>> TABLE = load();

    private PublishedResults() {
    }

    /** The reference's name of one of our task ids ({@code metaworld/assembly} is {@code mw-assembly}). */
    static String referenceName(String id) {
        String domain = id.substring(0, id.indexOf('/'));
        String name = id.substring(id.indexOf('/') + 1);
        return switch (domain) {
            case "metaworld" -> "mw-" + name;
            case "myosuite" -> "myo-hand-" + name;
            default -> name;
        };
    }

    /**
     * The published curve of a task whose agent step is {@code actionRepeat} environment steps, its steps in agent
     * steps (the logs' environment steps / {@code actionRepeat}); empty when the paper has none.
     */
    static List<Point> curve(String id, int actionRepeat) {
        if (actionRepeat <= 0) {
            throw new IllegalArgumentException("action repeat " + actionRepeat);
        }
        return TABLE.getOrDefault(referenceName(id), List.of()).stream()
                .map(p -> new Point(p.step() / actionRepeat, p.mean(), p.seeds(), p.metric())).toList();
    }

    /**
     * The published point to compare a run of {@code step} agent steps with (steps in agent steps, as
     * {@link #curve}): the one at the largest logged step not beyond {@code step}, after step 0. None where the
     * paper has no curve, or where its first point after step 0 is beyond {@code step}: its step-0 point is its
     * agent before any training, no result to set beside a run's ({@link #firstTrained} says where the curve goes
     * on).
     */
    static Optional<Point> at(String id, int actionRepeat, long step) {
        Point best = null;
        for (Point p : curve(id, actionRepeat)) {
            if (p.step() > 0 && p.step() <= step && (best == null || p.step() > best.step())) {
                best = p;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The published point at the smallest logged step after 0, in agent steps (none where the paper has no curve). */
    static Optional<Point> firstTrained(String id, int actionRepeat) {
        return curve(id, actionRepeat).stream().filter(p -> p.step() > 0)
                .min(java.util.Comparator.comparingLong(Point::step));
    }

    private static Map<String, List<Point>> load() {
        Map<String, List<Point>> table = new HashMap<>();
        try (InputStream in = PublishedResults.class.getResourceAsStream("tdmpc2-published.csv");
                BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            r.readLine();
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.split(",");
                table.computeIfAbsent(f[0], k -> new ArrayList<>())
                        .add(new Point(Long.parseLong(f[2]), Double.parseDouble(f[3]), Integer.parseInt(f[4]), f[1]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return table;
    }
}
