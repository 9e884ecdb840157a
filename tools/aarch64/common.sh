# Shared by the aarch64 scripts (sourced, not run): where the cache lives, what the host needs.
# Nothing here is committed output: images live under the cache, outside the repository.

AARCH64_CACHE="${SECCOMP_AARCH64_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/seccomp-aarch64}"
AARCH64_SUITE=trixie # Debian 13: nodejs 20 (bookworm's is 18, below the project's minimum)
AARCH64_MIRROR="${SECCOMP_AARCH64_MIRROR:-http://deb.debian.org/debian}"

# Host tools, each with the Debian package that has it, so a missing one is named with its fix.
need_host_tools() {
  local missing=() pkgs=() pair
  for pair in qemu-system-aarch64:qemu-system-arm debootstrap:debootstrap mkfs.ext4:e2fsprogs \
    cpio:cpio xz:xz-utils dpkg-deb:dpkg curl:curl; do
    command -v "${pair%%:*}" >/dev/null 2>&1 || { missing+=("${pair%%:*}"); pkgs+=("${pair#*:}"); }
  done
  if ((${#missing[@]})); then
    echo "aarch64: missing on this machine: ${missing[*]}" >&2
    echo "aarch64: install them with: sudo apt-get install -y ${pkgs[*]}" >&2
    return 1
  fi
}

log() { printf 'aarch64: %s\n' "$*" >&2; }
