package io.github.tdmpc2j.cluster;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The settings Spark knows, from its own registry ({@code ConfigEntry.knownConfigs}, filled as Spark's config
 * objects load), to tell a misspelt {@code --spark-conf} key from a real one: Spark ignores a key it does not know
 * without a word, so {@code spark.executor.memroy=8g} ran with 1g. The registry does not hold every key Spark reads
 * (some are read by name, some are namespaces: {@code spark.executorEnv.*}, {@code spark.hadoop.*}), so an unknown
 * key is only suspect where a known one lies an edit or two from it, and then it is warned of, never refused.
 */
final class SparkKeys {
    /** Spark core's config objects, whose loading registers their keys. */
    private static final List<String> CONFIG_OBJECTS = List.of("package$", "Deploy$", "History$", "Kryo$", "Network$",
            "Python$", "R$", "Status$", "Streaming$", "Tests$", "UI$", "Worker$");
    /** Key families whose members no registry lists: any name is right under them. */
    private static final List<String> OPEN = List.of("spark.executorEnv.", "spark.hadoop.", "spark.tdmpc2j.",
            "spark.driver.resource.", "spark.executor.resource.", "spark.task.resource.", "spark.worker.resource.",
            "spark.metrics.conf.", "spark.ssl.", "spark.sql.", "spark.yarn.", "spark.kubernetes.", "spark.ui.filters.");
    /** The most edits (insert, delete, change, swap of neighbours) between a misspelling and the key it misses. */
    private static final int MAX_EDITS = 2;

    private static volatile Set<String> known;

    private SparkKeys() {
    }

    /** The keys Spark's registry knows (its config objects loaded once). */
    static Set<String> known() {
        Set<String> keys = known;
        if (keys == null) {
            for (String object : CONFIG_OBJECTS) {
                try {
                    Class.forName("org.apache.spark.internal.config." + object, true, SparkKeys.class.getClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    // not in this Spark: its keys stay unknown, and so are never suggested
                }
            }
            keys = new TreeSet<>(org.apache.spark.internal.config.ConfigEntry$.MODULE$.knownConfigs().keySet());
            keys.addAll(List.of("spark.master", "spark.app.name", "spark.jars", "spark.submit.deployMode"));
            known = keys;
        }
        return keys;
    }

    /**
     * The known key {@code key} most likely misspells: empty where {@code key} is known, lies in an open family
     * ({@link #OPEN}), or no known key is within {@link #MAX_EDITS} edits of it.
     */
    static Optional<String> misspelt(String key) {
        Set<String> keys = known();
        if (keys.contains(key) || OPEN.stream().anyMatch(key::startsWith)
                || keys.stream().anyMatch(k -> key.startsWith(k + "."))) {
            return Optional.empty();
        }
        return keys.stream().map(k -> Map.entry(k, edits(key, k))).filter(e -> e.getValue() <= MAX_EDITS)
                .min(Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue)
                        .thenComparing(Map.Entry::getKey))
                .map(Map.Entry::getKey);
    }

    /**
     * The warnings of the keys of {@code conf} that misspell a known key, one line each, naming the key meant.
     */
    static List<String> warnings(Map<String, String> conf) {
        return conf.keySet().stream().sorted().flatMap(k -> misspelt(k).stream().map(meant -> "--spark-conf " + k
                + " is no setting Spark knows (it ignores such a key without a word): did you mean " + meant
                + "? Passed on as given")).toList();
    }

    /** Edits from {@code a} to {@code b}: inserts, deletes, changes and swaps of neighbours (optimal alignment). */
    static int edits(String a, String b) {
        if (Math.abs(a.length() - b.length()) > MAX_EDITS) {
            return MAX_EDITS + 1;
        }
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int change = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + change);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
