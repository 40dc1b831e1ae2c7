"""Agent steps per second of dm_control tasks in a plain Python loop, the way the TD-MPC2 reference steps them:
random actions in [-1, 1], each applied for 2 control steps, reset when the episode ends. Best of 3 rounds.
Prints one line per task: "dm_control <task id> <agent steps per second>".

Usage: python dm_control_loop.py STEPS TASK_ID...   (task ids like dmc/cartpole-swingup)
"""
import sys
import time

import numpy as np
from dm_control import suite


def round_(env, steps, rng):
    shape = env.action_spec().shape
    env.reset()
    start = time.perf_counter()
    for _ in range(steps):
        action = rng.uniform(-1.0, 1.0, shape)
        for _ in range(2):
            step = env.step(action)
        if step.last():
            env.reset()
    return steps / (time.perf_counter() - start)


def main(steps, task_ids):
    for task_id in task_ids:
        domain, task = task_id.split('/', 1)[1].replace('-', '_').split('_', 1)
        domain = dict(cup='ball_in_cup').get(domain, domain)
        env = suite.load(domain, task, task_kwargs={'random': 0})
        rng = np.random.default_rng(0)
        round_(env, max(steps // 10, 100), rng)
        best = max(round_(env, steps, rng) for _ in range(3))
        print('dm_control %s %.0f' % (task_id, best), flush=True)


if __name__ == '__main__':
    main(int(sys.argv[1]), sys.argv[2:])
