package io.github.tdmpc2j.bench;

import io.github.tdmpc2j.cluster.UnitRunner;

/** Prints the Java options a JVM that starts Spark needs (Spark's add-opens list), for scripts. */
public final class SparkJavaOptions {
    private SparkJavaOptions() {
    }

    public static void main(String[] args) {
        System.out.println(UnitRunner.javaModuleOptions());
    }
}
