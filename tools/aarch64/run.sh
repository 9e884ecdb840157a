#!/usr/bin/env bash
# pnpm test:aarch64 — the project's suites in a real aarch64 kernel: Debian arm64 under QEMU
# system emulation (TCG, so it runs on any x86_64 machine), built once and cached.
#
#   pnpm test:aarch64            the full run (about 1–2 hours under TCG on 2 cores); writes the
#                                summary to tests/aarch64-results/ and the golden set it recorded
#   pnpm test:aarch64 --smoke    the environment report and Node's conformance suite (CI)
#   pnpm test:aarch64 --steps=presets,arm32-compat   only those steps (names: tools/aarch64/guest.sh)
#
# Environment: SECCOMP_AARCH64_CACHE (default ~/.cache/seccomp-aarch64), SECCOMP_AARCH64_MIRROR,
# AARCH64_SMP (default 2), AARCH64_MEM (default 4G), AARCH64_CPU (default neoverse-n1,
# Graviton2's core: under `max` (SVE, MTE, pointer authentication) Bun 1.4.5 crashes),
# AARCH64_TIMEOUT (minutes).
# QEMU runs under nice -n 10: the machine is shared.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$here/common.sh"
mode=full
steps=""
for a in "$@"; do
  case "$a" in
    --smoke) mode=smoke ;;
    --full) mode=full ;;
    --steps=*) steps="${a#--steps=}" ;;
    *) echo "usage: pnpm test:aarch64 [--smoke|--full] [--steps=node.conformance,presets,…]" >&2; exit 2 ;;
  esac
done
need_host_tools
command -v pnpm >/dev/null || { log "pnpm is missing: npm install -g pnpm"; exit 1; }
[ -f "$root/packages/core/dist/index.js" ] || { log "the packages are not built: run pnpm build first"; exit 1; }

image="$("$here/image.sh")"
repo_img="$("$here/stage.sh")"
results="$AARCH64_CACHE/results-$mode${steps:+-steps}"
rm -rf "$results" && mkdir -p "$results"
timeout_min="${AARCH64_TIMEOUT:-$([ "$mode" = smoke ] && echo 40 || echo 240)}"

log "booting the guest ($mode run; console in $results/console.log, results in $results)"
start=$SECONDS
set +e
nice -n 10 timeout "${timeout_min}m" qemu-system-aarch64 -machine virt -cpu "${AARCH64_CPU:-neoverse-n1}" \
  -smp "${AARCH64_SMP:-2}" -m "${AARCH64_MEM:-4G}" -nographic -no-reboot \
  -kernel "$image/vmlinuz" -initrd "$image/initrd.gz" \
  -append "console=ttyAMA0 panic=-1 quiet aarch64_run=/repo/tools/aarch64/guest-boot.sh aarch64_args=$mode${steps:+ aarch64_steps=$steps}" \
  -drive "file=$image/rootfs.img,format=raw,if=virtio,snapshot=on" \
  -drive "file=$repo_img,format=raw,if=virtio" \
  -virtfs "local,path=$results,mount_tag=results,security_model=none,id=results" \
  </dev/null 2>&1 | tee "$results/console.log" | grep --line-buffered -E '^aarch64-guest|Kernel panic'
qemu_rc=${PIPESTATUS[0]}
set -e
log "the guest ran for $(( (SECONDS - start) / 60 )) min $(( (SECONDS - start) % 60 )) s (qemu exit $qemu_rc)"
[ "$qemu_rc" = 124 ] && log "timed out after $timeout_min min"

args=("$results")
[ "$mode" = full ] && [ -z "$steps" ] && args+=(--out "$root/tests/aarch64-results")
# The golden sets come back only from a run that recorded them.
[ "$mode" = full ] && { [ -z "$steps" ] || [[ ",$steps," == *",golden.record,"* ]]; } && args+=(--golden)
node "$here/collect.mjs" "${args[@]}" && [ "$qemu_rc" = 0 ]
