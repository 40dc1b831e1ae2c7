package io.github.tdmpc2j.bridge.py4j.testkit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.tdmpc2j.bridge.py4j.VenvLayout;
import io.github.tdmpc2j.spi.Availability;
import java.nio.file.Path;

/** The Python venvs in tests: skipping without one, and pointing the plug-ins at another folder of venvs. */
public final class Venvs {
    private Venvs() {
    }

    /** Skips the calling test unless {@code a} is ready, printing a SKIPPED line with the reason and the fix. */
    public static void assumeReady(Availability a) {
        if (!a.ready()) {
            System.out.println("SKIPPED: " + a + " (scripts/setup.d/40-python-venvs.sh also makes it)");
        }
        assumeTrue(a.ready(), a::toString);
    }

    /** What a test does while the plug-ins look for their venvs in another folder. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    /** Runs {@code body} with the venvs looked for in {@code folder}, then puts the property back as it was. */
    public static void withVenvsAt(Path folder, Body body) throws Exception {
        String before = System.getProperty(VenvLayout.ROOT_PROPERTY);
        System.setProperty(VenvLayout.ROOT_PROPERTY, folder.toString());
        try {
            body.run();
        } finally {
            if (before == null) {
                System.clearProperty(VenvLayout.ROOT_PROPERTY);
            } else {
                System.setProperty(VenvLayout.ROOT_PROPERTY, before);
            }
        }
    }
}
