#!/usr/bin/env bash
# Puts MuJoCo's shared library and C headers, taken from the PyPI wheel mujoco==VERSION, into DIR:
#   DIR/lib/libmujoco.so.VERSION (+ libmujoco.so link), DIR/include/mujoco/*.h
# Fast when DIR is already complete. Needs python3; uses pip when present, else PyPI's simple index.
set -euo pipefail

version="${1:?usage: fetch-mujoco.sh VERSION SHA256 DIR}"
sha256="${2:?usage: fetch-mujoco.sh VERSION SHA256 DIR}"
dir="${3:?usage: fetch-mujoco.sh VERSION SHA256 DIR}"
wheel_platform="manylinux_2_28_x86_64"
python_version="3.11"

if [[ -f "$dir/lib/libmujoco.so.$version" && -f "$dir/include/mujoco/mujoco.h" && -f "$dir/.complete" ]]; then
  exit 0
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "fetch-mujoco: downloading the mujoco==$version wheel from PyPI into $dir"

download_failed() {
  echo "fetch-mujoco: could not download mujoco==$version from PyPI. Without network, unpack the wheel" >&2
  echo "  (pip download --no-deps --only-binary=:all: --python-version $python_version --platform $wheel_platform mujoco==$version)" >&2
  echo "  elsewhere and copy libmujoco.so.$version to $dir/lib/ and include/mujoco/ to $dir/include/, link lib/libmujoco.so to it and touch $dir/.complete" >&2
  exit 1
}

if python3 -m pip --version >/dev/null 2>&1; then
  python3 -m pip download --quiet --no-deps --only-binary=:all: --python-version "$python_version" \
    --platform "$wheel_platform" "mujoco==$version" -d "$work" || download_failed
else
  python3 - "$version" "$work" <<'PY' || download_failed
import re, sys, urllib.request
version, out = sys.argv[1], sys.argv[2]
index = urllib.request.urlopen("https://pypi.org/simple/mujoco/").read().decode()
pattern = rf'href="([^"#]+/(mujoco-{re.escape(version)}-cp311-cp311-[^"#/]*manylinux_2_28_x86_64[^"#/]*\.whl))'
found = re.search(pattern, index)
if not found:
    sys.exit(f"no cp311 manylinux_2_28_x86_64 wheel of mujoco {version} in PyPI's index")
urllib.request.urlretrieve(found.group(1), f"{out}/{found.group(2)}")
PY
fi

wheel="$(ls "$work"/mujoco-"$version"-*.whl)"
actual="$(sha256sum "$wheel" | cut -d' ' -f1)"
if [[ "$actual" != "$sha256" ]]; then
  echo "fetch-mujoco: $wheel has sha256 $actual, expected $sha256" >&2
  exit 1
fi

python3 - "$wheel" "$work/x" "$version" <<'PY'
import sys, zipfile
wheel, out, version = sys.argv[1:]
with zipfile.ZipFile(wheel) as z:
    members = [n for n in z.namelist()
               if n == f"mujoco/libmujoco.so.{version}" or n.startswith("mujoco/include/mujoco/")]
    z.extractall(out, members)
PY

staging="$dir.partial.$$"
rm -rf "$staging"
mkdir -p "$staging/lib"
cp -r "$work/x/mujoco/include" "$staging/include"
cp "$work/x/mujoco/libmujoco.so.$version" "$staging/lib/"
ln -s "libmujoco.so.$version" "$staging/lib/libmujoco.so"
touch "$staging/.complete"
mkdir -p "$(dirname "$dir")"
rm -rf "$dir"
mv "$staging" "$dir"
echo "fetch-mujoco: ready in $dir"
