"""The 11 DMControl tasks the TD-MPC2 authors added to MT30, on dm_control's task classes.

Their reward formulas are written here from the TD-MPC2 reference (tdmpc2/envs/tasks/*.py); the reference's Python
is not a dependency. The models come from a folder given by the caller (the native `dmc` plug-in's model files,
which equal the reference's XML files; tasks/dmc checks that), so these tasks serve as the dm_control side of the
native plug-in's parity tests.
"""

import os

import numpy as np
from dm_control.rl import control
from dm_control.suite import ball_in_cup, cheetah, common, hopper, pendulum, reacher, walker
from dm_control.utils import rewards

_INF = float("inf")
_JUMP_HEIGHT = 1.2


class PendulumSpin(pendulum.SwingUp):
    def get_reward(self, physics):
        return rewards.tolerance(np.linalg.norm(physics.angular_velocity()), bounds=(9.0, _INF), margin=4.5,
                                 value_at_margin=0.5, sigmoid="linear")


class CupSpin(ball_in_cup.BallInCup):
    def get_reward(self, physics):
        distance = np.linalg.norm(physics.ball_to_target())
        speed = np.linalg.norm([abs(physics.named.data.qvel["ball_x"]), abs(physics.named.data.qvel["ball_z"])])
        far = rewards.tolerance(distance, bounds=(0.5, _INF), margin=0.25, value_at_margin=0.5, sigmoid="linear")
        fast = rewards.tolerance(speed, bounds=(6.0, _INF), margin=3.0, value_at_margin=0.5, sigmoid="linear")
        return (1 - physics.in_target()) * (far + 2 * fast) / 3


class WalkerBackwards(walker.PlanarWalker):
    def get_reward(self, physics):
        standing = rewards.tolerance(physics.torso_height(), bounds=(walker._STAND_HEIGHT, _INF),
                                     margin=walker._STAND_HEIGHT / 2)
        stand = (3 * standing + (1 + physics.torso_upright()) / 2) / 4
        move = rewards.tolerance(physics.horizontal_velocity(), bounds=(-_INF, -self._move_speed),
                                 margin=self._move_speed / 2, value_at_margin=0.5, sigmoid="linear")
        return stand * (5 * move + 1) / 6


class CheetahGoal(cheetah.Cheetah):
    """dm_control's cheetah with another reward function of the physics."""

    def __init__(self, reward, random):
        super().__init__(random=random)
        self._reward = reward

    def get_reward(self, physics):
        return self._reward(physics)


def _height(physics, body):
    return physics.named.data.xpos[body, "z"]


def _high(value):
    return rewards.tolerance(value, bounds=(_JUMP_HEIGHT, _INF), margin=_JUMP_HEIGHT / 2)


def _cheetah_run_backwards(physics):
    speed = cheetah._RUN_SPEED * 0.8
    return rewards.tolerance(physics.speed(), bounds=(-_INF, -speed), margin=speed, value_at_margin=0,
                             sigmoid="linear")


def _cheetah_run_on_one_end(raised_foot):
    def reward(physics):
        speed = cheetah._RUN_SPEED * 0.6
        up = (3 * _high(_height(physics, raised_foot)) + 2 * _high(_height(physics, "torso"))) / 5
        forward = rewards.tolerance(physics.speed(), bounds=(speed, _INF), margin=speed, value_at_margin=0,
                                    sigmoid="linear")
        return up * (5 * forward + 1) / 6

    return reward


def _cheetah_jump(physics):
    def stand(raised_foot):
        up = _high((_height(physics, "torso") + _height(physics, raised_foot)) / 2)
        still = rewards.tolerance(physics.speed(), bounds=(-0.5, 0.5), margin=0.5, value_at_margin=0,
                                  sigmoid="linear")
        return (5 * up + still) / 6

    return (stand("bfoot") + stand("ffoot")) / 2


class HopperBackwards(hopper.Hopper):
    def __init__(self, random):
        super().__init__(hopping=True, random=random)

    def get_reward(self, physics):
        standing = rewards.tolerance(physics.height(), (hopper._STAND_HEIGHT, 2))
        hopping = rewards.tolerance(physics.speed(), bounds=(-_INF, -hopper._HOP_SPEED / 2),
                                    margin=hopper._HOP_SPEED / 4, value_at_margin=0.5, sigmoid="linear")
        return standing * hopping


# name -> (model file, dm_control domain module, task factory taking `random`, control timestep or None for the
# physics timestep)
_TASKS = {
    "pendulum-spin": ("pendulum.xml", pendulum, lambda random: PendulumSpin(random=random), None),
    "cup-spin": ("ball_in_cup.xml", ball_in_cup, lambda random: CupSpin(random=random), ball_in_cup._CONTROL_TIMESTEP),
    "reacher-three-easy": ("reacher_three_links.xml", reacher,
                           lambda random: reacher.Reacher(reacher._BIG_TARGET, random=random), None),
    "reacher-three-hard": ("reacher_three_links.xml", reacher,
                           lambda random: reacher.Reacher(reacher._SMALL_TARGET, random=random), None),
    "walker-walk-backwards": ("walker.xml", walker,
                              lambda random: WalkerBackwards(move_speed=walker._WALK_SPEED, random=random),
                              walker._CONTROL_TIMESTEP),
    "walker-run-backwards": ("walker.xml", walker,
                             lambda random: WalkerBackwards(move_speed=walker._RUN_SPEED, random=random),
                             walker._CONTROL_TIMESTEP),
    "cheetah-run-backwards": ("cheetah.xml", cheetah, lambda random: CheetahGoal(_cheetah_run_backwards, random),
                              None),
    "cheetah-run-front": ("cheetah.xml", cheetah, lambda random: CheetahGoal(_cheetah_run_on_one_end("bfoot"), random),
                          None),
    "cheetah-run-back": ("cheetah.xml", cheetah, lambda random: CheetahGoal(_cheetah_run_on_one_end("ffoot"), random),
                         None),
    "cheetah-jump": ("cheetah.xml", cheetah, lambda random: CheetahGoal(_cheetah_jump, random), None),
    "hopper-hop-backwards": ("hopper.xml", hopper, lambda random: HopperBackwards(random=random),
                             hopper._CONTROL_TIMESTEP),
}


def names():
    return tuple(_TASKS)


def load(task, models_dir, random):
    """A control.Environment of the custom task `task`, its model read from `models_dir`."""
    if task not in _TASKS:
        raise ValueError(f"'{task}' is not one of TD-MPC2's custom DMControl tasks: {', '.join(_TASKS)}")
    file, domain, make_task, control_timestep = _TASKS[task]
    path = os.path.join(models_dir, file)
    if not os.path.isfile(path):
        raise ValueError(f"the custom task '{task}' needs the model file {file} in models={models_dir}, which has no "
                         "such file; pass the native dmc plug-in's model folder "
                         "(tasks/dmc/src/main/resources/io/github/tdmpc2j/tasks/dmc/models)")
    with open(path, "rb") as f:
        physics = domain.Physics.from_xml_string(f.read(), common.ASSETS)
    kwargs = {"control_timestep": control_timestep} if control_timestep else {}
    return control.Environment(physics, make_task(random), time_limit=domain._DEFAULT_TIME_LIMIT, **kwargs)
