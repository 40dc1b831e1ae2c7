"""Makes the reference-parity fixtures of tdmpc2j from TD-MPC2's own code (see README.md beside this file).

Run with a PyTorch that has tensordict 0.13.0 importable, with --reference pointing at the `tdmpc2/` folder of
the reference at the commit named in README.md (patched for CPU as README.md says). Writes, into --out:
  st-1M.pt / st-1M-outputs.safetensors   single task, the reference's current layout (agent.save)
  mt-1M.pt / mt-1M-outputs.safetensors   three tasks, the older Q-ensemble layout of the released files
"""
import argparse
import json
import struct
import sys
import types

ap = argparse.ArgumentParser()
ap.add_argument("--reference", required=True, help="the reference's tdmpc2/ folder (patched for CPU)")
ap.add_argument("--out", required=True)
args = ap.parse_args()
sys.path.insert(0, args.reference)

import numpy as np  # noqa: E402
import torch  # noqa: E402
from common import MODEL_SIZE  # noqa: E402
from common import math as rmath  # noqa: E402
from common.scale import RunningScale  # noqa: E402
from tdmpc2 import TDMPC2  # noqa: E402

N = 8  # rows of fixed inputs


class Cfg(types.SimpleNamespace):
    def get(self, key, default=None):
        return getattr(self, key, default)


def read_defaults(path):
    """The scalar entries of the reference's config.yaml."""
    out = {}
    for line in open(path):
        line = line.split("#")[0].rstrip()
        if not line or line.startswith(" ") or ":" not in line:
            continue
        key, value = (s.strip() for s in line.split(":", 1))
        if not value or value == "???":
            continue
        for parse in (int, float):
            try:
                out[key] = parse(value.replace("_", ""))
                break
            except ValueError:
                pass
        else:
            out[key] = {"true": True, "false": False}.get(value, value)
    return out


def make_cfg(tasks, obs_dims, action_dims, episode_lengths, model_size=1):
    c = read_defaults(args.reference + "/config.yaml")
    c.update(MODEL_SIZE[model_size])
    multitask = len(tasks) > 1
    c.update(dict(task="custom" if multitask else tasks[0], model_size=model_size, compile=False, multitask=multitask,
                  tasks=tasks, obs="state", obs_shape={"state": (max(obs_dims),)}, action_dim=max(action_dims),
                  action_dims=action_dims, episode_length=episode_lengths[0], episode_lengths=episode_lengths,
                  obs_shapes=None, seed_steps=1000, episodic=False))
    c["bin_size"] = (c["vmax"] - c["vmin"]) / (c["num_bins"] - 1)
    # parser.py: task_dim 96 for multitask models of size 1 and 317 (and mt80), 0 for one task
    c["task_dim"] = (96 if model_size in {1, 317} else 64) if multitask else 0
    return Cfg(**c)


def perturb(agent, seed):
    """Every weight moved off its initial value (the init zeroes the reward and Q output layers)."""
    g = torch.Generator().manual_seed(seed)
    seen = set()
    with torch.no_grad():
        for key, t in agent.model.state_dict().items():
            if not torch.is_tensor(t) or not t.is_floating_point() or key in ("log_std_min", "log_std_dif") \
                    or key == "_action_masks" or t.data_ptr() in seen:
                continue
            seen.add(t.data_ptr())
            scale = 0.3 if key == "_task_emb.weight" else 0.05  # task rows past norm 1 exercise max_norm
            t.add_(torch.randn(t.shape, generator=g) * scale)


def to_old_layout(state):
    """The inverse of the reference's api_model_conversion: flat ensemble parameter numbers, no detach copy."""
    names = ["weight", "bias", "ln.weight", "ln.bias"]
    old = {}
    for key, val in state.items():
        if key.startswith("_detach_Qs_params.") or key.endswith("__batch_size") or key.endswith("__device") \
                or key in ("log_std_min", "log_std_dif", "_action_masks"):
            continue
        for new_prefix, old_prefix in (("_Qs.params.", "_Qs.params."), ("_target_Qs_params.", "_target_Qs.params.")):
            if key.startswith(new_prefix):
                layer, name = key[len(new_prefix):].split(".", 1)
                key = old_prefix + str(4 * int(layer) + names.index(name))
                break
        old[key] = val
    return old


def load_old_layout(agent, path):
    """agent.load for an old-layout file. With tensordict 0.13 the ensemble's state dict has no '__batch_size' /
    '__device' entries, which the reference's api_model_conversion copies (KeyError '_Qs.params.__batch_size'):
    they are added for the conversion and dropped after it; the conversion itself is the reference's."""
    from common.layers import api_model_conversion
    target = dict(agent.model.state_dict())
    extra = [p + "params." + k for p in ("_Qs.", "_detach_Qs_", "_target_Qs_") for k in ("__batch_size", "__device")]
    target.update({k: None for k in extra})
    state = api_model_conversion(target, torch.load(path, weights_only=True)["model"])
    agent.model.load_state_dict({k: v for k, v in state.items() if k not in extra})


def write_safetensors(path, tensors, metadata):
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name, t in tensors.items():
        data = np.ascontiguousarray(t.detach().cpu().numpy().astype("<f4")).tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


@torch.no_grad()
def outputs(agent, cfg, seed):
    g = torch.Generator().manual_seed(seed)
    m = agent.model
    a_dim = cfg.action_dim
    obs = torch.randn(N, cfg.obs_shape["state"][0], generator=g)
    action = torch.rand(N, a_dim, generator=g) * 2 - 1
    eps = torch.randn(N, a_dim, generator=g)
    task = torch.arange(N) % len(cfg.tasks) if cfg.multitask else None
    if cfg.multitask:  # what the reference's MultitaskWrapper and planner feed: padded obs, masked actions
        for i in range(N):
            obs[i, cfg.obs_shapes_per_task[task[i]]:] = 0
        action = action * m._action_masks[task]
    z = m.encode(obs, task)
    out = {"obs": obs, "action": action, "eps": eps, "z": z}
    if cfg.multitask:
        out["task"] = task.float()
        out["task_emb"] = m._task_emb(task)
    out["next_z"] = m.next(z, action, task)
    out["reward_logits"] = m.reward(z, action, task)
    out["reward"] = rmath.two_hot_inv(out["reward_logits"], cfg)
    out["q_logits"] = m.Q(z, action, task, return_type="all")
    out["q_values"] = rmath.two_hot_inv(out["q_logits"], cfg)
    out["target_q_logits"] = m.Q(z, action, task, return_type="all", target=True)
    zt = m.task_emb(z, task) if cfg.multitask else z
    mu, raw_log_std = m._pi(zt).chunk(2, dim=-1)
    out["pi_mu"] = mu
    out["pi_raw_log_std"] = raw_log_std
    original = torch.randn_like
    torch.randn_like = lambda like, **kw: eps.clone()
    try:
        sampled, info = m.pi(z, task)
    finally:
        torch.randn_like = original
    out["pi_action"] = sampled
    out["pi_mean"] = info["mean"]
    out["pi_log_std"] = info["log_std"]
    out["pi_entropy"] = info["entropy"]
    out["pi_scaled_entropy"] = info["scaled_entropy"]
    scalars = torch.tensor([[-3000.0], [-7.5], [-1.0], [-0.2], [0.0], [1e-3], [0.5], [2.0], [41.0], [5e4]])
    out["two_hot_in"] = scalars
    out["two_hot"] = rmath.two_hot(scalars, cfg)
    out["two_hot_inv"] = rmath.two_hot_inv(out["reward_logits"], cfg)
    # loss parts: the soft cross-entropy of the reward and value losses, and the policy loss's running Q scale
    targets = torch.randn(N, 1, generator=g) * 5
    out["soft_ce_target"] = targets
    out["soft_ce"] = rmath.soft_ce(out["reward_logits"], targets, cfg)
    scale = RunningScale(cfg)
    batch = torch.randn(64, 1, generator=g) * 8
    scale.update(batch)
    out["scale_in"] = batch
    out["scale"] = scale.value.clone()
    return out


def make(name, tasks, obs_dims, action_dims, lengths, old_layout, seed):
    torch.manual_seed(seed)
    cfg = make_cfg(tasks, obs_dims, action_dims, lengths)
    cfg.obs_shapes_per_task = obs_dims
    agent = TDMPC2(cfg)
    perturb(agent, seed + 1)
    path = f"{args.out}/{name}.pt"
    if old_layout:
        state = to_old_layout(agent.model.state_dict())
        # the target ensemble shares the online one's tensors: stored once (a smaller file; a shared storage)
        for key in [k for k in state if k.startswith("_target_Qs.params.")]:
            state[key] = state["_Qs.params." + key[len("_target_Qs.params."):]]
        torch.save({"model": state}, path)
    else:
        agent.save(path)
    # what the reference's own loader makes of the file: a fresh agent loads it, and gives the outputs
    fresh = TDMPC2(cfg)
    if old_layout:
        load_old_layout(fresh, path)
    else:
        fresh.load(path)
    fresh.model.eval()
    out = outputs(fresh, cfg, seed + 2)
    meta = {"tasks": ",".join(tasks), "obs_dims": ",".join(map(str, obs_dims)),
            "action_dims": ",".join(map(str, action_dims)), "model_size": "1", "layout": "old" if old_layout else "new",
            "torch": torch.__version__}
    write_safetensors(f"{args.out}/{name}-outputs.safetensors", out, meta)
    print(name, "written;", sum(p.numel() for p in fresh.model.parameters() if p.requires_grad), "parameters")


make("st-1M", ["walker-walk"], [24], [6], [500], old_layout=False, seed=1)
make("mt-1M", ["cartpole-balance", "reacher-easy", "cheetah-run"], [5, 6, 17], [1, 2, 6], [500, 500, 500],
     old_layout=True, seed=2)
