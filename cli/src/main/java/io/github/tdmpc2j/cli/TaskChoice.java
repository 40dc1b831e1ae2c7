package io.github.tdmpc2j.cli;

import io.github.tdmpc2j.spi.EnvRegistry;
import io.github.tdmpc2j.spi.TaskSets;
import io.github.tdmpc2j.spi.TdmpcException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The tasks a command was given with {@code --set NAME} or {@code --tasks ID,...}: canonical ids; both at once, or a
 * task --tasks names twice (an id and its alias, say), are refused.
 */
final class TaskChoice {
    private TaskChoice() {
    }

    /**
     * @param tasks the --tasks given (each a comma-separated list, {@link TaskSets#split}: an option given twice adds
     *     the second's), or a run's recorded list
     */
    static List<String> ids(EnvRegistry registry, List<String> tasks, String set) {
        if (set != null && tasks != null) {
            // as train and eval refuse them: collect and bench took the set's tasks and then --tasks', a task in
            // both made one, silently
            throw new TdmpcException("choose one of --tasks ID,... or --set NAME, not both (to add tasks to a set's, "
                    + "list them all with --tasks: `tdmpc2j tasks list` names them)");
        }
        LinkedHashSet<String> ids = new LinkedHashSet<>();
        if (set != null) {
            ids.addAll(registry.taskSet(set));
        }
        if (tasks != null) {
            // a task named twice is refused, as in --set a,b (EnvRegistry.taskSet): it was made one task, silently
            List<String> named = new ArrayList<>();
            for (String t : tasks.stream().flatMap(given -> TaskSets.split(given, "--tasks " + given).stream())
                    .toList()) {
                String id = registry.resolve(t).id();
                if (named.contains(id)) {
                    throw new TdmpcException("--tasks " + String.join(",", tasks) + " names " + id + " twice "
                            + "(an alias counts as the task it names); give each task once");
                }
                named.add(id);
            }
            ids.addAll(named);
        }
        if (ids.isEmpty()) {
            throw new TdmpcException("choose tasks with --tasks ID,... or --set NAME");
        }
        return new ArrayList<>(ids);
    }
}
