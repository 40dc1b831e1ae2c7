#!/usr/bin/env bash
# The Python environments the bridge tests need (dmc, gymnasium, metaworld, myosuite, maniskill), one venv per domain, made from
# bridges/python/requirements/DOMAIN.txt. Same layout and ready-marker as io.github.tdmpc2j.bridge.py4j.PythonSetup
# (`tdmpc2j setup DOMAIN`): the marker, written last, holds the SHA-256 of the requirements file, so a half-made
# venv or changed requirements make the venv again, and a ready one is left alone.
set -euo pipefail
cd "$(dirname "$0")/../.."
# as PythonSetup does (VenvLayout.processOn): the shell's Python variables would make pip take another Python's
# packages for installed and leave them out of the venv
unset PYTHONHOME PYTHONPATH PYTHONUSERBASE PYTHONPLATLIBDIR PYTHONEXECUTABLE PYTHONSTARTUP PYTHONINSPECT

venvs="${TDMPC2J_VENVS:-$HOME/.cache/tdmpc2j/venvs}"
python="${TDMPC2J_PYTHON:-python3}"
marker_name=".tdmpc2j-ready"

if ! command -v "$python" >/dev/null 2>&1 || ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    echo "installing Python 3 with venv support (Debian packages)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >/dev/null
    python=python3
fi

for domain in dmc gymnasium metaworld myosuite maniskill; do
    requirements="bridges/python/requirements/$domain.txt"
    venv="$venvs/$domain"
    want="$(sha256sum "$requirements" | cut -d' ' -f1)"
    if [ -f "$venv/$marker_name" ] && [ "$(cat "$venv/$marker_name")" = "$want" ] && [ -x "$venv/bin/python" ]; then
        echo "python venv $domain: ready ($venv)"
        continue
    fi
    echo "python venv $domain: making $venv from $requirements"
    rm -rf "$venv"
    mkdir -p "$venvs"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements"
    echo "$want" > "$venv/$marker_name"
    echo "python venv $domain: ready"
done
