"""Runs one DMControl task in dm_control from a state and actions given by the Java parity test, and prints the
reward and observation of every control step.

Usage: python dmc_parity.py MODELS_DIR CASE_FILE...
Each CASE_FILE has lines (values space-separated):
  task <reference name>            e.g. cartpole-swingup
  qpos|qvel|geom_pos|geom_size|site_pos|site_size|dof_damping <values...>
  action <nu values>               one line per control step
Output per case: "case <file>", then "reset <obs...>", then "step <reward> <obs...>" per action, or
"unsupported <task>" for a task this script cannot build; observations are the TD-MPC2 reference's
flattening (dict values concatenated in order), printed as float64.
"""
import collections
import os
import sys

import numpy as np
from dm_control import suite
from dm_control.rl import control
from dm_control.suite import ball_in_cup, common, pendulum, reacher
from dm_control.utils import rewards


# TD-MPC2's custom tasks, written from the reference's formulas (their Python is not a dependency here). Their
# models are ours, which model_fidelity.py checks against the reference's XML.
class PendulumSpin(pendulum.SwingUp):
    def get_reward(self, physics):
        return rewards.tolerance(np.linalg.norm(physics.angular_velocity()), bounds=(9.0, float('inf')),
                                 margin=4.5, value_at_margin=0.5, sigmoid='linear')


class CupSpin(ball_in_cup.BallInCup):
    def get_reward(self, physics):
        dist = np.linalg.norm(physics.ball_to_target())
        vel = np.linalg.norm([abs(physics.named.data.qvel['ball_x']), abs(physics.named.data.qvel['ball_z'])])
        far = rewards.tolerance(dist, bounds=(0.5, float('inf')), margin=0.25, value_at_margin=0.5,
                                sigmoid='linear')
        fast = rewards.tolerance(vel, bounds=(6.0, float('inf')), margin=3.0, value_at_margin=0.5,
                                 sigmoid='linear')
        return (1 - physics.in_target()) * (far + 2 * fast) / 3


def load(name, models_dir):
    def ours(file, physics_class, task, **kwargs):
        with open(os.path.join(models_dir, file), 'rb') as f:
            physics = physics_class.from_xml_string(f.read(), common.ASSETS)
        return control.Environment(physics, task, time_limit=float('inf'), **kwargs)

    if name == 'pendulum-spin':
        return ours('pendulum.xml', pendulum.Physics, PendulumSpin(random=0))
    if name == 'cup-spin':
        return ours('ball_in_cup.xml', ball_in_cup.Physics, CupSpin(random=0), control_timestep=0.02)
    if name in ('reacher-three-easy', 'reacher-three-hard'):
        size = 0.05 if name.endswith('easy') else 0.015
        return ours('reacher_three_links.xml', reacher.Physics, reacher.Reacher(size, random=0))
    domain, task = name.replace('-', '_').split('_', 1)
    domain = dict(cup='ball_in_cup').get(domain, domain)
    return suite.load(domain, task, task_kwargs={'random': 0, 'time_limit': float('inf')})


def flat(obs):
    return np.concatenate([np.asarray(v, dtype=np.float64).ravel() for v in obs.values()])


def run(case_file, models_dir):
    values = collections.OrderedDict()
    actions = []
    with open(case_file) as f:
        for line in f:
            key, *rest = line.split()
            if key == 'task':
                name = rest[0]
            elif key == 'action':
                actions.append(np.array([float(v) for v in rest]))
            else:
                values[key] = np.array([float(v) for v in rest])
    try:
        env = load(name, models_dir)
    except ValueError:
        return ['unsupported ' + name]
    env.reset()
    physics = env.physics
    with physics.reset_context():
        for key in ('geom_pos', 'geom_size', 'site_pos', 'site_size', 'dof_damping'):
            target = getattr(physics.model, key)
            target[...] = values[key].reshape(target.shape)
        physics.data.qpos[:] = values['qpos']
        physics.data.qvel[:] = values['qvel']
    out = ['reset ' + ' '.join(repr(float(v)) for v in flat(env.task.get_observation(physics)))]
    for a in actions:
        step = env.step(a)
        out.append('step %r ' % float(step.reward) + ' '.join(repr(float(v)) for v in flat(step.observation)))
    return out


if __name__ == '__main__':
    for case in sys.argv[2:]:
        print('case ' + case)
        print('\n'.join(run(case, sys.argv[1])))
