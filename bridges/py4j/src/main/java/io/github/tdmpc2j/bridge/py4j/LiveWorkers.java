package io.github.tdmpc2j.bridge.py4j;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Every worker this JVM started and has not closed; a shutdown hook ends them when the JVM exits. */
final class LiveWorkers {
    private static final Set<PythonWorker> WORKERS = ConcurrentHashMap.newKeySet();

    static {
        Thread hook = new Thread(() -> {
            for (PythonWorker w : WORKERS) {
                w.kill("the JVM is shutting down");
            }
        }, "tdmpc2j-python-workers-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private LiveWorkers() {
    }

    static void add(PythonWorker worker) {
        WORKERS.add(worker);
    }

    static void remove(PythonWorker worker) {
        WORKERS.remove(worker);
    }

    static int count() {
        return WORKERS.size();
    }
}
