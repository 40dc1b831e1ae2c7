"""Agent steps per second of dm_control tasks in a plain Python loop, the way the TD-MPC2 reference steps them:
random actions in [-1, 1], each applied for 2 control steps, 500 agent steps per episode.

As DmcStepBench does for the Java side: episode e starts from the task's initial state for seed e and takes the
actions of a generator seeded with e; each episode runs 5 times and its fastest pass counts, so a burst of other
work on a shared machine spoils single passes, not the result. Prints one line per task:
"dm_control <task id> <agent steps per wall second> <per CPU second of this thread>".

Usage: python dm_control_loop.py STEPS TASK_ID...   (task ids like dmc/cartpole-swingup; STEPS is rounded up to
whole episodes)
"""
import sys
import time

import numpy as np
from dm_control import suite

PASSES = 5
EPISODE = 500


def episode(env, seed):
    """One episode; returns its (wall, CPU) seconds."""
    shape = env.action_spec().shape
    rng = np.random.default_rng(seed)
    env.task.random.seed(seed)
    wall, cpu = time.perf_counter(), time.thread_time()
    env.reset()
    for _ in range(EPISODE):
        action = rng.uniform(-1.0, 1.0, shape)
        for _ in range(2):
            env.step(action)
    return time.perf_counter() - wall, time.thread_time() - cpu


def main(steps, task_ids):
    episodes = max(1, -(-steps // EPISODE))
    for task_id in task_ids:
        domain, task = task_id.split('/', 1)[1].replace('-', '_').split('_', 1)
        domain = dict(cup='ball_in_cup').get(domain, domain)
        env = suite.load(domain, task, task_kwargs={'random': 0})
        episode(env, 0)  # warm-up
        best_wall = [float('inf')] * episodes
        best_cpu = [float('inf')] * episodes
        for _ in range(PASSES):
            for seed in range(episodes):
                wall, cpu = episode(env, seed)
                best_wall[seed] = min(best_wall[seed], wall)
                best_cpu[seed] = min(best_cpu[seed], cpu)
        total = episodes * EPISODE
        print('dm_control %s %.0f %.0f' % (task_id, total / sum(best_wall), total / sum(best_cpu)), flush=True)


if __name__ == '__main__':
    main(int(sys.argv[1]), sys.argv[2:])
