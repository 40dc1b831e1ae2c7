"""Compiles each tdmpc2j DMC model and the dm_control (or TD-MPC2 reference) model it mirrors, and compares the
physical arrays of the two compiled models. Prints one line per model and exits 1 on any difference.

Usage: python model_fidelity.py MODELS_DIR [REFERENCE_TASKS_DIR] [--dump OUT]
  MODELS_DIR           tasks/dmc/src/main/resources/io/github/tdmpc2j/tasks/dmc/models
  REFERENCE_TASKS_DIR  optional: a checkout of the TD-MPC2 reference's tdmpc2/envs/tasks (custom models)
  --dump OUT           also writes dm_control's arrays, as text, to OUT (the Java test's resource)
"""
import importlib
import os
import sys

import mujoco
import numpy as np
from dm_control.suite import common

import dog_model

# Our model file -> (source, file name in that source). Models of other helpers join here as they land.
PAIRS = {
    'cartpole.xml': ('suite', 'cartpole.xml'),
    'pendulum.xml': ('suite', 'pendulum.xml'),
    'acrobot.xml': ('suite', 'acrobot.xml'),
    'reacher.xml': ('suite', 'reacher.xml'),
    'ball_in_cup.xml': ('suite', 'ball_in_cup.xml'),
    'finger.xml': ('suite', 'finger.xml'),
    'walker.xml': ('suite', 'walker.xml'),
    'cheetah.xml': ('suite', 'cheetah.xml'),
    'hopper.xml': ('suite', 'hopper.xml'),
    'fish.xml': ('suite', 'fish.xml'),
    'humanoid.xml': ('suite', 'humanoid.xml'),
    'quadruped.xml': ('suite-walk', 'quadruped'),
    'dog.xml': ('dog', 'dog'),
    'reacher_three_links.xml': ('reference', 'reacher_three_links.xml'),
}

MODEL_FIELDS = [
    'nq', 'nv', 'nu', 'na', 'nbody', 'njnt', 'ngeom', 'nsite', 'nsensor', 'nsensordata', 'ntendon', 'neq',
    'body_parentid', 'body_pos', 'body_quat', 'body_ipos', 'body_iquat', 'body_mass', 'body_inertia',
    'jnt_type', 'jnt_bodyid', 'jnt_qposadr', 'jnt_dofadr', 'jnt_pos', 'jnt_axis', 'jnt_limited', 'jnt_range',
    'jnt_stiffness', 'jnt_solref', 'jnt_solimp', 'jnt_margin', 'qpos0', 'qpos_spring',
    'dof_damping', 'dof_armature', 'dof_frictionloss', 'dof_solref', 'dof_solimp',
    'geom_type', 'geom_bodyid', 'geom_contype', 'geom_conaffinity', 'geom_condim', 'geom_size', 'geom_pos',
    'geom_quat', 'geom_friction', 'geom_solref', 'geom_solimp', 'geom_margin', 'geom_gap', 'geom_priority',
    'site_type', 'site_bodyid', 'site_size', 'site_pos', 'site_quat',
    'actuator_trntype', 'actuator_dyntype', 'actuator_gaintype', 'actuator_biastype', 'actuator_trnid',
    'actuator_gear', 'actuator_ctrllimited', 'actuator_ctrlrange', 'actuator_forcelimited',
    'actuator_forcerange', 'actuator_gainprm', 'actuator_biasprm', 'actuator_dynprm',
    'sensor_type', 'sensor_objtype', 'sensor_objid', 'sensor_dim', 'sensor_adr',
    'tendon_limited', 'tendon_range', 'tendon_width', 'tendon_stiffness', 'tendon_damping',
    'tendon_adr', 'tendon_num', 'wrap_type', 'wrap_objid', 'wrap_prm',
    'eq_type', 'eq_obj1id', 'eq_obj2id', 'eq_solref', 'eq_solimp', 'eq_data',
]
OPTION_FIELDS = ['timestep', 'gravity', 'wind', 'density', 'viscosity', 'integrator', 'cone', 'jacobian',
                 'solver', 'iterations', 'tolerance', 'ls_iterations', 'noslip_iterations', 'disableflags',
                 'enableflags', 'impratio', 'o_margin']


def load_reference(source, name, reference_dir):
    if source == 'dog':
        return dog_model.reference_model()
    if source == 'suite':
        xml, assets = common.read_model(name), common.ASSETS
    elif source == 'suite-walk':
        # the model as the domain's walk task builds it (the quadruped's make_model: floor, no walls or ball)
        domain = importlib.import_module('dm_control.suite.' + name)
        xml, assets = domain.make_model(floor_size=domain._DEFAULT_TIME_LIMIT * domain._WALK_SPEED), common.ASSETS
    else:
        with open(os.path.join(reference_dir, name), 'rb') as f:
            xml, assets = f.read(), common.ASSETS
    return mujoco.MjModel.from_xml_string(xml, assets)


def arrays(model):
    out = {}
    for field in MODEL_FIELDS:
        out[field] = np.atleast_1d(np.asarray(getattr(model, field)))
    for field in OPTION_FIELDS:
        out['opt.' + field] = np.atleast_1d(np.asarray(getattr(model.opt, field)))
    return out


# The dog: our model has no bone meshes (dm_control's 162 never collide; their mass is in each body's <inertial>), so
# its geoms are the 128 of dm_control's 290 that are not meshes. Everything else is compared whole.
DOG_EXTRA_FIELDS = [
    'nmocap', 'nuser_body', 'nuser_jnt', 'nuser_geom', 'nuser_site', 'nuser_tendon', 'nuser_actuator',
    'nuser_sensor', 'nexclude', 'npair', 'nkey', 'nconmax', 'njmax', 'nwrap', 'njnt', 'nsite',
    'body_rootid', 'body_weldid', 'body_jntnum', 'body_jntadr', 'body_dofnum', 'body_dofadr', 'body_sameframe',
    'body_simple', 'body_subtreemass', 'body_invweight0', 'body_gravcomp', 'body_contype', 'body_conaffinity',
    'body_margin', 'jnt_group', 'jnt_actfrclimited', 'jnt_actfrcrange', 'jnt_actgravcomp',
    'dof_bodyid', 'dof_jntid', 'dof_parentid', 'dof_treeid', 'dof_Madr', 'dof_simplenum', 'dof_invweight0',
    'dof_M0', 'site_sameframe', 'actuator_actadr', 'actuator_actnum', 'actuator_actlimited', 'actuator_actrange',
    'actuator_actearly', 'actuator_cranklength', 'actuator_acc0', 'actuator_length0', 'actuator_lengthrange',
    'tendon_frictionloss', 'tendon_margin', 'tendon_solref_lim', 'tendon_solimp_lim', 'tendon_solref_fri',
    'tendon_solimp_fri', 'tendon_lengthspring', 'tendon_length0', 'tendon_invweight0', 'tendon_armature',
    'sensor_datatype', 'sensor_needstage', 'sensor_noise', 'sensor_cutoff', 'sensor_reftype', 'sensor_refid',
    'exclude_signature', 'key_qpos', 'key_qvel', 'key_act', 'key_ctrl', 'key_time',
]
DOG_STAT_FIELDS = ['meaninertia', 'meanmass', 'meansize', 'extent', 'center']
DOG_GEOM_FIELDS = [
    'geom_type', 'geom_contype', 'geom_conaffinity', 'geom_condim', 'geom_bodyid', 'geom_dataid', 'geom_group',
    'geom_priority', 'geom_plugin', 'geom_sameframe', 'geom_solmix', 'geom_solref', 'geom_solimp', 'geom_size',
    'geom_aabb', 'geom_rbound', 'geom_pos', 'geom_quat', 'geom_friction', 'geom_margin', 'geom_gap', 'geom_fluid',
]
DOG_STEPS = 3000  # physics steps, 15 s; every third a new random control, dropped from 30 cm so the feet land


def compare_dog(ours_name, ours, ref, lines):
    """Every array but the geoms' whole; geoms by name over the non-mesh ones; then stepping. Prints one line."""
    fields = [f for f in MODEL_FIELDS if not f.startswith('geom_') and f != 'ngeom'] + DOG_EXTRA_FIELDS
    diffs = [f for f in fields if not same(getattr(ours, f), getattr(ref, f))]
    diffs += ['opt.' + f for f in OPTION_FIELDS if not same(getattr(ours.opt, f), getattr(ref.opt, f))]
    diffs += ['stat.' + f for f in DOG_STAT_FIELDS if not same(getattr(ours.stat, f), getattr(ref.stat, f))]
    names = [mujoco.mj_id2name(ours, mujoco.mjtObj.mjOBJ_GEOM, g) for g in range(ours.ngeom)]
    ids = np.array([mujoco.mj_name2id(ref, mujoco.mjtObj.mjOBJ_GEOM, n) for n in names])
    primitive = np.flatnonzero(ref.geom_type != mujoco.mjtGeom.mjGEOM_MESH)
    if not np.array_equal(ids, primitive):
        diffs.append('the geoms that are not meshes (names or order)')
    else:
        diffs += [f for f in DOG_GEOM_FIELDS if not same(getattr(ours, f), getattr(ref, f)[ids])]
    meshes = ref.geom_type == mujoco.mjtGeom.mjGEOM_MESH
    if (ref.geom_contype[meshes] | ref.geom_conaffinity[meshes]).any():
        diffs.append('a bone mesh collides')
    worst = step_both(ours, ref)
    if worst != 0:
        diffs.append('%d steps of physics (max |qpos, qvel, act diff| %.3g)' % (DOG_STEPS, worst))
    by_design = ('by design: ngeom %d vs %d (%d bone meshes left out), nmesh %d vs 0, nskin %d vs 0, geom_matid, '
                 'tendon_rgba, dof_length (a sleep-tolerance length, from the meshes; sleeping is off)'
                 % (ours.ngeom, ref.ngeom, meshes.sum(), ref.nmesh, ref.nskin))
    print(f'{ours_name}: ' + ('identical (%d arrays, %d geoms by name; %d physics steps bit-identical; %s)'
                              % (len(fields) + len(OPTION_FIELDS) + len(DOG_STAT_FIELDS) + len(DOG_GEOM_FIELDS),
                                 ours.ngeom, DOG_STEPS, by_design)
                              if not diffs else 'DIFFERENT in ' + ', '.join(diffs)))
    for f in ('nq', 'nv', 'nu', 'opt.timestep', 'body_mass', 'jnt_range', 'actuator_ctrlrange'):
        value = getattr(ref.opt, f[4:]) if f.startswith('opt.') else getattr(ref, f)
        lines.append(ours_name + ' ' + f + ' ' + ' '.join(repr(float(v)) for v in np.atleast_1d(value).ravel()))
    lines.append(ours_name + ' geom_size ' + ' '.join(repr(float(v)) for v in ref.geom_size[ids].ravel()))
    return bool(diffs)


def same(a, b):
    a, b = np.atleast_1d(np.asarray(a)), np.atleast_1d(np.asarray(b))
    return a.shape == b.shape and np.array_equal(a, b)


def step_both(ours, ref):
    """The same start and controls in both models: the largest difference of qpos, qvel and act over the steps."""
    rng = np.random.default_rng(0)
    datas = mujoco.MjData(ours), mujoco.MjData(ref)
    for d in datas:
        d.qpos[2] += 0.3
    worst = 0.0
    for i in range(DOG_STEPS):
        if i % 3 == 0:
            ctrl = rng.uniform(-1, 1, ref.nu)
        for m, d in zip((ours, ref), datas):
            d.ctrl[:] = ctrl
            mujoco.mj_step(m, d)
        a, b = datas
        worst = max(worst, *(np.max(np.abs(getattr(a, f) - getattr(b, f))) for f in ('qpos', 'qvel', 'act')))
    return worst


def main(argv):
    models_dir = argv[1]
    reference_dir = argv[2] if len(argv) > 2 and not argv[2].startswith('--') else None
    dump = argv[argv.index('--dump') + 1] if '--dump' in argv else None
    failures = 0
    lines = []
    for ours_name, (source, ref_name) in PAIRS.items():
        ours_path = os.path.join(models_dir, ours_name)
        if not os.path.exists(ours_path):
            continue
        if source == 'reference' and reference_dir is None:
            print(f'{ours_name}: skipped (no reference tasks dir given)')
            continue
        if source == 'dog':
            failures += compare_dog(ours_name, mujoco.MjModel.from_xml_path(ours_path), load_reference(source, ref_name, None), lines)
            continue
        ours = arrays(mujoco.MjModel.from_xml_path(ours_path))
        ref = arrays(load_reference(source, ref_name, reference_dir))
        diffs = [f for f in ref if ours[f].shape != ref[f].shape or not np.allclose(ours[f], ref[f], rtol=1e-12, atol=1e-12)]
        print(f'{ours_name}: ' + ('identical (%d arrays)' % len(ref) if not diffs else 'DIFFERENT in ' + ', '.join(diffs)))
        failures += bool(diffs)
        for f in ('nq', 'nv', 'nu', 'opt.timestep', 'body_mass', 'jnt_range', 'actuator_ctrlrange', 'geom_size'):
            lines.append(ours_name + ' ' + f + ' ' + ' '.join(repr(float(v)) for v in ref[f].ravel()))
    if dump:
        with open(dump, 'w') as f:
            f.write('# dm_control 1.0.50 / mujoco 3.17.0 compiled values, written by\n')
            f.write('#   python tasks/dmc/src/test/python/model_fidelity.py MODELS_DIR [REFERENCE_TASKS_DIR] --dump THIS_FILE\n')
            f.write('# format: <our model file> <array> <values, flattened row-major>\n')
            f.write('\n'.join(lines) + '\n')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
