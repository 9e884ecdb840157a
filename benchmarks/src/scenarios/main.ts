/**
 * What every runtime entry runs: `<entry> <scenario> <params-json>`. The result is one report
 * line (core's testing protocol), `{ result }`, on stdout; a failure is `{ error }` and exit code 3.
 */
import { errorReport, reportLine } from '@seccomp/core/testing/reports';
import type { Kit } from '../kit.js';
import { compileScenario } from './compile.js';
import { compilerCheck, compilerSample, type CompilerParams } from './compiler.js';
import { ffiScenario, type FfiParams } from './ffi.js';
import { loadBpfSample, loadSdkSample, lockdownSample } from './load.js';
import type { ProfileName } from './profiles.js';
import { serveScenario } from './serve.js';
import { syscallScenario, type SyscallParams } from './syscall.js';

async function dispatch(kit: Kit, scenario: string, params: Record<string, unknown>): Promise<unknown> {
  switch (scenario) {
    case 'compile':
      return compileScenario(kit);
    case 'compiler-check':
      return compilerCheck(kit, params as { files: string[] });
    case 'compiler-sample':
      return compilerSample(kit, params as unknown as CompilerParams);
    case 'ffi':
      return ffiScenario(kit, params as unknown as FfiParams);
    case 'load-sdk':
      return loadSdkSample(kit, params.profile as ProfileName);
    case 'load-bpf':
      return loadBpfSample(kit, params.file as string);
    case 'load-lockdown':
      return lockdownSample(kit, params as { preset?: string; bpfFile?: string });
    case 'syscall':
      return syscallScenario(kit, params as unknown as SyscallParams);
    case 'serve':
      return serveScenario(kit, params as { variant?: 'lockdown' | ProfileName });
    default:
      throw new Error(`unknown scenario ${scenario}`);
  }
}

export async function main(kit: Kit): Promise<never> {
  const [scenario = '', json = '{}'] = kit.args;
  try {
    const result = await dispatch(kit, scenario, JSON.parse(json) as Record<string, unknown>);
    kit.print(reportLine({ result }));
    return kit.exit(0);
  } catch (err) {
    kit.print(reportLine({ error: errorReport(err, { stack: true }) }));
    return kit.exit(3);
  }
}
