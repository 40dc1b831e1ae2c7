"""The suites a worker can serve, by name. A suite module is imported only when its first env is made."""

import importlib
import platform

_MODULES = {
    "dmc": "tdmpc2j_worker.suites.dmc",
    "gymnasium": "tdmpc2j_worker.suites.gym",
    "metaworld": "tdmpc2j_worker.suites.metaworld",
    "myosuite": "tdmpc2j_worker.suites.myosuite",
    "maniskill": "tdmpc2j_worker.suites.maniskill",
    "testing": "tdmpc2j_worker.suites.testing",
}


def names():
    return tuple(_MODULES)


def make(suite, task, seed, options):
    if suite not in _MODULES:
        raise ValueError(f"unknown suite '{suite}'; known suites: {', '.join(_MODULES)}")
    return importlib.import_module(_MODULES[suite]).make(task, seed, options)


def versions(allowed):
    """One line naming Python and the packages behind the allowed suites, for logs and `ping`."""
    from importlib import metadata

    parts = ["python " + platform.python_version()]
    for package in ("numpy", "py4j", "dm-control", "mujoco", "gymnasium", "metaworld", "myosuite",
                    "mani-skill", "sapien", "torch"):
        try:
            parts.append(package + " " + metadata.version(package))
        except metadata.PackageNotFoundError:
            pass
    return ", ".join(parts) + "; suites " + ", ".join(allowed)
