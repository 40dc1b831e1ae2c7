"""Writes a small chunk file laid out as the TD-MPC2 reference's released multitask datasets are (mt30, mt80),
with the real tensordict library and torch.save, for `tdmpc2j import-data`'s tests (see README.md here).

A chunk is a TensorDict of batch size [episodes, T + 1]: obs [E, T+1, O] (each task's observation zero-padded to
O), action [E, T+1, A] (row 0 NaN, the step before the first action; padding entries hold random values, which
the task ignores), reward [E, T+1] (row 0 NaN), task [E, T+1] (int64, the task's index in the set's order).

    python make_data_fixtures.py --out FILE --steps T --obs O --act A --tasks INDEX:OBS:ACT,... [--seed S]

Values are multiples of 1/16 (exact in float32; the file stays small in git).
"""
import argparse

import torch
from tensordict import TensorDict


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--steps", type=int, required=True)
    p.add_argument("--obs", type=int, required=True)
    p.add_argument("--act", type=int, required=True)
    p.add_argument("--tasks", required=True, help="one INDEX:OBS:ACT per episode, separated by commas")
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    g = torch.Generator().manual_seed(args.seed)
    episodes = [tuple(int(x) for x in t.split(":")) for t in args.tasks.split(",")]
    e, length = len(episodes), args.steps + 1

    def sixteenths(*shape):
        return torch.round(torch.randn(*shape, generator=g) * 16) / 16

    obs = torch.zeros(e, length, args.obs)
    action = sixteenths(e, length, args.act).clamp(-1, 1)
    reward = sixteenths(e, length).abs()
    task = torch.zeros(e, length, dtype=torch.int64)
    for i, (index, o, _) in enumerate(episodes):
        obs[i, :, :o] = sixteenths(length, o)
        task[i] = index
    action[:, 0] = float("nan")
    reward[:, 0] = float("nan")
    td = TensorDict({"obs": obs, "action": action, "reward": reward, "task": task}, batch_size=(e, length))
    torch.save(td, args.out)


if __name__ == "__main__":
    main()
