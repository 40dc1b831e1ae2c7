"""Meta-World 3.x tasks as TD-MPC2 uses them: the goal-observable variant of each task, whose goal and object
positions are drawn anew at every reset from the env's own seeded generator (never from numpy's global one, which
the envs of one worker would share)."""

import numpy as np

from .. import seeds

_VERSION_SUFFIX = "-v3-goal-observable"


def make(task, seed, options):
    if options:
        raise ValueError(f"Meta-World envs take no options, got {', '.join(sorted(options))}")
    from metaworld.env_dict import ALL_V3_ENVIRONMENTS_GOAL_OBSERVABLE as envs

    key = task + _VERSION_SUFFIX
    if key not in envs:
        known = sorted(k[: -len(_VERSION_SUFFIX)] for k in envs)
        raise ValueError(f"Meta-World has no task '{task}'; its tasks: {', '.join(known)}")
    return MetaWorldEnv(envs[key](seed=seeds.fold32(seed)))  # it seeds numpy's RandomState, which takes 32 bits


class MetaWorldEnv:
    action_size = 4

    def __init__(self, env):
        env._freeze_rand_vec = False  # a new task configuration every episode, as the TD-MPC2 reference does
        env.seeded_rand_vec = True
        self._env = env

    def spaces(self):
        obs, act = self._env.observation_space, self._env.action_space
        return obs.low, obs.high, act.low, act.high, self._env.max_path_length

    def reset(self, seed):
        self._env.seed(seeds.unsigned64(seed))
        obs, info = self._env.reset()
        # The TD-MPC2 reference takes one zero-action step after every reset and still returns the reset's
        # observation; kept so that episodes start from the same state as there.
        self._env.step(np.zeros(self.action_size, dtype=np.float32))
        return obs, info

    def step(self, action):
        obs, reward, terminated, truncated, info = self._env.step(np.array(action, dtype=np.float32))
        # info["success"] as Meta-World gives it (a float, 0.0 or 1.0): Java reads 0/1 as the flag and refuses any
        # other value naming the task, which bool() would have hidden
        return obs, float(reward), bool(terminated), bool(truncated), info

    def close(self):
        self._env.close()
