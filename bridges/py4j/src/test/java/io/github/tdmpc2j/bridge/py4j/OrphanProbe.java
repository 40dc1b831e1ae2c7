package io.github.tdmpc2j.bridge.py4j;

import java.util.List;

/**
 * Run by {@link NoOrphanTest} in a child JVM: starts a worker, prints its pid, then either waits to be killed
 * ({@code hang}) or returns from main without closing it ({@code return}): the JVM must still exit.
 */
public final class OrphanProbe {
    private OrphanProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        PythonWorker worker = PythonWorker.start(WorkerConfig.forDomain("gymnasium", List.of("testing")));
        System.out.println("WORKER_PID " + worker.pid());
        System.out.flush();
        if (args.length > 0 && args[0].equals("return")) {
            return;
        }
        Thread.sleep(120_000);
    }
}
