package io.github.tdmpc2j.bridge.py4j;

/** The one worker a provider uses for all its envs, started on first use and again after it has died. */
public final class SharedWorker implements AutoCloseable {
    private final WorkerConfig config;
    private PythonWorker current;

    public SharedWorker(WorkerConfig config) {
        this.config = config;
    }

    /** The running worker, starting a new one if there is none or the last one died. */
    public synchronized PythonWorker get() {
        if (current == null || !current.isAlive()) {
            if (current != null) {
                current.close();
            }
            current = PythonWorker.start(config);
        }
        return current;
    }

    /** The running worker, or null when none has been started or the last one died. */
    public synchronized PythonWorker peek() {
        return current != null && current.isAlive() ? current : null;
    }

    @Override
    public synchronized void close() {
        if (current != null) {
            current.close();
            current = null;
        }
    }
}
