package io.github.tdmpc2j.bridge.py4j;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The one Java object a starting worker calls: it reports the port of its own server. Public for Py4J only. */
public final class Handshake {
    private final CountDownLatch arrived = new CountDownLatch(1);
    private volatile int pythonPort;
    private volatile long pythonPid;
    private volatile String versions;

    public void ready(int port, int pid, String versions) {
        if (arrived.getCount() == 0) {
            throw new IllegalStateException("the worker has already reported in");
        }
        this.pythonPort = port;
        this.pythonPid = pid;
        this.versions = versions;
        arrived.countDown();
    }

    boolean await(long millis) throws InterruptedException {
        return arrived.await(millis, TimeUnit.MILLISECONDS);
    }

    int pythonPort() {
        return pythonPort;
    }

    long pythonPid() {
        return pythonPid;
    }

    String versions() {
        return versions;
    }
}
