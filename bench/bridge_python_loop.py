"""The reference for BridgeStepBench: the same testing env stepped in a plain Python loop, no bridge.

Usage: PYTHONPATH=bridges/python python bench/bridge_python_loop.py STEPS OBS ACT
Prints two numbers, nanoseconds per step: env.step alone, and env.step plus the worker's packing of the result.
"""

import sys
import time

import numpy as np

from tdmpc2j_worker import wire
from tdmpc2j_worker.suites import testing


def best_of(runs, fn):
    return min(fn() for _ in range(runs))


def main():
    steps, obs, act = (int(a) for a in sys.argv[1:4])
    env = testing.make(f"counter-{obs}-{act}", 0, {"episode": str(10**9)})
    env.reset(0)
    action = np.zeros(act, dtype=np.float32)

    def plain():
        t0 = time.perf_counter_ns()
        for _ in range(steps):
            env.step(action)
        return (time.perf_counter_ns() - t0) / steps

    def packed():
        t0 = time.perf_counter_ns()
        for _ in range(steps):
            wire.step_result(*env.step(np.frombuffer(action.tobytes(), dtype="<f4")))
        return (time.perf_counter_ns() - t0) / steps

    print(f"{best_of(3, plain):.1f} {best_of(3, packed):.1f}")


if __name__ == "__main__":
    main()
