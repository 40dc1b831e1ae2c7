package io.github.tdmpc2j.mujoco;

import java.util.concurrent.atomic.AtomicInteger;

/** How many native models and datas exist right now; lets the tests see the Cleaner at work. */
final class LiveCounts {
    static final AtomicInteger MODELS = new AtomicInteger();
    static final AtomicInteger DATAS = new AtomicInteger();

    private LiveCounts() {}
}
