"""dm_control suite tasks, one control step per step, observations flattened in the dict's order."""

import numpy as np
from dm_control import suite

# the TD-MPC2 reference's short domain names
_DOMAIN_NAMES = {"cup": "ball_in_cup", "pointmass": "point_mass"}


def split_name(task):
    """'cartpole-balance-sparse' -> ('cartpole', 'balance_sparse'), as the reference splits its task names."""
    domain, sep, name = task.replace("-", "_").partition("_")
    if not sep:
        raise ValueError(f"dm_control task '{task}' must look like domain-task, for example cartpole-swingup")
    domain = _DOMAIN_NAMES.get(domain, domain)
    if (domain, name) not in suite.ALL_TASKS:
        known = ", ".join(f"{d}-{t}".replace("_", "-") for d, t in suite.ALL_TASKS)
        raise ValueError(f"dm_control has no task '{task}' ({domain}/{name}); its tasks: {known}")
    return domain, name


def make(task, seed, options):
    if options:
        raise ValueError(f"dm_control tasks take no options, got {sorted(options)}")
    domain, name = split_name(task)
    return DmcEnv(suite.load(domain, name, task_kwargs={"random": _seed32(seed)}))


def _seed32(seed):
    seed &= (1 << 64) - 1
    return (seed ^ (seed >> 32)) & 0xFFFFFFFF


class DmcEnv:
    def __init__(self, env):
        self._env = env
        spec = env.action_spec()
        self._act_low = np.broadcast_to(spec.minimum, spec.shape).astype(np.float64)
        self._act_high = np.broadcast_to(spec.maximum, spec.shape).astype(np.float64)
        self.action_size = int(np.prod(spec.shape))
        self._obs_size = sum(int(np.prod(s.shape)) for s in env.observation_spec().values())
        self._last = True

    def spaces(self):
        inf = np.full(self._obs_size, np.inf)
        limit = getattr(self._env, "_step_limit", float("inf"))
        steps = int(round(limit)) if np.isfinite(limit) else 0
        return -inf, inf, self._act_low, self._act_high, steps

    def reset(self, seed):
        self._env.task._random.seed(_seed32(seed))
        step = self._env.reset()
        self._last = False
        return _flatten(step.observation), {}

    def step(self, action):
        if self._last:
            raise RuntimeError("the episode has ended (or never started): call reset before step")
        step = self._env.step(np.asarray(action, dtype=np.float64))
        self._last = step.last()
        terminated = self._last and step.discount == 0.0
        truncated = self._last and not terminated
        return _flatten(step.observation), step.reward or 0.0, terminated, truncated, {}

    def close(self):
        self._env.close()


def _flatten(observation):
    return np.concatenate([np.asarray(v, dtype=np.float32).reshape(-1) for v in observation.values()])
