#!/bin/sh
# What every test boot runs first (kernel command line aarch64_run=/repo/tools/aarch64/guest-boot.sh;
# /repo is the staged repository, the second disk). Mounts the kernel's file systems and the 9p
# share for results, runs guest.sh, then powers the machine off, whatever guest.sh did.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm /results
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
hostname aarch64-guest
busybox ip link set lo up
# debootstrap's minbase writes no /etc/hosts: the presets' workload asks for localhost.
[ -s /etc/hosts ] || printf '127.0.0.1 localhost\n::1 localhost\n' >/etc/hosts
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 results /results || echo "aarch64-guest: no results share"
sh /repo/tools/aarch64/guest.sh $aarch64_args $aarch64_steps
echo "aarch64-guest: guest.sh exit $?"
sync
umount /results
echo 1 >/proc/sys/kernel/sysrq
echo o >/proc/sysrq-trigger
# The power-off runs asynchronously: wait for it here, or this script, the guest's first
# process, ends first and the kernel reports a panic ("Attempted to kill init") on the way out.
sleep 60
