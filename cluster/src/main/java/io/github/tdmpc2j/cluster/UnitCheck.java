package io.github.tdmpc2j.cluster;

import java.io.Serializable;

/**
 * What {@link UnitRunner} checks before any unit of a job runs (on a cluster: a first stage on the executors), so
 * that a unit bound to fail for its input (its task's suite not set up) ends the job before the other units have
 * trained, collected or evaluated for hours. The check depends on a unit's {@link #key key} alone: units of equal
 * keys are checked once, one Spark task per key (collect's six episodes of one task: one check, not six). A check
 * is cheap and writes nothing. {@link TaskCheck} is the one bench, collect and eval give.
 *
 * @param <U> the job's unit
 */
public interface UnitCheck<U> extends Serializable {
    /** What the check of {@code unit} depends on; units with equal keys share one check. */
    String key(U unit);

    /**
     * Checks the units of {@code key}: returns when they may run, throws a typed error (one the same input would
     * repeat: {@link io.github.tdmpc2j.spi.TdmpcException#transientFailure()} false) when they cannot.
     */
    void check(String key) throws Exception;

    /**
     * Checks the units of every key where they all run in this process (no master, {@code local}, {@code local[K]}):
     * returns when they may all run. By default each key's {@link #check} in turn, the first failure ending it; a
     * check that can name every key that fails, with what fixes each, in one error overrides it (so that a job of
     * several suites not set up says at once everything there is to do).
     */
    default void checkAll(java.util.List<String> keys) throws Exception {
        for (String key : keys) {
            check(key);
        }
    }
}
