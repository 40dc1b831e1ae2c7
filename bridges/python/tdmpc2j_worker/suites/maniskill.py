"""The five ManiSkill tasks of TD-MPC2 on ManiSkill 3: CPU simulation, one env, state observations, the end-effector
delta controllers the reference used. ManiSkill 3 returns batched torch tensors even for one env; they leave here as
flat float32 numpy arrays and Python scalars.

TD-MPC2 ran ManiSkill2 (the v0 envs). ManiSkill 3 keeps PickCube, StackCube, PickSingleYCB and TurnFaucet as v1
envs; LiftCube-v0 has no v1, so it is rebuilt below the way ManiSkill2 defined it: PickCube with the goal fixed
0.2 m above the cube, solved when the cube is that high and the robot is still.

As in the reference's first release, whose results the paper published, ManiSkill's own episode ends are ignored:
its `terminated` (true once `success` is, as ManiSkill2's `done` was) does not stop the episode; only the 100-step
limit the Java side applies does, and an episode is scored by the `success` flag of its last step. ManiSkill's flag
stays visible in the step info as 'maniskill_done'.

Observations are laid out as ManiSkill2 (0.4.1) laid them out for the reference, so that its released checkpoints read
what they were trained on: `_reference_obs` builds each task's vector from the env's state in ManiSkill2's order
(tasks/maniskill/README.md, Versions). ManiSkill 3 is therefore made with obs_mode "none": its own state vector, which
every step and reset would otherwise build and this worker would throw away, is not built. Nothing else reads it: the
dense rewards of these tasks and LiftCube's below read the env's state and the info, not the obs argument, and the
sparse reward reads the info.
"""

import types

import numpy as np

# name -> (ManiSkill 3 env id, controller, reward mode), controllers as in the TD-MPC2 reference
TASKS = {
    "lift-cube": ("TDMPC2J-LiftCube-v1", "pd_ee_delta_pos", "dense"),
    "pick-cube": ("PickCube-v1", "pd_ee_delta_pos", "dense"),
    "stack-cube": ("StackCube-v1", "pd_ee_delta_pos", "dense"),
    "pick-ycb": ("PickSingleYCB-v1", "pd_ee_delta_pose", "dense"),
    "turn-faucet": ("TurnFaucet-v1", "pd_ee_delta_pose", "sparse"),  # ManiSkill 3 has no dense reward for it
}

# Well past 200 env steps (100 agent steps x action repeat 2): the time limit is Java's, never ManiSkill's own.
_NO_LIMIT = 1_000_000


# What SAPIEN raises when it finds no Vulkan driver, or none with the features it needs (lavapipe before Mesa 23).
_NO_VULKAN = ("vk::", "Vulkan", "rendering device", "physical device")


_render_backend_chosen = None


def _render_backend():
    """SAPIEN's render device, as ManiSkill picks it by default: 'sapien_cuda' where SAPIEN finds a CUDA device, else
    'sapien_cpu', which ManiSkill falls back to there with a warning at every env made (on a machine without a GPU,
    a line per env of every run). Nothing is rendered (state observations), but SAPIEN makes the device anyway."""
    global _render_backend_chosen
    if _render_backend_chosen is None:
        import sapien

        try:
            sapien.Device("cuda")
            _render_backend_chosen = "sapien_cuda"
        except RuntimeError as e:
            if "cuda" not in str(e):
                raise
            _render_backend_chosen = "sapien_cpu"
    return _render_backend_chosen


class AssetsMissing(Exception):
    """The task's objects are not on disk; the message names ManiSkill's download command."""


class RendererMissing(Exception):
    """SAPIEN found no Vulkan device; it needs one even for state observations."""


def make(task, seed, options):
    if options:
        raise ValueError(f"ManiSkill envs take no options, got {', '.join(sorted(options))}")
    if task not in TASKS:
        raise ValueError(f"no ManiSkill task '{task}'; the tasks: {', '.join(TASKS)}")
    env_id, control_mode, reward_mode = TASKS[task]
    import gymnasium
    import mani_skill.envs  # noqa: F401  registers the envs

    if env_id == "TDMPC2J-LiftCube-v1":
        _register_lift_cube()
    _check_assets(env_id)
    try:
        env = gymnasium.make(env_id, num_envs=1, obs_mode="none", control_mode=control_mode,
                             reward_mode=reward_mode, sim_backend="cpu", render_backend=_render_backend(),
                             render_mode=None, robot_uids="panda", max_episode_steps=_NO_LIMIT)
    except RuntimeError as e:
        if any(sign in str(e) for sign in _NO_VULKAN):
            raise RendererMissing(
                f"SAPIEN (ManiSkill's simulator) needs a Vulkan device even for state observations and found none "
                f"it supports ({e}); without a GPU install Mesa's software Vulkan, lavapipe from Mesa 23 or newer: "
                f"run scripts/setup.d/45-maniskill-vulkan.sh as root (on Debian 12 it takes mesa-vulkan-drivers from "
                f"bookworm-backports; on newer Debian or Ubuntu: apt-get install libvulkan1 mesa-vulkan-drivers)"
            ) from e
        raise
    _reference_controller(env.unwrapped, control_mode)
    return ManiSkillEnv(env, _REFERENCE_EXTRA[task])


def _reference_controller(u, control_mode):
    """Moves the hand as ManiSkill2 0.4.1's controllers did for the reference: its `pd_ee_delta_pos` and
    `pd_ee_delta_pose` (frame 'ee', pd_ee_pose.py) compose the delta with the hand's current pose,
    `target = ee * delta`, so the displacement is along the hand's own axes (the hand points down: +y moves it to -y,
    +z down) and the rotation is a rotation vector about them, 0.1 m and 0.1 rad per unit action. ManiSkill 3
    defaults to displacements along the robot base's axes and rotations as XYZ Euler angles scaled by -0.1. Position
    control has ManiSkill 3's own equivalent ('body_translation'); pose control gets ManiSkill2's composition."""
    arm = u.agent.controller.controllers["arm"]
    if control_mode == "pd_ee_delta_pos":
        arm.config.frame = "body_translation"
    else:
        arm.compute_target_pose = types.MethodType(_hand_frame_delta_pose, arm)


def _hand_frame_delta_pose(controller, prev_ee_pose_at_base, action):
    """ManiSkill2's `prev_ee_pose_at_base * Pose(delta_pos, quaternion of the rotation vector)`, from the action as
    ManiSkill 3 scaled it: position times 0.1, rotation clipped to norm 1 and times `rot_lower` (-0.1), which the
    ratio `rot_upper / rot_lower` turns back into ManiSkill2's rotation vector (times +0.1)."""
    from mani_skill.utils.geometry.rotation_conversions import axis_angle_to_quaternion
    from mani_skill.utils.structs.pose import Pose

    rotation = action[:, 3:6] * (controller.config.rot_upper / controller.config.rot_lower)
    return prev_ee_pose_at_base * Pose.create_from_pq(action[:, 0:3], axis_angle_to_quaternion(rotation))


def _check_assets(env_id):
    """ManiSkill's own test of whether an env's assets are on disk; its gym.make would prompt on stdin instead."""
    from mani_skill.utils import assets
    from mani_skill.utils.registration import REGISTERED_ENVS

    missing = []
    for group in REGISTERED_ENVS[env_id].asset_download_ids or []:
        if group in assets.DATA_GROUPS:
            ids = assets.expand_data_group_into_individual_data_source_ids(group)
        else:
            ids = [group]
        if any(not assets.is_data_source_downloaded(i) for i in ids):
            missing.append(group)
    if missing:
        from mani_skill import ASSET_DIR

        raise AssetsMissing(
            f"{env_id} needs ManiSkill's asset(s) {', '.join(missing)} in {ASSET_DIR}, which ManiSkill downloads "
            f"from its own servers (no package registry serves them); with internet access run "
            + " and ".join(f"`python -m mani_skill.utils.download_asset {g} -y`" for g in missing)
            + " with the maniskill venv's python (MS_ASSET_DIR picks another folder than ~/.maniskill)")


def _fold(seed):
    """ManiSkill seeds numpy's RandomState, which takes 32 bits; the 64 bits of a Java seed are folded into 31."""
    seed = int(seed) & ((1 << 64) - 1)
    return (seed ^ (seed >> 31) ^ (seed >> 62)) & 0x7FFFFFFF


def _numpy(x):
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    return np.asarray(x)


def _scalar(x):
    """A one-element tensor or array as a Python bool, int or float; anything else is left for wire to drop."""
    if hasattr(x, "detach") or isinstance(x, np.ndarray):
        a = _numpy(x)
        if a.size == 1:
            return a.reshape(-1)[0].item()
        return None
    return x


class ManiSkillEnv:
    def __init__(self, env, extra):
        self._env = env
        self._extra = extra
        self.action_size = int(np.prod(env.unwrapped.single_action_space.shape))

    def spaces(self):
        u = self._env.unwrapped
        act = u.single_action_space
        size = _reference_obs(u, self._extra).size  # ManiSkill makes (and resets) the env in gym.make
        return (np.full(size, -np.inf), np.full(size, np.inf), act.low.reshape(-1), act.high.reshape(-1), 0)

    def reset(self, seed):
        _, info = self._env.reset(seed=_fold(seed))
        return _reference_obs(self._env.unwrapped, self._extra), _info(info)

    def step(self, action):
        action = np.asarray(action, dtype=np.float32).reshape(1, self.action_size)
        _, reward, terminated, _, info = self._env.step(action)
        info = dict(_info(info), maniskill_done=bool(_scalar(terminated)))
        return _reference_obs(self._env.unwrapped, self._extra), float(_scalar(reward)), False, False, info

    def close(self):
        self._env.close()


def _reference_obs(u, extra):
    """The state observation as ManiSkill2 0.4.1 flattened it (obs_mode 'state'): the agent's joint positions and
    velocities and the robot's base pose (`StationaryManipulationEnv._get_obs_agent`), then the task's extra entries
    in ManiSkill2's order. ManiSkill 3's own vector has the same quantities but leaves out the base pose (and
    pick-cube's tcp-to-goal vector), adds `is_grasped` to lift- and pick-cube, and orders pick-ycb's differently; all
    of them are read here from the env's state, as ManiSkill 3's own observation code reads them."""
    robot = u.agent.robot
    parts = [robot.get_qpos(), robot.get_qvel(), robot.pose.raw_pose] + extra(u, u.agent.tcp.pose)
    return np.concatenate([_numpy(x).reshape(-1) for x in parts]).astype(np.float32)


def _lift_cube_extra(u, tcp):
    # LiftCube-v0: tcp_pose, obj_pose, tcp_to_obj_pos
    obj = u.cube.pose
    return [tcp.raw_pose, obj.raw_pose, obj.p - tcp.p]


def _pick_extra(tcp, goal, obj):
    # PickCube-v0 and PickSingleYCB-v0: tcp_pose, goal_pos, tcp_to_goal_pos, obj_pose, tcp_to_obj_pos, obj_to_goal_pos
    return [tcp.raw_pose, goal, goal - tcp.p, obj.raw_pose, obj.p - tcp.p, goal - obj.p]


def _pick_cube_extra(u, tcp):
    return _pick_extra(tcp, u.goal_site.pose.p, u.cube.pose)


def _pick_ycb_extra(u, tcp):
    # ManiSkill2 observes the object's centre of mass (PickSingleEnv.obj_pose), ManiSkill 3 the object's frame
    return _pick_extra(tcp, u.goal_site.pose.p, _mass_centre_pose(u.obj))


def _mass_centre_pose(actor):
    """An actor's centre-of-mass pose in the world, as ManiSkill2's `obj.pose.transform(obj.cmass_local_pose)`."""
    return actor.pose * actor.cmass_local_pose


def _stack_cube_extra(u, tcp):
    # StackCube-v0: tcp_pose, cubeA_pose, cubeB_pose, tcp_to_cubeA_pos, tcp_to_cubeB_pos, cubeA_to_cubeB_pos
    a, b = u.cubeA.pose, u.cubeB.pose
    return [tcp.raw_pose, a.raw_pose, b.raw_pose, a.p - tcp.p, b.p - tcp.p, b.p - a.p]


def _turn_faucet_extra(u, tcp):
    # TurnFaucet-v0: tcp_pose, target_angle_diff, target_joint_axis, target_link_pos, angle_dist
    return [tcp.raw_pose, u.target_angle_diff, u.target_joint_axis, u.target_link_pos,
            u.target_angle - u.current_angle]


# task -> its ManiSkill2 extra entries (after qpos, qvel and base pose): 42, 51, 55, 51 and 40 floats in all
_REFERENCE_EXTRA = {
    "lift-cube": _lift_cube_extra,
    "pick-cube": _pick_cube_extra,
    "stack-cube": _stack_cube_extra,
    "pick-ycb": _pick_ycb_extra,
    "turn-faucet": _turn_faucet_extra,
}


def _info(info):
    """The info's one-value entries as Python scalars. "success" (a bool tensor of one value) goes as it is
    otherwise too, a tensor as a NumPy array, for Java to read 0/1 as the flag and refuse anything else naming the
    task (several values, 0.5), not to be read as "no success flag"."""
    out = {}
    for key, value in info.items():
        v = _scalar(value)
        if v is not None and isinstance(v, (bool, int, float, str)):
            out[key] = v
        elif key == "success" and value is not None:
            out[key] = _numpy(value) if hasattr(value, "detach") else value
    return out


_lift_cube_registered = False


def _register_lift_cube():
    """ManiSkill2's LiftCube-v0 rebuilt on ManiSkill 3's PickCube-v1: the goal sits 0.2 m above where the cube
    starts and is not observed (the worker observes LiftCube-v0's entries, `_lift_cube_extra`); success is the cube's
    centre at that height with the robot static, as v0's; the dense reward is PickCube-v1's kind, not v0's (reach,
    grasp, lift fraction while grasped, stillness once lifted; 5 on success, the value PickCube-v1 gives; v0 gave 0.25
    for a grasp, had no stillness term and gave 2.25 on success)."""
    global _lift_cube_registered
    if _lift_cube_registered:
        return
    import torch
    from mani_skill.envs.tasks.tabletop.pick_cube import PickCubeEnv
    from mani_skill.utils.registration import register_env
    from mani_skill.utils.structs.pose import Pose

    lift_height = 0.2

    @register_env("TDMPC2J-LiftCube-v1", max_episode_steps=100)
    class LiftCubeEnv(PickCubeEnv):
        def _initialize_episode(self, env_idx, options):
            super()._initialize_episode(env_idx, options)
            with torch.device(self.device):
                goal = self.cube.pose.p[env_idx].clone()
                goal[:, 2] += lift_height
                self.goal_site.set_pose(Pose.create_from_pq(goal))

        def evaluate(self):
            is_lifted = self.cube.pose.p[:, 2] >= lift_height + self.cube_half_size
            is_robot_static = self.agent.is_static(0.2)
            return {
                "success": is_lifted & is_robot_static,
                "is_obj_placed": is_lifted,
                "is_robot_static": is_robot_static,
                "is_grasped": self.agent.is_grasping(self.cube),
            }

        def compute_dense_reward(self, obs, action, info):
            reach = 1 - torch.tanh(5 * torch.linalg.norm(self.cube.pose.p - self.agent.tcp_pose.p, axis=1))
            grasped = info["is_grasped"].float()
            lifted = torch.clamp((self.cube.pose.p[:, 2] - self.cube_half_size) / lift_height, 0.0, 1.0)
            still = 1 - torch.tanh(5 * torch.linalg.norm(self.agent.robot.get_qvel()[..., :-2], axis=1))
            reward = reach + grasped + lifted * grasped + still * info["is_obj_placed"].float()
            reward[info["success"]] = 5
            return reward

        def compute_normalized_dense_reward(self, obs, action, info):
            return self.compute_dense_reward(obs, action, info) / 5

    _lift_cube_registered = True
