package io.github.tdmpc2j.spi;

import java.lang.management.ManagementFactory;
import java.util.OptionalLong;

/**
 * This machine's memory as the JVM sees it (its container's limit, where it has one), for the checks that refuse a
 * run that could not fit. Only a JDK's runtime tells it (its {@code jdk.management} module): a Java SE runtime
 * without that module, such as a JRE made with jlink for the GPU machine, does not, and there it is unknown.
 */
public final class MachineMemory {
    private MachineMemory() {
    }

    /** The machine's memory in bytes; empty when this Java runtime cannot tell. */
    public static OptionalLong total() {
        try {
            return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                    ? OptionalLong.of(os.getTotalMemorySize()) : OptionalLong.empty();
        } catch (NoClassDefFoundError e) { // no jdk.management module in this runtime
            return OptionalLong.empty();
        }
    }
}
