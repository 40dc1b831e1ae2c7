"""Any registered Gymnasium env with Box observation and action spaces."""

import gymnasium
import numpy as np

from .. import seeds


def make(task, seed, options):
    kwargs = {k: _value(v) for k, v in options.items()}
    try:
        env = gymnasium.make(task, **kwargs)
    except gymnasium.error.Error as e:
        raise ValueError(f"Gymnasium cannot make '{task}': {e}") from e
    for name, space in (("observation", env.observation_space), ("action", env.action_space)):
        if not isinstance(space, gymnasium.spaces.Box):
            env.close()
            raise ValueError(f"'{task}' has a {type(space).__name__} {name} space; only Box spaces are supported")
    env.action_space.seed(seeds.unsigned64(seed))
    return GymEnv(env)


def _value(text):
    """Option values arrive as strings; numbers and booleans are converted, the rest stays text."""
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


class GymEnv:
    def __init__(self, env):
        self._env = env
        self.action_size = int(np.prod(env.action_space.shape))

    def spaces(self):
        obs, act = self._env.observation_space, self._env.action_space
        steps = self._env.spec.max_episode_steps if self._env.spec is not None else None
        return obs.low, obs.high, act.low, act.high, steps or 0

    def reset(self, seed):
        obs, info = self._env.reset(seed=seeds.unsigned64(seed))
        return obs, info

    def step(self, action):
        shaped = np.asarray(action, dtype=self._env.action_space.dtype).reshape(self._env.action_space.shape)
        obs, reward, terminated, truncated, info = self._env.step(shaped)
        if "success" not in info and "is_success" in info:
            # as it is: Java reads 0/1 and booleans as the flag and refuses anything else, naming the task
            info = dict(info, success=info["is_success"])
        return obs, reward, terminated, truncated, info

    def close(self):
        self._env.close()
