package io.github.tdmpc2j.cluster;

import java.io.IOException;
import java.io.InputStream;

/**
 * The main class of the Spark Worker's JVM that {@code tdmpc2j cluster worker} starts ({@link Standalone#runWorker}):
 * Spark's Worker, ended once the command that started it is gone. That command's JVM stops the Worker from a
 * shutdown hook, which a kill -9 (an out-of-memory killer, a batch system's SIGKILL) never runs: the Worker went on
 * alone, still offering the node's cores to the master, and a {@code cluster worker} started again offered them a
 * second time. The command holds the write end of the Worker's stdin, which the OS closes when the command ends
 * however it ends; the end of stdin stops the Worker as a SIGTERM does (its shutdown hooks stop its executors).
 */
public final class OwnedWorker {
    /** The line the Worker says as it stops for that. */
    static final String OWNER_GONE = "the `tdmpc2j cluster worker` that started this Spark Worker is gone: stopping it";

    private OwnedWorker() {
    }

    public static void main(String[] args) {
        exitWhenEnded(System.in);
        org.apache.spark.deploy.worker.Worker.main(args);
    }

    /**
     * Ends this JVM (status 143, a SIGTERM's) once {@code owner} (this JVM's stdin, the owner's pipe) reaches its end
     * or fails; it reads and drops whatever comes meanwhile. A daemon thread watches.
     */
    static void exitWhenEnded(InputStream owner) {
        Thread watch = new Thread(() -> {
            byte[] drop = new byte[256];
            try {
                while (owner.read(drop) >= 0) {
                    // nothing is sent: the pipe is only held open
                }
            } catch (IOException e) {
                // a broken pipe ends it too
            }
            System.err.println(OWNER_GONE);
            System.exit(143);
        }, "tdmpc2j-owner-watch");
        watch.setDaemon(true);
        watch.start();
    }
}
