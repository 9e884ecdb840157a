/**
 * HostOps' file reads done through libc alone: openat, getdents64 and readlinkat through
 * syscall(2), plus read and close. For a runtime whose own file API asks for more than FFI
 * does: Deno 2.9 wants --allow-all to read /proc, which status() and lockdown() need, while
 * the same bytes through libc need only --allow-ffi, already granted.
 */
import { HOST_ENDIAN } from './abi.js';
import { nativeArch } from './arch.js';
import { errnoWord, type HostOps, type NativeLibrary } from './backend.js';
import { errnoName } from './errno.js';
import { resolveSyscall } from './syscalls/index.js';

/** A file operation of the libc-backed host failed: which call, on which path, with which errno. */
export class HostFileError extends Error {
  override readonly name = 'HostFileError';
  /** Positive errno number (2 for ENOENT). */
  readonly errno: number;
  /** Symbolic errno (`"ENOENT"`), or `"E<number>"` when it has no name. */
  readonly code: string;
  /** The libc call or syscall that failed: openat, read, getdents64 or readlinkat. */
  readonly syscall: string;
  readonly path: string;
  constructor(syscall: string, path: string, errno: number) {
    const code = errnoName(errno) ?? `E${errno}`;
    super(`${syscall} ${path} failed: ${code}`);
    this.errno = errno;
    this.code = code;
    this.syscall = syscall;
    this.path = path;
  }
}

const AT_FDCWD = -100;
/** O_RDONLY | O_CLOEXEC (the same bits on x86_64 and aarch64; O_DIRECTORY is not, so it is left out). */
const OPEN_FLAGS = 0o2000000;
/** struct linux_dirent64: u64 d_ino, s64 d_off, u16 d_reclen, u8 d_type, then the name. */
const DIRENT_RECLEN = 16;
const DIRENT_NAME = 19;
const CHUNK = 16384;

type FileOps = Pick<HostOps, 'readTextFile' | 'readDir' | 'readLink'>;
type FileSyscall = 'openat' | 'getdents64' | 'readlinkat';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Holds buffers whose addresses went into a call until it has returned. */
function keepAlive(..._buffers: Uint8Array[]): void {}

class LibcFiles {
  private readonly lib: NativeLibrary;
  private readonly word: ArrayLike<number>;
  private readonly nr: Record<FileSyscall, number>;

  constructor(lib: NativeLibrary, machine: string | undefined) {
    this.lib = lib;
    this.word = errnoWord(lib);
    const arch = nativeArch(machine);
    this.nr = { openat: resolveSyscall('openat', arch), getdents64: resolveSyscall('getdents64', arch), readlinkat: resolveSyscall('readlinkat', arch) };
  }

  /** One syscall with up to four arguments; -1 becomes a HostFileError carrying errno. */
  private sys(name: FileSyscall, path: string, a: number | bigint, b: number | bigint, c: number | bigint, d: number | bigint): number {
    const rc = this.lib.symbols.syscall(this.nr[name], a, b, c, d, 0, 0);
    const errno = this.word[0]!;
    if (rc === -1) throw new HostFileError(name, path, errno);
    return rc;
  }

  private open(path: string): number {
    const name = encoder.encode(`${path}\0`);
    const fd = this.sys('openat', path, AT_FDCWD, this.lib.addressOf(name), OPEN_FLAGS, 0);
    keepAlive(name);
    return fd;
  }

  /** Runs `use` on an open descriptor of `path`, closing it whatever happens. */
  private withFd<T>(path: string, use: (fd: number) => T): T {
    const fd = this.open(path);
    try {
      return use(fd);
    } finally {
      this.lib.symbols.close(fd);
    }
  }

  readTextFile(path: string): string {
    return this.withFd(path, (fd) => {
      // /proc files report size 0: read until end of file.
      const chunks: Uint8Array[] = [];
      for (;;) {
        const buf = new Uint8Array(CHUNK);
        const n = this.lib.symbols.read(fd, buf, buf.length);
        const errno = this.word[0]!;
        if (n === -1) throw new HostFileError('read', path, errno);
        if (n === 0) break;
        chunks.push(buf.subarray(0, n));
      }
      return chunks.length === 1 ? decoder.decode(chunks[0]) : decoder.decode(concat(chunks));
    });
  }

  readDir(path: string): string[] {
    return this.withFd(path, (fd) => {
      const names: string[] = [];
      const buf = new Uint8Array(CHUNK);
      const view = new DataView(buf.buffer);
      const le = HOST_ENDIAN === 'little';
      for (;;) {
        const n = this.sys('getdents64', path, fd, this.lib.addressOf(buf), buf.length, 0);
        if (n === 0) break;
        for (let at = 0; at < n; at += view.getUint16(at + DIRENT_RECLEN, le)) {
          const end = buf.indexOf(0, at + DIRENT_NAME);
          const name = decoder.decode(buf.subarray(at + DIRENT_NAME, end));
          if (name !== '.' && name !== '..') names.push(name);
        }
      }
      return names;
    });
  }

  readLink(path: string): string {
    const name = encoder.encode(`${path}\0`);
    // A link target longer than the buffer comes back cut to its size: retry larger.
    for (let size = 256; ; size *= 4) {
      const buf = new Uint8Array(size);
      const n = this.sys('readlinkat', path, AT_FDCWD, this.lib.addressOf(name), this.lib.addressOf(buf), size);
      keepAlive(name, buf);
      if (n < size) return decoder.decode(buf.subarray(0, n));
    }
  }
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * readTextFile, readDir and readLink through libc, opened on first use by `libc` (a
 * libc-only NativeLibrary: no libseccomp needed). Failures are HostFileErrors, which carry
 * errno, code, syscall and path as Node's fs errors do.
 */
export function libcFileOps(libc: () => NativeLibrary, machine: () => string | undefined = () => undefined): FileOps {
  let files: LibcFiles | undefined;
  const get = () => (files ??= new LibcFiles(libc(), machine()));
  return {
    readTextFile: (path) => get().readTextFile(path),
    readDir: (path) => get().readDir(path),
    readLink: (path) => get().readLink(path),
  };
}
