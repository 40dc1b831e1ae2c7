"""Small envs that exercise the bridge itself: cheap to step, with failures on request.

- 'counter-OBS-ACT': obs of size OBS whose first entry counts steps; reward = sum of the action;
  terminates after 'episode' steps (option, default 1000).
- 'faulty': like counter-3-1, but step raises ArithmeticError at the env's step 'fail_at' (option, default 3),
  counted over all its episodes.
- 'slow': like counter-3-1, but step sleeps 'seconds' (option) first; with 'hold_gil=1' it sleeps holding the
  GIL, as a C extension stuck in a call does (the worker then answers no other call either); with 'child=1' the env
  starts a child process (a 'sleep'), as envs with a renderer or a simulator server do; with 'detached=1' it starts
  a 'sleep' through a shell that exits at once, leaving it re-parented away from the worker (as a daemonising
  simulator server does), and reports its pid as the reset info 'detached_pid'; with 'make_seconds' (option) its
  making sleeps that long, as a suite that loads its assets does, and then says on stderr that it was made (a test
  counts the envs a command made); with 'mark' (option, a file path) each step
  appends a line to that file as it begins, so that a test knows a step is in flight rather than guessing. Its step raises RuntimeError when
  close() ran while the step was in flight (two threads in one env, which MuJoCo-based suites do not survive).
- 'prompting': asks on stdin whether to download something while it is made, as some suites' makers do.
- 'dying': like counter-3-1, but the worker process exits (code 3) at the env's step 'exit_at' (option, default 3),
  counted over all its episodes, as a worker killed mid-run does.

A counter breaks its contract at step 'wrong_at' (option; 0 is reset) of each episode once it has stepped
'wrong_after' times over all its episodes (option, default 0), the way 'wrong' (option) says:
'obs+1' (an observation one value longer), 'reward-pair' (two rewards), 'flag-pair' (two terminated flags),
'nan-obs' (NaN as the last observation value), 'nan-reward', 'inf-reward'.
A counter's info "success" (true once its episode ended) comes as the option 'success' says: 'bool' (default),
'float' (0.0 or 1.0), 'np-bool', 'np-int' (as Gymnasium envs give it), 'one-array' (a NumPy array of one flag, as a
ManiSkill tensor comes), or a value that is no flag: 'half' (0.5 once the episode ended), 'nan' (NaN once it ended),
'text' ("yes"), 'array' (a NumPy array of two flags).
"""

import ctypes
import os
import subprocess
import sys
import time

import numpy as np


SLOW_ENV_MADE = "testing: a slow env was made"


def make(task, seed, options):
    if task == "faulty":
        return CounterEnv(3, 1, fail_at=int(options.get("fail_at", 3)))
    if task == "prompting":
        answer = input("download the assets? (y|n): ")
        return CounterEnv(3, 1) if answer == "y" else None
    if task == "dying":
        return CounterEnv(3, 1, exit_at=int(options.get("exit_at", 3)))
    if task == "slow":
        make_seconds = float(options.get("make_seconds", 0.0))
        if make_seconds > 0:
            time.sleep(make_seconds)
            print(SLOW_ENV_MADE, file=sys.stderr, flush=True)
        env = CounterEnv(3, 1, sleep=float(options.get("seconds", 1.0)), hold_gil=options.get("hold_gil") == "1")
        env.mark = options.get("mark")
        if options.get("child") == "1":
            env.child = subprocess.Popen(["sleep", "600"])
        if options.get("detached") == "1":
            shell = subprocess.run(["/bin/sh", "-c", "sleep 600 </dev/null >/dev/null 2>&1 & echo $!"],
                                   stdout=subprocess.PIPE, check=True, text=True)
            env.detached_pid = int(shell.stdout.strip())
        return env
    parts = task.split("-")
    if len(parts) == 3 and parts[0] == "counter" and parts[1].isdigit() and parts[2].isdigit():
        return CounterEnv(int(parts[1]), int(parts[2]), episode=int(options.get("episode", 1000)),
                          wrong=options.get("wrong"), wrong_at=int(options.get("wrong_at", 1)),
                          wrong_after=int(options.get("wrong_after", 0)), success=options.get("success", "bool"))
    raise ValueError(f"unknown testing task '{task}'; known: counter-OBS-ACT, faulty, dying, slow, prompting")


_SUCCESS = {
    "bool": bool,
    "float": float,
    "np-bool": np.bool_,
    "np-int": np.int64,
    "one-array": lambda done: np.array([done]),
    "half": lambda done: 0.5 if done else 0.0,
    "nan": lambda done: float("nan") if done else 0.0,
    "text": lambda done: "yes" if done else "no",
    "array": lambda done: np.array([done, done]),
}


class CounterEnv:
    def __init__(self, obs_size, action_size, episode=1000, fail_at=None, sleep=0.0, wrong=None, wrong_at=1,
                 exit_at=None, hold_gil=False, wrong_after=0, success="bool"):
        if success not in _SUCCESS:
            raise ValueError(f"unknown success kind '{success}'; known: {', '.join(_SUCCESS)}")
        self._success = _SUCCESS[success]
        self.action_size = action_size
        self._obs = np.zeros(obs_size, dtype=np.float32)
        self._episode = episode
        self._fail_at = fail_at
        self._sleep = sleep
        self._hold_gil = hold_gil
        self.child = None
        self.detached_pid = None
        self.mark = None
        self._stepping = False
        self._closed_in_step = False
        self._wrong = wrong
        self._wrong_at = wrong_at
        self._wrong_after = wrong_after
        self._exit_at = exit_at
        self._t = 0
        self._steps = 0

    def spaces(self):
        n = self._obs.size
        return np.full(n, -np.inf), np.full(n, np.inf), -np.ones(self.action_size), np.ones(self.action_size), 0

    def reset(self, seed):
        self._t = 0
        self._obs[:] = 0.0
        if self._obs.size > 1:
            self._obs[1] = float(seed % 1000)
        obs = self._obs
        if self._wrong and self._wrong_at == 0 and self._steps >= self._wrong_after:
            obs = self._broken(obs, 0.0, False)[0]
        info = {"seed": int(seed)}
        if self.detached_pid is not None:
            info["detached_pid"] = self.detached_pid
        return obs, info

    def step(self, action):
        self._stepping = True
        if self.mark:
            with open(self.mark, "a") as marks:
                marks.write("step\n")
        try:
            if self._sleep and self._hold_gil:
                ctypes.PyDLL(None).usleep(int(self._sleep * 1e6))  # a PyDLL call keeps the GIL
            elif self._sleep:
                time.sleep(self._sleep)
        finally:
            self._stepping = False
        if self._closed_in_step:
            raise RuntimeError("close() ran while a step of this env was in flight")
        self._t += 1
        self._steps += 1
        if self._fail_at is not None and self._steps == self._fail_at:
            raise ArithmeticError(f"faulty env fails at step {self._steps} as asked")
        if self._exit_at is not None and self._steps == self._exit_at:
            os._exit(3)
        self._obs[0] = self._t
        obs, reward, terminated = self._obs, float(np.sum(action)), self._t >= self._episode
        if self._wrong and self._t == self._wrong_at and self._steps > self._wrong_after:
            obs, reward, terminated = self._broken(obs, reward, terminated)
        return obs, reward, terminated, False, {"success": self._success(self._t >= self._episode)}

    def close(self):
        if self._stepping:
            self._closed_in_step = True
            print("close() ran while a step of this env was in flight", file=sys.stderr, flush=True)
        if self.child is not None:
            self.child.kill()
            self.child.wait()

    def _broken(self, obs, reward, terminated):
        kind = self._wrong
        if kind == "obs+1":
            return np.append(obs, 99.0).astype(np.float32), reward, terminated
        if kind == "nan-obs":
            obs = obs.copy()
            obs[-1] = np.nan
            return obs, reward, terminated
        if kind == "reward-pair":
            return obs, np.array([reward, reward]), terminated
        if kind == "nan-reward":
            return obs, float("nan"), terminated
        if kind == "inf-reward":
            return obs, float("-inf"), terminated
        if kind == "flag-pair":
            return obs, reward, np.array([terminated, terminated])
        raise ValueError(f"unknown 'wrong' option '{kind}'")
