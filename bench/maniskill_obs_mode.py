"""What ManiSkill 3's own state observation costs the ManiSkill worker, which observes ManiSkill2's layout instead.

Makes each task's env twice through the worker's suite (bridges/python, tdmpc2j_worker.suites.maniskill), once with
ManiSkill's obs mode forced to "state" (ManiSkill builds its state vector at every step and reset, which the worker
throws away) and once as the worker makes it, and steps both with the same seeded random actions in turn, 100-step
episodes; the fastest round of each counts, in CPU seconds of this process. Also checks that both give the same
observations, rewards and infos, bit for bit, and times ManiSkill's state vector alone (`get_obs` as `step` calls it,
then flattened), from the "state" env's last info.

Run with the maniskill venv's python from the repository root:
    ~/.cache/tdmpc2j/venvs/maniskill/bin/python bench/maniskill_obs_mode.py [tasks=lift-cube,pick-cube,stack-cube]
        [steps=500] [rounds=5]
"""

import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bridges", "python"))

from tdmpc2j_worker.suites import maniskill  # noqa: E402


def _made_with(obs_mode, task):
    import gymnasium

    real = gymnasium.make

    def make(*args, **kwargs):
        if obs_mode is not None:
            kwargs["obs_mode"] = obs_mode
        return real(*args, **kwargs)

    gymnasium.make = make
    try:
        return maniskill.make(task, 0, {})
    finally:
        gymnasium.make = real


def _episode(env, actions, record):
    obs, info = env.reset(1)
    record.append((obs.tobytes(), sorted(info.items(), key=str)))
    for t, action in enumerate(actions):
        if t > 0 and t % 100 == 0:
            obs, info = env.reset(1 + t // 100)
            record.append((obs.tobytes(), sorted(info.items(), key=str)))
        obs, reward, terminated, truncated, info = env.step(action)
        record.append((obs.tobytes(), reward, terminated, truncated, sorted(map(str, info.items()))))


def main(argv):
    opts = {"tasks": "lift-cube,pick-cube,stack-cube", "steps": "500", "rounds": "5"}
    for arg in argv:
        key, _, value = arg.partition("=")
        if key not in opts:
            raise SystemExit(f"unknown option {key}; the options: {', '.join(opts)}")
        opts[key] = value
    steps, rounds = int(opts["steps"]), int(opts["rounds"])
    print(f"{steps} env steps a round (100-step episodes), fastest of {rounds} rounds, CPU time")
    print("| task | obs mode \"state\" (us/step) | as the worker makes it (us/step) | ratio | ManiSkill's state vector "
          "(us) | same outputs |")
    print("|---|---|---|---|---|---|")
    for task in opts["tasks"].split(","):
        envs = {"state": _made_with("state", task), "worker": _made_with(None, task)}
        actions = np.random.default_rng(0).uniform(-1, 1, size=(steps, envs["state"].action_size)).astype(np.float32)
        best = {}
        same = True
        for _ in range(rounds):
            records = {}
            for name, env in envs.items():
                records[name] = []
                t0 = time.process_time()
                _episode(env, actions, records[name])
                best[name] = min(best.get(name, float("inf")), (time.process_time() - t0) / steps)
            same = same and records["state"] == records["worker"]
        u = envs["state"]._env.unwrapped
        info = u.get_info()
        t0 = time.process_time()
        for _ in range(steps):
            u._flatten_raw_obs(u.get_obs(info, unflattened=True))
        own = (time.process_time() - t0) / steps
        print(f"| {task} | {best['state'] * 1e6:.0f} | {best['worker'] * 1e6:.0f} | "
              f"{best['state'] / best['worker']:.2f}x | {own * 1e6:.0f} | {'yes' if same else 'NO'} |", flush=True)
        for env in envs.values():
            env.close()


if __name__ == "__main__":
    main(sys.argv[1:])
