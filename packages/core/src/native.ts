/**
 * Core's view of a loaded backend: lazy opening, cached name encoding, optional symbols,
 * and the few multi-call recipes (reading an fd, reading errno) every runtime shares.
 */
import { errnoWord, type HostOps, type NativeLibrary, type SeccompBackend } from './backend.js';
import { check, SeccompUnavailableError, SeccompVersionError, UnknownSyscallError } from './errors.js';
import { capabilitiesOf, formatVersion, lazyLibrary, symbolSince, type Capabilities, type LibraryVersion } from './library.js';
import { SYMBOL_NAMES, type BoundSymbols, type SymbolName } from './symbols.js';
import { HOST_ENDIAN } from './abi.js';
import { nativeArch } from './arch.js';
import { isSyscallName, resolveSyscall, suggestSyscalls } from './syscalls/index.js';

// The libc-backed file reads a runtime's host may use (Deno's, to need only --allow-ffi).
export { HostFileError, libcFileOps } from './libcfiles.js';

const encoder = new TextEncoder();
const MFD_CLOEXEC = 1;
const SEEK_SET = 0;
const SEEK_END = 2;

export class Native {
  readonly backend: SeccompBackend;
  readonly host: HostOps;
  private readonly open: () => NativeLibrary;
  private readonly openLibc: () => NativeLibrary;
  private opened: NativeLibrary | undefined;
  private readonly names = new Map<string, Uint8Array>();
  private readonly numbers = new Map<string, number>();
  private cachedVersion: LibraryVersion | undefined;
  private cachedCaps: Capabilities | undefined;

  constructor(backend: SeccompBackend) {
    this.backend = backend;
    this.host = backend.host;
    this.open = lazyLibrary(backend);
    this.openLibc = lazyLibrary(backend, { seccomp: false });
  }

  get lib(): NativeLibrary {
    return (this.opened ??= this.open());
  }

  /** libc alone (libseccomp if already open): loading raw BPF must work without libseccomp. */
  get libc(): NativeLibrary {
    return this.opened ?? this.openLibc();
  }

  /** Whether libseccomp can be opened here (it is optional: the SDK's compiler does not need it). */
  available(): boolean {
    try {
      return this.lib !== undefined;
    } catch (err) {
      if (err instanceof SeccompUnavailableError) return false;
      throw err;
    }
  }

  /**
   * Binds every symbol of the libraries opened so far. Symbols are bound on first use, and on
   * Deno and Bun binding one opens the library again (dlopen: openat, mmap): once a filter is
   * in place that may be refused and kill the process. So before loading a filter of the
   * user's, everything the SDK might call afterwards is bound. (lockdown() needs no such step:
   * it allows what a later binding needs.)
   */
  bindAll(): void {
    const symbols = (this.opened ?? this.openLibc()).symbols as Record<string, unknown>;
    for (const name of SYMBOL_NAMES) void symbols[name];
  }

  get sym(): BoundSymbols {
    return this.open().symbols;
  }

  /** A NUL-terminated encoding of `text`, cached: Deno and Bun pay ~0.5 µs per encode. */
  cstr(text: string): Uint8Array {
    const cached = this.names.get(text);
    if (cached) return cached;
    const bytes = encoder.encode(`${text}\0`);
    this.names.set(text, bytes);
    return bytes;
  }

  /** A 2.6-only function, or SeccompVersionError naming the version it needs. */
  optional<K extends SymbolName>(name: K): NonNullable<BoundSymbols[K]> {
    const fn = this.sym[name];
    if (typeof fn !== 'function') throw new SeccompVersionError(name, symbolSince(name), formatVersion(this.version()));
    return fn as NonNullable<BoundSymbols[K]>;
  }

  version(): LibraryVersion {
    if (!this.cachedVersion) {
      const bytes = this.lib.readMemory(this.sym.seccomp_version(), 0, 12);
      const dv = new DataView(bytes.buffer, bytes.byteOffset, 12);
      const le = HOST_ENDIAN === 'little';
      this.cachedVersion = Object.freeze({ major: dv.getUint32(0, le), minor: dv.getUint32(4, le), micro: dv.getUint32(8, le) });
    }
    return this.cachedVersion;
  }

  capabilities(): Capabilities {
    return (this.cachedCaps ??= capabilitiesOf(this.lib));
  }

  /**
   * libseccomp's number for `name` on the native arch (what SCMP_SYS() gives C code,
   * including its negative pseudo numbers). A syscall newer than the loaded libseccomp
   * (2.5 lacks e.g. getxattrat) falls back to core's table: a rule on its native number still
   * works, and silently dropping a deny rule would be worse. Unknown names get suggestions.
   */
  syscallNumber(name: string): number {
    const cached = this.numbers.get(name);
    if (cached !== undefined) return cached;
    let nr = this.sym.seccomp_syscall_resolve_name(this.cstr(name));
    if (nr === -1) nr = this.tableNumber(name);
    this.numbers.set(name, nr);
    return nr;
  }

  /** seccomp_api_get: the kernel features libseccomp found (1–7). */
  apiLevel(): number {
    return this.sym.seccomp_api_get();
  }

  /** seccomp_api_set: pretend the kernel offers fewer features (tests). */
  setApiLevel(level: number): void {
    if (!Number.isInteger(level) || level < 1) throw new RangeError(`An API level is a positive integer, got ${level}.`);
    check(this.sym.seccomp_api_set(level), `seccomp_api_set(${level})`, { hints: { EINVAL: 'libseccomp does not know this API level' } });
  }

  /** seccomp_syscall_resolve_name_arch: libseccomp's own number for a name (token 0: native). */
  resolveName(name: string, token: number): number {
    return this.sym.seccomp_syscall_resolve_name_arch(token, this.cstr(name));
  }

  /** seccomp_syscall_resolve_num_arch: libseccomp's name for a number, or undefined; frees its string. */
  resolveNum(nr: number, token: number): string | undefined {
    const p = this.sym.seccomp_syscall_resolve_num_arch(token, nr);
    if (this.lib.isNull(p)) return undefined;
    try {
      return this.lib.readCString(p) ?? undefined;
    } finally {
      this.sym.free(p);
    }
  }

  /** Whether the loaded libseccomp itself knows the name (2.5 lacks the newest syscalls). */
  libraryKnows(name: string): boolean {
    return this.sym.seccomp_syscall_resolve_name(this.cstr(name)) !== -1;
  }

  private tableNumber(name: string): number {
    const arch = nativeArch(this.host.machine?.());
    const nr = isSyscallName(name) ? resolveSyscall(name, arch) : -1;
    if (nr < 0) throw new UnknownSyscallError(name, arch, suggestSyscalls(name).filter((s) => s !== name));
    return nr;
  }

  /**
   * Turns a libc call's -1 + errno into a SeccompError. Pass `errno` as read from
   * `errnoWord(lib)[0]` in the statement right after the call; calling errno() later leaves
   * the runtime time to overwrite it.
   */
  cCall(op: string, rc: number | bigint, errno?: number): number {
    const n = Number(rc);
    return n === -1 ? check(-1, op, { errno: errno ?? this.libc.errno() }) : n;
  }

  /** Lets `write` fill an anonymous memory file, then returns its bytes (libseccomp 2.5 exports to an fd). */
  captureFd(op: string, write: (fd: number) => number): Uint8Array {
    const s = this.sym;
    // Arguments run left to right: each errno is read right after its call returns.
    const word = errnoWord(this.lib);
    const fd = this.cCall('memfd_create', s.memfd_create(this.cstr('seccomp-export'), MFD_CLOEXEC), word[0]);
    try {
      check(write(fd), op);
      const size = this.cCall('lseek', s.lseek(fd, 0, SEEK_END), word[0]);
      this.cCall('lseek', s.lseek(fd, 0, SEEK_SET), word[0]);
      const out = new Uint8Array(size);
      let done = 0;
      while (done < size) {
        const n = this.cCall('read', s.read(fd, done === 0 ? out : out.subarray(done), size - done), word[0]);
        if (n === 0) break;
        done += n;
      }
      return out.subarray(0, done);
    } finally {
      s.close(fd);
    }
  }
}
