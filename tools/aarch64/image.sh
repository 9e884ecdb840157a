#!/usr/bin/env bash
# Builds (or finds in the cache) the aarch64 guest: Debian trixie arm64 with nodejs, libseccomp2,
# gcc (and an armhf cross gcc for the arm32 compat helper) and strace, Debian's arm64 kernel and
# a small initramfs. Prints the image folder on stdout. Run by run.sh; usable alone
# (`image.sh --key` prints the cache key only).
#
# The first stage (debootstrap --foreign) downloads and unpacks on the host; the second stage
# (the packages' maintainer scripts) runs in the guest itself under QEMU, so the host needs no
# binfmt registration. The disk is keyed by a hash of the recipe (package list, stage2); the
# initramfs is rebuilt in a second whenever initramfs-init changes.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"

PACKAGES=nodejs,libseccomp2,gcc,libc6-dev,strace,linux-image-arm64,busybox-static,gcc-arm-linux-gnueabihf,libc6-dev-armhf-cross
# Loaded by the initramfs, with what they depend on (read from each module's own modinfo).
MODULES=(virtio_blk crc32c_generic ext4 9pnet_virtio 9p)
# Bump RECIPE when a change to this script changes what ends up on the disk.
RECIPE=1
key="$( (echo "$RECIPE $AARCH64_SUITE $PACKAGES ${MODULES[*]}"; cat "$here/stage2") | sha256sum | cut -c1-12)"
out="$AARCH64_CACHE/image-$key"
[ "${1:-}" = --key ] && { echo "$key"; exit 0; }
need_host_tools

# The initramfs: busybox, the modules (dependencies first) and initramfs-init as /init.
make_initrd() {
  local dir="$1" initrd="$1/initrd-$(sha256sum "$here/initramfs-init" | cut -c1-12).gz" tmp
  if [ ! -f "$initrd" ]; then
    tmp="$(mktemp -d)"
    mkdir -p "$tmp"/{bin,proc,sys,dev,newroot}
    cp -r "$dir/modules" "$tmp/modules"
    cp "$dir/busybox" "$tmp/bin/busybox"
    install -m 755 "$here/initramfs-init" "$tmp/init"
    (cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -1) >"$initrd.tmp" && mv "$initrd.tmp" "$initrd"
    rm -rf "$tmp"
  fi
  ln -sf "$(basename "$initrd")" "$dir/initrd.gz"
}

if [ -f "$out/ready" ]; then make_initrd "$out"; echo "$out"; exit 0; fi

work="$AARCH64_CACHE/build-$key"
mkdir -p "$work"
rootfs="$work/rootfs"

# 1. First stage: download and unpack (reused if a previous attempt got this far).
if [ ! -f "$work/stage1-done" ]; then
  log "debootstrap (first stage) of Debian $AARCH64_SUITE arm64 from $AARCH64_MIRROR into $rootfs"
  rm -rf "$rootfs"
  nice -n 10 debootstrap --foreign --arch=arm64 --variant=minbase --include="$PACKAGES" \
    "$AARCH64_SUITE" "$rootfs" "$AARCH64_MIRROR" >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log" >&2; log "debootstrap failed (log: $work/debootstrap.log)"; exit 1; }
  touch "$work/stage1-done"
fi

# 2. Kernel, modules and busybox from the packages debootstrap downloaded.
rm -rf "$out.tmp" && mkdir -p "$out.tmp/modules"
kx="$work/kernel" && rm -rf "$kx" && mkdir -p "$kx"
dpkg-deb -x "$(ls "$rootfs"/var/cache/apt/archives/linux-image-[0-9]*_arm64.deb | head -1)" "$kx"
dpkg-deb -x "$(ls "$rootfs"/var/cache/apt/archives/busybox-static_*_arm64.deb | head -1)" "$kx"
cp "$kx"/boot/vmlinuz-* "$out.tmp/vmlinuz"
cp "$kx/usr/bin/busybox" "$out.tmp/busybox"
moddir="$(ls -d "$kx"/usr/lib/modules/* | head -1)"
declare -A path_of=() loaded=()
while IFS= read -r f; do n="$(basename "$f" .ko.xz)"; path_of["${n//-/_}"]="$f"; done < <(find "$moddir" -name '*.ko.xz')
add_module() { # depth-first: dependencies before the module
  local name="${1//-/_}" dep f
  [ -n "${loaded[$name]:-}" ] && return
  loaded[$name]=1
  f="${path_of[$name]:-}"
  [ -n "$f" ] || { log "module $name not found in $moddir"; exit 1; }
  for dep in $(xz -dc "$f" | tr '\0' '\n' | sed -n 's/^depends=//p' | tr ',' ' '); do add_module "$dep"; done
  xz -dc "$f" >"$out.tmp/modules/$name.ko"
  echo "$name.ko" >>"$out.tmp/modules/order"
}
for m in "${MODULES[@]}"; do add_module "$m"; done
make_initrd "$out.tmp"

# 3. The disk, then the second stage inside the guest.
install -m 755 "$here/stage2" "$rootfs/stage2"
log "making the disk image"
mkfs.ext4 -q -F -L aarch64-root -d "$rootfs" "$out.tmp/rootfs.img" 6G
log "second stage inside QEMU (TCG; once, then cached): console in $work/stage2.log"
start=$SECONDS
nice -n 10 qemu-system-aarch64 -machine virt -cpu max -smp "${AARCH64_SMP:-2}" -m 2G -nographic -no-reboot \
  -kernel "$out.tmp/vmlinuz" -initrd "$out.tmp/initrd.gz" -append "console=ttyAMA0 panic=-1 aarch64_run=/stage2" \
  -drive "file=$out.tmp/rootfs.img,format=raw,if=virtio" </dev/null >"$work/stage2.log" 2>&1 || true
grep -q STAGE2-OK "$work/stage2.log" || { tail -40 "$work/stage2.log" >&2; log "the second stage failed (log: $work/stage2.log)"; exit 1; }
log "second stage done in $((SECONDS - start)) s"
rm -rf "$out" && mv "$out.tmp" "$out" && touch "$out/ready"
rm -rf "$work"
echo "$out"
