/**
 * Seccomp actions as typed values, and their exact encoding in the u32 a filter returns
 * (`SECCOMP_RET_*` in linux/seccomp.h, which libseccomp's `SCMP_ACT_*` mirror).
 */
import { ERRNO, errnoName, errnoNumber, type ErrnoName } from './errno.js';

export type Action =
  | { readonly kind: 'allow' }
  | { readonly kind: 'killProcess' }
  | { readonly kind: 'killThread' }
  | { readonly kind: 'trap' }
  | { readonly kind: 'log' }
  | { readonly kind: 'notify' }
  | { readonly kind: 'errno'; readonly errno: number }
  | { readonly kind: 'trace'; readonly msg: number };

export type ActionKind = Action['kind'];

/** SECCOMP_RET_ACTION_FULL values. */
export const RET = Object.freeze({
  KILL_PROCESS: 0x80000000,
  KILL_THREAD: 0x00000000,
  TRAP: 0x00030000,
  ERRNO: 0x00050000,
  USER_NOTIF: 0x7fc00000,
  TRACE: 0x7ff00000,
  LOG: 0x7ffc0000,
  ALLOW: 0x7fff0000,
} as const);

const ACTION_MASK = 0xffff0000;
const DATA_MASK = 0x0000ffff;

function u16(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 0 || value > DATA_MASK) {
    throw new RangeError(`${what} must be an integer from 0 to 65535, got ${String(value)}.`);
  }
  return value;
}

/**
 * The kernel's MAX_ERRNO (include/linux/err.h): an errno is 1–4095, and libseccomp refuses
 * SCMP_ACT_ERRNO(n) for n >= MAX_ERRNO (EINVAL, from the rule's or filter's call, where it
 * reads like the syscall's fault). So 0–4094 is what a filter can say; refused here, at the edge.
 */
export const MAX_ERRNO = 4095;

/** The errno check validateProfile and the OCI readers share: the reason, or undefined. */
export function errnoProblem(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < MAX_ERRNO) return undefined;
  return `must be an integer from 0 to ${MAX_ERRNO - 1} (MAX_ERRNO is ${MAX_ERRNO}: libseccomp refuses errno ${MAX_ERRNO} and above)`;
}

function toErrno(value: number | string): number {
  if (typeof value === 'number') {
    const why = errnoProblem(value);
    if (why) throw new RangeError(`An errno ${why}, got ${String(value)}.`);
    return value;
  }
  const nr = errnoNumber(value);
  if (nr === undefined) throw new RangeError(`Unknown errno name "${value}": use a name such as "EPERM" or a number.`);
  return nr;
}

const ALLOW = Object.freeze({ kind: 'allow' as const });
const KILL_PROCESS = Object.freeze({ kind: 'killProcess' as const });
const KILL_THREAD = Object.freeze({ kind: 'killThread' as const });
const TRAP = Object.freeze({ kind: 'trap' as const });
const LOG = Object.freeze({ kind: 'log' as const });
const NOTIFY = Object.freeze({ kind: 'notify' as const });

/** Builders. `Action.errno("EPERM")`, `Action.trace(7)`, `Action.allow`. */
export const Action = Object.freeze({
  allow: ALLOW as Action,
  killProcess: KILL_PROCESS as Action,
  killThread: KILL_THREAD as Action,
  /** libseccomp's SCMP_ACT_KILL: the thread only. */
  kill: KILL_THREAD as Action,
  trap: TRAP as Action,
  log: LOG as Action,
  notify: NOTIFY as Action,
  errno(value: number | ErrnoName | string = 'EPERM'): Action {
    return Object.freeze({ kind: 'errno', errno: toErrno(value) });
  },
  trace(msg = 0): Action {
    return Object.freeze({ kind: 'trace', msg: u16(msg, 'A trace message') });
  },
});

/** The u32 the kernel sees. */
export function encodeAction(action: Action): number {
  switch (action.kind) {
    case 'allow': return RET.ALLOW;
    case 'killProcess': return RET.KILL_PROCESS;
    case 'killThread': return RET.KILL_THREAD;
    case 'trap': return RET.TRAP;
    case 'log': return RET.LOG;
    case 'notify': return RET.USER_NOTIF;
    case 'errno': return (RET.ERRNO | u16(action.errno, 'An errno')) >>> 0;
    case 'trace': return (RET.TRACE | u16(action.msg, 'A trace message')) >>> 0;
    default: throw new TypeError(`Not an action: ${JSON.stringify(action)}. Use Action.allow, Action.errno("EPERM"), …`);
  }
}

/** The action a filter's return value stands for. Unknown action bits throw a RangeError. */
export function decodeAction(value: number): Action {
  const v = value >>> 0;
  const data = v & DATA_MASK;
  switch ((v & ACTION_MASK) >>> 0) {
    case RET.KILL_PROCESS: return Action.killProcess;
    case RET.KILL_THREAD: return Action.killThread;
    case RET.TRAP: return Action.trap;
    // A program may return any 16 data bits (the kernel caps them at MAX_ERRNO): decoding
    // says what the program holds, so it skips the builder's limit.
    case RET.ERRNO: return Object.freeze({ kind: 'errno' as const, errno: data });
    case RET.USER_NOTIF: return Action.notify;
    case RET.TRACE: return Action.trace(data);
    case RET.LOG: return Action.log;
    case RET.ALLOW: return Action.allow;
    default: throw new RangeError(`0x${v.toString(16).padStart(8, '0')} is not a seccomp action.`);
  }
}

export function isAction(value: unknown): value is Action {
  if (typeof value !== 'object' || value === null) return false;
  try {
    encodeAction(value as Action);
    return true;
  } catch {
    return false;
  }
}

export function actionsEqual(a: Action, b: Action): boolean {
  return encodeAction(a) === encodeAction(b);
}

/** Readable form: `allow`, `errno(EPERM)`, `trace(7)`, `killProcess`. */
export function formatAction(action: Action): string {
  if (action.kind === 'errno') return `errno(${errnoName(action.errno) ?? action.errno})`;
  if (action.kind === 'trace') return `trace(${action.msg})`;
  return action.kind;
}

/** Parses what `formatAction` prints (and a bare kind name). */
export function parseAction(text: string): Action {
  const m = /^(\w+)(?:\((\w*)\))?$/.exec(text.trim());
  const kind = m?.[1];
  const data = m?.[2];
  if (kind === 'errno') return Action.errno(data === undefined || data === '' ? 'EPERM' : /^\d+$/.test(data) ? Number(data) : data);
  if (kind === 'trace') return Action.trace(data ? Number(data) : 0);
  const simple: Record<string, Action> = {
    allow: Action.allow, killProcess: Action.killProcess, killThread: Action.killThread, kill: Action.killThread,
    trap: Action.trap, log: Action.log, notify: Action.notify,
  };
  if (kind && data === undefined && simple[kind]) return simple[kind];
  throw new RangeError(`Unknown action "${text}": use allow, errno(EPERM), killProcess, killThread, trap, log, notify or trace(n).`);
}

/** OCI runtime-spec action names. `SCMP_ACT_KILL` is libseccomp's kill-thread. */
export const OCI_ACTIONS = [
  'SCMP_ACT_KILL', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_KILL_THREAD', 'SCMP_ACT_TRAP', 'SCMP_ACT_ERRNO',
  'SCMP_ACT_TRACE', 'SCMP_ACT_ALLOW', 'SCMP_ACT_LOG', 'SCMP_ACT_NOTIFY',
] as const;
export type OciActionName = (typeof OCI_ACTIONS)[number];

/** Docker and runc answer EPERM when an OCI errno action gives no errnoRet. */
const OCI_DEFAULT_ERRNO = ERRNO.EPERM;

/** `SCMP_ACT_ERRNO` + errnoRet → `errno(n)`. `ret` is errnoRet (or the trace message). */
export function fromOciAction(name: string, ret?: number): Action {
  switch (name) {
    case 'SCMP_ACT_KILL':
    case 'SCMP_ACT_KILL_THREAD': return Action.killThread;
    case 'SCMP_ACT_KILL_PROCESS': return Action.killProcess;
    case 'SCMP_ACT_TRAP': return Action.trap;
    case 'SCMP_ACT_ERRNO': return Action.errno(ret ?? OCI_DEFAULT_ERRNO);
    case 'SCMP_ACT_TRACE': return Action.trace(ret ?? OCI_DEFAULT_ERRNO);
    case 'SCMP_ACT_ALLOW': return Action.allow;
    case 'SCMP_ACT_LOG': return Action.log;
    case 'SCMP_ACT_NOTIFY': return Action.notify;
    default: throw new RangeError(`Unknown OCI action "${name}": use one of ${OCI_ACTIONS.join(', ')}.`);
  }
}

/** `errno(1)` → `{ action: "SCMP_ACT_ERRNO", ret: 1 }`. */
export function toOciAction(action: Action): { action: OciActionName; ret?: number } {
  switch (action.kind) {
    case 'allow': return { action: 'SCMP_ACT_ALLOW' };
    case 'killProcess': return { action: 'SCMP_ACT_KILL_PROCESS' };
    case 'killThread': return { action: 'SCMP_ACT_KILL_THREAD' };
    case 'trap': return { action: 'SCMP_ACT_TRAP' };
    case 'log': return { action: 'SCMP_ACT_LOG' };
    case 'notify': return { action: 'SCMP_ACT_NOTIFY' };
    case 'errno': return { action: 'SCMP_ACT_ERRNO', ret: action.errno };
    case 'trace': return { action: 'SCMP_ACT_TRACE', ret: action.msg };
  }
}

/**
 * How restrictive an action is, in the kernel's precedence order (a stack of filters returns
 * the most restrictive verdict): killProcess > killThread > trap > errno > notify > trace > log > allow.
 */
export function actionSeverity(action: Action): number {
  const order: ActionKind[] = ['allow', 'log', 'trace', 'notify', 'errno', 'trap', 'killThread', 'killProcess'];
  return order.indexOf(action.kind);
}
