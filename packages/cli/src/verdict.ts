/** What each action means for the process that made the call, in words. */
import { errnoName, formatAction, type Action } from '@seccomp/node';

/** Whether the syscall itself goes ahead. */
export function runs(action: Action): boolean {
  return action.kind === 'allow' || action.kind === 'log';
}

export function describeAction(action: Action): string {
  switch (action.kind) {
    case 'allow': return 'the syscall runs';
    case 'log': return 'the syscall runs, and the kernel logs it';
    case 'errno': return `the syscall fails with ${errnoName(action.errno) ?? `errno ${action.errno}`}`;
    case 'killProcess': return 'the whole process is killed (SIGSYS)';
    case 'killThread': return 'the calling thread is killed (SIGSYS); the rest of the process lives on';
    case 'trap': return 'SIGSYS is delivered to the calling thread';
    case 'notify': return 'the call waits for a user-notification supervisor to answer';
    case 'trace': return `a ptrace tracer is told (message ${action.msg}); without a tracer the call fails with ENOSYS`;
  }
}

export function actionText(action: Action): string {
  return formatAction(action);
}
