"""dm_control suite tasks, one control step per step, observations flattened in the dict's order.

Options (all optional):
- models=DIR: also TD-MPC2's 11 custom tasks (pendulum-spin, walker-walk-backwards, ...; see dmc_custom.py), on the
  model files in DIR.
- start.NAME=V1 V2 ...: every reset ends in this state instead of a random one. After dm_control's own
  initialisation the values go into the physics inside its reset_context (so everything derived from them is
  recomputed, with actuation off, as after any dm_control reset). NAME is qpos, qvel or act (the state), or a model
  array (geom_pos, site_size, dof_damping, ...: what tasks draw per episode); the values are the array flattened,
  as decimal numbers. Used to run dm_control from a state another simulator is in.
"""

import numpy as np
from dm_control import suite

from .. import seeds
from . import dmc_custom

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


_START = "start."
_STATE_FIELDS = ("qpos", "qvel", "act")


def make(task, seed, options):
    options = dict(options)
    models = options.pop("models", None)
    start = {key[len(_START):]: options.pop(key) for key in list(options) if key.startswith(_START)}
    if options:
        raise ValueError(f"unknown options for dm_control tasks: {sorted(options)}; known: models=DIR, start.NAME=values")
    if task in dmc_custom.names():
        if models is None:
            raise ValueError(f"'{task}' is one of TD-MPC2's custom tasks, made on the native dmc plug-in's models: "
                             "pass the option models=DIR (tasks/dmc/src/main/resources/io/github/tdmpc2j/tasks/dmc/models)")
        env = dmc_custom.load(task, models, seeds.fold32(seed))
    else:
        domain, name = split_name(task)
        env = suite.load(domain, name, task_kwargs={"random": seeds.fold32(seed)})
    try:
        return DmcEnv(env, _start_state(env.physics, start))
    except BaseException:
        env.close()
        raise


def _start_state(physics, start):
    """start.NAME option texts -> {NAME: float64 array}, checked against the physics' arrays."""
    state = {}
    for name, text in start.items():
        target = _target(physics, name)
        try:
            values = np.array([float(v) for v in text.split()], dtype=np.float64)
        except ValueError:
            raise ValueError(f"start.{name} must be numbers separated by spaces, got '{text[:80]}'") from None
        if values.size != target.size:
            raise ValueError(f"start.{name} has {values.size} values but this task's {name} has {target.size}")
        state[name] = values.reshape(target.shape)
    return state


def _target(physics, name):
    """The array a start.NAME option writes: a state field of data, or a float array of the model."""
    if name in _STATE_FIELDS:
        return getattr(physics.data, name)
    target = getattr(physics.model, name, None) if not name.startswith("_") else None
    if not isinstance(target, np.ndarray) or target.dtype != np.float64:
        raise ValueError(f"start.{name}: '{name}' is neither qpos, qvel, act nor a float array of the MuJoCo model "
                         "(geom_pos, geom_size, site_pos, site_size, dof_damping, ...)")
    return target


class DmcEnv:
    def __init__(self, env, start=None):
        self._env = env
        self._start = start or {}
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
        self._env.task._random.seed(seeds.fold32(seed))
        step = self._env.reset()
        self._last = False
        if not self._start:
            return _flatten(step.observation), {}
        physics = self._env.physics
        with physics.reset_context():
            for name, values in self._start.items():
                _target(physics, name)[...] = values
        return _flatten(self._env.task.get_observation(physics)), {}

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
