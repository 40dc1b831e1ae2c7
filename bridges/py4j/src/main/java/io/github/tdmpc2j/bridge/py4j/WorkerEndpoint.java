package io.github.tdmpc2j.bridge.py4j;

/**
 * What a worker offers, implemented in Python ({@code tdmpc2j_worker.endpoint.Endpoint}). Every reply starts with
 * a status byte (0 ok, 1 a Python exception) and is decoded by {@link Reply}. Arrays are little-endian float32.
 * Bytes going to Python travel base64-encoded in a String ({@link #encode}): Py4J's own byte[] argument decoding
 * runs element by element in Python (about 0.15 us a byte), base64 text is decoded in C.
 * Not for direct use: go through {@link PythonWorker} and {@link RemoteEnv}.
 */
public interface WorkerEndpoint {
    /** Versions of Python and the suite packages, one line. */
    byte[] ping();

    /** Makes an env: handle, observation box, action box, the suite's own episode limit (0 if none). */
    byte[] make(String suite, String task, long seed, String options);

    byte[] reset(int handle, long seed);

    byte[] step(int handle, String action);

    /** Steps or resets many envs in one call; see {@link RemoteVectorEnv} for the request layout. */
    byte[] stepMany(String request);

    /**
     * Closes an env once the call using it (if any) has returned, waiting for that call up to {@code waitSeconds};
     * past that, the env is out of reach of new calls and that call closes it as it ends.
     */
    byte[] close(int handle, double waitSeconds);

    static String encode(byte[] bytes) {
        return java.util.Base64.getEncoder().encodeToString(bytes);
    }
}
