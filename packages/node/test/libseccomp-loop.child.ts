// Builds one profile (JSON on argv[3]) in its own process, because a build that loops inside
// libseccomp cannot be interrupted from JavaScript: the parent kills this process instead.
// argv[2]: "compile" goes through compile({ via: 'libseccomp' }) and its guard; "typescript"
// through compile() and the SDK's own compiler; "raw" adds the same rules one by one through
// SyscallFilter, which has no guard (the control that shows the loop is real).
import { compile, profileFromJSON, SyscallFilter, type Profile } from '../src/index.js';

function buildRaw(profile: Profile): Uint8Array {
  using filter = new SyscallFilter(profile.defaultAction);
  for (const rule of profile.rules) {
    for (const syscall of rule.syscalls) filter.addRule(rule.action, syscall, ...(rule.conditions ?? []));
  }
  return filter.exportBpf();
}

const [mode, json] = process.argv.slice(2);
const profile = profileFromJSON(JSON.parse(json!));
// Printed before the build, so the parent can tell a loop from a slow start-up.
console.log(JSON.stringify({ started: true }));
const t0 = performance.now();
try {
  const bpf = mode === 'raw' ? buildRaw(profile) : compile(profile, { via: mode === 'typescript' ? 'typescript' : 'libseccomp' });
  console.log(JSON.stringify({ built: true, instructions: bpf.length / 8, ms: performance.now() - t0 }));
} catch (err) {
  console.log(JSON.stringify({ built: false, name: (err as Error).name, message: (err as Error).message }));
}
