package io.github.tdmpc2j.bridge.py4j;

import io.github.tdmpc2j.spi.EnvOptions;
import java.util.List;
import java.util.Map;

/**
 * Run by {@link NoOrphanTest} in a child JVM: starts a worker, prints its pid, then either waits to be killed
 * ({@code hang}), or steps an env that started a detached process with a step that holds the GIL ({@code stuck}),
 * or returns from main without closing it ({@code return}): the JVM must still exit; or steps an env once and prints
 * its observation ({@code step}), for a JVM started in an environment of the test's choosing.
 */
public final class OrphanProbe {
    /** The system property naming the file that a {@code stuck} probe's env appends to as its step begins. */
    static final String STEP_MARK = "tdmpc2j.test.stepMark";

    private OrphanProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        PythonWorker worker = PythonWorker.start(WorkerConfig.forDomain("gymnasium", List.of("testing")));
        System.out.println("WORKER_PID " + worker.pid());
        System.out.flush();
        if (args.length > 0 && args[0].equals("return")) {
            return;
        }
        if (args.length > 0 && args[0].equals("step")) {
            try (worker; RemoteEnv env = PythonWorkerTest.counter(worker, 2, 1, Map.of())) {
                env.reset(5);
                System.out.println("PYTHON " + worker.config().python());
                System.out.println("STEPPED " + java.util.Arrays.toString(env.step(new float[] {1f}).observation()));
            }
            return;
        }
        if (args.length > 0 && args[0].equals("stuck")) { // a step stuck holding Python's GIL, in flight
            Map<String, String> options = new java.util.HashMap<>(Map.of("seconds", "120", "hold_gil", "1",
                    "detached", "1"));
            String mark = System.getProperty(STEP_MARK);
            if (mark != null) {
                options.put("mark", mark); // the env appends to that file as its step begins
            }
            RemoteEnv env = RemoteEnv.make(worker, "testing", "slow", new EnvOptions(0, options),
                    PythonWorkerTest.specNamed("testing/slow"));
            System.out.println("DETACHED_PID " + env.reset(0).info().get("detached_pid"));
            Thread step = new Thread(() -> env.step(new float[] {0f}));
            step.setDaemon(true);
            step.start();
            Thread.sleep(500);
            System.out.println("STUCK");
            System.out.flush();
        }
        Thread.sleep(120_000);
    }
}
