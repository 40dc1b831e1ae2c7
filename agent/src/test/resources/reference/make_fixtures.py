"""Makes the reference-parity fixtures of tdmpc2j from TD-MPC2's own code (see README.md beside this file).

Run with a PyTorch that has tensordict 0.13.0 importable, with --reference pointing at the `tdmpc2/` folder of
the reference at the commit named in README.md (patched for CPU as README.md says). Writes, into --out:
  st-1M.pt / st-1M-outputs.safetensors   single task, the reference's current layout (agent.save)
  mt-1M.pt / mt-1M-outputs.safetensors   three tasks, the older Q-ensemble layout of the released files
  st-1M-plan-update.safetensors / mt-1M-plan-update.safetensors
                                         three planning calls and one update from each .pt file, with every random
                                         draw the reference makes recorded in order (see planner_update below)
"""
import argparse
import json
import struct
import sys
import types

ap = argparse.ArgumentParser()
ap.add_argument("--reference", required=True, help="the reference's tdmpc2/ folder (patched for CPU)")
ap.add_argument("--out", required=True)
ap.add_argument("--planner-update-only", action="store_true",
                help="write only the planner and update fixtures, from the .pt files already in --out")
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


# Planner and update fixtures: small planning settings so that the files stay small; the update's batch rows.
# Dropout is off (p = 0): the reference draws its Q heads' dropout masks inside torch.vmap, where they cannot be
# recorded; the update's other draws are.
PLAN = dict(num_samples=32, num_elites=8, num_pi_trajs=4, horizon=3, iterations=2)
ROWS = 16
PLAN_TASK = 1  # the multitask planning calls plan for reacher-easy: 2 of the 6 action dims are used
KEPT = ["_encoder.state.0.weight", "_encoder.state.0.bias", "_dynamics.0.bias", "_dynamics.0.ln.weight",
        "_reward.2.weight", "_reward.2.bias", "_pi.2.weight", "_pi.2.bias", "_pi.0.ln.bias", "_Qs.params.0.ln.weight",
        "_Qs.params.2.bias", "_target_Qs_params.2.bias", "_task_emb.weight"]  # parameters recorded after the update


class Draws:
    """Every random draw the reference makes while active, in order: torch.randn and randn_like (the planner's
    samples and exploration noise, the policy's eps), torch.randperm (the two random Q heads), Tensor.exponential_
    (the Gumbel draw of the final sample). Given a recording, it replays it instead (each draw checked for kind and
    shape), which shows that the recording holds every draw: a replay under another seed gives the same numbers."""
    KINDS = ("randn", "randn_like", "randperm")

    def __init__(self, replay=None):
        self.log = []
        self.replay = None if replay is None else list(replay)

    def _next(self, kind, out):
        if self.replay is not None:
            rkind, r = self.replay.pop(0)
            assert rkind == kind and r.shape == out.shape, f"replay expected {rkind} {tuple(r.shape)}, got {kind}"
            out = r.clone().to(out.dtype)
        self.log.append((kind, out.detach().clone()))
        return out

    def __enter__(self):
        self.saved = {k: getattr(torch, k) for k in self.KINDS}
        self.saved_exp = torch.Tensor.exponential_
        for k in self.KINDS:
            setattr(torch, k, lambda *a, _k=k, **kw: self._next(_k, self.saved[_k](*a, **kw)))

        def exponential_(t, *a, **kw):
            self.saved_exp(t, *a, **kw)
            with torch.no_grad():
                t.copy_(self._next("exponential", t))
            return t
        torch.Tensor.exponential_ = exponential_
        return self

    def __exit__(self, *exc):
        for k, f in self.saved.items():
            setattr(torch, k, f)
        torch.Tensor.exponential_ = self.saved_exp
        assert exc[0] is not None or not self.replay, "replay left draws unused"


def with_our_entropy(agent, cfg):
    """The policy's scaled entropy as this project computes it: -(log-prob after the tanh correction) x used dims,
    masked dims left out (the reference's cancels the correction, its issue #76, and counts each masked dim with
    -log(sqrt(2 pi)) - log(1 + 1e-6)). Everything else is the reference's."""
    pi = agent.model.pi

    def ours(z, task):
        action, info = pi(z, task)
        if cfg.multitask:
            dims = agent.model._action_masks.sum(-1)[task].unsqueeze(-1)
            unused = cfg.action_dim - dims
            info["entropy"] = info["entropy"] - unused * (0.9189385175704956 + torch.log(torch.tensor(1 + 1e-6)))
        else:
            dims = cfg.action_dim
        info["scaled_entropy"] = info["entropy"] * dims
        return action, info
    agent.model.pi = ours


def planner_update(name, tasks, obs_dims, action_dims, lengths, old_layout, seed):
    cfg = make_cfg(tasks, obs_dims, action_dims, lengths)
    cfg.obs_shapes_per_task = obs_dims
    cfg.__dict__.update(PLAN, batch_size=ROWS, dropout=0.0)
    path = f"{args.out}/{name}.pt"

    def fresh(rng_seed):
        agent = TDMPC2(cfg)
        if old_layout:
            load_old_layout(agent, path)
        else:
            agent.load(path)
        torch.manual_seed(rng_seed)
        return agent

    g = torch.Generator().manual_seed(seed + 3)
    o, a_dim, h = cfg.obs_shape["state"][0], cfg.action_dim, cfg.horizon
    task = PLAN_TASK if cfg.multitask else None
    obs = torch.randn(3, o, generator=g)
    if cfg.multitask:
        obs[:, obs_dims[task]:] = 0
    out, meta = {"plan.obs": obs}, {}
    calls = [(True, False), (False, False), (False, True)]  # (t0, eval_mode): a first step, a warm start, eval
    recorded = []
    for rng_seed in (seed + 4, seed + 5):  # the second run replays the first's draws under another seed
        agent = fresh(rng_seed)
        for i, (t0, eval_mode) in enumerate(calls):
            with Draws(None if rng_seed == seed + 4 else recorded[i]) as d:
                action = agent.act(obs[i], t0=t0, eval_mode=eval_mode, task=task)
            if rng_seed == seed + 4:
                recorded.append(d.log)
                out[f"plan{i}.action"] = action
                out[f"plan{i}.mean"] = agent._prev_mean.clone()
                meta[f"plan{i}"] = json.dumps({"t0": t0, "eval_mode": eval_mode,
                                               "draws": [k for k, _ in d.log]})
                for j, (kind, t) in enumerate(d.log):
                    out[f"plan{i}.draw{j:02d}.{kind}"] = t
            else:
                assert torch.equal(action, out[f"plan{i}.action"]), "planning used a draw that was not recorded"

    # one update on a fixed batch: observations [H+1, N, O], actions [H, N, A], rewards and terminations [H, N, 1]
    u_obs = torch.randn(h + 1, ROWS, o, generator=g)
    u_action = torch.rand(h, ROWS, a_dim, generator=g) * 2 - 1
    u_reward = torch.randn(h, ROWS, 1, generator=g) * 2
    u_term = torch.zeros(h, ROWS, 1)
    u_task = torch.arange(ROWS) % len(tasks) if cfg.multitask else None
    if cfg.multitask:
        for r in range(ROWS):
            u_obs[:, r, obs_dims[u_task[r]]:] = 0
        u_action = u_action * torch.tensor([[1.0] * d + [0.0] * (a_dim - d) for d in action_dims])[u_task]
    out.update({"update.obs": u_obs, "update.action": u_action, "update.reward": u_reward,
                "update.terminated": u_term})
    if cfg.multitask:
        out["update.task"] = u_task.float()
    kwargs = {"task": u_task} if cfg.multitask else {}
    log = None
    for prefix, rng_seed in (("update", seed + 6), ("update_ours_entropy", seed + 6), (None, seed + 7)):
        agent = fresh(rng_seed)
        if prefix == "update_ours_entropy":
            with_our_entropy(agent, cfg)
        with Draws(log if prefix is None else None) as d:
            info = agent._update(u_obs, u_action, u_reward, u_term, **kwargs)
        state = agent.model.state_dict()
        if prefix is None:  # the replay under another seed: the same numbers
            assert all(torch.equal(info[k].reshape(1), out["update." + k]) for k in info), "the update drew unrecorded"
            continue
        if log is None:
            log = d.log
            meta["update"] = json.dumps({"draws": [k for k, _ in log]})
            for j, (kind, t) in enumerate(log):
                out[f"update.draw{j:02d}.{kind}"] = t
        else:
            assert all(torch.equal(a[1], b[1]) for a, b in zip(log, d.log)), "the same seed, other draws"
        for k, v in info.items():
            out[f"{prefix}.{k}"] = v.reshape(1)
        for k in KEPT:
            if k in state:
                out[f"{prefix}.param.{k}"] = state[k]
    meta.update({"settings": json.dumps(dict(PLAN, batch_size=ROWS, dropout=0.0)),
                 "plan_task": str(task), "torch": torch.__version__})
    write_safetensors(f"{args.out}/{name}-plan-update.safetensors", out, meta)
    print(name, "planner and update fixtures written")


ST = ("st-1M", ["walker-walk"], [24], [6], [500])
MT = ("mt-1M", ["cartpole-balance", "reacher-easy", "cheetah-run"], [5, 6, 17], [1, 2, 6], [500, 500, 500])
if not args.planner_update_only:
    make(*ST, old_layout=False, seed=1)
    make(*MT, old_layout=True, seed=2)
planner_update(*ST, old_layout=False, seed=1)
planner_update(*MT, old_layout=True, seed=2)
