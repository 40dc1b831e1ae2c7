#!/usr/bin/env bash
# What the bridges/mujoco build needs besides Maven: g++ (JavaCPP compiles the JNI library) and
# python3 (fetch-mujoco.sh unpacks the mujoco wheel from PyPI). The module's build fetches MuJoCo
# itself; this only puts the tools in place on a fresh Debian machine.
set -euo pipefail

missing=()
command -v g++ >/dev/null 2>&1 || missing+=(g++)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if ((${#missing[@]})); then
    echo "installing ${missing[*]} for the MuJoCo binding (Debian packages)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
echo "mujoco native build tools: ready"
