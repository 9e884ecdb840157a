/**
 * readOnlyFs and ioctl(2). Changing a file's flags needs no write access to the descriptor:
 * `ioctl(fd, FS_IOC_SETFLAGS)` on a file opened read-only makes it immutable or append-only
 * (as its owner or as root). The request's type byte (bits 8–15 of the request number, see
 * linux/ioctl.h) names the family; the families below hold every ioctl that changes a file or
 * a file system. Terminal, socket and FIO* requests (type 'T', 0x89) stay allowed.
 */
import { arg32, type Condition } from '../compare.js';

/** Type bytes of file and file-system ioctls (include/uapi/linux/fs.h and the file systems' own). */
export const FS_IOCTL_TYPES = Object.freeze({
  /** 'f': FS_IOC_SETFLAGS, FS_IOC_ENABLE_VERITY, FS_IOC_SET_ENCRYPTION_POLICY, ext4's EXT4_IOC_*. */
  f: 0x66,
  /** 'X': FS_IOC_FSSETXATTR, FIFREEZE, FITHAW, FITRIM, XFS's XFS_IOC_*. */
  X: 0x58,
  /** 'v': FS_IOC_SETVERSION. */
  v: 0x76,
  /** 0x94: FICLONE, FICLONERANGE, FIDEDUPERANGE, FS_IOC_SETFSLABEL, btrfs's BTRFS_IOC_*. */
  btrfs: 0x94,
  /** 0xf5: f2fs's F2FS_IOC_*. */
  f2fs: 0xf5,
} as const);

const TYPE_SHIFT = 8;
const TYPE_BITS = 8;

/** The aligned blocks (as mask and value) that cover 0 … 2^bits − 1 except `excluded`. */
export function complementBlocks(excluded: readonly number[], bits: number): { mask: number; value: number }[] {
  const out: { mask: number; value: number }[] = [];
  const full = (1 << bits) - 1;
  const cover = (base: number, size: number): void => {
    if (!excluded.some((x) => x >= base && x < base + size)) {
      out.push({ mask: full & ~(size - 1), value: base });
      return;
    }
    if (size === 1) return;
    cover(base, size / 2);
    cover(base + size / 2, size / 2);
  };
  cover(0, 1 << bits);
  return out;
}

/** Allow-rule conditions for ioctl: any request whose type byte is not a file-system family. */
export function ioctlReadOnlyForms(): Condition[][] {
  return complementBlocks(Object.values(FS_IOCTL_TYPES), TYPE_BITS).map(({ mask, value }) => [
    arg32(1).maskedEq(mask << TYPE_SHIFT, value << TYPE_SHIFT),
  ]);
}
