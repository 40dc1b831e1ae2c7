"""Model fidelity of the walker, cheetah, hopper and fish MJCF files against dm_control's compiled models.

    python locomotion_models.py reference   # dm_control's compiled values, the test resource's content
    python locomotion_models.py check       # compiles our files too; compares arrays and stepped trajectories
    python locomotion_models.py custom DIR  # the same against the TD-MPC2 reference's walker, cheetah and hopper
                                            # files in DIR (its tdmpc2/envs/tasks, with dm_control's suite/common)

Needs dm_control==1.0.50 and mujoco==3.17.0.
"""
import os
import sys

import mujoco
import numpy as np
from dm_control.suite import cheetah, fish, hopper, walker

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "../../main/resources/io/github/tdmpc2j/tasks/dmc/models")
DOMAINS = {"walker": walker, "cheetah": cheetah, "hopper": hopper, "fish": fish}

OPTION_FIELDS = ["timestep", "density", "viscosity", "gravity", "wind", "integrator", "cone", "solver",
                 "iterations", "tolerance", "disableflags", "enableflags", "impratio", "noslip_iterations"]
SIZE_FIELDS = ["nq", "nv", "nu", "na", "nbody", "njnt", "nsensor", "nsensordata", "ntendon", "nsite"]
# Arrays indexed by body, joint, dof, actuator, sensor or tendon: same order on both sides.
INDEXED_FIELDS = ["body_parentid", "body_pos", "body_quat", "body_ipos", "body_iquat", "body_mass", "body_inertia",
                  "jnt_type", "jnt_bodyid", "jnt_qposadr", "jnt_dofadr", "jnt_pos", "jnt_axis", "jnt_limited",
                  "jnt_range", "jnt_stiffness", "jnt_solref", "jnt_solimp", "qpos0", "dof_damping", "dof_armature",
                  "dof_frictionloss", "actuator_trntype", "actuator_dyntype", "actuator_gaintype",
                  "actuator_biastype", "actuator_trnid", "actuator_gear", "actuator_ctrllimited",
                  "actuator_ctrlrange", "actuator_gainprm", "actuator_biasprm", "sensor_type", "sensor_objtype",
                  "sensor_objid", "tendon_stiffness", "tendon_damping", "wrap_objid", "wrap_prm"]
# Geoms and sites are matched by name: the massless decoration of the fish is left out of our file.
GEOM_FIELDS = ["geom_type", "geom_bodyid", "geom_contype", "geom_conaffinity", "geom_condim", "geom_size",
               "geom_pos", "geom_quat", "geom_friction", "geom_solref", "geom_solimp", "geom_margin", "geom_gap"]
SITE_FIELDS = ["site_type", "site_bodyid", "site_size", "site_pos", "site_quat"]


def dm_control_model(domain):
    xml, assets = DOMAINS[domain].get_model_and_assets()
    return mujoco.MjModel.from_xml_string(xml, assets)


def our_model(domain):
    return mujoco.MjModel.from_xml_path(os.path.join(MODELS, domain + ".xml"))


def fmt(values):
    return " ".join(repr(float(v)) for v in np.asarray(values, dtype=float).ravel())


def reference_lines(domain, model, geom_names, site_names):
    for field in OPTION_FIELDS:
        yield f"{domain} opt.{field} {fmt(getattr(model.opt, field))}"
    for field in SIZE_FIELDS:
        yield f"{domain} {field} {fmt(getattr(model, field))}"
    for field in INDEXED_FIELDS:
        yield f"{domain} {field} {fmt(getattr(model, field))}"
    for kind, names, fields in (("geom", geom_names, GEOM_FIELDS), ("site", site_names, SITE_FIELDS)):
        for name in names:
            index = mujoco.mj_name2id(model, getattr(mujoco.mjtObj, "mjOBJ_" + kind.upper()), name)
            for field in fields:
                yield f"{domain} {field}[{name}] {fmt(getattr(model, field)[index])}"


def names(model, kind, count):
    obj = getattr(mujoco.mjtObj, "mjOBJ_" + kind.upper())
    return [mujoco.mj_id2name(model, obj, i) for i in range(count)]


def random_state(model, rng):
    qpos = model.qpos0 + rng.uniform(-0.3, 0.3, model.nq)
    for j in range(model.njnt):
        if model.jnt_type[j] == mujoco.mjtJoint.mjJNT_FREE:
            adr = model.jnt_qposadr[j]
            quat = rng.normal(size=4)
            qpos[adr + 3:adr + 7] = quat / np.linalg.norm(quat)
    return qpos, rng.uniform(-0.1, 0.1, model.nv)


def trajectory_difference(ours, theirs, seed, steps=500):
    rng = np.random.default_rng(seed)
    qpos, qvel = random_state(theirs, rng)
    datas = [mujoco.MjData(ours), mujoco.MjData(theirs)]
    for data in datas:
        data.qpos[:], data.qvel[:] = qpos, qvel
    worst = 0.0
    for _ in range(steps):
        ctrl = rng.uniform(-1, 1, theirs.nu)
        for model, data in zip((ours, theirs), datas):
            data.ctrl[:] = ctrl
            mujoco.mj_step(model, data)
        if any(data.warning[mujoco.mjtWarning.mjWARN_BADQACC].number for data in datas):
            raise RuntimeError("the simulation went unstable; choose gentler random states")
        worst = max(worst, np.abs(datas[0].qpos - datas[1].qpos).max(), np.abs(datas[0].qvel - datas[1].qvel).max(),
                    np.abs(datas[0].sensordata - datas[1].sensordata).max())
    return worst


def main(mode):
    failures = 0
    if mode == "reference":
        print("# dm_control 1.0.50 / mujoco " + mujoco.__version__ + " compiled model values; one line: domain field values")
        print("# made by: cd tasks/dmc/src/test/python && python locomotion_models.py reference")
    for domain in DOMAINS:
        theirs = dm_control_model(domain)
        ours = our_model(domain)
        geom_names = names(ours, "geom", ours.ngeom)
        site_names = names(ours, "site", ours.nsite)
        expected = list(reference_lines(domain, theirs, geom_names, site_names))
        if mode == "reference":
            print("\n".join(expected))
            continue
        actual = list(reference_lines(domain, ours, geom_names, site_names))
        for want, got in zip(expected, actual):
            if want != got:
                failures += 1
                print(f"DIFF {want}\n  ours {got}")
        worst = max(trajectory_difference(ours, theirs, seed) for seed in range(5))
        print(f"{domain}: {len(expected)} arrays compared; 5 x 500 mj_step from random states, "
              f"max |ours - dm_control| over qpos, qvel, sensordata = {worst:.3g}")
        failures += worst > 0
    if mode == "check":
        print("OK" if failures == 0 else f"{failures} differences")
        sys.exit(1 if failures else 0)


def custom(reference_dir):
    """The reference's custom tasks use their own copies of these models; only the floor's (visual) size differs."""
    for domain in ("walker", "cheetah", "hopper"):
        theirs = mujoco.MjModel.from_xml_path(os.path.join(reference_dir, domain + ".xml"))
        ours = our_model(domain)
        geom_names = names(ours, "geom", ours.ngeom)
        site_names = names(ours, "site", ours.nsite)
        pairs = zip(reference_lines(domain, theirs, geom_names, site_names),
                    reference_lines(domain, ours, geom_names, site_names))
        diffs = [f"{want} (ours: {got.split(' ', 2)[2]})" for want, got in pairs if want != got]
        worst = max(trajectory_difference(ours, theirs, seed) for seed in range(5))
        print(f"{domain}: differences {diffs or 'none'}; max trajectory difference {worst:.3g}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "custom":
        custom(sys.argv[2])
    elif len(sys.argv) == 2 and sys.argv[1] in ("reference", "check"):
        main(sys.argv[1])
    else:
        sys.exit(__doc__)
