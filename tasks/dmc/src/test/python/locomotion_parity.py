"""dmc_parity.py for TD-MPC2's custom walker, cheetah and hopper tasks: the same case files and output, with the
custom rewards re-written here from the TD-MPC2 reference's formulas (tdmpc2/envs/tasks/{walker,cheetah,hopper}.py)
on dm_control's task classes and our models (equal to the reference's but for the floor's visual size).

Usage: python locomotion_parity.py MODELS_DIR CASE_FILE...
"""
import os
import sys

import dmc_parity
from dm_control.rl import control
from dm_control.suite import cheetah, common, hopper, walker
from dm_control.utils import rewards

INF = float('inf')
JUMP_HEIGHT = 1.2


class WalkerBackwards(walker.PlanarWalker):
    def get_reward(self, physics):
        standing = rewards.tolerance(physics.torso_height(), bounds=(walker._STAND_HEIGHT, INF),
                                     margin=walker._STAND_HEIGHT / 2)
        stand = (3 * standing + (1 + physics.torso_upright()) / 2) / 4
        move = rewards.tolerance(physics.horizontal_velocity(), bounds=(-INF, -self._move_speed),
                                 margin=self._move_speed / 2, value_at_margin=0.5, sigmoid='linear')
        return stand * (5 * move + 1) / 6


class CheetahGoal(cheetah.Cheetah):
    def __init__(self, reward, random):
        super().__init__(random=random)
        self._reward = reward

    def get_reward(self, physics):
        return self._reward(physics)


def height(physics, body):
    return physics.named.data.xpos[body, 'z']


def high(value):
    return rewards.tolerance(value, bounds=(JUMP_HEIGHT, INF), margin=JUMP_HEIGHT / 2)


def cheetah_run_backwards(physics):
    speed = cheetah._RUN_SPEED * 0.8
    return rewards.tolerance(physics.speed(), bounds=(-INF, -speed), margin=speed, value_at_margin=0,
                             sigmoid='linear')


def cheetah_run_on_one_end(raised_foot):
    def reward(physics):
        speed = cheetah._RUN_SPEED * 0.6
        up = (3 * high(height(physics, raised_foot)) + 2 * high(height(physics, 'torso'))) / 5
        forward = rewards.tolerance(physics.speed(), bounds=(speed, INF), margin=speed, value_at_margin=0,
                                    sigmoid='linear')
        return up * (5 * forward + 1) / 6
    return reward


def cheetah_jump(physics):
    def stand(raised_foot):
        up = high((height(physics, 'torso') + height(physics, raised_foot)) / 2)
        still = rewards.tolerance(physics.speed(), bounds=(-0.5, 0.5), margin=0.5, value_at_margin=0,
                                  sigmoid='linear')
        return (5 * up + still) / 6
    return (stand('bfoot') + stand('ffoot')) / 2


class HopperBackwards(hopper.Hopper):
    def __init__(self, random):
        super().__init__(hopping=True, random=random)

    def get_reward(self, physics):
        standing = rewards.tolerance(physics.height(), (hopper._STAND_HEIGHT, 2))
        hopping = rewards.tolerance(physics.speed(), bounds=(-INF, -hopper._HOP_SPEED / 2),
                                    margin=hopper._HOP_SPEED / 4, value_at_margin=0.5, sigmoid='linear')
        return standing * hopping


# name -> (model file, physics class, task factory, control timestep or None for the physics timestep)
CUSTOM = {
    'walker-walk-backwards': ('walker.xml', walker.Physics,
                              lambda: WalkerBackwards(move_speed=walker._WALK_SPEED, random=0), walker._CONTROL_TIMESTEP),
    'walker-run-backwards': ('walker.xml', walker.Physics,
                             lambda: WalkerBackwards(move_speed=walker._RUN_SPEED, random=0), walker._CONTROL_TIMESTEP),
    'cheetah-run-backwards': ('cheetah.xml', cheetah.Physics, lambda: CheetahGoal(cheetah_run_backwards, 0), None),
    'cheetah-run-front': ('cheetah.xml', cheetah.Physics, lambda: CheetahGoal(cheetah_run_on_one_end('bfoot'), 0), None),
    'cheetah-run-back': ('cheetah.xml', cheetah.Physics, lambda: CheetahGoal(cheetah_run_on_one_end('ffoot'), 0), None),
    'cheetah-jump': ('cheetah.xml', cheetah.Physics, lambda: CheetahGoal(cheetah_jump, 0), None),
    'hopper-hop-backwards': ('hopper.xml', hopper.Physics, lambda: HopperBackwards(random=0), 0.02),
}

suite_load = dmc_parity.load


def load(name, models_dir):
    if name not in CUSTOM:
        return suite_load(name, models_dir)
    file, physics_class, task, control_timestep = CUSTOM[name]
    with open(os.path.join(models_dir, file), 'rb') as f:
        physics = physics_class.from_xml_string(f.read(), common.ASSETS)
    kwargs = {'control_timestep': control_timestep} if control_timestep else {}
    return control.Environment(physics, task(), time_limit=INF, **kwargs)


dmc_parity.load = load

if __name__ == '__main__':
    for case in sys.argv[2:]:
        print('case ' + case)
        print('\n'.join(dmc_parity.run(case, sys.argv[1])))
