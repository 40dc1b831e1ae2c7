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
