#!/usr/bin/env bash
# Software Vulkan for ManiSkill. SAPIEN, ManiSkill's simulator, creates a Vulkan renderer for every scene even when
# only state is observed, and needs descriptor indexing from it. Without a GPU that is Mesa's lavapipe, which has it
# from Mesa 23 on: Debian 13 ships that; Debian 12 ships Mesa 22.3, so there mesa-vulkan-drivers comes from
# bookworm-backports (only that package and libdrm are taken from backports; the rest of Mesa stays as it is).
# Idempotent: a machine with lavapipe 23+ (or a GPU's Vulkan driver) is left alone.
set -euo pipefail

icd_dirs="/usr/share/vulkan/icd.d /etc/vulkan/icd.d"
min_mesa=23

mesa_version() {
    dpkg-query -W -f='${Status} ${Version}\n' mesa-vulkan-drivers 2>/dev/null | awk '$3 == "installed" {print $4}'
}

lavapipe_is_new_enough() {
    local v
    v="$(mesa_version)"
    [ -n "$v" ] && dpkg --compare-versions "$v" ge "$min_mesa" \
        && dpkg-query -W -f='${Status}\n' libvulkan1 2>/dev/null | grep -q ' installed$'
}

has_gpu_vulkan() {
    local d
    for d in $icd_dirs; do
        ls "$d"/nvidia_icd*.json >/dev/null 2>&1 && return 0
    done
    return 1
}

if has_gpu_vulkan; then
    echo "maniskill vulkan: ready (a GPU Vulkan driver is installed)"
    exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
    echo "maniskill vulkan: not a Debian system; install libvulkan1 and Mesa's Vulkan drivers ($min_mesa or newer) yourself"
    exit 0
fi
if lavapipe_is_new_enough; then
    echo "maniskill vulkan: ready (Mesa lavapipe $(mesa_version))"
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "maniskill vulkan: Mesa's lavapipe $min_mesa+ is missing; run this script as root" >&2
    exit 1
fi

. /etc/os-release
package=mesa-vulkan-drivers
if [ "${VERSION_CODENAME:-}" = bookworm ]; then
    sources=/etc/apt/sources.list.d/tdmpc2j-bookworm-backports.sources
    if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
        # the same Debian archive the machine already uses for bookworm (first URIs of its main sources)
        uri="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
        [ -n "$uri" ] || uri="$(awk '$1 == "deb" && $3 == "bookworm" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)"
        if [ -z "$uri" ]; then
            echo "maniskill vulkan: cannot find this machine's Debian archive in /etc/apt; add bookworm-backports yourself" >&2
            exit 1
        fi
        printf '%s\n' "Types: deb" "URIs: $uri" "Suites: bookworm-backports" \
            "Components: main" "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" > "$sources"
    fi
    package=mesa-vulkan-drivers/bookworm-backports
fi
echo "maniskill vulkan: installing libvulkan1 and $package"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libvulkan1 "$package" >/dev/null
if ! lavapipe_is_new_enough; then
    echo "maniskill vulkan: mesa-vulkan-drivers is $(mesa_version), ManiSkill needs $min_mesa or newer" >&2
    exit 1
fi
echo "maniskill vulkan: ready (Mesa lavapipe $(mesa_version))"
