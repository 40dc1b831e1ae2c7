#!/usr/bin/env bash
# The Python environments the bridge tests need (dmc, gymnasium, metaworld, myosuite, maniskill), one venv per domain, made from
# bridges/python/requirements/DOMAIN.txt; `40-python-venvs.sh DOMAIN...` makes only those. Same layout, ready-marker
# and locks as io.github.tdmpc2j.bridge.py4j.PythonSetup (`tdmpc2j setup DOMAIN`): the marker, written last, holds the
# SHA-256 of the requirements file, so a half-made venv or changed requirements make the venv again, and a ready one is
# left alone. A venv is made again only while this script holds ROOT/DOMAIN.lock (one builder at a time, this script
# or setup) and, taken exclusively, ROOT/DOMAIN.in-use, on which every JVM with a worker on the venv holds a shared
# lock: a venv that running workers use is never deleted under them; the script names their processes and stops.
set -euo pipefail
script="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
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
export TDMPC2J_PYTHON="$python" TDMPC2J_VENVS="$venvs" TDMPC2J_SETUP_SCRIPT="$script"

# The venv locker: runs the command after ROOT DOMAIN while holding the venv's locks as PythonSetup does:
# ROOT/DOMAIN.lock (waiting for another setup of the venv), then ROOT/DOMAIN.in-use exclusively (never waiting). Java's file locks are POSIX (fcntl) locks on
# Linux, which the flock command does not see; Python's fcntl.lockf takes that kind. When workers use the venv: a
# message naming their processes, and exit code 75.
read -r -d '' venv_locker <<'PY' || true
import fcntl, os, subprocess, sys

root, domain, command = sys.argv[1], sys.argv[2], sys.argv[3:]
os.makedirs(root, exist_ok=True)


def holders(path):
    """The processes holding locks on path, as 'pid N (command)', read from /proc/locks as InUse.holders does."""
    try:
        st = os.stat(path)
        with open("/proc/locks") as f:
            lines = f.read().splitlines()
    except OSError:
        return "another process"
    found = []
    for line in lines:
        # "1: POSIX  ADVISORY  READ 1234 fd:00:5678 0 EOF"; a waiter's line has "->" after the number
        fields = line.split()
        if len(fields) < 6 or fields[1] == "->":
            continue
        where = fields[5].split(":")
        try:
            if (len(where) != 3 or int(where[2]) != st.st_ino or int(where[0], 16) != os.major(st.st_dev)
                    or int(where[1], 16) != os.minor(st.st_dev)):
                continue
            pid = int(fields[4])
        except ValueError:
            continue
        try:
            name = " (" + os.path.basename(os.readlink("/proc/%d/exe" % pid)) + ")"
        except OSError:
            name = ""
        if pid > 0 and "pid %d%s" % (pid, name) not in found:
            found.append("pid %d%s" % (pid, name))
    return ", ".join(found) or "another process"


build = open(os.path.join(root, domain + ".lock"), "a")
try:
    fcntl.lockf(build, fcntl.LOCK_EX | fcntl.LOCK_NB)
except OSError:
    print("python venv %s: waiting for another setup of it (%s)" % (domain, holders(build.name)), flush=True)
    fcntl.lockf(build, fcntl.LOCK_EX)
in_use = open(os.path.join(root, domain + ".in-use"), "a")
try:
    fcntl.lockf(in_use, fcntl.LOCK_EX | fcntl.LOCK_NB)
except OSError:
    users = holders(in_use.name)
    many = ", " in users
    print("python venv %s: %s is in use by %s (a Python worker of a running tdmpc2j command, which would fail mid-run "
          "if the venv were deleted): stop %s, or wait for %s to end, then run %s again"
          % (domain, os.path.join(root, domain), users, "those processes" if many else "that process",
             "them" if many else "it", os.environ["TDMPC2J_SETUP_SCRIPT"]), file=sys.stderr, flush=True)
    sys.exit(75)
child = subprocess.Popen(command)
while True:
    try:
        sys.exit(child.wait())
    except KeyboardInterrupt:
        pass  # the child has the interrupt too: the locks are held until it ends
PY

is_ready() { # DOMAIN WANT
    local venv="$venvs/$1"
    [ -f "$venv/$marker_name" ] && [ "$(cat "$venv/$marker_name")" = "$2" ] && [ -x "$venv/bin/python" ]
}

# Makes DOMAIN's venv from REQUIREMENTS unless another setup made it while this one waited; run under the locks.
make_venv() { # DOMAIN REQUIREMENTS WANT
    local venv="$venvs/$1"
    if is_ready "$1" "$3"; then
        echo "python venv $1: ready, made meanwhile by another setup ($venv)"
        return
    fi
    echo "python venv $1: making $venv from $2"
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$2"
    echo "$3" > "$venv/$marker_name"
    echo "python venv $1: ready"
}

if [ "${1:-}" = "--make-locked" ]; then # this script run again by the locker, which holds the venv's locks
    make_venv "$2" "$3" "$4"
    exit
fi

domains=("$@")
[ ${#domains[@]} -gt 0 ] || domains=(dmc gymnasium metaworld myosuite maniskill)
for domain in "${domains[@]}"; do
    requirements="bridges/python/requirements/$domain.txt"
    if [ ! -f "$requirements" ]; then
        echo "no domain '$domain': the domains are those of bridges/python/requirements" >&2
        exit 2
    fi
    want="$(sha256sum "$requirements" | cut -d' ' -f1)"
    if is_ready "$domain" "$want"; then
        echo "python venv $domain: ready ($venvs/$domain)"
        continue
    fi
    "$python" -c "$venv_locker" "$venvs" "$domain" bash "$script" --make-locked "$domain" "$requirements" "$want"
done
