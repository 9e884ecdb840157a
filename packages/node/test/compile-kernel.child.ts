// Loads a program from the TypeScript compiler into this process and makes the probe calls the
// parent names; prints one JSON line per call. Run by compile-kernel.test.ts, never directly.
import { loadBpf, rawSyscall, profileFromJSON } from '../src/index.js';
import { compileProfileBpf } from '../../core/src/compile/index.js';

const [profileJson, probesJson] = process.argv.slice(2);
const probes = JSON.parse(probesJson!) as { syscall: string; args: string[] }[];
const program = compileProfileBpf(profileFromJSON(JSON.parse(profileJson!)));
loadBpf(program.bytes);
for (const p of probes) {
  const r = rawSyscall(p.syscall, ...p.args.map((a) => BigInt(a)));
  process.stdout.write(`${JSON.stringify({ syscall: p.syscall, args: p.args, errno: r.errno, ret: String(r.ret) })}\n`);
}
