package io.github.tdmpc2j.cluster;

import java.io.Serializable;

/**
 * What runs one unit of a job (one collected episode, one benchmark run, one evaluation), in this process or on
 * an executor. Its fields travel to the executors, so they hold settings, not envs or agents: those come from
 * {@link ExecutorCache}, which keeps them across the units an executor runs.
 */
@FunctionalInterface
public interface UnitFunction<U, R> extends Serializable {
    R run(U unit) throws Exception;
}
