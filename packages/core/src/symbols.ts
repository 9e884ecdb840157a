/**
 * The ONE table of C functions the SDK binds: libseccomp's API plus the few libc calls the
 * backends need. Each runtime package renders it into its own FFI declarations (koffi
 * prototypes, bun:ffi FFITypes, Deno.dlopen parameters), so all three bind the same set.
 *
 * Parameter kinds:
 *  - i32/u32: number; i64/u64/usize: bigint or number (results may come back as either)
 *  - ptr: an opaque native pointer (koffi bigint, bun number, Deno PointerObject) or null
 *  - buffer: a Uint8Array the callee reads or writes (null allowed)
 *  - cstring: a NUL-terminated Uint8Array (core encodes and caches names; no JS strings,
 *    which Deno rejects and which cost an encode per call)
 * No variadic function is bound: rule_add goes through seccomp_rule_add_array, and
 * syscall/prctl use a fixed prototype (glibc's syscall only moves registers; safe on
 * x86_64 and aarch64).
 *
 * Results read for their errno are 32-bit: a JS number needs no allocation, so nothing can
 * run between the call and the errno read (see NativeLibrary.errnoWord), while a 64-bit
 * result is a BigInt on Deno, and allocating it can run the garbage collector, whose futex
 * waits overwrite errno. Reading the low half of a `long` is safe in both ABIs (the value
 * is in rax/x0); `syscall_long` binds the same function again for the few syscalls whose
 * results need all 64 bits.
 */

export type ParamKind = 'i32' | 'u32' | 'i64' | 'u64' | 'usize' | 'ptr' | 'buffer' | 'cstring';
export type ResultKind = 'void' | 'i32' | 'u32' | 'i64' | 'ptr';

export interface SymbolSpec {
  readonly lib: 'seccomp' | 'c';
  readonly params: readonly ParamKind[];
  readonly result: ResultKind;
  /** The C prototype, for humans and for koffi. */
  readonly proto: string;
  /** First libseccomp version that has it; older libraries bind without it. */
  readonly since?: string;
  /** Bound when present; its absence is reported in `capabilities`. */
  readonly optional?: true;
  /** The C function, when the entry is a second binding of it under another name. */
  readonly symbol?: string;
}

// prettier-ignore
export const SYMBOLS = {
  // --- library ---
  seccomp_version:        { lib: 'seccomp', params: [], result: 'ptr', proto: 'const struct scmp_version *seccomp_version(void)' },
  seccomp_api_get:        { lib: 'seccomp', params: [], result: 'u32', proto: 'unsigned int seccomp_api_get(void)' },
  seccomp_api_set:        { lib: 'seccomp', params: ['u32'], result: 'i32', proto: 'int seccomp_api_set(unsigned int level)' },
  // --- filter context ---
  seccomp_init:           { lib: 'seccomp', params: ['u32'], result: 'ptr', proto: 'scmp_filter_ctx seccomp_init(uint32_t def_action)' },
  seccomp_reset:          { lib: 'seccomp', params: ['ptr', 'u32'], result: 'i32', proto: 'int seccomp_reset(scmp_filter_ctx ctx, uint32_t def_action)' },
  seccomp_release:        { lib: 'seccomp', params: ['ptr'], result: 'void', proto: 'void seccomp_release(scmp_filter_ctx ctx)' },
  seccomp_merge:          { lib: 'seccomp', params: ['ptr', 'ptr'], result: 'i32', proto: 'int seccomp_merge(scmp_filter_ctx ctx_dst, scmp_filter_ctx ctx_src)' },
  seccomp_load:           { lib: 'seccomp', params: ['ptr'], result: 'i32', proto: 'int seccomp_load(const scmp_filter_ctx ctx)' },
  seccomp_precompute:     { lib: 'seccomp', params: ['ptr'], result: 'i32', proto: 'int seccomp_precompute(const scmp_filter_ctx ctx)', since: '2.6.0', optional: true },
  seccomp_attr_get:       { lib: 'seccomp', params: ['ptr', 'i32', 'buffer'], result: 'i32', proto: 'int seccomp_attr_get(const scmp_filter_ctx ctx, enum scmp_filter_attr attr, uint32_t *value)' },
  seccomp_attr_set:       { lib: 'seccomp', params: ['ptr', 'i32', 'u32'], result: 'i32', proto: 'int seccomp_attr_set(scmp_filter_ctx ctx, enum scmp_filter_attr attr, uint32_t value)' },
  // --- arches ---
  seccomp_arch_resolve_name: { lib: 'seccomp', params: ['cstring'], result: 'u32', proto: 'uint32_t seccomp_arch_resolve_name(const char *arch_name)' },
  seccomp_arch_native:    { lib: 'seccomp', params: [], result: 'u32', proto: 'uint32_t seccomp_arch_native(void)' },
  seccomp_arch_exist:     { lib: 'seccomp', params: ['ptr', 'u32'], result: 'i32', proto: 'int seccomp_arch_exist(const scmp_filter_ctx ctx, uint32_t arch_token)' },
  seccomp_arch_add:       { lib: 'seccomp', params: ['ptr', 'u32'], result: 'i32', proto: 'int seccomp_arch_add(scmp_filter_ctx ctx, uint32_t arch_token)' },
  seccomp_arch_remove:    { lib: 'seccomp', params: ['ptr', 'u32'], result: 'i32', proto: 'int seccomp_arch_remove(scmp_filter_ctx ctx, uint32_t arch_token)' },
  // --- syscalls ---
  seccomp_syscall_resolve_name:         { lib: 'seccomp', params: ['cstring'], result: 'i32', proto: 'int seccomp_syscall_resolve_name(const char *name)' },
  seccomp_syscall_resolve_name_arch:    { lib: 'seccomp', params: ['u32', 'cstring'], result: 'i32', proto: 'int seccomp_syscall_resolve_name_arch(uint32_t arch_token, const char *name)' },
  seccomp_syscall_resolve_name_rewrite: { lib: 'seccomp', params: ['u32', 'cstring'], result: 'i32', proto: 'int seccomp_syscall_resolve_name_rewrite(uint32_t arch_token, const char *name)' },
  seccomp_syscall_resolve_num_arch:     { lib: 'seccomp', params: ['u32', 'i32'], result: 'ptr', proto: 'char *seccomp_syscall_resolve_num_arch(uint32_t arch_token, int num)' },
  seccomp_syscall_priority: { lib: 'seccomp', params: ['ptr', 'i32', 'u32'], result: 'i32', proto: 'int seccomp_syscall_priority(scmp_filter_ctx ctx, int syscall, uint8_t priority)' },
  // --- rules (the _array forms: never variadic) ---
  seccomp_rule_add_array:       { lib: 'seccomp', params: ['ptr', 'u32', 'i32', 'u32', 'buffer'], result: 'i32', proto: 'int seccomp_rule_add_array(scmp_filter_ctx ctx, uint32_t action, int syscall, unsigned int arg_cnt, const struct scmp_arg_cmp *arg_array)' },
  seccomp_rule_add_exact_array: { lib: 'seccomp', params: ['ptr', 'u32', 'i32', 'u32', 'buffer'], result: 'i32', proto: 'int seccomp_rule_add_exact_array(scmp_filter_ctx ctx, uint32_t action, int syscall, unsigned int arg_cnt, const struct scmp_arg_cmp *arg_array)' },
  // --- user notification ---
  seccomp_notify_alloc:   { lib: 'seccomp', params: ['buffer', 'buffer'], result: 'i32', proto: 'int seccomp_notify_alloc(struct seccomp_notif **req, struct seccomp_notif_resp **resp)' },
  seccomp_notify_free:    { lib: 'seccomp', params: ['ptr', 'ptr'], result: 'void', proto: 'void seccomp_notify_free(struct seccomp_notif *req, struct seccomp_notif_resp *resp)' },
  seccomp_notify_receive: { lib: 'seccomp', params: ['i32', 'ptr'], result: 'i32', proto: 'int seccomp_notify_receive(int fd, struct seccomp_notif *req)' },
  seccomp_notify_respond: { lib: 'seccomp', params: ['i32', 'ptr'], result: 'i32', proto: 'int seccomp_notify_respond(int fd, struct seccomp_notif_resp *resp)' },
  seccomp_notify_id_valid: { lib: 'seccomp', params: ['i32', 'u64'], result: 'i32', proto: 'int seccomp_notify_id_valid(int fd, uint64_t id)' },
  seccomp_notify_fd:      { lib: 'seccomp', params: ['ptr'], result: 'i32', proto: 'int seccomp_notify_fd(const scmp_filter_ctx ctx)' },
  // --- export ---
  seccomp_export_pfc:     { lib: 'seccomp', params: ['ptr', 'i32'], result: 'i32', proto: 'int seccomp_export_pfc(const scmp_filter_ctx ctx, int fd)' },
  seccomp_export_bpf:     { lib: 'seccomp', params: ['ptr', 'i32'], result: 'i32', proto: 'int seccomp_export_bpf(const scmp_filter_ctx ctx, int fd)' },
  seccomp_export_bpf_mem: { lib: 'seccomp', params: ['ptr', 'buffer', 'buffer'], result: 'i32', proto: 'int seccomp_export_bpf_mem(const scmp_filter_ctx ctx, void *buf, size_t *len)', since: '2.6.0', optional: true },
  // --- transactions ---
  seccomp_transaction_start:  { lib: 'seccomp', params: ['ptr'], result: 'i32', proto: 'int seccomp_transaction_start(const scmp_filter_ctx ctx)', since: '2.6.0', optional: true },
  seccomp_transaction_commit: { lib: 'seccomp', params: ['ptr'], result: 'i32', proto: 'int seccomp_transaction_commit(const scmp_filter_ctx ctx)', since: '2.6.0', optional: true },
  seccomp_transaction_reject: { lib: 'seccomp', params: ['ptr'], result: 'void', proto: 'void seccomp_transaction_reject(const scmp_filter_ctx ctx)', since: '2.6.0', optional: true },
  // --- libc ---
  prctl:              { lib: 'c', params: ['i32', 'u64', 'u64', 'u64', 'u64'], result: 'i32', proto: 'int prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5)' },
  // The int result holds every failure (-1) and every result below 2^31 exactly.
  syscall:            { lib: 'c', params: ['i64', 'i64', 'i64', 'i64', 'i64', 'i64', 'i64'], result: 'i32', proto: 'long syscall(long number, long a1, long a2, long a3, long a4, long a5, long a6)' },
  // All 64 bits, for addresses and offsets (rawSyscall's mmap, lseek, …).
  syscall_long:       { lib: 'c', symbol: 'syscall', params: ['i64', 'i64', 'i64', 'i64', 'i64', 'i64', 'i64'], result: 'i64', proto: 'long syscall(long number, long a1, long a2, long a3, long a4, long a5, long a6)' },
  free:               { lib: 'c', params: ['ptr'], result: 'void', proto: 'void free(void *ptr)' },
  __errno_location:   { lib: 'c', params: [], result: 'ptr', proto: 'int *__errno_location(void)' },
  memfd_create:       { lib: 'c', params: ['cstring', 'u32'], result: 'i32', proto: 'int memfd_create(const char *name, unsigned int flags)' },
  // Linux reads at most 0x7ffff000 bytes per call (read(2)), so the count fits an int.
  read:               { lib: 'c', params: ['i32', 'buffer', 'usize'], result: 'i32', proto: 'ssize_t read(int fd, void *buf, size_t count)' },
  lseek:              { lib: 'c', params: ['i32', 'i64', 'i32'], result: 'i64', proto: 'off_t lseek(int fd, off_t offset, int whence)' },
  close:              { lib: 'c', params: ['i32'], result: 'i32', proto: 'int close(int fd)' },
} as const satisfies Record<string, SymbolSpec>;

export type SymbolName = keyof typeof SYMBOLS;

/** An opaque native pointer; only the backend that produced it can read it. */
export type Pointer = unknown;

type ParamType<K> = K extends 'i32' | 'u32' ? number
  : K extends 'i64' | 'u64' | 'usize' ? number | bigint
  : K extends 'buffer' ? Uint8Array | null
  : K extends 'cstring' ? Uint8Array
  : Pointer;
type ResultType<K> = K extends 'void' ? void : K extends 'i32' | 'u32' ? number : K extends 'i64' ? number | bigint : Pointer;
type Params<P> = { -readonly [I in keyof P]: ParamType<P[I]> };

export type SymbolFn<S extends SymbolSpec> = (...args: Params<S['params']> extends infer A extends unknown[] ? A : never) => ResultType<S['result']>;

/** What a backend hands core: one function per symbol (optional ones may be absent). */
export type BoundSymbols = {
  [K in SymbolName]: (typeof SYMBOLS)[K] extends { optional: true }
    ? SymbolFn<(typeof SYMBOLS)[K]> | undefined
    : SymbolFn<(typeof SYMBOLS)[K]>;
};

export const SYMBOL_NAMES = Object.keys(SYMBOLS) as SymbolName[];
/** The C function an entry binds: its own name, or the function it binds a second time. */
export const cSymbol = (name: SymbolName): string => (SYMBOLS[name] as SymbolSpec).symbol ?? name;
export const OPTIONAL_SYMBOLS = SYMBOL_NAMES.filter((n) => 'optional' in SYMBOLS[n]);
