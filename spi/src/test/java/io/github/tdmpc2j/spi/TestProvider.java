package io.github.tdmpc2j.spi;

import java.util.ArrayList;
import java.util.List;

/** A provider of LineEnv tasks for registry tests. */
class TestProvider implements EnvProvider {
    private final String domain;
    private final List<TaskSpec> tasks;
    private final Availability availability;
    final List<LineEnv> made = new ArrayList<>();
    boolean closed;

    TestProvider(String domain, Availability availability, TaskSpec... tasks) {
        this.domain = domain;
        this.tasks = List.of(tasks);
        this.availability = availability;
    }

    @Override
    public String domain() {
        return domain;
    }

    @Override
    public List<TaskSpec> tasks() {
        return tasks;
    }

    @Override
    public Availability availability() {
        return availability;
    }

    @Override
    public Env create(TaskSpec task, EnvOptions options) {
        LineEnv env = new LineEnv(task, 1e9);
        made.add(env);
        return env;
    }

    @Override
    public void close() {
        closed = true;
    }

    static TaskSpec task(String id, String... aliases) {
        return new TaskSpec(id, List.of(aliases), Box.unbounded(3), Box.of(2, -1, 1), 10, 2, SuccessMetric.RETURN,
                false);
    }
}
