"""Writes tdmpc2j's dog.xml from dm_control's COMPILED dog model (the one its stand and walk tasks build: a 15 m
floor, no ball, target or walls), not from its XML text.

dm_control's dog carries most of its mass in 162 bone meshes that never collide (contype and conaffinity 0). We
ship no meshes: each body gets an explicit <inertial> whose values are dm_control's compiled body_ipos, body_iquat,
body_mass and body_inertia, printed exactly (Python's repr reads back as the same double). Everything else that
matters to the physics is written from the compiled arrays too, in dm_control's order: bodies (pos, quat), joints
(type, pos, axis, range, stiffness, springref, damping, armature, solver settings), every geom that is not a mesh
(the collision primitives, the floor, the anchors and eyes), sites, the 8 fixed tendons, the 38 filtered actuators,
the 13 sensors, the 30 contact exclusions, the options, sizes and statistics. Angles are radians.

Usage: python dog_model.py OUT.xml     (a Python with dm_control 1.0.50 and mujoco 3.17.0)
Check the result with model_fidelity.py (it compares every physical array and steps both models).
"""
import sys

import mujoco
import numpy as np

GEOM_TYPES = {0: 'plane', 2: 'sphere', 3: 'capsule', 4: 'ellipsoid', 5: 'cylinder', 6: 'box'}
JOINT_TYPES = {0: 'free', 3: 'hinge'}
SITE_TYPES = {2: 'sphere', 6: 'box'}
SENSORS = {  # mjtSensor -> (element, object attribute)
    int(mujoco.mjtSensor.mjSENS_TOUCH): ('touch', 'site'),
    int(mujoco.mjtSensor.mjSENS_ACCELEROMETER): ('accelerometer', 'site'),
    int(mujoco.mjtSensor.mjSENS_VELOCIMETER): ('velocimeter', 'site'),
    int(mujoco.mjtSensor.mjSENS_GYRO): ('gyro', 'site'),
    int(mujoco.mjtSensor.mjSENS_FORCE): ('force', 'site'),
    int(mujoco.mjtSensor.mjSENS_SUBTREELINVEL): ('subtreelinvel', 'body'),
    int(mujoco.mjtSensor.mjSENS_SUBTREEANGMOM): ('subtreeangmom', 'body'),
}


def reference_model():
    """dm_control's dog as its stand and walk tasks compile it."""
    from dm_control.suite import dog
    return dog.Physics.from_xml_string(*dog.get_model_and_assets(dog._WALK_SPEED * dog._DEFAULT_TIME_LIMIT)).model.ptr


def num(values):
    return ' '.join(repr(float(v)) for v in np.atleast_1d(values).ravel())


def name(m, objtype, i):
    return mujoco.mj_id2name(m, objtype, i)


def attrs(**kv):
    return ''.join(f' {k}="{v}"' for k, v in kv.items())


def is_identity(quat):
    return tuple(quat) == (1.0, 0.0, 0.0, 0.0)


class Writer:
    def __init__(self, m):
        self.m = m
        self.lines = []

    def out(self, depth, text):
        self.lines.append('  ' * depth + text)

    def body(self, b, depth):
        m = self.m
        pose = {'pos': num(m.body_pos[b])}
        if not is_identity(m.body_quat[b]):
            pose['quat'] = num(m.body_quat[b])
        self.out(depth, f'<body{attrs(name=name(m, mujoco.mjtObj.mjOBJ_BODY, b), **pose)}>')
        self.out(depth + 1, '<inertial' + attrs(pos=num(m.body_ipos[b]), quat=num(m.body_iquat[b]),
                                                 mass=num(m.body_mass[b]), diaginertia=num(m.body_inertia[b])) + '/>')
        for j in range(m.body_jntadr[b], m.body_jntadr[b] + m.body_jntnum[b]):
            self.joint(j, depth + 1)
        for g in range(m.body_geomadr[b], m.body_geomadr[b] + m.body_geomnum[b]):
            self.geom(g, depth + 1)
        for s in np.flatnonzero(m.site_bodyid == b):
            self.site(s, depth + 1)
        for child in np.flatnonzero((m.body_parentid == b) & (np.arange(m.nbody) != b)):
            self.body(child, depth + 1)
        self.out(depth, '</body>')

    def joint(self, j, depth):
        m = self.m
        dof = m.jnt_dofadr[j]
        kind = JOINT_TYPES[int(m.jnt_type[j])]
        a = {'name': name(m, mujoco.mjtObj.mjOBJ_JOINT, j), 'type': kind}
        if kind == 'hinge':
            a.update(pos=num(m.jnt_pos[j]), axis=num(m.jnt_axis[j]))
        a['limited'] = 'true' if m.jnt_limited[j] else 'false'
        if m.jnt_limited[j]:
            a['range'] = num(m.jnt_range[j])
        a.update(stiffness=num(m.jnt_stiffness[j]), damping=num(m.dof_damping[dof]),
                 armature=num(m.dof_armature[dof]), frictionloss=num(m.dof_frictionloss[dof]),
                 margin=num(m.jnt_margin[j]), solreflimit=num(m.jnt_solref[j]), solimplimit=num(m.jnt_solimp[j]),
                 solreffriction=num(m.dof_solref[dof]), solimpfriction=num(m.dof_solimp[dof]),
                 group=int(m.jnt_group[j]))
        if kind == 'hinge':
            adr = m.jnt_qposadr[j]
            a.update(ref=num(m.qpos0[adr]), springref=num(m.qpos_spring[adr]))
        self.out(depth, f'<joint{attrs(**a)}/>')

    def geom(self, g, depth):
        m = self.m
        if m.geom_type[g] == mujoco.mjtGeom.mjGEOM_MESH:
            return  # the bones: never collide, their mass is in the body's <inertial>
        a = {'name': name(m, mujoco.mjtObj.mjOBJ_GEOM, g), 'type': GEOM_TYPES[int(m.geom_type[g])],
             'size': num(m.geom_size[g]), 'pos': num(m.geom_pos[g]), 'quat': num(m.geom_quat[g]),
             'contype': int(m.geom_contype[g]), 'conaffinity': int(m.geom_conaffinity[g]),
             'condim': int(m.geom_condim[g]), 'priority': int(m.geom_priority[g]),
             'friction': num(m.geom_friction[g]), 'solmix': num(m.geom_solmix[g]), 'solref': num(m.geom_solref[g]),
             'solimp': num(m.geom_solimp[g]), 'margin': num(m.geom_margin[g]), 'gap': num(m.geom_gap[g]),
             'group': int(m.geom_group[g]), 'rgba': num(m.geom_rgba[g])}
        self.out(depth, f'<geom{attrs(**a)}/>')

    def site(self, s, depth):
        m = self.m
        a = {'name': name(m, mujoco.mjtObj.mjOBJ_SITE, s), 'type': SITE_TYPES[int(m.site_type[s])],
             'size': num(m.site_size[s]), 'pos': num(m.site_pos[s]), 'quat': num(m.site_quat[s]),
             'group': int(m.site_group[s])}
        self.out(depth, f'<site{attrs(**a)}/>')

    def write(self):
        m = self.m
        o = m.opt
        assert m.nmesh > 0 and m.neq == 0 and m.npair == 0 and m.nkey == 1, 'not the dog model this script knows'
        self.out(0, '<!-- tdmpc2j: dm_control 1.0.50\'s dog (suite/dog.xml, as its stand and walk tasks build it) for')
        self.out(0, '     MuJoCo 3.17.0, written from its compiled arrays by tasks/dmc/src/test/python/dog_model.py.')
        self.out(0, '     No bone meshes, skin, materials, cameras or lights: each body carries the mass and inertia')
        self.out(0, '     its bones and primitives have in dm_control\'s compiled model. Do not edit: regenerate. -->')
        self.out(0, '<mujoco model="dog">')
        self.out(1, '<compiler angle="radian" inertiafromgeom="false" autolimits="false"/>')
        self.out(1, '<option' + attrs(timestep=num(o.timestep), noslip_iterations=int(o.noslip_iterations),
                                      iterations=int(o.iterations), ls_iterations=int(o.ls_iterations),
                                      tolerance=num(o.tolerance), impratio=num(o.impratio),
                                      gravity=num(o.gravity)) + '/>')
        self.out(1, '<size' + attrs(njmax=int(m.njmax), nconmax=int(m.nconmax), nkey=int(m.nkey)) + '/>')
        self.out(1, '<statistic' + attrs(meansize=num(m.stat.meansize), extent=num(m.stat.extent),
                                         center=num(m.stat.center)) + '/>')
        self.out(1, '<worldbody>')
        for g in range(m.body_geomadr[0], m.body_geomadr[0] + m.body_geomnum[0]):
            self.geom(g, 2)
        for b in range(1, m.nbody):
            if m.body_parentid[b] == 0:
                self.body(b, 2)
        self.out(1, '</worldbody>')
        self.out(1, '<contact>')
        for e in range(m.nexclude):
            sig = int(m.exclude_signature[e])
            b1, b2 = sig >> 16, sig & 0xFFFF
            self.out(2, '<exclude' + attrs(name=name(m, mujoco.mjtObj.mjOBJ_EXCLUDE, e),
                                           body1=name(m, mujoco.mjtObj.mjOBJ_BODY, b1),
                                           body2=name(m, mujoco.mjtObj.mjOBJ_BODY, b2)) + '/>')
        self.out(1, '</contact>')
        self.out(1, '<tendon>')
        for t in range(m.ntendon):
            a = {'name': name(m, mujoco.mjtObj.mjOBJ_TENDON, t),
                 'limited': 'true' if m.tendon_limited[t] else 'false',
                 'stiffness': num(m.tendon_stiffness[t]), 'damping': num(m.tendon_damping[t]),
                 'frictionloss': num(m.tendon_frictionloss[t]), 'margin': num(m.tendon_margin[t])}
            if m.tendon_limited[t]:
                a['range'] = num(m.tendon_range[t])
            self.out(2, f'<fixed{attrs(**a)}>')
            for w in range(m.tendon_adr[t], m.tendon_adr[t] + m.tendon_num[t]):
                assert m.wrap_type[w] == mujoco.mjtWrap.mjWRAP_JOINT
                self.out(3, '<joint' + attrs(joint=name(m, mujoco.mjtObj.mjOBJ_JOINT, m.wrap_objid[w]),
                                             coef=num(m.wrap_prm[w])) + '/>')
            self.out(2, '</fixed>')
        self.out(1, '</tendon>')
        self.out(1, '<actuator>')
        for u in range(m.nu):
            assert m.actuator_dyntype[u] == mujoco.mjtDyn.mjDYN_FILTER and m.actuator_gaintype[u] == 0
            target = m.actuator_trnid[u, 0]
            if m.actuator_trntype[u] == mujoco.mjtTrn.mjTRN_JOINT:
                where = {'joint': name(m, mujoco.mjtObj.mjOBJ_JOINT, target)}
            else:
                assert m.actuator_trntype[u] == mujoco.mjtTrn.mjTRN_TENDON
                where = {'tendon': name(m, mujoco.mjtObj.mjOBJ_TENDON, target)}
            a = {'name': name(m, mujoco.mjtObj.mjOBJ_ACTUATOR, u), **where, 'gear': num(m.actuator_gear[u]),
                 'ctrllimited': 'true' if m.actuator_ctrllimited[u] else 'false',
                 'ctrlrange': num(m.actuator_ctrlrange[u]),
                 'forcelimited': 'true' if m.actuator_forcelimited[u] else 'false',
                 'dyntype': 'filter', 'dynprm': num(m.actuator_dynprm[u]),
                 'gaintype': 'fixed', 'gainprm': num(m.actuator_gainprm[u]),
                 'biastype': 'none', 'biasprm': num(m.actuator_biasprm[u])}
            self.out(2, f'<general{attrs(**a)}/>')
        self.out(1, '</actuator>')
        self.out(1, '<sensor>')
        for s in range(m.nsensor):
            element, objattr = SENSORS[int(m.sensor_type[s])]
            objtype = mujoco.mjtObj.mjOBJ_SITE if objattr == 'site' else mujoco.mjtObj.mjOBJ_BODY
            a = {'name': name(m, mujoco.mjtObj.mjOBJ_SENSOR, s), objattr: name(m, objtype, m.sensor_objid[s])}
            if m.sensor_cutoff[s]:
                a['cutoff'] = num(m.sensor_cutoff[s])
            self.out(2, f'<{element}{attrs(**a)}/>')
        self.out(1, '</sensor>')
        self.out(0, '</mujoco>')
        return '\n'.join(self.lines) + '\n'


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], 'w') as f:
        f.write(Writer(reference_model()).write())
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
