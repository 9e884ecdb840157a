/**
 * SyscallFilter: libseccomp's filter context, 1:1 and camelCased, over any backend.
 * Arguments are checked here before any FFI call; return codes go through `check`.
 */
import { encodeAction, decodeAction, formatAction, type Action } from './actions.js';
import { archInfo, type ArchName } from './arch.js';
import { HOST_ENDIAN, packArgCmps } from './abi.js';
import { toArgCmp, type Condition } from './compare.js';
import { ERRNO } from './errno.js';
import { check } from './errors.js';
import type { Native } from './native.js';
import type { Pointer } from './symbols.js';

/** enum scmp_filter_attr (seccomp.h). */
export const ATTRIBUTES = Object.freeze({
  defaultAction: 1,
  badArchAction: 2,
  noNewPrivs: 3,
  tsync: 4,
  apiTskip: 5,
  log: 6,
  specAllow: 7,
  optimize: 8,
  rawRc: 9,
  waitKill: 10,
} as const);
export type AttributeName = keyof typeof ATTRIBUTES;

/** What each attribute holds once decoded. */
export interface AttributeValues {
  defaultAction: Action;
  badArchAction: Action;
  noNewPrivs: boolean;
  tsync: boolean;
  apiTskip: boolean;
  log: boolean;
  specAllow: boolean;
  optimize: 1 | 2;
  rawRc: boolean;
  waitKill: boolean;
}

export interface FilterOptions {
  /**
   * Synchronise all threads on load (default true). Runtimes start thread pools before user
   * code runs; without TSYNC those threads escape the filter.
   */
  tsync?: boolean;
}

const RULE_HINTS = {
  EACCES: 'the rule action is the same as the filter default action, so the rule would do nothing',
  EEXIST: 'a rule for this syscall with the same conditions and a different action already exists',
  EDOM: 'the syscall does not exist on an arch of the filter (exact rules are not rewritten)',
  EINVAL: 'libseccomp rejects the syscall, action or conditions (e.g. an invalid pseudo syscall)',
  EFAULT: 'libseccomp could not translate the syscall to every arch of the filter (is it newer than the loaded libseccomp?)',
  EOPNOTSUPP: 'libseccomp cannot express this rule exactly on an arch of the filter (e.g. a socket call multiplexed through socketcall on x86)',
};

const finalizer = new FinalizationRegistry<{ native: Native; ctx: Pointer }>(({ native, ctx }) => {
  native.sym.seccomp_release(ctx);
});

function describeSyscall(syscall: string | number): string {
  return typeof syscall === 'number' ? `#${syscall}` : syscall;
}

function checkPriority(priority: number): number {
  if (!Number.isInteger(priority) || priority < 0 || priority > 255) {
    throw new RangeError(`A syscall priority is an integer from 0 to 255, got ${String(priority)}.`);
  }
  return priority;
}

function checkConditions(conditions: readonly Condition[]): void {
  if (conditions.length > 6) throw new RangeError(`A rule takes at most 6 conditions (one per argument), got ${conditions.length}.`);
  const seen = new Set<number>();
  for (const c of conditions) {
    if (typeof c !== 'object' || c === null || typeof c.value !== 'bigint') {
      throw new TypeError('Conditions are built with arg(i).eq(value), arg(i).maskedEq(mask, value), …');
    }
    if (seen.has(c.arg)) throw new RangeError(`Two conditions on argument ${c.arg}: libseccomp allows one per argument; add a second rule instead.`);
    seen.add(c.arg);
  }
}

export class SyscallFilter implements Disposable {
  readonly #native: Native;
  #ctx: Pointer;
  #defaultAction: Action;
  readonly #tsync: boolean;

  /** @internal use the class a runtime package exports: `new SyscallFilter(Action.errno("EPERM"))`. */
  constructor(native: Native, defaultAction: Action, options: FilterOptions = {}) {
    const encoded = encodeAction(defaultAction);
    this.#native = native;
    this.#defaultAction = defaultAction;
    this.#tsync = options.tsync ?? true;
    const ctx = native.sym.seccomp_init(encoded);
    if (native.lib.isNull(ctx)) check(-22, 'seccomp_init', { hints: { EINVAL: `libseccomp refused the default action ${formatAction(defaultAction)}` } });
    this.#ctx = ctx;
    finalizer.register(this, { native, ctx }, this);
    this.#applyDefaults();
  }

  #applyDefaults(): void {
    if (this.#tsync) this.setAttr('tsync', true);
  }

  get #handle(): Pointer {
    if (this.#ctx === null) throw new TypeError('This SyscallFilter was released; create a new one.');
    return this.#ctx;
  }

  get defaultAction(): Action {
    return this.#defaultAction;
  }

  /** @internal the raw scmp_filter_ctx, for merge. */
  get handle(): Pointer {
    return this.#handle;
  }

  #resolve(syscall: string | number): number {
    if (typeof syscall === 'number') {
      if (!Number.isInteger(syscall) || syscall < -2147483648 || syscall > 2147483647) {
        throw new RangeError(`A syscall number must be a 32-bit integer, got ${syscall}.`);
      }
      return syscall;
    }
    if (typeof syscall !== 'string' || syscall === '') throw new TypeError('A syscall is a name such as "openat" or a native number.');
    return this.#native.syscallNumber(syscall);
  }

  #add(exact: boolean, action: Action, syscall: string | number, conditions: readonly Condition[]): this {
    const act = encodeAction(action);
    checkConditions(conditions);
    const nr = this.#resolve(syscall);
    const cmps = packArgCmps(conditions.map(toArgCmp));
    const s = this.#native.sym;
    const fn = exact ? s.seccomp_rule_add_exact_array : s.seccomp_rule_add_array;
    const op = `${exact ? 'seccomp_rule_add_exact' : 'seccomp_rule_add'}(${describeSyscall(syscall)}, ${formatAction(action)})`;
    check(fn(this.#handle, act, nr, conditions.length, conditions.length ? cmps : null), op, { hints: RULE_HINTS });
    return this;
  }

  /** seccomp_rule_add: libseccomp adapts the rule per arch (socketcall/ipc, missing syscalls). */
  addRule(action: Action, syscall: string | number, ...conditions: Condition[]): this {
    return this.#add(false, action, syscall, conditions);
  }

  /** seccomp_rule_add_exact: the rule as given on every arch, or an error. */
  addRuleExact(action: Action, syscall: string | number, ...conditions: Condition[]): this {
    return this.#add(true, action, syscall, conditions);
  }

  addArch(arch: ArchName): this {
    check(this.#native.sym.seccomp_arch_add(this.#handle, archInfo(arch).token), `seccomp_arch_add(${arch})`);
    return this;
  }

  removeArch(arch: ArchName): this {
    check(this.#native.sym.seccomp_arch_remove(this.#handle, archInfo(arch).token), `seccomp_arch_remove(${arch})`, {
      hints: { EEXIST: 'the arch is not in the filter' },
    });
    return this;
  }

  hasArch(arch: ArchName): boolean {
    const rc = this.#native.sym.seccomp_arch_exist(this.#handle, archInfo(arch).token);
    if (rc === -ERRNO.EEXIST) return false; // libseccomp's answer for an absent arch
    check(rc, `seccomp_arch_exist(${arch})`);
    return true;
  }

  /** seccomp_merge: moves `other`'s arches and rules into this filter; `other` is released. */
  merge(other: SyscallFilter): this {
    if (!(other instanceof SyscallFilter)) throw new TypeError('merge() takes another SyscallFilter.');
    check(this.#native.sym.seccomp_merge(this.#handle, other.handle), 'seccomp_merge', {
      hints: { EINVAL: 'the filters must have the same default action and attributes, and no arch in common' },
    });
    other.#forget();
    return this;
  }

  /** seccomp_reset: drop rules and arches; attributes back to defaults (TSYNC stays on unless opted out). */
  reset(defaultAction: Action = this.#defaultAction): this {
    check(this.#native.sym.seccomp_reset(this.#handle, encodeAction(defaultAction)), 'seccomp_reset');
    this.#defaultAction = defaultAction;
    this.#applyDefaults();
    return this;
  }

  setSyscallPriority(syscall: string | number, priority: number): this {
    const p = checkPriority(priority);
    check(this.#native.sym.seccomp_syscall_priority(this.#handle, this.#resolve(syscall), p), `seccomp_syscall_priority(${describeSyscall(syscall)})`);
    return this;
  }

  getAttr<K extends AttributeName>(name: K): AttributeValues[K] {
    const id = attributeId(name);
    const out = new Uint8Array(4);
    check(this.#native.sym.seccomp_attr_get(this.#handle, id, out), `seccomp_attr_get(${name})`);
    const raw = new DataView(out.buffer).getUint32(0, HOST_ENDIAN === 'little');
    return decodeAttr(name, raw) as AttributeValues[K];
  }

  setAttr<K extends AttributeName>(name: K, value: AttributeValues[K]): this {
    if (name === 'defaultAction') {
      throw new TypeError('The default action is fixed when the filter is created; use reset(action) to change it.');
    }
    const id = attributeId(name);
    const raw = encodeAttr(name, value);
    check(this.#native.sym.seccomp_attr_set(this.#handle, id, raw), `seccomp_attr_set(${name})`);
    return this;
  }

  /** The BPF program libseccomp generates (host byte order for the native arch). */
  exportBpf(): Uint8Array {
    const mem = this.#native.sym.seccomp_export_bpf_mem;
    if (mem) return exportBpfMem(this.#native, this.#handle, mem);
    return this.#native.captureFd('seccomp_export_bpf', (fd) => this.#native.sym.seccomp_export_bpf(this.#handle, fd));
  }

  /** libseccomp's human-readable pseudo-C (PFC) rendering of the filter. */
  exportPfc(): string {
    const bytes = this.#native.captureFd('seccomp_export_pfc', (fd) => this.#native.sym.seccomp_export_pfc(this.#handle, fd));
    return new TextDecoder().decode(bytes);
  }

  /** libseccomp ≥ 2.6: generate the BPF now so load() does less work. */
  precompute(): this {
    check(this.#native.optional('seccomp_precompute')(this.#handle), 'seccomp_precompute');
    return this;
  }

  transactionStart(): this {
    check(this.#native.optional('seccomp_transaction_start')(this.#handle), 'seccomp_transaction_start');
    return this;
  }

  transactionCommit(): this {
    check(this.#native.optional('seccomp_transaction_commit')(this.#handle), 'seccomp_transaction_commit');
    return this;
  }

  transactionReject(): this {
    this.#native.optional('seccomp_transaction_reject')(this.#handle);
    return this;
  }

  /** The user-notification fd (after load(), for a filter with Action.notify rules). */
  notifyFd(): number {
    return check(this.#native.sym.seccomp_notify_fd(this.#handle), 'seccomp_notify_fd', {
      hints: { EFAULT: 'the filter has not been loaded yet, or has no Action.notify rule' },
    });
  }

  /** Loads the filter into the kernel for this process (every thread, with TSYNC). */
  load(): void {
    // After the filter is in place, binding a symbol may be refused (see Native.bindAll).
    this.#native.bindAll();
    check(this.#native.sym.seccomp_load(this.#handle), 'seccomp_load', {
      hints: {
        ESRCH: 'TSYNC could not synchronise every thread: another thread has a different filter',
        EACCES: 'seccomp needs NO_NEW_PRIVS or CAP_SYS_ADMIN',
        EINVAL: 'the kernel rejected the filter (or an attribute it does not support)',
      },
    });
  }

  get released(): boolean {
    return this.#ctx === null;
  }

  #forget(): void {
    finalizer.unregister(this);
    this.#ctx = null;
  }

  /** Frees the context. Safe to call twice. */
  release(): void {
    if (this.#ctx === null) return;
    const ctx = this.#ctx;
    this.#forget();
    this.#native.sym.seccomp_release(ctx);
  }

  [Symbol.dispose](): void {
    this.release();
  }
}

function exportBpfMem(native: Native, ctx: Pointer, mem: NonNullable<Native['sym']['seccomp_export_bpf_mem']>): Uint8Array {
  const len = new Uint8Array(8);
  const dv = new DataView(len.buffer);
  const le = HOST_ENDIAN === 'little';
  check(mem(ctx, null, len), 'seccomp_export_bpf_mem');
  const out = new Uint8Array(Number(dv.getBigUint64(0, le)));
  check(mem(ctx, out, len), 'seccomp_export_bpf_mem');
  return out.subarray(0, Number(dv.getBigUint64(0, le)));
}

function attributeId(name: string): number {
  const id = (ATTRIBUTES as Record<string, number>)[name];
  if (id === undefined) throw new RangeError(`Unknown filter attribute "${name}": use one of ${Object.keys(ATTRIBUTES).join(', ')}.`);
  return id;
}

function encodeAttr(name: AttributeName, value: unknown): number {
  if (name === 'defaultAction' || name === 'badArchAction') return encodeAction(value as Action);
  if (name === 'optimize') {
    if (value !== 1 && value !== 2) throw new RangeError(`The optimize attribute is 1 (linear) or 2 (binary tree), got ${String(value)}.`);
    return value;
  }
  if (typeof value !== 'boolean') throw new TypeError(`The ${name} attribute is a boolean, got ${String(value)}.`);
  return value ? 1 : 0;
}

function decodeAttr(name: AttributeName, raw: number): unknown {
  if (name === 'defaultAction' || name === 'badArchAction') return decodeAction(raw);
  if (name === 'optimize') return raw;
  return raw !== 0;
}
