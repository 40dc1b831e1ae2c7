package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.TdmpcException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** The tasks a command was given with {@code --set NAME} and {@code --tasks ID,...}: canonical ids, set order first. */
final class TaskChoice {
    private TaskChoice() {
    }

    static List<String> ids(EnvRegistry registry, List<String> tasks, String set) {
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        if (set != null) {
            ids.addAll(registry.taskSet(set));
        }
        if (tasks != null) {
            tasks.forEach(t -> ids.add(registry.resolve(t).id()));
        }
        if (ids.isEmpty()) {
            throw new TdmpcException("choose tasks with --tasks ID,... or --set NAME");
        }
        return new ArrayList<>(ids);
    }
}
