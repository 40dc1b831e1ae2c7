"""Compares the 39 DMControl tasks across dm_control/MuJoCo versions (tasks/dmc/README.md, "Versions").

Run it under each version's Python; REF is the TD-MPC2 reference's `tdmpc2` folder (its custom tasks are taken
from its own `envs/tasks` code).
  REF=.../tdmpc2 python reference_versions.py gen starts.npz          # in the dmc venv: starts from reset(seed 0..2)
  REF=.../tdmpc2 python reference_versions.py run OUT.npz [tasks] [starts.npz]   # in each venv
  python reference_versions.py compare A.npz B.npz                   # any Python with numpy
`run` sets each start's qpos, qvel, act and the model arrays tasks draw, then steps 100 agent steps (action repeat
2, as the reference) of three action sequences: all 0, all -1, seeded uniform. With BRIDGE=1 the 11 custom tasks
come from the bridge's dmc_custom.py on this plug-in's model files instead (MODELS, BRIDGE_PATH).
"""
import os, sys, json
import numpy as np
if len(sys.argv) > 1 and sys.argv[1] == 'compare':
    pass
else:
    sys.path.insert(0, os.environ['REF'])
    from envs.tasks import cheetah, walker, hopper, reacher, ball_in_cup, pendulum, fish  # noqa: custom tasks
    from dm_control import suite
    import dm_control, mujoco
    from dm_control.suite.wrappers import action_scale

TASKS = ("acrobot-swingup cup-catch cup-spin cartpole-balance cartpole-balance-sparse cartpole-swingup "
         "cartpole-swingup-sparse cheetah-run cheetah-run-backwards cheetah-run-front cheetah-run-back cheetah-jump "
         "dog-stand dog-walk dog-trot dog-run finger-spin finger-turn-easy finger-turn-hard fish-swim hopper-stand "
         "hopper-hop hopper-hop-backwards humanoid-stand humanoid-walk humanoid-run pendulum-swingup pendulum-spin "
         "quadruped-walk quadruped-run reacher-easy reacher-hard reacher-three-easy reacher-three-hard walker-stand "
         "walker-walk walker-run walker-walk-backwards walker-run-backwards").split()
BRIDGE_NAMES = ('cup-spin cheetah-run-backwards cheetah-run-front cheetah-run-back cheetah-jump hopper-hop-backwards '
                'pendulum-spin reacher-three-easy reacher-three-hard walker-walk-backwards walker-run-backwards').split()
MODEL_ARRAYS = ['geom_pos', 'geom_size', 'site_pos', 'site_size', 'dof_damping', 'body_pos', 'geom_quat']
STEPS = 100


def make(name, seed):
    domain, task = name.replace('-', '_').split('_', 1)
    domain = dict(cup='ball_in_cup').get(domain, domain)
    if os.environ.get('BRIDGE') and name in BRIDGE_NAMES:
        sys.path.insert(0, os.environ.get('BRIDGE_PATH', 'bridges/python'))
        from tdmpc2j_worker.suites import dmc_custom
        env = dmc_custom.load(name, os.environ.get(
            'MODELS', 'tasks/dmc/src/main/resources/io/github/tdmpc2j/tasks/dmc/models'), seed)
    else:
        env = suite.load(domain, task, task_kwargs={'random': seed}, visualize_reward=False)
    return action_scale.Wrapper(env, minimum=-1., maximum=1.)


def flat(obs):
    return np.concatenate([np.asarray(v).flatten() for v in obs.values()]).astype(np.float32)


def main():
    mode, out = sys.argv[1], sys.argv[2]
    if mode == 'compare':
        return compare(out, sys.argv[3])
    tasks = sys.argv[3].split(',') if len(sys.argv) > 3 else TASKS
    data, meta = {}, {'mujoco': mujoco.__version__, 'dm_control': getattr(dm_control, '__version__', '?')}
    starts = None if mode == 'gen' else np.load(sys.argv[4] if len(sys.argv) > 4 else 'starts.npz')
    for name in tasks:
        for s in range(3):
            env = make(name, s)
            ts = env.reset()
            ph = env.physics
            if s == 0:
                spec = env.action_spec()
                inner = env._env
                meta[name] = dict(keys=[(k, int(np.prod(np.shape(v)))) for k, v in ts.observation.items()],
                                  obs=int(flat(ts.observation).size), nu=int(spec.shape[0]),
                                  amin=[float(x) for x in inner.action_spec().minimum],
                                  amax=[float(x) for x in inner.action_spec().maximum],
                                  control_dt=float(inner.control_timestep()), dt=float(ph.model.opt.timestep),
                                  step_limit=int(inner._step_limit), nq=int(ph.model.nq), nv=int(ph.model.nv),
                                  na=int(ph.model.na), ngeom=int(ph.model.ngeom))
            key = f'{name}|{s}'
            if mode == 'gen':
                data[key + '|qpos'] = ph.data.qpos.copy()
                data[key + '|qvel'] = ph.data.qvel.copy()
                data[key + '|act'] = ph.data.act.copy()
                for a in MODEL_ARRAYS:
                    data[key + '|' + a] = getattr(ph.model, a).copy()
                continue
            nu = meta[name]['nu']
            seqs = [np.zeros((STEPS, nu)), -np.ones((STEPS, nu)),
                    np.random.RandomState(1000 + s).uniform(-1, 1, (STEPS, nu))]
            for qi, seq in enumerate(seqs):
                if qi > 0:
                    env.reset()
                for a in MODEL_ARRAYS:
                    src = starts[key + '|' + a]
                    if src.shape == getattr(ph.model, a).shape:
                        getattr(ph.model, a)[:] = src
                with ph.reset_context():
                    ph.data.qpos[:] = starts[key + '|qpos']
                    ph.data.qvel[:] = starts[key + '|qvel']
                    ph.data.act[:] = starts[key + '|act']
                obs = [flat(env._env.task.get_observation(ph))]
                rew = []
                for t in range(STEPS):
                    r = 0.0
                    for _ in range(2):  # the reference's action repeat
                        step = env.step(seq[t].astype(np.float32))
                        r += step.reward
                    rew.append(r)
                    obs.append(flat(step.observation))
                data[f'{key}|{qi}|obs'] = np.array(obs)
                data[f'{key}|{qi}|rew'] = np.array(rew)
        print(name, meta[name]['obs'], flush=True)
    np.savez_compressed(out, **data)
    with open(out + '.json', 'w') as f:
        json.dump(meta, f, indent=0)


def compare(a_name, b_name):
    """Per task: metadata (keys, sizes, action spec, timesteps, step limit), the first observation's largest
    difference, the first agent step whose reward differs by over 1e-6 (min/median over the 9 runs), the first step
    whose observation differs by over 1e-4 (relative), the largest 100-step return difference, and whether A's
    observations line up with B's one step earlier or later (a frame shift) better than with the same step."""
    A, B = np.load(a_name), np.load(b_name)
    ma, mb = json.load(open(a_name + '.json')), json.load(open(b_name + '.json'))
    print(a_name, ma['mujoco'], 'vs', b_name, mb['mujoco'])
    print('task | meta | first-obs maxdiff | step rew>1e-6 first (min/med) | step obs>1e-4 first | |ret diff| max over 9 (ret) | shift-test')
    for t in [k for k in ma if k in mb and k not in ('mujoco', 'dm_control')]:
        meta_same = all(ma[t][k] == mb[t][k] for k in ma[t])
        diffs = [k for k in ma[t] if ma[t][k] != mb[t][k]]
        f0, rfirst, ofirst, rets, shift = [], [], [], [], []
        for s in range(3):
            for q in range(3):
                oa, ob = A[f'{t}|{s}|{q}|obs'], B[f'{t}|{s}|{q}|obs']
                ra, rb = A[f'{t}|{s}|{q}|rew'], B[f'{t}|{s}|{q}|rew']
                f0.append(np.abs(oa[0] - ob[0]).max())
                d = np.abs(ra - rb) > 1e-6
                rfirst.append(int(np.argmax(d)) + 1 if d.any() else 999)
                od = np.abs(oa - ob).max(axis=1) > 1e-4 * np.maximum(1, np.abs(ob).max(axis=1))
                ofirst.append(int(np.argmax(od)) if od.any() else 999)
                rets.append((abs(ra.sum() - rb.sum()), rb.sum()))
                # frame-shift test on steps 1..5: is a[t] closer to b[t+1] or b[t-1] than to b[t]?
                same = np.abs(oa[1:6] - ob[1:6]).mean(); nxt = np.abs(oa[1:6] - ob[2:7]).mean(); prv = np.abs(oa[1:6] - ob[0:5]).mean()
                shift.append('same' if same <= min(nxt, prv) else ('a-ahead' if nxt < prv else 'a-behind'))
        worst = max(rets, key=lambda r: r[0])
        print(f"{t} | {'same' if meta_same else 'DIFF ' + str(diffs)} | {max(f0):.1e} | {min(rfirst)}/{int(np.median(rfirst))} | "
              f"{min(ofirst)} | {worst[0]:.2f} ({worst[1]:.1f}) mean {np.mean([r[0] for r in rets]):.2f} | {set(shift)}")


if __name__ == '__main__':
    main()
