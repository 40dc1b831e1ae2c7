package io.github.tdmpc2j.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code key=value} arguments of the benchmark programs, over each program's defaults. */
final class Args {
    private Args() {
    }

    /** {@code defaults} with every {@code key=value} of {@code args} put over them, in order. */
    static Map<String, String> parse(Map<String, String> defaults, String[] args) {
        Map<String, String> opts = new LinkedHashMap<>(defaults);
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("arguments are key=value; got '" + a + "'");
            }
            opts.put(a.substring(0, eq), a.substring(eq + 1));
        }
        return opts;
    }
}
